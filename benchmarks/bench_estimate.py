"""Benchmark of `karez.estimate` (issue 7 targets, on 2 cores):

* stepwise selection with a 1,000-replicate BCa bootstrap on the UK 2013 5-list data,
  target under 20 s (the R reference SparseMSE takes over 3 minutes on such a machine);
  baseline in the same run: the same bootstrap refitting every replicate from scratch (no
  cached existence tests, no warm starts), timed on a share of the replicates;
* the latent-class model (LCMCR), 4 chains x 10,000 iterations on the UK 6-list data, target
  under 60 s; baseline in the same run: the same four chains run one after another instead of
  as one array;
* LCMCR coverage: how often the 95 % credible interval covers the known total of data
  simulated from a two-class latent-class model (N = 1,000, 5 lists), over many data sets,
  with the binomial 95 % range a nominal 0.95 would give; baseline in the same run: the
  independence model's Wald interval on the same data sets (a model that ignores the
  classes, so it should cover less);
* simulation-based calibration of the latent-class sampler (Talts et al. 2018): data sets
  drawn from the model's own prior (N negative binomial, mean 200), the rank of the true N
  and of list 1's share among thinned posterior draws, with a chi-square test of uniformity
  and the coverage of the 95 % interval over the prior; baseline in the same run: the same
  data sets with the sampler given a wrong prior on N (the paper's 1/N instead of the one
  the data came from): a measure of the check's power; a mismatch this mild turned out to be
  beyond what 200 data sets can see (docs/estimate.md).

* what the coverage shortfall on the fixed two-class setting owes to (with --part
  sensitivity): the same first data sets with the true number of classes (2), with N four
  times larger, and with other Beta priors on the catch probabilities; baseline: the paper's
  settings on the same data sets.

    .venv/bin/python benchmarks/bench_estimate.py [--quick] [--coverage-runs N] [--part PART]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from karez.estimate import CaptureHistories, estimate, load_counts
from karez.estimate.bootstrap import bca_interval, resample
from karez.estimate.calibration import simulation_based_calibration
from karez.estimate.histories import pattern_index
from karez.estimate.lcmcr import TotalPrior, sample_lcmcr
from karez.estimate.loglinear import ModelChecker
from karez.estimate.selection import stepwise

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "mse" / "benchmarks.json"


def target_verdict(elapsed: float, limit: float, full_run: bool) -> str:
    """Whether a time target was met; a reduced (--quick) run cannot tell."""
    if not full_run:
        return "n/a (quick run)"
    return "met" if elapsed < limit else "NOT met"


def bench_bootstrap(replicates: int, baseline_share: int) -> None:
    histories = load_counts(DATA, "UK_2013_5lists")
    patterns = histories.patterns
    checker = ModelChecker(patterns)

    def estimator(counts: np.ndarray) -> float:
        return float(counts.sum()) + stepwise(patterns, counts, checker).fit.unobserved

    start = time.perf_counter()
    result = bca_interval(histories.counts, estimator, replicates=replicates, seed=1234)
    elapsed = time.perf_counter() - start
    print(f"stepwise + BCa bootstrap, {replicates} replicates, UK 5 lists: {elapsed:.2f} s "
          f"(estimate {estimator(histories.counts):,.0f}, 95% BCa [{result.low:,.0f}, {result.high:,.0f}], "
          f"{checker.linear_programs} linear programs)")

    # Baseline: every replicate from scratch, with a fresh checker (no cache, no warm start).
    rng = np.random.default_rng(99)
    draws = resample(histories.counts, baseline_share, rng)
    start = time.perf_counter()
    for counts in draws:
        fresh = ModelChecker(patterns)
        stepwise(patterns, counts, fresh)
    baseline = (time.perf_counter() - start) / baseline_share * replicates
    print(f"  baseline, no caching or warm starts: {baseline:.2f} s for {replicates} replicates "
          f"(timed on {baseline_share}, scaled)")
    print(f"  ratio baseline / karez: {baseline / elapsed:.1f}x; target < 20 s: "
          f"{target_verdict(elapsed, 20, full_run=replicates >= 1000)}")


def bench_lcmcr(iterations: int, burn_in: int) -> None:
    histories = load_counts(DATA, "UK_2013_6lists")
    start = time.perf_counter()
    posterior = sample_lcmcr(histories, chains=4, iterations=iterations, burn_in=burn_in, seed=1)
    elapsed = time.perf_counter() - start
    low, high = posterior.interval()
    print(f"LCMCR, 4 chains x {iterations:,} iterations (+{burn_in:,} burn-in), UK 6 lists: {elapsed:.2f} s "
          f"(median {posterior.median:,.0f}, 95% [{low:,.0f}, {high:,.0f}], R-hat {posterior.rhat:.3f}, "
          f"ESS {posterior.ess:,.0f})")
    start = time.perf_counter()
    for chain in range(4):
        sample_lcmcr(histories, chains=1, iterations=iterations, burn_in=burn_in, seed=100 + chain)
    baseline = time.perf_counter() - start
    print(f"  baseline, the 4 chains one after another: {baseline:.2f} s")
    print(f"  ratio baseline / karez: {baseline / elapsed:.1f}x; target < 60 s: "
          f"{target_verdict(elapsed, 60, full_run=iterations >= 10_000)}")


# The two-class model of tests/estimate/test_lcmcr.py: 70 % easy to catch, 30 % hard.
COVERAGE_TOTAL = 1000
COVERAGE_WEIGHTS = [0.7, 0.3]
COVERAGE_CAPTURE = [[0.4, 0.35, 0.45, 0.3, 0.4], [0.2, 0.3, 0.15, 0.25, 0.2]]


def _simulated_histories(rng: np.random.Generator, total: int = COVERAGE_TOTAL) -> CaptureHistories:
    classes = rng.choice(len(COVERAGE_WEIGHTS), size=total, p=COVERAGE_WEIGHTS)
    caught = rng.random((total, 5)) < np.asarray(COVERAGE_CAPTURE)[classes]
    seen = caught.any(axis=1)
    counts = np.bincount(pattern_index(caught[seen].astype(np.int8)), minlength=2**5 - 1)
    return CaptureHistories(tuple("ABCDE"), counts)


def bench_lcmcr_coverage(runs: int, iterations: int, burn_in: int) -> None:
    rng = np.random.default_rng(2026)
    covered = baseline_covered = 0
    medians, widths = [], []
    start = time.perf_counter()
    for run in range(runs):
        histories = _simulated_histories(rng)
        posterior = sample_lcmcr(histories, chains=2, iterations=iterations, burn_in=burn_in, seed=run)
        low, high = posterior.interval(0.95)
        covered += low <= COVERAGE_TOTAL <= high
        medians.append(posterior.median)
        widths.append(high - low)
        fixed = estimate(histories, "independence", bootstrap=0)
        baseline_covered += fixed.interval[0] <= COVERAGE_TOTAL <= fixed.interval[1]
    elapsed = time.perf_counter() - start
    # The range a true coverage of 0.95 gives in `runs` data sets, 95 % of the time.
    from scipy.stats import binom

    low_count, high_count = binom.ppf([0.025, 0.975], runs, 0.95)
    share = covered / runs
    print(f"LCMCR coverage, {runs} simulated data sets (N = {COVERAGE_TOTAL}, 5 lists, 2 classes; "
          f"2 chains x {iterations:,} + {burn_in:,} burn-in): {covered}/{runs} = {share:.3f} "
          f"(a true 0.95 gives {low_count:.0f}-{high_count:.0f} of {runs}); "
          f"{'consistent with nominal' if low_count <= covered <= high_count else 'NOT consistent with nominal'}; "
          f"median of medians {np.median(medians):,.0f}, mean width {np.mean(widths):,.0f}; {elapsed:.1f} s")
    print(f"  baseline, independence model (Wald, model fixed) on the same data: "
          f"{baseline_covered}/{runs} = {baseline_covered / runs:.3f}; "
          f"ratio LCMCR / baseline coverage: {share / max(baseline_covered / runs, 1 / runs):.1f}x")


def bench_lcmcr_sensitivity(runs: int) -> None:
    """Coverage on the first `runs` data sets of the coverage check, setting by setting."""
    settings = [
        ("paper's settings (baseline): 10 classes, Beta(1, 1)", 1, {}),
        ("true number of classes: 2, Beta(1, 1)", 1, {"classes": 2}),
        ("2 classes, Jeffreys Beta(0.5, 0.5)", 1, {"classes": 2, "capture_prior": (0.5, 0.5)}),
        ("10 classes, Beta(1, 3) (prior mean 0.25, near the truth)", 1, {"capture_prior": (1.0, 3.0)}),
        ("N four times larger: 4,000, 10 classes, Beta(1, 1)", 4, {}),
    ]
    for label, scale, options in settings:
        rng = np.random.default_rng(2026)
        total = COVERAGE_TOTAL * scale
        covered, ratios = 0, []
        start = time.perf_counter()
        for run in range(runs):
            histories = _simulated_histories(rng, total)
            posterior = sample_lcmcr(histories, chains=2, iterations=2_000, burn_in=500, seed=run, **options)
            low, high = posterior.interval(0.95)
            covered += low <= total <= high
            ratios.append(posterior.median / total)
        print(f"LCMCR sensitivity, {label}: covered {covered}/{runs}, median of medians / N "
              f"{np.median(ratios):.4f}; {time.perf_counter() - start:.1f} s")


def bench_calibration(runs: int, iterations: int, burn_in: int, thin: int) -> None:
    prior = TotalPrior.with_mean(200, shape=4)
    for label, sampler_prior in (("karez", prior), ("baseline, sampler given p(N) ∝ 1/N", TotalPrior())):
        start = time.perf_counter()
        result = simulation_based_calibration(
            runs, lists=5, classes=5, total_prior=prior, sampler_prior=sampler_prior,
            iterations=iterations, burn_in=burn_in, thin=thin, seed=2018,
        )
        elapsed = time.perf_counter() - start
        histogram = np.histogram(result.total_ranks, bins=10, range=(0, result.draws + 1))[0]
        print(f"SBC ({label}), {runs} data sets from the prior (5 lists, 5 classes, N ~ NegBin mean 200, "
              f"shape 4; 2 chains x {iterations:,} + {burn_in:,}, thinned by {thin}: {result.draws} draws): "
              f"ranks of N uniform p = {result.uniformity_p_value(result.total_ranks):.3f} "
              f"(deciles {histogram.tolist()}), 95 % coverage {result.coverage(result.total_ranks):.3f}; "
              f"list 1's share p = {result.uniformity_p_value(result.list_ranks):.3f}, coverage "
              f"{result.coverage(result.list_ranks):.3f}; skipped {result.skipped}; {elapsed:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small fast run")
    parser.add_argument("--coverage-runs", type=int, default=None, help="simulated data sets for the LCMCR coverage check")
    parser.add_argument("--part", default="all", choices=["all", "sensitivity", "calibration"],
                        help="run one part only (sensitivity runs only when asked: about 15 minutes under load)")
    args = parser.parse_args()
    print("bench_estimate (figures depend on machine load; the CPU may be shared)")
    if args.part == "sensitivity":
        bench_lcmcr_sensitivity(runs=args.coverage_runs or (10 if args.quick else 40))
    elif args.part == "calibration":
        if args.quick:
            bench_calibration(runs=40, iterations=600, burn_in=200, thin=12)
        else:
            bench_calibration(runs=200, iterations=2_000, burn_in=500, thin=20)
    elif args.quick:
        bench_bootstrap(replicates=200, baseline_share=20)
        bench_lcmcr(iterations=2_000, burn_in=500)
        bench_lcmcr_coverage(runs=args.coverage_runs or 20, iterations=1_000, burn_in=300)
        bench_calibration(runs=40, iterations=600, burn_in=200, thin=12)
    else:
        bench_bootstrap(replicates=1000, baseline_share=100)
        bench_lcmcr(iterations=10_000, burn_in=2_000)
        bench_lcmcr_coverage(runs=args.coverage_runs or 200, iterations=2_000, burn_in=500)
        bench_calibration(runs=200, iterations=2_000, burn_in=500, thin=20)


if __name__ == "__main__":
    main()

"""BCa bootstrap intervals that redo model selection in every replicate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from karez.estimate import EstimateError, estimate, from_counts, load_counts
from karez.estimate.bootstrap import QUANTILE_METHOD, bca_interval, jackknife_acceleration
from karez.estimate.histories import pattern_index
from karez.estimate.loglinear import ModelChecker
from karez.estimate.methods import loglinear_chooser
from karez.estimate.selection import information_criterion, ranked_models

RESAMPLES_R_1234 = Path(__file__).resolve().parents[1] / "data" / "mse" / "uk5_resamples_r_seed1234.json"


def _reference_run(benchmarks: dict) -> list[float]:
    return next(iter(benchmarks["UK_2013_5lists"]["reference_runs"].values()))["bca_95"]


@pytest.mark.slow
def test_stepwise_bca_on_the_reference_runs_own_draws_equals_it_to_the_unit(benchmarks_path, benchmarks):
    """Fed the very resamples R drew for the SparseMSE reference run (seed 1234), karez's
    stepwise bootstrap gives its BCa interval [8785, 14701] to the unit: same selection in
    every replicate, same jackknife acceleration, same z0 and quantile rule. What is left
    between karez and R is the random generator alone."""
    reference = _reference_run(benchmarks)
    histories = load_counts(benchmarks_path, "UK_2013_5lists")
    choose = loglinear_chooser("stepwise", ModelChecker(histories.patterns))
    result = bca_interval(
        histories.counts,
        lambda counts: float(counts.sum()) + choose(counts).fit.unobserved,
        resampled=_r_resamples(histories),
    )
    assert result.replicates.size == 1000 and result.failed == 0
    assert result.low == pytest.approx(reference[0], abs=1.0)
    assert result.high == pytest.approx(reference[1], abs=1.0)
    # Read with numpy's default quantile rule (type 7) the lower end would be 8,938, 1.7 %
    # off: this end lies between the smallest and second smallest replicate.
    assert float(np.quantile(result.replicates, result.levels[0])) > reference[0] + 100


@pytest.mark.slow
def test_stepwise_bca_interval_is_near_the_reference_run(benchmarks_path, benchmarks):
    """SparseMSE 2.0.1, pthresh 0.02, 1000 replicates, seed 1234: BCa 95% [8785, 14701] (a
    reference run, not a published figure). karez draws with numpy, so its ends differ by
    Monte Carlo noise only; both ends within 5 %, as the issue asks.

    The lower end is read near the 0.2 % level, between the two or three smallest of 1,000
    replicates, so it moves with the seed in R as in karez: R seeds 1-10 give 8,730-9,531
    (7 of 11 runs with seed 1234 within 5 % of the reference), numpy seeds 1-10 give
    9,089-9,422 (5 of 10). Seed 1234 is the reference run's seed, chosen before these
    figures were known; see docs/estimate.md for the table."""
    reference = _reference_run(benchmarks)
    histories = load_counts(benchmarks_path, "UK_2013_5lists")
    result = estimate(histories, "stepwise", bootstrap=1000, seed=1234)
    low, high = result.interval
    assert result.interval_kind == "bca_bootstrap_with_model_selection"
    assert result.diagnostics["bootstrap"]["replicates"] == 1000
    assert low == pytest.approx(reference[0], rel=0.05)
    assert high == pytest.approx(reference[1], rel=0.05)
    assert low < result.estimate < high


def test_bootstrap_is_reproducible_with_a_seed_and_changes_without():
    histories = from_counts(["A", "B", "C"], {"100": 120, "010": 90, "001": 80, "110": 30, "101": 25, "011": 20, "111": 6})
    first = estimate(histories, "stepwise", bootstrap=200, seed=5)
    again = estimate(histories, "stepwise", bootstrap=200, seed=5)
    other = estimate(histories, "stepwise", bootstrap=200, seed=6)
    assert first.interval == again.interval
    assert first.interval != other.interval


def test_bca_covers_lincoln_petersen_truth_at_about_nominal_rate():
    """Two independent lists: the independence model is right, so 90 % BCa intervals should
    cover the true total in roughly 90 % of simulated data sets."""
    rng = np.random.default_rng(3)
    total, covered, runs = 2000, 0, 40
    for run in range(runs):
        on_a = rng.random(total) < 0.3
        on_b = rng.random(total) < 0.25
        counts = {"10": int((on_a & ~on_b).sum()), "01": int((~on_a & on_b).sum()), "11": int((on_a & on_b).sum())}
        result = estimate(from_counts(["A", "B"], counts), "independence", bootstrap=300, seed=run, level=0.9)
        covered += result.interval[0] <= total <= result.interval[1]
    assert 0.75 * runs <= covered <= runs


def test_jackknife_acceleration_is_zero_for_a_symmetric_statistic():
    counts = np.array([10, 10, 10])
    # The total count does not change with which person is left out: no skewness.
    assert jackknife_acceleration(counts, lambda c: float(c.sum())) == 0.0


def test_bca_refuses_too_few_replicates():
    with pytest.raises(EstimateError, match="at least 10"):
        bca_interval(np.array([5, 5, 5]), lambda c: float(c.sum()), replicates=5)


def test_bca_ends_are_the_replicate_quantiles_at_the_reported_levels():
    from scipy.stats import norm

    # Lincoln-Petersen on two lists (patterns 01, 10, 11): a skewed statistic, so z0 and a
    # are not zero and the levels move away from 2.5 % and 97.5 %.
    counts = np.array([40, 30, 6])
    result = bca_interval(
        counts, lambda c: float((c[1] + c[2]) * (c[0] + c[2]) / max(c[2], 1)), replicates=400, seed=2
    )
    z0, a = result.bias_correction, result.acceleration
    for z_alpha, level, end in zip(norm.ppf([0.025, 0.975]), result.levels, (result.low, result.high), strict=True):
        assert level == pytest.approx(norm.cdf(z0 + (z0 + z_alpha) / (1 - a * (z0 + z_alpha))))
        assert end == pytest.approx(float(np.quantile(result.replicates, level, method=QUANTILE_METHOD)))
    below, above = result.replicates_beyond()
    assert below == pytest.approx(result.levels[0] * 400)
    assert above == pytest.approx((1 - result.levels[1]) * 400)
    assert result.levels != (0.025, 0.975)


def test_an_end_read_deep_in_a_tail_is_warned_about(benchmarks_path):
    """UK 5 lists, stepwise: z0 is about -0.4, so the lower BCa end is near the 0.2 % quantile,
    beyond which fewer than one of 300 replicates lies: the result must say so."""
    histories = load_counts(benchmarks_path, "UK_2013_5lists")
    result = estimate(histories, "stepwise", bootstrap=300, seed=1234)
    boot = result.diagnostics["bootstrap"]
    assert boot["replicates_beyond_ends"][0] < 10
    assert boot["bca_quantile_levels"][0] < 10 / 300
    assert any("lower end" in w and "changes with the seed" in w for w in result.warnings)


def test_ends_well_inside_the_replicates_earn_no_tail_warning():
    # Two large independent lists: BCa barely moves the 2.5 % and 97.5 % levels.
    histories = from_counts(["A", "B"], {"10": 4500, "01": 3500, "11": 1500})
    result = estimate(histories, "independence", bootstrap=1000, seed=3)
    below, above = result.diagnostics["bootstrap"]["replicates_beyond_ends"]
    assert below >= 10 and above >= 10
    assert not any("changes with the seed" in w for w in result.warnings)


def test_bias_correction_counts_only_replicates_strictly_below_the_estimate():
    """Efron's z0 = Phi^-1(share of replicates < estimate): ties with the estimate do not count
    as half below (which would shift every end on a statistic with many ties)."""
    from scipy.stats import norm

    counts = np.array([30, 30])
    # A coarse statistic: many replicates tie with the estimate on the data (3).
    result = bca_interval(counts, lambda c: float(c[0] // 10), replicates=400, seed=4)
    share_below = np.count_nonzero(result.replicates < 3.0) / result.replicates.size
    assert np.count_nonzero(result.replicates == 3.0) > 50
    assert result.bias_correction == pytest.approx(float(norm.ppf(share_below)))


def test_resampled_counts_replace_the_random_draws_and_must_fit_the_patterns():
    counts = np.array([40, 30, 6])
    given = np.array([[40, 30, 6]] * 5 + [[38, 31, 7]] * 5 + [[42, 29, 5]] * 5)
    result = bca_interval(counts, lambda c: float(c[0] + c[1]), resampled=given, seed=1)
    assert sorted(result.replicates.tolist()) == sorted(float(r[0] + r[1]) for r in given)
    with pytest.raises(EstimateError, match="3 columns"):
        bca_interval(counts, lambda c: float(c.sum()), resampled=np.ones((20, 2)))


def _r_resamples(histories) -> np.ndarray:
    drawn = json.loads(RESAMPLES_R_1234.read_text("utf-8"))
    resampled = np.zeros((len(drawn["replicates"]), histories.counts.size), dtype=np.int64)
    columns = pattern_index(np.array([[int(c) for c in p] for p in drawn["patterns"]]))
    resampled[:, columns] = np.asarray(drawn["replicates"])
    return resampled


@pytest.mark.slow
def test_bic_bca_on_the_authors_draws_gives_the_published_interval(benchmarks_path, benchmarks):
    """Silverman, Chan & Vincent (2024), Table 6, UK 5 lists, BIC with pairwise terms: BCa
    95 % [11456, 43894], from 1,000 bootstrap draws with seed 1234. On those very draws
    (R's generator, seed 1234) karez gives the published upper end to the unit: it is the
    largest replicate, which is why numpy's draws give 41,000-56,000 by seed. The lower end
    is within 3 %.

    The search in each replicate is among the 60 models best on the data (the paper's
    section 2.5, the largest finite n_top of its Figure 1), to keep this test near 40 s; the
    search among all 1,024 models gives [11,754, 43,894] on the same draws (19 minutes, see
    docs/estimate.md)."""
    published = benchmarks["UK_2013_5lists"]["published"]["bic_maxorder_2 (Silverman, Chan & Vincent 2024, Table 6)"]
    histories = load_counts(benchmarks_path, "UK_2013_5lists")
    checker = ModelChecker(histories.patterns)
    top = ranked_models(histories.patterns, histories.counts, checker, "bic", 2)[:60]
    point = estimate(histories, "bic", bootstrap=0).estimate
    result = bca_interval(
        histories.counts,
        lambda counts: float(counts.sum())
        + information_criterion(histories.patterns, counts, checker, "bic", 2, top).fit.unobserved,
        resampled=_r_resamples(histories),
        point=point,
    )
    assert point == pytest.approx(published["estimate"], abs=1)
    assert result.failed == 0
    assert result.high == pytest.approx(published["interval"][1], abs=1.0)
    assert result.high == result.replicates.max()
    assert result.low == pytest.approx(published["interval"][0], rel=0.05)


def test_bic_bca_with_numpys_draws_has_the_published_lower_end_and_warns_of_the_upper(benchmarks_path, benchmarks):
    """With karez's own generator the BIC lower end (read near the 25th percentile) is stable:
    within 0.4-4.5 % of the published 11,456 in all 15 runs of docs/estimate.md. The upper
    end is the largest replicate, and the result must say it rests on almost nothing."""
    published = benchmarks["UK_2013_5lists"]["published"]["bic_maxorder_2 (Silverman, Chan & Vincent 2024, Table 6)"]
    histories = load_counts(benchmarks_path, "UK_2013_5lists")
    result = estimate(histories, "bic", bootstrap=300, seed=1234, top_models=20)
    assert result.interval_kind == "bca_bootstrap_with_model_selection_among_top_models"
    assert result.interval[0] == pytest.approx(published["interval"][0], rel=0.05)
    boot = result.diagnostics["bootstrap"]
    assert boot["replicates_beyond_ends"][1] < 1
    assert any("upper end" in w and "changes with the seed" in w for w in result.warnings)

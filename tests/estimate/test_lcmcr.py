"""The latent-class model: coverage on simulated data with a known total, diagnostics."""

from __future__ import annotations

import numpy as np
import pytest

from karez.estimate import CaptureHistories, EstimateError, estimate, load_counts
from karez.estimate.diagnostics import effective_sample_size, split_rhat
from karez.estimate.histories import pattern_index
from karez.estimate.lcmcr import sample_lcmcr


def _histories(x: np.ndarray) -> CaptureHistories:
    seen = x.any(axis=1)
    counts = np.bincount(pattern_index(x[seen]), minlength=2 ** x.shape[1] - 1)
    return CaptureHistories(tuple("ABCDE"[: x.shape[1]]), counts)


@pytest.mark.slow
def test_intervals_cover_a_known_total_in_most_runs(simulate_latent_classes):
    """Data from a two-class model with N = 1000: 95 % intervals should cover N in most runs.

    Not at the nominal rate, though: over 200 data sets (benchmarks/bench_estimate.py) they
    cover about 82 %, because the posterior median sits about 2 % low. The sampler is not the
    cause: simulation-based calibration gives uniform ranks (test_calibration.py, and 200
    data sets in the bench), and with one class it matches the exact posterior. The priors
    are: with catch probabilities ~ Beta(1, 3) instead of the paper's Beta(1, 1) the bias
    goes (docs/estimate.md, "Figures measured"). Here 12 shorter runs keep the test fast; it
    fails on a gross failure (a sampler that covers half the time) and if the median of the
    medians leaves 0.95-1.02 N (the known 2 % low, or a bias that turns upward).
    """
    rng = np.random.default_rng(11)
    total, covered, medians = 1000, 0, []
    for run in range(12):
        x = simulate_latent_classes(rng, total, [0.7, 0.3], [[0.4, 0.35, 0.45, 0.3, 0.4], [0.2, 0.3, 0.15, 0.25, 0.2]])
        posterior = sample_lcmcr(_histories(x), chains=2, iterations=1200, burn_in=300, seed=run)
        low, high = posterior.interval(0.95)
        covered += low <= total <= high
        medians.append(posterior.median)
    assert covered >= 9
    assert 0.95 * total < np.median(medians) < 1.02 * total


def test_one_class_sampler_matches_the_exact_posterior_of_n():
    """With one class the model is the independence model with Beta(1, 1) catch
    probabilities and p(N) proportional to 1/N, whose posterior of N has a closed form:
    p(N | data) ∝ (1/N) N!/(N - n)! prod_j B(n_j + 1, N - n_j + 1). The Gibbs sampler
    (negative-binomial step for the unobserved, beta step for the probabilities) must
    reproduce it."""
    from scipy.special import betaln, gammaln

    rng = np.random.default_rng(5)
    x = (rng.random((600, 4)) < np.array([0.3, 0.25, 0.2, 0.35])).astype(np.int8)
    histories = _histories(x)
    n = histories.n_observed
    on_list = (histories.patterns * histories.counts[:, None]).sum(axis=0)
    totals = np.arange(n, 4 * n)
    log_posterior = -np.log(totals) + gammaln(totals + 1) - gammaln(totals - n + 1)
    log_posterior += sum(betaln(m + 1, totals - m + 1) for m in on_list)
    weights = np.exp(log_posterior - log_posterior.max())
    weights /= weights.sum()
    exact = [totals[np.searchsorted(np.cumsum(weights), q)] for q in (0.025, 0.5, 0.975)]
    posterior = sample_lcmcr(histories, classes=1, chains=4, iterations=5000, burn_in=500, seed=1)
    sampled = np.quantile(posterior.draws, [0.025, 0.5, 0.975])
    assert sampled[1] == pytest.approx(exact[1], abs=2)
    assert sampled[0] == pytest.approx(exact[0], abs=5)
    assert sampled[2] == pytest.approx(exact[2], abs=5)
    assert float(posterior.draws.mean()) == pytest.approx(float(weights @ totals), abs=2)


def test_madigan_york_posterior_is_near_the_published_bayesian_figure(benchmarks_path, benchmarks):
    """dga (Bayesian averaging over decomposable graphs) gives 731; a latent-class model is
    a different model, so only rough agreement is expected."""
    published = benchmarks["Madigan_York_3lists"]["published"]["decomposable_graphical_model_bayes (dga)"]["estimate"]
    histories = load_counts(benchmarks_path, "Madigan_York_3lists")
    result = estimate(histories, "lcmcr", chains=3, iterations=2000, burn_in=500, seed=2)
    assert result.interval[0] <= published <= result.interval[1]
    assert result.interval[0] >= histories.n_observed
    assert result.diagnostics["chains"] == 3
    assert set(result.diagnostics) >= {"rhat", "ess"}
    assert result.interval_kind == "bayesian_credible_equal_tailed"


def test_poor_mixing_is_reported_not_hidden(benchmarks_path):
    histories = load_counts(benchmarks_path, "UK_2013_6lists")
    result = estimate(histories, "lcmcr", chains=2, iterations=200, burn_in=20, seed=1)
    assert result.diagnostics["ess"] < 400
    assert any("effective draws" in w for w in result.warnings)


def test_split_rhat_detects_chains_that_disagree():
    rng = np.random.default_rng(0)
    agreeing = rng.normal(size=(4, 1000))
    assert split_rhat(agreeing) == pytest.approx(1.0, abs=0.01)
    apart = agreeing + np.array([[0.0], [0.0], [3.0], [3.0]])
    assert split_rhat(apart) > 1.5
    drifting = agreeing + np.linspace(0, 5, 1000)
    assert split_rhat(drifting) > 1.1


def test_effective_sample_size_of_independent_and_correlated_draws():
    rng = np.random.default_rng(1)
    independent = rng.normal(size=(4, 2000))
    assert 6000 < effective_sample_size(independent) < 10000
    # AR(1) with phi = 0.9: ESS about n (1 - phi) / (1 + phi), ~ 1/19 of the draws.
    chains = np.zeros((4, 2000))
    for t in range(1, 2000):
        chains[:, t] = 0.9 * chains[:, t - 1] + rng.normal(size=4)
    ess = effective_sample_size(chains)
    assert 200 < ess < 800


def test_sampler_refuses_nonsense_settings(benchmarks_path):
    histories = load_counts(benchmarks_path, "Madigan_York_3lists")
    with pytest.raises(EstimateError, match="iterations >= 10"):
        sample_lcmcr(histories, iterations=5)

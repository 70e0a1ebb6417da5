"""Simulation-based calibration of the latent-class sampler, and its priors on N."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.special import betaln, gammaln

from karez.estimate import CaptureHistories, EstimateError
from karez.estimate.calibration import draw_from_prior, simulation_based_calibration
from karez.estimate.histories import pattern_index
from karez.estimate.lcmcr import TotalPrior, sample_lcmcr


def test_ranks_of_the_truth_are_uniform_when_data_come_from_the_model():
    """Talts et al. (2018): with data drawn from the model's own prior, the true N and the
    first list's share of the population rank uniformly among the posterior draws. 40 data
    sets of about 60 people and 3 lists keep it fast, so it guards against gross errors
    only; bench_estimate.py runs 200 larger ones."""
    result = simulation_based_calibration(
        40, lists=3, classes=4, total_prior=TotalPrior.with_mean(60, shape=6),
        iterations=500, burn_in=150, thin=10, seed=7,
    )
    assert result.total_ranks.size + result.skipped == 40
    assert result.draws == 100
    assert result.uniformity_p_value(result.total_ranks, bins=5) > 0.001
    assert result.uniformity_p_value(result.list_ranks, bins=5) > 0.001
    assert 0.8 <= result.coverage(result.total_ranks) <= 1.0


def test_calibration_fails_when_the_sampler_assumes_another_prior():
    """The check must be able to fail: a sampler whose prior on N is not the one the data
    came from (here it expects about five times as many people) ranks the truths low."""
    result = simulation_based_calibration(
        20, lists=3, classes=4, total_prior=TotalPrior.with_mean(60, shape=6),
        sampler_prior=TotalPrior.with_mean(300, shape=60), iterations=500, burn_in=150, thin=10, seed=7,
    )
    assert result.uniformity_p_value(result.total_ranks, bins=5) < 0.001
    assert np.median(result.total_ranks) < 0.25 * result.draws


def _one_class_exact(histories: CaptureHistories, prior: TotalPrior) -> tuple[np.ndarray, np.ndarray]:
    """Posterior of N for one class, Beta(1, 1) catch probabilities and this prior on N:
    p(N | data) ∝ p(N) N!/(N - n)! prod_j B(n_j + 1, N - n_j + 1)."""
    n = histories.n_observed
    on_list = (histories.patterns * histories.counts[:, None]).sum(axis=0)
    totals = np.arange(n, 6 * n)
    if prior.shape == 0:
        log_prior = -np.log(totals) + totals * np.log(prior.ratio)
    else:
        log_prior = gammaln(totals + prior.shape) - gammaln(totals + 1) + totals * np.log(prior.ratio)
    log_posterior = log_prior + gammaln(totals + 1) - gammaln(totals - n + 1)
    log_posterior += sum(betaln(m + 1, totals - m + 1) for m in on_list)
    weights = np.exp(log_posterior - log_posterior.max())
    return totals, weights / weights.sum()


@pytest.mark.parametrize(
    "prior", [TotalPrior(), TotalPrior(shape=1.0, ratio=1.0), TotalPrior.with_mean(150, shape=30)],
    ids=["one_over_n", "flat", "negative_binomial"],
)
def test_one_class_sampler_matches_the_exact_posterior_under_each_prior_on_n(prior):
    """Sparse lists (catch probabilities 0.1-0.2), where the prior on N matters: the flat
    prior's posterior mean is several people above 1/N's, and the proper prior pulls it
    towards 150. The sampler's mean must match each exact one (a NegBin(n) where NegBin(n+1)
    belongs would be off by about p0/(1-p0) per shape unit: here several people)."""
    rng = np.random.default_rng(3)
    x = (rng.random((200, 3)) < np.array([0.15, 0.1, 0.2])).astype(np.int8)
    seen = x.any(axis=1)
    histories = CaptureHistories(("A", "B", "C"), np.bincount(pattern_index(x[seen]), minlength=7))
    totals, weights = _one_class_exact(histories, prior)
    exact_mean = float(weights @ totals)
    exact_sd = float(np.sqrt(weights @ (totals - exact_mean) ** 2))
    posterior = sample_lcmcr(histories, classes=1, chains=4, iterations=3000, burn_in=300, seed=2, total_prior=prior)
    # Monte Carlo error of the mean: sd / sqrt(ESS); allow four of them, which must stay
    # below the 6.7 people between the flat and 1/N posterior means (next test).
    tolerance = 4 * exact_sd / np.sqrt(posterior.ess)
    assert tolerance < 5
    assert float(posterior.draws.mean()) == pytest.approx(exact_mean, abs=tolerance)


def test_the_priors_on_n_differ_enough_for_the_test_above_to_tell_them_apart():
    rng = np.random.default_rng(3)
    x = (rng.random((200, 3)) < np.array([0.15, 0.1, 0.2])).astype(np.int8)
    seen = x.any(axis=1)
    histories = CaptureHistories(("A", "B", "C"), np.bincount(pattern_index(x[seen]), minlength=7))
    means = {}
    for name, prior in {"one_over_n": TotalPrior(), "flat": TotalPrior(1.0, 1.0)}.items():
        totals, weights = _one_class_exact(histories, prior)
        means[name] = float(weights @ totals)
    assert means["flat"] - means["one_over_n"] > 6


def test_prior_on_n_is_checked_and_only_proper_priors_can_be_simulated():
    with pytest.raises(EstimateError, match="shape >= 0 and 0 < ratio <= 1"):
        TotalPrior(shape=1.0, ratio=1.5)
    with pytest.raises(ValueError, match="proper prior"):
        draw_from_prior(np.random.default_rng(0), 3, 4, TotalPrior())
    prior = TotalPrior.with_mean(80, shape=8)
    totals = [draw_from_prior(np.random.default_rng(s), 3, 4, prior).total for s in range(300)]
    assert np.mean(totals) == pytest.approx(80, rel=0.1)  # the mean it was built with

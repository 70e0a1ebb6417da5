"""Simulation-based calibration of the latent-class sampler (Talts et al. 2018).

If data are simulated from the model's own prior (classes' weights from the truncated
stick-breaking prior with its Gamma prior on the concentration, catch probabilities from
their Beta(1, 1) prior, N from a proper prior) and the sampler is run on them, the rank of
the true value among the posterior draws is uniform, whatever the data: that is what a
correct posterior means. A sampler with a wrong step (a misplaced +1 in the negative
binomial, unobserved people put in classes by the wrong weights) gives ranks piled up at one
end or in the middle. It checks the sampler against its model, not the model against the
world: coverage on a fixed truth is a different question (docs/estimate.md).

Reference: Talts, S., Betancourt, M., Simpson, D., Vehtari, A. and Gelman, A. (2018).
Validating Bayesian inference algorithms with simulation-based calibration. arXiv:1804.06788.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import chisquare

from karez.estimate.histories import pattern_index, patterns_matrix
from karez.estimate.lcmcr import ALPHA_PRIOR, TotalPrior, _stick_breaking, sample_lcmcr_counts


@dataclass(frozen=True)
class PriorDraw:
    """One data set simulated from the model's prior, with the values that made it."""

    patterns: np.ndarray  # (2^lists - 1, lists), the observable patterns
    counts: np.ndarray  # people per pattern; a list may have caught nobody
    total: int
    list_probabilities: np.ndarray  # (lists,): sum_k pi_k lambda_jk


def draw_from_prior(
    rng: np.random.Generator, lists: int, classes: int, total_prior: TotalPrior
) -> PriorDraw:
    """Draw N, the class weights and catch probabilities from the prior, then capture histories.

    Only proper priors on N can be drawn from; an improper one raises ValueError.
    """
    if not total_prior.proper:
        raise ValueError("simulation-based calibration needs a proper prior on N")
    total = int(rng.negative_binomial(total_prior.shape, 1.0 - total_prior.ratio))
    a_alpha, b_alpha = ALPHA_PRIOR
    alpha = rng.gamma(a_alpha, 1.0 / b_alpha)
    v = rng.beta(1.0, alpha, size=classes)
    v[-1] = 1.0
    pi = _stick_breaking(v)
    lam = rng.beta(1.0, 1.0, size=(classes, lists))
    z = rng.choice(classes, size=total, p=pi / pi.sum())
    caught = rng.random((total, lists)) < lam[z]
    seen = caught.any(axis=1)
    counts = np.bincount(pattern_index(caught[seen].astype(np.int8)), minlength=2**lists - 1)
    return PriorDraw(patterns_matrix(lists), counts, total, pi @ lam)


def _rank(draws: np.ndarray, truth: float, rng: np.random.Generator) -> int:
    """Draws below the truth, ties shared out at random (N is discrete, so ties happen)."""
    below = int(np.sum(draws < truth))
    ties = int(np.sum(draws == truth))
    return below + int(rng.integers(0, ties + 1))


@dataclass(frozen=True)
class CalibrationResult:
    """Ranks of the true N and of list 1's share among `draws` posterior draws, per data set."""

    total_ranks: np.ndarray
    list_ranks: np.ndarray
    draws: int
    skipped: int  # data sets with nobody on any list (no data to run the sampler on)

    def uniformity_p_value(self, ranks: np.ndarray, bins: int = 10) -> float:
        """Chi-square p-value of the ranks against the uniform on 0..draws, in `bins` bins."""
        edges = np.linspace(0, self.draws + 1, bins + 1)
        observed, _ = np.histogram(ranks, bins=edges)
        # Bins of whole ranks: expected counts in proportion to the ranks each bin holds.
        widths = np.diff(np.ceil(edges))
        expected = widths / widths.sum() * observed.sum()
        return float(chisquare(observed, expected).pvalue)

    def coverage(self, ranks: np.ndarray, level: float = 0.95) -> float:
        """Share of data sets whose truth falls inside the central `level` of the draws."""
        tail = (1 - level) / 2 * (self.draws + 1)
        return float(np.mean((ranks >= tail) & (ranks <= self.draws + 1 - tail - 1)))


def simulation_based_calibration(
    runs: int,
    *,
    lists: int = 4,
    classes: int = 5,
    total_prior: TotalPrior | None = None,
    sampler_prior: TotalPrior | None = None,
    chains: int = 2,
    iterations: int = 1_000,
    burn_in: int = 300,
    thin: int = 20,
    seed: int = 0,
) -> CalibrationResult:
    """Run the sampler on `runs` data sets drawn from the prior and rank the truths.

    The sampler is given the prior the data came from unless `sampler_prior` says otherwise
    (a deliberately wrong prior shows that the check can fail). Draws are thinned by `thin`
    because autocorrelated draws make even a correct sampler's ranks non-uniform.
    """
    total_prior = total_prior or TotalPrior.with_mean(200, shape=4)
    sampler_prior = sampler_prior or total_prior
    rng = np.random.default_rng(seed)
    total_ranks, list_ranks = [], []
    skipped = 0
    draws = 0
    for run in range(runs):
        drawn = draw_from_prior(rng, lists, classes, total_prior)
        if drawn.counts.sum() == 0:
            # No one listed: nothing to run the sampler on. Rare at these sizes; counted.
            skipped += 1
            continue
        posterior = sample_lcmcr_counts(
            drawn.patterns, drawn.counts, classes=classes, chains=chains, iterations=iterations,
            burn_in=burn_in, thin=thin, seed=seed * 100_003 + run, total_prior=sampler_prior,
        )
        n_draws = posterior.draws.ravel()
        draws = n_draws.size
        total_ranks.append(_rank(n_draws, drawn.total, rng))
        list_ranks.append(_rank(posterior.list_probabilities[:, :, 0].ravel(), drawn.list_probabilities[0], rng))
    return CalibrationResult(np.asarray(total_ranks), np.asarray(list_ranks), draws, skipped)

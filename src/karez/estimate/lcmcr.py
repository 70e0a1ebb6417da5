"""The Bayesian latent-class model of Manrique-Vallier (2016) for population size (LCMCR).

People fall into latent classes (a truncated stick-breaking Dirichlet process with K
classes); inside a class every list catches a person independently with its own
probability. The unobserved people are augmented in the Gibbs sampler, and with the prior
p(N) proportional to 1/N their number given everything else is negative binomial. The prior
on N is one of a negative-binomial family (`TotalPrior`) that holds 1/N (the paper's, the
default), the flat prior and proper priors; the proper ones are what simulation-based
calibration (`calibration.py`) needs to check the sampler.

Gibbs steps, each from its full conditional (Manrique-Vallier 2016, section 3; x_ij = 1 when
list j names person i, z_i the class, n_k the people in class k, observed or not):

* z_i of an observed person: class k with weight pi_k prod_j lambda_jk^x_ij (1 - lambda_jk)^(1 - x_ij);
* z_i of an unobserved person: class k with weight pi_k prod_j (1 - lambda_jk), renormalised;
* lambda_jk ~ Beta(a + sum_{z_i = k} x_ij, b + sum_{z_i = k} (1 - x_ij)), the unobserved included
  (a = b = 1, the paper's uniform prior, by default);
* V_k ~ Beta(1 + n_k, alpha + sum_{l > k} n_l) for k < K, V_K = 1; pi from the sticks;
* alpha ~ Gamma(a + K - 1, rate b - sum_{k < K} log(1 - V_k));
* n0 | lambda, pi (the classes of the unobserved integrated out): with p0 = sum_k pi_k prod_j
  (1 - lambda_jk), p(n0 | ...) ∝ p(n + n0) (n + n0)! / n0! p0^n0, which for
  p(N) ∝ Gamma(N + s) r^N / N! is NegBin(n + s, 1 - r p0): NegBin(n, 1 - p0) for 1/N (s = 0,
  r = 1), NegBin(n + 1, 1 - p0) for the flat prior (s = 1, r = 1).

The sampler works on counts per capture pattern, never on persons: the people of a pattern
are shared out among classes with one multinomial draw. Several chains run together as one
array, and their agreement is reported (split R-hat, effective sample size), not hidden.

Reference: Manrique-Vallier, D. (2016). Bayesian population size estimation using Dirichlet
process mixtures. Biometrics 72(4), 1246-1254.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from karez.estimate.diagnostics import effective_sample_size, split_rhat
from karez.estimate.errors import EstimateError
from karez.estimate.histories import CaptureHistories

# Gamma(a, b) prior of the stick-breaking concentration, as in Manrique-Vallier (2016).
ALPHA_PRIOR = (0.25, 0.25)
# Beta(a, b) prior of every catch probability lambda_jk; the paper's is uniform.
CAPTURE_PRIOR = (1.0, 1.0)


@dataclass(frozen=True)
class TotalPrior:
    """The prior on the total N: p(N) ∝ Gamma(N + shape) / (Gamma(shape) N!) ratio^N.

    shape 0, ratio 1 is p(N) ∝ 1/N (Manrique-Vallier 2016, the default); shape 1, ratio 1 the
    flat prior; shape > 0 and 0 < ratio < 1 a proper negative-binomial prior with mean
    shape * ratio / (1 - ratio).
    """

    shape: float = 0.0
    ratio: float = 1.0

    def __post_init__(self) -> None:
        if self.shape < 0 or not 0 < self.ratio <= 1:
            raise EstimateError(
                f"the prior on the total needs shape >= 0 and 0 < ratio <= 1 (got shape "
                f"{self.shape}, ratio {self.ratio})"
            )

    @property
    def proper(self) -> bool:
        """Whether the prior is a probability distribution (needed to simulate from it)."""
        return self.shape > 0 and self.ratio < 1

    @classmethod
    def with_mean(cls, mean: float, shape: float) -> TotalPrior:
        """The proper negative-binomial prior with this mean and shape."""
        return cls(shape=shape, ratio=mean / (mean + shape))

    def describe(self) -> str:
        if self.shape == 0 and self.ratio == 1:
            return "p(N) proportional to 1/N"
        if self.shape == 1 and self.ratio == 1:
            return "p(N) flat"
        return f"p(N) negative binomial, shape {self.shape:g}, ratio {self.ratio:g}"


ONE_OVER_N = TotalPrior()


@dataclass(frozen=True)
class LatentClassPosterior:
    """Posterior draws of the total population N, one row per chain, and their diagnostics."""

    draws: np.ndarray  # shape (chains, kept iterations), total N
    n_observed: int
    classes: int
    burn_in: int
    thin: int
    rhat: float
    ess: float
    occupied_classes: float  # posterior mean number of classes holding anyone
    # shape (chains, kept iterations, lists): sum_k pi_k lambda_jk, the share of the whole
    # population list j names; a quantity the labels of the classes cannot swap.
    list_probabilities: np.ndarray

    def interval(self, level: float = 0.95) -> tuple[float, float]:
        """Equal-tailed credible interval of N."""
        tail = (1 - level) / 2
        low, high = np.quantile(self.draws, [tail, 1 - tail])
        return float(low), float(high)

    @property
    def median(self) -> float:
        """Posterior median of N."""
        return float(np.median(self.draws))


def _stick_breaking(v: np.ndarray) -> np.ndarray:
    """Weights pi_k = v_k prod_{l<k} (1 - v_l) along the last axis."""
    remaining = np.cumprod(1.0 - v, axis=-1)
    shifted = np.concatenate([np.ones(v.shape[:-1] + (1,)), remaining[..., :-1]], axis=-1)
    return v * shifted


def _normalise_log(log_weights: np.ndarray) -> np.ndarray:
    weights = np.exp(log_weights - log_weights.max(axis=-1, keepdims=True))
    return weights / weights.sum(axis=-1, keepdims=True)


def sample_lcmcr(
    histories: CaptureHistories,
    *,
    classes: int = 10,
    chains: int = 4,
    iterations: int = 10_000,
    burn_in: int = 2_000,
    thin: int = 1,
    seed: int | None = None,
    total_prior: TotalPrior = ONE_OVER_N,
    capture_prior: tuple[float, float] = CAPTURE_PRIOR,
) -> LatentClassPosterior:
    """Run `chains` Gibbs chains of `burn_in` + `iterations` sweeps; keep every `thin`-th.

    Returns the kept draws of N and of each list's share of the population, with split R-hat
    and the effective sample size of N. `total_prior` is the prior on N (default 1/N);
    `capture_prior` the Beta prior of every catch probability (default uniform), there to
    show how much a figure owes to the priors.
    """
    return sample_lcmcr_counts(
        histories.patterns, histories.counts, classes=classes, chains=chains,
        iterations=iterations, burn_in=burn_in, thin=thin, seed=seed, total_prior=total_prior,
        capture_prior=capture_prior,
    )


def sample_lcmcr_counts(
    patterns: np.ndarray,
    counts: np.ndarray,
    *,
    classes: int = 10,
    chains: int = 4,
    iterations: int = 10_000,
    burn_in: int = 2_000,
    thin: int = 1,
    seed: int | None = None,
    total_prior: TotalPrior = ONE_OVER_N,
    capture_prior: tuple[float, float] = CAPTURE_PRIOR,
) -> LatentClassPosterior:
    """`sample_lcmcr` on a 0/1 pattern matrix and its counts, without the checks of
    `CaptureHistories` (simulation-based calibration must accept lists that caught nobody)."""
    if classes < 1 or chains < 1 or iterations < 10 or burn_in < 0 or thin < 1:
        raise EstimateError(
            "the latent-class sampler needs classes >= 1, chains >= 1, iterations >= 10, "
            f"burn_in >= 0 and thin >= 1 (got {classes}, {chains}, {iterations}, {burn_in}, {thin})"
        )
    rng = np.random.default_rng(seed)
    seen = counts > 0
    x = patterns[seen].astype(float)  # (P, J)
    y = counts[seen].astype(np.int64)  # (P,)
    n = int(y.sum())
    n_lists = x.shape[1]
    a_alpha, b_alpha = ALPHA_PRIOR
    a_lam, b_lam = capture_prior
    if a_lam <= 0 or b_lam <= 0:
        raise EstimateError(f"the catch probabilities' Beta prior needs positive parameters (got {capture_prior})")

    # Independent random starting points per chain, so that R-hat can show disagreement.
    lam = rng.beta(1.0, 1.0, size=(chains, classes, n_lists))
    alpha = np.ones(chains)
    v = rng.beta(1.0, alpha[:, None], size=(chains, classes))
    v[:, -1] = 1.0
    pi = _stick_breaking(v)
    n0 = rng.integers(0, n + 1, size=chains)
    counts_per_chain = np.broadcast_to(y, (chains, y.size))

    if n + total_prior.shape <= 0:
        raise EstimateError("the latent-class sampler needs at least one person on a list")
    kept = np.empty((chains, iterations // thin), dtype=np.int64)
    kept_lists = np.empty((chains, iterations // thin, n_lists))
    occupied = 0.0
    total_sweeps = burn_in + iterations
    for sweep in range(total_sweeps):
        log_lam, log_miss = np.log(lam), np.log1p(-lam)
        # Classes of the observed people, pattern by pattern.
        log_w = (
            np.log(pi)[:, None, :]
            + np.einsum("pj,ckj->cpk", x, log_lam)
            + np.einsum("pj,ckj->cpk", 1.0 - x, log_miss)
        )
        shares = rng.multinomial(counts_per_chain, _normalise_log(log_w))  # (C, P, K)
        # Classes of the unobserved people (the all-zero pattern).
        log_w0 = np.log(pi) + log_miss.sum(axis=2)
        shares0 = rng.multinomial(n0, _normalise_log(log_w0))  # (C, K)
        size = shares.sum(axis=1) + shares0  # (C, K)
        caught = np.einsum("cpk,pj->ckj", shares, x)
        lam = rng.beta(a_lam + caught, b_lam + size[:, :, None] - caught)
        lam = np.clip(lam, 1e-12, 1 - 1e-12)
        later = np.cumsum(size[:, ::-1], axis=1)[:, ::-1] - size  # people in classes after k
        v = rng.beta(1.0 + size, alpha[:, None] + later)
        v[:, -1] = 1.0
        v[:, :-1] = np.clip(v[:, :-1], 1e-12, 1 - 1e-12)
        pi = _stick_breaking(v)
        alpha = rng.gamma(a_alpha + classes - 1, 1.0 / (b_alpha - np.log1p(-v[:, :-1]).sum(axis=1)))
        p_missed = np.sum(pi * np.exp(np.log1p(-lam).sum(axis=2)), axis=1)
        # The unobserved count is negative binomial (module docstring); NegBin(n, 1 - p0) for 1/N.
        n0 = rng.negative_binomial(
            n + total_prior.shape, np.clip(1.0 - total_prior.ratio * p_missed, 1e-300, 1.0)
        )
        if sweep >= burn_in and (sweep - burn_in) % thin == 0:
            index = (sweep - burn_in) // thin
            if index < kept.shape[1]:
                kept[:, index] = n + n0
                kept_lists[:, index] = np.einsum("ck,ckj->cj", pi, lam)
                occupied += float(np.mean((size > 0).sum(axis=1)))
    draws = kept.astype(float)
    return LatentClassPosterior(
        draws=draws,
        n_observed=n,
        classes=classes,
        burn_in=burn_in,
        thin=thin,
        rhat=split_rhat(draws),
        ess=effective_sample_size(draws),
        occupied_classes=occupied / kept.shape[1],
        list_probabilities=kept_lists,
    )

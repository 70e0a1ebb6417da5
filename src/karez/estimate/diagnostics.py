"""Convergence diagnostics of Markov chains: split R-hat and effective sample size.

Both follow Gelman et al., Bayesian Data Analysis (3rd ed., section 11.4-11.5): chains are
split in halves so that a drifting chain shows up as disagreement, and the effective sample
size sums autocorrelations until Geyer's initial positive sequence ends.
"""

from __future__ import annotations

import numpy as np


def _split(draws: np.ndarray) -> np.ndarray:
    draws = np.atleast_2d(np.asarray(draws, dtype=float))
    half = draws.shape[1] // 2
    if half < 2:
        raise ValueError("need at least 4 draws per chain for diagnostics")
    return np.vstack([draws[:, :half], draws[:, half : 2 * half]])


def split_rhat(draws: np.ndarray) -> float:
    """Potential scale reduction of draws shaped (chains, iterations); near 1 when mixed.

    Values above about 1.01-1.05 mean the chains have not agreed yet.
    """
    chains = _split(draws)
    length = chains.shape[1]
    within = float(chains.var(axis=1, ddof=1).mean())
    between = float(length * chains.mean(axis=1).var(ddof=1))
    if within == 0:
        return 1.0 if between == 0 else float("inf")
    pooled = (length - 1) / length * within + between / length
    return float(np.sqrt(pooled / within))


def _autocovariance(chain: np.ndarray) -> np.ndarray:
    length = chain.size
    centred = chain - chain.mean()
    size = 1 << (2 * length - 1).bit_length()
    spectrum = np.fft.rfft(centred, size)
    return np.fft.irfft(spectrum * np.conjugate(spectrum), size)[:length] / length


def effective_sample_size(draws: np.ndarray) -> float:
    """Effective number of independent draws across all chains (draws: chains x iterations)."""
    chains = _split(draws)
    count, length = chains.shape
    autocov = np.array([_autocovariance(c) for c in chains])
    within = float(autocov[:, 0].mean() * length / (length - 1))
    between = float(length * chains.mean(axis=1).var(ddof=1)) if count > 1 else 0.0
    pooled = (length - 1) / length * within + between / length
    if pooled == 0:
        return float(count * length)
    rho = 1.0 - (within - autocov.mean(axis=0)) / pooled
    rho[0] = 1.0
    # Geyer: sum consecutive pairs while their sum stays positive (and non-increasing).
    total, previous = 0.0, np.inf
    for t in range(0, length - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair <= 0:
            break
        pair = min(pair, previous)
        total += pair
        previous = pair
    tau = max(-1.0 + 2.0 * total, 1.0 / np.log10(count * length))
    return float(count * length / tau)

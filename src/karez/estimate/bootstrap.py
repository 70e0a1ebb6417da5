"""Bootstrap intervals that redo model selection in every replicate, with BCa correction.

The people observed are resampled (a multinomial draw of the same total over the observed
patterns), the whole estimator, model choice included, is rerun on each replicate, and the
percentile interval is corrected for bias and skewness (Efron's BCa; the acceleration comes
from the jackknife over people, computed once per distinct pattern). This follows the
approach of Silverman, Chan & Vincent (2024).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.stats import norm

from karez.estimate.errors import EstimateError, ModelNotEstimable

Estimator = Callable[[np.ndarray], float]


@dataclass(frozen=True)
class BootstrapInterval:
    """A BCa interval and the numbers behind it."""

    low: float
    high: float
    level: float
    replicates: np.ndarray  # estimates of the replicates that could be estimated
    failed: int  # replicates whose chosen model could not be estimated
    bias_correction: float  # z0
    acceleration: float  # a
    percentile: tuple[float, float]  # the uncorrected percentile interval, for comparison
    # The quantile levels of the replicates at which the BCa ends were read. With a large
    # bias correction and acceleration they can lie far in a tail (the UK BIC upper end sits
    # at 0.99997), where the end is one of the few most extreme replicates.
    levels: tuple[float, float] = (0.0, 1.0)

    def replicates_beyond(self) -> tuple[float, float]:
        """How many replicates lie below the lower end and above the upper end (expected).

        Fewer than about 10 means that end rests on a handful of extreme replicates and
        changes noticeably with the seed.
        """
        size = self.replicates.size
        return (self.levels[0] * size, (1.0 - self.levels[1]) * size)


def resample(counts: np.ndarray, replicates: int, rng: np.random.Generator) -> np.ndarray:
    """`replicates` multinomial resamples of the people seen, one row per replicate."""
    n = int(counts.sum())
    return rng.multinomial(n, counts / n, size=replicates)


def jackknife_acceleration(counts: np.ndarray, estimator: Estimator) -> float:
    """BCa acceleration from leaving out one person at a time.

    Leaving out any one of the people with the same pattern gives the same estimate, so
    there is one refit per observed pattern, weighted by its count.
    """
    observed = np.flatnonzero(counts)
    values, weights = [], []
    for index in observed:
        reduced = counts.copy()
        reduced[index] -= 1
        try:
            values.append(estimator(reduced))
        except ModelNotEstimable:
            continue
        weights.append(counts[index])
    if len(values) < 2:
        return 0.0
    values_arr = np.asarray(values, dtype=float)
    weights_arr = np.asarray(weights, dtype=float)
    mean = float(weights_arr @ values_arr / weights_arr.sum())
    deviation = mean - values_arr
    denominator = float(weights_arr @ deviation**2) ** 1.5
    if denominator == 0:
        return 0.0
    return float(weights_arr @ deviation**3) / (6.0 * denominator)


def bca_interval(
    counts: np.ndarray,
    estimator: Estimator,
    *,
    replicates: int = 1000,
    level: float = 0.95,
    seed: int | None = None,
    point: float | None = None,
) -> BootstrapInterval:
    """BCa interval of `estimator` (a function of the pattern counts) at `level`.

    `point` is the estimate on the data themselves (computed when not given). Replicates
    whose chosen model cannot be estimated are counted in `failed` and left out.
    """
    if replicates < 10:
        raise EstimateError(f"a bootstrap needs at least 10 replicates, got {replicates}")
    if not 0 < level < 1:
        raise EstimateError(f"the interval level must be between 0 and 1, got {level}")
    rng = np.random.default_rng(seed)
    theta = estimator(counts) if point is None else point
    estimates, failed = [], 0
    for replicate in resample(counts, replicates, rng):
        try:
            estimates.append(estimator(replicate))
        except ModelNotEstimable:
            failed += 1
    values = np.asarray(estimates, dtype=float)
    if values.size < max(10, replicates // 2):
        raise EstimateError(
            f"only {values.size} of {replicates} bootstrap replicates could be estimated; "
            "the data are too sparse for this method: try a simpler model"
        )
    below = (np.count_nonzero(values < theta) + 0.5 * np.count_nonzero(values == theta)) / values.size
    below = min(max(below, 0.5 / values.size), 1 - 0.5 / values.size)
    z0 = float(norm.ppf(below))
    acceleration = jackknife_acceleration(counts, estimator)
    tail = (1 - level) / 2
    ends = []
    for z_alpha, extreme in ((norm.ppf(tail), 0.0), (norm.ppf(1 - tail), 1.0)):
        shifted = z0 + z_alpha
        denominator = 1 - acceleration * shifted
        # A huge acceleration can flip the sign: the end then lies beyond every replicate.
        ends.append(float(norm.cdf(z0 + shifted / denominator)) if denominator > 0 else extreme)
    low, high = np.quantile(values, ends)
    percentile = tuple(float(x) for x in np.quantile(values, [tail, 1 - tail]))
    return BootstrapInterval(
        low=float(low),
        high=float(high),
        level=level,
        replicates=values,
        failed=failed,
        bias_correction=z0,
        acceleration=acceleration,
        percentile=(percentile[0], percentile[1]),
        levels=(ends[0], ends[1]),
    )

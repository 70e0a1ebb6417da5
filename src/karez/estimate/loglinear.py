"""Log-linear Poisson models of capture histories: design, existence checks and the fit.

A model holds the main effect of every list and a set of interaction terms (each a tuple of
two or more list indices). It is fitted to the 2^k - 1 observable pattern counts (zeros
included); the fitted count of the unobserved all-zero pattern is exp(intercept).

Existence and identifiability follow Fienberg & Rinaldo (2012) and Chan, Silverman &
Vincent (2021): an interaction whose lists share nobody (its sufficient statistic is 0) has
the value minus infinity, so the patterns containing it are fitted as zero and it leaves the
model; on what remains the maximum likelihood estimate exists iff a strictly positive table
has the same margins as the data (a linear program), and it is identifiable iff the design
matrix has full column rank. A model failing either test is refused, never reported as a
huge number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog

from karez.estimate.errors import ModelNotEstimable

Term = tuple[int, ...]

# Below this the linear program's optimum counts as zero: the margins lie on the boundary.
LP_TOLERANCE = 1e-7


def normalise_terms(terms: Iterable[Sequence[int]]) -> tuple[Term, ...]:
    """Sorted, de-duplicated interaction terms of two or more lists."""
    out = {tuple(sorted(int(i) for i in term)) for term in terms}
    return tuple(sorted((t for t in out if len(t) >= 2), key=lambda t: (len(t), t)))


def term_label(term: Term, lists: Sequence[str]) -> str:
    """`LA:NG` style name of an interaction term."""
    return ":".join(lists[i] for i in term)


def model_label(terms: Sequence[Term], lists: Sequence[str]) -> str:
    """Readable name of a model: main effects plus its interactions."""
    if not terms:
        return "main effects only (independence)"
    return "main effects + " + " + ".join(term_label(t, lists) for t in terms)


def term_columns(patterns: np.ndarray, terms: Sequence[Term]) -> np.ndarray:
    """Indicator of each term per pattern (1 when the person is on all of the term's lists)."""
    if not terms:
        return np.zeros((patterns.shape[0], 0))
    return np.stack([patterns[:, list(t)].all(axis=1) for t in terms], axis=1).astype(float)


def design_matrix(patterns: np.ndarray, terms: Sequence[Term]) -> np.ndarray:
    """Columns: intercept, one main effect per list, one column per interaction term."""
    n = patterns.shape[0]
    return np.hstack([np.ones((n, 1)), patterns.astype(float), term_columns(patterns, terms)])


@dataclass(frozen=True)
class ModelCheck:
    """Outcome of the existence and identifiability tests for one model on one data support."""

    ok: bool
    reason: str  # "" when ok
    kept_cells: np.ndarray  # bool mask of patterns not forced to zero
    kept_terms: tuple[Term, ...]  # interactions with a finite value
    infinite_terms: tuple[Term, ...]  # interactions set to minus infinity (nobody in common)
    lp_value: float


def _lp_margin_test(design: np.ndarray, counts: np.ndarray) -> float:
    """Largest t such that some table z >= t (cellwise) has the data's margins, capped at 1.

    The MLE exists iff this is positive (Fienberg & Rinaldo 2012): the margins lie in the
    relative interior of the marginal cone.
    """
    n_cells = design.shape[0]
    # Variables: z (n_cells), t. Maximise t.
    objective = np.zeros(n_cells + 1)
    objective[-1] = -1.0
    a_eq = np.hstack([design.T, np.zeros((design.shape[1], 1))])
    b_eq = design.T @ counts
    a_ub = np.hstack([-np.eye(n_cells), np.ones((n_cells, 1))])  # t - z_i <= 0
    b_ub = np.zeros(n_cells)
    bounds = [(0, None)] * n_cells + [(0, 1)]
    result = linprog(objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if result.status != 0:
        return 0.0
    return float(-result.fun)


def _positive_direction_exists(design: np.ndarray, support: np.ndarray) -> bool:
    """A quick certificate that the MLE exists, tried before the linear program.

    If some v with design.T @ v = 0 is positive on every zero pattern, then y + t v (t
    small) is a strictly positive table with the data's margins. Solving for v = 1 on the
    zero patterns by least squares finds one whenever the null space reaches them freely;
    when it does not, the linear program decides.
    """
    zero = ~support
    _, singular, vt = np.linalg.svd(design.T, full_matrices=True)
    rank = int(np.sum(singular > 1e-9 * max(1.0, float(singular[0]) if singular.size else 1.0)))
    null = vt[rank:].T  # cells x nullity
    if null.shape[1] == 0:
        return False
    weights, *_ = np.linalg.lstsq(null[zero], np.ones(int(zero.sum())), rcond=None)
    direction = null @ weights
    scale = float(np.max(np.abs(direction)))
    if not np.isfinite(scale) or scale == 0:
        return False
    direction /= scale
    # Verify the certificate itself: an ill-conditioned solve can return a "direction" that
    # is not in the null space at all. Then y + v/2 is strictly positive with y's margins.
    in_null_space = float(np.max(np.abs(design.T @ direction))) < 1e-9 * max(1.0, float(np.abs(design).sum()))
    return bool(in_null_space and np.min(direction[zero]) > 1e-6)


class ModelChecker:
    """Existence/identifiability tests, cached by (which patterns are non-zero, model).

    Whether the MLE exists depends on the data only through which patterns have a non-zero
    count, so bootstrap replicates sharing a support share the answer. Both tests also pass
    down to sub-models on the same patterns (the margins of a sub-model are a projection of
    the model's, and a projection keeps the relative interior; a subset of independent
    columns is independent), so a model inside one known to pass is not tested again.
    """

    def __init__(self, patterns: np.ndarray) -> None:
        self.patterns = patterns
        self._columns: dict[Term, np.ndarray] = {}
        self._cache: dict[tuple[bytes, tuple[Term, ...]], ModelCheck] = {}
        # (support, terms at minus infinity) -> finite term sets known to pass
        self._passing: dict[tuple[bytes, tuple[Term, ...]], list[frozenset[Term]]] = {}
        # (terms at minus infinity, finite terms) -> supports (as bit sets) on which the
        # linear program found the MLE to exist / not to exist, and the rank test's answer.
        self._exists_on: dict[tuple[tuple[Term, ...], tuple[Term, ...]], list[int]] = {}
        self._fails_on: dict[tuple[tuple[Term, ...], tuple[Term, ...]], list[int]] = {}
        self._full_rank: dict[tuple[tuple[Term, ...], tuple[Term, ...]], bool] = {}
        self.linear_programs = 0
        # First coefficients fitted per model: warm starts for refits on resampled counts,
        # which land close to the original fit and so converge in two or three steps.
        self.starts: dict[tuple[Term, ...], np.ndarray] = {}

    def column(self, term: Term) -> np.ndarray:
        """Whether each pattern holds all lists of `term` (cached)."""
        found = self._columns.get(term)
        if found is None:
            found = self.patterns[:, list(term)].all(axis=1)
            self._columns[term] = found
        return found

    def check(self, counts: np.ndarray, terms: tuple[Term, ...], support_key: bytes | None = None) -> ModelCheck:
        """Test `terms` on `counts`; see the module docstring for the rules.

        `support_key` (from `support_key(counts)`) saves recomputing it in tight loops.
        """
        support = counts > 0
        if support_key is None:
            support_key = np.packbits(support).tobytes()
        key = (support_key, terms)
        found = self._cache.get(key)
        if found is None:
            found = self._check(support, support_key, terms)
            self._cache[key] = found
        return found

    @staticmethod
    def support_key(counts: np.ndarray) -> bytes:
        """Key of which patterns have a non-zero count."""
        return np.packbits(counts > 0).tobytes()

    def _check(self, support: np.ndarray, support_key: bytes, terms: tuple[Term, ...]) -> ModelCheck:
        kept_cells = np.ones(self.patterns.shape[0], dtype=bool)
        infinite, finite = [], []
        for term in terms:
            on_all = self.column(term)
            if not (support & on_all).any():
                infinite.append(term)
                kept_cells &= ~on_all
            else:
                finite.append(term)
        passing = self._passing.setdefault((support_key, tuple(infinite)), [])
        finite_set = frozenset(finite)
        if any(finite_set <= known for known in passing):
            return ModelCheck(True, "", kept_cells, tuple(finite), tuple(infinite), 1.0)
        design = design_matrix(self.patterns[kept_cells], finite)
        model_key = (tuple(infinite), tuple(finite))
        bits = int.from_bytes(support_key, "big")
        reasons = []
        if support[kept_cells].all():
            lp_value = 1.0  # the data themselves are a strictly positive table with these margins
        elif any(known & ~bits == 0 for known in self._exists_on.get(model_key, ())):
            # More non-zero patterns than a support where the MLE exists: it still exists
            # (a relative-interior point plus points of the cone stays in the relative interior).
            lp_value = 1.0
        elif any(bits & ~known == 0 for known in self._fails_on.get(model_key, ())):
            lp_value = 0.0  # fewer non-zero patterns than a support where it does not exist
        elif _positive_direction_exists(design, support[kept_cells]):
            lp_value = 1.0
        else:
            # A stand-in table with the same support: the test depends on the support only.
            self.linear_programs += 1
            lp_value = _lp_margin_test(design, support[kept_cells].astype(float))
            store = self._exists_on if lp_value > LP_TOLERANCE else self._fails_on
            store.setdefault(model_key, []).append(bits)
        if lp_value <= LP_TOLERANCE:
            reasons.append("mle_does_not_exist")
        full_rank = self._full_rank.get(model_key)
        if full_rank is None:
            full_rank = bool(np.linalg.matrix_rank(design) == design.shape[1])
            self._full_rank[model_key] = full_rank
        if not full_rank:
            reasons.append("not_identifiable")
        if not reasons:
            passing.append(finite_set)
        return ModelCheck(
            ok=not reasons,
            reason="+".join(reasons),
            kept_cells=kept_cells,
            kept_terms=tuple(finite),
            infinite_terms=tuple(infinite),
            lp_value=lp_value,
        )


@dataclass(frozen=True)
class LoglinearFit:
    """A fitted log-linear model: the estimate of the unlisted and what it rests on."""

    terms: tuple[Term, ...]
    infinite_terms: tuple[Term, ...]
    coefficients: np.ndarray  # intercept, main effects, finite interactions
    fitted: np.ndarray  # fitted count of every observable pattern (0 where forced)
    unobserved: float  # fitted count of the all-zero pattern, exp(intercept)
    log_likelihood: float  # Poisson, up to the constant sum(log y!)
    # intercept + main effects + every interaction, those at minus infinity included: they
    # were estimated too (at the boundary). Counting them reproduces the published BIC
    # choices (Silverman, Chan & Vincent 2024, Table 6).
    n_parameters: int
    converged: bool
    iterations: int
    intercept_se: float  # standard error of log(unobserved) with the model held fixed


def poisson_fit(
    design: np.ndarray,
    counts: np.ndarray,
    start: np.ndarray | None = None,
    *,
    max_iterations: int = 100,
    tolerance: float = 1e-10,
) -> tuple[np.ndarray, np.ndarray, bool, int]:
    """Newton-Raphson (IRLS) for a Poisson GLM with log link; returns beta, mu, converged, its."""
    y = counts.astype(float)
    if start is None:
        start, *_ = np.linalg.lstsq(design, np.log(y + 0.5), rcond=None)
    beta = start.astype(float)
    eta = design @ beta
    converged = False
    iteration = 0
    for iteration in range(1, max_iterations + 1):  # noqa: B007 - reported below
        mu = np.exp(np.minimum(eta, 700.0))
        gradient = design.T @ (y - mu)
        hessian = design.T @ (design * mu[:, None])
        try:
            step = np.linalg.solve(hessian, gradient)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hessian, gradient, rcond=None)[0]
        # Halve the step while the likelihood falls (Newton can overshoot far from the optimum).
        old = float(y @ eta - mu.sum())
        scale = 1.0
        for _ in range(30):
            new_beta = beta + scale * step
            new_eta = design @ new_beta
            new = float(y @ new_eta - np.exp(np.minimum(new_eta, 700.0)).sum())
            if new >= old - 1e-12 * max(1.0, abs(old)):
                break
            scale /= 2
        beta, eta = new_beta, new_eta
        if float(np.max(np.abs(scale * step))) < tolerance or abs(new - old) < tolerance * max(1.0, abs(old)) * 1e-3:
            converged = True
            break
    mu = np.exp(np.minimum(eta, 700.0))
    return beta, mu, converged, iteration


def fit_model(
    patterns: np.ndarray,
    counts: np.ndarray,
    check: ModelCheck,
    starts: dict[tuple[Term, ...], np.ndarray] | None = None,
) -> LoglinearFit:
    """Fit a model that passed its check; raises ModelNotEstimable if it did not.

    `starts` (model -> coefficients) gives warm starts and keeps the first fit of each model.
    """
    if not check.ok:
        raise ModelNotEstimable(_refusal(check), check.reason)
    kept = check.kept_cells
    design = design_matrix(patterns[kept], check.kept_terms)
    y = counts[kept].astype(float)
    start = None if starts is None else starts.get(check.kept_terms)
    beta, mu, converged, iterations = poisson_fit(design, y, start)
    if starts is not None and start is None and converged:
        starts[check.kept_terms] = beta
    fitted = np.zeros(patterns.shape[0])
    fitted[kept] = mu
    information = design.T @ (design * mu[:, None])
    try:
        intercept_se = float(np.sqrt(np.linalg.inv(information)[0, 0]))
    except np.linalg.LinAlgError:
        intercept_se = float("inf")
    positive = y > 0
    log_likelihood = float(np.sum(y[positive] * np.log(mu[positive])) - mu.sum())
    return LoglinearFit(
        terms=tuple(sorted(check.kept_terms + check.infinite_terms, key=lambda t: (len(t), t))),
        infinite_terms=check.infinite_terms,
        coefficients=beta,
        fitted=fitted,
        unobserved=float(np.exp(beta[0])),
        log_likelihood=log_likelihood,
        n_parameters=design.shape[1] + len(check.infinite_terms),
        converged=converged,
        iterations=iterations,
        intercept_se=intercept_se,
    )


def _refusal(check: ModelCheck) -> str:
    parts = []
    if "mle_does_not_exist" in check.reason:
        parts.append(
            "its maximum likelihood estimate does not exist: the observed overlaps lie on the "
            "boundary of what the model can fit (Fienberg & Rinaldo linear-programming test), "
            "so the estimate would run off to infinity"
        )
    if "not_identifiable" in check.reason:
        parts.append(
            "its estimate is not identifiable: after removing interactions of lists with "
            "nobody in common, more parameters remain than the patterns can determine"
        )
    return "this model cannot be estimated: " + "; and ".join(parts) + ". Choose a smaller model."


def fit_many(patterns: np.ndarray, counts: np.ndarray, checks: list[ModelCheck]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Fit many models that passed their checks at once; returns log L, parameters, unobserved.

    Newton steps run on the whole batch (designs padded to one width; a padded column has a
    unit Hessian entry and zero gradient, so it stays at zero). Models the batch does not
    bring to convergence are refitted one by one with `fit_model`, so the answers equal
    those of `fit_model` up to the convergence tolerance.
    """
    if not checks:
        return np.zeros(0), np.zeros(0, dtype=np.int64), np.zeros(0)
    n_models, n_cells = len(checks), patterns.shape[0]
    width = 1 + patterns.shape[1] + max(len(c.kept_terms) for c in checks)
    design = np.zeros((n_models, n_cells, width))
    kept = np.zeros((n_models, n_cells))
    padded = np.zeros((n_models, width))
    for index, check in enumerate(checks):
        columns = design_matrix(patterns, check.kept_terms)
        design[index, :, : columns.shape[1]] = columns
        kept[index] = check.kept_cells
        padded[index, columns.shape[1]:] = 1.0
    y = counts.astype(float)
    eye = np.eye(width)
    # Start: weighted least squares of log(y + 0.5) on each model's kept cells.
    gram = np.einsum("mcp,mc,mcq->mpq", design, kept, design) + padded[:, :, None] * eye
    beta = np.linalg.solve(gram, np.einsum("mcp,mc->mp", design, kept * np.log(y + 0.5))[..., None])[..., 0]
    converged = np.zeros(n_models, dtype=bool)
    for _ in range(60):
        eta = np.einsum("mcp,mp->mc", design, beta)
        mu = np.exp(np.minimum(eta, 700.0)) * kept
        gradient = np.einsum("mcp,mc->mp", design, kept * y - mu)
        hessian = np.einsum("mcp,mc,mcq->mpq", design, mu, design) + padded[:, :, None] * eye
        try:
            step = np.linalg.solve(hessian, gradient[..., None])[..., 0]
        except np.linalg.LinAlgError:
            break
        beta = beta + step
        converged = np.max(np.abs(step), axis=1) < 1e-9
        if converged.all():
            break
    eta = np.einsum("mcp,mp->mc", design, beta)
    mu = np.exp(np.minimum(eta, 700.0)) * kept
    log_likelihood = np.sum(kept * y * eta - mu, axis=1)
    parameters = np.array([1 + patterns.shape[1] + len(c.kept_terms) + len(c.infinite_terms) for c in checks])
    unobserved = np.exp(beta[:, 0])
    bad = ~converged | ~np.isfinite(log_likelihood) | ~np.isfinite(unobserved)
    for index in np.flatnonzero(bad):
        fit = fit_model(patterns, counts, checks[index])
        log_likelihood[index], unobserved[index] = fit.log_likelihood, fit.unobserved
    return log_likelihood, parameters, unobserved

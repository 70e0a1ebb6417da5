"""Choosing a log-linear model: independence, stepwise (Chan, Silverman & Vincent 2021), AIC/BIC.

Each chooser takes the counts of every observable pattern and returns the chosen model's
fit. They are plain functions of the counts so the bootstrap can redo the choice in every
replicate; a `ModelChecker` carries the cached existence tests between calls.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import pdtr, pdtrc

from karez.estimate.errors import EstimateError, ModelNotEstimable
from karez.estimate.loglinear import LoglinearFit, ModelChecker, Term, fit_many, fit_model

DEFAULT_PTHRESH = 0.02


@dataclass(frozen=True)
class Selection:
    """The chosen model and how it was chosen (steps taken or models compared)."""

    fit: LoglinearFit
    trail: tuple[dict, ...]
    models_considered: int
    models_refused: int


def independence(patterns: np.ndarray, counts: np.ndarray, checker: ModelChecker) -> Selection:
    """The main-effects model: every list catches people independently of the others."""
    fit = fit_model(patterns, counts, checker.check(counts, ()), checker.starts)
    return Selection(fit, (), 1, 0)


def stepwise(
    patterns: np.ndarray,
    counts: np.ndarray,
    checker: ModelChecker,
    pthresh: float = DEFAULT_PTHRESH,
) -> Selection:
    """Forward selection of pairwise interactions as in Chan, Silverman & Vincent (2021).

    From the main-effects model, at each step and for each pair of lists not yet in the model
    whose addition keeps the estimate finite and identifiable: n = people observed on both
    lists, e = its expected value under the current model, p = min(P(X <= n), P(X >= n)) with
    X ~ Poisson(e). The pair with the smallest p is added while p < `pthresh`.
    """
    k = patterns.shape[1]
    pairs = [(i, j) for i in range(k) for j in range(i + 1, k)]
    # One row per pair: which patterns hold both lists; n and e for all pairs are products.
    both = np.stack([patterns[:, i].astype(bool) & patterns[:, j].astype(bool) for i, j in pairs]).astype(float)
    on_both = both @ counts
    key = checker.support_key(counts)
    terms: tuple[Term, ...] = ()
    current = fit_model(patterns, counts, checker.check(counts, terms, key), checker.starts)
    trail: list[dict] = []
    considered, refused = 1, 0
    while True:
        candidates, rows = [], []
        for row, pair in enumerate(pairs):
            if pair in terms:
                continue
            candidate = tuple(sorted(terms + (pair,)))
            considered += 1
            if not checker.check(counts, candidate, key).ok:
                refused += 1
                continue
            candidates.append(pair)
            rows.append(row)
        if not candidates:
            break
        n = on_both[rows]
        e = both[rows] @ current.fitted
        # P(X <= n) and P(X >= n) for X ~ Poisson(e); e = 0 only if the model forces the
        # overlap to zero, when n = 0 too and the pair adds nothing (p = 1).
        with np.errstate(invalid="ignore", divide="ignore"):
            lower = np.where(e > 0, pdtr(n, e), 1.0)
            upper = np.where(e > 0, np.where(n > 0, pdtrc(n - 1, e), 1.0), np.where(n > 0, 0.0, 1.0))
        p_values = np.minimum(lower, upper)
        best = int(np.argmin(p_values))  # first of equals: pairs are in list order
        if p_values[best] >= pthresh:
            break
        terms = tuple(sorted(terms + (candidates[best],)))
        trail.append({"added": list(candidates[best]), "p_value": float(p_values[best])})
        current = fit_model(patterns, counts, checker.check(counts, terms, key), checker.starts)
    return Selection(current, tuple(trail), considered, refused)


def hierarchical_models(k: int, max_order: int) -> Iterator[tuple[Term, ...]]:
    """Every hierarchical model on k lists with interactions of order 2 .. max_order.

    Hierarchical: a term of order s >= 3 is present only if all its sub-terms of order s - 1
    are. The term of all k lists is never allowed (it cannot be estimated without the
    unobserved pattern).
    """
    max_order = min(max_order, k - 1)

    def extend(chosen: tuple[Term, ...], order: int) -> Iterator[tuple[Term, ...]]:
        if order > max_order:
            yield chosen
            return
        present = set(chosen)
        candidates = [
            term
            for term in itertools.combinations(range(k), order)
            if order == 2 or all(sub in present for sub in itertools.combinations(term, order - 1))
        ]
        if not candidates:
            yield chosen
            return
        for mask in range(2 ** len(candidates)):
            picked = tuple(c for bit, c in enumerate(candidates) if mask >> bit & 1)
            if order < max_order and not picked and order >= 2:
                # No term of this order means none of the next: stop here once.
                yield chosen
                continue
            yield from extend(chosen + picked, order + 1)

    yield from extend((), 2)


@functools.lru_cache(maxsize=16)
def _models_largest_first(k: int, max_order: int) -> tuple[tuple[Term, ...], ...]:
    # Largest models first, so smaller ones inherit their passed existence tests.
    return tuple(sorted(hierarchical_models(k, max_order), key=len, reverse=True))


def information_criterion(
    patterns: np.ndarray,
    counts: np.ndarray,
    checker: ModelChecker,
    criterion: str = "bic",
    max_order: int = 2,
    models: Sequence[tuple[Term, ...]] | None = None,
) -> Selection:
    """The model with the smallest AIC or BIC among all hierarchical models up to `max_order`
    whose estimate is finite and identifiable.

    BIC = -2 log L + (number of parameters) x log(number of people observed); AIC uses 2 in
    place of the logarithm. Models refused by the existence tests take no part. `models`
    restricts the search to those models (e.g. the best few on the data, from
    `ranked_models`, as the bootstrap of Silverman, Chan & Vincent 2024 does).
    """
    if criterion not in ("aic", "bic"):
        raise EstimateError(f"unknown criterion {criterion!r}: use aic or bic")
    k = patterns.shape[1]
    considered = refused = 0
    key = checker.support_key(counts)
    passing = []
    searched = _models_largest_first(k, max_order) if models is None else _largest_first(models)
    for terms in searched:
        considered += 1
        check = checker.check(counts, terms, key)
        if check.ok:
            passing.append(check)
        else:
            refused += 1
    if not passing:
        raise ModelNotEstimable(
            f"no hierarchical model up to order {max_order} has a finite, identifiable estimate "
            f"on these data ({refused} refused); try the independence model",
            "mle_does_not_exist",
        )
    scores = _scores(patterns, counts, passing, criterion)
    chosen = int(np.argmin(scores))
    best = (float(scores[chosen]), fit_model(patterns, counts, passing[chosen], checker.starts))
    trail = ({"criterion": criterion, "value": best[0], "max_order": max_order},)
    return Selection(best[1], trail, considered, refused)


def ranked_models(
    patterns: np.ndarray,
    counts: np.ndarray,
    checker: ModelChecker,
    criterion: str = "bic",
    max_order: int = 2,
) -> tuple[tuple[Term, ...], ...]:
    """Every hierarchical model up to `max_order` whose estimate exists on `counts`, best
    (smallest AIC/BIC) first: the ranking from which a bootstrap may keep the top few."""
    if criterion not in ("aic", "bic"):
        raise EstimateError(f"unknown criterion {criterion!r}: use aic or bic")
    key = checker.support_key(counts)
    models, passing = [], []
    for terms in _models_largest_first(patterns.shape[1], max_order):
        check = checker.check(counts, terms, key)
        if check.ok:
            models.append(terms)
            passing.append(check)
    if not passing:
        return ()
    # A stable sort: models with equal scores keep the order the full search would meet them.
    order = np.argsort(_scores(patterns, counts, passing, criterion), kind="stable")
    return tuple(models[i] for i in order)


def _scores(patterns: np.ndarray, counts: np.ndarray, passing: list, criterion: str) -> np.ndarray:
    penalty = math.log(float(counts.sum())) if criterion == "bic" else 2.0
    log_likelihood, parameters, _ = fit_many(patterns, counts, passing)
    return -2.0 * log_likelihood + parameters * penalty


def _largest_first(models: Sequence[tuple[Term, ...]]) -> list[tuple[Term, ...]]:
    # As in the full search: larger models first, so smaller ones inherit passed checks.
    return sorted(models, key=len, reverse=True)

"""One entry point for every estimation method, and the result every method returns.

`estimate(histories, method=...)` returns an `Estimate` whose `to_dict()` is what
`karez estimate --json` prints: estimate, interval, interval_level, interval_kind, method,
model, n_observed, diagnostics, warnings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.stats import norm

from karez.estimate.bootstrap import bca_interval
from karez.estimate.errors import EstimateError
from karez.estimate.histories import CaptureHistories
from karez.estimate.lcmcr import sample_lcmcr
from karez.estimate.loglinear import ModelChecker, model_label, term_label
from karez.estimate.selection import (
    DEFAULT_PTHRESH,
    Selection,
    independence,
    information_criterion,
    ranked_models,
    stepwise,
)

METHODS = ("independence", "stepwise", "bic", "aic", "lcmcr", "bma")
# Methods whose bootstrap redoes a search over many models per replicate: slow, so off
# unless asked for.
SLOW_TO_BOOTSTRAP = ("bic", "aic")
DEFAULT_BOOTSTRAP = 1000
# R-hat above this, or fewer effective draws than this, earns a warning.
RHAT_LIMIT = 1.05
ESS_LIMIT = 400
# A BCa end with fewer replicates than this beyond it is read off the few most extreme
# replicates and moves with the seed: warn.
TAIL_REPLICATES = 10


@dataclass
class Estimate:
    """An estimate of the total population (listed + unlisted) with its uncertainty."""

    estimate: float
    interval: tuple[float, float] | None
    interval_level: float
    interval_kind: str
    method: str
    model: str
    n_observed: int
    diagnostics: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    lists: tuple[str, ...] = ()
    stratum: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON form printed by the CLI (keys as documented in docs/estimate.md)."""
        payload: dict[str, Any] = {
            "estimate": _round(self.estimate),
            "interval": None if self.interval is None else [_round(x) for x in self.interval],
            "interval_level": self.interval_level,
            "interval_kind": self.interval_kind,
            "method": self.method,
            "model": self.model,
            "n_observed": self.n_observed,
            "diagnostics": self.diagnostics,
            "warnings": self.warnings,
        }
        if self.lists:
            payload["lists"] = list(self.lists)
        if self.stratum is not None:
            payload["stratum"] = self.stratum
        return payload


def _round(value: float) -> float | None:
    # NaN (a refused method) becomes null: NaN is not valid JSON.
    return round(float(value), 2) if math.isfinite(value) else None


def loglinear_chooser(
    method: str, checker: ModelChecker, *, max_order: int = 2, pthresh: float = DEFAULT_PTHRESH
):
    """The model-choosing function of a log-linear method, as a function of the counts."""
    patterns = checker.patterns
    if method == "independence":
        return lambda counts: independence(patterns, counts, checker)
    if method == "stepwise":
        return lambda counts: stepwise(patterns, counts, checker, pthresh)
    if method in ("bic", "aic"):
        return lambda counts: information_criterion(patterns, counts, checker, method, max_order)
    raise EstimateError(f"unknown log-linear method {method!r}: use one of {', '.join(METHODS)}")


def estimate(
    histories: CaptureHistories,
    method: str = "stepwise",
    *,
    max_order: int = 2,
    pthresh: float = DEFAULT_PTHRESH,
    bootstrap: int | None = None,
    seed: int | None = None,
    level: float = 0.95,
    chains: int = 4,
    iterations: int = 10_000,
    burn_in: int = 2_000,
    classes: int = 10,
    top_models: int | None = None,
) -> Estimate:
    """Estimate the total number of people, listed or not, with one method.

    Log-linear methods (`independence`, `stepwise`, `bic`, `aic`) give a BCa bootstrap
    interval that redoes the model choice in every replicate when `bootstrap` > 0 (default
    1000 for independence and stepwise; 0 for bic/aic, whose search is slow to repeat), else a
    Wald interval with the chosen model held fixed, which is too narrow and says so. `lcmcr`
    gives the posterior median and an equal-tailed credible interval; so does `bma`
    (averaging over decomposable graphical models, Madigan & York 1997).
    `top_models` (bic/aic only): the bootstrap and jackknife choose among the `top_models`
    models best on the data instead of all of them (Silverman, Chan & Vincent 2024, section
    2.5); the point estimate still comes from the full search.
    Raises `ModelNotEstimable` when the chosen model's estimate does not exist.
    """
    method = method.lower()
    if method not in METHODS:
        raise EstimateError(f"unknown method {method!r}: use one of {', '.join(METHODS)}")
    if not 0 < level < 1:
        raise EstimateError(f"the interval level must be between 0 and 1, got {level}")
    if method == "lcmcr":
        result = _estimate_lcmcr(histories, level, chains, iterations, burn_in, classes, seed)
    elif method == "bma":
        result = _estimate_bma(histories, level)
    else:
        if top_models is not None and (method not in SLOW_TO_BOOTSTRAP or top_models < 1):
            raise EstimateError(
                f"top_models applies to bic and aic only and must be at least 1 (got {top_models} "
                f"with method {method})"
            )
        result = _estimate_loglinear(histories, method, max_order, pthresh, bootstrap, seed, level, top_models)
    if histories.k == 3:
        result.warnings.append(THREE_LISTS_WARNING)
    return result


# Every estimate rests on an assumption about the people on no list that the data cannot test
# (Aleshin-Guendel, Sadinle & Wakefield 2021). A visibility shared by every list (some people
# harder to list everywhere: Fienberg, Johnson & Junker 1999) shows in three lists' seven
# counts only as dependence between pairs of lists, and how far it reaches the people on no
# list is the saturated model's missing eighth count. It pulls estimates down; models with
# two-list terms absorb part of it at a much larger spread (simulated, N 3,000, visibility
# sd 1.2 on the logit scale, five draws: independence 0.72 of the truth, AIC 0.97, spread
# 0.88-1.06). The testbed's demo county shows it: with the true linkage every method, AIC
# included, gives about 376 for 418.
THREE_LISTS_WARNING = (
    "only three lists: if some people are harder than others to list on every list alike, the "
    "seven counts cannot show how much, and the estimate is then too low, most of all for models "
    "with few dependence terms (independence, or stepwise when it adds none); nothing in three "
    "lists can rule this out, so treat the figure as likely low unless the lists were drawn "
    "independently of how visible each person is"
)


def _estimate_loglinear(
    histories: CaptureHistories,
    method: str,
    max_order: int,
    pthresh: float,
    bootstrap: int | None,
    seed: int | None,
    level: float,
    top_models: int | None = None,
) -> Estimate:
    if max_order < 2:
        raise EstimateError(f"--max-order must be at least 2, got {max_order}")
    checker = ModelChecker(histories.patterns)
    choose = loglinear_chooser(method, checker, max_order=max_order, pthresh=pthresh)
    selection: Selection = choose(histories.counts)
    fit = selection.fit
    n = histories.n_observed
    point = n + fit.unobserved
    warnings: list[str] = []
    diagnostics: dict[str, Any] = {
        "unobserved": round(fit.unobserved, 2),
        "terms": [term_label(t, histories.lists) for t in fit.terms],
        "terms_at_minus_infinity": [term_label(t, histories.lists) for t in fit.infinite_terms],
        "log_likelihood": round(fit.log_likelihood, 4),
        "n_parameters": fit.n_parameters,
        "models_considered": selection.models_considered,
        "models_refused": selection.models_refused,
        "converged": fit.converged,
    }
    if method == "stepwise":
        diagnostics["pthresh"] = pthresh
        diagnostics["steps"] = [
            {"added": term_label(tuple(s["added"]), histories.lists), "p_value": s["p_value"]}
            for s in selection.trail
        ]
    if method in ("bic", "aic"):
        diagnostics["max_order"] = max_order
        diagnostics[method] = selection.trail[0]["value"]
    if fit.infinite_terms:
        warnings.append(
            "some lists share nobody ("
            + ", ".join(term_label(t, histories.lists) for t in fit.infinite_terms)
            + "); the model treats that as a real absence of overlap, which drives the estimate"
        )
    replicates = bootstrap
    if replicates is None:
        replicates = 0 if method in SLOW_TO_BOOTSTRAP else DEFAULT_BOOTSTRAP
    kind = "bca_bootstrap_with_model_selection"
    rechoose = choose  # the model choice redone in every replicate
    if replicates > 0 and top_models is not None:
        ranking = ranked_models(histories.patterns, histories.counts, checker, method, max_order)
        searched = ranking[:top_models]
        kind = "bca_bootstrap_with_model_selection_among_top_models"

        def rechoose(counts: np.ndarray) -> Selection:
            return information_criterion(histories.patterns, counts, checker, method, max_order, searched)

    if replicates > 0:
        result = bca_interval(
            histories.counts,
            lambda counts: float(counts.sum()) + rechoose(counts).fit.unobserved,
            replicates=replicates,
            level=level,
            seed=seed,
            point=point,
        )
        interval = (result.low, result.high)
        diagnostics["bootstrap"] = {
            "replicates": int(result.replicates.size),
            "failed": result.failed,
            "seed": seed,
            "bias_correction_z0": round(result.bias_correction, 4),
            "acceleration": round(result.acceleration, 5),
            "percentile_interval": [round(x, 2) for x in result.percentile],
            "bca_quantile_levels": [round(x, 6) for x in result.levels],
            "replicates_beyond_ends": [round(x, 1) for x in result.replicates_beyond()],
            "quantile_rule": "median-unbiased (Hyndman & Fan type 8)",
        }
        if top_models is not None:
            diagnostics["bootstrap"]["top_models"] = len(searched)
            diagnostics["bootstrap"]["models_estimable_on_data"] = len(ranking)
        warnings.extend(_tail_warnings(result.levels, result.replicates_beyond()))
        if result.failed:
            warnings.append(
                f"{result.failed} of {replicates} bootstrap replicates had no estimable model "
                "and were left out"
            )
    else:
        z = float(norm.ppf(0.5 + level / 2))
        spread = z * fit.intercept_se
        interval = (n + fit.unobserved * np.exp(-spread), n + fit.unobserved * np.exp(spread))
        kind = "wald_model_fixed"
        if top_models is not None:
            # Said, not silently dropped: the user asked for something that had no effect.
            warnings.append(
                f"top_models={top_models} has an effect only with a bootstrap (--bootstrap N); "
                "without one the model is held fixed"
            )
        warnings.append(
            "the interval holds the chosen model fixed and ignores the uncertainty of choosing "
            "it, so it is too narrow; ask for a bootstrap (--bootstrap N) for an honest one"
        )
    ratio = point / n
    if ratio > 5:
        warnings.append(
            f"the estimate is {ratio:.1f} times the number of people listed: most of it rests "
            "on the model, not on the lists"
        )
    return Estimate(
        estimate=point,
        interval=(float(interval[0]), float(interval[1])),
        interval_level=level,
        interval_kind=kind,
        method=method,
        model=model_label(fit.terms, histories.lists),
        n_observed=n,
        diagnostics=diagnostics,
        warnings=warnings,
        lists=histories.lists,
        stratum=histories.stratum,
    )


def _tail_warnings(levels: tuple[float, float], beyond: tuple[float, float]) -> list[str]:
    """Warnings for BCa ends read so far in a tail that only a few replicates lie beyond."""
    found = []
    for name, level, count in (("lower", levels[0], beyond[0]), ("upper", levels[1], beyond[1])):
        if count < TAIL_REPLICATES:
            found.append(
                f"the interval's {name} end is the {100 * level:.3f}th percentile of the "
                f"replicates (the bias correction and acceleration move it there): only about "
                f"{count:.1f} replicates lie beyond it, so it rests on the most extreme few and "
                "changes with the seed; quote it as rough, or run more replicates"
            )
    return found


def _estimate_lcmcr(
    histories: CaptureHistories,
    level: float,
    chains: int,
    iterations: int,
    burn_in: int,
    classes: int,
    seed: int | None,
) -> Estimate:
    posterior = sample_lcmcr(
        histories, classes=classes, chains=chains, iterations=iterations, burn_in=burn_in, seed=seed
    )
    warnings: list[str] = []
    if chains < 2:
        warnings.append("only one chain was run: R-hat cannot show whether chains agree")
    if posterior.rhat > RHAT_LIMIT:
        warnings.append(
            f"the chains disagree (R-hat {posterior.rhat:.3f} > {RHAT_LIMIT}): the sampler has "
            "not converged; run more iterations before using this figure"
        )
    if posterior.ess < ESS_LIMIT:
        warnings.append(
            f"only about {posterior.ess:.0f} effective draws of N: the interval ends are "
            "imprecise; run more iterations"
        )
    return Estimate(
        estimate=posterior.median,
        interval=posterior.interval(level),
        interval_level=level,
        interval_kind="bayesian_credible_equal_tailed",
        method="lcmcr",
        model=f"latent-class mixture, up to {classes} classes (Manrique-Vallier 2016)",
        n_observed=histories.n_observed,
        diagnostics={
            "rhat": round(posterior.rhat, 4),
            "ess": round(posterior.ess, 1),
            "chains": chains,
            "iterations": iterations,
            "burn_in": burn_in,
            "seed": seed,
            "posterior_mean": round(float(posterior.draws.mean()), 2),
            "occupied_classes": round(posterior.occupied_classes, 2),
            "prior": "p(N) proportional to 1/N; stick-breaking concentration ~ Gamma(0.25, 0.25)",
        },
        warnings=warnings,
        lists=histories.lists,
        stratum=histories.stratum,
    )


def _estimate_bma(histories: CaptureHistories, level: float) -> Estimate:
    from karez.estimate.bma import DEFAULT_DELTA, graph_averaged_posterior

    posterior = graph_averaged_posterior(histories)
    tail = (1 - level) / 2
    order = np.argsort(posterior.graph_weights)[::-1][:3]
    top = [
        {
            "edges": [term_label(edge, histories.lists) for edge in posterior.graphs[i]],
            "weight": round(float(posterior.graph_weights[i]), 4),
        }
        for i in order
    ]
    warnings = []
    if histories.counts.size and np.count_nonzero(histories.counts == 0) > histories.counts.size / 3:
        warnings.append(
            "many capture patterns are empty: with so sparse a table the prior (delta) weighs "
            "heavily on this method's figure"
        )
    complete = len(posterior.graphs[int(order[0])]) == histories.k * (histories.k - 1) // 2
    if complete and posterior.graph_weights[order[0]] > 0.5:
        warnings.append(
            "the complete graph carries most of the weight: under it the data say nothing about "
            "the people on no list, so this figure comes from the prior, not from the lists"
        )
    return Estimate(
        estimate=posterior.quantile(0.5),
        interval=(posterior.quantile(tail), posterior.quantile(1 - tail)),
        interval_level=level,
        interval_kind="bayesian_credible_equal_tailed",
        method="bma",
        model=f"average over {len(posterior.graphs)} decomposable graphical models (Madigan & York 1997)",
        n_observed=histories.n_observed,
        diagnostics={
            "posterior_mean": round(posterior.mean, 2),
            "posterior_mode": posterior.mode,
            "top_graphs": top,
            "delta": DEFAULT_DELTA,
            "prior": "p(N) proportional to 1/N; graphs equally likely a priori",
        },
        warnings=warnings,
        lists=histories.lists,
        stratum=histories.stratum,
    )

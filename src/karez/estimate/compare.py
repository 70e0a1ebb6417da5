"""Honesty about uncertainty: every method side by side, and a check of the lists against
themselves.

Published MSE methods can disagree by a factor of two or three on the same data (UK 2013:
stepwise 11,313, BIC 22,991, BIC over all models 25,311). `compare` runs them all and adds a
plain-words warning when they disagree; `internal_consistency` treats each list in turn as
a known population and estimates how many of its people the other lists missed, where the
truth is known.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from karez.estimate.errors import EstimateError
from karez.estimate.histories import CaptureHistories
from karez.estimate.methods import METHODS, Estimate, estimate

# Two estimates further apart than this factor are called a disagreement.
DISAGREEMENT_RATIO = 1.5


def compare(
    histories: CaptureHistories,
    methods: Sequence[str] = METHODS,
    *,
    seed: int | None = None,
    **options: Any,
) -> list[Estimate]:
    """Every method in `methods` on the same histories, each with its interval.

    A method that cannot give an estimate appears with estimate NaN and the reason in its
    warnings, rather than vanishing. When estimates differ by more than a factor of
    DISAGREEMENT_RATIO, or intervals do not overlap, each result carries a warning that says
    so in plain words.
    """
    results: list[Estimate] = []
    for method in methods:
        allowed = dict(options)
        if method == "lcmcr":
            allowed = {k: v for k, v in options.items() if k in ("level", "chains", "iterations", "burn_in", "classes")}
        elif method == "bma":
            allowed = {k: v for k, v in options.items() if k == "level"}
        else:
            wanted = ("level", "max_order", "pthresh", "bootstrap")
            if method in ("bic", "aic"):
                wanted += ("top_models",)
            allowed = {k: v for k, v in options.items() if k in wanted and v is not None}
        try:
            results.append(estimate(histories, method, seed=seed, **allowed))
        except EstimateError as error:
            results.append(
                Estimate(
                    estimate=float("nan"),
                    interval=None,
                    interval_level=float(options.get("level", 0.95)),
                    interval_kind="none",
                    method=method,
                    model="",
                    n_observed=histories.n_observed,
                    diagnostics={"refused": getattr(error, "reason", "no_estimate")},
                    warnings=[str(error)],
                    lists=histories.lists,
                    stratum=histories.stratum,
                )
            )
    warning = disagreement(results)
    if warning:
        results = [replace(r, warnings=[*r.warnings, warning]) for r in results]
    return results


def disagreement(results: Sequence[Estimate]) -> str | None:
    """A plain-words warning when the estimates disagree, else None."""
    usable = [r for r in results if r.estimate == r.estimate]  # not NaN
    if len(usable) < 2:
        return None
    low = min(usable, key=lambda r: r.estimate)
    high = max(usable, key=lambda r: r.estimate)
    ratio = high.estimate / low.estimate
    separate = [
        (a, b)
        for a in usable
        for b in usable
        if a.interval and b.interval and a.interval[1] < b.interval[0]
    ]
    if ratio <= DISAGREEMENT_RATIO and not separate:
        return None
    text = (
        f"the methods disagree: estimates run from {low.estimate:,.0f} ({low.method}) to "
        f"{high.estimate:,.0f} ({high.method}), a factor of {ratio:.1f}."
    )
    if separate:
        a, b = separate[0]
        text += f" The intervals of {a.method} and {b.method} do not even overlap."
    text += (
        " Each rests on different assumptions about how the lists depend on each other; "
        "no single figure should be quoted without this range."
    )
    return text


def internal_consistency(
    histories: CaptureHistories, method: str = "stepwise", **options: Any
) -> list[dict[str, Any]]:
    """Treat each list in turn as the population and estimate it from the other lists.

    For list L, the people on L are known, and so is how many of them no other list has.
    The method, given only the other lists' view of L's people, estimates that number.
    Returns one row per list: list, known (people on L), missed_by_others (true),
    estimated_missed, estimated_total, relative_error; or the reason when it cannot.
    Needs at least three lists (two others to estimate from).
    """
    if histories.k < 3:
        raise EstimateError(
            f"{histories.source or 'capture histories'}: the internal-consistency check needs "
            f"at least three lists, got {histories.k}"
        )
    options.setdefault("bootstrap", 0)
    rows: list[dict[str, Any]] = []
    for index, name in enumerate(histories.lists):
        others = [i for i in range(histories.k) if i != index]
        on_list = histories.patterns[:, index] == 1
        known = int(histories.counts[on_list].sum())
        only_here = histories.patterns[on_list][:, others].sum(axis=1) == 0
        missed = int(histories.counts[on_list][only_here].sum())
        row: dict[str, Any] = {"list": name, "known": known, "missed_by_others": missed}
        # Lists that share nobody with L say nothing about L's people: leave them out.
        sharing = [i for i in others if histories.counts[on_list & (histories.patterns[:, i] == 1)].sum() > 0]
        row["other_lists"] = [histories.lists[i] for i in sharing]
        try:
            sub = histories.restrict(sharing, on_list=index)
            result = estimate(sub, method, **options)
        except EstimateError as error:
            row["error"] = str(error)
            rows.append(row)
            continue
        estimated_missed = result.estimate - result.n_observed
        row.update(
            estimated_missed=round(estimated_missed, 2),
            estimated_total=round(result.estimate, 2),
            interval=None if result.interval is None else [round(x, 2) for x in result.interval],
            relative_error=round((result.estimate - known) / known, 4),
            model=result.model,
        )
        rows.append(row)
    return rows

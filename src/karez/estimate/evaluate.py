"""Evaluation on the testbed: estimates from the case's lists against the true number detained.

`karez testbed evaluate estimate CASE TRUTH_DIR --json` calls `evaluate(case, truth)`. The
lists are the testbed's lists of the detained (the Karakax-style list, the police status
sheet, the testimonies; the PDF repeats the XLSX list and the register lists everyone, so
neither is a list here). Two linkages are scored: the true one (from the truth's mention map,
showing the methods' own error) and the case's own `link_clusters` when the case is linked
(method error plus linkage error).
"""

from __future__ import annotations

from typing import Any

from karez.estimate.cases import capture_histories, resolve_lists
from karez.estimate.errors import EstimateError
from karez.estimate.histories import CaptureHistories
from karez.estimate.methods import estimate

DETENTION_LISTS = ("karakax_list.xlsx", "police_status.xlsx", "testimonies.jsonl")
EVALUATED_METHODS = ("independence", "stepwise", "aic", "bic", "lcmcr")
TRUE_LINKAGE_VIEW = "estimate_true_persons"


def _score(histories: CaptureHistories, truth_total: int, seed: int) -> list[dict[str, Any]]:
    rows = []
    for method in EVALUATED_METHODS:
        options: dict[str, Any] = {"seed": seed}
        if method == "lcmcr":
            options.update(chains=4, iterations=4000, burn_in=1000)
        else:
            options.update(bootstrap=200 if method in ("independence", "stepwise") else 0)
        try:
            result = estimate(histories, method, **options)
        except EstimateError as error:
            rows.append({"method": method, "error": str(error)})
            continue
        low, high = result.interval if result.interval else (float("nan"), float("nan"))
        rows.append(
            {
                "method": method,
                "estimate": round(result.estimate, 1),
                "interval": [round(low, 1), round(high, 1)],
                "interval_kind": result.interval_kind,
                "covers_truth": bool(low <= truth_total <= high),
                "relative_error": round((result.estimate - truth_total) / truth_total, 4),
                "warnings": result.warnings,
            }
        )
    return rows


def evaluate(case: Any, truth: Any, *, seed: int = 1) -> dict[str, Any]:
    """Estimates of the number detained from the case's lists, scored against the truth.

    Returns {"stage", "true_detained", "lists", "n_observed_true_linkage", "true_linkage":
    [per method], "case_linkage": [per method] or None, "ok"}. `ok` means the true linkage's
    stepwise interval covers the true number.
    """
    store = case.store
    names = {r["original_name"]: r["source_id"] for r in store.dicts("SELECT source_id, original_name FROM sources")}
    present = [name for name in DETENTION_LISTS if name in names]
    if len(present) < 2:
        raise EstimateError(
            f"case store {store.path}: needs at least two of the testbed's lists of the detained "
            f"({', '.join(DETENTION_LISTS)}), found {', '.join(present) or 'none'}; build the case "
            "with `karez testbed build-case`"
        )
    lists = resolve_lists(store, [names[n] for n in present], ("subject",))
    truth_total = int(truth.true_detained)
    mapping = truth.mention_map(case)
    store.con.register(TRUE_LINKAGE_VIEW, mapping)
    try:
        true_histories = capture_histories(case, lists, clusters=TRUE_LINKAGE_VIEW)
    finally:
        store.con.unregister(TRUE_LINKAGE_VIEW)
    result: dict[str, Any] = {
        "stage": "estimate",
        "true_detained": truth_total,
        "lists": present,
        "n_observed_true_linkage": true_histories.n_observed,
        "counts_true_linkage": true_histories.as_dict(),
        "true_linkage": _score(true_histories, truth_total, seed),
        "case_linkage": None,
    }
    if store.table_exists("link_clusters") and store.count("link_clusters") > 0:
        linked = capture_histories(case, lists)
        result["n_observed_case_linkage"] = linked.n_observed
        result["counts_case_linkage"] = linked.as_dict()
        result["case_linkage"] = _score(linked, truth_total, seed)
    stepwise_row = next(r for r in result["true_linkage"] if r["method"] == "stepwise")
    result["ok"] = bool(stepwise_row.get("covers_truth", False))
    return result

"""Evaluation against the testbed's injected faults (`karez testbed evaluate verify CASE TRUTH`).

A fault is found when a warning or error finding sits on the mention it was injected into
(matched by file, sheet, page, row, person key and position in the cell) or, for faults of a
whole row, on that row. Information notes are not counted either way: they are not claims
that something is wrong. False findings are warnings and errors on mentions and rows where
nothing was injected, given per 1,000 clean mentions. A fault that a later fault erased (an ID
number miswritten, then the cell left blank) cannot be seen in the file: it is reported as
`erased` and left out of recall.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

KEY = ["file", "sheet", "page", "row_number", "person_key", "ordinal"]
ROW_KEY = ["file", "sheet", "page", "row_number"]


def _faults(truth: Any) -> pd.DataFrame:
    faults = getattr(truth, "faults", None)
    if callable(faults):
        faults = faults()
    if faults is None:
        folder = Path(getattr(truth, "path", truth))
        faults = pd.read_parquet(folder / "faults.parquet")
    return pd.DataFrame(faults)


def _normalise(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    out = frame.copy()
    for column in columns:
        if column not in out.columns:
            out[column] = None
        if column in ("page", "row_number", "ordinal"):
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
        else:
            out[column] = out[column].astype("string")
    return out


def _row_key(values: Any) -> tuple[str, ...]:
    """A row's locator as comparable text: a missing sheet or page is "" (NaN never equals
    NaN, so a raw key of a row without a page would match nothing)."""
    return tuple("" if pd.isna(v) else str(v) for v in values)


def _row_keys(frame: pd.DataFrame) -> list[tuple[str, ...]]:
    return [_row_key(values) for values in frame[ROW_KEY].itertuples(index=False)]


def _without_erased(faults: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split off faults that a later fault on the same cell erased: a `missing_field` that
    blanked the value an earlier fault wrote (its true value is that written value). Nothing of
    the earlier fault is left in the file, so no check can find it; it is counted apart
    (`erased`), not in recall."""
    if "field" not in faults.columns or faults.empty:
        return faults, faults.iloc[0:0]
    cell = [*KEY, "field"]
    blanks = faults[faults["fault_type"] == "missing_field"][[*cell, "true_value"]]
    blanks = blanks.rename(columns={"true_value": "written_value"}).assign(_erased=True)
    marked = faults.merge(blanks, on=[*cell, "written_value"], how="left")
    erased = marked["_erased"].fillna(False).astype(bool) & (marked["fault_type"] != "missing_field")
    erased = erased & marked["written_value"].astype("string").fillna("").ne("")
    kept = marked.loc[~erased].drop(columns="_erased")
    return kept, marked.loc[erased].drop(columns="_erased")


def evaluate(case: Any, truth: Any) -> dict[str, Any]:
    """Recall per injected fault type, precision per check, false findings per 1,000 clean rows.

    Needs a verified case (`karez verify CASE` first).
    """
    store = case.store
    if not store.table_exists("verify_findings"):
        from karez.errors import KarezError

        raise KarezError(f"{case.path}: no verification findings yet; run `karez verify {case.path}` first")
    findings = _normalise(store.df(
        """
        SELECT f.finding_id, f.check_name, f.severity, f.mention_id,
               s.original_name AS file, r.sheet, r.page, r.row_number, m.person_key, m.ordinal
        FROM verify_findings f
        LEFT JOIN records r ON r.record_id = f.record_id
        LEFT JOIN sources s ON s.source_id = coalesce(f.source_id, r.source_id)
        LEFT JOIN mentions m ON m.mention_id = f.mention_id
        WHERE f.severity IN ('warning', 'error') AND f.record_id IS NOT NULL
        """
    ), KEY)
    mentions = _normalise(store.df(
        """
        SELECT m.mention_id, s.original_name AS file, r.sheet, r.page, r.row_number,
               m.person_key, m.ordinal
        FROM mentions m JOIN records r USING (record_id) JOIN sources s ON s.source_id = m.source_id
        """
    ), KEY)
    faults = _normalise(_faults(truth), KEY)
    # Only the case's files are judged (a truth folder may describe leaks not ingested here).
    faults = faults[faults["file"].isin(set(mentions["file"].dropna()))]
    faults, erased = _without_erased(faults)

    mention_level = faults["person_key"].notna()
    fault_mentions = faults[mention_level].merge(mentions, on=KEY, how="left")
    flagged_mentions = set(findings["mention_id"].dropna())
    flagged_rows = set(_row_keys(findings))

    def found(row: pd.Series) -> bool:
        if pd.notna(row.get("mention_id")) and row["mention_id"] in flagged_mentions:
            return True
        return _row_key(row[c] for c in ROW_KEY) in flagged_rows and pd.isna(row.get("person_key"))

    fault_mentions["found"] = fault_mentions.apply(found, axis=1) if len(fault_mentions) else []
    row_faults = faults[~mention_level].copy()
    row_faults["found"] = [
        _row_key(values) in flagged_rows
        for values in row_faults[ROW_KEY].itertuples(index=False)
    ]
    judged = pd.concat([fault_mentions, row_faults], ignore_index=True)
    by_type: dict[str, dict[str, Any]] = {}
    erased_by_type = erased["fault_type"].astype(str).value_counts().to_dict()
    for fault_type, group in judged.groupby("fault_type"):
        by_type[str(fault_type)] = {
            "injected": int(len(group)) + int(erased_by_type.get(str(fault_type), 0)),
            "erased": int(erased_by_type.get(str(fault_type), 0)),
            "found": int(group["found"].sum()),
            "recall": round(float(group["found"].mean()), 4) if len(group) else None,
        }

    faulty_mentions = set(fault_mentions["mention_id"].dropna())
    faulty_rows = set(_row_keys(faults))
    findings["true"] = [
        (m in faulty_mentions) if pd.notna(m) else (_row_key(rk) in faulty_rows)
        for m, rk in zip(findings["mention_id"], findings[ROW_KEY].itertuples(index=False), strict=True)
    ]
    by_check = {
        str(check): {
            "findings": int(len(group)),
            "on_injected_faults": int(group["true"].sum()),
            "precision": round(float(group["true"].mean()), 4),
        }
        for check, group in findings.groupby("check_name")
    }
    clean = len(mentions) - len(faulty_mentions)
    false_findings = int((~findings["true"]).sum())
    return {
        "stage": "verify",
        "mentions": int(len(mentions)),
        "injected_faults": int(len(faults)),
        "recall_by_fault_type": by_type,
        "precision_by_check": by_check,
        "precision": round(float(findings["true"].mean()), 4) if len(findings) else None,
        "false_findings": false_findings,
        "false_findings_per_1000_clean": round(1000 * false_findings / clean, 3) if clean else None,
    }

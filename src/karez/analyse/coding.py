"""Coding stated reasons to the taxonomy, with the evidence span kept, and analyst overrides.

Every reason text is coded to zero or more categories. A coding keeps the sub-categories and
the exact spans of the original text that matched, so an editor can check it. Texts that
match nothing are listed as uncoded, never hidden or pushed into "other". An analyst may set,
add or remove categories for one reason; overrides are stored in `analyse_overrides`, logged
in the ledger and applied again on every later run.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from karez import settings
from karez.analyse.taxonomy import Match, Taxonomy, load_taxonomy
from karez.errors import KarezError

if TYPE_CHECKING:
    from karez.custody import Case

OVERRIDE_ACTIONS = ("set", "add", "remove")

DDL = """
CREATE TABLE IF NOT EXISTS analyse_codings (
    reason_id       VARCHAR NOT NULL,
    category        VARCHAR NOT NULL,
    subcategories   VARCHAR,          -- comma-separated
    origin          VARCHAR NOT NULL, -- taxonomy | analyst
    evidence        JSON,             -- [{start, end, text, subcategory, lang, pattern}]
    taxonomy_sha256 VARCHAR,
    coded_at        TIMESTAMPTZ,
    PRIMARY KEY (reason_id, category)
);
CREATE TABLE IF NOT EXISTS analyse_overrides (
    override_id     VARCHAR PRIMARY KEY,
    reason_id       VARCHAR NOT NULL,
    action          VARCHAR NOT NULL, -- set | add | remove
    categories      JSON NOT NULL,
    note            VARCHAR,
    analyst         VARCHAR,
    created_at      TIMESTAMPTZ
);
"""


class CodingError(KarezError):
    """An override cannot be applied: unknown reason or category."""


@dataclass(frozen=True)
class Coding:
    """The categories found in one text with the spans that support each."""

    category: str
    subcategories: tuple[str, ...]
    evidence: tuple[Match, ...]


def ensure_tables(case: Case) -> None:
    with case.store.transaction():
        case.store.execute(DDL)


def code_text(taxonomy: Taxonomy, text: str) -> list[Coding]:
    """Code one text: every category found, after in-clause overrides, with its evidence.

    A category listed in another's `overrides` is dropped when both are found in the same
    clause, so the detained relative in "其丈夫因宗教极端被收押" does not code the subject as
    labelled an extremist; one listed in `overrides_in_text` is dropped when both are anywhere
    in the text. Order follows the taxonomy.
    """
    matches = taxonomy.find(text)
    by_clause: dict[int, set[str]] = {}
    for m in matches:
        by_clause.setdefault(m.clause, set()).add(m.category)
    in_text = {m.category for m in matches}
    kept: list[Match] = []
    for m in matches:
        present = by_clause[m.clause]
        if any(m.category in taxonomy.overrides(other) for other in present if other != m.category):
            continue
        if any(m.category in taxonomy.overrides(other, scope="text") for other in in_text if other != m.category):
            continue
        kept.append(m)
    codings = []
    for code in taxonomy.categories:
        evidence = _distinct_spans([m for m in kept if m.category == code])
        if evidence:
            subs = tuple(dict.fromkeys(m.subcategory for m in evidence))
            codings.append(Coding(code, subs, tuple(evidence)))
    return codings


def _distinct_spans(matches: list[Match]) -> list[Match]:
    """The longest matches, without spans nested inside another kept span."""
    ordered = sorted(matches, key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Match] = []
    for m in ordered:
        if any(k.start <= m.start and m.end <= k.end for k in kept):
            continue
        kept.append(m)
    return kept


def code_reasons(case: Case, taxonomy: Taxonomy | None = None) -> pd.DataFrame:
    """Code every reason of the case and store the result in `analyse_codings`.

    Previous codings are replaced; analyst overrides are applied after the taxonomy.
    Returns one row per (reason, category) with origin, sub-categories and evidence.
    """
    taxonomy = taxonomy or load_taxonomy(case.path)
    ensure_tables(case)
    reasons = case.store.fetchall("SELECT reason_id, text FROM reasons ORDER BY reason_id")
    now = datetime.now(UTC)
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    cache: dict[str, list[Coding]] = {}
    for reason_id, text in reasons:
        if text not in cache:
            cache[text] = code_text(taxonomy, text)
        for coding in cache[text]:
            rows[(reason_id, coding.category)] = {
                "reason_id": reason_id,
                "category": coding.category,
                "subcategories": ",".join(coding.subcategories),
                "origin": "taxonomy",
                "evidence": json.dumps(
                    [
                        {
                            "start": m.start,
                            "end": m.end,
                            "text": m.evidence,
                            "subcategory": m.subcategory,
                            "lang": m.lang,
                            "pattern": m.pattern,
                        }
                        for m in coding.evidence
                    ],
                    ensure_ascii=False,
                ),
                "taxonomy_sha256": taxonomy.sha256,
                "coded_at": now,
            }
    _apply_overrides(case, rows, now)
    frame = pd.DataFrame(
        list(rows.values()),
        columns=["reason_id", "category", "subcategories", "origin", "evidence", "taxonomy_sha256", "coded_at"],
    )
    with case.store.transaction():
        case.store.execute("DELETE FROM analyse_codings")
        if len(frame):
            case.store.con.register("_karez_codings", frame)
            try:
                case.store.execute(
                    "INSERT INTO analyse_codings SELECT reason_id, category, subcategories, origin, "
                    "evidence::JSON, taxonomy_sha256, coded_at FROM _karez_codings"
                )
            finally:
                case.store.con.unregister("_karez_codings")
    coded = int(frame["reason_id"].nunique()) if len(frame) else 0
    case.record(
        "analyse.code",
        outputs={"reasons": len(reasons), "coded": coded, "uncoded": len(reasons) - coded},
        details={"taxonomy_sha256": taxonomy.sha256, "taxonomy_files": taxonomy.sources,
                 "categories": frame["category"].value_counts().to_dict() if len(frame) else {}},
    )
    return frame


def _apply_overrides(case: Case, rows: dict[tuple[str, str], dict[str, Any]], now: datetime) -> None:
    """Apply the analysts' overrides in the order they were made."""
    overrides = case.store.fetchall(
        "SELECT reason_id, action, categories, note, analyst FROM analyse_overrides ORDER BY created_at, override_id"
    )
    for reason_id, action, categories_json, note, analyst in overrides:
        categories = json.loads(categories_json)
        if action == "set":
            for key in [k for k in rows if k[0] == reason_id]:
                del rows[key]
        if action in ("set", "add"):
            for category in categories:
                rows[(reason_id, category)] = {
                    "reason_id": reason_id,
                    "category": category,
                    "subcategories": "",
                    "origin": "analyst",
                    "evidence": json.dumps([{"analyst": analyst, "note": note}], ensure_ascii=False),
                    "taxonomy_sha256": None,
                    "coded_at": now,
                }
        elif action == "remove":
            for category in categories:
                rows.pop((reason_id, category), None)


def override_coding(
    case: Case,
    reason_id: str,
    categories: list[str],
    *,
    action: str = "set",
    note: str | None = None,
    taxonomy: Taxonomy | None = None,
) -> dict[str, Any]:
    """Record an analyst's coding of one reason and re-code the case.

    `action` is "set" (the reason has exactly these categories; an empty list means uncoded),
    "add" or "remove". The override is stored in `analyse_overrides`, appended to the ledger
    and applied on every later run of `code_reasons`.
    """
    taxonomy = taxonomy or load_taxonomy(case.path)
    ensure_tables(case)
    if action not in OVERRIDE_ACTIONS:
        raise CodingError(f"override action {action!r} is not one of {', '.join(OVERRIDE_ACTIONS)}.")
    text = case.store.scalar("SELECT text FROM reasons WHERE reason_id = ?", [reason_id])
    if text is None:
        raise CodingError(
            f"case {case.path}: no reason with id {reason_id!r}. List reason ids with "
            f"`karez analyse codings {case.path} --json`."
        )
    unknown = [c for c in categories if c not in taxonomy.categories]
    if unknown:
        raise CodingError(
            f"case {case.path}, reason {reason_id}: unknown categories {unknown}; use one of "
            f"{', '.join(taxonomy.categories)} or add it to {case.path}/taxonomy.yaml."
        )
    override = {
        "override_id": "ovr-" + uuid.uuid4().hex[:16],
        "reason_id": reason_id,
        "action": action,
        "categories": categories,
        "note": note,
        "analyst": settings.actor(),
    }
    with case.store.transaction():
        case.store.execute(
            "INSERT INTO analyse_overrides VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                override["override_id"],
                reason_id,
                action,
                json.dumps(categories),
                note,
                override["analyst"],
                datetime.now(UTC),
            ],
        )
    case.record(
        "analyse.override",
        inputs={"reason_id": reason_id},
        outputs={"override_id": override["override_id"]},
        details={"action": action, "categories": categories, "note": note, "text": text},
    )
    code_reasons(case, taxonomy)
    return override


def codings(case: Case) -> pd.DataFrame:
    """Every reason with its categories (one row per reason and category; uncoded reasons
    have an empty category), text verbatim and locator."""
    ensure_tables(case)
    df = case.store.df(
        """
        SELECT r.reason_id, r.mention_id, r.source_id, rec.sheet, rec.page, rec.row_number,
               r.text, c.category, c.subcategories, c.origin, c.evidence
        FROM reasons r
        JOIN records rec USING (record_id)
        LEFT JOIN analyse_codings c USING (reason_id)
        ORDER BY r.source_id, rec.page NULLS FIRST, rec.row_number, r.ordinal, c.category
        """
    )
    df.attrs["query"] = "reasons JOIN records LEFT JOIN analyse_codings"
    return df


def uncoded_reasons(case: Case) -> pd.DataFrame:
    """Reasons no category matched (and no analyst coded), with their locator, to be read."""
    ensure_tables(case)
    sql = """
        SELECT r.reason_id, r.source_id, rec.sheet, rec.page, rec.row_number, r.text
        FROM reasons r JOIN records rec USING (record_id)
        WHERE NOT EXISTS (SELECT 1 FROM analyse_codings c WHERE c.reason_id = r.reason_id)
        ORDER BY r.source_id, rec.page NULLS FIRST, rec.row_number, r.ordinal
    """
    df = case.store.df(sql)
    df.attrs["query"] = " ".join(sql.split())
    df.attrs["title"] = "Uncoded reasons"
    return df

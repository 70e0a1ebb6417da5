"""Trace any stored value back to the original: source hash, locator, column, original text."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from karez.errors import CaseError

if TYPE_CHECKING:
    from karez.custody.case import Case

MENTION_FIELDS = ("name", "id_number", "birth_date", "sex", "age", "ethnicity", "address", "township",
                  "village", "phone", "employer", "note")


def _original(cells: dict[str, Any], prov: dict[str, Any] | None) -> dict[str, Any]:
    """Where a value came from: its column and the original text (the cell, or its span)."""
    if not prov:
        return {}
    if "value" in prov:
        return {"constant": prov["value"], "note": "a constant set by the mapping, not read from the source"}
    column = prov.get("column")
    found: dict[str, Any] = {"column": column}
    if "original" in prov:
        found["original"] = prov["original"]
        found["span"] = prov.get("span")
        found["cell"] = cells.get(column)
    else:
        found["original"] = cells.get(column)
    return found


def describe_mention(case: Case, mention_id: str) -> dict[str, Any]:
    """A mention with every value's provenance, and what the same record says about it."""
    rows = case.store.dicts(
        """SELECT m.*, r.sheet, r.page, r.table_index, r.row_number, r.cells, s.sha256, s.original_name, i.mapping_name,
                  i.mapping_sha256
           FROM mentions m JOIN records r USING (record_id) JOIN sources s ON s.source_id = m.source_id
           JOIN ingests i ON i.ingest_id = m.ingest_id
           WHERE m.mention_id = ? OR m.mention_id LIKE ?""",
        [mention_id, mention_id + "%"],
    )
    if not rows:
        raise CaseError(f"no mention {mention_id!r} in case {case.path}; list mentions with `karez status` or search the store")
    if len(rows) > 1:
        raise CaseError(f"{mention_id!r} matches {len(rows)} mentions; give more of the id")
    m = rows[0]
    cells = json.loads(m["cells"]) if m["cells"] else {}
    provenance = json.loads(m["provenance"]) if m["provenance"] else {}
    fields: dict[str, Any] = {}
    for name in MENTION_FIELDS:
        value = m[name]
        if value is None:
            continue
        entry: dict[str, Any] = {"value": value.isoformat() if hasattr(value, "isoformat") else value}
        if name == "birth_date" and m["birth_date_precision"] != "day":
            entry["precision"] = m["birth_date_precision"]
        if name == "age" and m["age_kind"]:
            entry["age_kind"] = m["age_kind"]
        entry.update(_original(cells, provenance.get(name)))
        fields[name] = entry
    mid = m["mention_id"]

    def linked(sql: str) -> list[dict[str, Any]]:
        found = case.store.dicts(sql, [mid])
        for row in found:
            prov = json.loads(row.pop("provenance") or "{}")
            row["from"] = {k: _original(cells, v) for k, v in prov.items()}
        return found

    return {
        "mention_id": mid,
        "role": m["role"],
        "person_key": m["person_key"],
        "ordinal": m["ordinal"],
        "fields": fields,
        "source": {
            "source_id": m["source_id"],
            "file": m["original_name"],
            "sha256": m["sha256"],
            "sheet": m["sheet"],
            "page": m["page"],
            "table": m["table_index"],
            "row": m["row_number"],
            "mapping": m["mapping_name"],
            "mapping_sha256": m["mapping_sha256"],
        },
        "cell_span": provenance.get("_cell"),
        "relations": linked(
            """SELECT relationship, relationship_text, to_mention AS other, 'of' AS direction, provenance
               FROM relations WHERE from_mention = $1
               UNION ALL
               SELECT relationship, relationship_text, from_mention AS other, 'is' AS direction, provenance
               FROM relations WHERE to_mention = $1"""
        ),
        "events": linked("SELECT event_type, date, date_precision, facility, status_text, detail, provenance FROM events WHERE mention_id = ?"),
        "classifications": linked("SELECT scheme, value, provenance FROM classifications WHERE mention_id = ?"),
        "reasons": linked("SELECT ordinal, text, provenance FROM reasons WHERE mention_id = ? ORDER BY ordinal"),
        "notes": linked("SELECT kind, text, provenance FROM notes WHERE mention_id = ?"),
    }

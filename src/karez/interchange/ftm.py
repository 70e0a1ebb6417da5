"""FollowTheMoney export: the case's mentions as Person, Family, Associate, Event, Note and
Document entities, in JSON lines, for Aleph/OpenAleph and other tools of the team.

Such an export carries identities. It is CONFIDENTIAL: a sidecar `<file>.meta.json` says so with
the case, the ledger entry and the file's hash, and the export is recorded in the ledger.
Public outputs go through disclosure control, a later stage.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from karez import __version__

if TYPE_CHECKING:
    from karez.custody.case import Case

CONFIDENTIAL = "CONFIDENTIAL: contains identities of people named in leaked records; for the case team only"
FAMILY = {"father", "mother", "spouse", "son", "daughter", "brother", "sister", "grandfather", "grandmother",
          "grandson", "granddaughter", "daughter_in_law", "son_in_law", "child", "parent", "sibling"}
GENDER = {"M": "male", "F": "female"}


def _date(value: Any, precision: str | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return {"year": text[:4], "month": text[:7]}.get(precision or "day", text)


def _sha1(path: Path) -> str | None:
    if not path.exists():
        return None
    digest = hashlib.sha1(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _entities(case: Case):  # -> Iterator[EntityProxy]
    from followthemoney import model

    store = case.store
    documents: dict[str, str] = {}
    for source in case.sources():
        doc = model.make_entity("Document")
        doc.id = source["source_id"]
        doc.add("fileName", source["original_name"])
        doc.add("title", source["original_name"])
        # FollowTheMoney and Aleph name content by SHA-1; karez's own SHA-256 is in the description.
        doc.add("contentHash", _sha1(case.vault.path_for(source["sha256"])))
        doc.add("mimeType", source["media_type"])
        doc.add("description", f"original in the karez vault, SHA-256 {source['sha256']}")
        documents[source["source_id"]] = doc.id
        yield doc

    labels: dict[str, list[str]] = {}
    for mention_id, scheme, value in store.fetchall("SELECT mention_id, scheme, value FROM classifications ORDER BY classification_id"):
        labels.setdefault(mention_id, []).append(f"state classification ({scheme}), verbatim: {value}")
    cursor = store.execute(
        """SELECT m.mention_id, m.source_id, m.role, m.name, m.id_number, m.birth_date, m.birth_date_precision, m.sex,
                  m.ethnicity, m.address, m.township, m.village, r.sheet, r.page, r.row_number
           FROM mentions m JOIN records r USING (record_id) ORDER BY m.mention_id"""
    )
    while rows := cursor.fetchmany(10_000):
        for (mention_id, source_id, role, name, id_number, birth, precision, sex, ethnicity, address, township,
             village, sheet, page, row_number) in rows:
            person = model.make_entity("Person")
            person.id = mention_id
            person.add("name", name)
            person.add("idNumber", id_number)
            person.add("birthDate", _date(birth, precision))
            person.add("gender", GENDER.get(sex or ""))
            person.add("ethnicity", ethnicity)
            person.add("address", ", ".join(p for p in (village, township, address) if p) or None)
            where = f"sheet {sheet} " if sheet else (f"page {page} " if page else "")
            person.add("description", f"{role} as named in {source_id}, {where}row {row_number} (a mention, not a resolved person)")
            person.add("notes", labels.get(mention_id, []))
            person.add("proof", documents.get(source_id))
            yield person

    for relation_id, source_id, from_m, to_m, coded, text in store.fetchall(
        "SELECT relation_id, source_id, from_mention, to_mention, relationship, relationship_text FROM relations ORDER BY relation_id"
    ):
        schema = "Family" if coded in FAMILY else "Associate"
        link = model.make_entity(schema)
        link.id = relation_id
        if schema == "Family":
            link.add("person", to_m)
            link.add("relative", from_m)
        else:
            link.add("person", to_m)
            link.add("associate", from_m)
        link.add("relationship", text or coded)
        link.add("proof", documents.get(source_id))
        yield link

    for event_id, source_id, mention_id, event_type, date, precision, facility, status, detail in store.fetchall(
        "SELECT event_id, source_id, mention_id, event_type, date, date_precision, facility, status_text, detail FROM events ORDER BY event_id"
    ):
        event = model.make_entity("Event")
        event.id = event_id
        event.add("name", event_type)
        event.add("date", _date(date, precision))
        event.add("involved", mention_id)
        event.add("location", facility)
        event.add("summary", status)
        event.add("description", detail)
        event.add("proof", documents.get(source_id))
        yield event

    for reason_id, source_id, mention_id, text in store.fetchall(
        "SELECT reason_id, source_id, mention_id, text FROM reasons ORDER BY reason_id"
    ):
        note = model.make_entity("Note")
        note.id = reason_id
        note.add("entity", mention_id)
        note.add("name", "stated reason (verbatim)")
        note.add("description", text)
        note.add("proof", documents.get(source_id))
        yield note


def export_ftm(case: Case, out: Path) -> dict[str, Any]:
    """Write every entity to `out` (JSON lines), its confidential sidecar, and a ledger entry."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    digest = hashlib.sha256()
    with out.open("w", encoding="utf-8") as handle:
        for entity in _entities(case):
            line = json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n"
            handle.write(line)
            digest.update(line.encode("utf-8"))
            counts[entity.schema.name] = counts.get(entity.schema.name, 0) + 1
    meta = {
        "classification": CONFIDENTIAL,
        "format": "followthemoney entities, JSON lines",
        "case_id": case.case_id,
        "file": out.name,
        "sha256": digest.hexdigest(),
        "entities": counts,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "created_with": f"karez {__version__}",
    }
    entry = case.record(
        "export",
        inputs={"sources": [s["source_id"] for s in case.sources()]},
        outputs={"file": out.name, "sha256": meta["sha256"], "entities": counts},
        details={"format": "ftm", "classification": "confidential"},
    )
    meta["ledger_entry"] = entry.seq
    sidecar = out.with_name(out.name + ".meta.json")
    sidecar.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return meta

"""Builders for the verification tests: a real case whose store is filled row by row.

Rows are written straight into the canonical tables (as ingest would write them) so each test
states exactly the records it checks. Every name and number here is synthetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from karez.custody import Case
from karez.store.records import write_records
from karez.verify.ids import check_digit


def make_id(region: str, birth: str, sequence: int, *, valid: bool = True) -> str:
    """A synthetic 18-digit ID number: region, YYYYMMDD, 3-digit sequence, check digit."""
    body = f"{region}{birth}{sequence:03d}"
    digit = check_digit(body)
    if not valid:
        digit = "0" if digit != "0" else "1"
    return body + digit


@dataclass
class CaseBuilder:
    """Writes records, mentions, relations and events of one synthetic source into a case."""

    case: Case
    source_id: str = "src-0000000000000001"
    original_name: str = "synthetic-list.xlsx"
    media_type: str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sha256: str = "0" * 64
    _row: int = 1
    _n: int = 0
    records: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.case.store.execute(
            "INSERT INTO sources (source_id, sha256, size, media_type, original_name) VALUES (?, ?, ?, ?, ?)",
            [self.source_id, self.sha256, 0, self.media_type, self.original_name],
        )

    def record(self, cells: dict[str, Any] | None = None, *, sheet: str = "名单") -> str:
        self._row += 1
        record_id = f"rec-{self.source_id[-4:]}-{self._row}"
        write_records(self.case.store, source_id=self.source_id, ingest_id="ing-1", rows=[
            {"record_id": record_id, "sheet": sheet, "row_number": self._row, "cells": cells or {"序号": self._row}},
        ])
        self.records.append(record_id)
        return record_id

    def mention(self, record_id: str, *, role: str = "subject", person_key: str | None = None,
                ordinal: int = 0, name: str | None = None, id_number: str | None = None,
                birth_date: date | None = None, birth_date_precision: str | None = None,
                age: int | None = None, age_kind: str | None = None, sex: str | None = None,
                address: str | None = None) -> str:
        self._n += 1
        mention_id = f"men-{self.source_id[-4:]}-{self._n}"
        self.case.store.execute(
            """INSERT INTO mentions (mention_id, record_id, source_id, ingest_id, role, person_key,
                   ordinal, name, id_number, birth_date, birth_date_precision, age, age_kind, sex, address)
               VALUES (?, ?, ?, 'ing-1', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [mention_id, record_id, self.source_id, role, person_key or role, ordinal, name,
             id_number, birth_date, birth_date_precision or ("day" if birth_date else None),
             age, age_kind, sex, address],
        )
        return mention_id

    def event(self, record_id: str, mention_id: str, event_type: str, when: date | None,
              precision: str = "day") -> str:
        self._n += 1
        event_id = f"evt-{self._n}"
        self.case.store.execute(
            "INSERT INTO events (event_id, record_id, source_id, ingest_id, mention_id, event_type, date, date_precision) "
            "VALUES (?, ?, ?, 'ing-1', ?, ?, ?, ?)",
            [event_id, record_id, self.source_id, mention_id, event_type, when, precision],
        )
        return event_id

    def relation(self, record_id: str, relative: str, person: str, relationship: str,
                 text: str | None = None) -> str:
        self._n += 1
        relation_id = f"rel-{self._n}"
        self.case.store.execute(
            "INSERT INTO relations (relation_id, record_id, source_id, ingest_id, from_mention, to_mention, relationship, relationship_text) "
            "VALUES (?, ?, ?, 'ing-1', ?, ?, ?, ?)",
            [relation_id, record_id, self.source_id, relative, person, relationship, text or relationship],
        )
        return relation_id



"""Fixtures for the analysis tests: real cases (custody + DuckDB store) filled with a small,
hand-checked synthetic county whose counts are known exactly. Names are invented placeholders."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from karez.custody import Case
from karez.store.records import write_records


@dataclass
class CaseBuilder:
    """Insert canonical rows into a real case store, the way ingest would."""

    case: Case
    source_id: str = "src-synthetic0001"
    rows: int = 1
    counter: int = 0
    ids: dict[str, str] = field(default_factory=dict)

    def _id(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}-{self.counter:05d}"

    def record(self) -> str:
        self.rows += 1
        record_id = self._id("rec")
        write_records(self.case.store, source_id=self.source_id, ingest_id="ing-1",
                      rows=[{"record_id": record_id, "row_number": self.rows}])
        return record_id

    def person(self, key: str, record_id: str, *, role: str = "subject", name: str | None = None,
               sex: str | None = None, birth_date: str | None = None, township: str | None = None,
               village: str | None = None, age: int | None = None) -> str:
        mention_id = self._id("men")
        self.case.store.execute(
            "INSERT INTO mentions (mention_id, record_id, source_id, ingest_id, role, person_key, ordinal,"
            " name, sex, birth_date, age, township, village, provenance)"
            " VALUES (?, ?, ?, 'ing-1', ?, ?, 0, ?, ?, ?, ?, ?, ?, '{}')",
            [mention_id, record_id, self.source_id, role, role, name or f"Synthetic {key}", sex,
             birth_date, age, township, village],
        )
        self.ids[key] = mention_id
        return mention_id

    def relation(self, relative: str, subject: str, relationship: str, text: str | None = None) -> None:
        self.case.store.execute(
            "INSERT INTO relations VALUES (?, 'rec-x', ?, 'ing-1', ?, ?, ?, ?, '{}')",
            [self._id("rel"), self.source_id, self.ids[relative], self.ids[subject], relationship,
             text or relationship],
        )

    def event(self, who: str, event_type: str, date: str | None = None, *, facility: str | None = None,
              status: str | None = None, detail: str | None = None) -> None:
        self.case.store.execute(
            "INSERT INTO events VALUES (?, 'rec-x', ?, 'ing-1', ?, ?, ?, 'day', ?, ?, ?, '{}')",
            [self._id("evt"), self.source_id, self.ids[who], event_type, date, facility, status, detail],
        )

    def classification(self, who: str, scheme: str, value: str) -> None:
        self.case.store.execute(
            "INSERT INTO classifications VALUES (?, 'rec-x', ?, 'ing-1', ?, ?, ?, '{}')",
            [self._id("cls"), self.source_id, self.ids[who], scheme, value],
        )

    def reason(self, who: str, text: str, record_id: str, ordinal: int = 0) -> str:
        reason_id = self._id("rsn")
        self.case.store.execute(
            "INSERT INTO reasons VALUES (?, ?, ?, 'ing-1', ?, ?, ?, ?)",
            [reason_id, record_id, self.source_id, self.ids[who], ordinal, text,
             json.dumps({"text": {"column": "关押原因", "original": text}}, ensure_ascii=False)],
        )
        return reason_id

    def note(self, who: str, kind: str, text: str) -> None:
        self.case.store.execute(
            "INSERT INTO notes VALUES (?, 'rec-x', ?, 'ing-1', ?, ?, ?, '{}')",
            [self._id("note"), self.source_id, self.ids[who], kind, text],
        )


def build_small_county(case: Case) -> CaseBuilder:
    """Five detained persons in two townships with relatives; every count below is known.

    A (M, 1985, Town-1): reasons 超生 ; 持有护照未出境  -> family_planning, passport_travel
       relatives: father F_A (status 在教培中心学习), brother B_A (已判刑), sister S_A (在土耳其)
       household_type 不放心户; detained 2017-05-10, status 继续教育培训
    B (F, 1990, Town-1): reasons 90后不放心人员 -> birth_decade (the decade label absorbs
       "untrustworthy"); 两面人 -> untrustworthy
       spouse A (A and B are spouses: a detainee's relative who is herself detained)
       detained 2017-06-01, released 2018-01-15
    C (M, 1970, Town-2): reason 安装WhatsApp -> internet; detained 2017-08-20; sentence 2018-03-01
       relative: son C_S (在家)
    D (F, 1978, Town-2): reason 其丈夫因宗教极端被收押 -> relative_detained only
       husband D_H (被收押) ; neighbour N_D (邻居) status 在押
    E (M, 1960, Town-2): reason 不明 (no category) -> uncoded; no detention date
    """
    b = CaseBuilder(case)
    with case.store.transaction():
        ra = b.record()
        b.person("A", ra, name="Synthetic A", sex="M", birth_date="1985-03-01", township="Town-1", village="V-1")
        b.reason("A", "超生", ra, 0)
        b.reason("A", "持有护照未出境", ra, 1)
        for key, rel, status in (("F_A", "father", "在教培中心学习"), ("B_A", "brother", "已判刑"),
                                 ("S_A", "sister", "在土耳其")):
            b.person(key, ra, role="relative")
            b.relation(key, "A", rel)
            b.event(key, "status", status=status)
        b.event("A", "detention", "2017-05-10", facility="Facility-1", status="继续教育培训")
        b.classification("A", "household_type", "不放心户")

        rb = b.record()
        b.person("B", rb, name="Synthetic B", sex="F", birth_date="1990-07-01", township="Town-1", village="V-1")
        b.reason("B", "90后不放心人员", rb, 0)
        b.reason("B", "两面人", rb, 1)
        b.relation("A", "B", "spouse", "丈夫")
        b.event("B", "detention", "2017-06-01", facility="Facility-1")
        b.event("B", "release", "2018-01-15")
        b.classification("B", "household_type", "一般户")

        rc = b.record()
        b.person("C", rc, name="Synthetic C", sex="M", birth_date="1970-01-01", township="Town-2", village="V-2")
        b.reason("C", "安装WhatsApp", rc)
        b.person("C_S", rc, role="relative")
        b.relation("C_S", "C", "son")
        b.event("C_S", "status", status="在家务农")
        b.event("C", "detention", "2017-08-20", facility="Facility-2")
        b.event("C", "sentence", "2018-03-01", detail="有期徒刑五年")
        b.classification("C", "household_type", "不放心户")
        b.note("C", "evaluation", "建议继续培训")

        rd = b.record()
        b.person("D", rd, name="Synthetic D", sex="F", birth_date="1978-01-01", township="Town-2", village="V-2")
        b.reason("D", "其丈夫因宗教极端被收押", rd)
        b.person("D_H", rd, role="relative")
        b.relation("D_H", "D", "spouse", "丈夫")
        b.event("D_H", "status", "2017-04-01", status="被收押")
        b.person("N_D", rd, role="neighbour")
        b.relation("N_D", "D", "neighbour", "邻居")
        b.event("N_D", "status", status="在押")
        b.event("D", "detention", "2017-09-01", facility="Facility-2")
        b.note("D", "evaluation", "建议继续培训")

        re_ = b.record()
        b.person("E", re_, name="Synthetic E", sex="M", age=57, township="Town-2")
        b.reason("E", "不明", re_)
    return b


@pytest.fixture
def small_case(tmp_path: Path):
    case = Case.init(tmp_path / "case")
    builder = build_small_county(case)
    case.builder = builder  # type: ignore[attr-defined]
    yield case
    case.close()

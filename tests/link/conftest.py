"""Fixtures for the linkage tests: real cases (custody, DuckDB store, ingest with mappings)
built from small synthetic sources whose true persons are known by construction.

Names come from the testbed's lexicon of common Uyghur given names (no real person is
meant); ID numbers are built with a valid check digit for a real county code. Everything
written is marked SYNTHETIC.
"""

from __future__ import annotations

import csv
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from karez.custody import Case
from karez.testbed.lexicon import load_lexicon

SYNTHETIC = "SYNTHETIC karez link test data: fictional people"
VILLAGES = (("阿热勒1村", "Aral 1-kent, Qaraqash"), ("苏盖提2村", "Söget 2-kent, Qaraqash"), ("吾斯塘1村", "Östeng 1-kent"))

LIST_MAPPING = """\
karez_mapping: 1
name: synthetic internee list (link tests)
source: {format: csv, encoding: utf-8}
persons:
  - role: subject
    key: subject
    fields:
      name: {column: 姓名}
      id_number: {column: 身份证号}
      birth_date: {column: 出生日期}
      sex: {column: 性别, values: {男: M, 女: F}}
      village: {column: 村}
  - role: relative
    key: father
    fields:
      name: {column: 父亲}
relations:
  - from: father
    to: subject
    relationship: {value: father}
"""

REGISTER_MAPPING = """\
karez_mapping: 1
name: synthetic register (link tests)
source: {format: csv, encoding: utf-8}
persons:
  - role: subject
    key: subject
    fields:
      name: {column: 姓名}
      id_number: {column: 身份证号}
      birth_date: {column: 出生日期}
      sex: {column: 性别, values: {男: M, 女: F}}
"""

TESTIMONY_MAPPING = """\
karez_mapping: 1
name: synthetic testimonies (link tests)
source: {format: jsonl}
persons:
  - role: subject
    key: subject
    fields:
      name: {column: missing_person.name}
      birth_date: {column: missing_person.birth_year}
      village: {column: missing_person.home_village}
      sex: {column: missing_person.sex, values: {male: M, female: F}}
"""


def id_number(birth: str, sequence: int) -> str:
    """A resident ID number of Qaraqash county (653222) with a valid GB 11643 check digit."""
    from karez.verify import check_digit

    body = f"653222{birth.replace('-', '')}{sequence:03d}"
    return body + check_digit(body)


@dataclass
class TinyCase:
    """A linked-or-not case and its truth: `truth` maps (file, row, key) to a person."""

    path: Path
    truth: pd.DataFrame  # file, row_number, person_key, person

    def mention_map(self, case: Case) -> pd.DataFrame:
        """mention_id -> person_id, as `karez.testbed.Truth.mention_map` gives it."""
        found = case.store.df(
            """SELECT m.mention_id, s.original_name AS file, r.row_number, m.person_key
               FROM mentions m JOIN records r USING (record_id) JOIN sources s ON s.source_id = m.source_id"""
        )
        joined = found.merge(self.truth, on=["file", "row_number", "person_key"])
        return joined.rename(columns={"person": "person_id"})[["mention_id", "person_id"]]


def _write_sources(folder: Path, seed: int = 11) -> pd.DataFrame:
    """Write list.csv, register.csv, testimonies.jsonl and their mappings; return the truth."""
    lexicon = load_lexicon()
    rng = np.random.default_rng(seed)
    males = lexicon.male_ids[:60]
    n = 48
    given = rng.choice(males, n, replace=False)
    # 12 fathers, each with four children: the father is named in four list rows
    fathers = rng.choice(np.setdiff1d(males, given), 12, replace=False)
    grandfathers = rng.choice(males, 12)
    father_of = np.repeat(np.arange(12), 4)
    births = [f"{rng.integers(1950, 2000)}-{rng.integers(1, 13):02d}-{rng.integers(1, 29):02d}" for _ in range(n)]
    ids = [id_number(b, 10 + 2 * i + 1) for i, b in enumerate(births)]
    village = rng.integers(0, len(VILLAGES), n)

    def chinese(name_id: int, variant: int = 0) -> str:
        return str(lexicon.chinese[name_id, variant])

    truth = []
    list_rows = []
    for i in range(32):
        f = father_of[i]
        list_rows.append({
            "姓名": f"{chinese(given[i])}·{chinese(fathers[f])}",
            "身份证号": ids[i],
            "出生日期": births[i],
            "性别": "男",
            "村": VILLAGES[village[i]][0],
            "父亲": f"{chinese(fathers[f])}·{chinese(grandfathers[f])}",
            "数据说明": SYNTHETIC,
        })
        truth.append(("list.csv", i + 2, "subject", f"p{i}"))
        truth.append(("list.csv", i + 2, "father", f"f{f}"))
    register_rows = []
    for row, i in enumerate(range(16, n)):
        f = father_of[i]
        written_id = ids[i]
        if i % 7 == 0:  # a clerk's slip: one digit off
            digit = (int(written_id[10]) + 1) % 10
            written_id = written_id[:10] + str(digit) + written_id[11:]
        register_rows.append({
            "姓名": f"{chinese(given[i], 1)}·{chinese(fathers[f], 1)}",
            "身份证号": written_id,
            "出生日期": births[i],
            "性别": "男",
            "数据说明": SYNTHETIC,
        })
        truth.append(("register.csv", row + 2, "subject", f"p{i}"))
    testimonies = []
    for line, i in enumerate(range(0, 32, 4)):
        f = father_of[i]
        year = int(births[i][:4]) + (1 if line % 3 == 0 else 0)
        testimonies.append({
            "_synthetic": SYNTHETIC,
            "missing_person": {
                "name": f"{lexicon.english[given[i]]} {lexicon.english[fathers[f]]}",
                "birth_year": str(year),
                "home_village": VILLAGES[village[i]][1],
                "sex": "male",
            },
        })
        truth.append(("testimonies.jsonl", line + 1, "subject", f"p{i}"))
    for name, rows in (("list.csv", list_rows), ("register.csv", register_rows)):
        with (folder / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    (folder / "testimonies.jsonl").write_text(
        "".join(json.dumps(t, ensure_ascii=False) + "\n" for t in testimonies), "utf-8"
    )
    (folder / "list.mapping.yaml").write_text(LIST_MAPPING, "utf-8")
    (folder / "register.mapping.yaml").write_text(REGISTER_MAPPING, "utf-8")
    (folder / "testimonies.mapping.yaml").write_text(TESTIMONY_MAPPING, "utf-8")
    return pd.DataFrame(truth, columns=["file", "row_number", "person_key", "person"])


@pytest.fixture(scope="session")
def tiny_case_template(tmp_path_factory) -> TinyCase:
    """A case with three ingested synthetic sources (not linked), built once per session."""
    folder = tmp_path_factory.mktemp("link-sources")
    truth = _write_sources(folder)
    path = folder / "case"
    with Case.init(path) as case:
        for name in ("list", "register", "testimonies"):
            file = folder / (f"{name}.csv" if name != "testimonies" else "testimonies.jsonl")
            source = case.add(file, note=SYNTHETIC)
            case.ingest(source.source_id, folder / f"{name}.mapping.yaml")
    return TinyCase(path, truth)


@pytest.fixture
def tiny_case(tiny_case_template: TinyCase, tmp_path: Path) -> TinyCase:
    """A fresh copy of the tiny case for a test that changes it."""
    path = tmp_path / "case"
    shutil.copytree(tiny_case_template.path, path)
    return TinyCase(path, tiny_case_template.truth)


@pytest.fixture(scope="session")
def linked_tiny_template(tiny_case_template: TinyCase, tmp_path_factory) -> TinyCase:
    """The tiny case linked once (default engine) per session."""
    from karez.link import link

    path = tmp_path_factory.mktemp("linked") / "case"
    shutil.copytree(tiny_case_template.path, path)
    with Case.open(path) as case:
        link(case)
    return TinyCase(path, tiny_case_template.truth)


@pytest.fixture
def linked_tiny(linked_tiny_template: TinyCase, tmp_path: Path) -> TinyCase:
    """A fresh copy of the linked tiny case."""
    path = tmp_path / "linked"
    shutil.copytree(linked_tiny_template.path, path)
    return TinyCase(path, linked_tiny_template.truth)


ENGINES = ["duckdb"]  # a Spark engine would be added here and run the same tests


@pytest.fixture(params=ENGINES)
def engine_name(request) -> str:
    return request.param

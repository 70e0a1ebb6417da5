"""Fixtures for the foundation: a fresh case and a small Karakax-style list with its mapping."""

from __future__ import annotations

from pathlib import Path

import pytest

from karez import Case

LIST_CSV = """序号,姓名,身份证号,性别,出生日期,年龄,家庭成员,户类型,关押原因,收押时间,评价
1,阿卜杜拉·吐尔逊,653222198001010011,男,1980年1月,38,父亲：吐尔逊·买买提（1950）在押；妻子：古丽·艾买提,一般户,超生；思想难掌握,2017年5月,继续培训
2,麦麦提.艾力,653222199002030021,男,1990-02-03,,不明文字,放心户,境外有亲属,2017-06-01,
3,阿依古丽·艾力,653222199203040042,女,19920304,27,,一般户,,2018年,
"""

LIST_MAPPING = """karez_mapping: 1
name: synthetic test list
persons:
  - role: subject
    fields:
      name: {column: 姓名}
      id_number: {column: 身份证号}
      sex: {column: 性别}
      birth_date: {column: 出生日期}
      age: {column: 年龄, kind: nominal}
  - role: relative
    key: family
    from_cell:
      column: 家庭成员
      split: "[；;]"
      pattern: "(?P<relationship>[^：:]+)[：:](?P<name>[^（(，,]+?)(?:[（(](?P<birth_date>[^）)]*)[）)])?(?P<status>在押|判刑)?$"
    relation_to: subject
classifications:
  - {scheme: household_type, person: subject, value: {column: 户类型}}
reasons:
  - {person: subject, text: {column: 关押原因}, split: "[；;]"}
events:
  - {type: detention, person: subject, date: {column: 收押时间}}
notes:
  - {person: subject, kind: evaluation, text: {column: 评价}}
"""


@pytest.fixture
def case(tmp_path: Path) -> Case:
    opened = Case.init(tmp_path / "case")
    yield opened
    opened.close()


@pytest.fixture
def list_files(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "list.csv"
    data.write_text(LIST_CSV, encoding="utf-8")
    mapping = tmp_path / "list.mapping.yaml"
    mapping.write_text(LIST_MAPPING, encoding="utf-8")
    return data, mapping


def snapshot(case: Case) -> dict:
    """What a failed operation must leave exactly as it was."""
    counts = {t: case.store.count(t) for t in ("sources", "ingests", "records", "mentions", "relations", "events",
                                               "classifications", "reasons", "notes")}
    entries = [e.hash for e in case.ledger.entries()]
    return {"counts": counts, "ledger": entries, "vault": sorted(n for n, _ in case.vault.files())}

"""The other leaks: a police-file-style status sheet (XLSX) and testimonies of relatives
abroad (JSON lines), with their mappings. The register is in `register.py`."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from karez.testbed.detention import FACILITIES, FACILITIES_LATIN
from karez.testbed.faults import (
    blank_cells,
    concat_logs,
    duplicate_rows,
    write_chinese_names,
    write_id_numbers,
)
from karez.testbed.files import SheetData, write_xlsx
from karez.testbed.leakbase import Context, LeakOutput, locate
from karez.testbed.population import Children

POLICE = "police_status.xlsx"
POLICE_SHEET = "在押人员"
TESTIMONIES = "testimonies.jsonl"

POLICE_MAPPING = """\
karez_mapping: 1
name: police-file-style status sheet (karez testbed, SYNTHETIC)
description: detention status, facility and sentence of each detained person
source:
  format: xlsx
  sheet: 在押人员
  header_row: 1
persons:
  - role: subject
    key: subject
    fields:
      name: {column: 姓名}
      id_number: {column: 身份证号}
      sex: {column: 性别, values: {男: M, 女: F}}
      age: {column: 年龄, kind: full}
      township: {column: 乡镇}
      village: {column: 村}
events:
  - type: detention
    person: subject
    date: {column: 收押时间}
    facility: {column: 所在场所}
    status: {column: 目前状态}
    detail: {column: 刑期}
"""

TESTIMONY_MAPPING = """\
karez_mapping: 1
name: testimonies of relatives abroad (karez testbed, SYNTHETIC)
description: one JSON object per line; Latin-script names as the witness wrote them
source:
  format: jsonl
persons:
  - role: witness
    key: witness
    fields:
      name: {column: witness.name}
      address: {column: witness.country}
  - role: subject
    key: subject
    fields:
      name: {column: missing_person.name}
      birth_date: {column: missing_person.birth_year}
      village: {column: missing_person.home_village}
      sex: {column: missing_person.sex, values: {male: M, female: F}}
relations:
  - from: witness
    to: subject
    relationship: {column: witness.relationship}
events:
  - type: detention
    person: subject
    date: {column: missing_person.taken}
    facility: {column: missing_person.where}
    status: {column: missing_person.last_contact}
"""


def render_police(ctx: Context, out_dir: Path, on_karakax: set[str]) -> tuple[LeakOutput, set[str]]:
    """The status sheet of early 2019: detained people of the whole county, more likely listed
    when also on the Karakax-style list (list dependence) and when more visible."""
    rng, lex, rates = ctx.rng, ctx.lexicon, ctx.rates
    persons = ctx.population.persons
    det = ctx.detention.detainees
    dependence = det["person_id"].isin(on_karakax).to_numpy()
    chance = 1 / (1 + np.exp(-(0.1 + 0.8 * det["visibility"].to_numpy() + 0.8 * dependence)))
    chosen = det[rng.random(len(det)) < chance].reset_index(drop=True)
    order = duplicate_rows(rng, len(chosen), rates)
    rows = chosen.iloc[order].reset_index(drop=True)
    n = len(rows)
    p = persons.iloc[rows["person_index"].to_numpy()]
    names, name_log = write_chinese_names(rng, lex, p["given_name_id"].to_numpy(), p["father_name_id"].to_numpy(),
                                          p["given_variant"].to_numpy(), p["father_variant"].to_numpy(), rates)
    ids, id_log = write_id_numbers(rng, p["id_number"].to_numpy(dtype=object), persons["id_number"].to_numpy(dtype=object), rates)
    ids, blank_log = blank_cells(rng, ids, "id_number", rates)
    villages = ctx.population.villages
    village = p["village"].to_numpy()
    taken = rows["detained_on"].to_numpy().astype("datetime64[D]").astype(object)
    month_only = rng.random(n) < 0.3
    dates = [f"{d.year}年{d.month}月" if m else f"{d.year}-{d.month:02d}-{d.day:02d}" for d, m in zip(taken, month_only, strict=True)]
    status = np.where(rows["sentenced"], "已判刑", np.where(rows["released"], "已释放", "在押"))
    ages = 2019 - p["birth_date"].dt.year.to_numpy()
    sentence = np.where(rows["sentenced"].to_numpy(),
                        np.char.add(np.char.add("有期徒刑", rows["sentence_years"].to_numpy().astype(str)), "年"), "")
    columns = [
        range(1, n + 1), names, ids, np.where(p["sex"].to_numpy() == "M", "男", "女"), ages,
        villages["township_zh"].to_numpy()[village], villages["village_zh"].to_numpy()[village],
        status, rows["facility"].to_numpy(), dates, sentence,
    ]
    header = ["序号", "姓名", "身份证号", "性别", "年龄", "乡镇", "村", "目前状态", "所在场所", "收押时间", "刑期"]
    write_xlsx(out_dir / POLICE, [SheetData(POLICE_SHEET, header, [np.asarray(c, dtype=object).tolist() for c in columns])],
               ctx.note)
    (out_dir / "police_status.mapping.yaml").write_text(POLICE_MAPPING, encoding="utf-8")
    row_number = np.arange(n, dtype=np.int64) + 2
    seen = pd.Series(order).duplicated().to_numpy()
    logs = [locate(log, None, POLICE, sheet=POLICE_SHEET, page=None, row_number=row_number, person_key="subject")
            for log in (name_log, id_log, blank_log)]
    logs.append(pd.DataFrame({"file": POLICE, "sheet": POLICE_SHEET, "page": None, "row_number": row_number[seen],
                              "person_key": "subject", "ordinal": 0, "fault_type": "duplicate_row",
                              "field": "", "true_value": "", "written_value": ""}))
    mentions = pd.DataFrame({"file": POLICE, "sheet": POLICE_SHEET, "page": None, "row_number": row_number,
                             "person_key": "subject", "ordinal": 0, "person_id": p["person_id"].to_numpy()})
    output = LeakOutput(files=[POLICE], mentions=[mentions], faults=[concat_logs(logs)], rows={POLICE: n})
    return output, set(chosen["person_id"])


# A witness is the subject's <word>: by the subject's place in the witness's family and the
# witness's sex (True = male).
WITNESS_IS = {
    "parent": {True: "son", False: "daughter"},
    "sibling": {True: "brother", False: "sister"},
    "spouse": {True: "husband", False: "wife"},
    "child": {True: "father", False: "mother"},
}
WITNESS_SPEAKS = 0.75  # share of relatives abroad who testify at all (fear keeps the others silent)


def render_testimonies(ctx: Context, out_dir: Path) -> tuple[LeakOutput, set[str]]:
    """Relatives abroad tell of detained family members, in Latin script as they spell it.

    A relative abroad testifies at all with chance WITNESS_SPEAKS, and then about each detained
    parent, sibling, spouse or child with a chance that grows with the subject's visibility
    (the heterogeneity every list shares). Two siblings abroad may both report their father:
    one person, several testimonies, as in the real collections."""
    rng, lex = ctx.rng, ctx.lexicon
    persons = ctx.population.persons
    villages = ctx.population.villages
    det = ctx.detention.detainees
    children = Children(persons)
    father, mother = persons["father_index"].to_numpy(), persons["mother_index"].to_numpy()
    spouse = persons["spouse_index"].to_numpy()
    abroad = persons["abroad"].to_numpy()
    male = persons["sex"].to_numpy() == "M"
    given = persons["given_name_id"].to_numpy()
    father_name = persons["father_name_id"].to_numpy()
    birth_year = persons["birth_date"].dt.year.to_numpy()
    village = persons["village"].to_numpy()
    village_uly = villages["village_uly"].to_numpy()
    country = persons["abroad_country"].to_numpy()
    person_id = persons["person_id"].to_numpy()
    detained_at = np.full(len(persons), -1)
    detained_at[det["person_index"].to_numpy()] = np.arange(len(det))
    visibility = det["visibility"].to_numpy()
    taken = det["detained_on"].to_numpy().astype("datetime64[D]").astype(object)
    where = det["first_facility"].to_numpy()
    lines, witness_ids, subject_ids = [], [], []
    for witness in np.flatnonzero(abroad):
        if rng.random() >= WITNESS_SPEAKS:
            continue
        kin: list[tuple[int, str]] = []
        for parent in (father[witness], mother[witness]):
            if parent >= 0:
                kin.append((int(parent), "parent"))
        if father[witness] >= 0:
            kin.extend((s, "sibling") for s in children.get(int(father[witness]), []) if s != witness)
        if spouse[witness] >= 0 and not abroad[spouse[witness]]:
            kin.append((int(spouse[witness]), "spouse"))
        kin.extend((c, "child") for c in children.get(int(witness), []))
        for person, place in kin:
            d = detained_at[person]
            if d < 0 or rng.random() >= 1 / (1 + np.exp(-(0.8 + 0.5 * visibility[d]))):
                continue
            spelling = lex.english if rng.random() < 0.6 else lex.turkish
            day = taken[d]
            year = birth_year[person] + int(rng.integers(-2, 3))  # remembered roughly
            record = {
                "_synthetic": ctx.note,
                "testimony_id": f"T{len(lines) + 1:05d}",
                "witness": {"name": f"{spelling[given[witness]]} {spelling[father_name[witness]]}",
                            "country": country[witness], "relationship": WITNESS_IS[place][bool(male[witness])]},
                "missing_person": {
                    "name": f"{spelling[given[person]]} {spelling[father_name[person]]}",
                    "sex": "male" if male[person] else "female",
                    "birth_year": str(year),
                    "home_village": f"{village_uly[village[person]]}, Qaraqash",
                    "taken": f"{day.year}-{day.month:02d}" if rng.random() < 0.7 else str(day.year),
                    "where": FACILITIES_LATIN[where[d]] if rng.random() < 0.5 else "unknown",
                    "last_contact": f"{max(day.year - 1, 2016)}",
                },
            }
            lines.append(json.dumps(record, ensure_ascii=False, sort_keys=True))
            witness_ids.append(person_id[witness])
            subject_ids.append(person_id[person])
    (out_dir / TESTIMONIES).write_text("\n".join(lines) + ("\n" if lines else ""), encoding="utf-8")
    (out_dir / "testimonies.mapping.yaml").write_text(TESTIMONY_MAPPING, encoding="utf-8")
    rows = np.arange(1, len(lines) + 1, dtype=np.int64)
    mentions = [
        pd.DataFrame({"file": TESTIMONIES, "sheet": None, "page": None, "row_number": rows,
                      "person_key": "witness", "ordinal": 0, "person_id": pd.Series(witness_ids, dtype=object)}),
        pd.DataFrame({"file": TESTIMONIES, "sheet": None, "page": None, "row_number": rows,
                      "person_key": "subject", "ordinal": 0, "person_id": pd.Series(subject_ids, dtype=object)}),
    ]
    return LeakOutput(files=[TESTIMONIES], mentions=mentions, rows={TESTIMONIES: len(lines)}), set(subject_ids)


__all__ = ["render_police", "render_testimonies", "FACILITIES"]

"""The surveillance-style register (like the 2.5-million-row SenseNets leak): every registered
adult of the county plus adults of other Hotan counties, shuffled, with duplicate rows and
faults, as GB18030 CSV with its mapping.

Rows are made and written in chunks of fixed size: the names, IDs, dates and addresses of
one chunk at a time, so the large scale's 2.5 million rows never exist as Python strings all
at once (that is what kept peak memory near 5 GB). The chunk size is a constant, so a seed
gives the same bytes on every machine.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from karez.testbed.faults import (
    blank_cells,
    concat_logs,
    duplicate_rows,
    write_birth_dates,
    write_chinese_names,
    write_id_numbers,
)
from karez.testbed.leakbase import Context, LeakOutput, locate

REGISTER = "register.csv"
CHUNK = 250_000  # rows made and written at a time; part of what a seed means: do not vary
COUNTY_NAMES = {653201: "和田市", 653221: "和田县", 653223: "皮山县", 653224: "洛浦县",
                653225: "策勒县", 653226: "于田县", 653227: "民丰县", 659009: "昆玉市"}
EMPLOYERS = np.array(["务农", "个体", "无", "村委会", "墨玉县建筑公司", "和田地区运输公司", "学生"], dtype=object)
PHONE_PREFIXES = np.array([139, 150, 151, 158, 180, 183, 189, 199])

REGISTER_MAPPING = """\
karez_mapping: 1
name: surveillance-style register (karez testbed, SYNTHETIC)
description: one row per registered person; GB18030 CSV; column 数据说明 marks it synthetic
source:
  format: csv
  encoding: gb18030
  delimiter: ","
persons:
  - role: subject
    key: subject
    fields:
      name: {column: 姓名}
      id_number: {column: 身份证号}
      birth_date: {column: 出生日期}
      sex: {column: 性别, values: {男: M, 女: F}}
      ethnicity: {column: 民族}
      address: {column: 住址}
      employer: {column: 工作单位}
      phone: {column: 电话}
"""


def _gather(frames: list[tuple[pd.DataFrame, np.ndarray | None]], take: np.ndarray) -> dict[str, object]:
    """The register's columns for rows `take` of the frames stacked (each frame's rows
    selected by its index array, None for all), as compact arrays."""
    out: dict[str, object] = {}
    for column in ("given_name_id", "father_name_id", "given_variant", "father_variant", "birth_date",
                   "household_index"):
        out[column] = np.concatenate([f[column].to_numpy() if i is None else f[column].to_numpy()[i]
                                      for f, i in frames])[take]
    out["male"] = np.concatenate([(f["sex"].to_numpy() == "M") if i is None else (f["sex"].to_numpy() == "M")[i]
                                  for f, i in frames])[take]
    out["region"] = np.concatenate([f["region_code"].astype("int64").to_numpy() if i is None
                                    else f["region_code"].astype("int64").to_numpy()[i] for f, i in frames])[take]
    # Strings stay in arrow (compact) until a chunk needs them as Python objects.
    for column in ("id_number", "person_id"):
        arrays = [pa.array(f[column].to_numpy(dtype=object) if i is None else f[column].to_numpy(dtype=object)[i],
                           pa.string()) for f, i in frames]
        out[column] = pa.concat_arrays(arrays).take(pa.array(take))
    return out


def render_register(ctx: Context, out_dir: Path, target_rows: int, outside: pd.DataFrame) -> LeakOutput:
    """Every registered adult of the county (95 % of those 16 and over at home) plus adults of
    other counties, shuffled, with duplicates and faults; GB18030 CSV written chunk by chunk."""
    rng, rates = ctx.rng, ctx.rates
    persons = ctx.population.persons
    age = 2017 - persons["birth_date"].dt.year.to_numpy()
    local = np.flatnonzero((age >= 16) & persons["alive"].to_numpy() & ~persons["abroad"].to_numpy())
    local = local[rng.random(len(local)) < 0.95]
    n_people = len(local) + len(outside)
    shuffled = rng.permutation(n_people)
    order = duplicate_rows(rng, n_people, rates)
    rows = _gather([(persons, local), (outside, None)], shuffled[order])
    n = len(order)
    # Somebody else's ID is drawn from everyone in the register.
    pool = rows["id_number"].to_numpy(zero_copy_only=False)
    address_book = ctx.population.households["address_zh"].to_numpy(dtype=object)
    logs: list[pd.DataFrame] = []
    with open(out_dir / REGISTER, "wb") as handle:
        for start in range(0, n, CHUNK):
            stop = min(start + CHUNK, n)
            table, chunk_logs = _chunk(ctx, rows, start, stop, pool, address_book)
            buffer = io.BytesIO()
            options = pacsv.WriteOptions(include_header=start == 0, quoting_style="needed")
            pacsv.write_csv(table, buffer, write_options=options)
            handle.write(buffer.getvalue().decode("utf-8").encode("gb18030"))
            logs.extend(chunk_logs)
    del pool
    (out_dir / "register.mapping.yaml").write_text(REGISTER_MAPPING, encoding="utf-8")

    row_number = np.arange(n, dtype=np.int64) + 2
    seen = pd.Series(order).duplicated().to_numpy()
    logs.append(pd.DataFrame({"file": REGISTER, "sheet": None, "page": None, "row_number": row_number[seen],
                              "person_key": "subject", "ordinal": 0, "fault_type": "duplicate_row",
                              "field": "", "true_value": "", "written_value": ""}))
    mentions = pd.DataFrame({"file": REGISTER, "sheet": None, "page": None, "row_number": row_number,
                             "person_key": "subject", "ordinal": 0,
                             "person_id": pd.Series(rows["person_id"], dtype="str")})
    return LeakOutput(files=[REGISTER], mentions=[mentions], faults=[concat_logs(logs)], rows={REGISTER: n})


def _chunk(ctx: Context, rows: dict, start: int, stop: int, pool: np.ndarray,
           address_book: np.ndarray) -> tuple[pa.Table, list[pd.DataFrame]]:
    """Rows start..stop of the register as written, and their fault logs (with locators)."""
    rng, lex, rates = ctx.rng, ctx.lexicon, ctx.rates
    part = slice(start, stop)
    n = stop - start
    names, name_log = write_chinese_names(rng, lex, rows["given_name_id"][part], rows["father_name_id"][part],
                                          rows["given_variant"][part], rows["father_variant"][part], rates)
    true_ids = pool[part]
    ids, id_log = write_id_numbers(rng, true_ids, pool, rates)
    births, birth_log = write_birth_dates(rng, rows["birth_date"][part].astype("datetime64[D]"), rates)
    hh = rows["household_index"][part]
    address = np.where(hh >= 0, address_book[np.maximum(hh, 0)], "").astype(object)
    outside = np.flatnonzero(hh < 0)
    county = pd.Series(rows["region"][part][outside]).map(COUNTY_NAMES).fillna("和田县")
    village_no = rng.integers(1, 40, size=n).astype(str)
    door_no = rng.integers(1, 300, size=n).astype(str)
    address[outside] = (county + village_no[outside] + "村" + door_no[outside] + "号").to_numpy(dtype=object)
    address, address_log = blank_cells(rng, address, "address", rates)
    employer = EMPLOYERS[rng.integers(0, len(EMPLOYERS), size=n)]
    employer, employer_log = blank_cells(rng, employer, "employer", rates)
    phone = (PHONE_PREFIXES[rng.integers(0, len(PHONE_PREFIXES), size=n)] * 10**8
             + rng.integers(0, 10**8, size=n)).astype(str).astype(object)
    phone, phone_log = blank_cells(rng, phone, "phone", rates)
    table = pa.table({
        "姓名": pa.array(names, pa.string()),
        "身份证号": pa.array(ids, pa.string()),
        "出生日期": pa.array(np.datetime_as_string(births, unit="D"), pa.string()),
        "性别": pa.array(np.where(rows["male"][part], "男", "女"), pa.string()),
        "民族": pa.array(np.full(n, "维吾尔族", dtype=object), pa.string()),
        "住址": pa.array(address, pa.string()),
        "工作单位": pa.array(employer, pa.string()),
        "电话": pa.array(phone, pa.string()),
        "数据说明": pa.array(np.full(n, ctx.note, dtype=object), pa.string()),
    })
    row_number = np.arange(start, stop, dtype=np.int64) + 2
    logs = [locate(log, None, REGISTER, sheet=None, page=None, row_number=row_number, person_key="subject")
            for log in (name_log, id_log, birth_log, address_log, employer_log, phone_log)]
    return table, logs


__all__ = ["render_register", "REGISTER", "REGISTER_MAPPING"]

"""The Karakax-style internee list: one row per internee, relatives described inside cells,
the state's household labels, stated reasons, evaluations. Written as XLSX and rendered as a
multi-page PDF of the same table (repeated header, SYNTHETIC footer)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from karez.testbed.detention import FACILITIES, phrase
from karez.testbed.faults import (
    blank_cells,
    concat_logs,
    duplicate_rows,
    ocr_confuse,
    write_chinese_names,
    write_id_numbers,
)
from karez.testbed.files import SheetData, write_xlsx
from karez.testbed.leakbase import Context, LeakOutput, locate
from karez.testbed.population import Children

XLSX = "karakax_list.xlsx"
PDF = "karakax_list.pdf"
SHEET = "名单"
HEADERS = ("序号", "姓名", "性别", "身份证号", "年龄", "乡镇", "村", "户类型", "是否放心户",
           "家庭成员", "关押原因", "收押时间", "所在场所", "目前状态", "评价意见", "审核意见")
LIST_DATE_YEAR = 2018
RELATIONSHIPS = {"父亲": "father", "母亲": "mother", "妻子": "spouse", "丈夫": "spouse",
                 "儿子": "son", "女儿": "daughter", "哥哥": "brother", "弟弟": "brother",
                 "姐姐": "sister", "妹妹": "sister"}
MAX_RELATIVES = 8

MAPPING = """\
karez_mapping: 1
name: karakax-style internee list (karez testbed, SYNTHETIC)
description: one row per internee; relatives inside the 家庭成员 cell; reasons split on ；
source:
  format: {format}{sheet}
persons:
  - role: subject
    key: subject
    fields:
      name: {{column: 姓名}}
      sex: {{column: 性别, values: {{男: M, 女: F}}}}
      id_number: {{column: 身份证号}}
      age: {{column: 年龄, kind: nominal}}
      township: {{column: 乡镇}}
      village: {{column: 村}}
  - role: relative
    key: family
    from_cell:
      column: 家庭成员
      split: "[；;\\\\n]+"
      pattern: "(?P<relationship>[^：:]+)[：:](?P<name>[^，,（(]+)(?:[（(](?P<id_number>[^）)]*)[）)])?[，,]?(?P<status>.*)"
    relation_to: subject
    relationship_values: {{{relationships}}}
events:
  - type: detention
    person: subject
    date: {{column: 收押时间}}
    facility: {{column: 所在场所}}
    status: {{column: 目前状态}}
classifications:
  - scheme: household_type
    person: subject
    value: {{column: 户类型}}
  - scheme: trustworthiness
    person: subject
    value: {{column: 是否放心户}}
reasons:
  - person: subject
    text: {{column: 关押原因}}
    split: "[；;]\\\\s*"
notes:
  - person: subject
    kind: evaluation
    text: {{column: 评价意见}}
  - person: subject
    kind: decision
    text: {{column: 审核意见}}
"""


def mapping_text(fmt: str) -> str:
    """The mapping YAML for the XLSX (`fmt="xlsx"`) or PDF rendering."""
    sheet = f"\n  sheet: {SHEET}\n  header_row: 1" if fmt == "xlsx" else ""
    relationships = ", ".join(f"{k}: {v}" for k, v in RELATIONSHIPS.items())
    return MAPPING.format(format=fmt, sheet=sheet, relationships=relationships)


def _relatives(family: dict[str, np.ndarray], subject: int, children: Children) -> list[tuple[str, int]]:
    """(relationship word, person index) of a subject's parents, spouse, children, siblings.
    `family` holds the population's father/mother/spouse index, male and birth arrays."""
    father, mother, spouse = family["father"], family["mother"], family["spouse"]
    male, birth = family["male"], family["birth"]
    out: list[tuple[str, int]] = []
    if father[subject] >= 0:
        out.append(("父亲", int(father[subject])))
    if mother[subject] >= 0:
        out.append(("母亲", int(mother[subject])))
    if spouse[subject] >= 0:
        out.append(("妻子" if male[subject] else "丈夫", int(spouse[subject])))
    for child in children.get(subject, []):
        out.append(("儿子" if male[child] else "女儿", int(child)))
    if father[subject] >= 0:
        for sibling in children.get(int(father[subject]), []):
            if sibling == subject:
                continue
            older = birth[sibling] < birth[subject]
            word = ("哥哥" if older else "弟弟") if male[sibling] else ("姐姐" if older else "妹妹")
            out.append((word, int(sibling)))
    return out[:MAX_RELATIVES]


LIST_INTERCEPT = 1.1  # logistic intercept of being on the list, in a covered village
LIST_INTERCEPT_MAX = 2.5  # how far a small county may raise it to reach the list's size


def _list_intercept(visibility: np.ndarray, target_rows: float) -> float:
    """The intercept at which the expected number listed among `visibility` is the target
    (never below LIST_INTERCEPT, never above LIST_INTERCEPT_MAX): bisection."""
    def expected(a: float) -> float:
        return float((1 / (1 + np.exp(-(a + 0.8 * visibility)))).sum())

    low, high = LIST_INTERCEPT, LIST_INTERCEPT_MAX
    if expected(low) >= target_rows:
        return low
    if expected(high) <= target_rows:
        return high
    for _ in range(40):
        middle = (low + high) / 2
        low, high = (middle, high) if expected(middle) < target_rows else (low, middle)
    return (low + high) / 2


def select_internees(ctx: Context, target_rows: int) -> pd.DataFrame:
    """Internees of the villages the list covers, each on it with a chance that grows with
    their visibility (heterogeneity shared with the other lists). Villages are covered until
    the expected size meets the target; when even the whole county falls short (the small
    scale), the chance is raised, within bounds, to approach it."""
    det = ctx.detention.detainees
    village = ctx.population.persons["village"].to_numpy()[det["person_index"].to_numpy()]
    visibility = det["visibility"].to_numpy()
    # Duplicated rows add about duplicate_row of the list; aim at the rest.
    target = target_rows / (1 + ctx.rates.duplicate_row)
    intercept = _list_intercept(visibility, target)
    chance = 1 / (1 + np.exp(-(intercept + 0.8 * visibility)))
    per_village = pd.Series(chance).groupby(village).sum()
    order = ctx.rng.permutation(per_village.index.to_numpy())
    covered = order[: int(np.searchsorted(np.cumsum(per_village[order].to_numpy()), target)) + 1]
    on_list = np.isin(village, covered) & (ctx.rng.random(len(det)) < chance)
    chosen = det[on_list].copy()
    chosen["village"] = village[on_list]
    return chosen.sort_values(["village", "person_id"], kind="stable").reset_index(drop=True)


def render(ctx: Context, out_dir, target_rows: int) -> tuple[LeakOutput, pd.DataFrame]:
    """Write the XLSX, the PDF and their mappings; return ground truth and the internees."""
    rng, lex, rates = ctx.rng, ctx.lexicon, ctx.rates
    persons = ctx.population.persons
    internees = select_internees(ctx, target_rows)
    order = duplicate_rows(rng, len(internees), rates)
    rows = internees.iloc[order].reset_index(drop=True)
    n = len(rows)
    is_duplicate = np.zeros(n, dtype=bool)
    seen: set[int] = set()
    for i, source_row in enumerate(order):
        is_duplicate[i] = source_row in seen
        seen.add(int(source_row))
    subject = rows["person_index"].to_numpy()
    p = persons.iloc[subject]
    names, name_log = write_chinese_names(rng, lex, p["given_name_id"].to_numpy(), p["father_name_id"].to_numpy(),
                                          p["given_variant"].to_numpy(), p["father_variant"].to_numpy(), rates)
    ids, id_log = write_id_numbers(rng, p["id_number"].to_numpy(dtype=object), persons["id_number"].to_numpy(dtype=object), rates)
    ids, blank_id_log = blank_cells(rng, ids, "id_number", rates)
    ages = (LIST_DATE_YEAR - p["birth_date"].dt.year.to_numpy() + 1).astype(str)
    ages, blank_age_log = blank_cells(rng, ages, "age", rates)

    # Relatives inside the cell.
    rel_rows, rel_ord, rel_word, rel_person = [], [], [], []
    children = Children(persons)
    family = {"father": persons["father_index"].to_numpy(), "mother": persons["mother_index"].to_numpy(),
              "spouse": persons["spouse_index"].to_numpy(), "male": persons["sex"].to_numpy() == "M",
              "birth": persons["birth_date"].to_numpy()}
    for row, person in enumerate(subject):
        for ordinal, (word, relative) in enumerate(_relatives(family, int(person), children)):
            rel_rows.append(row)
            rel_ord.append(ordinal)
            rel_word.append(word)
            rel_person.append(relative)
    rel_rows_a = np.array(rel_rows, dtype=np.int64)
    rel_person_a = np.array(rel_person, dtype=np.int64)
    rp = persons.iloc[rel_person_a]
    rel_names, rel_name_log = write_chinese_names(rng, lex, rp["given_name_id"].to_numpy(), rp["father_name_id"].to_numpy(),
                                                  rp["given_variant"].to_numpy(), rp["father_variant"].to_numpy(), rates)
    rel_ids, rel_id_log = write_id_numbers(rng, rp["id_number"].to_numpy(dtype=object), persons["id_number"].to_numpy(dtype=object), rates)
    rel_ids, rel_blank_log = blank_cells(rng, rel_ids, "id_number", rates)
    det = ctx.detention.detainees.set_index("person_index")
    status_of = det["status_2018"].to_dict()
    age_2018 = LIST_DATE_YEAR - persons["birth_date"].dt.year.to_numpy()
    entries: list[list[str]] = [[] for _ in range(n)]
    alive, abroad = persons["alive"].to_numpy(), persons["abroad"].to_numpy()
    for k, (row, word, relative) in enumerate(zip(rel_rows, rel_word, rel_person, strict=True)):
        if not alive[relative]:
            status = "已故"
        elif abroad[relative]:
            status = "在国外"
        elif relative in status_of:
            status = status_of[relative]
        else:
            status = "学生" if age_2018[relative] < 18 else ("务农" if rng.random() < 0.5 else "在家")
        id_part = f"（{rel_ids[k]}）" if rel_ids[k] else ""
        entries[row].append(f"{word}：{rel_names[k]}{id_part}，{status}")

    # Reasons, each in one official's wording.
    reason_rows = []
    reason_cells = []
    male = p["sex"].to_numpy() == "M"
    for row, items in enumerate(rows["reasons"]):
        texts = []
        for ordinal, (category, args) in enumerate(items):
            text = phrase(rng, category, args, bool(male[row]))
            texts.append(text)
            reason_rows.append((row, ordinal, category, text))
        reason_cells.append("；".join(texts))

    taken = rows["detained_on"].to_numpy().astype("datetime64[D]")
    style = rng.random(n)
    dates = []
    for i, day in enumerate(taken.astype(object)):
        if style[i] < 0.25:
            dates.append(f"{day.year}年{day.month}月")  # only the month, as some officials wrote
        elif style[i] < 0.85:
            dates.append(f"{day.year}年{day.month}月{day.day}日")
        else:
            dates.append(f"{day.year}/{day.month}/{day.day}")
    villages = ctx.population.villages
    table = pd.DataFrame({
        "序号": np.arange(1, n + 1).astype(str),
        "姓名": names,
        "性别": np.where(male, "男", "女"),
        "身份证号": ids,
        "年龄": ages,
        "乡镇": villages["township_zh"].to_numpy()[rows["village"].to_numpy()],
        "村": villages["village_zh"].to_numpy()[rows["village"].to_numpy()],
        "户类型": ctx.detention.households["household_type"].to_numpy()[p["household_index"].to_numpy()],
        "是否放心户": ctx.detention.households["trust"].to_numpy()[p["household_index"].to_numpy()],
        "家庭成员": ["；".join(e) for e in entries],
        "关押原因": reason_cells,
        "收押时间": dates,
        "所在场所": rows["facility"].to_numpy(),
        "目前状态": rows["status_2018"].to_numpy(),
        "评价意见": rows["evaluation"].to_numpy(),
        "审核意见": rows["decision"].to_numpy(),
    })

    row_number = np.arange(n) + 2
    xlsx_faults = [
        locate(name_log, None, XLSX, sheet=SHEET, page=None, row_number=row_number, person_key="subject"),
        locate(id_log, None, XLSX, sheet=SHEET, page=None, row_number=row_number, person_key="subject"),
        locate(blank_id_log, None, XLSX, sheet=SHEET, page=None, row_number=row_number, person_key="subject"),
        locate(blank_age_log, None, XLSX, sheet=SHEET, page=None, row_number=row_number, person_key="subject"),
    ]
    rel_row_number = rel_rows_a + 2
    for log in (rel_name_log, rel_id_log, rel_blank_log):
        xlsx_faults.append(locate(log, None, XLSX, sheet=SHEET, page=None, row_number=rel_row_number,
                                  person_key="family", ordinal=np.array(rel_ord)))
    dup_rows = np.flatnonzero(is_duplicate)
    xlsx_faults.append(pd.DataFrame({"file": XLSX, "sheet": SHEET, "page": None, "row_number": dup_rows + 2,
                                     "person_key": "subject", "ordinal": 0, "fault_type": "duplicate_row",
                                     "field": "", "true_value": "", "written_value": ""}))
    merged = _write_xlsx(ctx, out_dir / XLSX, table)
    xlsx_faults.append(pd.DataFrame({"file": XLSX, "sheet": SHEET, "page": None, "row_number": merged,
                                     "person_key": "subject", "ordinal": 0, "fault_type": "merged_cell",
                                     "field": "township", "true_value": table["乡镇"].to_numpy()[merged - 2],
                                     "written_value": ""}))
    (out_dir / "karakax_list.mapping.yaml").write_text(mapping_text("xlsx"), encoding="utf-8")

    # The PDF: same table, glyphs misread here and there as OCR would.
    ocr_rows = np.flatnonzero(rng.random(n) < rates.ocr_confusion)
    pdf_table = table.copy()
    ocr_true, ocr_written, ocr_kept = [], [], []
    for row in ocr_rows:
        before = pdf_table.at[row, "姓名"]
        after = ocr_confuse(rng, before)
        if after != before:
            pdf_table.at[row, "姓名"] = after
            ocr_true.append(before)
            ocr_written.append(after)
            ocr_kept.append(row)
    from karez.testbed.pdf import read_back, render_table_pdf

    page_of = render_table_pdf(out_dir / PDF, pdf_table, ctx.note)
    page_row = page_of[:, 1]
    page_no = page_of[:, 0]
    pdf_faults = []
    for frame in xlsx_faults:
        if not len(frame) or (frame["fault_type"] == "merged_cell").all():
            continue
        moved = frame.copy()
        data_row = moved["row_number"].to_numpy() - 2
        moved["file"], moved["sheet"] = PDF, None
        moved["page"], moved["row_number"] = page_no[data_row], page_row[data_row]
        moved["written_value"] = [read_back(str(v)) for v in moved["written_value"]]
        pdf_faults.append(moved)
    kept = np.array(ocr_kept, dtype=np.int64)
    pdf_faults.append(pd.DataFrame({"file": PDF, "sheet": None, "page": page_no[kept], "row_number": page_row[kept],
                                    "person_key": "subject", "ordinal": 0, "fault_type": "ocr_confusion",
                                    "field": "name", "true_value": ocr_true, "written_value": ocr_written}))
    (out_dir / "karakax_list_pdf.mapping.yaml").write_text(mapping_text("pdf"), encoding="utf-8")

    output = LeakOutput(files=[XLSX, PDF], rows={XLSX: n, PDF: n})
    ids_subject = persons["person_id"].to_numpy()[subject]
    ids_family = persons["person_id"].to_numpy()[rel_person_a]
    for file, sheet, page, rnum, page_rel, rnum_rel in (
        (XLSX, SHEET, None, row_number, None, rel_row_number),
        (PDF, None, page_no, page_row, page_no[rel_rows_a], page_row[rel_rows_a]),
    ):
        output.mentions.append(pd.DataFrame({"file": file, "sheet": sheet, "page": page, "row_number": rnum,
                                             "person_key": "subject", "ordinal": 0, "person_id": ids_subject}))
        output.mentions.append(pd.DataFrame({"file": file, "sheet": sheet, "page": page_rel, "row_number": rnum_rel,
                                             "person_key": "family", "ordinal": np.array(rel_ord, dtype=np.int64),
                                             "person_id": ids_family}))
        r_rows = np.array([r for r, *_ in reason_rows], dtype=np.int64)
        output.reasons.append(pd.DataFrame({
            "file": file, "sheet": sheet,
            "page": None if page is None else page[r_rows],
            "row_number": rnum[r_rows], "person_key": "subject",
            "ordinal": [o for _, o, _, _ in reason_rows],
            "category": [c for _, _, c, _ in reason_rows], "text": [t for *_, t in reason_rows],
            "person_id": ids_subject[r_rows]}))
    output.faults = [concat_logs(xlsx_faults), concat_logs(pdf_faults)]
    return output, internees


def _write_xlsx(ctx: Context, path, table: pd.DataFrame) -> np.ndarray:
    """Write the sheet; runs of the same township are merged cells (blank below the first).
    Returns the row numbers left blank by merging."""
    col = HEADERS.index("乡镇")
    township = table["乡镇"].to_numpy(dtype=object)
    blanks: list[int] = []
    merges: list[tuple[int, int, int]] = []
    start = 0
    for i in range(1, len(table) + 1):
        if i == len(table) or township[i] != township[start]:
            # merge runs of up to 5 rows, as a clerk formatting a printout would
            for run_start in range(start, i, 5):
                run_end = min(run_start + 5, i) - 1
                if run_end > run_start:
                    merges.append((run_start + 2, run_end + 2, col + 1))
                    blanks.extend(range(run_start + 3, run_end + 3))
            start = i
    columns = [table[h].to_numpy(dtype=object).tolist() for h in HEADERS]
    shown = township.copy()
    shown[np.array(blanks, dtype=np.int64) - 2] = None  # a merged range keeps its first value only
    columns[col] = shown.tolist()
    write_xlsx(path, [SheetData(SHEET, HEADERS, columns, merges)], ctx.note)
    return np.array(blanks, dtype=np.int64)


__all__ = ["render", "mapping_text", "FACILITIES"]

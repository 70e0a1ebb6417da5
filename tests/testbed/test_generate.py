"""Generation: determinism, ID validity, fault rates, names, synthetic marking."""

from __future__ import annotations

import hashlib
import json
import zipfile

import numpy as np
import pandas as pd
import pdfplumber
import pytest
from stdnum import numdb
from stdnum.cn import ric

from karez.testbed import DEFAULT_RATES, Truth, generate
from karez.testbed.idnumbers import REGIONS, is_valid
from karez.testbed.lexicon import load_lexicon
from karez.testbed.scripts import uly_to_arabic


def _digest(folder):
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes(small_testbed, tmp_path):
    out, _ = small_testbed
    again = tmp_path / "again"
    generate(again, seed=7, scale="small")
    assert _digest(out) == _digest(again)


def test_other_seed_differs(small_testbed, tmp_path):
    out, _ = small_testbed
    other = tmp_path / "other"
    generate(other, seed=8, scale="small")
    assert _digest(out)["leaks/register.csv"] != _digest(other)["leaks/register.csv"]


def _stdnum_county(code: str) -> tuple[str, int | None]:
    """python-stdnum's county name for a region code and the first year its table gives it."""
    results = numdb.get("cn/loc").info(code)
    county = {k: v for _part, props in results for k, v in props.items()}["county"]
    if county.startswith("["):
        years, name = county[1:].split("]")
        return name, int(years.split("-")[0]) if years.split("-")[0] else None
    return county, None


def test_every_person_id_is_valid_gb11643(small_testbed):
    out, _ = small_testbed
    persons = Truth(out / "truth").persons
    assert persons["id_number"].is_unique
    # python-stdnum checks each part independently of karez: ISO 7064 MOD 11-2, the date.
    assert all(ric.calc_check_digit(i) == i[17] for i in persons["id_number"])
    assert (persons["id_number"].map(ric.get_birth_date) == persons["birth_date"]).all()
    sex_digit = persons["id_number"].str[16].astype(int) % 2
    assert ((sex_digit == 1) == (persons["sex"] == "M")).all()
    # Every region code is a Hotan prefecture code of stdnum's GB/T 2260 table, under the
    # same name and first year as ours.
    regions = {r.code: r for r in REGIONS}
    for code in persons["region_code"].unique():
        name, first_year = _stdnum_county(code)
        assert name == regions[code].chinese, code
        assert first_year in (None, regions[code].valid_from), code
    # stdnum also rejects a code for birth years before the code existed: it takes the birth
    # year for the year of assignment. GB 11643 gives the code of the residence when the
    # number was first assigned (1985 at the earliest), so a Hotan city resident born in
    # 1950 rightly carries 653201. That is the only rejection, and it does occur.
    valid = persons["id_number"].map(ric.is_valid)
    year = pd.to_datetime(persons["birth_date"]).dt.year
    first_year = persons["region_code"].map(lambda code: regions[code].valid_from)
    assert (valid == (year >= first_year) | (persons["region_code"] != "653201")).all()
    assert (~valid).any() and valid[persons["region_code"] == "653201"].any()
    assert valid[persons["region_code"] == "653222"].all()
    # No number carries a code before it existed: issued at birth or in 1985 at the earliest.
    assert (np.maximum(year, 1985) >= first_year).all()


def test_written_ids_validity_matches_id_faults(small_testbed):
    out, _ = small_testbed
    register = pd.read_csv(out / "leaks" / "register.csv", encoding="gb18030", dtype=str)
    invalid = (~register["身份证号"].map(is_valid)).mean()
    # wrong digit (1 %) is caught 10 times in 11; transposition (0.5 %) most of the time.
    assert 0.002 < invalid < 0.03


@pytest.mark.parametrize("fault, rate, field", [
    ("separator", DEFAULT_RATES.separator, "name"),
    ("parts_swapped", DEFAULT_RATES.parts_swapped, "name"),
    ("father_name_missing", DEFAULT_RATES.father_name_missing, "name"),
    ("id_wrong_digit", DEFAULT_RATES.id_wrong_digit, "id_number"),
    ("birth_date_mismatch", DEFAULT_RATES.birth_date_mismatch, "birth_date"),
])
def test_register_fault_rates_match_defaults(small_testbed, fault, rate, field):
    out, _ = small_testbed
    truth = Truth(out / "truth")
    register = truth.mentions[truth.mentions["file"] == "register.csv"]
    faults = truth.faults[(truth.faults["file"] == "register.csv") & (truth.faults["fault_type"] == fault)]
    n = len(register)
    observed = len(faults) / n
    tolerance = 4 * np.sqrt(rate * (1 - rate) / n) + 0.001
    assert abs(observed - rate) < tolerance, (fault, observed, rate)
    assert (faults["field"] == field).all()


def test_name_variant_rate_across_sources(small_testbed):
    out, _ = small_testbed
    truth = Truth(out / "truth")
    variants = truth.faults[truth.faults["fault_type"] == "name_variant"]
    xlsx_pdf_csv = truth.mentions[truth.mentions["file"] != "testimonies.jsonl"]
    # Names with a single known transcription cannot vary: the realised rate is a bit lower.
    assert 0.10 < len(variants) / len(xlsx_pdf_csv) < 0.17


def test_separator_faults_are_written_in_the_register(small_testbed):
    out, _ = small_testbed
    truth = Truth(out / "truth")
    register = pd.read_csv(out / "leaks" / "register.csv", encoding="gb18030", dtype=str, keep_default_na=False)
    faults = truth.faults[(truth.faults["file"] == "register.csv") & (truth.faults["fault_type"] == "separator")]
    for row in faults.itertuples():
        written = register.at[row.row_number - 2, "姓名"]
        assert "\u00b7" not in written


def test_every_file_is_marked_synthetic(small_testbed):
    out, summary = small_testbed
    note = summary["synthetic"]
    assert "SYNTHETIC" in note and "seed=7" in note
    register = pd.read_csv(out / "leaks" / "register.csv", encoding="gb18030", dtype=str)
    assert (register["数据说明"] == note).all()
    for xlsx in ("karakax_list.xlsx", "police_status.xlsx"):
        with zipfile.ZipFile(out / "leaks" / xlsx) as archive:
            assert "SYNTHETIC" in archive.read("docProps/core.xml").decode()
    for line in (out / "leaks" / "testimonies.jsonl").read_text("utf-8").splitlines():
        assert json.loads(line)["_synthetic"] == note
    with pdfplumber.open(out / "leaks" / "karakax_list.pdf") as pdf:
        assert all("SYNTHETIC" in page.extract_text() for page in pdf.pages)


def test_pdf_tables_repeat_header_and_match_xlsx(small_testbed):
    out, _ = small_testbed
    xlsx = pd.read_excel(out / "leaks" / "karakax_list.xlsx", sheet_name="名单", dtype=str)
    rows = []
    with pdfplumber.open(out / "leaks" / "karakax_list.pdf") as pdf:
        assert len(pdf.pages) > 3
        for page in pdf.pages:
            table = page.extract_tables()[0]
            assert table[0][:3] == ["序号", "姓名", "性别"]
            rows.extend(table[1:])
    assert len(rows) == len(xlsx)
    assert [r[0] for r in rows] == list(xlsx["序号"])
    assert [r[3] or None for r in rows] == [None if pd.isna(v) else v for v in xlsx["身份证号"]]


def test_truth_accounts_for_every_mention_of_the_register(small_testbed):
    out, summary = small_testbed
    truth = Truth(out / "truth")
    register = truth.mentions[truth.mentions["file"] == "register.csv"]
    assert len(register) == summary["leaks"]["register.csv"]["rows"]
    assert register["row_number"].tolist() == list(range(2, len(register) + 2))
    assert register["person_id"].isin(truth.persons["person_id"]).all()


def test_true_total_and_lists_overlap(small_testbed):
    out, summary = small_testbed
    persons = Truth(out / "truth").persons
    assert summary["true_detained"] == int(persons["detained"].sum())
    on_lists = persons[["on_karakax_list", "on_police_status", "on_testimonies"]]
    assert not (on_lists.any(axis=1) & ~persons["detained"]).any()
    assert summary["lists"]["on_any_list"] < summary["true_detained"]  # some are on no list
    both = (persons["on_karakax_list"] & persons["on_police_status"]).sum()
    assert 0 < both < min(summary["lists"]["karakax_list"], summary["lists"]["police_status"])
    assert 270 <= summary["lists"]["karakax_list"] <= 330
    # a realistic few dozen testimonies, some people reported by more than one relative
    assert 25 <= summary["leaks"]["testimonies.jsonl"]["rows"] <= 80
    assert 0 < summary["lists"]["testimonies"] < summary["lists"]["karakax_list"]


def test_reasons_carry_categories_and_phrasings(small_testbed):
    out, _ = small_testbed
    reasons = Truth(out / "truth").reasons
    codes = {"religious_extremism_label", "religious_practice", "family_planning", "passport_travel",
             "relatives_abroad", "contact_abroad", "internet", "untrustworthy", "birth_decade",
             "relative_detained", "other"}
    assert set(reasons["category"]) <= codes
    assert reasons.groupby("category")["text"].nunique().max() >= 3


def test_siblings_share_the_fathers_name(small_testbed):
    out, _ = small_testbed
    truth = Truth(out / "truth")
    fathers = truth.relations[truth.relations["relationship"] == "father"]
    persons = truth.persons.set_index("person_id")
    child = persons.loc[fathers["person_id"], "father_name_uly"].to_numpy()
    father = persons.loc[fathers["relative_id"], "given_uly"].to_numpy()
    assert (child == father).all()


def test_lexicon_has_enough_names_and_scripts():
    lexicon = load_lexicon()
    assert (lexicon.sex == "M").sum() >= 150 and (lexicon.sex == "F").sum() >= 150
    assert uly_to_arabic("Ehmet") == "ئەھمەت"
    assert uly_to_arabic("Aygül") == "ئايگۈل"
    assert lexicon.male_weights[:30].sum() > 0.5  # concentrated, as documented


def test_merged_township_cells_match_the_fault_log(small_testbed):
    import openpyxl

    out, _ = small_testbed
    workbook = openpyxl.load_workbook(out / "leaks" / "karakax_list.xlsx")
    sheet = workbook["名单"]
    assert sheet.cell(1, 6).value == "乡镇"
    blank = sorted(row for merged in sheet.merged_cells.ranges if merged.min_col == merged.max_col == 6
                   for row in range(merged.min_row + 1, merged.max_row + 1))
    faults = Truth(out / "truth").faults
    logged = faults[(faults["file"] == "karakax_list.xlsx") & (faults["fault_type"] == "merged_cell")]
    assert blank and blank == sorted(logged["row_number"])
    assert all(sheet.cell(row, 6).value is None for row in blank)


def test_testimonies_speak_of_several_kinds_of_relative(small_testbed):
    out, _ = small_testbed
    lines = [json.loads(line) for line in (out / "leaks" / "testimonies.jsonl").read_text("utf-8").splitlines()]
    relationships = {line["witness"]["relationship"] for line in lines}
    assert relationships <= {"son", "daughter", "brother", "sister", "husband", "wife", "father", "mother"}
    assert len(relationships) >= 3
    truth = Truth(out / "truth")
    subjects = truth.mentions[(truth.mentions["file"] == "testimonies.jsonl") & (truth.mentions["person_key"] == "subject")]
    persons = truth.persons.set_index("person_id")
    assert persons.loc[subjects["person_id"], "detained"].all()
    witnesses = truth.mentions[(truth.mentions["file"] == "testimonies.jsonl") & (truth.mentions["person_key"] == "witness")]
    assert persons.loc[witnesses["person_id"], "abroad"].all()

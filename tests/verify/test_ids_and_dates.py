"""ID-number, date and age checks on a real case store."""

from __future__ import annotations

import json
import random
from datetime import date

import pytest
from stdnum.cn import ric
from verify_builders import CaseBuilder, make_id

from karez.verify import check_digit, region_status, verify

KARAKAX = "653222"
TODAY = date(2020, 6, 1)


def by_check(report, name):
    return [f for f in report.findings if f.check == name]


def test_clean_rows_raise_no_warning_or_error(case, builder: CaseBuilder):
    for i in range(40):
        rec = builder.record()
        birth = date(1970 + i, 1 + i % 12, 1 + i % 28)
        sex = "M" if i % 2 else "F"
        builder.mention(rec, name=f"阿卜杜拉·艾买提{i}", sex=sex, birth_date=birth,
                        id_number=make_id(KARAKAX, birth.strftime("%Y%m%d"), 10 + i),
                        age=2018 - birth.year, age_kind="full")
    report = verify(case, today=TODAY)
    serious = [f for f in report.findings if f.severity != "info"]
    assert serious == []
    checks = {c.name: c for c in report.checks}
    assert checks["id_check_digit"].checked == 40
    assert checks["age_vs_birth_date"].checked == 40


def test_each_id_fault_is_found_with_its_locator(case, builder: CaseBuilder):
    rec = builder.record()
    bad_digit = make_id(KARAKAX, "19800101", 11, valid=False)
    builder.mention(rec, name="甲·乙", id_number=bad_digit, sex="M")
    rec2 = builder.record()
    builder.mention(rec2, name="丙·丁", id_number=make_id(KARAKAX, "19800231", 11))  # 31 Feb
    rec3 = builder.record()
    builder.mention(rec3, name="戊·己", id_number=make_id(KARAKAX, "19800101", 12), sex="M")  # even
    rec4 = builder.record()
    builder.mention(rec4, name="庚·辛", id_number="65322219800101123")  # 17 characters
    rec5 = builder.record()
    builder.mention(rec5, name="壬·癸", id_number=make_id("659999", "19800101", 13))  # no such code
    report = verify(case, today=TODAY)

    [digit] = by_check(report, "id_check_digit")
    assert digit.severity == "error"
    assert digit.values["written"] == bad_digit
    assert digit.values["expected"] == check_digit(bad_digit[:17])
    assert digit.locator == "synthetic-list.xlsx, sheet 名单, row 2, subject"
    [when] = by_check(report, "id_birth_date")
    assert when.record_id == rec2
    [sex] = by_check(report, "id_sex")
    assert sex.record_id == rec3 and sex.values["stated_sex"] == "M"
    [form] = by_check(report, "id_form")
    assert form.record_id == rec4
    [region] = by_check(report, "id_region")
    assert region.record_id == rec5 and region.severity == "error"


def test_region_history_created_after_birth_is_information(case, builder: CaseBuilder):
    # Hotan city (653201) was created in 1983: a holder born in 1975 registered there later.
    rec = builder.record()
    builder.mention(rec, name="甲·乙", id_number=make_id("653201", "19750304", 21))
    # Turpan county (652121) was abolished in 1984: nobody born in 1990 got that code.
    rec2 = builder.record()
    builder.mention(rec2, name="丙·丁", id_number=make_id("652121", "19900304", 21))
    report = verify(case, today=TODAY)
    found = {f.record_id: f for f in by_check(report, "id_region")}
    assert found[rec].severity == "info" and found[rec].values["status"] == "created_later"
    assert found[rec2].severity == "warning" and found[rec2].values["status"] == "abolished_before"


def test_region_status_function():
    assert region_status("653222", 1960) == ("valid", "墨玉县")
    assert region_status("653201", 1975)[0] == "created_later"
    assert region_status("652121", 1990)[0] == "abolished_before"
    assert region_status("659999", 1990) == ("unknown", None)


def test_legacy_15_digit_numbers(case, builder: CaseBuilder):
    rec = builder.record()
    builder.mention(rec, name="甲·乙", id_number="653222800101121", sex="M")  # odd: man
    rec2 = builder.record()
    builder.mention(rec2, name="丙·丁", id_number="653222801301122")  # month 13
    report = verify(case, today=TODAY)
    assert [f.record_id for f in by_check(report, "id_legacy")] == [rec, rec2]
    assert [f.record_id for f in by_check(report, "id_birth_date")] == [rec2]
    assert by_check(report, "id_sex") == []


def test_agrees_with_python_stdnum_on_random_ids():
    """An independent implementation agrees on the check digit and the birth date."""
    rng = random.Random(20200217)
    for _ in range(2000):
        birth = date(1930, 1, 1).toordinal() + rng.randrange(30_000)
        body = f"{KARAKAX}{date.fromordinal(birth):%Y%m%d}{rng.randrange(1000):03d}"
        number = body + check_digit(body)
        assert ric.calc_check_digit(number) == number[-1]
        assert ric.is_valid(number)
        assert ric.get_birth_date(number) == date.fromordinal(birth)
        wrong = body + ("0" if number[-1] != "0" else "1")
        assert not ric.is_valid(wrong)


def test_where_karez_differs_from_stdnum_on_region_history():
    """stdnum rejects a code created after the birth year; karez keeps it as information."""
    number = make_id("653201", "19750304", 21)
    assert not ric.is_valid(number)
    assert region_status(number[:6], 1975)[0] == "created_later"


def test_birth_date_against_id_at_stated_precision(case, builder: CaseBuilder):
    ident = make_id(KARAKAX, "19800515", 31)
    rec = builder.record()
    builder.mention(rec, name="甲·乙", id_number=ident, birth_date=date(1980, 5, 1),
                    birth_date_precision="month")  # month only: agrees
    rec2 = builder.record()
    builder.mention(rec2, name="丙·丁", id_number=ident.replace("19800515", "19800515"),
                    birth_date=date(1980, 6, 15))
    report = verify(case, today=TODAY)
    assert [f.record_id for f in by_check(report, "birth_date_vs_id")] == [rec2]


def test_nominal_age_is_not_flagged_but_a_wrong_age_is(case, builder: CaseBuilder):
    for i in range(30):
        rec = builder.record()
        builder.mention(rec, name=f"人{i}", birth_date=date(1980, 1 + i % 12, 10), age=38,
                        age_kind="nominal")
    rec = builder.record()
    builder.mention(rec, name="虚岁", birth_date=date(1980, 11, 10), age=39, age_kind="nominal")
    bad = builder.record()
    builder.mention(bad, name="错", birth_date=date(1980, 3, 10), age=45, age_kind="nominal")
    report = verify(case, today=TODAY)
    assert [f.record_id for f in by_check(report, "age_vs_birth_date")] == [bad]
    # With the record date known, the same ages are judged against it.
    report = verify(case, as_of=date(2018, 6, 1), today=TODAY)
    assert [f.record_id for f in by_check(report, "age_vs_birth_date")] == [bad]


def test_event_order_and_period(case, builder: CaseBuilder):
    rec = builder.record()
    person = builder.mention(rec, name="甲·乙", birth_date=date(1980, 1, 1))
    builder.event(rec, person, "detention", date(2017, 5, 3))
    builder.event(rec, person, "release", date(2017, 4, 1))  # before detention
    builder.event(rec, person, "sentence", date(2017, 5, 1), precision="month")  # same month: fine
    rec2 = builder.record()
    other = builder.mention(rec2, name="丙·丁", birth_date=date(1990, 1, 1))
    builder.event(rec2, other, "detention", date(1985, 1, 1))  # before birth
    builder.event(rec2, other, "release", date(2031, 1, 1))  # future
    report = verify(case, today=TODAY, period=(date(2016, 1, 1), date(2018, 12, 31)))
    order = by_check(report, "event_order")
    assert {(f.record_id, f.severity, f.values["event"]) for f in order} == {
        (rec, "warning", "release"), (rec2, "error", "detention")}
    assert [f.record_id for f in by_check(report, "event_date_future")] == [rec2]
    assert {f.values["date"] for f in by_check(report, "date_outside_period")} == {"1985-01-01"}


def test_findings_replace_the_previous_run_and_enter_the_ledger(case, builder: CaseBuilder):
    rec = builder.record()
    builder.mention(rec, name="甲·乙", id_number=make_id(KARAKAX, "19800101", 11, valid=False))
    first = verify(case, today=TODAY)
    second = verify(case, today=TODAY)
    assert first.run_id != second.run_id
    assert [f.finding_id for f in first.findings] == [f.finding_id for f in second.findings]
    assert case.store.scalar("SELECT count(DISTINCT run_id) FROM verify_findings") == 1
    assert case.store.scalar("SELECT count(*) FROM verify_runs") == 2
    entries = [e for e in case.ledger.entries() if e.action == "verify"]
    assert len(entries) == 2
    assert entries[-1].outputs["run_id"] == second.run_id


def test_json_and_html_reports(case, builder: CaseBuilder, tmp_path):
    rec = builder.record()
    builder.mention(rec, name="甲·乙", id_number=make_id(KARAKAX, "19800101", 11, valid=False))
    report = verify(case, today=TODAY)
    payload = json.loads(json.dumps(report.to_json(), default=str))
    assert payload["counts"]["error"] == 1
    assert "does not prove" in payload["summary"]
    page = report.to_html(tmp_path / "report.html").read_text("utf-8")
    assert "ID number" in page and "<script" not in page and "http" not in page.split("</style>")[0]


@pytest.mark.parametrize("region", ["653222", "653201", "110101"])
def test_check_digit_matches_the_standard_examples(region):
    body = f"{region}19491001001"
    assert check_digit(body) == ric.calc_check_digit(body + "0")

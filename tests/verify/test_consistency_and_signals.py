"""Internal consistency, fabrication signals and corroboration on a real case store."""

from __future__ import annotations

import random
from datetime import date

from verify_builders import CaseBuilder, make_id

from karez.verify import verify

KARAKAX = "653222"
TODAY = date(2020, 6, 1)


def by_check(report, name):
    return [f for f in report.findings if f.check == name]


def test_fathers_name_part_against_the_father_in_the_record(case, builder: CaseBuilder):
    rec = builder.record()
    child = builder.mention(rec, name="阿卜杜拉·艾买提", sex="M")
    father = builder.mention(rec, role="relative", person_key="family", name="艾买提·吐尔逊", sex="M")
    builder.relation(rec, father, child, "father", "父亲")
    rec2 = builder.record()
    child2 = builder.mention(rec2, name="古丽·艾麦提", sex="F")  # 麦 for 买: same sound, no finding
    father2 = builder.mention(rec2, role="relative", person_key="family", name="艾买提·依明", sex="M")
    builder.relation(rec2, father2, child2, "father", "父亲")
    rec3 = builder.record()
    parent = builder.mention(rec3, name="托合提·卡德尔", sex="M")
    son = builder.mention(rec3, role="relative", person_key="family", ordinal=1, name="买买提·依明", sex="M")
    builder.relation(rec3, son, parent, "son", "儿子")
    report = verify(case, today=TODAY)
    [finding] = by_check(report, "father_name")
    assert finding.mention_id == son
    assert finding.values["father_part"] == "依明" and finding.values["father_named"] == "托合提·卡德尔"
    assert finding.locator.endswith("family #2")
    assert {c.name: c.checked for c in report.checks}["father_name"] == 3


def test_same_id_with_different_names_and_variant_writings(case, builder: CaseBuilder):
    shared = make_id(KARAKAX, "19600101", 11)
    for name in ("艾买提·吐尔逊", "艾买提·吐尔逊", "艾麦提·吐尔逊"):
        rec = builder.record()
        builder.mention(rec, role="relative", person_key="family", name=name, id_number=shared)
    stolen = make_id(KARAKAX, "19700101", 13)
    for name in ("依明·卡德尔", "依明·卡德尔", "热依汗·托合提"):
        rec = builder.record()
        builder.mention(rec, name=name, id_number=stolen)
    report = verify(case, today=TODAY)
    found = {(f.values["name"], f.severity) for f in by_check(report, "id_several_names")}
    assert found == {("艾麦提·吐尔逊", "info"), ("热依汗·托合提", "warning")}


def test_duplicate_rows_and_internee_listed_twice(case, builder: CaseBuilder):
    first = builder.record({"序号": 1, "姓名": "依明·卡德尔", "身份证号": "x"})
    second = builder.record({"序号": 2, "姓名": "依明·卡德尔", "身份证号": "x"})
    builder.record({"序号": 3, "姓名": "托合提·卡德尔", "身份证号": "y"})
    ident = make_id(KARAKAX, "19700101", 13)
    builder.mention(first, name="依明·卡德尔", id_number=ident)
    builder.mention(second, name="依明·卡德尔", id_number=ident)
    report = verify(case, today=TODAY)
    [duplicate] = by_check(report, "duplicate_row")
    assert duplicate.record_id == second and duplicate.values["same_as"].endswith("row 2")
    [twice] = by_check(report, "person_listed_twice")
    assert twice.record_id == second


def test_relationship_against_sex_and_across_rows(case, builder: CaseBuilder):
    subject_id, relative_id = make_id(KARAKAX, "19900101", 13), make_id(KARAKAX, "19650101", 22)
    rows = []
    for relationship in ("mother", "mother", "sister"):
        rec = builder.record()
        person = builder.mention(rec, name="依明·卡德尔", id_number=subject_id, sex="M")
        relative = builder.mention(rec, role="relative", person_key="family", name="古丽·艾买提",
                                   id_number=relative_id, sex="F")
        builder.relation(rec, relative, person, relationship)
        rows.append(rec)
    rec = builder.record()
    person = builder.mention(rec, name="托合提·依明", sex="M")
    wrong = builder.mention(rec, role="relative", person_key="family", name="阿依努尔·依明", sex="F")
    builder.relation(rec, wrong, person, "father", "父亲")
    report = verify(case, today=TODAY)
    assert [f.record_id for f in by_check(report, "relationship_conflict")] == [rows[2]]
    assert [f.mention_id for f in by_check(report, "relationship_sex")] == [wrong]


def test_signals_tell_a_register_from_invented_numbers(case, builder: CaseBuilder):
    rng = random.Random(7)
    for i in range(300):
        rec = builder.record()
        birth = date(1950, 1, 1).toordinal() + rng.randrange(20_000)
        sex = rng.choice("MF")
        sequence = rng.randrange(500) * 2 + (1 if sex == "M" else 0)
        builder.mention(rec, name=f"人{i}", sex=sex,
                        id_number=make_id(KARAKAX, f"{date.fromordinal(birth):%Y%m%d}", sequence),
                        address="和田地区墨玉县某乡")
    real = {s["name"]: s for s in verify(case, today=TODAY).signals["signals"]}
    assert real["check_digit_valid_rate"]["value"] == 1.0 and not real["check_digit_valid_rate"]["notable"]
    assert real["sex_digit_agreement_rate"]["value"] == 1.0
    assert real["region_matches_address"]["value"] == 1.0

    invented = CaseBuilder(case, source_id="src-0000000000000002", original_name="invented.csv",
                           sha256="1" * 64)
    for i in range(300):
        rec = invented.record()
        digits = "".join(rng.choice("0123456789") for _ in range(8))
        invented.mention(rec, name=f"假{i}", sex=rng.choice("MF"),
                         id_number=f"{KARAKAX}19{rng.randrange(50, 99)}0{rng.randrange(1, 9)}1{digits[:5]}")
    report = verify(case, today=TODAY)
    mixed = {s["name"]: s for s in report.signals["signals"]}
    assert mixed["check_digit_valid_rate"]["value"] < 0.7
    assert mixed["check_digit_valid_rate"]["notable"]
    assert "Signals worth a closer look" in report.summary


def test_corroboration_needs_linkage_then_reports_confirmed_fields(case, builder: CaseBuilder):
    ident = make_id(KARAKAX, "19700101", 13)
    rec = builder.record()
    mine = builder.mention(rec, name="依明·卡德尔", id_number=ident, birth_date=date(1970, 1, 1))
    report = verify(case, today=TODAY)
    assert report.corroboration["linkage_run"] is False
    assert "Linkage has not been run" in report.summary

    other = CaseBuilder(case, source_id="src-0000000000000002", original_name="other-leak.csv",
                        sha256="1" * 64)
    rec2 = other.record()
    theirs = other.mention(rec2, name="依明·卡德尔", id_number=ident, birth_date=date(1970, 2, 1))
    lonely = other.mention(rec2, role="relative", person_key="family", name="古丽")
    case.store.execute("CREATE TABLE link_clusters (mention_id VARCHAR PRIMARY KEY, person_id VARCHAR, probability DOUBLE)")
    case.store.execute("INSERT INTO link_clusters VALUES (?, 'p1', 0.99), (?, 'p1', 0.99), (?, 'p2', 1.0)",
                       [mine, theirs, lonely])
    report = verify(case, today=TODAY)
    assert report.corroboration["corroborated"] == 2
    assert report.corroboration["confirmed_fields"]["id_number"] == 2
    assert report.corroboration["conflicting_fields"]["birth_date"] == 2
    # the birth dates disagree, so the summary names only what was confirmed
    assert "confirms the ID number of 2." in report.corroboration["plain"]
    assert "birth date of" not in report.corroboration["plain"]
    row = case.store.fetchone(
        "SELECT other_sources::VARCHAR, confirmed_fields::VARCHAR FROM verify_corroboration WHERE mention_id = ?",
        [mine])
    assert row == ('["src-0000000000000002"]', '["id_number","name"]')


def test_a_relatives_id_number_against_the_stated_relationship(case, builder: CaseBuilder):
    rec = builder.record()
    person = builder.mention(rec, name="依明·卡德尔", id_number=make_id(KARAKAX, "19900101", 13), sex="M")
    # Somebody else's number: a woman's sex digit, born after the "son".
    wrong = builder.mention(rec, role="relative", person_key="family", name="卡德尔·托合提",
                            id_number=make_id(KARAKAX, "19950101", 22))
    builder.relation(rec, wrong, person, "father", "父亲")
    right = builder.mention(rec, role="relative", person_key="family", ordinal=1, name="古丽·艾买提",
                            id_number=make_id(KARAKAX, "19650101", 22))
    builder.relation(rec, right, person, "mother", "母亲")
    report = verify(case, today=TODAY)
    assert [f.mention_id for f in by_check(report, "relationship_sex")] == [wrong]
    assert [f.mention_id for f in by_check(report, "parent_child_age")] == [wrong]

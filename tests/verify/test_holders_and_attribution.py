"""Who holds an ID number, parents' ID numbers across rows, and findings placed on the mention
that is wrong (not on its innocent relatives). Every name and number here is synthetic."""

from __future__ import annotations

from datetime import date

from verify_builders import CaseBuilder, make_id

from karez.verify import verify
from karez.verify.identity import resolve_holders

KARAKAX = "653222"
TODAY = date(2020, 6, 1)


def by_check(report, name):
    return [f for f in report.findings if f.check == name]


def second_source(case) -> CaseBuilder:
    return CaseBuilder(case, source_id="src-0000000000000002", original_name="synthetic-register.csv",
                       media_type="text/csv", sha256="1" * 64)


def test_a_fathers_name_written_the_other_way_round_is_his_finding(case, builder: CaseBuilder):
    rec = builder.record()
    # the father 阿地力·托合提 written father's-name first; his children name him 阿迪力
    father = builder.mention(rec, name="托合提·阿地力", sex="M")
    children = [
        builder.mention(rec, role="relative", person_key="family", ordinal=i, name=name)
        for i, name in enumerate(("努尔尼萨·阿迪力", "阿不都热依木·阿迪力"))
    ]
    builder.relation(rec, children[0], father, "daughter", "女儿")
    builder.relation(rec, children[1], father, "son", "儿子")
    report = verify(case, today=TODAY)
    [finding] = by_check(report, "father_name")
    assert finding.mention_id == father
    assert finding.values["children"] == ["努尔尼萨·阿迪力", "阿不都热依木·阿迪力"]
    assert "other way round" in finding.message


def test_a_person_written_fathers_name_first_is_told_apart_from_a_wrong_father(case, builder: CaseBuilder):
    rec = builder.record()
    person = builder.mention(rec, name="阿迪力·努尔尼萨", sex="F")
    father = builder.mention(rec, role="relative", person_key="family", name="阿地力·托合提", sex="M")
    builder.relation(rec, father, person, "father", "父亲")
    rec2 = builder.record()
    other = builder.mention(rec2, name="古丽·依明", sex="F")
    father2 = builder.mention(rec2, role="relative", person_key="family", name="卡德尔·托合提", sex="M")
    builder.relation(rec2, father2, other, "father", "父亲")
    report = verify(case, today=TODAY)
    found = {f.mention_id: f.message for f in by_check(report, "father_name")}
    assert set(found) == {person, other}
    assert "father's name first" in found[person]
    assert "does not match" in found[other]


def test_a_miswritten_id_does_not_make_the_parents_look_wrong(case, builder: CaseBuilder):
    rec = builder.record()
    # one digit of the year miswritten: 1990 -> 2990, a real date in a number that fails its check
    good = make_id(KARAKAX, "19900326", 565)
    bad = good[:6] + "2" + good[7:]
    person = builder.mention(rec, name="艾山·穆罕默德", id_number=bad, sex="M")
    father = builder.mention(rec, role="relative", person_key="family",
                             name="穆罕默德·居买", id_number=make_id(KARAKAX, "19521103", 145))
    builder.relation(rec, father, person, "father", "父亲")
    rec2 = builder.record()  # a real gap of 8 years is still found
    person2 = builder.mention(rec2, name="依明·卡德尔", id_number=make_id(KARAKAX, "19700101", 13), sex="M")
    father2 = builder.mention(rec2, role="relative", person_key="family",
                              name="卡德尔·托合提", id_number=make_id(KARAKAX, "19620101", 15))
    builder.relation(rec2, father2, person2, "father", "父亲")
    report = verify(case, today=TODAY)
    assert [f.mention_id for f in by_check(report, "parent_child_age")] == [father2]
    assert person in {f.mention_id for f in by_check(report, "id_check_digit")}


def test_the_holder_of_an_id_is_decided_across_sources_by_birth_date(case, builder: CaseBuilder):
    register = second_source(case)
    holder_id = make_id(KARAKAX, "19660904", 433)
    rec = builder.record()
    listed = builder.mention(rec, name="买买提·海依热提", id_number=holder_id, sex="M")
    # the register gives the same number to two people, once each; one states another birth date
    holder_row = register.record()
    holder = register.mention(holder_row, name="买买提·海依热提", id_number=holder_id,
                              birth_date=date(1966, 9, 4), sex="M")
    other_row = register.record()
    other = register.mention(other_row, name="艾山·如孜买买提", id_number=holder_id,
                             birth_date=date(1977, 3, 26), sex="M")
    report = verify(case, today=TODAY)
    warned = {f.mention_id for f in by_check(report, "id_several_names") if f.severity == "warning"}
    assert warned == {other}
    assert holder not in warned and listed not in warned


def test_a_relationship_implies_the_sex_that_decides_the_holder(case, builder: CaseBuilder):
    man_id = make_id(KARAKAX, "19500528", 757)  # sex digit 7: a man
    rec = builder.record()
    person = builder.mention(rec, name="依明·吾布力", sex="M")
    father = builder.mention(rec, role="relative", person_key="family", name="吾布力·吐尔孙",
                             id_number=man_id)
    builder.relation(rec, father, person, "father", "父亲")
    rec2 = builder.record()
    person2 = builder.mention(rec2, name="阿依古丽·买买提", sex="F")
    mother = builder.mention(rec2, role="relative", person_key="family", name="古丽博斯坦·买买体",
                             id_number=man_id)
    builder.relation(rec2, mother, person2, "mother", "母亲")
    report = verify(case, today=TODAY)
    assert [(f.mention_id, f.severity) for f in by_check(report, "id_several_names")] == [(mother, "warning")]


def test_without_evidence_neither_name_is_taken_as_the_holder(case, builder: CaseBuilder):
    shared = make_id(KARAKAX, "19700101", 13)
    mentions = [builder.mention(builder.record(), name=name, id_number=shared)
                for name in ("依明·卡德尔", "热依汗·托合提")]
    report = verify(case, today=TODAY)
    found = by_check(report, "id_several_names")
    assert {f.mention_id for f in found} == set(mentions)
    assert all("do not show which" in f.message for f in found)


def test_resolve_holders_counts_writings_of_one_name_together():
    rows = [("X", "艾合买提·吐尔逊", 1, 0), ("X", "艾买提·吐尔逊", 1, 0), ("X", "依明·卡德尔", 1, 0)]
    verdict = {r["name"]: r for r in resolve_holders(rows)}
    assert verdict["艾合买提·吐尔逊"]["holder"] and verdict["艾买提·吐尔逊"]["holder"]
    assert not verdict["依明·卡德尔"]["holder"] and not verdict["依明·卡德尔"]["undecided"]
    # evidence outweighs numbers: one row stating the number's birth date beats two that do not
    rows = [("Y", "依明·卡德尔", 2, -4), ("Y", "热依汗·托合提", 1, 2)]
    verdict = {r["name"]: r for r in resolve_holders(rows)}
    assert verdict["热依汗·托合提"]["holder"] and not verdict["依明·卡德尔"]["holder"]


def _family_row(builder: CaseBuilder, person: tuple[str, str], father: tuple[str, str]) -> tuple[str, str]:
    rec = builder.record()
    subject = builder.mention(rec, name=person[0], id_number=person[1], sex="M")
    relative = builder.mention(rec, role="relative", person_key="family", name=father[0],
                               id_number=father[1])
    builder.relation(rec, relative, subject, "father", "父亲")
    return subject, relative


def test_a_fathers_other_id_number_is_found_on_the_father(case, builder: CaseBuilder):
    son = ("买买提·阿不都热西提", make_id(KARAKAX, "19910831", 883))
    father_id = make_id(KARAKAX, "19540927", 153)
    other_id = make_id(KARAKAX, "19350220", 873)  # a dead man's number, nowhere else in the case
    _family_row(builder, son, ("阿不都热西提·亚森", father_id))
    _family_row(builder, son, ("阿不都热西提·亚森", father_id))
    _, wrong = _family_row(builder, son, ("阿不都热西提·亚森", other_id))
    report = verify(case, today=TODAY)
    [finding] = by_check(report, "parent_id")
    assert finding.mention_id == wrong
    assert finding.values["usual_parent_id_number"] == father_id


def test_a_number_whose_holder_has_another_father_is_found_on_the_person(case, builder: CaseBuilder):
    son_id = make_id(KARAKAX, "19910831", 883)
    father = ("阿不都热西提·亚森", make_id(KARAKAX, "19540927", 153))
    _family_row(builder, ("买买提·阿不都热西提", son_id), father)
    _family_row(builder, ("买买提·阿不都热西提", son_id), father)
    # a neighbour's son written with this son's number: his father is another man
    stranger, _ = _family_row(builder, ("买买提·阿不都热西提", son_id),
                              ("托合提·卡德尔", make_id(KARAKAX, "19600101", 11)))
    report = verify(case, today=TODAY)
    [finding] = by_check(report, "parent_id")
    assert finding.mention_id == stranger
    assert "may belong to another person" in finding.message


def test_an_internee_listed_again_in_another_writing(case, builder: CaseBuilder):
    ident = make_id(KARAKAX, "19660131", 529)
    first = builder.mention(builder.record({"序号": 1, "姓名": "艾合买提·拜克日"}), name="艾合买提·拜克日",
                            id_number=ident, sex="M")
    again = builder.mention(builder.record({"序号": 2, "姓名": "艾合买提·白克日"}), name="艾合买提·白克日",
                            id_number=ident, sex="M")
    other_id = make_id(KARAKAX, "19700101", 13)
    builder.mention(builder.record(), name="依明·卡德尔", id_number=other_id, sex="M")
    builder.mention(builder.record(), name="热依汗·托合提", id_number=other_id, sex="M")
    report = verify(case, today=TODAY)
    [finding] = by_check(report, "person_listed_twice")
    assert finding.mention_id == again and finding.mention_id != first
    assert finding.values["name_there"] == "艾合买提·拜克日"


def test_names_differing_only_in_separators_are_one_name(case, builder: CaseBuilder):
    shared = make_id(KARAKAX, "19440607", 397)
    for name in ("阿不都热依木孜亚", "阿不都热依木孜亚", "阿不都热依木·孜亚"):
        builder.mention(builder.record(), role="relative", person_key="family", name=name,
                        id_number=shared)
    report = verify(case, today=TODAY)
    assert {f.severity for f in by_check(report, "id_several_names")} == {"info"}


def test_parent_ages_ignore_a_number_the_persons_own_age_contradicts(case, builder: CaseBuilder):
    for i in range(6):  # rows that fix the year the ages are stated at (2019, nominal)
        builder.mention(builder.record(), name=f"人{i}·乙", age=2019 - 1980 + 1, age_kind="nominal",
                        id_number=make_id(KARAKAX, "19800101", 20 + 2 * i))
    rec = builder.record()
    # aged 21 but carrying the number of someone born in 1948
    person = builder.mention(rec, name="阿依古丽·阿卜杜米吉提", sex="F", age=21, age_kind="nominal",
                             id_number=make_id(KARAKAX, "19480128", 248))
    mother = builder.mention(rec, role="relative", person_key="family", name="海皮再·巴热提",
                             id_number=make_id(KARAKAX, "19620929", 170))
    builder.relation(rec, mother, person, "mother", "母亲")
    report = verify(case, today=TODAY)
    assert person in {f.mention_id for f in by_check(report, "age_vs_birth_date")}
    assert by_check(report, "parent_child_age") == []


def test_a_brother_born_when_neither_stated_parent_could_have_had_him_is_found(case, builder: CaseBuilder):
    def family(brother_birth: str, *, with_mother: bool = True) -> str:
        rec = builder.record()
        person = builder.mention(rec, name="艾合买提·吾斯曼", id_number=make_id(KARAKAX, "19721022", 561),
                                 sex="M")
        father = builder.mention(rec, role="relative", person_key="family", ordinal=0,
                                 name="吾斯曼·吐尔逊", id_number=make_id(KARAKAX, "19360208", 839))
        builder.relation(rec, father, person, "father", "父亲")
        if with_mother:
            mother = builder.mention(rec, role="relative", person_key="family", ordinal=1,
                                     name="麦尔耶姆·吐尔逊", id_number=make_id(KARAKAX, "19400303", 78))
            builder.relation(rec, mother, person, "mother", "母亲")
        brother = builder.mention(rec, role="relative", person_key="family", ordinal=2,
                                  name="安外尔·吾斯曼", id_number=make_id(KARAKAX, brother_birth, 673))
        builder.relation(rec, brother, person, "brother", "哥哥")
        return brother

    # another man's number: born 2002, when the father was 66 and the mother 62
    copied = family("20020210")
    # a half-brother through the father: the mother was 58, the father 62
    family("19980415")
    # only the father stated: a half-brother through an unstated mother cannot be ruled out
    family("20020210", with_mother=False)
    report = verify(case, today=TODAY)
    [finding] = by_check(report, "sibling_age")
    assert finding.mention_id == copied
    assert finding.values["father_birth_year"] == 1936 and finding.values["mother_birth_year"] == 1940
    assert "a child of neither" in finding.message


def test_a_wife_written_as_spouse_with_a_mans_id_number_is_found(case, builder: CaseBuilder):
    rec = builder.record()
    person = builder.mention(rec, name="阿不都沙拉木·阿卜杜拉", id_number=make_id(KARAKAX, "19790326", 681),
                             sex="M")
    # another person's number: a boy's (odd sex digit), given to the man's wife
    wife = builder.mention(rec, role="relative", person_key="family", ordinal=0, name="苏毕努尔·买买提",
                           id_number=make_id(KARAKAX, "20171030", 53))
    builder.relation(rec, wife, person, "spouse", "妻子")
    rec2 = builder.record()
    other = builder.mention(rec2, name="古丽·依明", id_number=make_id(KARAKAX, "19850101", 24), sex="F")
    husband = builder.mention(rec2, role="relative", person_key="family", ordinal=0, name="卡德尔·托合提",
                              id_number=make_id(KARAKAX, "19800101", 15))
    builder.relation(rec2, husband, other, "spouse", "丈夫")
    report = verify(case, today=TODAY)
    [finding] = by_check(report, "relationship_sex")
    assert finding.mention_id == wife
    assert "妻子" in finding.message and "man" in finding.message

"""Tables of the small synthetic county: every count is known by construction."""

from __future__ import annotations

import pandas as pd

from karez.analyse import Analysis, reason_table, reasons_by_sex, timeline
from karez.custody import Case


def test_reason_table_counts_people_and_mentions(small_case: Case):
    table = reason_table(small_case).set_index("category")
    assert table["people"].to_dict() == {
        "family_planning": 1, "passport_travel": 1, "internet": 1, "untrustworthy": 1,
        "birth_decade": 1, "relative_detained": 1, "(uncoded)": 1,
    }
    assert table.loc["family_planning", "share_of_people"] == 0.2
    assert "FROM reasons" in table.attrs["query"] and table.attrs["unit"] == "people"
    assert "each mention is counted as one person" in table.attrs["counting"]


def test_people_not_mentions_when_one_person_has_two_reasons_in_a_category(small_case: Case):
    builder = small_case.builder
    record = small_case.store.scalar("SELECT record_id FROM mentions WHERE mention_id = ?", [builder.ids["A"]])
    with small_case.store.transaction():
        builder.reason("A", "违反计划生育政策", record, 2)
    row = reason_table(small_case).set_index("category").loc["family_planning"]
    assert (row["people"], row["mentions"]) == (1, 2)


def test_linkage_clusters_count_a_person_once_across_mentions(small_case: Case):
    ids = small_case.builder.ids
    with small_case.store.transaction():
        small_case.store.execute(
            "CREATE TABLE link_clusters (mention_id VARCHAR PRIMARY KEY, person_id VARCHAR, probability DOUBLE)"
        )
        # C and E are one person according to linkage; everyone else a singleton.
        for mention in small_case.store.fetchall("SELECT mention_id FROM mentions"):
            person = "person-CE" if mention[0] in (ids["C"], ids["E"]) else "person-" + mention[0]
            small_case.store.execute("INSERT INTO link_clusters VALUES (?, ?, 1.0)", [mention[0], person])
    analysis = Analysis(small_case)
    assert len(analysis.persons) == 4
    table = analysis.reason_table().set_index("category")
    assert table.loc["internet", "people"] == 1 and table.loc["(uncoded)", "people"] == 1
    assert table.loc["internet", "share_of_people"] == 0.25
    assert "link_clusters" in table.attrs["counting"]


def test_reasons_by_sex_age_place_and_period(small_case: Case):
    by_sex = reasons_by_sex(small_case)
    assert by_sex.loc["family_planning"].to_dict() == {"F": 0, "M": 1}
    assert by_sex.loc["relative_detained"].to_dict() == {"F": 1, "M": 0}
    analysis = Analysis(small_case)
    by_age = analysis.reasons_by("age")
    # A born 1985-03-01 detained 2017-05-10 -> 32; E has only a stated age of 57
    assert by_age.loc["family_planning", "25-34"] == 1
    assert by_age.loc["(uncoded)", "55-64"] == 1
    by_period = analysis.reasons_by("period")
    assert by_period.loc["internet", "2017-Q3"] == 1
    assert by_period.loc["(uncoded)", "(not stated)"] == 1
    assert by_period.columns[-1] == "(not stated)"
    by_facility = analysis.reasons_by("facility")
    assert by_facility.loc["birth_decade", "Facility-1"] == 1
    members = by_sex.attrs["members"]
    assert len(members["family_planning|M"]) == 1 and members["family_planning|M"][0].startswith("P-")


def test_outcomes_classifications_and_notes(small_case: Case):
    analysis = Analysis(small_case)
    outcomes = analysis.outcome_table().set_index("outcome")["people"].to_dict()
    assert outcomes == {"continued_detention": 2, "released": 1, "sentenced": 1, "(not stated)": 1}
    assert analysis.schemes() == ["household_type"]
    versus = analysis.classification_vs_reason("household_type")
    assert versus.loc["不放心户", "internet"] == 1 and versus.loc["一般户", "untrustworthy"] == 1
    assert versus.loc["不放心户", "untrustworthy"] == 0
    outcome = analysis.classification_vs_outcome("household_type")
    assert outcome.loc["不放心户"].to_dict() == {"continued_detention": 1, "released": 0, "sentenced": 1}
    notes = analysis.notes_table()
    assert notes.to_dict("records") == [{"kind": "evaluation", "text": "建议继续培训", "people": 2}]


def test_cooccurrence_is_symmetric_with_people_on_the_diagonal(small_case: Case):
    matrix = Analysis(small_case).cooccurrence()
    assert (matrix.to_numpy() == matrix.to_numpy().T).all()
    assert matrix.loc["birth_decade", "untrustworthy"] == 1
    assert matrix.loc["family_planning", "passport_travel"] == 1
    assert matrix.loc["internet", "family_planning"] == 0


def test_timeline_counts_dated_events_by_month(small_case: Case):
    table = timeline(small_case)
    assert table.loc["2017-05", "detention"] == 1
    assert table.loc["2018-01", "release"] == 1
    assert table.loc["2018-03", "sentence"] == 1
    assert int(table["detention"].sum()) == 4
    by_year = timeline(small_case, "year")
    assert by_year.loc["2017", "detention"] == 4
    assert isinstance(by_year, pd.DataFrame) and "undated events left out" in by_year.attrs["filters"]


def test_a_pseudonym_leads_back_to_its_records_and_is_ledgered(small_case: Case):
    import pytest

    from karez.analyse import resolve_pseudonym
    from karez.analyse.persons import pseudonymiser
    from karez.errors import KarezError

    alias = pseudonymiser(small_case)(small_case.builder.ids["C"])
    rows = resolve_pseudonym(small_case, alias)
    assert rows[["role", "row_number"]].to_dict("records") == [{"role": "subject", "row_number": 4}]
    assert "name" not in rows.columns
    assert resolve_pseudonym(small_case, alias, names=True)["name"].tolist() == ["Synthetic C"]
    assert [e.action for e in small_case.ledger.entries()].count("analyse.resolve_pseudonym") == 2
    with pytest.raises(KarezError, match="no person has the pseudonym 'P-0000000000'"):
        resolve_pseudonym(small_case, "P-0000000000")

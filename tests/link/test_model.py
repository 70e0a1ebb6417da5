"""The model's comparisons: each pair weighed by the comparison made for its kind."""

from __future__ import annotations

import json

from karez.custody import Case


def _pairs(case: Case):
    return case.store.df(
        """SELECT p.explanation, ml.name AS name_l, mr.name AS name_r,
                  sl.original_name AS file_l, sr.original_name AS file_r
           FROM link_pairs p
           JOIN mentions ml ON ml.mention_id = p.mention_l JOIN mentions mr ON mr.mention_id = p.mention_r
           JOIN sources sl ON sl.source_id = p.source_l JOIN sources sr ON sr.source_id = p.source_r"""
    )


def test_a_pair_is_weighed_by_the_name_comparison_of_its_scripts(linked_tiny):
    """A Latin spelling against a machine reading of characters is compared by
    `name_across_scripts`, two names in one script by `name`; the other is null (0 bits),
    so the name counts once and its m is estimated for its own kind of pair."""
    with Case.open(linked_tiny.path) as case:
        pairs = _pairs(case)
    across = (pairs["file_l"] == "testimonies.jsonl") != (pairs["file_r"] == "testimonies.jsonl")
    assert across.any() and (~across).any()
    for explanation, is_across in zip(pairs["explanation"], across, strict=True):
        levels = json.loads(explanation)
        used, unused = ("name_across_scripts", "name") if is_across else ("name", "name_across_scripts")
        assert levels[unused]["weight"] == 0.0 and "missing" in levels[unused]["level"]
        assert "missing" not in levels[used]["level"]


def test_a_birth_year_alone_is_compared_apart_from_birth_dates(linked_tiny):
    """A testimony gives a birth year only: its pairs are weighed by `birth_year`, whose
    m is estimated given that one side is approximate; two full dates by `birth`."""
    with Case.open(linked_tiny.path) as case:
        pairs = _pairs(case)
    testimony = (pairs["file_l"] == "testimonies.jsonl") | (pairs["file_r"] == "testimonies.jsonl")
    assert testimony.any()
    for explanation, with_testimony in zip(pairs["explanation"], testimony, strict=True):
        levels = json.loads(explanation)
        if with_testimony:
            assert levels["birth"]["weight"] == 0.0
            assert "birth year" in levels["birth_year"]["level"] or "All other" in levels["birth_year"]["level"]
        else:
            assert levels["birth_year"]["weight"] == 0.0


def test_the_same_year_of_a_testimony_weighs_more_than_same_year_different_dates(linked_tiny):
    """Within `birth_year`, the same year is evidence for a match (a testimony's year is
    usually right); in `birth`, two full dates of the same year that differ are evidence
    against. One comparison used to weigh the first at the share of all true pairs that
    involve a testimony."""
    from karez.link.model import karez_model  # noqa: F401 - the model these weights come from

    with Case.open(linked_tiny.path) as case:
        model = json.loads(case.store.scalar("SELECT model FROM link_models ORDER BY trained_at DESC LIMIT 1"))
    comparisons = {c["output_column_name"]: c for c in model["comparisons"]}
    year = [lv for lv in comparisons["birth_year"]["comparison_levels"] if not lv.get("is_null_level")]
    same_year = year[0]
    assert same_year["label_for_charts"].startswith("same birth year")
    assert same_year["m_probability"] is not None and same_year["u_probability"] is not None
    assert same_year["m_probability"] > same_year["u_probability"]


def _level_of(comparison, pairs) -> list[str]:
    """The label of the level each pair (l/r columns) falls in, as DuckDB evaluates the
    comparison's SQL: the first level whose condition holds."""
    import duckdb

    levels = comparison.get_comparison("duckdb").comparison_levels
    labels = [level.label_for_charts for level in levels]
    case = " ".join(
        f"WHEN {level.sql_condition} THEN {index}"
        for index, level in enumerate(levels) if level.sql_condition.strip().upper() != "ELSE"
    )
    con = duckdb.connect()
    con.register("pairs", pairs)
    rows = con.execute(f"SELECT CASE {case} ELSE -1 END FROM pairs").fetchall()
    return [labels[row[0]] if row[0] >= 0 else "else" for row in rows]


def test_two_testimonies_by_one_witness_are_not_weighed_as_two_families_that_differ():
    """A witness who testifies about two relatives names a different person in each
    testimony; that pair falls in a level of its own (its weight learned apart), where a
    testimony against a list row whose family lacks the witness falls in another."""
    import pandas as pd

    from karez.link.model import _relatives_comparison

    pairs = pd.DataFrame({
        "father_rel_skeleton_l": [None, None, None], "father_rel_skeleton_r": [None, None, None],
        "spouse_rel_skeleton_l": [None, None, None], "spouse_rel_skeleton_r": [None, None, None],
        "household_names_l": [["prJ|spr"], ["prJ|spr"], ["prJ|spr"]],
        "household_names_r": [["mmt|spr"], ["mmt|trs", "krm|trs"], ["prJ|spr"]],
        "household_size_l": [1, 1, 1], "household_size_r": [1, 2, 1],
    })
    levels = _level_of(_relatives_comparison(), pairs)
    assert levels == [
        "each record names one other person, not the same",
        "the one other person a record names is not in the other",
        "the one other person a record names is named in the other",
    ]

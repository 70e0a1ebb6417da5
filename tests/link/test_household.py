"""Relatives inside linked records: the witness among the family cell of the row its
missing person was linked to (`karez.link.household`)."""

from __future__ import annotations

import pandas as pd

from karez.link.cluster import cluster, pair_id_for
from karez.link.household import household_assignments

from .test_frame import _mentions

# A testimony (record T: the missing person s, the witness w, who is s's brother) and a
# list row (record L: the internee h and a family cell: a brother b, a father f, a sister z).
FRAME = pd.DataFrame({
    "mention_id": ["s", "w", "h", "b", "f", "z"],
    "record_id": ["T", "T", "L", "L", "L", "L"],
    "id_number": [None, None, "653222197003051234", None, None, None],
    "kin_to": [None, "s", None, "h", "h", "h"],
    "kin": [None, "brother", None, "brother", "father", "sister"],
})


def _pairs(weights: dict[tuple[str, str], float]) -> pd.DataFrame:
    rows = []
    for (a, b), weight in weights.items():
        left, right = sorted((a, b))
        rows.append({"mention_id_l": left, "mention_id_r": right, "personal_weight": weight,
                     "match_weight": weight - 17.0, "match_probability": 2.0 ** (weight - 17.0),
                     "pair_id": pair_id_for(left, right)})
    return pd.DataFrame(rows)


def _chosen(weights: dict[tuple[str, str], float], person_of: dict[str, str], frame: pd.DataFrame = FRAME) -> set:
    out = household_assignments(person_of, _pairs(weights), frame)
    return {frozenset((a, b)) for a, b in zip(out["mention_id_l"], out["mention_id_r"], strict=True)}


LINKED = {"s": "p1", "h": "p1", "w": "w", "b": "b", "f": "f", "z": "z"}


def test_the_witness_joins_the_relative_of_the_linked_row_that_dominates():
    weights = {("w", "b"): 8.0, ("w", "f"): 2.5, ("w", "z"): 1.0}
    assert _chosen(weights, LINKED) == {frozenset(("w", "b"))}


def test_nothing_is_chosen_when_the_records_are_not_linked():
    weights = {("w", "b"): 8.0, ("w", "f"): 2.5}
    assert _chosen(weights, {m: m for m in FRAME["mention_id"]}) == set()


def test_a_close_runner_up_or_weak_evidence_chooses_nobody():
    assert _chosen({("w", "b"): 8.0, ("w", "z"): 6.5}, LINKED) == set()  # margin 1.5 bits
    assert _chosen({("w", "b"): 4.0}, LINKED) == set()  # below the minimum


def test_kinship_must_agree_where_both_records_state_it():
    # the witness is s's brother: h's father is not them, however alike the names
    assert _chosen({("w", "f"): 9.0}, LINKED) == set()
    # and a better-named father does not hide the brother as a rival
    assert _chosen({("w", "f"): 9.0, ("w", "b"): 7.0}, LINKED) == {frozenset(("w", "b"))}


def test_kinship_composes_through_a_relative_of_the_row():
    # the missing person is not the internee but the internee's sister z: the witness,
    # s's brother, is then h's brother too (b), or h (a sibling of z)
    person_of = {"s": "p1", "z": "p1", "w": "w", "h": "h", "b": "b", "f": "f"}
    assert _chosen({("w", "b"): 8.0, ("w", "f"): 8.0}, person_of) == {frozenset(("w", "b"))}


def test_mentions_with_id_numbers_or_already_in_the_row_are_not_moved():
    # the ID numbers settle who the two are (karez.link.cluster compares them)
    frame = FRAME.assign(id_number=[None, "653222198001011234", None, "653222197501011234", None, None])
    assert _chosen({("w", "b"): 8.0}, LINKED, frame) == set()
    # one of the two without a number: it may join the other's person
    frame = FRAME.assign(id_number=[None, None, None, "653222197501011234", None, None])
    assert _chosen({("w", "b"): 8.0}, LINKED, frame) == {frozenset(("w", "b"))}
    already = {**LINKED, "w": "x", "f": "x"}  # the witness's person already holds f of the row
    assert _chosen({("w", "b"): 8.0}, already) == set()


def test_the_clustering_applies_the_steps_in_turn():
    """A later step sees what an earlier one joined: the household step finds the witness
    once the first step has linked the missing person to the internee."""
    pairs = _pairs({("w", "b"): 8.0, ("s", "h"): 10.0})
    mentions = FRAME[["mention_id", "record_id", "id_number"]]

    def link_subject(person_of):
        return [("h", "s", pair_id_for("h", "s"), 0.01)]

    def relatives(person_of):
        chosen = household_assignments(person_of, pairs, FRAME)
        return list(zip(chosen["mention_id_l"], chosen["mention_id_r"], chosen["pair_id"],
                        chosen["match_probability"], strict=True))

    result = cluster(mentions, pairs, 0.75, assign=[link_subject, relatives])
    assert result.person_of["w"] == result.person_of["b"]
    assert result.person_of["s"] == result.person_of["h"]
    assert result.assigned == {pair_id_for("h", "s"), pair_id_for("b", "w")}
    alone = cluster(mentions, pairs, 0.75, assign=[relatives])
    assert alone.person_of["w"] != alone.person_of["b"]


def test_the_word_of_a_relation_states_the_sex_when_nothing_else_does():
    from karez.link.frame import build_frame

    frame = build_frame(_mentions(name=["Aynur Tursun", "Memet Tursun", "Aynur Tursun"],
                                  kin_sex=["F", None, "F"], sex=[None, None, "M"],
                                  kin=["daughter", None, "sister"], kin_to=["men-1", None, "men-1"]))
    assert [s if isinstance(s, str) else None for s in frame["sex"]] == ["F", None, "M"]  # a stated sex stays
    assert [k if isinstance(k, str) else None for k in frame["kin"]] == ["daughter", None, "sister"]


def test_linked_mentions_are_the_unresolved_people_of_two_linked_records():
    """The step scores the people of two linked records itself: the witness (no ID
    number, not yet in the row) and the row's people other than the linked one."""
    from karez.link.household import linked_mentions

    sub = linked_mentions(LINKED, FRAME)
    assert sorted(sub["mention_id"]) == ["b", "f", "w", "z"]
    assert {tuple(k) for k in sub["linked_records"]} == {("L|T",)}
    # nothing left to look for once the witness is placed in the row
    assert linked_mentions({**LINKED, "w": "b"}, FRAME).empty
    # nor when the two records are not linked
    assert linked_mentions({m: m for m in FRAME["mention_id"]}, FRAME).empty


def test_the_engine_scores_the_pairs_a_blocking_rule_given_to_it_makes(tiny_case):
    """`predict(..., blocking=...)` pairs by the rules given, not the model's: here the
    two records linked by `linked_records`, whatever their names."""
    from karez.custody import Case
    from karez.link.engine import get_engine
    from karez.link.frame import build_frame, load_mentions
    from karez.link.household import LINKED_RECORDS
    from karez.link.model import karez_model

    with Case.open(tiny_case.path) as case:
        frame = build_frame(load_mentions(case))
    engine = get_engine("duckdb")
    model = engine.train(frame, karez_model(len(frame)))
    sub = frame.iloc[[0, 1, 2]].assign(linked_records=[["k"], ["k"], ["other"]])
    pairs = engine.predict(sub, model, 0.5, floor_weight=-200.0, blocking=(LINKED_RECORDS,))
    ids = sub["mention_id"].tolist()
    assert list(zip(pairs["mention_id_l"], pairs["mention_id_r"], strict=True)) == [tuple(sorted(ids[:2]))]
    assert pairs["personal_weight"].notna().all()


def test_a_person_that_holds_an_id_number_does_not_move():
    """The witness was already joined to a register row with an ID number: the ID number
    settles who that person is, and the household step leaves it alone."""
    frame = pd.concat([FRAME, pd.DataFrame({"mention_id": ["r"], "record_id": ["R"],
                                            "id_number": ["653222198001011234"], "kin_to": [None], "kin": [None]})],
                      ignore_index=True)
    person_of = {**LINKED, "r": "w"}  # w and the register row r are one person
    # b, without a number of its own, may still join w's person (as an alone mention may)
    assert _chosen({("w", "b"): 8.0}, person_of, frame) == {frozenset(("w", "b"))}
    # but when b's person holds a number too, neither moves: the numbers decide
    frame.loc[frame["mention_id"] == "b", "id_number"] = "653222197501011234"
    assert _chosen({("w", "b"): 8.0}, person_of, frame) == set()
    # and w alone, without the register row, would have moved
    assert _chosen({("w", "b"): 8.0}, LINKED, frame) == {frozenset(("w", "b"))}


def test_a_kept_pair_no_blocking_rule_makes_is_still_explained(tiny_case):
    """The household step joins pairs the model's blocking never makes (a witness whose name
    no key brings near the row's reading); each still gets the level and weight of every
    comparison."""
    import json

    from karez.custody import Case
    from karez.link.engine import get_engine
    from karez.link.frame import build_frame, load_mentions
    from karez.link.model import karez_model
    from karez.link.pipeline import _explain_missing

    with Case.open(tiny_case.path) as case:
        frame = build_frame(load_mentions(case))
    engine = get_engine("duckdb")
    model = engine.train(frame, karez_model(len(frame)))
    blocked = engine.predict(frame, model, 1e-12)
    made = set(zip(blocked["mention_id_l"], blocked["mention_id_r"], strict=True))
    ids = sorted(frame["mention_id"])
    left, right = next((a, b) for a in ids for b in ids if a < b and (a, b) not in made)
    pairs = pd.DataFrame({"mention_id_l": [left], "mention_id_r": [right], "pair_id": [pair_id_for(left, right)],
                          "match_probability": [0.001], "match_weight": [-10.0], "explanation": [None]})
    explained = _explain_missing(engine, frame, model, pairs)
    levels = json.loads(explained.loc[0, "explanation"])
    assert set(levels) == {"name", "name_across_scripts", "id_number", "birth", "birth_year", "sex", "whereabouts", "place",
                           "relatives"}

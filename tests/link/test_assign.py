"""One-to-one assignment of alone mentions, places read from addresses, the record's
village lent to mentions that state none."""

from __future__ import annotations

import pandas as pd

from karez.link.assign import dominant_assignments
from karez.link.cluster import cluster, pair_id_for
from karez.link.frame import build_frame, place_from_address


def _pairs(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["mention_id_l", "mention_id_r", "match_weight"])
    frame["match_probability"] = 2 ** frame["match_weight"] / (1 + 2 ** frame["match_weight"])
    frame["pair_id"] = [pair_id_for(a, b) for a, b in zip(frame["mention_id_l"], frame["mention_id_r"], strict=True)]
    return frame


# t: a testimony alone; a1, a2: one person of two mentions; b1, b2: another; c: alone
PERSONS = {"t": "t", "a1": "A", "a2": "A", "b1": "B", "b2": "B", "c": "c"}


def test_a_dominant_person_is_chosen_and_a_close_rival_stops_it():
    clear = _pairs([("t", "a1", -1.0), ("t", "a2", -3.0), ("t", "b1", -9.0)])
    chosen = dominant_assignments(PERSONS, clear, margin=4, min_weight=-4, floor=-8)
    assert list(chosen["pair_id"]) == [pair_id_for("t", "a1")]
    assert chosen["margin"].iloc[0] == 7.0  # -1 against the floor -8 (the rival is below it)

    contested = _pairs([("t", "a1", -1.0), ("t", "b2", -3.5)])
    assert dominant_assignments(PERSONS, contested, margin=4, min_weight=-4, floor=-8).empty


def test_mentions_of_one_person_are_one_candidate_not_rivals():
    # a person named in two rows is one candidate: its second mention must not count as a rival
    pairs = _pairs([("t", "a1", -2.0), ("t", "a2", -2.5)])
    chosen = dominant_assignments(PERSONS, pairs, margin=4, min_weight=-4, floor=-8)
    assert list(chosen["pair_id"]) == [pair_id_for("t", "a1")]


def test_weak_best_alone_persons_and_ineligible_mentions_are_not_assigned():
    weak = _pairs([("t", "a1", -5.0)])
    assert dominant_assignments(PERSONS, weak, margin=4, min_weight=-4, floor=-8).empty
    # the best candidate is alone itself: nothing to dominate, no join
    lonely = _pairs([("c", "t", -1.0)])
    assert dominant_assignments(PERSONS, lonely, margin=4, min_weight=-4, floor=-8).empty
    # a mention outside `eligible` (one with an ID number) stays alone
    pairs = _pairs([("t", "a1", -1.0)])
    assert dominant_assignments(PERSONS, pairs, margin=4, min_weight=-4, floor=-8, eligible={"c"}).empty
    # mentions already in a person of two are not reassigned
    joined = _pairs([("a1", "b1", -1.0)])
    assert dominant_assignments(PERSONS, joined, margin=4, min_weight=-4, floor=-8).empty


def test_cluster_applies_assignments_under_its_refusals():
    mentions = pd.DataFrame(
        {"mention_id": ["a1", "a2", "t", "u"], "record_id": ["r1", "r2", "r3", "r1"]}
    )
    pairs = _pairs([("a1", "a2", 5.0), ("t", "a1", -1.0), ("u", "a2", -1.0)])
    assigned = [("a1", "t", pair_id_for("a1", "t"), 0.33), ("a2", "u", pair_id_for("a2", "u"), 0.33)]
    result = cluster(mentions, pairs, 0.75, assign=lambda snapshot: assigned)
    assert result.person_of["t"] == result.person_of["a1"] == result.person_of["a2"]
    assert pair_id_for("a1", "t") in result.assigned
    # u shares a record with a1: joining it would put two people of one record together
    assert result.person_of["u"] != result.person_of["a1"]
    assert pair_id_for("a2", "u") in result.refused
    # the snapshot the assignment sees is the clustering after the threshold pass
    seen: dict[str, str] = {}
    cluster(mentions, pairs, 0.75, assign=lambda snapshot: seen.update(snapshot) or [])
    assert seen["a1"] == seen["a2"] != seen["t"]


def test_places_are_read_from_addresses():
    assert place_from_address("墨玉县奎牙镇亚朗1村52号") == ("奎牙镇", "亚朗1村")
    assert place_from_address("Aral 1-kent, Qaraqash") == (None, "Aral 1-kent")
    # a village with a number and no name would equate villages of every county
    assert place_from_address("和田县37村133号") == (None, None)
    assert place_from_address("Kazakhstan") == (None, None)


def test_a_mention_without_a_village_takes_its_records():
    mentions = pd.DataFrame(
        {
            "mention_id": ["m1", "m2", "m3", "m4"],
            "source_id": ["s"] * 4,
            "record_id": ["r1", "r1", "r2", "r3"],
            "role": ["subject", "relative", "subject", "subject"],
            "name": ["吐尔逊·哈皮孜", "哈皮孜·吾买尔", "Tursun Hapiz", "买买提·依巴都拉"],
            "id_number": [None] * 4,
            "birth_date": [None] * 4,
            "birth_date_precision": [None] * 4,
            "age": [None] * 4,
            "age_kind": [None] * 4,
            "sex": ["M"] * 4,
            "township": [None] * 4,
            "village": ["阿热勒1村", None, "Aral 1-kent", None],
            "address": [None, None, None, "墨玉县奎牙镇亚朗1村52号"],
            "father_rel": [None] * 4,
            "spouse_rel": [None] * 4,
            "record_year": [None] * 4,
        }
    )
    frame = build_frame(mentions).set_index("mention_id")
    assert frame.loc["m2", "village_skeleton"] == frame.loc["m1", "village_skeleton"] is not None
    assert bool(frame.loc["m2", "village_from_record"]) and not bool(frame.loc["m1", "village_from_record"])
    assert pd.isna(frame.loc["m2", "village_stated_key"])  # lent, not stated: not for blocking on one part
    assert frame.loc["m4", "village_skeleton"] is not None  # read from the address
    assert frame.loc["m4", "township_skeleton"] is not None
    assert list(frame["household_size"]) == [1, 1, 0, 0]


def test_a_review_decision_reclusters_with_the_runs_assignments_and_a_rejection_undoes_one(linked_tiny):
    from karez.custody import Case
    from karez.link import reject
    from karez.link.pipeline import recluster

    with Case.open(linked_tiny.path) as case:
        # a pair the threshold left apart, marked as the run's assignment
        pair_id, a, b = case.store.fetchone(
            "SELECT pair_id, mention_l, mention_r FROM link_pairs p "
            "JOIN link_clusters l ON l.mention_id = p.mention_l JOIN link_clusters r ON r.mention_id = p.mention_r "
            "WHERE status = 'below' AND l.person_id <> r.person_id "
            "ORDER BY match_probability DESC, pair_id LIMIT 1"
        )
        case.store.execute("UPDATE link_pairs SET status = 'assigned' WHERE pair_id = ?", [pair_id])

        def person(mention: str) -> str:
            return case.store.scalar("SELECT person_id FROM link_clusters WHERE mention_id = ?", [mention])

        recluster(case)
        status = case.store.scalar("SELECT status FROM link_pairs WHERE pair_id = ?", [pair_id])
        joined = person(a) == person(b)
        refused = case.store.scalar("SELECT count(*) FROM link_pairs WHERE pair_id = ? AND status = 'refused'", [pair_id])
        # made again, unless the clustering's own refusals stop it
        assert (joined and status == "assigned") or refused == 1
        reject(case, pair_id)
        assert person(a) != person(b)
        assert case.store.scalar("SELECT status FROM link_pairs WHERE pair_id = ?", [pair_id]) == "rejected"

"""The clustering refuses to join two ID numbers that disagree (beyond a one-digit slip or a swap)."""

from __future__ import annotations

import pandas as pd

from karez.link.cluster import cluster, ids_agree


def _pairs(rows):
    return pd.DataFrame(rows, columns=["mention_id_l", "mention_id_r", "match_probability", "pair_id"])


def test_a_mention_without_id_does_not_join_two_different_id_numbers():
    # a testimony (no ID) scores above the threshold against two namesakes of one village
    mentions = pd.DataFrame({"mention_id": ["reg1", "reg2", "tes"], "record_id": ["r1", "r2", "r3"],
                             "id_number": ["653226199001011234", "653226198502023456", None]})
    result = cluster(mentions, _pairs([("reg1", "tes", 0.9, "p1"), ("reg2", "tes", 0.8, "p2")]), 0.5)
    assert result.person_of["tes"] == result.person_of["reg1"] != result.person_of["reg2"]
    assert result.refused == {"p2": "would join two different ID numbers"}


def test_one_digit_off_or_swapped_ids_still_join_and_a_reviewer_overrides():
    assert ids_agree("653226199001011234", "653226199001011235")
    assert ids_agree("653226199001011234", "653226199001011243")
    assert not ids_agree("653226199001011234", "653226199001015674")
    # a legacy 15-digit number and its 18-digit form name one person; a malformed number
    # (a dropped digit) is no evidence of another person
    assert ids_agree("653226900101123", "653226199001011234")
    assert not ids_agree("653226850202345", "653226199001011234")
    assert ids_agree("65322619900101123", "653226198502023456")
    mentions = pd.DataFrame({"mention_id": ["a", "b", "c", "t"], "record_id": ["r1", "r2", "r3", "r4"],
                             "id_number": ["653226199001011234", "653226199001011243", "653226198502023456", None]})
    pairs = _pairs([("a", "b", 0.9, "p1"), ("b", "t", 0.9, "p2"), ("c", "t", 0.8, "p3")])
    # a reviewer who says two different ID numbers are one person is obeyed (a clerk's error)
    result = cluster(mentions, pairs, 0.5, must_link=[("a", "c")])
    assert result.person_of["a"] == result.person_of["c"]
    result = cluster(mentions, pairs, 0.5)
    assert result.person_of["a"] == result.person_of["b"] == result.person_of["t"] != result.person_of["c"]


def test_two_different_ids_do_not_join_even_by_their_own_pair():
    # namesakes born on one day score above the threshold in a large county; a re-issued
    # number is for a reviewer to join
    mentions = pd.DataFrame({"mention_id": ["a", "b", "t"], "record_id": ["r1", "r2", "r3"],
                             "id_number": ["653226199001011234", "653226198502023456", None]})
    direct = cluster(mentions, _pairs([("a", "t", 0.9, "p1"), ("a", "b", 0.8, "p2")]), 0.5)
    assert direct.person_of["a"] == direct.person_of["t"] != direct.person_of["b"]
    assert direct.refused == {"p2": "would join two different ID numbers"}
    reviewed = cluster(mentions, _pairs([("a", "t", 0.9, "p1"), ("a", "b", 0.8, "p2")]), 0.5, must_link=[("a", "b")])
    assert len(set(reviewed.person_of.values())) == 1

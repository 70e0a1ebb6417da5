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


def test_two_numbers_that_both_pass_the_check_digit_are_two_people():
    """ISO 7064 MOD 11-2 catches every one-digit error and every swap of adjacent digits:
    a slip leaves the miswritten number failing its check digit. Two numbers one digit
    apart that both pass it were issued to two people (namesakes born on one day in one
    county); the large testbed joined 509 such register pairs before this rule."""
    from karez.link.cluster import id_checked
    from karez.verify.ids import check_digit

    first = "65322619900101123"
    one = first + check_digit(first)
    other = first[:-1] + "4" + check_digit(first[:-1] + "4")  # the next sequence number, valid
    slip = one[:12] + ("5" if one[12] != "5" else "6") + one[13:]  # a clerk's one-digit slip
    swap = one[:10] + one[11] + one[10] + one[12:]  # two different adjacent digits swapped
    assert id_checked(one) and id_checked(other) and not id_checked(slip) and not id_checked(swap)
    assert not ids_agree(one, other)
    assert ids_agree(one, slip) and ids_agree(one, swap)
    mentions = pd.DataFrame({"mention_id": ["a", "b"], "record_id": ["r1", "r2"], "id_number": [one, other]})
    result = cluster(mentions, _pairs([("a", "b", 0.99, "p1")]), 0.5)
    assert result.person_of["a"] != result.person_of["b"]
    assert result.refused == {"p1": "would join two different ID numbers"}


def test_the_id_comparison_weighs_a_slip_only_when_a_check_digit_fails():
    from karez.link.frame import build_frame
    from karez.verify.ids import check_digit

    from .test_frame import _mentions

    first = "65322619900101123"
    one = first + check_digit(first)
    other = first[:-1] + "4" + check_digit(first[:-1] + "4")
    slip = one[:12] + ("5" if one[12] != "5" else "6") + one[13:]
    frame = build_frame(_mentions(id_number=[one, other, slip]))
    assert list(frame["id_checked"]) == [True, True, False]

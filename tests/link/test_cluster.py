"""Constrained clustering: same-record refusals, reviewer links, determinism."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from karez.link.cluster import cluster, pair_id_for, person_id_for


def _pairs(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "mention_id_l": [a for a, _, _ in rows],
            "mention_id_r": [b for _, b, _ in rows],
            "match_probability": [p for _, _, p in rows],
            "pair_id": [pair_id_for(a, b) for a, b, _ in rows],
        }
    )


def _mentions(records: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame({"mention_id": list(records), "record_id": list(records.values())})


def test_pairs_above_threshold_join_and_singletons_stay_alone():
    mentions = _mentions({"a": "r1", "b": "r2", "c": "r3", "d": "r4"})
    result = cluster(mentions, _pairs([("a", "b", 0.97), ("c", "d", 0.4)]), 0.9)
    assert result.person_of["a"] == result.person_of["b"] == person_id_for("a")
    assert result.person_of["c"] != result.person_of["d"]
    assert result.probability_of["a"] == 0.97
    assert result.probability_of["c"] is None  # alone in its cluster
    assert set(result.frame()["mention_id"]) == {"a", "b", "c", "d"}


def test_two_mentions_of_one_record_are_never_joined_through_a_chain():
    # son (s) and father (f) named in one record; x elsewhere looks like both
    mentions = _mentions({"s": "r1", "f": "r1", "x": "r2"})
    result = cluster(mentions, _pairs([("s", "x", 0.99), ("f", "x", 0.95)]), 0.9)
    assert result.person_of["s"] == result.person_of["x"]
    assert result.person_of["f"] != result.person_of["x"]
    assert result.refused[pair_id_for("f", "x")].startswith("would join two people named in the same record")


def test_cannot_link_beats_a_chain_of_strong_pairs():
    mentions = _mentions({"a": "r1", "b": "r2", "c": "r3"})
    pairs = _pairs([("a", "b", 0.99), ("b", "c", 0.98)])
    result = cluster(mentions, pairs, 0.9, cannot_link=[("a", "c")])
    assert result.person_of["a"] == result.person_of["b"]
    assert result.person_of["c"] != result.person_of["a"]


def test_must_link_joins_below_threshold_and_even_within_a_record():
    mentions = _mentions({"a": "r1", "b": "r1", "c": "r2"})
    result = cluster(mentions, _pairs([("a", "c", 0.2)]), 0.9, must_link=[("a", "b"), ("c", "a")])
    assert len(set(result.person_of.values())) == 1
    assert result.probability_of["b"] == 1.0


def test_contradicting_reviewer_decisions_are_reported_not_applied():
    mentions = _mentions({"a": "r1", "b": "r2", "c": "r3"})
    result = cluster(mentions, _pairs([]), 0.9, must_link=[("a", "b"), ("b", "c")], cannot_link=[("a", "c")])
    assert len(result.conflicts) == 1
    assert result.person_of["a"] == result.person_of["b"] != result.person_of["c"]


def test_pair_ids_do_not_depend_on_order():
    assert pair_id_for("m1", "m2") == pair_id_for("m2", "m1")
    assert pair_id_for("m1", "m2") != pair_id_for("m1", "m3")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 9), st.integers(0, 9), st.floats(0.0, 1.0)),
        min_size=0,
        max_size=30,
    ),
    st.randoms(use_true_random=False),
)
def test_clusters_respect_records_and_do_not_depend_on_row_order(raw, rng):
    records = {f"m{i}": f"r{i // 2}" for i in range(10)}  # m0,m1 share a record, and so on
    rows = [(f"m{a}", f"m{b}", round(p, 3)) for a, b, p in raw if a != b]
    mentions = _mentions(records)
    first = cluster(mentions, _pairs(rows), 0.5)
    shuffled = rows[:]
    rng.shuffle(shuffled)
    second = cluster(mentions.sample(frac=1.0, random_state=1), _pairs(shuffled), 0.5)
    assert first.person_of == second.person_of
    for person in set(first.person_of.values()):
        members = [m for m, p in first.person_of.items() if p == person]
        assert len({records[m] for m in members}) == len(members)
        assert person == person_id_for(min(members))

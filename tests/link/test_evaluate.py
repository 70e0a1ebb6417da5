"""Linkage scores from cluster intersections: pairwise, per source pair, B-cubed."""

from __future__ import annotations

import itertools

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from karez.link.evaluate import score_clusters, true_pairs


def _table(rows):
    return pd.DataFrame(rows, columns=["predicted", "true", "source"])


def test_perfect_clusters_score_one():
    table = _table([("P1", "T1", "a"), ("P1", "T1", "b"), ("P2", "T2", "a"), ("P3", "T3", "b")])
    scores = score_clusters(table)
    assert scores["pairwise"]["f1"] == 1.0
    assert scores["bcubed"] == {"precision": 1.0, "recall": 1.0, "f1": 1.0}
    assert scores["per_source_pair"]["a <> b"]["true_pairs"] == 1


def test_a_false_merge_and_a_missed_link_count_where_they_happen():
    # truth: {1,2} (sources a,b) and {3} (b); {4,5} (a,a)
    # predicted: {1,2,3} and {4}, {5}
    table = _table([("P1", "T1", "a"), ("P1", "T1", "b"), ("P1", "T2", "b"),
                    ("P4", "T4", "a"), ("P5", "T4", "a")])
    scores = score_clusters(table)
    pairwise = scores["pairwise"]
    assert (pairwise["predicted_pairs"], pairwise["true_pairs"], pairwise["correct_pairs"]) == (3, 2, 1)
    assert scores["per_source_pair"]["a <> a"]["recall"] == 0.0
    assert scores["per_source_pair"]["a <> b"]["precision"] == 0.5
    assert scores["per_source_pair"]["b <> b"]["predicted_pairs"] == 1  # 2-3, a false merge
    assert scores["per_source_pair"]["b <> b"]["precision"] == 0.0
    # B-cubed precision: mentions 1,2,3 each 2/3 or 1/3; 4 and 5: 1
    assert scores["bcubed"]["precision"] == round((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5, 4)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.sampled_from("ab")), min_size=1, max_size=25))
def test_counts_from_intersections_equal_counting_the_pairs(rows):
    table = _table([(f"P{p}", f"T{t}", s) for p, t, s in rows])
    scores = score_clusters(table)["pairwise"]
    predicted = true = correct = 0
    for x, y in itertools.combinations(rows, 2):
        same_p, same_t = x[0] == y[0], x[1] == y[1]
        predicted += same_p
        true += same_t
        correct += same_p and same_t
    assert (scores["predicted_pairs"], scores["true_pairs"], scores["correct_pairs"]) == (predicted, true, correct)


def test_true_pairs_lists_each_pair_once_in_order():
    mapping = pd.DataFrame({"mention_id": ["m3", "m1", "m2", "m4"], "person_id": ["a", "a", "a", "b"]})
    pairs = true_pairs(mapping)
    assert list(zip(pairs["mention_id_l"], pairs["mention_id_r"], strict=True)) == [("m1", "m2"), ("m1", "m3"), ("m2", "m3")]

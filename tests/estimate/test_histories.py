from __future__ import annotations

import json

import numpy as np
import pytest

from karez.errors import KarezError
from karez.estimate import CaptureHistories, EstimateError, from_counts, load_counts


def test_load_counts_reads_a_named_dataset(benchmarks_path, benchmarks):
    histories = load_counts(benchmarks_path, "UK_2013_5lists")
    entry = benchmarks["UK_2013_5lists"]
    assert histories.lists == tuple(entry["lists"])
    assert histories.n_observed == entry["n_observed"] == 2744
    assert histories.as_dict() == entry["counts"]
    # Patterns not in the file count zero: 31 observable patterns, 18 seen.
    assert histories.counts.size == 31
    assert np.count_nonzero(histories.counts) == 18


def test_load_counts_single_entry_and_errors(tmp_path, benchmarks_path):
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"lists": ["A", "B"], "counts": {"10": 30, "01": 20, "11": 10}}))
    assert load_counts(single).n_observed == 60
    with pytest.raises(EstimateError, match="several datasets"):
        load_counts(benchmarks_path)
    with pytest.raises(EstimateError, match="no dataset 'nope'"):
        load_counts(benchmarks_path, "nope")
    with pytest.raises(EstimateError, match="not found"):
        load_counts(tmp_path / "missing.json")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(KarezError, match="bad.json"):
        load_counts(bad)


@pytest.mark.parametrize(
    "counts, message",
    [
        ({"1": 3}, "not 2 characters"),
        ({"1x": 3}, "not 2 characters"),
        ({"00": 3, "10": 1, "01": 1}, "on no list"),
        ({"10": -1, "01": 1}, "whole number"),
        ({"10": 1.5, "01": 1}, "whole number"),
        ({"10": 4}, "nobody is on list B"),
    ],
)
def test_from_counts_refuses_bad_input(counts, message):
    with pytest.raises(EstimateError, match=message):
        from_counts(["A", "B"], counts, source="test.json")


def test_restrict_to_the_people_of_one_list():
    histories = from_counts(["A", "B", "C"], {"100": 5, "110": 3, "101": 2, "111": 1, "011": 7, "010": 4})
    sub = histories.restrict([1, 2], on_list=0)
    assert sub.lists == ("B", "C")
    # A's people: 5 on A only (dropped: unobserved by B, C), 3 on B, 2 on C, 1 on both.
    assert sub.as_dict() == {"10": 3, "01": 2, "11": 1}
    assert isinstance(histories.drop_list(0), CaptureHistories)
    assert histories.drop_list(0).as_dict() == {"10": 3 + 4, "01": 2, "11": 1 + 7}

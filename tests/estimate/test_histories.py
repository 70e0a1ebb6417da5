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


@pytest.mark.parametrize(
    "text, message",
    [
        # 1e999 reads as infinity; int() of it overflows
        ('{"lists": ["A", "B"], "counts": {"10": 1e999, "01": 1, "11": 1}}', r"count of pattern 10 is infinite"),
        ('{"lists": ["A", "B"], "counts": {"10": -1e999, "01": 1, "11": 1}}', r"count of pattern 10 is infinite"),
        # a whole number too large for the table's int64
        ('{"lists": ["A", "B"], "counts": {"10": 100000000000000000000000000000, "01": 1}}',
         r"count of pattern 10 is 100,000,000,000,000,000,000,000,000,000; counts must add up to less than 2\^53"),
        # each below the bound, the total beyond it
        ('{"lists": ["A", "B"], "counts": {"10": 9007199254740000, "01": 9007199254740000}}',
         r"count of pattern 01 is 9,007,199,254,740,000, bringing the total to 18,014,398,509,480,000; "
         r"counts must add up to less than 2\^53"),
        ('{"lists": ["A", "B"], "counts": {"10": true, "01": 1}}', r"count of pattern 10 is not a number: True"),
    ],
)
def test_load_counts_refuses_counts_that_are_not_sane_numbers(tmp_path, text, message):
    path = tmp_path / "counts.json"
    path.write_text(text)
    with pytest.raises(EstimateError, match=rf"^file {path}: " + message):
        load_counts(path)


def test_load_counts_refuses_more_lists_than_the_methods_can_handle(tmp_path):
    from karez.estimate.histories import MAX_LISTS

    path = tmp_path / "forty.json"
    path.write_text(json.dumps({"lists": [f"L{i}" for i in range(40)], "counts": {"1" * 40: 3}}))
    with pytest.raises(EstimateError, match=rf"^file {path}: 40 lists; karez estimates from at most {MAX_LISTS}\."):
        load_counts(path)
    # the limit itself is accepted
    at_limit = tmp_path / "twelve.json"
    at_limit.write_text(json.dumps({"lists": [f"L{i}" for i in range(MAX_LISTS)],
                                    "counts": {"1" * MAX_LISTS: 3, "0" * (MAX_LISTS - 1) + "1": 1}}))
    assert load_counts(at_limit).k == MAX_LISTS == 12


def test_restrict_to_the_people_of_one_list():
    histories = from_counts(["A", "B", "C"], {"100": 5, "110": 3, "101": 2, "111": 1, "011": 7, "010": 4})
    sub = histories.restrict([1, 2], on_list=0)
    assert sub.lists == ("B", "C")
    # A's people: 5 on A only (dropped: unobserved by B, C), 3 on B, 2 on C, 1 on both.
    assert sub.as_dict() == {"10": 3, "01": 2, "11": 1}
    assert isinstance(histories.drop_list(0), CaptureHistories)
    assert histories.drop_list(0).as_dict() == {"10": 3 + 4, "01": 2, "11": 1 + 7}

"""Capture histories from a linked case, on a real DuckDB case store."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from karez.estimate import (
    EstimateError,
    capture_histories,
    estimate,
    sensitivity_to_linkage,
    stratified_capture_histories,
)
from karez.store import Store

LINK_CLUSTERS = "CREATE TABLE IF NOT EXISTS link_clusters (mention_id VARCHAR PRIMARY KEY, person_id VARCHAR, probability DOUBLE)"
LINK_PAIRS = (
    "CREATE TABLE IF NOT EXISTS link_pairs (pair_id VARCHAR PRIMARY KEY, mention_l VARCHAR NOT NULL, "
    "mention_r VARCHAR NOT NULL, source_l VARCHAR, source_r VARCHAR, match_probability DOUBLE)"
)


def _add_mention(store: Store, mention_id: str, source_id: str, role: str = "subject", sex: str | None = None,
                 birth: dt.date | None = None) -> None:
    store.execute(
        "INSERT INTO mentions (mention_id, record_id, source_id, ingest_id, role, person_key, ordinal, sex, birth_date) "
        "VALUES (?, ?, ?, 'ing-1', ?, ?, 0, ?, ?)",
        [mention_id, f"rec-{mention_id}", source_id, role, role, sex, birth],
    )


@pytest.fixture()
def linked_store(tmp_path):
    """Three synthetic lists of 12 fictional people, linked into clusters; plus relatives."""
    store = Store(tmp_path / "karez.duckdb")
    for source_id, name in (("src-a", "list_a.xlsx"), ("src-b", "list_b.xlsx"), ("src-c", "list_c.jsonl")):
        store.execute(
            "INSERT INTO sources (source_id, sha256, size, original_name) VALUES (?, ?, 1, ?)",
            [source_id, source_id * 4, name],
        )
    # person -> lists they are on
    people = {
        "p1": "abc", "p2": "ab", "p3": "ab", "p4": "a", "p5": "a", "p6": "b",
        "p7": "bc", "p8": "c", "p9": "ac", "p10": "a", "p11": "c", "p12": "b",
    }
    store.execute(LINK_CLUSTERS)
    for index, (person, on) in enumerate(people.items()):
        for letter in on:
            mention = f"m-{person}-{letter}"
            _add_mention(store, mention, f"src-{letter}", sex="M" if index % 2 else "F",
                         birth=dt.date(1960 + 10 * (index % 3), 1, 1))
            store.execute("INSERT INTO link_clusters VALUES (?, ?, 0.99)", [mention, person])
    # A relative named on list a is not on the list of the detained.
    _add_mention(store, "m-rel-1", "src-a", role="relative")
    store.execute("INSERT INTO link_clusters VALUES ('m-rel-1', 'p1', 0.9)")
    yield store
    store.close()


def test_capture_histories_count_linked_people_per_pattern(linked_store):
    histories = capture_histories(linked_store)
    # Lists are shown by their file names.
    assert histories.lists == ("list_a.xlsx", "list_b.xlsx", "list_c.jsonl")
    assert histories.n_observed == 12
    assert histories.as_dict() == {"111": 1, "110": 2, "100": 3, "010": 2, "011": 1, "001": 2, "101": 1}


def test_lists_by_file_name_and_subset(linked_store):
    histories = capture_histories(linked_store, ["list_b.xlsx", "src-a"])
    assert histories.lists == ("list_b.xlsx", "list_a.xlsx")
    assert histories.as_dict() == {"11": 3, "10": 3, "01": 4}
    with pytest.raises(EstimateError, match="no source 'nope.xlsx'"):
        capture_histories(linked_store, ["nope.xlsx", "src-a"])


def test_relatives_count_only_when_asked(linked_store):
    with_relatives = capture_histories(linked_store, roles=("subject", "relative"))
    assert with_relatives.n_observed == 12  # the relative was linked to p1, already on a


def test_strata_split_people_by_their_mentions(linked_store):
    by_sex = stratified_capture_histories(linked_store, "sex")
    assert set(by_sex) == {"F", "M"}
    assert sum(h.n_observed for h in by_sex.values()) == 12
    assert by_sex["F"].stratum == "sex=F"
    by_decade = stratified_capture_histories(linked_store, "birth_decade")
    assert set(by_decade) == {"1960s", "1970s", "1980s"}
    with pytest.raises(EstimateError, match="cannot stratify"):
        stratified_capture_histories(linked_store, "religion")


def test_unlinked_case_is_refused_with_what_to_do(tmp_path):
    store = Store(tmp_path / "karez.duckdb")
    try:
        with pytest.raises(EstimateError, match="link the case first"):
            capture_histories(store)
    finally:
        store.close()


def test_sensitivity_to_linkage_moves_with_the_threshold(tmp_path):
    """Mentions on two lists joined by scored pairs: a lower threshold merges more people."""
    store = Store(tmp_path / "karez.duckdb")
    rng = np.random.default_rng(4)
    for source_id in ("src-a", "src-b", "src-c"):
        store.execute("INSERT INTO sources (source_id, sha256, size) VALUES (?, ?, 1)", [source_id, source_id * 4])
    store.execute(LINK_PAIRS)
    pair = 0
    for person in range(300):
        on = [s for s, p in (("src-a", 0.4), ("src-b", 0.35), ("src-c", 0.3)) if rng.random() < p]
        mentions = [f"m{person}-{s}" for s in on]
        for mention, source in zip(mentions, on, strict=True):
            _add_mention(store, mention, source)
        for left, right in zip(mentions, mentions[1:], strict=False):
            pair += 1
            store.execute("INSERT INTO link_pairs VALUES (?, ?, ?, NULL, NULL, ?)",
                          [f"pair-{pair}", left, right, float(rng.uniform(0.55, 1.0))])
    try:
        rows = sensitivity_to_linkage(store, thresholds=(0.5, 0.9, 1.01), method="independence", bootstrap=0)
        assert [r["threshold"] for r in rows] == [0.5, 0.9, 1.01]
        listed = [r["people_listed"] for r in rows]
        assert listed[0] < listed[1] < listed[2]  # fewer joins: more (apparent) people
        assert rows[0]["estimate"] < rows[1]["estimate"]
        # With no joins at all no list overlaps another: no finite estimate exists, and
        # the result says so instead of a huge number.
        assert rows[2]["estimate"] is None
        assert rows[2]["refused"] == "mle_does_not_exist"
    finally:
        store.close()


def test_sensitivity_needs_scored_pairs(linked_store):
    with pytest.raises(EstimateError, match="no table link_pairs"):
        sensitivity_to_linkage(linked_store)


def test_estimate_from_a_case(linked_store):
    result = estimate(capture_histories(linked_store), "independence", bootstrap=0)
    assert result.n_observed == 12
    assert result.estimate > 12

"""Linking a real case end to end: Splink on DuckDB, clusters, store tables, ledger."""

from __future__ import annotations

import json

import pytest

from karez.custody import Case
from karez.link import LinkError, get_engine, link, multi_source_persons
from karez.link.evaluate import evaluate


def _clusters(case: Case) -> dict[str, str]:
    return dict(case.store.fetchall("SELECT mention_id, person_id FROM link_clusters"))


def _person_of(case: Case, truth_map, person: str) -> set[str]:
    clusters = _clusters(case)
    mentions = truth_map.loc[truth_map["person_id"] == person, "mention_id"]
    return {clusters[m] for m in mentions}


def test_link_fills_the_contract_table_for_every_mention(tiny_case, engine_name):
    with Case.open(tiny_case.path) as case:
        result = link(case, engine=engine_name)
        n_mentions = case.store.count("mentions")
        assert case.store.count("link_clusters") == n_mentions == result.n_mentions
        columns = [c[0] for c in case.store.execute("SELECT * FROM link_clusters LIMIT 0").description]
        assert columns == ["mention_id", "person_id", "probability"]
        assert result.n_persons == case.store.scalar("SELECT count(DISTINCT person_id) FROM link_clusters")


def test_the_same_person_is_found_across_scripts_and_sources(linked_tiny):
    with Case.open(linked_tiny.path) as case:
        truth_map = linked_tiny.mention_map(case)
        # p4: on the list (Chinese characters) and in a testimony (Latin letters, birth year only)
        assert len(_person_of(case, truth_map, "p4")) == 1
        # p20: list, register (other characters, same ID) and testimony (Latin letters)
        assert len(_person_of(case, truth_map, "p20")) == 1
        # p21 is on the register with one ID digit off (21 % 7 == 0) and on the list
        assert len(_person_of(case, truth_map, "p21")) == 1
        # different people stay apart
        assert _person_of(case, truth_map, "p8") != _person_of(case, truth_map, "p4")
        persons = multi_source_persons(case)
        assert any({"list.csv", "register.csv", "testimonies.jsonl"} <= set(p["sources"]) for p in persons)


def test_every_kept_pair_explains_its_probability(linked_tiny):
    with Case.open(linked_tiny.path) as case:
        rows = case.store.dicts("SELECT * FROM link_pairs ORDER BY match_probability DESC")
    assert rows
    top = rows[0]
    explanation = json.loads(top["explanation"])
    assert set(explanation) == {"name", "name_across_scripts", "id_number", "birth", "birth_year", "sex", "whereabouts", "place",
                                "relatives"}
    assert all("level" in part and "weight" in part for part in explanation.values())
    assert top["status"] in {"joined", "implied", "accepted"}
    assert all(r["mention_l"] < r["mention_r"] for r in rows)
    assert all(r["source_l"] and r["source_r"] for r in rows)


def test_a_common_whole_name_weighs_less_and_a_rare_one_no_more(tiny_case, monkeypatch):
    """The whole-name level is adjusted for how common the name is (a village holds several
    Memet Tursuns), downwards only; the explanation shows the adjustment in the weight."""
    import karez.link.engine as engine

    # the tiny case is far too small for any name to reach the real minimum count; its
    # list names each father in four rows, the commonest whole names here
    monkeypatch.setattr(engine, "FREQUENCY_MINIMUM_COUNT", 3)
    with Case.open(tiny_case.path) as case:
        link(case)
        settings = json.loads(case.store.fetchone("SELECT model FROM link_models")[0])
        rows = case.store.dicts("SELECT explanation FROM link_pairs WHERE explanation IS NOT NULL")
    adjusted = [level for comparison in settings["comparisons"] for level in comparison["comparison_levels"]
                if level.get("tf_adjustment_column")]
    assert {level["tf_adjustment_column"] for level in adjusted} == {"name_skeleton"}
    assert all(level["tf_minimum_u_value"] == level["u_probability"] for level in adjusted)
    parts = [part for row in rows for part in json.loads(row["explanation"]).values()]
    shown = [part["common_value_adjustment"] for part in parts if "common_value_adjustment" in part]
    assert shown and all(value < 0 for value in shown)
    assert all(part["level"] == "whole name same (all parts)" for part in parts if "common_value_adjustment" in part)


def test_a_value_seen_less_often_than_the_minimum_has_no_frequency_of_its_own():
    import pandas as pd

    from karez.link.engine import frequency_lookup

    frame = pd.DataFrame({"name_skeleton": ["memet tursun"] * 25 + ["peride mamut"] * 3 + [None] * 2})
    lookup = frequency_lookup(frame, "name_skeleton", minimum=20)
    assert lookup["name_skeleton"].tolist() == ["memet tursun"]
    assert lookup["tf_name_skeleton"].tolist() == [25 / 28]


def test_model_is_saved_as_json_and_runs_are_in_the_ledger(linked_tiny):
    with Case.open(linked_tiny.path) as case:
        model_id, model = case.store.fetchone("SELECT model_id, model FROM link_models")
        settings = json.loads(model)
        assert settings["link_type"] == "dedupe_only"
        assert len(settings["comparisons"]) == 9
        actions = [entry.action for entry in case.ledger.entries()]
    assert "link-train" in actions and "link" in actions


def test_a_rerun_with_the_same_inputs_gives_the_same_clusters(linked_tiny):
    with Case.open(linked_tiny.path) as case:
        before = _clusters(case)
        link(case)
        assert _clusters(case) == before


def test_a_rerun_with_the_saved_model_skips_training(linked_tiny):
    with Case.open(linked_tiny.path) as case:
        models = case.store.count("link_models")
        result = link(case, retrain=False)
        assert case.store.count("link_models") == models
        assert result.model_id == case.store.scalar("SELECT model_id FROM link_models")


def test_withdrawing_a_source_clears_its_link_rows(linked_tiny):
    with Case.open(linked_tiny.path) as case:
        source = case.source("testimonies.jsonl")["source_id"]
        assert case.store.count("link_pairs", "source_l = ? OR source_r = ?", [source, source])
        case.remove(source, reason="test: added by mistake")
        assert case.store.count("link_pairs", "source_l = ? OR source_r = ?", [source, source]) == 0
        assert case.store.count("link_clusters") == case.store.count("mentions")


def test_threshold_must_be_a_probability(tiny_case):
    with Case.open(tiny_case.path) as case, pytest.raises(LinkError, match="between 0 and 1"):
        link(case, threshold=1.5)


def test_evaluation_scores_the_tiny_case(linked_tiny):
    with Case.open(linked_tiny.path) as case:
        report = evaluate(case, linked_tiny)
    assert report["pairwise"]["precision"] == 1.0
    assert report["per_source_pair"]["list.csv <> register.csv"]["f1"] == 1.0
    assert report["per_source_pair"]["list.csv <> testimonies.jsonl"]["recall"] >= 0.75
    per_pair = report["blocking"]["recall_per_source_pair"]
    assert per_pair["list.csv <> register.csv"] == per_pair["list.csv <> testimonies.jsonl"] == 1.0
    # a father named alone (no ID, no birth date, no other relative) in the rows of his
    # four children takes each row's village: rows of one village make him a candidate
    # pair, rows of different villages do not (the price of blocking that scales)
    assert 0.0 < per_pair["list.csv <> list.csv"] < 1.0
    assert report["bcubed"]["f1"] > 0.8


def test_engine_counts_what_each_blocking_rule_adds(tiny_case, engine_name):
    from karez.link.frame import build_frame, load_mentions
    from karez.link.model import karez_model

    with Case.open(tiny_case.path) as case:
        frame = build_frame(load_mentions(case))
    spec = karez_model(len(frame))
    counts = get_engine(engine_name).blocking_counts(frame, spec.blocking)
    assert len(counts) == len(spec.blocking)
    assert counts[0] > 0  # same ID number: the list and the register share 16 people
    assert sum(counts) < len(frame) * (len(frame) - 1) // 2

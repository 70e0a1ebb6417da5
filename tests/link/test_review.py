"""Review: the queue, decisions that persist across re-runs, undo, the ledger, the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from karez.cli import app
from karez.custody import Case
from karez.link import ReviewError, accept, decisions, link, mention_card, queue, reject, undo


def _person(case: Case, mention: str) -> str:
    return case.store.scalar("SELECT person_id FROM link_clusters WHERE mention_id = ?", [mention])


def _uncertain_apart(case: Case) -> dict:
    """A queued pair whose mentions are in different persons."""
    items = [item for item in queue(case, limit=100) if not item["in_same_person"]]
    assert items, "the tiny case should leave some uncertain pairs apart"
    return items[0]


def test_queue_is_most_informative_first_and_explains_each_pair(linked_tiny):
    with Case.open(linked_tiny.path) as case:
        items = queue(case, limit=50)
    assert items
    scores = [item["informativeness"] for item in items]
    assert scores == sorted(scores, reverse=True)
    assert all(0.05 <= item["match_probability"] <= 0.995 for item in items)
    assert all("name" in item["explanation"] for item in items)


def test_accept_joins_reject_separates_and_both_survive_a_rerun(linked_tiny):
    with Case.open(linked_tiny.path) as case:
        item = _uncertain_apart(case)
        a, b = item["mention_l"], item["mention_r"]
        accept(case, item["pair_id"], note="same father and village")
        assert _person(case, a) == _person(case, b)
        assert item["pair_id"] not in {i["pair_id"] for i in queue(case, limit=1000)}
        link(case)  # retrain, rescore, recluster: the decision holds
        assert _person(case, a) == _person(case, b)
        status = case.store.scalar("SELECT status FROM link_pairs WHERE pair_id = ?", [item["pair_id"]])
        assert status == "accepted"

        # a strong pair the reviewer says is two people
        joined = case.store.fetchone(
            "SELECT pair_id, mention_l, mention_r FROM link_pairs WHERE status = 'joined' "
            "ORDER BY match_probability, pair_id LIMIT 1"
        )
        reject(case, joined[0])
        assert _person(case, joined[1]) != _person(case, joined[2])
        link(case, retrain=False)
        assert _person(case, joined[1]) != _person(case, joined[2])
        actions = [entry.action for entry in case.ledger.entries()]
    assert actions.count("review") == 2


def test_undo_restores_the_model_s_view_and_is_recorded(linked_tiny):
    with Case.open(linked_tiny.path) as case:
        item = _uncertain_apart(case)
        before = _person(case, item["mention_l"]), _person(case, item["mention_r"])
        accept(case, item["pair_id"])
        result = undo(case)
        assert result["undone"] == "accept"
        assert (_person(case, item["mention_l"]), _person(case, item["mention_r"])) == before
        assert decisions(case) == []
        assert len(decisions(case, include_undone=True)) == 1
        assert "review-undo" in [entry.action for entry in case.ledger.entries()]
        with pytest.raises(ReviewError, match="no review decision"):
            undo(case)


def test_unknown_pair_is_an_error_that_says_where_to_find_pair_ids(linked_tiny):
    with Case.open(linked_tiny.path) as case, pytest.raises(ReviewError, match="--list"):
        accept(case, "pair-doesnotexist00")


def test_mention_card_shows_every_script_and_provenance(linked_tiny):
    with Case.open(linked_tiny.path) as case:
        mention = case.store.scalar(
            "SELECT m.mention_id FROM mentions m JOIN sources s USING (source_id) "
            "WHERE s.original_name = 'list.csv' AND m.role = 'subject' ORDER BY m.mention_id LIMIT 1"
        )
        card = mention_card(case, mention)
    assert card["machine_reading"] is True  # read from Chinese characters
    assert card["uly"] and card["arabic"] and card["cyrillic"]
    assert card["file"] == "list.csv" and card["row_number"] >= 2
    assert card["relatives"] and card["relatives"][0]["relationship"] == "father"


def test_cli_link_and_review_non_interactive(linked_tiny):
    runner = CliRunner()
    path = str(linked_tiny.path)
    result = runner.invoke(app, ["link", path, "--json", "--reuse-model"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["persons_in_several_sources"] == len(summary["persons_found_in_several_sources"]) > 0

    listed = runner.invoke(app, ["review", path, "--list", "--json", "--limit", "3"])
    assert listed.exit_code == 0, listed.output
    pair = json.loads(listed.stdout)[0]["pair_id"]
    accepted = runner.invoke(app, ["review", path, "--accept", pair, "--json"])
    assert accepted.exit_code == 0, accepted.output
    assert json.loads(accepted.stdout)["decision"] == "accept"
    undone = runner.invoke(app, ["review", path, "--undo", "--json"])
    assert json.loads(undone.stdout)["pair_id"] == pair

    missing = runner.invoke(app, ["review", path, "--reject", "pair-nothinghere0"])
    assert missing.exit_code != 0


def test_cli_interactive_review_records_a_keypress(linked_tiny):
    runner = CliRunner()
    result = runner.invoke(app, ["review", str(linked_tiny.path), "--limit", "1"], input="r\n")
    assert result.exit_code == 0, result.output
    assert "mention A" in result.stdout and "machine reading" in result.stdout
    with Case.open(linked_tiny.path) as case:
        assert [d["decision"] for d in decisions(case)] == ["reject"]


def test_enough_accepted_pairs_train_m_as_labels(linked_tiny):
    from karez.link.pipeline import MIN_LABELS

    with Case.open(linked_tiny.path) as case:
        strong = case.store.fetchall(
            "SELECT pair_id FROM link_pairs WHERE status IN ('joined', 'implied') ORDER BY pair_id LIMIT ?",
            [MIN_LABELS],
        )
        assert len(strong) == MIN_LABELS
        for (pair_id,) in strong:
            accept(case, pair_id)
        link(case)
        n_labels, model = case.store.fetchone(
            "SELECT n_labels, model FROM link_models ORDER BY trained_at DESC LIMIT 1"
        )
        unlabelled = case.store.fetchone("SELECT model FROM link_models ORDER BY trained_at LIMIT 1")[0]
    assert n_labels == MIN_LABELS
    assert model != unlabelled

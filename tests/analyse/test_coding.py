"""Coding the reasons of a real case store; uncoded reasons; analyst overrides in the ledger."""

from __future__ import annotations

import json

import pytest

from karez.analyse import code_reasons, codings, override_coding, uncoded_reasons
from karez.analyse.coding import CodingError
from karez.custody import Case


def _categories(case: Case) -> dict[str, set[str]]:
    rows = case.store.fetchall(
        "SELECT r.text, c.category FROM reasons r JOIN analyse_codings c USING (reason_id)"
    )
    out: dict[str, set[str]] = {}
    for text, category in rows:
        out.setdefault(text, set()).add(category)
    return out


def test_every_reason_is_coded_with_evidence_from_its_text(small_case: Case):
    frame = code_reasons(small_case)
    assert _categories(small_case) == {
        "超生": {"family_planning"},
        "持有护照未出境": {"passport_travel"},
        "90后不放心人员": {"birth_decade"},
        "两面人": {"untrustworthy"},
        "安装WhatsApp": {"internet"},
        "其丈夫因宗教极端被收押": {"relative_detained"},
    }
    texts = dict(small_case.store.fetchall("SELECT reason_id, text FROM reasons"))
    for row in frame.itertuples():
        for span in json.loads(row.evidence):
            assert texts[row.reason_id][span["start"]:span["end"]] == span["text"]
    assert set(frame["origin"]) == {"taxonomy"}


def test_uncoded_reasons_are_listed_with_their_row(small_case: Case):
    code_reasons(small_case)
    uncoded = uncoded_reasons(small_case)
    assert list(uncoded["text"]) == ["不明"]
    assert uncoded["row_number"].iloc[0] == 6
    all_codings = codings(small_case)
    assert all_codings[all_codings["text"] == "不明"]["category"].isna().all()


def test_override_is_stored_logged_and_applied_on_every_run(small_case: Case):
    code_reasons(small_case)
    unclear = small_case.store.scalar("SELECT reason_id FROM reasons WHERE text = '不明'")
    internet = small_case.store.scalar("SELECT reason_id FROM reasons WHERE text = '安装WhatsApp'")
    override_coding(small_case, unclear, ["other"], note="read by two analysts")
    override_coding(small_case, internet, ["contact_abroad"], action="add")
    override_coding(small_case, internet, ["internet"], action="remove")
    for _ in range(2):  # a later run keeps the analysts' decisions
        code_reasons(small_case)
        coded = _categories(small_case)
        assert coded["不明"] == {"other"}
        assert coded["安装WhatsApp"] == {"contact_abroad"}
        assert uncoded_reasons(small_case).empty
    origin = small_case.store.scalar(
        "SELECT origin FROM analyse_codings WHERE reason_id = ? AND category = 'other'", [unclear]
    )
    assert origin == "analyst"
    entries = [e for e in small_case.ledger.entries() if e.action == "analyse.override"]
    assert len(entries) == 3
    first = entries[0].as_dict()
    assert first["inputs"]["reason_id"] == unclear
    assert first["details"]["note"] == "read by two analysts" and first["details"]["text"] == "不明"
    # setting an empty list makes a reason uncoded on purpose
    override_coding(small_case, unclear, [])
    assert list(uncoded_reasons(small_case)["text"]) == ["不明"]


def test_override_errors_say_what_to_do(small_case: Case):
    with pytest.raises(CodingError, match="no reason with id 'rsn-missing'.*karez analyse codings"):
        override_coding(small_case, "rsn-missing", ["other"])
    reason = small_case.store.scalar("SELECT reason_id FROM reasons LIMIT 1")
    with pytest.raises(CodingError, match="unknown categories \\['astrology'\\].*taxonomy.yaml"):
        override_coding(small_case, reason, ["astrology"])
    assert small_case.store.count("analyse_overrides") == 0

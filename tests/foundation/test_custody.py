"""Cases, the vault, the ledger, seals, integrity and the custody report."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from karez import Case, CaseError, custody_report
from karez.custody.vault import sha256_file


def test_init_creates_a_case_and_refuses_to_overwrite(tmp_path: Path) -> None:
    case = Case.init(tmp_path / "c")
    assert (tmp_path / "c" / "karez.duckdb").exists()
    assert (tmp_path / "c" / "ledger.jsonl").exists()
    assert [e.action for e in case.ledger.entries()] == ["init"]
    case.close()
    with pytest.raises(CaseError, match="already a karez case"):
        Case.init(tmp_path / "c")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "x.txt").write_text("x")
    with pytest.raises(CaseError, match="not empty"):
        Case.init(tmp_path / "other")
    with pytest.raises(CaseError, match="not a karez case"):
        Case.open(tmp_path / "other")


def test_add_copies_bytes_read_only_and_recognises_duplicates(case: Case, tmp_path: Path) -> None:
    original = tmp_path / "leak.csv"
    original.write_bytes(b"a,b\n1,2\n")
    info = case.add(original, note="first copy", acquired_from="a courier")
    stored = case.vault.path_for(info.sha256)
    assert stored.read_bytes() == original.read_bytes()
    assert sha256_file(stored)[0] == info.sha256
    assert not os.stat(stored).st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
    assert info.source_id == "src-" + info.sha256[:16]
    assert info.media_type == "text/csv" and info.size == 8
    copy = tmp_path / "renamed.csv"
    copy.write_bytes(original.read_bytes())
    again = case.add(copy)
    assert again.already_present and again.source_id == info.source_id
    assert case.store.count("sources") == 1
    assert [e.action for e in case.ledger.entries()] == ["init", "add"]
    row = case.sources()[0]
    assert row["note"] == "first copy" and row["acquired_from"] == "a courier" and row["original_name"] == "leak.csv"


def test_ledger_chains_every_entry_and_names_the_actor(case: Case, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("KAREZ_USER", "editor-a")
    (tmp_path / "f.csv").write_text("a\n1\n")
    case.add(tmp_path / "f.csv")
    entries = list(case.ledger.entries())
    assert entries[1].prev == entries[0].hash
    assert entries[1].actor == "editor-a"
    assert entries[1].inputs["sha256"] == sha256_file(tmp_path / "f.csv")[0]


def _rewrite_line(path: Path, index: int, change) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    entry = json.loads(lines[index])
    change(entry)
    lines[index] = json.dumps(entry, ensure_ascii=False, sort_keys=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_integrity_names_an_altered_original(case: Case, list_files) -> None:
    data, _ = list_files
    info = case.add(data)
    assert case.integrity().ok
    stored = case.vault.path_for(info.sha256)
    os.chmod(stored, 0o644)
    stored.write_bytes(stored.read_bytes() + b"tampered\n")
    report = case.integrity()
    assert not report.ok
    assert any("list.csv was altered" in p for p in report.problems)


def test_integrity_names_a_missing_original_and_an_unknown_file(case: Case, list_files) -> None:
    data, _ = list_files
    info = case.add(data)
    stored = case.vault.path_for(info.sha256)
    os.chmod(stored, 0o644)
    stored.unlink()
    intruder = case.vault.root / "sha256" / "ab" / ("ab" + "0" * 62)
    intruder.parent.mkdir(parents=True)
    intruder.write_bytes(b"x")
    problems = case.integrity().problems
    assert any("missing from the vault" in p for p in problems)
    assert any("unknown file" in p for p in problems)


def test_integrity_detects_altered_reordered_and_removed_ledger_entries(case: Case, tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.csv").write_text(f"x\n{name}\n")
        case.add(tmp_path / f"{name}.csv")
    ledger = case.ledger.path
    original = ledger.read_text(encoding="utf-8")

    _rewrite_line(ledger, 2, lambda e: e["details"].__setitem__("note", "forged"))
    assert any("entry 2 (add) was altered" in p for p in case.integrity().problems)

    ledger.write_text(original, encoding="utf-8")
    lines = original.splitlines()
    lines[1], lines[2] = lines[2], lines[1]
    ledger.write_text("\n".join(lines) + "\n", encoding="utf-8")
    problems = case.integrity().problems
    assert any("reordered" in p or "number 2 where 1 was expected" in p for p in problems)

    del lines[2]
    ledger.write_text("\n".join(original.splitlines()[:2] + original.splitlines()[3:]) + "\n", encoding="utf-8")
    problems = case.integrity().problems
    assert any("chain is broken" in p for p in problems)
    # The source whose add entry vanished is now unexplained.
    assert any("never added in the ledger" in p for p in problems)


def test_seal_signs_the_head_and_detects_a_rewritten_ledger(case: Case, list_files, karez_home: Path) -> None:
    data, _ = list_files
    case.add(data)
    seal = case.seal()
    assert (karez_home / "keys" / "ed25519.pem").exists()
    assert not (case.path / "keys").exists()
    assert len(seal.fingerprint.split("-")) == 4
    assert case.integrity().ok
    assert case.integrity().checked["seals"] == 1
    # A holder who rewrites history and recomputes every hash still cannot match the seal.
    from karez.custody.ledger import entry_hash

    lines = case.ledger.path.read_text(encoding="utf-8").splitlines()
    rewritten, previous = [], "0" * 64
    for line in lines:
        entry = json.loads(line)
        if entry["action"] == "add":
            entry["details"]["acquired_from"] = "someone else"
        entry["prev"] = previous
        entry["hash"] = entry_hash(entry)
        previous = entry["hash"]
        rewritten.append(json.dumps(entry, ensure_ascii=False, sort_keys=True))
    case.ledger.path.write_text("\n".join(rewritten) + "\n", encoding="utf-8")
    problems = case.integrity().problems
    assert any("differs from the one sealed" in p for p in problems)
    assert not any("altered" in p for p in problems)  # the chain itself is consistent


def test_seal_file_tampering_is_detected(case: Case, list_files) -> None:
    case.add(list_files[0])
    case.seal()
    seal_file = next(case.seals_dir.glob("seal-*.json"))
    data = json.loads(seal_file.read_text())
    data["head_hash"] = "f" * 64
    seal_file.write_text(json.dumps(data))
    assert any("signature does not verify" in p for p in case.integrity().problems)


def test_remove_withdraws_derived_rows_keeps_bytes_and_hash(case: Case, list_files) -> None:
    data, mapping = list_files
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    assert case.store.count("mentions") > 0
    with pytest.raises(CaseError, match="needs a reason"):
        case.remove(info.source_id, reason=" ")
    result = case.remove(info.source_id, reason="added the wrong file")
    assert result["rows_removed"]["mentions"] == 5
    assert case.store.count("mentions") == 0 and case.store.count("records") == 0
    assert case.vault.contains(info.sha256)
    last = list(case.ledger.entries())[-1]
    assert last.action == "remove" and last.inputs["sha256"] == info.sha256
    assert last.details["reason"] == "added the wrong file"
    assert case.integrity().ok


def test_remove_with_purge_destroys_the_bytes(case: Case, list_files) -> None:
    info = case.add(list_files[0])
    case.remove(info.source_id, reason="source protection", purge=True)
    assert not case.vault.contains(info.sha256)
    assert list(case.ledger.entries())[-1].action == "purge"
    report = case.integrity()
    assert report.ok, report.problems


def test_custody_report_lists_sources_hashes_and_actions(case: Case, list_files) -> None:
    data, mapping = list_files
    info = case.add(data, note="received on a USB stick", acquired_from="a courier")
    case.ingest(info.source_id, mapping)
    case.seal()
    text = custody_report(case)
    assert info.sha256 in text
    assert "a courier" in text and "received on a USB stick" in text
    assert "ingest" in text and "synthetic test list" in text
    assert "Integrity now: INTACT" in text
    assert text.index(" add ") < text.index(" ingest ")


def test_status_summarises(case: Case, list_files) -> None:
    data, mapping = list_files
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    summary = case.status()
    assert summary["rows"]["mentions"] == 5
    assert summary["sources"][0]["mapping_name"] == "synthetic test list"
    assert summary["ledger_entries"] == 3


def test_integrity_notices_rows_deleted_or_duplicated_behind_its_back(case: Case, list_files) -> None:
    data, mapping = list_files
    info = case.add(data)
    case.ingest(info.source_id, mapping)
    case.store.execute("DELETE FROM reasons WHERE ordinal = 1")
    problems = case.integrity().problems
    assert any("reasons holds 2 rows" in p and "recorded 3" in p for p in problems)
    case.store.execute("INSERT INTO reasons SELECT * FROM reasons LIMIT 1")
    assert any("repeat an id" in p for p in case.integrity().problems)

"""The CLI is a thin layer: each command runs, prints what it promises, exits as documented."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from typer.testing import CliRunner

from karez.cli import app

runner = CliRunner()


def karez(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
    return result.exit_code, result.stdout, result.stderr


def test_workflow_from_the_command_line(tmp_path: Path, list_files) -> None:
    data, mapping = list_files
    case = tmp_path / "cli-case"
    assert karez("init", case)[0] == 0
    code, out, err = karez("add", case, data, "--note", "as received", "--acquired-from", "a courier")
    assert code == 0
    source_id = out.strip()
    assert source_id.startswith("src-")
    code, out, _ = karez("add", case, data, "--json")
    assert json.loads(out)["already_present"] is True
    code, out, _ = karez("ingest", case, source_id, "--mapping", mapping, "--json")
    assert code == 0 and json.loads(out)["counts"]["mentions"] == 5
    code, out, _ = karez("ingest", case, "list.csv", "-m", mapping, "--json")
    assert json.loads(out)["unchanged"] is True
    status = json.loads(karez("status", case, "--json")[1])
    assert status["rows"]["mentions"] == 5 and status["ledger_entries"] == 3
    ledger = json.loads(karez("log", case, "--json")[1])
    assert [e["action"] for e in ledger] == ["init", "add", "ingest"]

    from karez import Case

    with Case.open(case) as opened:
        mention = opened.store.scalar("SELECT mention_id FROM mentions WHERE name = '古丽·艾买提'")
    shown = json.loads(karez("show", case, mention[:12], "--json")[1])
    assert shown["fields"]["name"]["original"] == "古丽·艾买提"
    assert shown["source"]["file"] == "list.csv" and shown["source"]["row"] == 2
    code, out, _ = karez("show", case, mention)
    assert "column '家庭成员'" in out

    assert karez("integrity", case)[0] == 0
    code, out, _ = karez("seal", case)
    fingerprint = out.strip().splitlines()[-1]
    assert code == 0 and len(fingerprint) == 23
    custody = karez("custody", case)[1]
    assert fingerprint in custody and "a courier" in custody

    code, out, _ = karez("remove", case, source_id, "--reason", "wrong file")
    assert code == 0 and re.search(r"withdrew src-\w+: \d+ derived rows removed", out)
    assert json.loads(karez("status", case, "--json")[1])["rows"]["mentions"] == 0


def test_integrity_exits_non_zero_and_names_the_problem(tmp_path: Path, list_files) -> None:
    data, _ = list_files
    case = tmp_path / "c"
    karez("init", case)
    karez("add", case, data)
    stored = next((case / "vault" / "sha256").glob("*/*"))
    os.chmod(stored, 0o644)
    stored.write_bytes(b"changed")
    code, out, err = karez("integrity", case)
    assert code == 1
    assert "list.csv was altered" in err
    code, out, _ = karez("integrity", case, "--json")
    assert code == 1 and json.loads(out)["ok"] is False


def test_errors_are_clean_messages(tmp_path: Path) -> None:
    import subprocess
    import sys

    from karez.cli import main

    result = subprocess.run(
        [sys.executable, "-c", "from karez.cli import main; main()", "status", str(tmp_path / "nowhere")],
        capture_output=True, text=True,
    )
    assert result.returncode == 1
    assert "error: no case at" in result.stderr and "Traceback" not in result.stderr
    assert callable(main)


def test_export_ftm_is_valid_followthemoney_and_confidential(tmp_path: Path, list_files) -> None:
    from followthemoney import model

    data, mapping = list_files
    case = tmp_path / "c"
    karez("init", case)
    karez("add", case, data)
    karez("ingest", case, "list.csv", "-m", mapping)
    out = tmp_path / "export.jsonl"
    code, _, _ = karez("export", case, "--format", "ftm", "--out", out)
    assert code == 0
    schemata: dict[str, int] = {}
    ids = set()
    for line in out.read_text(encoding="utf-8").splitlines():
        data_ = json.loads(line)
        proxy = model.get_proxy(data_, cleaned=False)
        assert proxy.schema.validate(data_) is None  # raises InvalidData on a bad entity
        # Every property survives the library's own cleaning: nothing invalid was written.
        cleaned = model.get_proxy(data_, cleaned=False).to_dict()["properties"]
        assert cleaned == data_["properties"]
        schemata[proxy.schema.name] = schemata.get(proxy.schema.name, 0) + 1
        ids.add(proxy.id)
    assert schemata == {"Document": 1, "Person": 5, "Family": 2, "Event": 4, "Note": 3}
    meta = json.loads((tmp_path / "export.jsonl.meta.json").read_text())
    assert meta["classification"].startswith("CONFIDENTIAL")
    from karez import Case

    with Case.open(case) as opened:
        last = list(opened.ledger.entries())[-1]
    assert last.action == "export" and last.outputs["sha256"] == meta["sha256"]


def test_export_refuses_unknown_formats(tmp_path: Path) -> None:
    case = tmp_path / "c"
    karez("init", case)
    code, _, err = karez("export", case, "--format", "csv")
    assert code == 1 and "unknown export format 'csv'" in err

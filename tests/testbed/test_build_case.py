"""The testbed as a case: every leak ingests with its mapping and every mention is accounted for."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from karez import Case
from karez.cli import app
from karez.testbed import Truth, build_case, evaluate_ingest


def test_build_case_ingests_every_leak_and_truth_accounts_for_all(small_testbed, tmp_path):
    out, summary = small_testbed
    results = build_case(out, tmp_path / "case")
    assert set(results) == set(summary["leaks"])
    truth = Truth(out / "truth")
    with Case.open(tmp_path / "case") as case:
        report = evaluate_ingest(case, truth)
        mapped = truth.mention_map(case)
    assert report["ok"], report
    assert report["total"]["missing"] == 0 and report["total"]["unexpected"] == 0
    assert len(mapped) == len(truth.mentions)
    for file, _info in summary["leaks"].items():
        assert report["per_leak"][file]["matched"] == report["per_leak"][file]["truth_mentions"] > 0, file


def test_cli_generate_and_evaluate(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["testbed", "generate", str(tmp_path / "tb"), "--seed", "3", "--json"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["seed"] == 3 and summary["true_detained"] > 0
    result = runner.invoke(app, ["testbed", "build-case", str(tmp_path / "tb"), str(tmp_path / "case"), "--json"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["testbed", "evaluate", "ingest", str(tmp_path / "case"),
                                 str(tmp_path / "tb" / "truth"), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True

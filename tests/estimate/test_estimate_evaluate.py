"""`karez testbed evaluate estimate`: estimates against the testbed's true number detained."""

from __future__ import annotations

import pytest

from karez.custody import Case
from karez.estimate.evaluate import evaluate
from karez.testbed import Truth, build_case, generate


@pytest.mark.slow
def test_evaluate_on_a_small_testbed(tmp_path):
    summary = generate(tmp_path / "out", seed=1, scale="small")
    build_case(tmp_path / "out", tmp_path / "case")
    truth = Truth(tmp_path / "out" / "truth")
    with Case.open(tmp_path / "case") as case:
        result = evaluate(case, truth)
    assert result["stage"] == "estimate"
    assert result["true_detained"] == summary["true_detained"]
    assert result["lists"] == ["karakax_list.xlsx", "police_status.xlsx", "testimonies.jsonl"]
    # With the true linkage, the people seen are exactly those on any list.
    assert result["n_observed_true_linkage"] == summary["lists"]["on_any_list"]
    methods = {row["method"]: row for row in result["true_linkage"]}
    assert set(methods) == {"independence", "stepwise", "aic", "bic", "lcmcr"}
    for row in methods.values():
        if "error" not in row:
            assert row["estimate"] >= result["n_observed_true_linkage"]
            assert isinstance(row["covers_truth"], bool)
    assert result["case_linkage"] is None  # the case was not linked

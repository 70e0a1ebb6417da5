"""The analysis on a generated testbed case (a seed the taxonomy was not tuned on), scored
against the testbed's ground truth."""

from __future__ import annotations

from pathlib import Path

import pytest

from karez.analyse import Analysis
from karez.analyse.evaluate import evaluate
from karez.analyse.report import write_report
from karez.custody import Case
from karez.testbed import Truth, build_case, generate


@pytest.fixture(scope="module")
def testbed_case(tmp_path_factory):
    root = tmp_path_factory.mktemp("analyse-testbed")
    generate(root / "out", seed=11, scale="small")
    build_case(root / "out", root / "case")
    return root


@pytest.mark.slow
def test_coder_and_circles_against_truth(testbed_case: Path):
    truth = Truth(testbed_case / "out" / "truth")
    with Case.open(testbed_case / "case") as case:
        result = evaluate(case, truth)
    coder = result["coder"]
    assert coder["reasons_matched_to_truth"] == len(truth.reasons)
    for code, scores in coder["per_category"].items():
        assert scores["precision"] >= 0.95 and scores["recall"] >= 0.95, (code, scores, coder["errors"])
    circles = result["circles"]
    assert circles["per_person_agreement"]["relatives_abroad"] == 1.0
    assert circles["per_person_agreement"]["detained_relatives"] >= 0.95
    if "list_date" in truth.summary:  # the truth says on what date the list speaks
        assert circles["exact"], circles["disagreements"]


@pytest.mark.slow
def test_tables_and_report_on_the_testbed(testbed_case: Path, tmp_path: Path):
    with Case.open(testbed_case / "case") as case:
        analysis = Analysis(case)
        reasons = analysis.reason_table().set_index("category")
        n_reasons = case.store.count("reasons")
        assert reasons["mentions"].sum() >= n_reasons  # every reason counted at least once
        assert "(uncoded)" not in reasons.index or reasons.loc["(uncoded)", "mentions"] < 0.05 * n_reasons
        assert analysis.schemes(), "the Karakax-style list states household classifications"
        result = write_report(case, tmp_path / "report", truth_dir=testbed_case / "out" / "truth")
    page = result.path.read_text(encoding="utf-8")
    assert page.count("<svg") >= 6
    assert "Family circles" in page
    assert "Coder: precision and recall per category" in page and "per-person agreement" in page

"""`karez estimate` on counts files and cases; every method side by side."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from karez.cli import app
from karez.estimate import compare, disagreement, from_counts, internal_consistency, load_counts

KEYS = {"estimate", "interval", "interval_level", "interval_kind", "method", "model", "n_observed", "diagnostics", "warnings"}


def _run(*args: str):
    result = CliRunner().invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_cli_stepwise_json_has_the_documented_keys(benchmarks_path):
    payload = _run("estimate", "--counts", str(benchmarks_path), "--dataset", "UK_2013_5lists",
                   "--method", "stepwise", "--bootstrap", "50", "--seed", "1", "--json")
    assert KEYS <= set(payload)
    assert payload["estimate"] == pytest.approx(11313, abs=3)
    assert payload["interval_level"] == 0.95
    assert payload["interval"][0] < payload["estimate"] < payload["interval"][1]
    assert payload["n_observed"] == 2744
    assert payload["method"] == "stepwise"


def test_cli_bic_max_order(benchmarks_path):
    payload = _run("estimate", "--counts", str(benchmarks_path), "--dataset", "UK_2013_5lists",
                   "--method", "bic", "--max-order", "2", "--json")
    assert payload["estimate"] == pytest.approx(22991, abs=3)
    assert payload["interval_kind"] == "wald_model_fixed"
    assert any("too narrow" in w for w in payload["warnings"])


def test_cli_compare_prints_a_list_and_warns_of_disagreement(benchmarks_path):
    payload = _run("estimate", "--counts", str(benchmarks_path), "--dataset", "UK_2013_5lists", "--compare",
                   "--bootstrap", "0", "--iterations", "300", "--burn-in", "50", "--seed", "2", "--json")
    assert [p["method"] for p in payload] == ["independence", "stepwise", "bic", "aic", "lcmcr", "bma"]
    for item in payload:
        assert KEYS <= set(item)
        assert any("the methods disagree" in w for w in item["warnings"])
    lcmcr = payload[-2]
    assert {"rhat", "ess"} <= set(lcmcr["diagnostics"])


def test_cli_errors_name_the_file_and_exit_1(tmp_path):
    missing = tmp_path / "nothing.json"
    process = subprocess.run(
        [sys.executable, "-c", "from karez.cli import main; main()", "estimate", "--counts", str(missing), "--json"],
        capture_output=True, text=True, check=False,
    )
    assert process.returncode == 1
    assert "nothing.json" in process.stderr and "not found" in process.stderr
    assert process.stdout == ""


@pytest.mark.parametrize(
    "entry, message",
    [
        ({"lists": ["A", "B"], "counts": {"10": 1e999, "01": 1, "11": 1}}, "count of pattern 10 is infinite"),
        ({"lists": ["A", "B"], "counts": {"10": 10**29, "01": 1, "11": 1}}, "counts must add up to less than 2^53"),
        ({"lists": [f"L{i}" for i in range(40)], "counts": {"1" * 40: 3}}, "40 lists; karez estimates from at most 12"),
    ],
)
def test_cli_refuses_counts_it_cannot_use_without_a_traceback(tmp_path, entry, message):
    path = tmp_path / "counts.json"
    path.write_text(json.dumps(entry))
    process = subprocess.run(
        [sys.executable, "-c", "from karez.cli import main; main()", "estimate", "--counts", str(path), "--json"],
        capture_output=True, text=True, check=False,
    )
    assert process.returncode == 1
    assert process.stderr.startswith(f"error: file {path}: ")
    assert message in process.stderr and "Traceback" not in process.stderr
    assert process.stdout == ""


def test_cli_on_a_case(tmp_path):
    from karez.custody import Case

    case = Case.init(tmp_path / "case")
    store = case.store
    store.execute("CREATE TABLE IF NOT EXISTS link_clusters (mention_id VARCHAR PRIMARY KEY, person_id VARCHAR, probability DOUBLE)")
    counts = {"ab": 30, "a": 70, "b": 45}
    n = 0
    for pattern, count in counts.items():
        for _ in range(count):
            n += 1
            for letter in pattern:
                mention = f"m{n}{letter}"
                store.execute(
                    "INSERT INTO mentions (mention_id, record_id, source_id, ingest_id, role, person_key, ordinal) "
                    "VALUES (?, 'r', ?, 'i', 'subject', 'subject', 0)", [mention, f"src-{letter}"])
                store.execute("INSERT INTO link_clusters VALUES (?, ?, 1.0)", [mention, f"p{n}"])
    case.close()
    payload = _run("estimate", str(tmp_path / "case"), "--method", "independence", "--bootstrap", "0", "--json")
    assert payload["n_observed"] == 145
    assert payload["estimate"] == pytest.approx(145 + 70 * 45 / 30, rel=1e-6)


def test_compare_keeps_refused_methods_visible():
    histories = from_counts(["A", "B", "C"], {"100": 40, "010": 25, "001": 30})
    results = compare(histories, ["independence", "stepwise"], bootstrap=0)
    assert all(r.estimate != r.estimate for r in results)  # NaN, not a huge number
    assert all(r.to_dict()["interval"] is None and r.to_dict()["estimate"] is None for r in results)
    assert all("does not exist" in r.warnings[0] for r in results)


def test_no_disagreement_warning_when_methods_agree():
    histories = from_counts(["A", "B", "C"], {"100": 300, "010": 280, "001": 260, "110": 90, "101": 85, "011": 80, "111": 27})
    results = compare(histories, ["independence", "stepwise"], bootstrap=0)
    assert disagreement(results) is None


def test_internal_consistency_on_independent_lists_is_close():
    """Four independent lists: each list's unseen-by-others count is estimated well."""
    import numpy as np

    rng = np.random.default_rng(9)
    caught = rng.random((5000, 4)) < np.array([0.3, 0.25, 0.35, 0.2])
    seen = caught.any(axis=1)
    from karez.estimate.histories import CaptureHistories, pattern_index

    counts = np.bincount(pattern_index(caught[seen].astype(np.int8)), minlength=15)
    rows = internal_consistency(CaptureHistories(("A", "B", "C", "D"), counts), "independence")
    for row in rows:
        assert abs(row["estimated_missed"] - row["missed_by_others"]) < 0.15 * row["missed_by_others"]


def test_internal_consistency_reports_lists_it_cannot_check(benchmarks_path):
    rows = internal_consistency(load_counts(benchmarks_path, "UK_2013_5lists"))
    gp = next(r for r in rows if r["list"] == "GP")
    assert "error" in gp  # GP's people overlap no two other lists: no finite estimate
    assert all("known" in r for r in rows)


def test_three_lists_carry_the_shared_visibility_warning_and_it_is_true(benchmarks_path):
    """With three lists a visibility shared by every list leaves no trace in the seven counts
    and pulls every method down; each three-list estimate says so, five-list ones do not."""
    import numpy as np

    from karez.estimate import estimate
    from karez.estimate.methods import THREE_LISTS_WARNING

    rng = np.random.default_rng(3)
    truth = 3000
    visibility = rng.normal(0, 1.2, size=truth)  # one per person, shared by every list
    caught = rng.random((truth, 3)) < 1 / (1 + np.exp(-(-1.0 + visibility[:, None])))
    seen = caught[caught.any(axis=1)].astype(int)
    counts: dict[str, int] = {}
    for row in seen:
        key = "".join(map(str, row))
        counts[key] = counts.get(key, 0) + 1
    histories = from_counts(["A", "B", "C"], counts)
    for method in ("independence", "stepwise", "aic"):
        result = estimate(histories, method, bootstrap=0, seed=1)
        assert THREE_LISTS_WARNING in result.warnings
        if method != "aic":  # two-list terms absorb part of the bias, with a wide spread
            assert result.estimate < 0.8 * truth  # the bias the warning names
    five = load_counts(benchmarks_path, "UK_2013_5lists")
    assert THREE_LISTS_WARNING not in estimate(five, "independence", bootstrap=0).warnings

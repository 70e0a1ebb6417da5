"""benchmarks/bench_estimate.py judges its time targets only on full runs."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """benchmarks/bench_estimate.py as a module (the benchmarks are scripts, not a package)."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_estimate.py"
    spec = importlib.util.spec_from_file_location("bench_estimate_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_quick_lcmcr_run_does_not_claim_the_target(bench: ModuleType, capsys) -> None:
    bench.bench_lcmcr(iterations=40, burn_in=10)
    verdict = capsys.readouterr().out.splitlines()[-1]
    assert verdict.endswith("target < 60 s: n/a (quick run)")


def test_a_quick_bootstrap_run_does_not_claim_the_target(bench: ModuleType, capsys) -> None:
    bench.bench_bootstrap(replicates=10, baseline_share=1)
    verdict = capsys.readouterr().out.splitlines()[-1]
    assert verdict.endswith("target < 20 s: n/a (quick run)")

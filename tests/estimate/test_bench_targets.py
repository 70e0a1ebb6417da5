"""benchmarks/bench_estimate.py judges its time targets only on full runs."""

from __future__ import annotations

from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def bench(load_benchmark) -> ModuleType:
    return load_benchmark("bench_estimate")


def test_a_quick_lcmcr_run_does_not_claim_the_target(bench: ModuleType, capsys) -> None:
    bench.bench_lcmcr(iterations=40, burn_in=10)
    verdict = capsys.readouterr().out.splitlines()[-1]
    assert verdict.endswith("target < 60 s: n/a (quick run)")


def test_a_quick_bootstrap_run_does_not_claim_the_target(bench: ModuleType, capsys) -> None:
    bench.bench_bootstrap(replicates=10, baseline_share=1)
    verdict = capsys.readouterr().out.splitlines()[-1]
    assert verdict.endswith("target < 20 s: n/a (quick run)")

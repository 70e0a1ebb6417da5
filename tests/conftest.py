"""Shared fixtures. Tests run offline, on real DuckDB files in temporary folders."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest


@pytest.fixture(autouse=True)
def karez_home(tmp_path_factory, monkeypatch):
    """Keys and settings of a throwaway karez home, never the user's own."""
    home = tmp_path_factory.mktemp("karez-home")
    monkeypatch.setenv("KAREZ_HOME", str(home))
    monkeypatch.setenv("KAREZ_USER", "test-analyst")
    os.environ.pop("KAREZ_DEBUG", None)
    return home


def _load_benchmark(name: str) -> ModuleType:
    """benchmarks/NAME.py as a module (the benchmarks are scripts, not a package)."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"{name}_under_test", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def load_benchmark():
    """A function loading benchmarks/NAME.py as a module, for tests of the benchmarks."""
    return _load_benchmark

"""Fixtures for the names tests."""

from __future__ import annotations

from types import ModuleType

import pytest


@pytest.fixture(scope="session")
def bench(load_benchmark) -> ModuleType:
    return load_benchmark("bench_names")

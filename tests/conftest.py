"""Shared fixtures. Tests run offline, on real DuckDB files in temporary folders."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def karez_home(tmp_path_factory, monkeypatch):
    """Keys and settings of a throwaway karez home, never the user's own."""
    home = tmp_path_factory.mktemp("karez-home")
    monkeypatch.setenv("KAREZ_HOME", str(home))
    monkeypatch.setenv("KAREZ_USER", "test-analyst")
    os.environ.pop("KAREZ_DEBUG", None)
    return home

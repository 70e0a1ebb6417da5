"""The public API is explicit and small: every name in __all__ exists."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import karez

STAGES = ["karez", "karez.custody", "karez.ingest", "karez.store", "karez.interchange", "karez.names",
          "karez.testbed", "karez.verify", "karez.link", "karez.analyse", "karez.estimate"]


@pytest.mark.parametrize("module_name", STAGES)
def test_all_names_exist(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert hasattr(module, "__all__"), f"{module_name} has no __all__"
    for name in module.__all__:
        assert hasattr(module, name), f"{module_name}.{name} is in __all__ but missing"


def test_import_karez_is_light() -> None:
    """`import karez` must not pull in the heavy parts (Splink, pdf, plotting)."""
    code = "import sys, karez; print(','.join(m for m in ('splink', 'pdfplumber', 'matplotlib', 'followthemoney', 'reportlab') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == ""


def test_version() -> None:
    assert karez.__version__.count(".") == 2

"""Fixtures for the verification tests: a real case in a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from verify_builders import CaseBuilder

from karez.custody import Case


@pytest.fixture
def case(tmp_path: Path) -> Iterator[Case]:
    opened = Case.init(tmp_path / "case")
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def builder(case: Case) -> CaseBuilder:
    return CaseBuilder(case)

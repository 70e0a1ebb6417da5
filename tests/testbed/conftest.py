"""One small testbed per test session: generating it takes seconds."""

from __future__ import annotations

import pytest

from karez.testbed import generate


@pytest.fixture(scope="session")
def small_testbed(tmp_path_factory):
    out = tmp_path_factory.mktemp("testbed") / "tb"
    summary = generate(out, seed=7, scale="small")
    return out, summary

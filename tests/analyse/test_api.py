"""The public API of karez.analyse: every exported name exists and is documented."""

from __future__ import annotations

import karez.analyse as analyse


def test_every_exported_name_exists_and_has_a_docstring():
    assert len(analyse.__all__) == len(set(analyse.__all__))
    for name in analyse.__all__:
        value = getattr(analyse, name)
        if callable(value):
            assert (value.__doc__ or "").strip(), name

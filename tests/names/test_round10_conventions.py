"""Round 10: names_test7.tsv is development material; conventions seen on the misses and the
low-scoring pairs of the development material (names_dev.tsv, names_test2 to names_test7.tsv).

Names are plain name stock with no person behind it, or published names of public figures from
the development material. Never from names_test8.tsv (the held-out set of round 10).
"""

from __future__ import annotations

from types import ModuleType


def test_the_benchmark_counts_names_test7_as_development_material(bench: ModuleType) -> None:
    assert bench.DEVELOPMENT_FILES["test7"].name == "names_test7.tsv"
    assert "test7" in bench.DEVELOPMENT_LABELS
    # the fresh set of round 10 is the default test set when it exists (only its path is
    # named); until then the last evaluated set stands in
    assert bench.TEST_SET_FRESH.name == "names_test8.tsv"
    assert bench.TEST_SET_FALLBACK.name == "names_test7.tsv"
    assert bench.TEST_SET == (bench.TEST_SET_FRESH if bench.TEST_SET_FRESH.exists() else bench.TEST_SET_FALLBACK)

"""Names in record linkage: precomputed name columns, a Splink comparison, blocking rules.

Why precomputed columns rather than UDFs: the Han syllable model is Python. A Python UDF
runs once per *candidate pair* and is slow or unavailable on some engines (DuckDB needs
it registered per connection; Spark serialises rows to Python workers). Names repeat
heavily (a county register of 2.5 million names has about 200,000 distinct strings), so
reading each distinct string once in Python and storing the results as plain columns is
both faster and engine-neutral: Splink then compares the columns with the built-in SQL
functions (`jaro_winkler_similarity`, equality, array intersection) that exist on DuckDB
and on Spark alike.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from karez.errors import KarezError
from karez.names.compare import coarse_key, consonant_key, distinct_skeletons, skeleton
from karez.names.parse import parse

NAME_COLUMNS = (
    "name_uly",
    "given_uly",
    "father_uly",
    "name_skeleton",
    "given_skeleton",
    "father_skeleton",
    "given_key",
    "father_key",
    "name_keys",
    "name_is_reading",
    "name_coarse_keys",
)


class NameColumnError(KarezError):
    """The frame given to `name_columns` lacks the name column."""


def _columns_for(text: str) -> tuple[Any, ...]:
    parsed = parse(text)
    readings = parsed.readings
    given = readings[0][0][0] if readings else None
    father = readings[1][0][0] if len(readings) > 1 else None
    keys: list[str] = []
    for part_readings in readings[:3]:
        for reading, _weight in part_readings[:2]:
            key = consonant_key(reading)[:4]
            if key and key not in keys:
                keys.append(key)
    return (
        parsed.uly or None,
        given,
        father,
        " ".join(skeleton(r[0][0]) for r in readings) or None,
        skeleton(given) if given else None,
        skeleton(father) if father else None,
        consonant_key(given)[:4] if given else None,
        consonant_key(father)[:4] if father else None,
        keys,
        parsed.is_reading,
        _coarse_keys(readings),
    )


def _coarse_keys(readings: Any) -> list[str]:
    """Coarse keys of the given and father's name together, one per pair of their best
    distinct readings (up to three each), in sorted order so swapped parts agree.

    Every ranked reading counts, not only the first: the machine reading of 亚辛江 ranks
    'yashinjan' first and 'yasinjan' second, and a relative abroad writes 'Yasinjan'.
    """
    if not readings:
        return []
    givens = sorted({coarse_key(s)[:3] for s, _w in distinct_skeletons(readings[0])} - {""})
    if len(readings) < 2:
        return givens
    fathers = sorted({coarse_key(s)[:3] for s, _w in distinct_skeletons(readings[1])} - {""})
    out = sorted({"|".join(sorted((g, f))) for g in givens for f in fathers})
    return out or givens


def name_columns(frame: pd.DataFrame, column: str = "name") -> pd.DataFrame:
    """Return a copy of `frame` with name columns for linkage added.

    Added: `name_uly`, `given_uly`, `father_uly` (best ULY readings), `name_skeleton`,
    `given_skeleton`, `father_skeleton` (phonetic skeletons, for string similarity),
    `given_key`, `father_key` (consonant keys, for blocking), `name_keys` (list of part
    keys, for array blocking), `name_is_reading` (True where the ULY is a machine reading
    of Chinese characters or pinyin), `name_coarse_keys` (list of coarse keys of given and
    father's name in every pair of their ranked readings, for blocking across scripts).
    Each distinct name string is read once.
    Missing names give nulls (an empty list for `name_keys`).
    """
    if column not in frame.columns:
        raise NameColumnError(
            f"the table has no column {column!r} (columns: {', '.join(map(str, frame.columns))}); "
            "pass column= the name of the column that holds names"
        )
    values = frame[column]
    distinct = pd.unique(values.dropna().astype(str))
    table = {text: _columns_for(text) for text in distinct}
    empty: tuple[Any, ...] = (None,) * 8 + ([], False, [])
    rows = [table.get(str(v), empty) if pd.notna(v) else empty for v in values]
    out = frame.copy()
    for index, name in enumerate(NAME_COLUMNS):
        out[name] = [list(row[index]) if isinstance(row[index], list) else row[index] for row in rows]
    return out


def name_comparison(threshold_high: float = 0.92, threshold_low: float = 0.8) -> Any:
    """A Splink comparison of names on the columns `name_columns` adds.

    Levels, strongest first: both names null; same given and father skeletons; given and
    father both at least `threshold_high` Jaro-Winkler; given and father swapped; given
    name close and father close at `threshold_low`; given name only close; all else.
    """
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl

    return cl.CustomComparison(
        output_column_name="name",
        comparison_description="Uyghur name across scripts (karez.names)",
        comparison_levels=[
            cll.NullLevel("given_skeleton"),
            cll.And(cll.ExactMatchLevel("given_skeleton"), cll.ExactMatchLevel("father_skeleton")),
            cll.And(
                cll.JaroWinklerLevel("given_skeleton", threshold_high),
                cll.JaroWinklerLevel("father_skeleton", threshold_high),
            ),
            cll.ColumnsReversedLevel("given_skeleton", "father_skeleton", symmetrical=True),
            cll.And(
                cll.JaroWinklerLevel("given_skeleton", threshold_low),
                cll.JaroWinklerLevel("father_skeleton", threshold_low),
            ),
            cll.JaroWinklerLevel("given_skeleton", threshold_high),
            cll.ElseLevel(),
        ],
    )


def blocking_rules() -> list[Any]:
    """Splink blocking rules on the name columns: same given+father keys, or a shared
    part key (by exploding `name_keys`, which also catches swapped parts)."""
    from splink import block_on

    return [
        block_on("given_key", "father_key"),
        block_on("name_keys", arrays_to_explode=["name_keys"]),
    ]

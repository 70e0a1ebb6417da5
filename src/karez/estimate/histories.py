"""Capture histories: how many people appear on each combination of lists.

Every method in `karez.estimate` works on counts per capture pattern, never on persons: a
pattern is one 0/1 character per list, in list order ("10100": on the first and third list
only). The pattern of people on no list ("00000") is what we estimate, so it is never
observed and never stored.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from karez.estimate.errors import EstimateError

# Every method works on all 2^k - 1 capture patterns of k lists. At 12 lists (4,095 patterns)
# the log-linear existence check and fit take tens of seconds per estimate, before any
# bootstrap; at 15 lists (32,767) minutes; at 40 the table alone would not fit in memory.
# Graph averaging (`bma`) has its own, lower limit of 5 lists.
MAX_LISTS = 12
# Counts are added up and fitted in floating point, which holds every whole number only
# below 2^53; no list of people comes near it, so a count beyond it is a mistake in the file.
MAX_COUNT = 2**53


def check_list_count(k: int, where: str, advice: str = "combine lists or leave some out") -> None:
    """Refuse more lists than the methods can estimate from (MAX_LISTS), before any table
    of 2^k - 1 patterns is made."""
    if k > MAX_LISTS:
        raise EstimateError(
            f"{where}: {k} lists; karez estimates from at most {MAX_LISTS}. Every method works on "
            f"all 2^k - 1 capture patterns ({2**MAX_LISTS - 1:,} for {MAX_LISTS} lists, "
            f"{2**k - 1:,} for {k}), and beyond {MAX_LISTS} lists the log-linear fits take many "
            f"minutes each; {advice}."
        )


@dataclass(frozen=True)
class CaptureHistories:
    """Counts of people per capture pattern over `lists` (the all-zero pattern excluded).

    `patterns` holds every one of the 2^k - 1 observable patterns as rows of 0/1 in a fixed
    order (the pattern's binary number, first list as the highest bit); `counts` holds how
    many people were seen with each, zero where nobody was.
    """

    lists: tuple[str, ...]
    counts: np.ndarray  # int64, shape (2^k - 1,)
    source: str = ""
    stratum: str | None = None
    notes: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        k = len(self.lists)
        check_list_count(k, self._where())
        if k < 2:
            raise EstimateError(
                f"{self._where()}: estimation needs at least two lists, got {k} "
                f"({', '.join(self.lists) or 'none'}); add another list."
            )
        if len(set(self.lists)) != k:
            raise EstimateError(f"{self._where()}: list names repeat: {', '.join(self.lists)}")
        counts = np.asarray(self.counts, dtype=np.int64)
        if counts.shape != (2**k - 1,):
            raise EstimateError(f"{self._where()}: expected {2**k - 1} pattern counts, got {counts.shape}")
        if (counts < 0).any():
            raise EstimateError(f"{self._where()}: a pattern count is negative")
        object.__setattr__(self, "counts", counts)
        on_list = patterns_matrix(k).T @ counts
        empty = [name for name, n in zip(self.lists, on_list, strict=True) if n == 0]
        if empty:
            raise EstimateError(
                f"{self._where()}: nobody is on list {', '.join(empty)}; "
                "leave that list out (an empty list carries no information about overlap)."
            )

    def _where(self) -> str:
        text = self.source or "capture histories"
        return f"{text} (stratum {self.stratum})" if self.stratum else text

    @property
    def k(self) -> int:
        """Number of lists."""
        return len(self.lists)

    @property
    def patterns(self) -> np.ndarray:
        """The 2^k - 1 observable patterns as a 0/1 matrix, one row per pattern."""
        return patterns_matrix(self.k)

    @property
    def n_observed(self) -> int:
        """Number of distinct people seen on at least one list."""
        return int(self.counts.sum())

    def as_dict(self) -> dict[str, int]:
        """Pattern string -> count, observed patterns only, in the benchmarks.json format."""
        return {
            "".join(str(int(b)) for b in row): int(c)
            for row, c in zip(self.patterns, self.counts, strict=True)
            if c > 0
        }

    def with_counts(self, counts: np.ndarray) -> CaptureHistories:
        """The same lists with other counts (used by resampling); no re-validation of names."""
        return CaptureHistories(self.lists, counts, self.source, self.stratum, self.notes)

    def drop_list(self, index: int) -> CaptureHistories:
        """Histories over the other lists (people seen only on the dropped list disappear)."""
        keep = [i for i in range(self.k) if i != index]
        return self.restrict(keep, on_list=None)

    def restrict(self, keep: Sequence[int], on_list: int | None) -> CaptureHistories:
        """Histories over lists `keep`; with `on_list`, only of people on that list.

        People seen on none of the kept lists fall into the unobserved pattern and are
        dropped; `internal_consistency` counts them itself.
        """
        pats = self.patterns
        counts = self.counts
        if on_list is not None:
            mask = pats[:, on_list] == 1
            pats, counts = pats[mask], counts[mask]
        sub = pats[:, list(keep)]
        index = pattern_index(sub)
        out = np.zeros(2 ** len(keep) - 1, dtype=np.int64)
        seen = index >= 0
        np.add.at(out, index[seen], counts[seen])
        return CaptureHistories(
            tuple(self.lists[i] for i in keep), out, self.source, self.stratum, self.notes
        )


def patterns_matrix(k: int) -> np.ndarray:
    """Rows 1 .. 2^k - 1 as 0/1 vectors, first list as the highest bit."""
    numbers = np.arange(1, 2**k, dtype=np.int64)
    shifts = np.arange(k - 1, -1, -1, dtype=np.int64)
    return ((numbers[:, None] >> shifts[None, :]) & 1).astype(np.int8)


def pattern_index(patterns: np.ndarray) -> np.ndarray:
    """Row of each 0/1 pattern in `patterns_matrix` (-1 for the all-zero pattern)."""
    k = patterns.shape[1]
    weights = 2 ** np.arange(k - 1, -1, -1, dtype=np.int64)
    return patterns.astype(np.int64) @ weights - 1


def from_counts(
    lists: Sequence[str], counts: Mapping[str, int], *, source: str = "", stratum: str | None = None
) -> CaptureHistories:
    """Capture histories from `{"10100": 19, ...}`; patterns not given count zero."""
    k = len(lists)
    where = source or "counts"
    check_list_count(k, where)
    table = np.zeros(2**k - 1, dtype=np.int64)
    total = 0
    for pattern, count in counts.items():
        text = str(pattern).strip()
        if len(text) != k or set(text) - {"0", "1"}:
            raise EstimateError(
                f"{where}: pattern {pattern!r} is not {k} characters of 0/1 "
                f"(one per list: {', '.join(lists)})"
            )
        if set(text) == {"0"}:
            raise EstimateError(
                f"{where}: pattern {pattern!r} means 'on no list'; nobody can be counted there, "
                "remove it (it is what the estimate is for)."
            )
        if isinstance(count, bool):
            raise EstimateError(f"{where}: count of pattern {pattern} is not a number: {count!r}")
        try:
            value = int(count)
        except OverflowError as error:  # inf, e.g. 1e999 in the JSON
            raise EstimateError(
                f"{where}: count of pattern {pattern} is infinite ({count!r}); give the number of people "
                "seen with that pattern, a whole number >= 0"
            ) from error
        except (TypeError, ValueError) as error:
            raise EstimateError(f"{where}: count of pattern {pattern} is not a number: {count!r}") from error
        if value != count or value < 0:
            raise EstimateError(f"{where}: count of pattern {pattern} must be a whole number >= 0, got {count!r}")
        total += value
        if value >= MAX_COUNT or total >= MAX_COUNT:
            raise EstimateError(
                f"{where}: count of pattern {pattern} is {value:,}"
                + (f", bringing the total to {total:,}" if total != value else "")
                + f"; counts must add up to less than 2^53 ({MAX_COUNT:,}), the largest whole number "
                "the fits hold exactly, and no list of people comes near it. Check the file."
            )
        table[int(text, 2) - 1] += value
    return CaptureHistories(tuple(str(x) for x in lists), table, source=source, stratum=stratum)


def load_counts(path: str | Path, dataset: str | None = None) -> CaptureHistories:
    """Read capture histories from a JSON file.

    The file is either one entry `{"lists": [...], "counts": {"10100": 19, ...}}` or an
    object of such entries keyed by name (like tests/data/mse/benchmarks.json), in which case
    `dataset` picks one (it may be left out when there is only one).
    """
    path = Path(path)
    try:
        data = json.loads(path.read_text("utf-8"))
    except FileNotFoundError as error:
        raise EstimateError(f"file {path}: not found; give the path of a counts JSON file") from error
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EstimateError(f"file {path}: cannot be read as JSON: {error}") from error
    if not isinstance(data, dict):
        raise EstimateError(f"file {path}: expected a JSON object with 'lists' and 'counts'")
    if "lists" in data and "counts" in data:
        entry, name = data, dataset
    else:
        names = [key for key, value in data.items() if isinstance(value, dict) and "counts" in value]
        if not names:
            raise EstimateError(f"file {path}: no entry with 'lists' and 'counts' found")
        if dataset is None:
            if len(names) > 1:
                raise EstimateError(
                    f"file {path}: holds several datasets ({', '.join(names)}); choose one with --dataset"
                )
            dataset = names[0]
        if dataset not in names:
            raise EstimateError(
                f"file {path}: no dataset {dataset!r}; the file holds {', '.join(names)}"
            )
        entry, name = data[dataset], dataset
    lists, counts = entry.get("lists"), entry.get("counts")
    if not isinstance(lists, list) or not isinstance(counts, dict):
        raise EstimateError(f"file {path}, dataset {name}: 'lists' must be a list and 'counts' an object")
    where = f"file {path}" + (f", dataset {name}" if name else "")
    return from_counts(lists, counts, source=where)

"""What every leak renderer receives and returns."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from karez.testbed.detention import Detention
from karez.testbed.faults import FaultRates
from karez.testbed.lexicon import Lexicon
from karez.testbed.population import Population

LOCATOR = ["file", "sheet", "page", "row_number", "person_key", "ordinal"]


@dataclass
class Context:
    """The world a leak is rendered from."""

    rng: np.random.Generator
    lexicon: Lexicon
    population: Population
    detention: Detention
    rates: FaultRates
    seed: int
    version: str
    note: str
    scale: str


@dataclass
class LeakOutput:
    """A rendered leak's ground truth: mentions, faults and reasons, each with locators."""

    files: list[str]
    mentions: list[pd.DataFrame] = field(default_factory=list)
    faults: list[pd.DataFrame] = field(default_factory=list)
    reasons: list[pd.DataFrame] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)


def locate(frame: pd.DataFrame, positions: np.ndarray, file: str, *, sheet: str | None,
           page: np.ndarray | None, row_number: np.ndarray, person_key: str,
           ordinal: np.ndarray | int = 0) -> pd.DataFrame:
    """Attach locators to a log whose `position` column indexes the given row arrays."""
    out = frame.copy()
    pos = out.pop("position").to_numpy() if "position" in out else positions
    out.insert(0, "file", file)
    out.insert(1, "sheet", sheet)
    out.insert(2, "page", None if page is None else np.asarray(page)[pos])
    out.insert(3, "row_number", np.asarray(row_number)[pos])
    out.insert(4, "person_key", person_key)
    out.insert(5, "ordinal", np.asarray(ordinal)[pos] if not np.isscalar(ordinal) else ordinal)
    return out

"""Shared data of the estimation tests: the published benchmark counts, copied with citations
from the shared MSE benchmark file into tests/data/mse/benchmarks.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "data" / "mse" / "benchmarks.json"


@pytest.fixture(scope="session")
def benchmarks_path() -> Path:
    return BENCHMARKS


@pytest.fixture(scope="session")
def benchmarks() -> dict:
    return json.loads(BENCHMARKS.read_text("utf-8"))


@pytest.fixture(scope="session")
def simulate_latent_classes():
    """A function simulating capture histories from a latent-class model."""
    return _simulate_latent_classes


def _simulate_latent_classes(
    rng: np.random.Generator, total: int, weights: list[float], capture: list[list[float]]
) -> np.ndarray:
    """0/1 capture histories of `total` people from a latent-class model (one row each)."""
    classes = rng.choice(len(weights), size=total, p=weights)
    probabilities = np.asarray(capture)[classes]
    return (rng.random(probabilities.shape) < probabilities).astype(np.int8)

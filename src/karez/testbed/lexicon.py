"""The name lexicon (`data/names.yaml`) as arrays, and how often each name is given.

Frequency model: within each sex, the name of rank r (0 = commonest, the order of the YAML)
is drawn with weight 1 / (r + 2) ** 1.1, a Zipf-like law. With the lexicon's ~200 names per
sex this makes the top 30 names cover about half of all people and the top 5 about 15 %,
the concentration reported for Uyghur given names (a few dozen names dominate, so many
people share both name parts). docs/testbed.md explains the choice.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import yaml

from karez.testbed.scripts import uly_to_arabic

ZIPF_EXPONENT = 1.1
ZIPF_OFFSET = 2
MAX_VARIANTS = 4


@dataclass(frozen=True)
class Lexicon:
    """Names as parallel arrays; `chinese[i, k]` is variant k of name i (k < n_chinese[i],
    higher k repeat the list cyclically so that any k indexes a real form)."""

    uly: np.ndarray
    arabic: np.ndarray
    sex: np.ndarray  # "M" | "F"
    chinese: np.ndarray  # object (n, MAX_VARIANTS)
    n_chinese: np.ndarray
    pinyin: np.ndarray  # object (n, MAX_VARIANTS), same layout as chinese
    english: np.ndarray
    turkish: np.ndarray
    male_ids: np.ndarray
    female_ids: np.ndarray
    male_weights: np.ndarray
    female_weights: np.ndarray

    def __len__(self) -> int:
        return len(self.uly)

    def draw(self, rng: np.random.Generator, sexes: np.ndarray) -> np.ndarray:
        """Name ids for people of the given sexes ("M"/"F"), drawn by the frequency model."""
        out = np.empty(len(sexes), dtype=np.int32)
        male = sexes == "M"
        out[male] = rng.choice(self.male_ids, size=int(male.sum()), p=self.male_weights)
        out[~male] = rng.choice(self.female_ids, size=int((~male).sum()), p=self.female_weights)
        return out


def _zipf(n: int) -> np.ndarray:
    weights = 1.0 / (np.arange(n) + ZIPF_OFFSET) ** ZIPF_EXPONENT
    return weights / weights.sum()


@lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load `karez/testbed/data/names.yaml` (cached)."""
    text = resources.files("karez.testbed").joinpath("data/names.yaml").read_text("utf-8")
    # the C loader when PyYAML has it: the pure-Python parser takes seconds for this file
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    names = yaml.load(text, Loader=loader)["names"]  # noqa: S506 (a safe loader)
    n = len(names)
    chinese = np.empty((n, MAX_VARIANTS), dtype=object)
    pinyin = np.empty((n, MAX_VARIANTS), dtype=object)
    for i, name in enumerate(names):
        forms, sounds = name["chinese"][:MAX_VARIANTS], name["pinyin"][:MAX_VARIANTS]
        for k in range(MAX_VARIANTS):
            chinese[i, k] = forms[k % len(forms)]
            pinyin[i, k] = sounds[k % len(sounds)]
    sex = np.array([name["sex"] for name in names])
    male_ids = np.flatnonzero(sex == "M").astype(np.int32)
    female_ids = np.flatnonzero(sex == "F").astype(np.int32)
    latin = [name["latin"] for name in names]
    return Lexicon(
        uly=np.array([name["uly"] for name in names], dtype=object),
        arabic=np.array([uly_to_arabic(name["uly"]) for name in names], dtype=object),
        sex=sex,
        chinese=chinese,
        n_chinese=np.array([min(len(name["chinese"]), MAX_VARIANTS) for name in names]),
        pinyin=pinyin,
        english=np.array([forms[0] for forms in latin], dtype=object),
        turkish=np.array([forms[-1] for forms in latin], dtype=object),
        male_ids=male_ids,
        female_ids=female_ids,
        male_weights=_zipf(len(male_ids)),
        female_weights=_zipf(len(female_ids)),
    )

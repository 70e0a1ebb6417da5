"""Place names across scripts: a small gazetteer of Hotan prefecture and a place similarity.

The same machinery as personal names (Han syllable model, Latin folding, skeletons),
plus a gazetteer (`data/places_hotan.tsv`) so that Karakax, Qaraqash, Moyu and 墨玉县
are known to be one county even where no spelling rule connects them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from karez.names.compare import skeleton, string_similarity
from karez.names.parse import parse
from karez.names.scripts import clean

# Administrative words that follow a place name; they say what kind of place it is,
# not which one.
_HAN_SUFFIXES = ("地区", "自治州", "县", "市", "镇", "乡", "村", "区")
_LATIN_SUFFIXES = frozenset(
    {"county", "city", "town", "township", "prefecture", "village", "xian", "shi", "zhen",
     "xiang", "diqu", "cun", "nahiyisi", "nahiye", "shehiri", "bazari", "yezisi", "yézisi",
     "wilayiti", "kenti", "yéza", "yeza"}
)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry: its id, kind (county, town ...), parent id and names."""

    id: str
    kind: str
    parent: str
    chinese: str
    pinyin: str
    uly: str
    english: tuple[str, ...]
    uly_status: str

    @property
    def names(self) -> tuple[str, ...]:
        """Every written form of the place in the gazetteer."""
        return (self.chinese, self.pinyin, self.uly, *self.english)


@lru_cache(maxsize=1)
def gazetteer() -> tuple[Place, ...]:
    """The places of `data/places_hotan.tsv`."""
    text = resources.files("karez.names").joinpath("data/places_hotan.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return tuple(
        Place(
            id=row["id"],
            kind=row["kind"],
            parent=row["parent"],
            chinese=row["chinese"],
            pinyin=row["pinyin"],
            uly=row["uly"],
            english=tuple(row["english"].split("|")),
            uly_status=row["uly_status"],
        )
        for row in csv.DictReader(lines, delimiter="\t")
    )


def core(text: str) -> str:
    """A place name without its administrative word, as a phonetic skeleton.

    '墨玉县' -> the skeleton of the reading of '墨玉'; 'Karakax County' -> 'karakax'.
    """
    text = clean(text)
    for suffix in _HAN_SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix) + 1:
            text = text[: -len(suffix)]
            break
    words = [w for w in text.replace("-", " ").split() if w.lower() not in _LATIN_SUFFIXES]
    reading = parse("".join(words) if words else text).uly.replace(" ", "")
    return skeleton(reading)


@lru_cache(maxsize=1)
def _index() -> dict[str, Place]:
    index: dict[str, Place] = {}
    for place in gazetteer():
        for name in place.names:
            key = core(name)
            # a county and its seat town share a name: the larger unit answers
            if key and key not in index:
                index[key] = place
    return index


def lookup_place(text: str) -> Place | None:
    """The gazetteer entry `text` names (any script or spelling), or None."""
    key = core(text)
    if not key:
        return None
    found = _index().get(key)
    if found is not None:
        return found
    best, best_score = None, 0.0
    for candidate_key, place in _index().items():
        score = string_similarity(key, candidate_key)
        if score > best_score:
            best, best_score = place, score
    return best if best_score >= 0.9 else None


def place_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two place names: 1.0 when the gazetteer knows them as one
    place, 0.0 when it knows them as two, otherwise the similarity of their skeletons."""
    place_a, place_b = lookup_place(a), lookup_place(b)
    if place_a is not None and place_b is not None:
        if place_a.id == place_b.id:
            return 1.0
        same_name = place_a.uly == place_b.uly  # a county and its seat town
        return 0.9 if same_name else 0.0
    return round(string_similarity(core(a), core(b)), 6)

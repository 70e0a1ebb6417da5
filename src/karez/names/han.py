"""Reading Chinese-character transcriptions of Uyghur names back into Uyghur (ULY).

A syllable-level model (data in `data/han_model.yaml`): each character is a Mandarin
syllable; its initial and final map to Uyghur sounds, a syllable whose vowel is only a
carrier may stand for a bare consonant (提 -> t, 尔 -> r, 木 -> m, 甫 -> p), and a few
character sequences have conventional readings (古丽 -> gül, 阿不都 -> abdu). A beam search
combines the syllables' readings, penalising sound sequences Uyghur does not allow
(three consonants in a row, two vowels meeting). The result is a ranked list of
*readings*: a machine's guess at the Uyghur name, never what the source says.

The same model reads pinyin typed as Latin (Maimaiti Tuerxun -> memet tursun).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from karez.errors import KarezError

_VOWELS = frozenset("aeiouéöüë")
# Mandarin initials that never take the final -in (there is no kin, sin, din, zhin ...)
_NO_IN_SYLLABLE = frozenset({"d", "t", "g", "k", "h", "z", "c", "s", "zh", "ch", "sh", "r"})
_BEAM = 8


class NamesDependencyError(KarezError):
    """A library needed to read Chinese characters is missing."""


@lru_cache(maxsize=1)
def model() -> dict[str, Any]:
    """The syllable model from `data/han_model.yaml` (loaded once)."""
    text = resources.files("karez.names").joinpath("data/han_model.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    data["max_sequence"] = max(len(key) for key in data["sequences"])
    data["traditional_table"] = str.maketrans(data.get("traditional", {}))
    return data


@lru_cache(maxsize=1)
def _pinyin_function() -> Any:
    try:
        from pypinyin import Style, lazy_pinyin
    except ImportError as error:  # pragma: no cover - pypinyin is a dependency
        raise NamesDependencyError(
            "reading Chinese characters needs the pypinyin package: pip install pypinyin"
        ) from error
    return lambda char: lazy_pinyin(char, style=Style.NORMAL, errors="ignore")


@lru_cache(maxsize=65536)
def char_pinyin(char: str) -> str:
    """The toneless pinyin of one character as names use it ('' if it has none)."""
    override = model()["characters"].get(char)
    if override:
        return override
    syllables = _pinyin_function()(char)
    return syllables[0].lower().replace("ü", "v") if syllables else ""


_INITIALS = ("zh", "ch", "sh", "b", "p", "m", "f", "d", "t", "n", "l", "g", "k", "h",
             "j", "q", "x", "r", "z", "c", "s", "y", "w")


def split_syllable(pinyin: str) -> tuple[str, str]:
    """Split a toneless pinyin syllable into (initial, final); 'zi' -> ('z', '-i')."""
    for initial in _INITIALS:
        if pinyin.startswith(initial) and len(pinyin) > len(initial):
            final = pinyin[len(initial):]
            if final == "i" and initial in ("z", "c", "s", "zh", "ch", "sh", "r"):
                final = "-i"
            if initial in ("j", "q", "x", "y") and final.startswith("u"):
                final = "v" + final[1:]
            if initial == "y" and final == "i":
                final = "i"
            return initial, final
    return "", pinyin


def _position(index: int, count: int) -> str:
    if index == 0:
        return "initial"
    return "final" if index == count - 1 else "medial"


@lru_cache(maxsize=8192)
def lattice_syllable_readings(pinyin: str, position: str) -> tuple[tuple[str, float], ...]:
    """`syllable_readings` plus the readings the model allows only towards another spelling
    (`lattice_syllables`: 哈 as qa), best first. For `lattice_readings` only."""
    readings = dict(syllable_readings(pinyin, position))
    for reading, weight in model().get("lattice_syllables", {}).get(pinyin, {}).get(position, {}).items():
        if weight > readings.get(reading, 0.0):
            readings[reading] = weight
    return tuple(sorted(readings.items(), key=lambda item: -item[1]))


@lru_cache(maxsize=8192)
def syllable_readings(pinyin: str, position: str) -> tuple[tuple[str, float], ...]:
    """Weighted ULY readings of one pinyin syllable at a position (initial/medial/final).

    A syllable listed under `syllables` in the model uses its own readings for that
    position; otherwise the initial x final product applies, plus the bare consonant
    where the final is only a vowel carrier (not at the start of a name).
    """
    data = model()
    special = data["syllables"].get(pinyin, {}).get(position)
    readings: dict[str, float] = {}
    if special:
        readings.update(special)
    initial, final = split_syllable(pinyin)
    initial_map = data["initials"].get(initial, {initial: 0.5})
    final_map = None
    if initial in ("j", "q", "x"):
        final_map = data["finals_jqx"].get(final)
    if final_map is None:
        final_map = data["finals"].get(final, {final: 0.3})
    generic_scale = 0.5 if special else 1.0
    for consonant, weight_c in initial_map.items():
        for vowel, weight_v in final_map.items():
            reading = consonant + vowel
            weight = weight_c * weight_v * generic_scale
            if weight > readings.get(reading, 0.0):
                readings[reading] = weight
    coda = data["coda"].get(final)
    if coda and initial and position != "initial":
        for consonant, weight_c in initial_map.items():
            if not consonant:
                continue
            weight = weight_c * coda["final" if position == "final" else "medial"] * generic_scale
            if weight > readings.get(consonant, 0.0):
                readings[consonant] = weight
    if final == "en" and initial in _NO_IN_SYLLABLE:
        # Mandarin has no syllable kin, sin, tin, din ... so 肯 ken, 森 sen, 根 gen write
        # Uyghur -kin, -sin as well as -ken, -sen (艾尔肯 Erkin, 阿布甫泰肯 Alptekin, 亚森
        # Yasin); Uyghur names in -kin, -sin, -tin are the commoner, so the i reading leads
        for consonant in initial_map:
            en_weight = readings.get(consonant + "en", 0.0)
            if en_weight > readings.get(consonant + "in", 0.0):
                readings[consonant + "in"] = en_weight
                readings[consonant + "en"] = round(en_weight * 0.9, 4)
    ranked = sorted(readings.items(), key=lambda item: -item[1])
    return tuple((reading, round(weight, 4)) for reading, weight in ranked[:6])


def units(text: str) -> list[tuple[str, tuple[tuple[str, float], ...] | None]]:
    """Cut one Han name part into reading units: (characters, sequence readings or None).

    The longest sequence listed in the model wins; other characters are single units
    read through their pinyin.
    """
    data = model()
    sequences = data["sequences"]
    longest = data["max_sequence"]
    text = text.translate(data["traditional_table"])
    out: list[tuple[str, tuple[tuple[str, float], ...] | None]] = []
    index = 0
    while index < len(text):
        for size in range(min(longest, len(text) - index), 0, -1):
            chunk = text[index : index + size]
            if chunk in sequences:
                entry = tuple(sorted(sequences[chunk].items(), key=lambda item: -item[1]))
                out.append((chunk, entry))
                index += size
                break
        else:
            out.append((text[index], None))
            index += 1
    return out


def _join_penalty(left: str, right: str) -> float:
    """How much less likely Uyghur makes the sound sequence at a syllable boundary."""
    if not left or not right:
        return 1.0
    if left[-1] in _VOWELS and right[0] in _VOWELS:
        return 0.45  # two vowels meet: Uyghur inserts y or drops one
    tail = 0
    for char in reversed(left):
        if char in _VOWELS:
            break
        tail += 1
    head = 0
    for char in right:
        if char in _VOWELS:
            break
        head += 1
    # digraphs count as one sound
    for digraph in ("sh", "ch", "zh", "gh", "ng"):
        if left.endswith(digraph):
            tail -= 1
        if right.startswith(digraph):
            head -= 1
    if tail + head >= 3 or (head == len(right) and tail >= 2):
        return 0.12
    return 1.0


def _readings_of_units(
    parts: list[tuple[str, tuple[tuple[str, float], ...] | None]],
    pinyins: list[str | None],
    width: int = _BEAM,
    fold: Callable[[str], str] | None = None,
    lattice: bool = False,
) -> list[tuple[str, float]]:
    """Beam search over the units' readings: the `width` likeliest whole readings.

    With `fold`, readings whose prefixes fold alike (to one skeleton) count once, the
    likeliest kept, so the beam holds readings that differ in what a comparison sees.
    With `lattice`, syllables also take the readings allowed only towards another
    spelling (`lattice_syllable_readings`).
    """
    readings_of = lattice_syllable_readings if lattice else syllable_readings
    beam: list[tuple[str, float]] = [("", 1.0)]
    count = len(parts)
    for index, ((_chunk, sequence), pinyin) in enumerate(zip(parts, pinyins, strict=True)):
        position = _position(index, count)
        if sequence is not None:
            options = sequence
        elif pinyin:
            options = readings_of(pinyin, position)
        else:
            continue
        grown: dict[str, float] = {}
        for prefix, score in beam:
            for reading, weight in options:
                candidate = prefix + reading
                value = score * weight * _join_penalty(prefix, reading)
                if value > grown.get(candidate, 0.0):
                    grown[candidate] = value
        ranked = sorted(grown.items(), key=lambda item: -item[1])
        if fold is not None:
            seen: set[str] = set()
            distinct = []
            for reading, value in ranked:
                key = fold(reading)
                if key not in seen:
                    seen.add(key)
                    distinct.append((reading, value))
            ranked = distinct
        beam = ranked[:width]
    # Uyghur ends no word in a consonant followed by r: 尔 after a syllable read as a bare
    # consonant (扎克尔, 聂滋尔) means the vowel between was written by that syllable
    # (Zakir, Nezir), so such readings drop behind the ones that keep it
    beam = [(reading, score * _final_cluster_penalty(reading)) for reading, score in beam]
    # Uyghur begins no word with s + consonant: it writes a prothetic i (ئىسلام Islam,
    # Iskender, Ismayil, Istanbul), which Chinese leaves out (斯拉木 Islam, 斯坎德尔 Iskender;
    # 司马义 Ismayil is a sequence with its i). Merged with a reading that already has it
    joined: dict[str, float] = {}
    for reading, score in beam:
        reading = _with_prothetic_i(reading)
        if score > joined.get(reading, 0.0):
            joined[reading] = score
    return sorted(joined.items(), key=lambda item: -item[1])


def _with_prothetic_i(reading: str) -> str:
    """A reading that begins with s or sh + a consonant, with the i Uyghur puts before it."""
    rest = reading[2:] if reading.startswith("sh") else reading[1:] if reading.startswith("s") else None
    if rest and rest[0] not in _VOWELS and rest[0] != "h":
        return "i" + reading
    return reading


def _final_cluster_penalty(reading: str) -> float:
    """How much less likely a reading is for ending in consonant + r (jakr, nézr)."""
    if len(reading) >= 3 and reading[-1] == "r" and reading[-2] not in _VOWELS and reading[-2] != "r":
        return 0.3
    return 1.0


@lru_cache(maxsize=262144)
def part_readings(part: str, limit: int = 8) -> tuple[tuple[str, float], ...]:
    """Ranked ULY readings of one Han name part, weights normalised so the best is 1.0."""
    pieces = units(part)
    pinyins = [None if sequence is not None else char_pinyin(chunk) for chunk, sequence in pieces]
    beam = _readings_of_units(pieces, pinyins)
    if not beam or not beam[0][0]:
        return ()
    top = beam[0][1]
    return tuple((reading, round(score / top, 4)) for reading, score in beam[:limit])


def lattice_readings(
    part: str, width: int, fold: Callable[[str], str] | None = None
) -> tuple[tuple[str, float], ...]:
    """Up to `width` readings of one Han part, best first, weights relative to the best.

    `part_readings` keeps the few a reader of the characters would offer; this keeps many
    paths through the syllable model's options (a medial 力 as the coda l, 甫 as pu, 沙 as
    sa ...), each weighted by how likely the model finds it, so that a comparison with a
    Latin or Arabic spelling can find the reading that spelling writes and count it by
    its weight. With `fold` (a skeleton), readings that fold alike count once. Never a
    reading to show: the best ones are `part_readings`.
    """
    pieces = units(part)
    pinyins = [None if sequence is not None else char_pinyin(chunk) for chunk, sequence in pieces]
    beam = _readings_of_units(pieces, pinyins, width, fold, lattice=True)
    if not beam or not beam[0][0]:
        return ()
    top = part_readings_top(part)
    return tuple((reading, round(min(1.0, score / top), 4)) for reading, score in beam)


@lru_cache(maxsize=65536)
def part_readings_top(part: str) -> float:
    """The unnormalised weight of a part's best reading (what `part_readings` divides by)."""
    pieces = units(part)
    pinyins = [None if sequence is not None else char_pinyin(chunk) for chunk, sequence in pieces]
    beam = _readings_of_units(pieces, pinyins)
    return beam[0][1] if beam and beam[0][1] > 0 else 1.0


@lru_cache(maxsize=65536)
def pinyin_part_readings(syllables: tuple[str, ...], limit: int = 8) -> tuple[tuple[str, float], ...]:
    """Ranked ULY readings of a name part given as pinyin syllables (typed Latin pinyin)."""
    pieces: list[tuple[str, tuple[tuple[str, float], ...] | None]] = [(s, None) for s in syllables]
    beam = _readings_of_units(pieces, list(syllables))
    if not beam or not beam[0][0]:
        return ()
    top = beam[0][1]
    return tuple((reading, round(score / top, 4)) for reading, score in beam[:limit])

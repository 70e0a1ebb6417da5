"""Parsing a written name into its parts, in any script, with Uyghur readings of each part.

Uyghur names are a given name followed by the father's name (and sometimes the
grandfather's); there is no family name. Sources write the parts in that order, but
records sometimes swap them; `parse` keeps the written order and `similarity` allows
for swaps.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from karez.names import alphabet, han, latin
from karez.names.scripts import Script, clean, detect_script, is_han_char, split_on_separators

Readings = tuple[tuple[str, float], ...]

# Han transcriptions of one name part rarely exceed 6 characters; longer dot-less
# strings are split (see `segment_han`).
_MAX_PART = 6


@dataclass(frozen=True)
class ParsedName:
    """A name as written, cut into parts, with ranked ULY readings of each part.

    `parts` are the written parts (cleaned, in the source's script and order);
    `readings[i]` are ULY readings of `parts[i]`, best first, with weights (best = 1.0).
    For Han and pinyin these are machine *readings* (`is_reading` is True): a guess
    at the Uyghur name, never what the source says. `normalised` is the written name
    with parts joined by U+00B7 (Han) or a space (other scripts).
    """

    text: str
    script: Script
    parts: tuple[str, ...]
    readings: tuple[Readings, ...] = field(repr=False)
    normalised: str
    is_reading: bool

    @property
    def given(self) -> str | None:
        """The first part: the person's own name."""
        return self.parts[0] if self.parts else None

    @property
    def father(self) -> str | None:
        """The second part: the father's given name."""
        return self.parts[1] if len(self.parts) > 1 else None

    @property
    def grandfather(self) -> str | None:
        """The third part, where a source writes the grandfather's name."""
        return self.parts[2] if len(self.parts) > 2 else None

    @property
    def uly_parts(self) -> tuple[str, ...]:
        """The best ULY reading of each part ('' where a part has none)."""
        return tuple(r[0][0] if r else "" for r in self.readings)

    @property
    def uly(self) -> str:
        """The best ULY reading of the whole name, parts separated by spaces."""
        return " ".join(part for part in self.uly_parts if part)


def _part_score(part: str) -> float:
    model = han.model()
    endings = model["part_endings"]
    beginnings = model["part_beginnings"]
    # the tables list simplified characters; 買買提吐爾遜 cuts where 买买提吐尔逊 does
    part = part.translate(model["traditional_table"])
    prefix = _bound_prefix(part)
    if prefix == part:
        # Abdu-, Abdul- ("servant of") is never a name alone: the name it begins follows
        return 0.001
    length_prior = {1: 0.05, 2: 0.7, 3: 1.0, 4: 0.9, 5: 0.6, 6: 0.35}.get(len(part), 0.1)
    if prefix and len(part) == _MAX_PART + 1:
        # a name in Abdul- written as the tables write foreign names (阿卜杜勒加帕尔
        # Abdulghappar) runs to seven characters; as likely as a six-character part
        length_prior = 0.35
    return length_prior * endings.get(part[-1], 0.3) * beginnings.get(part[0], 0.3)


def _bound_prefix(part: str) -> str:
    """The Abdu-/Abdul- sequence a part begins with ('' if none), longest first."""
    for prefix in han.model()["bound_prefixes"]:
        if part.startswith(prefix):
            return prefix
    return ""


@lru_cache(maxsize=65536)
def segment_han(text: str) -> tuple[str, ...]:
    """Split a Han name written without separators into parts (买买提吐尔逊 -> 买买提, 吐尔逊).

    Dynamic programming over cut points: each part is scored by how typical its length
    is and how strongly its last and first characters end and begin name parts
    (`part_endings` / `part_beginnings` in the model). Strings of 4 characters or fewer,
    which may be one name (阿依古丽), are cut only when the cut scores clearly better.
    """
    count = len(text)
    simplified = text.translate(han.model()["traditional_table"])
    if count <= 3 or _bound_prefix(simplified) == simplified:
        return (text,)
    best: list[tuple[float, tuple[str, ...]]] = [(1.0, ())] + [(0.0, ())] * count
    for end in range(1, count + 1):
        # one character more than _MAX_PART only for a part in Abdul- (see `_part_score`)
        for start in range(max(0, end - _MAX_PART - 1), end):
            score_before, parts_before = best[start]
            if start > 0 and not parts_before:
                continue
            piece = text[start:end]
            if len(piece) > _MAX_PART and not _bound_prefix(piece.translate(han.model()["traditional_table"])):
                continue
            # each extra part costs a little, so one long part beats needless cuts
            score = score_before * _part_score(piece) * 0.8
            if score > best[end][0]:
                best[end] = (score, parts_before + (piece,))
    parts = best[count][1]
    if count <= 4 and len(parts) > 1 and best[count][0] < 1.5 * _part_score(text) * 0.8:
        return (text,)
    return parts or (text,)


def _split_han(text: str) -> list[str]:
    parts = split_on_separators(text)
    if len(parts) == 1 and len(parts[0]) >= 4:
        return list(segment_han(parts[0]))
    return parts


def _readings(part: str, script: str) -> Readings:
    if script == "han":
        chars = "".join(c for c in part if is_han_char(c))
        return han.part_readings(chars) if chars else ()
    if script == "arabic":
        reading = alphabet.arabic_to_uly(part).lower()
        return ((reading, 1.0),) if reading else ()
    if script == "cyrillic":
        reading = alphabet.cyrillic_to_uly(part).lower()
        return ((reading, 1.0),) if reading else ()
    if script == "latin":
        return latin.latin_readings(part)
    return ()


@lru_cache(maxsize=262144)
def parse(text: str) -> ParsedName:
    """Parse a written name (any script) into parts and ranked ULY readings of each.

    Han parts are split on U+00B7 and every substitute seen in practice (., •, ・, ．, ‧,
    -, spaces); a Han name with no separator is segmented (`segment_han`). Other scripts
    split on spaces and the same separators. Mixed-script names are read part by part.
    """
    cleaned = clean(text)
    script = detect_script(cleaned)
    if script == "han":
        parts = _split_han(cleaned)
    else:
        parts = split_on_separators(cleaned)
        if script == "latin":
            parts = latin.join_compound_names(parts)
    part_scripts = [detect_script(part) if script == "mixed" else script for part in parts]
    kept: list[str] = []
    readings: list[Readings] = []
    for part, part_script in zip(parts, part_scripts, strict=True):
        part_readings = _readings(part, part_script)
        if part_readings:
            kept.append(part)
            readings.append(part_readings)
    is_reading = any(s == "han" for s in part_scripts) or any(
        s == "latin" and latin.looks_like_pinyin(latin.fold_latin(p))
        for p, s in zip(parts, part_scripts, strict=True)
    )
    joiner = "\u00b7" if script == "han" else " "
    return ParsedName(
        text=text,
        script=script,
        parts=tuple(kept),
        readings=tuple(readings),
        normalised=joiner.join(kept),
        is_reading=is_reading,
    )

"""Writing a name in another script: ULY, Uyghur Arabic or Uyghur Cyrillic.

From Arabic, Cyrillic and ULY the conversion is letter by letter and exact. From Chinese
characters or pinyin it goes through the syllable model and gives a *reading*: callers
that show it next to the source text must label it as such (`ParsedName.is_reading`).
"""

from __future__ import annotations

from typing import Literal

from karez.errors import KarezError
from karez.names import alphabet
from karez.names.parse import parse

Target = Literal["uly", "arabic", "cyrillic"]


class NameConversionError(KarezError):
    """A name cannot be converted as asked (unknown target script, nothing to read)."""


def to_uly(text: str) -> str:
    """The best ULY reading of a name in any script, lower case, parts joined by spaces.

    Empty string when nothing in `text` can be read as a name.
    """
    return parse(text).uly


def readings(text: str, limit: int = 5) -> list[tuple[str, float]]:
    """Ranked ULY readings of a whole name (best first, weights relative to the best = 1).

    Built from each part's readings: the best whole-name reading, then those that
    change one part to its next-best reading, ordered by combined weight.
    """
    parsed = parse(text)
    if not parsed.readings:
        return []
    best = [r[0] for r in parsed.readings]
    found: dict[str, float] = {" ".join(reading for reading, _ in best): 1.0}
    for index, part_readings in enumerate(parsed.readings):
        for reading, weight in part_readings[1:]:
            words = [r for r, _ in best]
            words[index] = reading
            found.setdefault(" ".join(words), weight)
    ranked = sorted(found.items(), key=lambda item: -item[1])
    return ranked[:limit]


def to_arabic(text: str) -> str:
    """A name in Uyghur Arabic script (via its best ULY reading)."""
    return alphabet.uly_to_arabic(to_uly(text))


def to_cyrillic(text: str) -> str:
    """A name in Uyghur Cyrillic script (via its best ULY reading)."""
    return alphabet.uly_to_cyrillic(to_uly(text))


def convert(text: str, to: str) -> str:
    """Convert a name to `to` ('uly', 'arabic' or 'cyrillic')."""
    converters = {"uly": to_uly, "arabic": to_arabic, "cyrillic": to_cyrillic}
    if to not in converters:
        raise NameConversionError(
            f"cannot convert to {to!r}: choose one of uly, arabic, cyrillic"
        )
    result = converters[to](text)
    if not result:
        raise NameConversionError(
            f"nothing in {text!r} reads as a Uyghur name: give the name in Chinese "
            "characters, Uyghur Arabic, Latin or Cyrillic letters"
        )
    return result

"""Uyghur's three alphabets: Arabic (UEY), Latin (ULY) and Cyrillic (USY), letter by letter.

The table is data (`data/alphabet.tsv`). Conversion between the three is deterministic
and lossless for well-formed text, except that ULY writes some letter pairs that could
also be digraphs (n+g vs ng); ULY marks those with an apostrophe (n'g), and so do we.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from importlib import resources

from karez.names.scripts import clean, clean_arabic, clean_cyrillic

HAMZA = "\u0626"  # ئ: carries a vowel that begins a syllable in Uyghur Arabic script
_ULY_DIGRAPHS = ("ch", "zh", "sh", "gh", "ng")


@lru_cache(maxsize=1)
def alphabet() -> list[dict[str, str]]:
    """The rows of `data/alphabet.tsv`: uly, arabic, cyrillic, kind."""
    text = resources.files("karez.names").joinpath("data/alphabet.tsv").read_text("utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, str], dict[str, str], dict[str, str], dict[str, str], frozenset[str]]:
    rows = alphabet()
    uly_to_arabic = {row["uly"]: row["arabic"] for row in rows}
    uly_to_cyrillic = {row["uly"]: row["cyrillic"] for row in rows}
    arabic_to_uly = {row["arabic"]: row["uly"] for row in rows}
    cyrillic_to_uly = {row["cyrillic"]: row["uly"] for row in rows}
    # Cyrillic has letters for y + vowel, and older texts use Russian letters.
    cyrillic_to_uly.update({"ю": "yu", "я": "ya", "ё": "yo", "э": "e", "ы": "i", "щ": "sh",
                            "ц": "ts", "ь": "", "ъ": "", "і": "i", "ұ": "u", "ң": "ng"})
    arabic_to_uly.update({HAMZA: "", "ى": "i", "ي": "y", "ك": "k"})
    vowels = frozenset(row["uly"] for row in rows if row["kind"] == "vowel")
    return uly_to_arabic, uly_to_cyrillic, arabic_to_uly, cyrillic_to_uly, vowels


def uly_letters(text: str) -> list[str]:
    """Split ULY text into letters (digraphs ch zh sh gh ng as one; an apostrophe splits)."""
    letters: list[str] = []
    index = 0
    while index < len(text):
        pair = text[index : index + 2]
        if pair in _ULY_DIGRAPHS:
            letters.append(pair)
            index += 2
        elif text[index] in "'’`":
            letters.append("'")
            index += 1
        else:
            letters.append(text[index])
            index += 1
    return letters


def uly_to_arabic(text: str) -> str:
    """Write ULY text in Uyghur Arabic script.

    Every vowel that begins a syllable (word-initially or after another vowel) takes the
    hamza carrier ئ, as UEY orthography requires. Characters outside the alphabet pass
    through unchanged.
    """
    to_arabic, _, _, _, vowels = _tables()
    out: list[str] = []
    for word in text.lower().split(" "):
        previous = ""
        letters = uly_letters(word)
        for letter in letters:
            if letter == "'":
                previous = "'"
                continue
            if letter in vowels and (previous == "" or previous in vowels or previous == "'"):
                out.append(HAMZA)
            out.append(to_arabic.get(letter, letter))
            previous = letter
        out.append(" ")
    return "".join(out).strip()


def uly_to_cyrillic(text: str) -> str:
    """Write ULY text in Uyghur Cyrillic (y + a/u written я/ю, as USY does)."""
    _, to_cyrillic, _, _, _ = _tables()
    out: list[str] = []
    for word in text.lower().split(" "):
        letters = [letter for letter in uly_letters(word) if letter != "'"]
        index = 0
        while index < len(letters):
            letter = letters[index]
            following = letters[index + 1] if index + 1 < len(letters) else ""
            if letter == "y" and following in ("a", "u"):
                out.append("я" if following == "a" else "ю")
                index += 2
                continue
            out.append(to_cyrillic.get(letter, letter))
            index += 1
        out.append(" ")
    return "".join(out).strip()


def arabic_to_uly(text: str) -> str:
    """Read Uyghur Arabic script as ULY (lower case); the hamza carrier is dropped.

    Where two ULY letters would read as a digraph (n+g), an apostrophe keeps them apart.
    """
    _, _, to_uly, _, _ = _tables()
    text = clean_arabic(clean(text))
    out: list[str] = []
    for char in text:
        letter = to_uly.get(char)
        if letter is None:
            out.append(char if not ("\u0600" <= char <= "\u06ff") else "")
            continue
        if out and letter and (out[-1][-1:] + letter[:1]) in _ULY_DIGRAPHS and len(letter) == 1:
            out.append("'")
        out.append(letter)
    return "".join(out)


def cyrillic_to_uly(text: str) -> str:
    """Read Uyghur Cyrillic as ULY (lower case)."""
    _, _, _, to_uly, _ = _tables()
    text = clean_cyrillic(clean(text))
    out: list[str] = []
    for char in text:
        letter = to_uly.get(char, char)
        if out and letter and (out[-1][-1:] + letter[:1]) in _ULY_DIGRAPHS and len(letter) == 1:
            out.append("'")
        out.append(letter)
    return "".join(out)

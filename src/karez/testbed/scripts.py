"""Uyghur names between scripts, for the testbed only.

ULY (Uyghur Latin Yéziqi) is the lexicon's master spelling. From it this module derives the
Uyghur Arabic script (UEY) by the one-to-one letter correspondence of the two official
alphabets, and the Latin spellings that people abroad actually write (English-style and
Turkish-style). The cross-script *matcher* lives in `karez.names`; this module only writes.
"""

from __future__ import annotations

import re

# ULY letters in the order a greedy reader must try them: digraphs first.
ULY_LETTERS = (
    "ch", "gh", "ng", "sh", "zh",
    "a", "e", "b", "p", "t", "j", "x", "d", "r", "z", "s", "f", "q", "k", "g",
    "l", "m", "n", "h", "o", "u", "ö", "ü", "w", "é", "i", "y",
)  # fmt: skip
ULY_VOWELS = frozenset("aeéiouöü")

# One Arabic-script letter per ULY letter (base forms; joining is the renderer's job).
ULY_TO_UEY = {
    "a": "\u0627", "e": "\u06d5", "b": "\u0628", "p": "\u067e", "t": "\u062a",
    "j": "\u062c", "ch": "\u0686", "x": "\u062e", "d": "\u062f", "r": "\u0631",
    "z": "\u0632", "zh": "\u0698", "s": "\u0633", "sh": "\u0634", "gh": "\u063a",
    "f": "\u0641", "q": "\u0642", "k": "\u0643", "g": "\u06af", "ng": "\u06ad",
    "l": "\u0644", "m": "\u0645", "n": "\u0646", "h": "\u06be", "o": "\u0648",
    "u": "\u06c7", "ö": "\u06c6", "ü": "\u06c8", "w": "\u06cb", "é": "\u06d0",
    "i": "\u0649", "y": "\u064a",
}  # fmt: skip
HAMZA = "\u0626"  # ئ: written before a vowel that begins a syllable without a consonant


def uly_letters(word: str) -> list[str]:
    """Split a ULY word into its letters (digraphs kept whole; an apostrophe separates)."""
    letters: list[str] = []
    text = word.lower()
    position = 0
    while position < len(text):
        if text[position] in "'’":
            position += 1
            letters.append("'")
            continue
        for letter in ULY_LETTERS:
            if text.startswith(letter, position):
                letters.append(letter)
                position += len(letter)
                break
        else:
            raise ValueError(f"not a ULY letter in {word!r} at {position}: {text[position]!r}")
    return letters


def uly_to_arabic(word: str) -> str:
    """The Uyghur Arabic spelling of a ULY word.

    A vowel that begins the word or follows another vowel (or an apostrophe) is preceded by
    hamza (ئ), as the official orthography requires.
    """
    out: list[str] = []
    previous: str | None = None
    for letter in uly_letters(word):
        if letter == "'":
            previous = "'"
            continue
        if letter in ULY_VOWELS and (previous is None or previous in ULY_VOWELS or previous == "'"):
            out.append(HAMZA)
        out.append(ULY_TO_UEY[letter])
        previous = letter
    return "".join(out)


def syllables(word: str) -> list[list[str]]:
    """Split a ULY word into syllables of letters: one vowel each, a single consonant
    between vowels opens the next syllable, of two the second does (Uyghur syllabification)."""
    letters = [letter for letter in uly_letters(word) if letter != "'"]
    vowel_positions = [i for i, letter in enumerate(letters) if letter in ULY_VOWELS]
    if not vowel_positions:
        return [letters]
    bounds = [0]
    for left, right in zip(vowel_positions, vowel_positions[1:], strict=False):
        gap = right - left - 1
        bounds.append(left + 1 + (gap - 1 if gap >= 1 else 0))
    bounds.append(len(letters))
    return [letters[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if a < b]


_ENGLISH = {"é": "e", "ö": "o", "ü": "u", "x": "kh", "zh": "zh", "'": ""}
_TURKISH = {
    "é": "e", "x": "h", "q": "k", "j": "c", "ch": "ç", "sh": "ş", "gh": "ğ",
    "w": "v", "ng": "ng", "zh": "j", "'": "",
}  # fmt: skip


def _respell(word: str, table: dict[str, str]) -> str:
    spelled = "".join(table.get(letter, letter) for letter in uly_letters(word))
    return spelled[:1].upper() + spelled[1:]


def english_spelling(word: str) -> str:
    """The plain ASCII spelling English-language media and relatives abroad mostly use."""
    return _respell(word, _ENGLISH)


def turkish_spelling(word: str) -> str:
    """The spelling used by the diaspora in Turkey (ç, ş, ğ, c for j, k for q, h for x)."""
    return _respell(word, _TURKISH)


def ascii_fold(text: str) -> str:
    """Latin text without diacritics (what a keyboard without Uyghur letters produces)."""
    table = str.maketrans("éöüçşğÉÖÜÇŞĞ", "eoucsgEOUCSG")
    return re.sub(r"['’]", "", text.translate(table))

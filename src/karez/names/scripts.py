"""Which script a name is written in, and how to clean it before reading it.

Cleaning removes what is invisible or accidental (zero-width characters, Arabic vowel
marks, tatweel, presentation forms, look-alike letters from other keyboards) and never
what a reader would see as a different name.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

Script = Literal["han", "arabic", "latin", "cyrillic", "mixed", "empty"]

# Characters used between the parts of a Han transcription in practice: the middle dot
# U+00B7 (the standard), and what people type when they cannot find it.
HAN_SEPARATORS = frozenset(
    "\u00b7"  # · middle dot (GB standard)
    "\u30fb"  # ・ katakana middle dot (Japanese IME)
    "\uff65"  # ･ halfwidth katakana middle dot
    "\u2027"  # ‧ hyphenation point (Big5 / traditional IMEs)
    "\u2022"  # • bullet
    "\u2219"  # ∙ bullet operator
    "\u22c5"  # ⋅ dot operator
    "\u0387"  # · Greek ano teleia
    "\u1427"  # ᐧ Canadian syllabics final middle dot
    "\u318d"  # ㆍ Hangul arae-a
    "\uff0e"  # ． fullwidth full stop
    "\u3002"  # 。 ideographic full stop
    "\uff61"  # ｡ halfwidth ideographic full stop
    "."
    "-"
    "\u2010\u2011\u2012\u2013\u2014\u2015\uff0d"  # hyphens and dashes
    "_"
    "/"
    "\u3000"  # ideographic space
    " \t"
    ","
    "\uff0c"  # ，
)

# Invisible characters that only get in the way of comparison.
_INVISIBLE = dict.fromkeys(
    [
        0x200B, 0x200C, 0x200D, 0x200E, 0x200F,  # zero-width space/(non)joiner, LRM, RLM
        0x2060, 0xFEFF, 0x00AD,  # word joiner, BOM, soft hyphen
        0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,  # bidi
        0x0640,  # Arabic tatweel (kashida): stretches a letter, is not one
        0x0670,  # superscript alef
    ]
    + list(range(0x064B, 0x0654))  # Arabic harakat (vowel marks), not hamza above
    + list(range(0x0655, 0x0660)),
    None,
)

# Letters from Arabic and Persian keyboards that look like Uyghur letters.
_ARABIC_LOOKALIKES = str.maketrans(
    {
        "\u06a9": "\u0643",  # ک keheh -> ك kaf
        "\u0647": "\u06d5",  # ه heh -> ە ae (Uyghur e)
        "\u0629": "\u06d5",  # ة teh marbuta -> ە
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0622": "\u0627",  # آ -> ا
        "\u0624": "\u06c7",  # ؤ -> ۇ
        "\u06c1": "\u06be",  # ہ heh goal -> ھ
        "\u06ff": "\u06be",
        "\u0674": "\u0626",  # high hamza -> ئ
        "\u0621": "\u0626",  # lone hamza -> ئ
    }
)

# Latin letters that stand in for Cyrillic ones in mixed typing (same glyph).
_LATIN_IN_CYRILLIC = str.maketrans(
    {
        "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у",
        "h": "һ",
        "\u0259": "ә", "\u0275": "ө", "\u04bb": "һ",
    }
)

_SPACE_RUN = re.compile(r"\s+")


def _char_script(char: str) -> str | None:
    code = ord(char)
    if 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF:
        return "han"
    if 0x20000 <= code <= 0x2FA1F:
        return "han"
    if 0x0600 <= code <= 0x06FF or 0x0750 <= code <= 0x077F or 0xFB50 <= code <= 0xFEFC:
        return "arabic"
    if 0x0400 <= code <= 0x052F:
        return "cyrillic"
    if char.isalpha() and (code < 0x0250 or 0x1E00 <= code <= 0x1EFF or code in (0x0259, 0x0275)):
        return "latin"
    return None


def detect_script(text: str) -> Script:
    """Return the script of `text`: 'han', 'arabic', 'latin', 'cyrillic', 'mixed' or 'empty'.

    A script counts when it holds at least a fifth of the letters, so one stray Latin
    letter in a Cyrillic name (a keyboard slip) does not make it 'mixed'.
    """
    counts: dict[str, int] = {}
    for char in text:
        script = _char_script(char)
        if script:
            counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "empty"
    total = sum(counts.values())
    major = [script for script, n in counts.items() if n * 5 >= total]
    if len(major) == 1:
        return major[0]  # type: ignore[return-value]
    return "mixed"


def clean(text: str) -> str:
    """Return `text` in NFKC with invisible characters and Arabic vowel marks removed.

    NFKC folds Arabic presentation forms (ﺋﺎ) to letters and fullwidth Latin to ASCII;
    the middle dot and its substitutes survive for `split_parts` to find.
    """
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_INVISIBLE)
    return _SPACE_RUN.sub(" ", text).strip()


def clean_arabic(text: str) -> str:
    """Map Arabic/Persian look-alike letters to the Uyghur ones (after `clean`).

    Persian yeh ی is written for both Uyghur y (ي) and i (ى); its dotless final form is
    read as i, elsewhere as y.
    """
    text = text.translate(_ARABIC_LOOKALIKES)
    out = []
    for index, char in enumerate(text):
        if char == "\u06cc":
            following = text[index + 1] if index + 1 < len(text) else " "
            char = "\u0649" if _char_script(following) != "arabic" else "\u064a"
        out.append(char)
    return "".join(out)


def clean_cyrillic(text: str) -> str:
    """Lower-case Cyrillic text and replace Latin look-alike letters inside Cyrillic words."""
    words = []
    for word in text.lower().split(" "):
        if any(_char_script(c) == "cyrillic" for c in word):
            word = word.translate(_LATIN_IN_CYRILLIC)
        words.append(word)
    return " ".join(words)


def split_on_separators(text: str) -> list[str]:
    """Split `text` on the middle dot, its substitutes and spaces; drop empty parts."""
    parts: list[str] = []
    current: list[str] = []
    for char in text:
        if char in HAN_SEPARATORS or char.isspace():
            if current:
                parts.append("".join(current))
                current = []
        else:
            current.append(char)
    if current:
        parts.append("".join(current))
    return parts


def is_han_char(char: str) -> bool:
    """True for a CJK ideograph."""
    return _char_script(char) == "han"

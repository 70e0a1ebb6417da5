"""Uyghur names across scripts: parse, convert, compare, and keys for blocking.

    >>> from karez import names
    >>> names.to_uly("买买提·吐尔逊")
    'memet tursun'
    >>> names.similarity("买买提·吐尔逊", "Mehmet Tursun") > 0.9
    True

Readings from Chinese characters or pinyin are machine readings: show them labelled as
such next to the source text, never in its place.
"""

from __future__ import annotations

from karez.names.alphabet import arabic_to_uly, cyrillic_to_uly, uly_to_arabic, uly_to_cyrillic
from karez.names.compare import compare_parts, keys, similarity, skeleton
from karez.names.convert import (
    NameConversionError,
    convert,
    readings,
    to_arabic,
    to_cyrillic,
    to_uly,
)
from karez.names.parse import ParsedName, parse, segment_han
from karez.names.scripts import detect_script

__all__ = [
    "NameConversionError",
    "ParsedName",
    "arabic_to_uly",
    "compare_parts",
    "convert",
    "cyrillic_to_uly",
    "detect_script",
    "keys",
    "parse",
    "readings",
    "segment_han",
    "similarity",
    "skeleton",
    "to_arabic",
    "to_cyrillic",
    "to_uly",
    "uly_to_arabic",
    "uly_to_cyrillic",
]

"""Latin spellings of Uyghur names: ULY, English, Turkish, German, Russian-derived, pinyin.

`latin_readings` maps an ad-hoc spelling to ULY-like readings: letters of other
orthographies become ULY letters (ş -> sh, kh -> x, v -> w), international forms of
Arabic-origin names map to the Uyghur form (Muhammad -> memet, data/latin_variants.tsv),
and a word that is pinyin (Maimaiti, Tuerxun) is also read through the Han syllable model.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from importlib import resources

from karez.names import han

# Letters whose meaning is kept when accents are stripped.
_LETTERS = str.maketrans(
    {
        "ş": "sh", "ș": "sh", "š": "sh", "ç": "ch", "č": "ch", "ğ": "gh", "ġ": "gh",
        "ı": "i", "ä": "e", "ə": "e", "æ": "e", "ž": "zh", "ë": "é", "ñ": "ng",
        "ŋ": "ng", "ɵ": "ö", "ⱪ": "q", "ⱨ": "h", "ⱬ": "zh",  # Yengi Yéziq (UYY) letters "ø": "ö", "ô": "o", "ḥ": "h", "ẖ": "x", "ẕ": "z", "ʼ": "'",
        "’": "'", "ʻ": "'", "‘": "'", "`": "'",
        # ayn and hamza of the scholarly transliteration of Arabic (Masʿūd, ʿAzīz, Qurʾān):
        # marks, not letters of the name as Uyghur says it
        "ʿ": "'", "ʾ": "'",
    }
)
_KEEP_ACCENTED = frozenset("éöü")
_LATIN_VOWELS = frozenset("aeiouéöü")

# Spelling habits of other orthographies, rewritten to ULY; longest first.
_RULES = (
    ("tsch", "ch"), ("dzh", "j"), ("sch", "sh"), ("tch", "ch"), ("kh", "x"), ("dj", "j"),
    ("ph", "f"), ("oo", "u"), ("ou", "u"), ("ee", "i"), ("v", "w"), ("c", "j"),
)
# Evidence that a Latin word is pinyin of a Chinese transcription. Syllables such as
# "si", "ke" or "mi" are common in Uyghur spellings too (Kasimi, Bekri), so they count
# only as the *last* syllable, where a transcription writes a carrier vowel after a
# final consonant (提 ti for t, 木 mu for m, 甫 fu for p, 尔 er for r, 孜 zi for z);
# a few syllables betray pinyin anywhere (Maimaiti, Tuerxun, Aisikaer).
_FINAL_CARRIERS = frozenset(
    {"ti", "mu", "fu", "er", "ke", "si", "zi", "te", "ze", "ge", "he", "xun", "jiang", "ding"}
)
_STRONG_TELLTALES = frozenset(
    {"xun", "jiang", "mai", "ai", "er", "tuo", "xia", "hei", "bai", "lai", "kai", "sai",
     "hai", "zhi"}
)
# Russian-derived surnames end in -ov/-ev, which Uyghur writes -of/-ef (ئېلىيوف Éliyof,
# ئابباسوف Abbasof); after v -> w these would read -ow/-ew.
_RUSSIAN_ENDINGS = (("ow", "of"), ("ew", "ef"))
# Russian surname suffixes (masculine, feminine) that Soviet and post-Soviet records add to
# a father's or grandfather's name (Kamalov, Nasirov, Akhmadieva), which Uyghur-language
# sources may write without them (ئەخمىدى for Akhmadieva); `compare` uses the stem.
RUSSIAN_SURNAME_SUFFIXES = ("ova", "eva", "ov", "ev")
_X_AS_SH_WEIGHT = 0.9
# Arabic compound names in al-Din ("of the faith": Sayf al-Din, Burhan al-Din, Zahir al-Din)
# are one name; Uyghur writes them as one word (Seypidin, Zahiridin, Jalalidin, Shemsidin)
# and Chinese as one part (赛福鼎, 查希尔丁, 加拉力丁), while Latin spellings abroad split
# off the article (Saif al-Dīn, Burhān ud-Dīn, Zahir-ud-din). The article's l is not said
# before d (a "sun letter": al-Din is said ad-Din), and its vowel varies with the language
# the spelling comes from (al, ad, ud, ed, id).
_ARTICLES = frozenset({"al", "el", "ad", "ed", "ud", "ul", "id", "il"})
_DIN = frozenset({"din", "deen"})


def russian_surname_stem(word: str) -> str | None:
    """The name a Russian-style surname is made from, or None: 'akhmadieva' -> 'akhmadi',
    'aliyev' -> 'ali', 'kamalov' -> 'kamal' (lower-case Latin, suffix -ov/-ev/-ova/-eva)."""
    for suffix in RUSSIAN_SURNAME_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)]
            if stem[-1] == "y" and stem[-2] in _LATIN_VOWELS:
                stem = stem[:-1]  # Aliyev, Eliyev: the y only carries the suffix
            return stem
    return None


def join_compound_names(parts: list[str]) -> list[str]:
    """Latin name parts with each Arabic compound name in al-Din run together with
    hyphens, as one part: ['Saif', 'al', 'Dīn', 'ʿAzīz'] -> ['Saif-al-Dīn', 'ʿAzīz']."""
    out: list[str] = []
    index = 0
    while index < len(parts):
        if (
            index + 2 < len(parts)
            and fold_latin(parts[index + 1]) in _ARTICLES
            and fold_latin(parts[index + 2]) in _DIN
            and len(fold_latin(parts[index])) >= 3
        ):
            out.append("-".join(parts[index : index + 3]))
            index += 3
        else:
            out.append(parts[index])
            index += 1
    return out


def fold_name_part(part: str) -> str:
    """`fold_latin` of one name part; a compound in al-Din (see `join_compound_names`)
    is folded as it is said, the article's l assimilated: 'Saif-al-Dīn' -> 'saifaddin'."""
    pieces = part.split("-")
    if len(pieces) == 3:
        name, article, din = (fold_latin(piece) for piece in pieces)
        if article in _ARTICLES and din in _DIN and len(name) >= 3:
            return f"{name}{article[0]}d{din}"
    return fold_latin(part)


@lru_cache(maxsize=1)
def variants() -> dict[str, str]:
    """International spelling -> Uyghur form, from data/latin_variants.tsv."""
    text = resources.files("karez.names").joinpath("data/latin_variants.tsv").read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            variant, uly = line.split("\t")
            table[variant] = uly
    return table


@lru_cache(maxsize=1)
def pinyin_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable (data/pinyin_syllables.txt)."""
    text = resources.files("karez.names").joinpath("data/pinyin_syllables.txt").read_text("utf-8")
    return frozenset(
        word for line in text.splitlines() if not line.startswith("#") for word in line.split()
    )


def fold_latin(word: str) -> str:
    """Lower-case a Latin word and write it with ULY letters (accents kept only on é ö ü)."""
    word = word.lower().translate(_LETTERS)
    decomposed = unicodedata.normalize("NFD", word)
    out: list[str] = []
    for char in decomposed:
        if unicodedata.combining(char):
            if out and unicodedata.normalize("NFC", out[-1] + char) in _KEEP_ACCENTED:
                out[-1] = unicodedata.normalize("NFC", out[-1] + char)
            continue
        out.append(char)
    word = "".join(out)
    return "".join(char for char in word if char.isalpha() or char == "'")


def to_uly_spelling(word: str) -> str:
    """Rewrite a folded Latin word's foreign spelling habits as ULY (kh -> x, sch -> sh)."""
    index = 0
    out: list[str] = []
    while index < len(word):
        for source, target in _RULES:
            if word.startswith(source, index):
                if source == "c" and word.startswith("ch", index):
                    continue
                out.append(target)
                index += len(source)
                break
        else:
            out.append(word[index])
            index += 1
    return "".join(out)


@lru_cache(maxsize=65536)
def segment_pinyin(word: str) -> tuple[str, ...] | None:
    """Split a lower-case word into pinyin syllables (fewest syllables), or None."""
    syllables = pinyin_syllables()
    best: list[tuple[str, ...] | None] = [None] * (len(word) + 1)
    best[0] = ()
    for end in range(1, len(word) + 1):
        for start in range(max(0, end - 6), end):
            previous = best[start]
            if previous is None:
                continue
            piece = word[start:end]
            if piece in syllables:
                candidate = previous + (piece,)
                current = best[end]
                if current is None or len(candidate) < len(current):
                    best[end] = candidate
    return best[len(word)]


def looks_like_pinyin(word: str) -> bool:
    """True when a word reads as Chinese pinyin of a transcription (Maimaiti, Tuerxun)."""
    syllables = segment_pinyin(word)
    if not syllables or len(syllables) < 2 or word in variants():
        return False
    if syllables[-1] in _FINAL_CARRIERS:
        return True
    return any(syllable in _STRONG_TELLTALES for syllable in syllables)


@lru_cache(maxsize=262144)
def latin_readings(word: str) -> tuple[tuple[str, float], ...]:
    """Ranked ULY readings of one Latin name part (best first, weights in (0, 1]).

    The direct reading always comes first unless the word is pinyin, in which case the
    Han syllable model's reading leads and the direct one follows.
    """
    folded = fold_name_part(word)
    if not folded:
        return ()
    plain = folded.replace("'", "")
    direct = variants().get(plain) or to_uly_spelling(plain)
    readings: dict[str, float] = {direct: 1.0}
    if plain != direct and plain in variants():
        readings[to_uly_spelling(plain)] = 0.8
    if len(direct) > 2 and direct[-1] == "y" and direct[-2] not in _LATIN_VOWELS:
        # English spelling writes a word-final i as y after a consonant (Nury, Bekry,
        # Kasimy); Uyghur ends no word in consonant + y, so the y is the vowel i
        readings = {direct[:-1] + "i": 1.0, direct: 0.9}
    for ending, uyghur in _RUSSIAN_ENDINGS:
        if direct.endswith(ending) and len(direct) > 4 and plain.endswith(("ov", "ev")):
            readings = {direct[: -len(ending)] + uyghur: 1.0, direct: 0.9}
            break
    if "x" in plain and "x" in direct:
        # The PRC's Latin forms of Uyghur names (Xinhua, People's Daily, CGTN, passports
        # made from the official Latin transliteration) write sh as x, as pinyin does:
        # Abdurexit, Dilxat, Xirzat for Abdureshit, Dilshat, Shirzat. ULY writes kh as x
        # (Xoja, Exmet), which stays the first reading.
        sh_reading = direct.replace("x", "sh")
        if sh_reading not in readings:
            readings[sh_reading] = _X_AS_SH_WEIGHT
    syllables = segment_pinyin(plain)
    if syllables and len(syllables) >= 2:
        pinyin_weight = 1.0 if looks_like_pinyin(plain) else 0.6
        for reading, weight in han.pinyin_part_readings(syllables, 6):
            score = round(weight * pinyin_weight, 4)
            if score > readings.get(reading, 0.0):
                readings[reading] = score
        if pinyin_weight == 1.0:
            readings[direct] = 0.7
    ranked = sorted(readings.items(), key=lambda item: -item[1])
    return tuple(ranked[:8])

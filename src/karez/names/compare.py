"""Comparing two names across scripts, and keys for blocking.

Both names are parsed to ULY readings, then folded to a phonetic *skeleton* that forgets
the distinctions spellings and transcriptions lose (vowel qualities, k/q, g/gh, l/r,
f/p, doubled letters, n/ng). Parts are matched to parts allowing a swap, a missing
part, or parts run together; the given name and the father's name weigh most.
"""

from __future__ import annotations

from dataclasses import replace
from functools import lru_cache
from itertools import permutations

from rapidfuzz.distance import JaroWinkler, Levenshtein

from karez.names import alphabet, han, latin
from karez.names.parse import ParsedName, Readings, parse
from karez.names.scripts import detect_script, is_han_char

_DIGRAPHS = (("sh", "S"), ("ch", "C"), ("zh", "J"), ("gh", "G"), ("ng", "n"), ("kh", "H"))
_FOLD = str.maketrans(
    {
        "a": "a", "e": "a", "ä": "a", "ə": "a",
        "i": "i", "é": "i", "ë": "i", "ı": "i",
        "o": "u", "u": "u", "ö": "u", "ü": "u",
        "q": "k", "k": "k", "g": "G", "x": "H", "h": "H",
        "j": "J", "w": "w", "v": "w", "f": "p", "p": "p",
        "l": "r", "r": "r", "c": "J",
    }
)
_VOWELS = frozenset("aiu")
# how much each position weighs: given name, father's name, grandfather's name, and
# further parts (long names of Persian and Arabic style: Zahir al-Din Muhammad Babur)
_PART_WEIGHTS = (1.0, 0.8, 0.4, 0.3, 0.3, 0.3)
# parts compared one by one; a name with more is compared on its first six (a name
# written with hyphenated particles, Zahir-ud-din Mohammad Babur, has five)
_MAX_PARTS = len(_PART_WEIGHTS)
_READINGS_USED = 3


@lru_cache(maxsize=524288)
def skeleton(uly: str) -> str:
    """Fold a ULY-like spelling to its phonetic skeleton ('Mehmet' and 'memet' agree).

    Vowels become a/i/u classes, k=q, g=gh, x=h, l=r, f=p, ng=n, doubled letters and
    an h after a vowel (Ehmet/Emet) are dropped, a final d is read as t, a final b as p, a final
    g or gh as k, a final
    -chan as -jan, and Abdul-/Abdur- before a consonant as Abdu-; an i after a or u and
    before a consonant is the glide y (Haidar ~ Haydar), unless an apostrophe parts them.
    """
    # an i that ULY's apostrophe parts from the vowel before it (a'i) is a vowel of its
    # own: marked I, folded as i, never read as the glide y
    text = uly.lower().replace("'i", "I").replace("'é", "I").replace("'", "")
    for digraph, code in _DIGRAPHS:
        text = text.replace(digraph, code)
    text = text.translate(_FOLD)
    out: list[str] = []
    for index, char in enumerate(text):
        if char == "H" and out and out[-1] in _VOWELS:
            following = text[index + 1] if index + 1 < len(text) else ""
            if following not in _VOWELS:
                continue  # Ehmet ~ Emet ~ Ahmet: a coda h is often unwritten
        if char == "y" and out and out[-1] == "i":
            continue  # iy ~ i
        if char == "I":
            char = "i"
        elif char == "i" and out and out[-1] in ("a", "u"):
            following = text[index + 1 : index + 3]
            if len(following) == 2 and following[0] not in _VOWELS and following[0] != "I" and (
                following[1] in _VOWELS or following[1] == "I"
            ):
                # English, German and French spellings write the diphthong ay as ai
                # (Haidar, Hairat, Saifuddin, Kaiser, Taipov, Sulaiman), which Uyghur and
                # Chinese write with y (Heyder 海达尔, Seypidin 赛福鼎, Tayip 太也夫): ai,
                # ei, ui before a consonant that begins the next syllable are the glide.
                # Not before a last consonant, where Arabic names of the pattern fa'il
                # keep two vowels (Said, Naim, Ismail: Uyghur Seyit, Na'im, Ismayil)
                char = "y"
        if out and out[-1] == char:
            continue
        out.append(char)
    if out and out[-1] == "d":
        out[-1] = "t"
    if out and out[-1] == "b":
        out[-1] = "p"  # Uyghur devoices a final b: Yaqup, Hajip, Ayup for Yaqub, Hajib, Ayyub
    if len(out) > 1 and out[-1] == "G" and out[-2] != "n":
        # a final g or gh devoices as well: Beg ~ Bek (伯克), Tégh ~ Téq; Mandarin has no
        # final g, so Chinese writes it with 克 ke, read k
        out[-1] = "k"
    if out[:5] == ["a", "b", "d", "u", "r"] and len(out) > 5 and out[5] not in _VOWELS:
        # Arabic Abd al-X: Uyghur writes Abdu-X (Abdukérim, Abduhamit) where spellings
        # abroad keep the article (Abdulkerim, Abdulhamid); before a vowel the l stays
        # (Abdulla), before r it merges (Abdurrahim ~ Abdurehim)
        del out[4]
    if out[-3:] == ["C", "a", "n"]:
        out[-3] = "J"  # the suffix -jan is also written -chan (Téyipchan ~ Téyipjan)
    return "".join(out)


def skeleton_consonants(folded: str) -> str:
    """The consonants of a skeleton without h, y and w (the letters sources drop)."""
    return "".join(c for c in folded if c not in _VOWELS and c not in ("H", "y", "w"))


def consonant_key(uly: str) -> str:
    """The consonants of a ULY spelling's skeleton (see `skeleton_consonants`)."""
    return skeleton_consonants(skeleton(uly))


# Coarser than the skeleton, for blocking across scripts only: the consonant classes a
# Chinese transcription cannot tell apart, or that readers of it disagree on. 沙 is read sha
# but written Sa- as often (Abdusalam), 波 bo for Polat, 江 jiang for -jan and -chan,
# 克 ke for q, k and g; d and t, b and p are one class (Mehmed ~ Memet, Bolat ~ Polat).
_COARSE = str.maketrans({"S": "s", "C": "J", "z": "J", "G": "k", "b": "p", "d": "t"})


def coarse_key(uly: str) -> str:
    """The consonant skeleton of a ULY spelling with s/sh, j/zh/ch/z, q/k/g/gh, b/p and
    d/t merged (vowels, h, y and w dropped): 'yashinjan' and 'Yasinjan' both give 'snJn',
    'bolat' and 'Polat' 'prt'. A key for finding candidate pairs across scripts; it
    forgets too much to compare names with."""
    return skeleton_consonants(skeleton(uly)).translate(_COARSE)


def string_similarity(left: str, right: str) -> float:
    """Similarity in [0, 1] of two skeletons: the mean of Jaro-Winkler and Levenshtein."""
    if not left or not right:
        return 0.0
    if left == right:
        return 1.0
    return 0.5 * JaroWinkler.normalized_similarity(left, right) + 0.5 * (
        Levenshtein.normalized_similarity(left, right)
    )


@lru_cache(maxsize=524288)
def distinct_skeletons(readings: Readings, limit: int = _READINGS_USED) -> tuple[tuple[str, float], ...]:
    """The skeletons of the best readings, each skeleton once (k/q or e/a variants of one
    reading add nothing to a comparison), at most `limit`, with the weight of the best
    reading that gives each."""
    out: list[tuple[str, float]] = []
    seen: set[str] = set()
    for reading, weight in readings:
        folded = skeleton(reading)
        if folded and folded not in seen:
            seen.add(folded)
            out.append((folded, weight))
            if len(out) == limit:
                break
    return tuple(out)


_INITIAL_H_DISCOUNT = 0.96
_GH_H_DISCOUNT = 0.97


def _starts_with_h(folded: str) -> bool:
    return len(folded) > 1 and folded[0] == "H" and folded[1] in _VOWELS


def _starts_with_gh(folded: str) -> bool:
    return len(folded) > 1 and folded[0] == "G" and folded[1] in _VOWELS


@lru_cache(maxsize=524288)
def part_similarity(left: Readings, right: Readings) -> float:
    """Similarity in [0, 1] of two name parts given their ranked readings.

    The best pair of distinct reading skeletons counts; a less likely reading is
    discounted a little so that a match on a reading the model doubts counts less than
    one on its best guess.
    """
    return _skeletons_similarity(distinct_skeletons(left), distinct_skeletons(right))


def _skeletons_similarity(
    lefts: tuple[tuple[str, float], ...], rights: tuple[tuple[str, float], ...], unwritten_gh: bool = False
) -> float:
    """The best similarity of two lists of (skeleton, weight), weights discounting; with
    `unwritten_gh` (a Han part read towards another spelling), a gh or g that begins one
    skeleton and not the other may be left out, as an initial h may."""
    best = 0.0
    for skeleton_left, weight_left in lefts:
        for skeleton_right, weight_right in rights:
            score = string_similarity(skeleton_left, skeleton_right)
            if _starts_with_h(skeleton_left) != _starts_with_h(skeleton_right):
                # a word-initial h is often unwritten: Chinese writes Hesen 艾山, Hushur
                # 吾守尔, Hidayet 伊达雅 with vowel-initial characters, and spellings
                # abroad drop it too; a match without it counts a little less
                score = max(score, _INITIAL_H_DISCOUNT * string_similarity(
                    skeleton_left.removeprefix("H"), skeleton_right.removeprefix("H")))
            if unwritten_gh and _starts_with_gh(skeleton_left) != _starts_with_gh(skeleton_right):
                # Chinese leaves a word-initial gh unwritten as it does an h (round 9):
                # Mandarin has no gh, and a vowel-initial character stands for it (吾甫尔
                # and 乌普尔 Ghopur). Only where characters are read towards a spelling:
                # there the gate keeps a G- name from matching every vowel-initial one
                # (the skeleton folds g with gh); in every comparison it lifted Arabic-Latin
                # negatives (غازى ~ Gheyrat) and lowered AUC
                score = max(score, _INITIAL_H_DISCOUNT * string_similarity(
                    skeleton_left.removeprefix("G"), skeleton_right.removeprefix("G")))
            if ("G" in skeleton_left) != ("G" in skeleton_right) and (
                "H" in skeleton_left or "H" in skeleton_right
            ):
                # Mandarin has no gh: Chinese writes it with h- syllables (海依热提
                # Gheyret, 哈力甫 Ghalip, 吐尔洪 Turghun, 霍普尔 Ghopur), so gh against h/x
                # also counts, a little less
                score = max(score, _GH_H_DISCOUNT * string_similarity(
                    skeleton_left.replace("G", "H"), skeleton_right.replace("G", "H")))
            score *= 0.9 + 0.1 * min(weight_left, weight_right)
            if score > best:
                best = score
    return best


def _as_parsed(name: str | ParsedName) -> ParsedName:
    return name if isinstance(name, ParsedName) else parse(name)


def compare_parts(a: str | ParsedName, b: str | ParsedName) -> dict[str, float | bool | None]:
    """Compare two names part by part.

    Returns `given` (similarity of the given names), `father` (of the fathers' names;
    None when either lacks one), `swapped` (True when the best match pairs a's given
    name with b's father's name), and `score` (as `similarity`).
    """
    parsed_a, parsed_b = _as_parsed(a), _as_parsed(b)
    score, assignment = _scored(parsed_a, parsed_b)
    by_a = dict(assignment)
    given = by_a.get(0)
    father = by_a.get(1)
    matrix = _matrix(parsed_a, parsed_b)
    return {
        "score": round(score, 6),
        "given": matrix[0][given] if given is not None else 0.0,
        "father": matrix[1][father] if father is not None and len(matrix) > 1 else None,
        "swapped": given is not None and given != 0,
    }


# A Han part against a part in another script is also read *towards* that spelling: of
# the many readings the syllable model allows (`han.lattice_readings`, one per skeleton),
# the one nearest the other spelling counts, discounted by how likely the model finds it.
# The characters are ambiguous (a medial 力 writes li or the coda l, 甫 p or pu, 沙 sha or
# sa, 德尔 der or dir); a fixed top three cannot hold every convention, and moving one
# convention into the top three (round 6 tried 力 l, 沙 sa, 木 m one at a time) moves it
# for every name. The weight does the work a reader does: Ilham is a likely reading of
# 伊力哈木, Ilxamu an unlikely one. Two limits keep chance resemblances from rising:
# a reading counts only at 0.3 of the best one's weight or more, and the aligned
# comparison only where it finds a close match (0.8 or better); below that, a reading
# towards the other spelling says nothing the fixed readings did not (the same gate as
# the Russian surname stems below). Measured on the pooled development material (round
# 7): without the limits AUC fell on three of five sets.
_LATTICE_WIDTH = 24
_LATTICE_FLOOR = 0.3
_LATTICE_MATCH = 0.8


@lru_cache(maxsize=65536)
def lattice_skeletons(han_part: str) -> tuple[tuple[str, float], ...]:
    """Distinct skeletons of many readings of one Han part (see `han.lattice_readings`),
    best first, each with the relative weight of the likeliest reading that gives it."""
    characters = "".join(char for char in han_part if is_han_char(char))
    if not characters:
        return ()
    found = distinct_skeletons(han.lattice_readings(characters, _LATTICE_WIDTH, skeleton), _LATTICE_WIDTH)
    return tuple((folded, weight) for folded, weight in found if weight >= _LATTICE_FLOOR)


@lru_cache(maxsize=524288)
def _aligned_similarity(han_part: str, other: Readings) -> float:
    """A Han part's similarity to a part in another script, over its lattice readings."""
    lattice = lattice_skeletons(han_part)
    others = distinct_skeletons(other)
    score = _skeletons_similarity(lattice, others, unwritten_gh=True)
    if other and other[0][0].startswith("e") and _begins_with_yi(han_part):
        # Uyghur alternates e and i at the start of names (Ekpar, Eli, Elijan, Erzat,
        # Elshat ~ Ilshat: an unstressed e is raised), and Chinese writes the e with 伊 or
        # 依 yi, as it writes the i (round 10; the converse of 艾 for i, round 9). The
        # skeleton folds e with a, so the i is read as e only where the other spelling
        # writes e, never towards an A- name (伊莱 Eli is no "Ala"); weighed as 艾's i
        as_e = tuple(("a" + folded[1:], weight * _INITIAL_E_WEIGHT) for folded, weight in lattice
                     if folded.startswith("i"))
        score = max(score, _skeletons_similarity(as_e, others, unwritten_gh=True))
    return score if score >= _LATTICE_MATCH else 0.0


_INITIAL_E_WEIGHT = 0.4


def _begins_with_yi(han_part: str) -> bool:
    """True when a Han part's first character is the syllable yi (伊, 依, 衣)."""
    first = next((char for char in han_part if is_han_char(char)), "")
    return bool(first) and han.char_pinyin(first) == "yi"


def _is_han_part(part: str) -> bool:
    return any(is_han_char(char) for char in part)


def _matrix(a: ParsedName, b: ParsedName) -> list[list[float]]:
    matrix = [[part_similarity(ra, rb) for rb in b.readings[:_MAX_PARTS]] for ra in a.readings[:_MAX_PARTS]]
    han_a = [_is_han_part(part) for part in a.parts[:_MAX_PARTS]]
    han_b = [_is_han_part(part) for part in b.parts[:_MAX_PARTS]]
    for i, ra in enumerate(a.readings[:_MAX_PARTS]):
        for j, rb in enumerate(b.readings[:_MAX_PARTS]):
            if han_a[i] and not han_b[j]:
                matrix[i][j] = max(matrix[i][j], _aligned_similarity(a.parts[i], rb))
            elif han_b[j] and not han_a[i]:
                matrix[i][j] = max(matrix[i][j], _aligned_similarity(b.parts[j], ra))
    stems_a, stems_b = _surname_stems(a), _surname_stems(b)
    if any(stems_a) or any(stems_b):
        for i, ra in enumerate(a.readings[:_MAX_PARTS]):
            for j, rb in enumerate(b.readings[:_MAX_PARTS]):
                matrix[i][j] = max(matrix[i][j], _stem_similarity(stems_a[i], rb), _stem_similarity(stems_b[j], ra))
    return matrix


# A Russian surname suffix (Kamalov, Nasirov, Akhmadieva: Soviet records add -ov/-ev/-ova/
# -eva to a father's name) may be absent from the Uyghur form (ئەخمىدى). The bare name
# counts only when it agrees closely with the other part, and a little less than a match
# of the whole: a shorter stem would otherwise lift chance resemblances as well.
_STEM_MATCH = 0.8
_STEM_DISCOUNT = 0.97
_CYRILLIC_SUFFIXES = ("ова", "ева", "ёва", "ов", "ев", "ёв")


def _stem_similarity(stem: Readings | None, other: Readings) -> float:
    if not stem:
        return 0.0
    score = part_similarity(stem, other)
    return _STEM_DISCOUNT * score if score >= _STEM_MATCH else 0.0


@lru_cache(maxsize=65536)
def _surname_stems(name: ParsedName) -> tuple[Readings | None, ...]:
    """For each of the first six parts, the readings of the name a Russian-style surname
    is made from (Kamalov -> kamal), or None."""
    stems: list[Readings | None] = []
    for part in name.parts[:_MAX_PARTS]:
        script = detect_script(part)
        stem_readings: Readings | None = None
        if script == "latin":
            stem = latin.russian_surname_stem(latin.fold_latin(part).replace("'", ""))
            stem_readings = latin.latin_readings(stem) if stem else None
        elif script == "cyrillic":
            lowered = part.lower()
            for suffix in _CYRILLIC_SUFFIXES:
                if lowered.endswith(suffix) and len(lowered) - len(suffix) >= 3:
                    reading = alphabet.cyrillic_to_uly(lowered[: -len(suffix)].removesuffix("й")).lower()
                    stem_readings = ((reading, 1.0),) if reading else None
                    break
        stems.append(stem_readings or None)
    return tuple(stems)


# What a part that only one name has costs: 7 %, whether it is a name or a title (Khan,
# Shah, Haji, Ahun ...). A missing title is no stronger evidence of the same person than a
# missing father's name: a source that gives 帕爾哈提 alone says nothing about which of
# "Perhat Khaliq" and "Perhat Ahun" it means, so neither may win on its title (round 2
# charged titles 2 %, and a recombined "Perhat Ahun" then outranked the real person).
# Only particles that are no name at all (the Arabic article al-, ibn/bin "son of") cost
# 2 %: a source writes them or not (Mahmud al-Kashgari ~ Mahmud Kashgari), and no
# recombined name is made of one.
_PART_COST = 0.07
_TITLE_COST = 0.02
_TITLES = ("al", "el", "ibn", "bin")


@lru_cache(maxsize=1)
def _title_skeletons() -> frozenset[str]:
    return frozenset(skeleton(title) for title in _TITLES)


def _is_title(readings: Readings) -> bool:
    """True when a part's best reading is a particle that is no name (see `_TITLES`), or
    an initial (one letter: the H. of Ilshat H. Kokbore)."""
    if not readings:
        return False
    best = readings[0][0]
    # An initial abbreviates a part (English-style middle initials, common in names
    # written abroad: Nury A. Turkel); it neither confirms nor contradicts a part the
    # other name writes in full, so leaving it out costs what a particle costs.
    return len(best) == 1 or skeleton(best) in _title_skeletons()


def _best_assignment(a: ParsedName, b: ParsedName) -> tuple[float, tuple[tuple[int, int], ...]]:
    """Best one-to-one pairing of parts, weighted by position, with small penalties."""
    if not a.readings or not b.readings:
        return 0.0, ()
    matrix = _matrix(a, b)
    rows, cols = len(matrix), len(matrix[0])
    best_score, best_pairs = 0.0, ()
    size = min(rows, cols)
    row_indexes = range(rows)
    for chosen_cols in permutations(range(cols), size):
        for chosen_rows in permutations(row_indexes, size) if rows > size else (tuple(row_indexes),):
            pairs = tuple(zip(chosen_rows, chosen_cols, strict=True))
            total = weight_sum = 0.0
            for i, j in pairs:
                weight = (_PART_WEIGHTS[i] + _PART_WEIGHTS[j]) / 2
                total += weight * matrix[i][j]
                weight_sum += weight
            # in order: each part in its place, or the given names paired and the other
            # matched parts in their order, whatever is left out between them (Mahmud
            # al-Kashgari ~ Mahmud Kashgari)
            in_order = all(i == j for i, j in pairs) or (
                (0, 0) in pairs and [j for _, j in sorted(pairs)] == sorted(j for _, j in pairs)
            )
            score = total / weight_sum
            if not in_order:
                score *= 0.97  # swapped parts happen, but in-order matches are likelier
            if rows != cols:
                left_out = [_is_title(a.readings[i]) for i in row_indexes if i not in chosen_rows]
                left_out += [_is_title(b.readings[j]) for j in range(cols) if j not in chosen_cols]
                score *= 1.0 - min(0.21, sum(_TITLE_COST if title else _PART_COST for title in left_out))
            if score > best_score:
                best_score, best_pairs = score, pairs
    return best_score, best_pairs


# Two parts one name writes apart and the other runs together (艾赫买提.莫敏塔热米 for
# Exmet Momin Tarimi: a by-name run into the father's name, or a Han name written without
# its second dot) are compared as one part, the other parts still matched part by part.
# Likelier than the whole-name comparison (x0.95): the parts around them still agree.
_MERGED_DISCOUNT = 0.98


def _merged(a: ParsedName, b: ParsedName) -> float:
    """Best part-wise match after running two adjacent parts of the longer name together
    (the shorter keeps at least two parts; one merge only)."""
    longer, shorter = (a, b) if len(a.readings) > len(b.readings) else (b, a)
    if len(longer.readings) - len(shorter.readings) != 1 or len(shorter.readings) < 2:
        return 0.0
    best = 0.0
    for k in range(len(longer.readings) - 1):
        joined = _merge_parts(longer, k)
        if joined is not None:
            best = max(best, _best_assignment(joined, shorter)[0])
    return _MERGED_DISCOUNT * best


@lru_cache(maxsize=65536)
def _merge_parts(name: ParsedName, k: int) -> ParsedName | None:
    """The name with parts k and k+1 run together (Han re-read as one string)."""
    first, second = name.readings[k], name.readings[k + 1]
    if not first or not second:
        return None
    part = name.parts[k] + name.parts[k + 1]
    readings: Readings = ()
    if name.script == "han":
        characters = "".join(char for char in part if is_han_char(char))
        readings = han.part_readings(characters) if characters else ()
    if not readings:
        combined: dict[str, float] = {}
        for left, weight_left in first[:3]:
            for right, weight_right in second[:3]:
                combined.setdefault(f"{left}'{right}", round(weight_left * weight_right, 4))
        readings = tuple(sorted(combined.items(), key=lambda item: -item[1]))
    return replace(
        name,
        parts=name.parts[:k] + (part,) + name.parts[k + 2 :],
        readings=name.readings[:k] + (readings,) + name.readings[k + 2 :],
    )


def _concatenated(a: ParsedName, b: ParsedName) -> float:
    """Similarity of the whole names run together (Abdu Rehim ~ Abdurehim)."""
    if len(a.readings) == len(b.readings):
        return 0.0  # the part-wise match already covers this case
    return 0.95 * part_similarity(_joined_readings(a), _joined_readings(b))


def _joined_readings(name: ParsedName) -> Readings:
    """Readings of a name's parts run together. Han characters are read again as one
    part, so a cut that `segment_han` made inside one name (萨希甫加马丽 Sahibjamal)
    does not carry over."""
    if name.script == "han":
        characters = "".join(char for part in name.parts for char in part if is_han_char(char))
        readings = han.part_readings(characters) if characters else ()
        if readings:
            return readings
    # apart in ULY's way (a'i), so that no diphthong is read across a part boundary
    return (("'".join(r[0][0] for r in name.readings if r), 1.0),)


def similarity(a: str | ParsedName, b: str | ParsedName) -> float:
    """Similarity in [0, 1] of two names in any scripts (1.0: the same skeleton and the
    same spelling in detail; the same skeleton alone gives at least 0.999).

    Knows that parts may be missing, swapped or run together and that the given name and
    the father's name carry most weight. Symmetric up to rounding.
    """
    score, _pairs = _scored(_as_parsed(a), _as_parsed(b))
    return round(score, 6)


# Among names whose skeletons agree equally well, the one that also agrees in finer
# detail ranks first: 馬赫穆德 (…德, d) is nearer Mahmud than Mahmut, مەھمۇت nearer
# Mehmut than Mahmud, 和卓 nearer Khoja than Hoja. The skeleton forgets these details on
# purpose (they vary between spellings of one name), so they only break near-ties: at
# most 0.001 of the score.
_DETAIL_WEIGHT = 0.001


def _scored(a: ParsedName, b: ParsedName) -> tuple[float, tuple[tuple[int, int], ...]]:
    """The similarity of two parsed names and the part pairing it rests on."""
    score, pairs = _best_assignment(a, b)
    whole = max(_concatenated(a, b), _merged(a, b))
    if whole > score:
        detail = Levenshtein.normalized_similarity("".join(_detail_forms(a)), "".join(_detail_forms(b)))
        return min(1.0, whole) * (1.0 - _DETAIL_WEIGHT * (1.0 - detail)), ()
    if not pairs:
        return min(1.0, score), pairs
    forms_a, forms_b = _detail_forms(a), _detail_forms(b)
    total = weight_sum = 0.0
    for i, j in pairs:
        weight = (_PART_WEIGHTS[i] + _PART_WEIGHTS[j]) / 2
        total += weight * Levenshtein.normalized_similarity(forms_a[i], forms_b[j])
        weight_sum += weight
    detail = total / weight_sum
    return min(1.0, score) * (1.0 - _DETAIL_WEIGHT * (1.0 - detail)), pairs


@lru_cache(maxsize=262144)
def _detail_forms(name: ParsedName) -> tuple[str, ...]:
    """Each part as its source spells it, in ULY letters but unfolded: a Latin part
    before the table of international forms (Mahmud stays mahmud), any other part its
    best reading."""
    forms = []
    for part, readings in zip(name.parts, name.readings, strict=True):
        if detect_script(part) == "latin":
            forms.append(latin.to_uly_spelling(latin.fold_name_part(part)).replace("'", ""))
        else:
            forms.append(readings[0][0] if readings else "")
    return tuple(forms)


def keys(text: str) -> list[str]:
    """Blocking keys of a name: names that may be the same person share at least one.

    One key per part reading (`p:` + the first four consonants of its skeleton), from the
    best two readings of each of the first three parts, and one for the given+father
    pair in either order (`gf:`). Script-independent: 买买提·吐尔逊, Memet Tursun and
    مەمەت تۇرسۇن give the same keys.
    """
    return list(_keys(text))


@lru_cache(maxsize=524288)
def _keys(text: str) -> tuple[str, ...]:
    parsed = parse(text)
    found: list[str] = []
    part_keys: list[str] = []
    for readings in parsed.readings[:3]:
        first = ""
        for folded, _weight in distinct_skeletons(readings, 2):
            key = skeleton_consonants(folded)[:4]
            if key and f"p:{key}" not in found:
                found.append(f"p:{key}")
            if not first:
                first = key
        part_keys.append(first)
    if len(part_keys) >= 2 and part_keys[0] and part_keys[1]:
        pair = sorted((part_keys[0][:3], part_keys[1][:3]))
        found.append(f"gf:{pair[0]}|{pair[1]}")
    return tuple(found)

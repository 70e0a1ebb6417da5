"""Realistic faults, injected at fixed default rates and logged as ground truth.

The rates are a dataclass so that every stage tests and benchmarks against the same values;
they change only with a CHANGELOG entry (docs/testbed.md lists them with their reasons).
Every function here returns the written values together with a log of what it changed:
row position, fault type, field, true value and written value.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from karez.testbed.lexicon import Lexicon

STANDARD_SEPARATOR = "\u00b7"  # the middle dot of Chinese transcriptions of foreign names
OTHER_SEPARATORS = np.array(["", " ", "\u2022", "\u30fb", ".", "\uff0e", "-"], dtype=object)
# Characters clerks confuse when typing transcriptions (same or near sound, same input code).
TYPO_NEIGHBOURS = {
    "买": "卖", "麦": "迈", "提": "题", "尔": "儿", "丽": "里", "力": "利", "依": "衣", "伊": "衣",
    "古": "故", "江": "疆", "汗": "罕", "木": "目", "甫": "普", "克": "可", "孜": "兹", "斯": "思",
    "阿": "啊", "艾": "爱", "吐": "土", "吾": "乌", "努": "奴", "热": "惹", "沙": "莎", "尼": "妮",
}  # fmt: skip
# Glyphs an OCR engine mistakes for one another in a printed table.
OCR_CONFUSIONS = {
    "己": "已", "未": "末", "土": "士", "日": "曰", "木": "术", "买": "头", "提": "堤",
    "尔": "尓", "丽": "麗", "0": "O", "1": "l", "5": "S", "8": "B", "·": ".", "古": "吉",
}  # fmt: skip
FAULT_COLUMNS = ["position", "fault_type", "field", "true_value", "written_value"]


@dataclass(frozen=True)
class FaultRates:
    """Default fault rates (per written name, ID, date, row or cell as stated)."""

    name_variant: float = 0.15  # another Chinese transcription of a name part
    separator: float = 0.10  # a separator other than U+00B7, or none
    parts_swapped: float = 0.02  # father's name written first
    father_name_missing: float = 0.03  # only the given name written
    name_typo: float = 0.01  # one character mistyped
    ocr_confusion: float = 0.02  # per PDF name cell: a glyph read as a look-alike
    id_wrong_digit: float = 0.01
    id_transposed: float = 0.005  # two adjacent digits swapped
    id_other_person: float = 0.005  # the ID of somebody else
    birth_date_mismatch: float = 0.01  # written birth date disagrees with the ID
    duplicate_row: float = 0.01
    missing_field: float = 0.02  # per optional cell: left blank

    def as_dict(self) -> dict[str, float]:
        return asdict(self)


DEFAULT_RATES = FaultRates()


def _log(position: np.ndarray, fault: str, field: str, true: np.ndarray, written: np.ndarray) -> pd.DataFrame:
    return pd.DataFrame({"position": np.asarray(position, dtype=np.int64), "fault_type": fault,
                         "field": field, "true_value": np.asarray(true, dtype=object),
                         "written_value": np.asarray(written, dtype=object)})


def _empty_log() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "position" else object) for c in FAULT_COLUMNS})


def concat_logs(logs: list[pd.DataFrame]) -> pd.DataFrame:
    logs = [log for log in logs if len(log)]
    return pd.concat(logs, ignore_index=True) if logs else _empty_log()


def official_chinese_names(lexicon: Lexicon, given: np.ndarray, father: np.ndarray,
                           given_variant: np.ndarray, father_variant: np.ndarray) -> np.ndarray:
    """The names as on each person's papers: given·father in their own transcriptions."""
    first = pd.Series(lexicon.chinese[given, given_variant], dtype=object)
    second = pd.Series(lexicon.chinese[father, father_variant], dtype=object)
    return (first + STANDARD_SEPARATOR + second).to_numpy(dtype=object)


def write_chinese_names(rng: np.random.Generator, lexicon: Lexicon, given: np.ndarray,
                        father: np.ndarray, given_variant: np.ndarray, father_variant: np.ndarray,
                        rates: FaultRates = DEFAULT_RATES) -> tuple[np.ndarray, pd.DataFrame]:
    """Chinese names as one source writes them, with name faults, and the fault log."""
    n = len(given)
    true = official_chinese_names(lexicon, given, father, given_variant, father_variant)
    g_var = given_variant.astype(np.int64).copy()
    f_var = father_variant.astype(np.int64).copy()
    variant = rng.random(n) < rates.name_variant
    on_given = rng.random(n) < 0.5
    g_var[variant & on_given] += 1 + rng.integers(0, 3, size=int((variant & on_given).sum()))
    f_var[variant & ~on_given] += 1 + rng.integers(0, 3, size=int((variant & ~on_given).sum()))
    g_var %= np.maximum(lexicon.n_chinese[given], 1)
    f_var %= np.maximum(lexicon.n_chinese[father], 1)
    first = pd.Series(lexicon.chinese[given, g_var], dtype=object)
    second = pd.Series(lexicon.chinese[father, f_var], dtype=object)
    changed = (g_var != given_variant) | (f_var != father_variant)
    logs = []
    sep = np.full(n, STANDARD_SEPARATOR, dtype=object)
    other_sep = rng.random(n) < rates.separator
    sep[other_sep] = OTHER_SEPARATORS[rng.integers(0, len(OTHER_SEPARATORS), size=int(other_sep.sum()))]
    swapped = rng.random(n) < rates.parts_swapped
    missing = (rng.random(n) < rates.father_name_missing) & ~swapped
    sep_series = pd.Series(sep, dtype=object)
    written = np.array((first + sep_series + second).to_numpy(dtype=object), dtype=object)
    written[swapped] = (second + sep_series + first).to_numpy(dtype=object)[swapped]
    written[missing] = first.to_numpy(dtype=object)[missing]
    variant_log = (first + STANDARD_SEPARATOR + second).to_numpy(dtype=object)
    logs.append(_log(np.flatnonzero(changed), "name_variant", "name", true[changed], variant_log[changed]))
    sep_done = other_sep & ~missing
    logs.append(_log(np.flatnonzero(sep_done), "separator", "name", true[sep_done], written[sep_done]))
    logs.append(_log(np.flatnonzero(swapped), "parts_swapped", "name", true[swapped], written[swapped]))
    logs.append(_log(np.flatnonzero(missing), "father_name_missing", "name", true[missing], written[missing]))
    typo_rows = np.flatnonzero(rng.random(n) < rates.name_typo)
    typo_true = written[typo_rows].copy()
    for row in typo_rows:
        written[row] = _typo(rng, written[row])
    done = written[typo_rows] != typo_true
    logs.append(_log(typo_rows[done], "name_typo", "name", true[typo_rows[done]], written[typo_rows[done]]))
    return written, concat_logs(logs)


def _typo(rng: np.random.Generator, text: str) -> str:
    """Replace one character by a neighbour a clerk would type, else drop one character."""
    spots = [i for i, ch in enumerate(text) if ch in TYPO_NEIGHBOURS]
    if spots:
        i = spots[int(rng.integers(0, len(spots)))]
        return text[:i] + TYPO_NEIGHBOURS[text[i]] + text[i + 1 :]
    if len(text) > 2:
        i = int(rng.integers(1, len(text) - 1))
        return text[:i] + text[i + 1 :]
    return text


def ocr_confuse(rng: np.random.Generator, text: str) -> str:
    """One look-alike glyph substitution, as OCR of a printed table makes (or `text` unchanged)."""
    spots = [i for i, ch in enumerate(text) if ch in OCR_CONFUSIONS]
    if not spots:
        return text
    i = spots[int(rng.integers(0, len(spots)))]
    return text[:i] + OCR_CONFUSIONS[text[i]] + text[i + 1 :]


def write_id_numbers(rng: np.random.Generator, true_ids: np.ndarray, pool: np.ndarray,
                     rates: FaultRates = DEFAULT_RATES) -> tuple[np.ndarray, pd.DataFrame]:
    """ID numbers as written: one wrong digit, two adjacent digits swapped, or somebody
    else's ID (drawn from `pool`), at their rates; the rest as on the papers."""
    n = len(true_ids)
    written = np.asarray(true_ids, dtype=object).copy()
    draw = rng.random(n)
    wrong = draw < rates.id_wrong_digit
    transposed = (draw >= rates.id_wrong_digit) & (draw < rates.id_wrong_digit + rates.id_transposed)
    other = (draw >= rates.id_wrong_digit + rates.id_transposed) & (
        draw < rates.id_wrong_digit + rates.id_transposed + rates.id_other_person)
    for row in np.flatnonzero(wrong):
        text = written[row]
        i = int(rng.integers(0, 17))
        digit = str((int(text[i]) + int(rng.integers(1, 10))) % 10)
        written[row] = text[:i] + digit + text[i + 1 :]
    for row in np.flatnonzero(transposed):
        text = written[row]
        spots = [i for i in range(17) if text[i] != text[i + 1]]
        i = spots[int(rng.integers(0, len(spots)))]
        written[row] = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    others = np.flatnonzero(other)
    written[others] = pool[rng.integers(0, len(pool), size=len(others))]
    same = written[others] == np.asarray(true_ids, dtype=object)[others]
    others = others[~same]
    return written, concat_logs([
        _log(np.flatnonzero(wrong), "id_wrong_digit", "id_number", true_ids[wrong], written[wrong]),
        _log(np.flatnonzero(transposed), "id_transposed", "id_number", true_ids[transposed], written[transposed]),
        _log(others, "id_other_person", "id_number", true_ids[others], written[others]),
    ])


def write_birth_dates(rng: np.random.Generator, true_dates: np.ndarray,
                      rates: FaultRates = DEFAULT_RATES) -> tuple[np.ndarray, pd.DataFrame]:
    """Birth dates (datetime64[D]) as written; some disagree with the ID they stand beside."""
    dates = np.asarray(true_dates, dtype="datetime64[D]")
    written = dates.copy()
    rows = np.flatnonzero(rng.random(len(dates)) < rates.birth_date_mismatch)
    shift = rng.integers(1, 730, size=len(rows)) * rng.choice([-1, 1], size=len(rows))
    written[rows] = dates[rows] + shift.astype("timedelta64[D]")
    return written, _log(rows, "birth_date_mismatch", "birth_date",
                         dates[rows].astype(str), written[rows].astype(str))


def blank_cells(rng: np.random.Generator, values: np.ndarray, field: str,
                rates: FaultRates = DEFAULT_RATES) -> tuple[np.ndarray, pd.DataFrame]:
    """Optional cells left blank at the missing-field rate."""
    written = np.asarray(values, dtype=object).copy()
    rows = np.flatnonzero((rng.random(len(written)) < rates.missing_field) & (written != ""))
    true = written[rows].copy()
    written[rows] = ""
    return written, _log(rows, "missing_field", field, true, np.full(len(rows), "", dtype=object))


def duplicate_rows(rng: np.random.Generator, n: int, rates: FaultRates = DEFAULT_RATES) -> np.ndarray:
    """Row order with duplicates: each original row index, some repeated right after itself
    or later, as copy-paste in a spreadsheet does. Duplicates are the later occurrences."""
    dup = np.flatnonzero(rng.random(n) < rates.duplicate_row)
    order = np.arange(n)
    return np.insert(order, np.minimum(dup + 1 + rng.integers(0, 3, size=len(dup)), n), dup)

"""What a verification check is, and the working tables every check reads.

A check is data: a name, the family it belongs to, a plain-words title, a SQL query counting
what it examined and a SQL query yielding its findings (or, for checks that must read files, a
Python function). The engine runs them all the same way, so a new check is one more entry in a
family's list (the Datasette habit of built-in features registered like plug-ins).

Every findings query yields these columns, in this order:
``mention_id, record_id, source_id, severity, field, finding_values, message``
(``finding_values`` is a JSON object of the values involved, ``severity`` one of
info | warning | error).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from karez.errors import KarezError
from karez.store import Store

SEVERITIES = ("info", "warning", "error")

FINDING_COLUMNS = (
    "mention_id",
    "record_id",
    "source_id",
    "severity",
    "field",
    "finding_values",
    "message",
)


class VerifyError(KarezError):
    """A verification option is invalid, or verification cannot run on this case."""


def parse_day(text: str, *, end: bool = False, option: str = "--as-of") -> date:
    """A date written YYYY, YYYY-MM or YYYY-MM-DD; a year or month means its first day
    (its last day with `end`)."""
    parts = text.strip().split("-")
    try:
        year = int(parts[0])
        month = int(parts[1]) if len(parts) > 1 else (12 if end else 1)
        if len(parts) > 2:
            return date(year, month, int(parts[2]))
        if not end:
            return date(year, month, 1)
        following = date(year + (month == 12), month % 12 + 1, 1)
        return date.fromordinal(following.toordinal() - 1)
    except (ValueError, IndexError) as error:
        raise VerifyError(
            f"{option} {text!r} is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2018-06)"
        ) from error


def parse_period(text: str) -> tuple[date, date]:
    """A period written FIRST:LAST (each YYYY, YYYY-MM or YYYY-MM-DD), e.g. 2017-01:2019-12."""
    if ":" not in text:
        raise VerifyError(
            f"--period {text!r} needs two dates as FIRST:LAST, e.g. 2017-01:2019-12"
        )
    first_text, last_text = text.split(":", 1)
    first = parse_day(first_text, option="--period")
    last = parse_day(last_text, end=True, option="--period")
    if last < first:
        raise VerifyError(f"--period {text!r} ends before it starts; write FIRST:LAST")
    return first, last


@dataclass(frozen=True)
class Options:
    """Settings of one verification run.

    as_of: the date the document states ages at (its record date), when known; otherwise it is
        inferred per source from the ages and birth dates themselves.
    period: (first, last) dates the document claims to cover; event dates outside it are
        flagged. None: only impossible dates (future, before birth) are flagged.
    today: the date a date "in the future" is judged against.
    """

    as_of: date | None = None
    period: tuple[date, date] | None = None
    today: date = field(default_factory=date.today)


@dataclass(frozen=True)
class Check:
    """One check. Either SQL (`checked_sql` + `findings_sql`) or a Python `run` function.

    `run(store, options)` returns (number checked, list of finding dicts with the keys of
    FINDING_COLUMNS, `finding_values` as a dict).
    """

    name: str
    family: str
    title: str
    checked_sql: str | None = None
    findings_sql: str | None = None
    run: Callable[[Store, Options], tuple[int, list[dict[str, Any]]]] | None = None


# ISO 7064 MOD 11-2 weights of the first 17 digits of an ID number: 2^(17-i) mod 11.
WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
CHECK_CHARACTERS = "10X98765432"


def expected_check_sql(column: str = "id_clean") -> str:
    """SQL for the GB 11643-1999 check digit of the first 17 digits of `column`."""
    terms = " + ".join(
        f"(ascii(substr({column}, {i + 1}, 1)) - 48) * {w}" for i, w in enumerate(WEIGHTS)
    )
    return f"substr('{CHECK_CHARACTERS}', (({terms}) % 11)::INTEGER + 1, 1)"


# Middle dot and the characters clerks and OCR put in its place between name parts.
NAME_SEPARATORS = r"[·•・‧∙⋅･.．\-－=＝_ 　\s]+"


def prepare(store: Store, options: Options) -> None:
    """Build the temporary working tables the checks read (dropped when the connection closes).

    `_v_mentions`: every mention with its record locator and its ID number taken apart (18- and
    15-digit forms; the 15-digit form's birth date is in the 1900s by definition), with
    `id_expected` (the check digit its first 17 digits give) and `id_ok` (a number whose
    encoded birth date can be trusted).
    """
    today = options.today.isoformat()
    store.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE _v_mentions AS
        WITH base AS (
            SELECT m.mention_id, m.record_id, m.source_id, m.role, m.person_key, m.ordinal,
                   m.name, m.id_number, m.birth_date, m.birth_date_precision,
                   m.age, m.age_kind, m.sex, m.township, m.village, m.address,
                   upper(regexp_replace(m.id_number, '[\\s\\-]', '', 'g')) AS id_clean,
                   list_filter(regexp_split_to_array(trim(m.name), '{NAME_SEPARATORS}'),
                               lambda x: x <> '') AS name_parts
            FROM mentions m
        ), with_form AS (
            SELECT *,
            CASE
                WHEN id_clean IS NULL OR id_clean = '' THEN NULL
                WHEN regexp_full_match(id_clean, '[0-9]{{17}}[0-9X]') THEN '18'
                WHEN regexp_full_match(id_clean, '[0-9]{{15}}') THEN '15'
                ELSE 'bad'
            END AS id_form,
            CASE WHEN length(id_clean) IN (15, 18) THEN substr(id_clean, 1, 6) END AS id_region,
            CASE
                WHEN regexp_full_match(id_clean, '[0-9]{{17}}[0-9X]')
                    THEN try_strptime(substr(id_clean, 7, 8), '%Y%m%d')::DATE
                WHEN regexp_full_match(id_clean, '[0-9]{{15}}')
                    THEN try_strptime('19' || substr(id_clean, 7, 6), '%Y%m%d')::DATE
            END AS id_birth,
            CASE
                WHEN regexp_full_match(id_clean, '[0-9]{{17}}[0-9X]')
                    THEN CASE WHEN (ascii(substr(id_clean, 17, 1)) - 48) % 2 = 1 THEN 'M' ELSE 'F' END
                WHEN regexp_full_match(id_clean, '[0-9]{{15}}')
                    THEN CASE WHEN (ascii(substr(id_clean, 15, 1)) - 48) % 2 = 1 THEN 'M' ELSE 'F' END
            END AS id_sex
        FROM base
        ), parsed AS (
            SELECT *, CASE WHEN id_form = '18' THEN {expected_check_sql()} END AS id_expected
            FROM with_form
        )
        SELECT *,
            -- An ID number whose birth date can be trusted for comparisons between people: well
            -- formed, a real date not in the future nor before 1880, and (18 digits) the right
            -- check digit. A miswritten number is flagged by the ID checks on its own mention; its
            -- birth date must not make its relatives look wrong.
            coalesce(id_form IN ('18', '15') AND id_birth BETWEEN DATE '1880-01-01' AND DATE '{today}'
                     AND (id_form = '15' OR right(id_clean, 1) = id_expected), false) AS id_ok
        FROM parsed
        """
    )
    # Locators in the users' words: "leak.xlsx, sheet 名单, row 12".
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE _v_records AS
        SELECT r.record_id, r.source_id, r.sheet, r.page, r.table_index, r.row_number,
               concat_ws(', ',
                   coalesce(s.original_name, r.source_id),
                   CASE WHEN r.sheet IS NOT NULL THEN 'sheet ' || r.sheet END,
                   CASE WHEN r.page IS NOT NULL THEN 'page ' || r.page END,
                   CASE WHEN r.table_index IS NOT NULL AND r.page IS NOT NULL
                        THEN 'table ' || (r.table_index + 1) END,
                   CASE WHEN r.row_number IS NOT NULL THEN 'row ' || r.row_number END
               ) AS locator
        FROM records r LEFT JOIN sources s USING (source_id)
        """
    )

"""SQL pieces of the ingest: value expressions, date parsing, deterministic ids.

Column-mapped values are turned into canonical fields inside DuckDB, vectorised; only values
pulled out of a cell by a regular expression pass through Python (see pipeline.py).
"""

from __future__ import annotations

from karez.ingest.mapping import ValueSpec
from karez.ingest.readers.base import quote_ident

# Dates as Chinese and other records write them: 2017-05-03, 2017/5/3, 2017.5.3, 2017年5月3日,
# 2017年5月 (month only), 2017年 / 2017 (year only), 20170503, 201705; a time part is ignored.
DATE_MACROS = r"""
-- A cell's text with surrounding white space removed; NULL when blank. Trimming only the values
-- that need it is several times faster than trimming every value; the test looks at bytes
-- (starts_with/ends_with), which is cheaper than finding the last character of a UTF-8 string.
-- `x < '!'` compares bytes: it holds exactly when the first byte is a space or a control
-- character (tab, line feed, carriage return among them), one test instead of four.
CREATE OR REPLACE TEMP MACRO kz_space() AS (' ' || chr(9) || chr(10) || chr(13) || chr(12288));
CREATE OR REPLACE TEMP MACRO kz_text(x) AS (
    CASE WHEN x IS NULL OR x = '' THEN NULL
         WHEN x < '!' OR starts_with(x, chr(12288)) OR ends_with(x, ' ') OR ends_with(x, chr(9))
              OR ends_with(x, chr(10)) OR ends_with(x, chr(13)) OR ends_with(x, chr(12288))
             THEN nullif(trim(x, kz_space()), '')
         ELSE x END);
CREATE OR REPLACE TEMP MACRO kz_ymd(t) AS (
    CASE
        WHEN t IS NULL THEN NULL
        WHEN regexp_full_match(t, '\d{8}') THEN {'y': t[1:4], 'm': t[5:6], 'd': t[7:8]}
        WHEN regexp_full_match(t, '\d{6}') THEN {'y': t[1:4], 'm': t[5:6], 'd': ''}
        ELSE regexp_extract(
            regexp_replace(t, '[T\s]+\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*$', ''),
            '^\s*(\d{4})\s*(?:[-/.年]\s*(?:(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*[日号]?)?|月)?)?)?\s*$',
            ['y', 'm', 'd'])
    END);
CREATE OR REPLACE TEMP MACRO kz_date_of(p) AS (
    CASE WHEN p.y IS NULL OR p.y = '' THEN NULL
    ELSE try(make_date(CAST(p.y AS INTEGER), CAST(coalesce(nullif(p.m, ''), '1') AS INTEGER),
                       CAST(coalesce(nullif(p.d, ''), '1') AS INTEGER))) END);
CREATE OR REPLACE TEMP MACRO kz_precision_of(p) AS (
    CASE WHEN kz_date_of(p) IS NULL THEN NULL WHEN p.m = '' THEN 'year' WHEN p.d = '' THEN 'month'
         ELSE 'day' END);
-- {d: DATE, p: precision}. ISO dates, by far the most common, skip the regular expression.
CREATE OR REPLACE TEMP MACRO kz_parse_date(t) AS (
    CASE WHEN t IS NULL THEN NULL
         WHEN try_strptime(t, '%Y-%m-%d') IS NOT NULL
             THEN {'d': CAST(try_strptime(t, '%Y-%m-%d') AS DATE), 'p': 'day'}
         ELSE {'d': kz_date_of(kz_ymd(t)), 'p': kz_precision_of(kz_ymd(t))} END);
CREATE OR REPLACE TEMP MACRO kz_date(t) AS (kz_parse_date(t).d);
CREATE OR REPLACE TEMP MACRO kz_date_precision(t) AS (kz_parse_date(t).p);
"""

DEFAULT_SEX = {
    "男": "M", "男性": "M", "M": "M", "m": "M", "male": "M", "Male": "M", "MALE": "M", "erkek": "M",
    "女": "F", "女性": "F", "F": "F", "f": "F", "female": "F", "Female": "F", "FEMALE": "F", "ayal": "F",
}


def literal(text: str | None) -> str:
    if text is None:
        return "NULL"
    return "'" + text.replace("'", "''") + "'"


def text_expr(spec: ValueSpec | None, table: str = "s", *, override: str | None = None, clean: bool = False) -> str:
    """The trimmed text of a value, NULL when blank; `values` recodes it. `clean` says the
    override is already trimmed text (so it is not trimmed again)."""
    if spec is None and override is None:
        return "NULL"
    if override is not None:
        base = override if clean else f"kz_text({override})"
    elif spec.column is not None:
        base = f"kz_text({table}.{quote_ident(spec.column)})"
    else:
        base = f"kz_text({literal(spec.value)})"
    if spec is not None and spec.values:
        cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in spec.values.items())
        return f"(CASE {base} {cases} ELSE {base} END)"
    return base


def recode(expr: str, mapping: dict[str, str]) -> str:
    cases = " ".join(f"WHEN {literal(k)} THEN {literal(v)}" for k, v in mapping.items())
    return f"(CASE {expr} {cases} ELSE {expr} END)"


def hashed_id(prefix: str, *parts: str) -> str:
    """A deterministic id: prefix + the 32 hex digits of MD5 over the parts joined by '|'.

    MD5 serves here as a fast, stable naming function, not for security: originals are
    identified by SHA-256, and an id only has to be the same for the same source, locator and
    role. It is about twice as fast as SHA-256 in DuckDB, which matters at millions of rows.
    """
    joined = " || '|' || ".join((f"'{prefix}'", *parts))
    return f"('{prefix}-' || md5({joined}))"


def mention_id_expr(record_id: str, key: str, ordinal: str = "'0'") -> str:
    """A mention's id from its record's id (itself from the source hash and locator), the
    person's key in the mapping and its position in a cell."""
    return hashed_id("men", record_id, literal(key), ordinal)

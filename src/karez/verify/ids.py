"""Resident ID numbers (GB 11643-1999): form, check digit, birth date, sex digit, region code.

An 18-digit number is six digits of region (GB/T 2260), eight of birth date (YYYYMMDD), a
three-digit sequence whose last digit is odd for men and even for women, and an ISO 7064
MOD 11-2 check digit (0-9 or X). The legacy 15-digit form (before 1999) has a six-digit birth
date in the 1900s and no check digit. Everything here runs as set-based SQL over all mentions;
only the region history is looked up in Python, once per distinct (code, birth year).
"""

from __future__ import annotations

import pandas as pd

from karez.store import Store
from karez.verify.checks import CHECK_CHARACTERS, WEIGHTS, Check, Options
from karez.verify.regions import region_status


def check_digit(first17: str) -> str:
    """The GB 11643-1999 check digit of the first 17 digits of an ID number."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARACTERS[total % 11]


def prepare(store: Store, options: Options) -> None:
    """Judge each distinct (region code, birth year) once against the code's history."""
    pairs = store.fetchall(
        """
        SELECT DISTINCT id_region, year(id_birth) FROM _v_mentions
        WHERE id_form IN ('18', '15') AND id_region IS NOT NULL
        """
    )
    rows = []
    for code, year in pairs:
        status, name = region_status(code, year)
        rows.append((code, year, status, name))
    frame = pd.DataFrame(rows, columns=["code", "birth_year", "status", "place"])
    frame = frame.astype({"code": "string", "birth_year": "Int64", "status": "string", "place": "string"})
    store.con.register("_v_region_frame", frame)
    try:
        store.execute("CREATE OR REPLACE TEMP TABLE _v_region_status AS SELECT * FROM _v_region_frame")
    finally:
        store.con.unregister("_v_region_frame")


_FORM_OK = "id_form IN ('18', '15')"


def checks(options: Options) -> list[Check]:
    """The ID-number checks, in the order a reader meets them."""
    today = options.today.isoformat()
    return [
        Check(
            name="id_form",
            family="ids",
            title="ID numbers have 18 characters (17 digits and a digit or X) or the legacy 15 digits",
            checked_sql="SELECT count(*) FROM _v_mentions WHERE id_form IS NOT NULL",
            findings_sql="""
                SELECT mention_id, record_id, source_id, 'error', 'id_number',
                       json_object('written', id_number, 'length', length(id_clean)),
                       format('ID number {} has {} characters; a resident ID number has 18 '
                              '(17 digits and a digit or X) or, before 1999, 15 digits',
                              id_number, length(id_clean))
                FROM _v_mentions WHERE id_form = 'bad'
            """,
        ),
        Check(
            name="id_check_digit",
            family="ids",
            title="The last character of an 18-digit ID number is the ISO 7064 MOD 11-2 check digit",
            checked_sql="SELECT count(*) FROM _v_mentions WHERE id_form = '18'",
            findings_sql="""
                SELECT mention_id, record_id, source_id, 'error', 'id_number',
                       json_object('written', id_number, 'check_digit', right(id_clean, 1),
                                   'expected', id_expected),
                       format('ID number {} ends in {} but its first 17 digits give check digit {}: '
                              'a digit was miswritten, or the number was not issued',
                              id_number, right(id_clean, 1), id_expected)
                FROM _v_mentions
                WHERE id_form = '18' AND right(id_clean, 1) <> id_expected
            """,
        ),
        Check(
            name="id_birth_date",
            family="ids",
            title="The birth date an ID number encodes is a real date, not in the future",
            checked_sql=f"SELECT count(*) FROM _v_mentions WHERE {_FORM_OK}",
            findings_sql=f"""
                SELECT mention_id, record_id, source_id, 'error', 'id_number',
                       json_object('written', id_number, 'encoded_date',
                                   CASE WHEN id_form = '18' THEN substr(id_clean, 7, 8)
                                        ELSE '19' || substr(id_clean, 7, 6) END),
                       format('ID number {{}} encodes the birth date {{}}, which {{}}', id_number,
                              CASE WHEN id_form = '18' THEN substr(id_clean, 7, 8)
                                   ELSE '19' || substr(id_clean, 7, 6) END,
                              CASE WHEN id_birth IS NULL THEN 'is not a real date'
                                   WHEN id_birth > DATE '{today}' THEN 'is in the future'
                                   ELSE 'is before 1880' END)
                FROM _v_mentions
                WHERE {_FORM_OK} AND (id_birth IS NULL OR id_birth > DATE '{today}'
                                      OR id_birth < DATE '1880-01-01')
            """,
        ),
        Check(
            name="id_sex",
            family="ids",
            title="The sex digit of the ID number (odd: man, even: woman) agrees with the stated sex",
            checked_sql=f"SELECT count(*) FROM _v_mentions WHERE {_FORM_OK} AND sex IN ('M', 'F')",
            findings_sql=f"""
                SELECT mention_id, record_id, source_id, 'warning', 'sex',
                       json_object('id_number', id_number, 'sex_digit_says', id_sex, 'stated_sex', sex),
                       format('ID number {{}} says {{}} (sex digit {{}}) but the record states {{}}',
                              id_number, CASE id_sex WHEN 'M' THEN 'man' ELSE 'woman' END,
                              CASE WHEN id_form = '18' THEN substr(id_clean, 17, 1)
                                   ELSE substr(id_clean, 15, 1) END,
                              CASE sex WHEN 'M' THEN 'man' ELSE 'woman' END)
                FROM _v_mentions
                WHERE {_FORM_OK} AND sex IN ('M', 'F') AND id_sex <> sex
            """,
        ),
        Check(
            name="id_region",
            family="ids",
            title="The region code of the ID number exists in GB/T 2260 (with its history)",
            checked_sql=f"SELECT count(*) FROM _v_mentions WHERE {_FORM_OK}",
            findings_sql=f"""
                SELECT m.mention_id, m.record_id, m.source_id,
                       CASE r.status WHEN 'unknown' THEN 'error'
                                     WHEN 'abolished_before' THEN 'warning' ELSE 'info' END,
                       'id_number',
                       json_object('id_number', m.id_number, 'region_code', m.id_region,
                                   'place', r.place, 'birth_year', year(m.id_birth),
                                   'status', r.status),
                       CASE r.status
                         WHEN 'unknown' THEN format(
                           'ID number {{}} starts with region code {{}}, which has never been a code '
                           'of GB/T 2260', m.id_number, m.id_region)
                         WHEN 'abolished_before' THEN format(
                           'ID number {{}} has region code {{}} ({{}}), abolished before the holder''s '
                           'birth year {{}}: no number born then should carry it',
                           m.id_number, m.id_region, r.place, year(m.id_birth))
                         ELSE format(
                           'ID number {{}} has region code {{}} ({{}}), created after the holder''s birth '
                           'year {{}}: normal, the code records where the number was issued',
                           m.id_number, m.id_region, r.place, year(m.id_birth))
                       END
                FROM _v_mentions m
                JOIN _v_region_status r
                  ON r.code = m.id_region AND r.birth_year IS NOT DISTINCT FROM year(m.id_birth)
                WHERE m.{_FORM_OK} AND r.status <> 'valid'
            """,
        ),
        Check(
            name="id_legacy",
            family="ids",
            title="Legacy 15-digit ID numbers (issued before 1999, no check digit)",
            checked_sql="SELECT count(*) FROM _v_mentions WHERE id_form IS NOT NULL",
            findings_sql="""
                SELECT mention_id, record_id, source_id, 'info', 'id_number',
                       json_object('written', id_number),
                       format('ID number {} is a legacy 15-digit number (first issued before 1999); '
                              'it has no check digit, so a miswritten digit cannot be detected',
                              id_number)
                FROM _v_mentions WHERE id_form = '15'
            """,
        ),
    ]

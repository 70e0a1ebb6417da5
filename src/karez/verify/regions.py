"""GB/T 2260 administrative division codes with their history, as used in resident ID numbers.

The first six digits of a resident ID number name the county-level place where the number was
issued. Codes are created, renamed and abolished over the years, so a code is judged against
the holder's birth year:

* a code that never existed in any year is an **error**;
* a code created after the holder was born is **information**: the number records where the
  holder was registered when it was issued (often years after birth, e.g. after a county split);
* a code abolished before the holder was born is a **warning**: nobody born then could have been
  issued a number under it, unless the table's years are imprecise.

The table is python-stdnum's ``stdnum/cn/loc.dat`` (LGPL-2.1+, used as a library at run time,
not copied), compiled by its maintainers from the Chinese Wikipedia lists of administrative
division codes (中华人民共和国行政区划代码) with each code's years of validity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from karez.errors import KarezError

_INTERVAL = re.compile(r"^\[(?P<start>\d{4})?-(?P<end>\d{4})?\](?P<name>.*)$")
_LINE = re.compile(r'^(?P<indent>\s*)(?P<code>\d+)\s+(?P<kind>province|county)="(?P<value>[^"]*)"')


@dataclass(frozen=True)
class RegionPeriod:
    """One name a code carried, and the years (inclusive, None = open) it carried it."""

    code: str
    name: str
    start_year: int | None
    end_year: int | None
    province: str


def _table_text() -> str:
    try:
        return resources.files("stdnum.cn").joinpath("loc.dat").read_text("utf-8")
    except ModuleNotFoundError as error:  # pragma: no cover - depends on the installation
        raise KarezError(
            "the region code table needs python-stdnum: install it with "
            "`pip install python-stdnum` and run `karez verify` again"
        ) from error


@lru_cache(maxsize=1)
def region_periods() -> tuple[RegionPeriod, ...]:
    """Every (code, name, years) period of the GB/T 2260 table, one entry per name a code had.

    A code without years in the table is taken as valid in every year.
    """
    periods: list[RegionPeriod] = []
    province_code, province_name = "", ""
    for line in _table_text().splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _LINE.match(line)
        if match is None:
            continue
        if match["kind"] == "province":
            province_code, province_name = match["code"], match["value"]
            continue
        code = province_code + match["code"]
        for part in match["value"].split(","):
            interval = _INTERVAL.match(part)
            if interval is None:
                periods.append(RegionPeriod(code, part, None, None, province_name))
                continue
            start, end = interval["start"], interval["end"]
            periods.append(
                RegionPeriod(
                    code,
                    interval["name"],
                    int(start) if start else None,
                    int(end) if end else None,
                    province_name,
                )
            )
    return tuple(periods)


def region_rows() -> list[tuple[str, str, int | None, int | None, str]]:
    """The table as plain rows (code, name, start_year, end_year, province) for a SQL table."""
    return [(p.code, p.name, p.start_year, p.end_year, p.province) for p in region_periods()]


def region_status(code: str, birth_year: int | None) -> tuple[str, str | None]:
    """Judge a six-digit region code for a holder born in `birth_year`.

    Returns (status, name): status is ``valid`` (the code existed in the birth year),
    ``created_later`` (first valid after the birth year: information), ``abolished_before``
    (last valid before the birth year: a warning), or ``unknown`` (never a code: an error);
    name is the place the code names (the one nearest the birth year), or None.
    """
    periods = [p for p in region_periods() if p.code == code]
    if not periods:
        return "unknown", None
    if birth_year is None:
        return "valid", periods[-1].name
    for period in periods:
        if (period.start_year is None or period.start_year <= birth_year) and (
            period.end_year is None or birth_year <= period.end_year
        ):
            return "valid", period.name
    later = [p for p in periods if p.start_year is not None and p.start_year > birth_year]
    if later:
        return "created_later", min(later, key=lambda p: p.start_year or 0).name
    return "abolished_before", periods[-1].name

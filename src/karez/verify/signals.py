"""Fabrication signals: distributions real registers have and invented ones tend to lack.

A person who invents ID numbers rarely computes check digits (random digits pass 1 time in
11), rarely matches the sex digit to the stated sex (1 time in 2), and spreads birthdays in
ways real registers do not. These are reported as evidence for a human to weigh, never as a
verdict, and never about a person: every figure is a share of a whole source or case.
"""

from __future__ import annotations

from typing import Any

from scipy import stats

from karez.store import Store
from karez.verify.regions import region_rows

RANDOM_CHECK_DIGIT = 1 / 11
# Share of calendar days that are the 1st of a month, and 1 January, in a 365.25-day year.
FIRST_OF_MONTH = 12 / 365.25
FIRST_OF_JANUARY = 1 / 365.25
MIN_COUNT = 50  # below this a share says too little to be shown as notable


def _share(part: int, whole: int) -> float | None:
    return None if whole == 0 else part / whole


def _day_of_month_test(counts: dict[int, int]) -> tuple[float | None, float | None]:
    """Chi-square of day-of-month counts against even spreading (days 29-31 are rarer)."""
    total = sum(counts.values())
    if total < MIN_COUNT:
        return None, None
    # Days in a 4-year cycle on which each day of the month exists.
    weights = [48] * 28 + [45, 44, 28]  # 29: 44 + 1 leap day; 30: 44; 31: 7 months x 4
    scale = total / sum(weights)
    observed = [counts.get(day, 0) for day in range(1, 32)]
    expected = [w * scale for w in weights]
    statistic, p_value = stats.chisquare(observed, expected)
    return float(statistic), float(p_value)


def fabrication_signals(store: Store) -> dict[str, Any]:
    """Case-wide distributions with plain-words readings; `notable` marks the unusual ones."""
    ids = store.dicts(
        """
        SELECT
          count(*) FILTER (WHERE id_form = '18') AS n18,
          count(*) FILTER (WHERE id_form = '18' AND right(id_clean, 1) = id_expected) AS valid18,
          count(*) FILTER (WHERE id_form IN ('18', '15') AND sex IN ('M', 'F')) AS n_sex,
          count(*) FILTER (WHERE id_form IN ('18', '15') AND sex IN ('M', 'F') AND id_sex = sex) AS sex_ok,
          count(*) FILTER (WHERE birth_date IS NOT NULL AND id_birth IS NOT NULL
                           AND coalesce(birth_date_precision, 'day') = 'day') AS n_birth,
          count(*) FILTER (WHERE birth_date IS NOT NULL AND id_birth IS NOT NULL
                           AND coalesce(birth_date_precision, 'day') = 'day'
                           AND birth_date = id_birth) AS birth_ok,
          count(*) FILTER (WHERE id_birth IS NOT NULL) AS n_dates,
          count(*) FILTER (WHERE day(id_birth) = 1) AS first_of_month,
          count(*) FILTER (WHERE month(id_birth) = 1 AND day(id_birth) = 1) AS first_of_january,
          count(*) FILTER (WHERE id_sex = 'M') AS id_men
        FROM _v_mentions
        """
    )[0]
    days = dict(
        store.fetchall(
            "SELECT day(id_birth), count(*) FROM _v_mentions WHERE id_birth IS NOT NULL GROUP BY 1"
        )
    )
    statistic, p_value = _day_of_month_test(days)
    signals: list[dict[str, Any]] = []

    valid = _share(ids["valid18"], ids["n18"])
    if valid is not None:
        signals.append({
            "name": "check_digit_valid_rate",
            "value": round(valid, 4), "expected": "close to 1 (random digits: 0.09)",
            "n": ids["n18"],
            "notable": ids["n18"] >= MIN_COUNT and valid < 0.95,
            "plain": f"{valid:.1%} of {ids['n18']:,} 18-digit ID numbers carry a valid check digit "
                     f"(issued numbers all do; invented digits pass about 1 time in 11)",
        })
    agree = _share(ids["sex_ok"], ids["n_sex"])
    if agree is not None:
        signals.append({
            "name": "sex_digit_agreement_rate",
            "value": round(agree, 4), "expected": "close to 1 (random: 0.5)", "n": ids["n_sex"],
            "notable": ids["n_sex"] >= MIN_COUNT and agree < 0.95,
            "plain": f"the ID number's sex digit agrees with the stated sex for {agree:.1%} of "
                     f"{ids['n_sex']:,} people (invented numbers agree about half the time)",
        })
    birth = _share(ids["birth_ok"], ids["n_birth"])
    if birth is not None:
        signals.append({
            "name": "birth_date_agreement_rate",
            "value": round(birth, 4), "expected": "close to 1", "n": ids["n_birth"],
            "notable": ids["n_birth"] >= MIN_COUNT and birth < 0.95,
            "plain": f"the stated birth date equals the one in the ID number for {birth:.1%} of "
                     f"{ids['n_birth']:,} people",
        })
    first = _share(ids["first_of_month"], ids["n_dates"])
    if first is not None:
        january = ids["first_of_january"] / ids["n_dates"]
        signals.append({
            "name": "birthday_heaping",
            "value": {"first_of_month": round(first, 4), "first_of_january": round(january, 4)},
            "expected": {"first_of_month": round(FIRST_OF_MONTH, 4),
                         "first_of_january": round(FIRST_OF_JANUARY, 4)},
            "n": ids["n_dates"], "notable": False,
            "plain": f"{january:.2%} of birth dates in ID numbers fall on 1 January and {first:.1%} "
                     f"on the 1st of a month (evenly spread: {FIRST_OF_JANUARY:.2%} and "
                     f"{FIRST_OF_MONTH:.1%}); rural registers often heap unknown birthdays on "
                     "1 January, so heaping alone proves nothing either way",
        })
    if statistic is not None:
        signals.append({
            "name": "day_of_month_distribution",
            "value": {"chi_square": round(statistic, 2), "p_value": p_value,
                      "counts": {str(d): int(days.get(d, 0)) for d in range(1, 32)}},
            "expected": "days 1-28 equally common, 29-31 rarer", "n": int(sum(days.values())),
            "notable": False,
            "plain": f"the birth days of the month in ID numbers {'differ clearly from' if p_value < 0.001 else 'are consistent with'} "
                     f"an even spread (chi-square {statistic:.1f}, p = {p_value:.2g})",
        })
    if ids["n_dates"]:
        men = ids["id_men"] / max(ids["n_dates"], 1)
        signals.append({
            "name": "sex_digit_balance",
            "value": round(men, 4), "expected": "about 0.5 in a whole population",
            "n": ids["n_dates"], "notable": False,
            "plain": f"{men:.1%} of ID numbers have a man's sex digit (a list of internees may "
                     "rightly hold more men than a population does)",
        })
    signals.extend(_region_signals(store))
    return {"signals": signals}


def _region_signals(store: Store) -> list[dict[str, Any]]:
    """Where the ID numbers were issued, and whether that fits the addresses written."""
    top = store.fetchall(
        """
        SELECT id_region, count(*) AS n FROM _v_mentions
        WHERE id_form IN ('18', '15') GROUP BY 1 ORDER BY n DESC, 1 LIMIT 10
        """
    )
    total = int(store.scalar("SELECT count(*) FROM _v_mentions WHERE id_form IN ('18', '15')") or 0)
    if not total:
        return []
    names: dict[str, str] = {}
    for code, name, _start, _end, _province in region_rows():
        names.setdefault(code, name)
    out: list[dict[str, Any]] = [{
        "name": "region_codes",
        "value": [{"code": code, "place": names.get(code), "n": int(n)} for code, n in top],
        "expected": "concentrated on the places the document covers", "n": total,
        "notable": False,
        "plain": "the most common ID region codes are "
                 + ", ".join(f"{code} {names.get(code, '(no such code)')} ({int(n) / total:.1%})"
                             for code, n in top[:3]),
    }]
    # Does an address that names a county name the county of the ID's region code?
    counties = {code: name for code, name in names.items()
                if not code.endswith("00") and len(name.rstrip("县市区")) >= 2}
    pairs = store.fetchall(
        """
        SELECT concat_ws(' ', address, township, village) AS place_text, id_region, count(*)
        FROM _v_mentions
        WHERE id_form IN ('18', '15') AND coalesce(address, township, village) IS NOT NULL
        GROUP BY 1, 2
        """
    )
    prefixes = {code[:2] for code, _ in top}
    local = {code: name for code, name in counties.items() if code[:2] in prefixes}
    named = agree = 0
    for place_text, region, n in pairs:
        said = {code for code, name in local.items() if name in place_text}
        if not said:
            continue
        named += n
        if region in said or any(names.get(region) == local[c] for c in said):
            agree += n
    if named:
        share = agree / named
        out.append({
            "name": "region_matches_address",
            "value": round(share, 4), "expected": "high, but people move and numbers keep the "
                                                  "place of issue", "n": named,
            "notable": named >= MIN_COUNT and share < 0.5,
            "plain": f"for {share:.1%} of {named:,} people whose address names a county, the ID "
                     "number was issued in that county",
        })
    return out

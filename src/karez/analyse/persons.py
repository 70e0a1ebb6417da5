"""Who is counted: persons across sources, their pseudonyms, and the detained persons' facts.

When record linkage has run (`link_clusters`), a person is a cluster of mentions and is
counted once across sources; otherwise each mention counts as a person and reports say so.
Individuals leave this module only under a pseudonym: a keyed hash (HMAC-SHA256) of the
person id with a random key kept in the case store, so the pseudonyms are stable within the
case but cannot be recomputed from a mention id by anyone without the case.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import pandas as pd

from karez.analyse.taxonomy import Taxonomy

if TYPE_CHECKING:
    from karez.custody import Case

AGE_BANDS = ((0, 17, "under 18"), (18, 24, "18-24"), (25, 34, "25-34"), (35, 44, "35-44"),
             (45, 54, "45-54"), (55, 64, "55-64"), (65, 200, "65 and over"))
# Outcome ranking: a later, more final state wins when a person has several.
OUTCOME_EVENTS = {"sentence": "sentenced", "release": "released"}
UNKNOWN = "(not stated)"


def uses_linkage(case: Case) -> bool:
    """True when persons are counted across sources through `link_clusters`."""
    return case.store.table_exists("link_clusters")


def person_expr(case: Case, alias: str = "m") -> tuple[str, str]:
    """SQL (join, expression) giving the person id of mention alias `alias`."""
    if uses_linkage(case):
        return (
            f"LEFT JOIN link_clusters lc_{alias} ON lc_{alias}.mention_id = {alias}.mention_id",
            f"COALESCE(lc_{alias}.person_id, {alias}.mention_id)",
        )
    return "", f"{alias}.mention_id"


def counting_note(case: Case) -> str:
    """One sentence for reports: how persons were counted."""
    if uses_linkage(case):
        return "Persons are counted across sources with the record-linkage clusters (link_clusters)."
    return (
        "No record linkage has been run: each mention is counted as one person, so a person "
        "named in several sources or rows is counted more than once."
    )


def pseudonymiser(case: Case) -> Callable[[str], str]:
    """A function person id -> pseudonym ("P-" + 10 hex digits), keyed by the case's secret."""
    with case.store.transaction():
        case.store.execute("CREATE TABLE IF NOT EXISTS analyse_secret (name VARCHAR PRIMARY KEY, value VARCHAR)")
        key = case.store.scalar("SELECT value FROM analyse_secret WHERE name = 'pseudonym_key'")
        if key is None:
            key = secrets.token_hex(32)
            case.store.execute("INSERT INTO analyse_secret VALUES ('pseudonym_key', ?)", [key])
    raw = bytes.fromhex(key)

    def pseudonym(person_id: str) -> str:
        return "P-" + hmac.new(raw, str(person_id).encode("utf-8"), hashlib.sha256).hexdigest()[:10]

    return pseudonym


def age_band(age: float | None) -> str:
    if age is None or pd.isna(age):
        return UNKNOWN
    for low, high, label in AGE_BANDS:
        if low <= age <= high:
            return label
    return UNKNOWN


def _age_at(birth: date | None, when: date | None) -> int | None:
    if birth is None or when is None or pd.isna(birth) or pd.isna(when):
        return None
    birth, when = pd.Timestamp(birth), pd.Timestamp(when)
    return int(when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day)))


DETAINEES_SQL = """
WITH held AS (
    SELECT DISTINCT mention_id FROM reasons
    UNION SELECT DISTINCT mention_id FROM events WHERE event_type IN ('detention', 'transfer', 'sentence', 'release')
)
SELECT m.mention_id, {person} AS person_id, m.source_id, m.record_id, m.role, m.name,
       m.sex, m.birth_date, m.age, m.age_kind, m.township, m.village
FROM mentions m {join}
WHERE m.mention_id IN (SELECT mention_id FROM held)
"""


def detainees(case: Case, taxonomy: Taxonomy) -> pd.DataFrame:
    """One row per detained person: the facts the records state about them.

    A person is "detained" when a record gives a reason for their detention or a detention,
    transfer, sentence or release event. Columns: person_id, pseudonym, name, sex, age at
    detention (from birth date and the first detention date, else the stated age), age band,
    township, village, facility, detention date, period (year-quarter), outcome (sentenced,
    released, continued_detention, ... or "(not stated)"), status_text (verbatim), mention_ids.
    """
    join, person = person_expr(case)
    base = case.store.df(DETAINEES_SQL.format(join=join, person=person))
    events = case.store.df(
        f"""
        SELECT {person} AS person_id, e.event_type, e.date, e.facility, e.status_text, e.detail
        FROM events e JOIN mentions m ON m.mention_id = e.mention_id {join}
        ORDER BY e.date NULLS LAST, e.event_id
        """
    )
    pseudonym = pseudonymiser(case)
    events_of = {key: group for key, group in events.groupby("person_id", sort=False)}
    no_events = events.iloc[0:0]
    rows = []
    for person_id, group in base.groupby("person_id", sort=True):
        first = group.iloc[0]
        own = events_of.get(person_id, no_events)
        held = own[own["event_type"] == "detention"]
        dated = held.dropna(subset=["date"])
        detained_on = dated["date"].min() if len(dated) else None
        facilities = held["facility"].dropna()
        facility = facilities.iloc[0] if len(facilities) else None
        if facility is None:
            other = own["facility"].dropna()
            facility = other.iloc[0] if len(other) else None
        outcome, status_text = _outcome(own, taxonomy)
        births = group["birth_date"].dropna()
        birth = births.iloc[0] if len(births) else None
        age = _age_at(birth, detained_on)
        if age is None:
            ages = group["age"].dropna()
            age = int(ages.iloc[0]) if len(ages) else None
        sexes = group["sex"].dropna()
        rows.append(
            {
                "person_id": person_id,
                "pseudonym": pseudonym(person_id),
                "name": first["name"],
                "sex": sexes.iloc[0] if len(sexes) else UNKNOWN,
                "age": age,
                "age_band": age_band(age),
                "township": _first(group["township"]),
                "village": _first(group["village"]),
                "facility": facility or UNKNOWN,
                "detention_date": detained_on,
                "period": _period(detained_on),
                "outcome": outcome,
                "status_text": status_text,
                "mention_ids": sorted(group["mention_id"]),
            }
        )
    columns = ["person_id", "pseudonym", "name", "sex", "age", "age_band", "township", "village",
               "facility", "detention_date", "period", "outcome", "status_text", "mention_ids"]
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs["query"] = " ".join(DETAINEES_SQL.format(join=join, person=person).split())
    frame.attrs["counting"] = counting_note(case)
    return frame


def _first(values: pd.Series) -> str:
    present = values.dropna()
    return str(present.iloc[0]) if len(present) else UNKNOWN


def _period(when: date | None) -> str:
    if when is None or pd.isna(when):
        return UNKNOWN
    stamp = pd.Timestamp(when)
    return f"{stamp.year}-Q{(stamp.month - 1) // 3 + 1}"


def _outcome(own: pd.DataFrame, taxonomy: Taxonomy) -> tuple[str, str | None]:
    """The latest stated outcome of one person's events, and the status text it rests on.

    Sentence and release events speak for themselves; otherwise the status text (verbatim)
    is read with the taxonomy's `statuses` patterns. The last dated event wins.
    """
    outcome, text = UNKNOWN, None
    for _, event in own.iterrows():
        found = OUTCOME_EVENTS.get(event["event_type"])
        status_text = event["status_text"] if isinstance(event["status_text"], str) else None
        if found is None and status_text:
            found = taxonomy.status_of(status_text)
        if found is None and isinstance(event["detail"], str) and event["event_type"] != "detention":
            found = taxonomy.status_of(event["detail"])
        if found is None and event["event_type"] in ("detention", "transfer") and outcome == UNKNOWN:
            found = "continued_detention"
        if found is not None:
            outcome, text = found, status_text or (event["detail"] if isinstance(event["detail"], str) else None)
    return outcome, text

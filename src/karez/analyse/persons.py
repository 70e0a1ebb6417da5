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
    Where mentions of one person disagree, the first stated value is used.
    """
    join, person = person_expr(case)
    base = case.store.df(DETAINEES_SQL.format(join=join, person=person)).sort_values(["person_id", "mention_id"])
    events = case.store.df(
        f"""
        SELECT {person} AS person_id, e.event_type, e.date, e.facility, e.status_text, e.detail
        FROM events e JOIN mentions m ON m.mention_id = e.mention_id {join}
        ORDER BY e.date NULLS LAST, e.event_id
        """
    )
    events = events[events["person_id"].isin(set(base["person_id"]))]
    pseudonym = pseudonymiser(case)
    facts = base.groupby("person_id", sort=True).agg(
        name=("name", "first"), sex=("sex", "first"), birth_date=("birth_date", "first"),
        stated_age=("age", "first"), township=("township", "first"), village=("village", "first"),
        mention_ids=("mention_id", list),
    )
    held = events[events["event_type"] == "detention"]
    facts["detention_date"] = held.dropna(subset=["date"]).groupby("person_id")["date"].min()
    facility = held.groupby("person_id")["facility"].first()
    facility = facility.combine_first(events.groupby("person_id")["facility"].first())
    facts["facility"] = facility.reindex(facts.index).fillna(UNKNOWN)
    events = events.assign(outcome=_event_outcomes(events, taxonomy))
    events["outcome_text"] = events["status_text"].where(events["status_text"].notna(), events["detail"])
    last = events.dropna(subset=["outcome"]).groupby("person_id")[["outcome", "outcome_text"]].last()
    facts["outcome"] = last["outcome"].reindex(facts.index).fillna(UNKNOWN)
    facts["status_text"] = last["outcome_text"].reindex(facts.index)
    ages = [
        _age_at(birth, when) for birth, when in zip(facts["birth_date"], facts["detention_date"], strict=True)
    ]
    facts["age"] = [
        age if age is not None else (None if pd.isna(stated) else int(stated))
        for age, stated in zip(ages, facts["stated_age"], strict=True)
    ]
    facts["age_band"] = [age_band(a) for a in facts["age"]]
    facts["sex"] = facts["sex"].fillna(UNKNOWN)
    facts["township"] = facts["township"].fillna(UNKNOWN).astype(str)
    facts["village"] = facts["village"].fillna(UNKNOWN).astype(str)
    facts["period"] = [_period(d) for d in facts["detention_date"]]
    facts = facts.reset_index()
    facts["pseudonym"] = [pseudonym(p) for p in facts["person_id"]]
    columns = ["person_id", "pseudonym", "name", "sex", "age", "age_band", "township", "village",
               "facility", "detention_date", "period", "outcome", "status_text", "mention_ids"]
    frame = facts[columns].copy()
    frame["detention_date"] = frame["detention_date"].astype(object).where(frame["detention_date"].notna(), None)
    frame.attrs["query"] = " ".join(DETAINEES_SQL.format(join=join, person=person).split())
    frame.attrs["counting"] = counting_note(case)
    return frame


def _event_outcomes(events: pd.DataFrame, taxonomy: Taxonomy) -> list[str | None]:
    """What each event says about the outcome: sentence and release events speak for
    themselves; otherwise the status text (verbatim) is read with the taxonomy's `statuses`;
    a detention or transfer with no readable status means held."""
    out: list[str | None] = []
    for event_type, status_text, detail in zip(events["event_type"], events["status_text"], events["detail"], strict=True):
        found = OUTCOME_EVENTS.get(event_type)
        if found is None and isinstance(status_text, str):
            found = taxonomy.status_of(status_text)
        if found is None and isinstance(detail, str) and event_type != "detention":
            found = taxonomy.status_of(detail)
        if found is None and event_type in ("detention", "transfer"):
            found = "continued_detention"
        out.append(found)
    return out


def _first(values: pd.Series) -> str:
    present = values.dropna()
    return str(present.iloc[0]) if len(present) else UNKNOWN


def _period(when: date | None) -> str:
    if when is None or pd.isna(when):
        return UNKNOWN
    stamp = pd.Timestamp(when)
    return f"{stamp.year}-Q{(stamp.month - 1) // 3 + 1}"


def resolve_pseudonym(case: Case, pseudonym: str, *, names: bool = False) -> pd.DataFrame:
    """The mentions behind a pseudonym of a report, with the file, sheet/page and row each was
    read from - how an analyst goes from a count to the records. Recorded in the ledger,
    since it re-identifies; names as written only with `names=True`.

    Raises KarezError when the pseudonym is not one of this case's.
    """
    from karez.errors import KarezError

    join, person = person_expr(case)
    sql = f"""
        SELECT {person} AS person_id, m.mention_id, COALESCE(s.original_name, m.source_id) AS file,
               r.sheet, r.page, r.row_number, m.role, m.person_key, m.name
        FROM mentions m {join} JOIN records r ON r.record_id = m.record_id
        LEFT JOIN sources s ON s.source_id = m.source_id
    """
    frame = case.store.df(sql)
    alias = pseudonymiser(case)
    wanted = {p for p in frame["person_id"].unique() if alias(p) == pseudonym}
    if not wanted:
        raise KarezError(
            f"case {case.path}: no person has the pseudonym {pseudonym!r}; pseudonyms are "
            "keyed per case - use one from a report of this case."
        )
    found = frame[frame["person_id"].isin(wanted)].drop(columns=["person_id"])
    if not names:
        found = found.drop(columns=["name"])
    case.record("analyse.resolve_pseudonym", inputs={"pseudonym": pseudonym},
                outputs={"mentions": len(found)}, details={"names": names, "confidential": True})
    return found.sort_values(["file", "page", "row_number"], na_position="first").reset_index(drop=True)

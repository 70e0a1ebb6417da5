"""Timelines: detentions, transfers, sentences and releases over time, as the records date them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from karez.analyse.persons import person_expr, pseudonymiser

if TYPE_CHECKING:
    from karez.custody import Case

EVENT_TYPES = ("detention", "transfer", "sentence", "release")

EVENTS_SQL = """
SELECT {person} AS person_id, e.event_id, e.event_type, e.date, e.date_precision, e.facility,
       e.status_text, e.detail
FROM events e JOIN mentions m ON m.mention_id = e.mention_id {join}
WHERE e.event_type IN ('detention', 'transfer', 'sentence', 'release') AND e.date IS NOT NULL
"""


def dated_events(case: Case) -> pd.DataFrame:
    """Every dated detention, transfer, sentence and release, one row per person and event
    (the same event stated by two sources of one person counts once per date and type)."""
    join, person = person_expr(case)
    sql = EVENTS_SQL.format(join=join, person=person)
    frame = case.store.df(sql)
    pseudonym = pseudonymiser(case)
    frame["pseudonym"] = [pseudonym(p) for p in frame["person_id"]]
    frame["date"] = pd.to_datetime(frame["date"])
    frame = frame.drop_duplicates(["person_id", "event_type", "date"]).sort_values(["date", "event_type"])
    frame.attrs["query"] = " ".join(sql.split())
    return frame.reset_index(drop=True)


def timeline(case: Case, freq: str = "month") -> pd.DataFrame:
    """People per period (rows: month, quarter or year) and event type (columns).

    Events dated only to a year or month are counted in their period; with `freq="month"`
    an event known only to the year is put in January of that year and the table says how
    many such events there are in `attrs["filters"]`.
    """
    periods = {"month": "M", "quarter": "Q", "year": "Y"}
    if freq not in periods:
        raise ValueError("freq must be month, quarter or year")
    events = dated_events(case)
    coarse = int((events["date_precision"].fillna("day") == "year").sum()) if freq != "year" else 0
    events["period"] = events["date"].dt.to_period(periods[freq]).astype(str)
    groups = events.groupby(["period", "event_type"])["pseudonym"]
    sets = {key: sorted(set(v)) for key, v in groups}
    rows = sorted({k[0] for k in sets})
    df = pd.DataFrame(
        [[len(sets.get((r, t), [])) for t in EVENT_TYPES] for r in rows],
        index=pd.Index(rows, name="period"),
        columns=pd.Index(list(EVENT_TYPES), name="event_type"),
    )
    df.attrs.update(
        {
            "title": f"Detentions, transfers, sentences and releases by {freq}",
            "query": events.attrs["query"],
            "filters": f"people per {freq} and event type; undated events left out; "
            f"{coarse} events dated only to the year",
            "members": {f"{r}|{t}": v for (r, t), v in sets.items()},
            "unit": "people",
        }
    )
    return df

"""Tables of stated reasons, classifications, outcomes and evaluations, as DataFrames.

Every table counts *people* (see `persons.counting_note`) and, where it says so, mentions.
Each DataFrame carries in `df.attrs`:

- `title`: what it shows, in words;
- `query`: the SQL the rows were read with, and `filters`: what was done to them after;
- `members`: {"row|column": [pseudonyms]} - the people behind each count, for the analyst's
  own copy of the report (never published);
- `unit` and `counting`.

Tables describe what the state wrote: counts of stated reasons and labels. None of them
scores, ranks or predicts anything about a person.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from karez.analyse.coding import code_reasons, ensure_tables
from karez.analyse.persons import UNKNOWN, counting_note, detainees, person_expr
from karez.analyse.taxonomy import Taxonomy, load_taxonomy

if TYPE_CHECKING:
    from karez.custody import Case

UNCODED = "(uncoded)"
DIMENSIONS = {
    "sex": "sex",
    "age": "age_band",
    "township": "township",
    "village": "village",
    "facility": "facility",
    "period": "period",
    "outcome": "outcome",
}

REASONS_SQL = """
SELECT r.reason_id, r.mention_id, {person} AS person_id, r.text, c.category, c.subcategories, c.origin
FROM reasons r JOIN mentions m ON m.mention_id = r.mention_id {join}
LEFT JOIN analyse_codings c ON c.reason_id = r.reason_id
"""


class Analysis:
    """The analysis of one case: codes reasons once and builds each table on request.

    `Analysis(case)` codes the reasons (stored in `analyse_codings`) unless `recode=False`
    and codings already exist.
    """

    def __init__(self, case: Case, taxonomy: Taxonomy | None = None, *, recode: bool = True) -> None:
        self.case = case
        self.taxonomy = taxonomy or load_taxonomy(case.path)
        ensure_tables(case)
        if recode or not case.store.count("analyse_codings"):
            code_reasons(case, self.taxonomy)
        self.counting = counting_note(case)
        self._persons: pd.DataFrame | None = None
        self._reasons: pd.DataFrame | None = None

    # -- base frames ---------------------------------------------------------------------

    @property
    def persons(self) -> pd.DataFrame:
        """One row per detained person (see `persons.detainees`)."""
        if self._persons is None:
            self._persons = detainees(self.case, self.taxonomy)
        return self._persons

    @property
    def reasons(self) -> pd.DataFrame:
        """One row per reason and category (uncoded reasons have category "(uncoded)"),
        with the person's facts joined."""
        if self._reasons is None:
            join, person = person_expr(self.case)
            sql = REASONS_SQL.format(join=join, person=person)
            frame = self.case.store.df(sql)
            frame["category"] = frame["category"].fillna(UNCODED)
            facts = self.persons.drop(columns=["mention_ids", "name"])
            frame = frame.merge(facts, on="person_id", how="left")
            frame.attrs["query"] = " ".join(sql.split())
            self._reasons = frame
        return self._reasons

    def _finish(self, df: pd.DataFrame, title: str, query: str, filters: str,
                members: dict[str, list[str]], unit: str = "people") -> pd.DataFrame:
        df.attrs.update(
            {"title": title, "query": query, "filters": filters, "members": members,
             "unit": unit, "counting": self.counting}
        )
        return df

    def _category_order(self, present: list[str]) -> list[str]:
        order = list(self.taxonomy.categories) + [UNCODED]
        return [c for c in order if c in present] + sorted(c for c in present if c not in order)

    # -- reasons -------------------------------------------------------------------------

    def reason_table(self) -> pd.DataFrame:
        """Reasons by category: people with at least one reason in it, mentions (reason texts
        coded to it), and the share of all people with a stated reason."""
        frame = self.reasons
        total = frame["person_id"].nunique()
        rows, members = [], {}
        for category in self._category_order(frame["category"].unique().tolist()):
            part = frame[frame["category"] == category]
            people = sorted(part["pseudonym"].dropna().unique())
            members[f"{category}|people"] = people
            rows.append(
                {
                    "category": category,
                    "label": self.taxonomy.categories.get(category, {}).get("label", category),
                    "people": len(people),
                    "mentions": int(part["reason_id"].nunique()),
                    "share_of_people": round(len(people) / total, 4) if total else 0.0,
                }
            )
        df = pd.DataFrame(rows, columns=["category", "label", "people", "mentions", "share_of_people"])
        return self._finish(
            df,
            "Stated reasons by category",
            frame.attrs["query"],
            f"grouped by category; people = distinct persons, mentions = distinct reason texts; "
            f"share = people / {total} persons with at least one stated reason; a reason may have "
            "several categories, so shares add up to more than 1",
            members,
        )

    def subcategory_table(self) -> pd.DataFrame:
        """People and mentions per sub-category of the taxonomy (coded reasons only)."""
        frame = self.reasons.dropna(subset=["subcategories"])
        frame = frame.assign(subcategory=frame["subcategories"].str.split(",")).explode("subcategory")
        frame = frame[frame["subcategory"].fillna("") != ""]
        grouped = frame.groupby(["category", "subcategory"])
        df = grouped.agg(people=("person_id", "nunique"), mentions=("reason_id", "nunique")).reset_index()
        members = {f"{c}/{s}|people": sorted(g["pseudonym"].dropna().unique()) for (c, s), g in grouped}
        return self._finish(df, "Stated reasons by sub-category", self.reasons.attrs["query"],
                            "coded by the taxonomy (analyst codings have no sub-category)", members)

    def cooccurrence(self) -> pd.DataFrame:
        """People whose reasons fall in both the row and the column category (diagonal: in
        the category at all)."""
        frame = self.reasons[self.reasons["category"] != UNCODED]
        sets = {c: set(g["pseudonym"].dropna()) for c, g in frame.groupby("category")}
        order = self._category_order(list(sets))
        df = pd.DataFrame(
            [[len(sets[a] & sets[b]) for b in order] for a in order], index=order, columns=order
        )
        members = {f"{a}|{b}": sorted(sets[a] & sets[b]) for a in order for b in order}
        return self._finish(df, "Co-occurrence of reason categories (people)",
                            self.reasons.attrs["query"],
                            "people with a coded reason in both categories", members)

    def reasons_by(self, dimension: str) -> pd.DataFrame:
        """People per reason category (rows) and `dimension` (columns): one of sex, age,
        township, village, facility, period, outcome."""
        if dimension not in DIMENSIONS:
            raise ValueError(f"dimension must be one of {', '.join(DIMENSIONS)}")
        column = DIMENSIONS[dimension]
        frame = self.reasons.copy()
        frame[column] = frame[column].fillna(UNKNOWN)
        return self._crosstab(
            frame, "category", column,
            f"Stated reasons by {dimension}",
            frame.attrs.get("query", self.reasons.attrs["query"]),
            f"people with a reason in the category, by {dimension} ({column}) of the detained person",
            row_order=self._category_order(frame["category"].unique().tolist()),
        )

    def _crosstab(self, frame: pd.DataFrame, rows: str, cols: str, title: str, query: str,
                  filters: str, row_order: list[str] | None = None) -> pd.DataFrame:
        groups = frame.dropna(subset=["pseudonym"]).groupby([rows, cols])["pseudonym"]
        sets = {key: sorted(set(values)) for key, values in groups}
        row_values = row_order or sorted({k[0] for k in sets}, key=str)
        if cols == "category":
            col_values = self._category_order(sorted({k[1] for k in sets}))
        else:
            col_values = sorted({k[1] for k in sets}, key=lambda v: (v == UNKNOWN, str(v)))
        df = pd.DataFrame(
            [[len(sets.get((r, c), [])) for c in col_values] for r in row_values],
            index=pd.Index(row_values, name=rows), columns=pd.Index(col_values, name=cols),
        )
        members = {f"{r}|{c}": v for (r, c), v in sets.items()}
        return self._finish(df, title, query, filters, members)

    # -- classifications, outcomes, notes -------------------------------------------------

    def classifications(self) -> pd.DataFrame:
        """The state's labels on detained persons, long form: person_id, pseudonym, scheme,
        value (verbatim)."""
        join, person = person_expr(self.case)
        sql = f"""SELECT {person} AS person_id, c.scheme, c.value
                  FROM classifications c JOIN mentions m ON m.mention_id = c.mention_id {join}"""
        frame = self.case.store.df(sql)
        frame = frame.merge(self.persons[["person_id", "pseudonym", "outcome"]], on="person_id")
        frame.attrs["query"] = " ".join(sql.split())
        return frame.drop_duplicates(["person_id", "scheme", "value"])

    def schemes(self) -> list[str]:
        """The classification schemes stated for detained persons (household type, trust...)."""
        return sorted(self.classifications()["scheme"].unique())

    def classification_vs_reason(self, scheme: str) -> pd.DataFrame:
        """People per label of `scheme` (rows, verbatim) and reason category (columns)."""
        labels = self.classifications()
        labels = labels[labels["scheme"] == scheme]
        frame = labels.merge(self.reasons[["person_id", "category"]], on="person_id")
        return self._crosstab(
            frame, "value", "category", f"State classification '{scheme}' against stated reasons",
            labels.attrs["query"] + " ; joined with " + self.reasons.attrs["query"],
            f"scheme = {scheme!r}; people with the label and a reason in the category",
        )

    def classification_vs_outcome(self, scheme: str) -> pd.DataFrame:
        """People per label of `scheme` (rows) and stated outcome (columns)."""
        labels = self.classifications()
        frame = labels[labels["scheme"] == scheme]
        return self._crosstab(
            frame, "value", "outcome", f"State classification '{scheme}' against outcome",
            labels.attrs["query"],
            f"scheme = {scheme!r}; outcome read from events and status texts with the taxonomy's statuses",
        )

    def outcome_table(self) -> pd.DataFrame:
        """People per stated outcome (sentenced, released, continued detention ...)."""
        persons = self.persons
        rows, members = [], {}
        for outcome, group in persons.groupby("outcome"):
            members[f"{outcome}|people"] = sorted(group["pseudonym"])
            rows.append({"outcome": outcome, "people": len(group)})
        df = pd.DataFrame(rows, columns=["outcome", "people"])
        return self._finish(df, "Outcomes of detention as stated", persons.attrs["query"],
                            "latest stated event or status per person", members)

    def notes_table(self) -> pd.DataFrame:
        """Evaluations, decisions and other notes on detained persons: kind, text verbatim,
        people."""
        join, person = person_expr(self.case)
        sql = f"""SELECT n.kind, n.text, {person} AS person_id
                  FROM notes n JOIN mentions m ON m.mention_id = n.mention_id {join}"""
        frame = self.case.store.df(sql).merge(self.persons[["person_id", "pseudonym"]], on="person_id")
        grouped = frame.groupby(["kind", "text"])
        df = grouped.agg(people=("person_id", "nunique")).reset_index()
        df = df.sort_values(["kind", "people", "text"], ascending=[True, False, True]).reset_index(drop=True)
        members = {f"{k}: {t}|people": sorted(g["pseudonym"].unique()) for (k, t), g in grouped}
        return self._finish(df, "Evaluations and decisions (verbatim)", " ".join(sql.split()),
                            "grouped by kind and exact text", members)

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table, keyed by a short name (used by the report)."""
        out: dict[str, pd.DataFrame] = {
            "reasons": self.reason_table(),
            "subcategories": self.subcategory_table(),
            "cooccurrence": self.cooccurrence(),
        }
        for dimension in DIMENSIONS:
            out[f"reasons_by_{dimension}"] = self.reasons_by(dimension)
        out["outcomes"] = self.outcome_table()
        for scheme in self.schemes():
            out[f"classification_{scheme}_vs_reason"] = self.classification_vs_reason(scheme)
            out[f"classification_{scheme}_vs_outcome"] = self.classification_vs_outcome(scheme)
        out["notes"] = self.notes_table()
        return out


def _analysis(case: Case, **kwargs: Any) -> Analysis:
    return Analysis(case, **kwargs)


def reason_table(case: Case, **kwargs: Any) -> pd.DataFrame:
    """Stated reasons by category (people, mentions, share); see `Analysis.reason_table`."""
    return _analysis(case, **kwargs).reason_table()


def reasons_by(case: Case, dimension: str, **kwargs: Any) -> pd.DataFrame:
    """Stated reasons by sex, age, township, village, facility, period or outcome."""
    return _analysis(case, **kwargs).reasons_by(dimension)


def reasons_by_sex(case: Case, **kwargs: Any) -> pd.DataFrame:
    """Stated reasons (rows) by sex of the detained person (columns)."""
    return reasons_by(case, "sex", **kwargs)


def reason_cooccurrence(case: Case, **kwargs: Any) -> pd.DataFrame:
    """People with reasons in both categories."""
    return _analysis(case, **kwargs).cooccurrence()


def classification_vs_reason(case: Case, scheme: str, **kwargs: Any) -> pd.DataFrame:
    """The state's labels of one scheme against stated reason categories."""
    return _analysis(case, **kwargs).classification_vs_reason(scheme)


def classification_vs_outcome(case: Case, scheme: str, **kwargs: Any) -> pd.DataFrame:
    """The state's labels of one scheme against stated outcomes."""
    return _analysis(case, **kwargs).classification_vs_outcome(scheme)


def outcome_table(case: Case, **kwargs: Any) -> pd.DataFrame:
    """People per stated outcome."""
    return _analysis(case, **kwargs).outcome_table()


def notes_table(case: Case, **kwargs: Any) -> pd.DataFrame:
    """Evaluations and decisions, verbatim, with the number of people."""
    return _analysis(case, **kwargs).notes_table()

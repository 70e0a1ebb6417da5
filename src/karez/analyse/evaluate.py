"""Evaluation of the analysis against a testbed's ground truth (`karez testbed evaluate analyse`).

Two measures:

- the **coder**: per-category precision and recall of the reason codings against the category
  the testbed wrote each reason text from (`truth/reasons.parquet`), matched by locator;
- the **family circles**: for each detained person in the case, the number of stated relatives
  who are detained, imprisoned or abroad, computed by karez from the records' status texts,
  against the same relatives' true status.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from karez.analyse.circles import family_circles, family_graph
from karez.analyse.coding import code_reasons
from karez.analyse.persons import person_expr, pseudonymiser
from karez.analyse.taxonomy import SHARED_CODES, load_taxonomy

if TYPE_CHECKING:
    from karez.custody import Case
    from karez.testbed import Truth

LOCATOR = ["file", "sheet", "page", "row_number", "person_key", "ordinal"]


def _locator_key(frame: pd.DataFrame) -> pd.Series:
    sheet = frame["sheet"].astype(object).where(frame["sheet"].notna(), "")
    page = frame["page"].astype("Int64").astype(str).where(frame["page"].notna(), "")
    return (frame["file"].astype(str).map(lambda f: Path(f).name) + "|" + sheet.astype(str) + "|" + page
            + "|" + frame["row_number"].astype("int64").astype(str) + "|" + frame["person_key"].astype(str)
            + "|" + frame["ordinal"].astype("int64").astype(str))


def coder_scores(case: Case, truth: Truth, *, max_errors: int = 50) -> dict[str, Any]:
    """Per-category precision, recall and support of the coder on the case's reasons, with
    up to `max_errors` distinct miscoded texts."""
    taxonomy = load_taxonomy(case.path)
    code_reasons(case, taxonomy)
    found = case.store.df(
        """
        SELECT r.reason_id, s.original_name AS file, rec.sheet, rec.page, rec.row_number,
               m.person_key, r.ordinal, r.text
        FROM reasons r JOIN records rec USING (record_id) JOIN sources s ON s.source_id = r.source_id
        JOIN mentions m ON m.mention_id = r.mention_id
        """
    )
    coded = case.store.df("SELECT reason_id, category FROM analyse_codings")
    expected = truth.reasons.copy()
    expected["_key"] = _locator_key(expected)
    found["_key"] = _locator_key(found) if len(found) else pd.Series(dtype=str)
    joined = found.merge(expected[["_key", "category"]].rename(columns={"category": "truth"}), on="_key", how="inner")
    predicted = coded.groupby("reason_id")["category"].apply(set).to_dict()
    per: dict[str, dict[str, Any]] = {}
    errors: list[dict[str, Any]] = []
    for code in SHARED_CODES:
        tp = fp = fn = 0
        for row in joined.itertuples(index=False):
            has = code in predicted.get(row.reason_id, set())
            should = row.truth == code
            tp += has and should
            fp += has and not should
            fn += should and not has
        precision = tp / (tp + fp) if tp + fp else (1.0 if not fn else 0.0)
        recall = tp / (tp + fn) if tp + fn else 1.0
        per[code] = {"precision": round(precision, 4), "recall": round(recall, 4), "support": tp + fn,
                     "true_positives": tp, "false_positives": fp, "false_negatives": fn}
    for row in joined.itertuples(index=False):
        got = sorted(predicted.get(row.reason_id, set()))
        if got != [row.truth] and len(errors) < max_errors and not any(
            e["text"] == row.text for e in errors
        ):
            errors.append({"text": row.text, "truth": row.truth, "coded": got})
    uncoded = sum(1 for row in joined.itertuples(index=False) if not predicted.get(row.reason_id))
    return {
        "reasons_in_case": len(found),
        "reasons_matched_to_truth": len(joined),
        "uncoded": uncoded,
        "per_category": per,
        "min_precision": min(v["precision"] for v in per.values()),
        "min_recall": min(v["recall"] for v in per.values()),
        "errors": errors,
        "n_errors": sum(
            1 for row in joined.itertuples(index=False)
            if sorted(predicted.get(row.reason_id, set())) != [row.truth]
        ),
    }


def _as_of(case: Case, truth: Truth) -> dict[str, pd.Timestamp]:
    """The date each source speaks as of: the testbed's list date when the truth states it,
    else the latest event date the source itself gives (a list cannot know later events)."""
    stated = truth.summary.get("list_date")
    latest = case.store.df("SELECT source_id, max(date) AS latest FROM events GROUP BY source_id")
    out = {}
    for row in latest.itertuples(index=False):
        out[row.source_id] = pd.Timestamp(stated) if stated else (
            pd.Timestamp(row.latest) if not pd.isna(row.latest) else pd.Timestamp.max)
    return out


def circle_scores(case: Case, truth: Truth) -> dict[str, Any]:
    """Per detained person: relatives detained / imprisoned / abroad as karez reads the records,
    against the true status of the same stated relatives on the date their source speaks as of."""
    taxonomy = load_taxonomy(case.path)
    graph = family_graph(case, taxonomy)
    circles = family_circles(case, taxonomy, graph)
    mention_map = truth.mention_map(case).set_index("mention_id")["person_id"]
    join, person = person_expr(case)
    persons_of = case.store.df(f"SELECT m.mention_id, m.source_id, {person} AS person_id FROM mentions m {join}")
    persons_of["true_id"] = persons_of["mention_id"].map(mention_map)
    known = persons_of.dropna(subset=["true_id"]).drop_duplicates("person_id").set_index("person_id")
    as_of = _as_of(case, truth)
    alias = pseudonymiser(case)
    by_pseudonym = {alias(p): p for p in graph.nodes}
    people = truth.persons.set_index("person_id")
    events = truth.events.assign(date=pd.to_datetime(truth.events["date"]))
    first_sentence = events[events["event_type"] == "sentence"].groupby("person_id")["date"].min()

    def true_status(node: str) -> str:
        if node not in known.index:
            return ""
        true_id, source = known.at[node, "true_id"], known.at[node, "source_id"]
        if true_id not in people.index or not bool(people.at[true_id, "alive"]):
            return ""
        if bool(people.at[true_id, "abroad"]):
            return "abroad"
        when = as_of.get(source, pd.Timestamp.max)
        sentenced = first_sentence.get(true_id)
        if sentenced is not None and sentenced <= when:
            return "imprisoned"
        # Detention is counted whenever it happened: lists give every detainee of the
        # campaign a current status, while a sentence is only known once it was passed.
        return "detained" if bool(people.at[true_id, "detained"]) else ""

    measures = ("detained_relatives", "imprisoned_relatives", "relatives_abroad")
    agree = {m: 0 for m in measures}
    truth_rows, disagreements = [], []
    for row in circles.itertuples(index=False):
        node = by_pseudonym[row.pseudonym]
        kin = [o for o in graph.neighbors(node) if graph.edges[node, o]["kind"] == "kin"]
        statuses = [true_status(o) for o in kin]
        counts = {
            "detained_relatives": statuses.count("detained"),
            "imprisoned_relatives": statuses.count("imprisoned"),
            "relatives_abroad": statuses.count("abroad"),
        }
        truth_rows.append(counts)
        for measure in measures:
            same = getattr(row, measure) == counts[measure]
            agree[measure] += int(same)
            if not same and len(disagreements) < 20:
                disagreements.append({"pseudonym": row.pseudonym, "measure": measure,
                                      "karez": int(getattr(row, measure)), "truth": counts[measure]})
    true_frame = pd.DataFrame(truth_rows, columns=list(measures))
    n = len(circles)

    def share(frame: pd.DataFrame, column: str) -> float:
        return round(float((frame[column] > 0).mean()), 4) if n else 0.0

    return {
        "detained_persons": n,
        "per_person_agreement": {m: round(agree[m] / n, 4) if n else 1.0 for m in measures},
        "share_with_detained_relative": {"karez": share(circles, "detained_relatives"),
                                         "truth": share(true_frame, "detained_relatives")},
        "share_with_imprisoned_relative": {"karez": share(circles, "imprisoned_relatives"),
                                           "truth": share(true_frame, "imprisoned_relatives")},
        "share_with_relative_abroad": {"karez": share(circles, "relatives_abroad"),
                                       "truth": share(true_frame, "relatives_abroad")},
        "as_of": {k: str(v.date()) if v is not pd.Timestamp.max else None for k, v in as_of.items()},
        "as_of_from": "truth summary list_date" if truth.summary.get("list_date") else
        "latest event date each source gives (the truth summary has no list_date, so sentences "
        "passed between the list's own date and that date count as disagreements)",
        "disagreements": disagreements,
        "exact": all(agree[m] == n for m in measures),
    }


def evaluate(case: Case, truth: Truth) -> dict[str, Any]:
    """The analysis stage's evaluation: coder precision/recall per category and circle measures."""
    coder = coder_scores(case, truth)
    circles = circle_scores(case, truth)
    return {
        "stage": "analyse",
        "ok": coder["min_precision"] >= 0.95 and coder["min_recall"] >= 0.95 and circles["exact"],
        "coder": coder,
        "circles": circles,
    }

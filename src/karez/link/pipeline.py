"""`karez link`: train, score, cluster, store, record — the linkage of one case.

The match probability of a pair answers one question only: are these two mentions the
same person? Nothing here scores a person.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import hashlib
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from karez.custody import Case
from karez.errors import KarezError
from karez.link.assign import ASSIGN_FLOOR, dominant_assignments
from karez.link.cluster import Clustering, cluster, pair_id_for
from karez.link.engine import LinkEngine, get_engine, scratch_database
from karez.link.frame import build_frame, load_mentions
from karez.link.household import (
    HOUSEHOLD_FLOOR,
    LINKED_RECORDS,
    household_assignments,
    linked_mentions,
)
from karez.link.model import BlockingRule, ModelSpec, karez_model
from karez.link.tables import ensure_tables

DEFAULT_THRESHOLD = 0.75  # pairs at or above join a person (chosen on the small and medium testbeds)
STORE_THRESHOLD = 0.05  # pairs at or above are kept (for review and explanation)
MIN_LABELS = 10  # accepted pairs needed before reviewer decisions train m
ANNOTATE_MEMORY_LIMIT = "2GB"  # joining scored pairs to their mentions; beyond it DuckDB spills


class LinkError(KarezError):
    """Linkage cannot run as asked."""


@dataclass
class LinkResult:
    """What one linkage run did. `multi_source_persons()` lists the people found in more
    than one source, with the names each source gives them."""

    run_id: str
    model_id: str
    threshold: float
    n_mentions: int
    n_pairs: int
    n_persons: int
    n_refused: int
    conflicts: list[str]
    timings: dict[str, float]
    persons_in_several_sources: list[dict[str, Any]] = field(default_factory=list)
    n_assigned: int = 0  # alone mentions joined to a dominant person (karez.link.assign)

    def multi_source_persons(self) -> list[dict[str, Any]]:
        """Persons with mentions in two or more sources: person_id, sources, names."""
        return self.persons_in_several_sources

    def summary(self) -> dict[str, Any]:
        """The figures of the run, as JSON-ready data."""
        return {
            "run_id": self.run_id,
            "model_id": self.model_id,
            "threshold": self.threshold,
            "mentions": self.n_mentions,
            "pairs": self.n_pairs,
            "persons": self.n_persons,
            "persons_in_several_sources": len(self.persons_in_several_sources),
            "merges_refused": self.n_refused,
            "assigned": self.n_assigned,
            "review_conflicts": self.conflicts,
            "seconds": self.timings,
        }


def active_decisions(case: Case) -> pd.DataFrame:
    """The reviewer decisions in force: the latest not-undone decision of each pair."""
    ensure_tables(case)
    return case.store.df(
        """SELECT pair_id, mention_l, mention_r, decision, actor, CAST(decided_at AS VARCHAR) AS decided_at, note FROM (
               SELECT *, row_number() OVER (PARTITION BY pair_id ORDER BY decided_at DESC, decision_id DESC) AS k
               FROM link_review WHERE NOT undone) WHERE k = 1 ORDER BY pair_id"""
    )


def _model_id(model: dict[str, Any]) -> str:
    text = json.dumps(model, sort_keys=True, ensure_ascii=False)
    return "model-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _labels(decisions: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame | None:
    accepted = decisions[decisions["decision"] == "accept"]
    known = set(frame["mention_id"])
    accepted = accepted[accepted["mention_l"].isin(known) & accepted["mention_r"].isin(known)]
    if len(accepted) < MIN_LABELS:
        return None
    return pd.DataFrame({"mention_id_l": accepted["mention_l"], "mention_id_r": accepted["mention_r"]})


def link(
    case: Case,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    engine: str | LinkEngine = "duckdb",
    spec: ModelSpec | None = None,
    retrain: bool = True,
    assign: bool = True,
) -> LinkResult:
    """Link every mention of the case's active sources, within and across sources.

    Trains the model (u by seeded random sampling, m by EM, and m from reviewer
    decisions when at least `MIN_LABELS` pairs were accepted) unless `retrain` is False
    and a model is saved; scores candidate pairs; clusters them under the reviewer's
    must-/cannot-links and the same-record rule; joins a mention left alone to a person
    that dominates its other candidates (`karez.link.assign`), then the people of two
    linked records to each other (`karez.link.household`; `assign=False` turns both
    off); replaces `link_pairs` and
    `link_clusters`; records the run and the model in the ledger. The same inputs give
    the same clusters.
    """
    if not 0.0 < threshold < 1.0:
        raise LinkError(f"threshold {threshold} is not a probability between 0 and 1; try 0.9")
    ensure_tables(case)
    runner = get_engine(engine) if isinstance(engine, str) else engine
    timings: dict[str, float] = {}
    started = time.perf_counter()
    frame = build_frame(load_mentions(case))
    _return_freed_memory()
    timings["frame"] = round(time.perf_counter() - started, 2)
    spec = spec or karez_model(len(frame))
    decisions = active_decisions(case)
    labels = _labels(decisions, frame)

    mark = time.perf_counter()
    saved = None if retrain else case.store.fetchone(
        "SELECT model_id, model FROM link_models ORDER BY trained_at DESC LIMIT 1"
    )
    if saved is not None:
        model_id, model = saved[0], json.loads(saved[1])
    else:
        model = runner.train(frame, spec, labels)
        model_id = _model_id(model)
        with case.store.transaction():
            case.store.execute(
                "INSERT OR REPLACE INTO link_models VALUES (?, ?, ?, ?, ?, ?)",
                [model_id, datetime.now(UTC), spec.name, len(frame), 0 if labels is None else len(labels),
                 json.dumps(model, ensure_ascii=False)],
            )
            case.record(
                "link-train",
                inputs={"mentions": len(frame), "labels": 0 if labels is None else len(labels), "engine": runner.name},
                outputs={"model_id": model_id},
                details={"model": spec.name, "blocking": [rule.name for rule in spec.blocking]},
            )
    timings["train"] = round(time.perf_counter() - mark, 2)

    mark = time.perf_counter()
    scored = runner.predict(frame, model, STORE_THRESHOLD, floor_weight=ASSIGN_FLOOR if assign else None)
    scored = _annotate(scored, frame)
    timings["predict"] = round(time.perf_counter() - mark, 2)

    mark = time.perf_counter()

    without_id = frame.loc[frame["id_number"].isna(), "mention_id"]

    def as_joins(chosen: pd.DataFrame) -> list[tuple[str, str, str, float]]:
        return list(zip(chosen["mention_id_l"], chosen["mention_id_r"], chosen["pair_id"],
                        chosen["match_probability"], strict=True))

    def dominant(person_of: Mapping[str, str]) -> list[tuple[str, str, str, float]]:
        return as_joins(dominant_assignments(person_of, scored, eligible=without_id))

    found: list[pd.DataFrame] = []  # pairs the household step scored itself

    def relatives(person_of: Mapping[str, str]) -> list[tuple[str, str, str, float]]:
        # the people of two linked records are scored as pairs of their own: blocking made
        # the pairs of names alike, and a witness's name is not always alike enough
        sub = linked_mentions(person_of, frame)
        candidates = scored
        if len(sub):
            extra = _annotate(runner.predict(sub, model, STORE_THRESHOLD, floor_weight=HOUSEHOLD_FLOOR,
                                             blocking=(LINKED_RECORDS,)), frame)
            extra = extra[~extra["pair_id"].isin(scored["pair_id"])]
            found.append(extra)
            candidates = pd.concat([scored, extra], ignore_index=True)
        return as_joins(household_assignments(person_of, candidates, frame))

    clustering = _cluster(frame[["mention_id", "record_id", "id_number"]], scored, threshold, decisions,
                          # twice: a relative found links two more records, whose other people
                          # the second pass looks for (a witness's other testimonies)
                          [dominant, relatives, relatives] if assign else None)
    if found:
        scored = pd.concat([scored, *found], ignore_index=True).drop_duplicates("pair_id")
    # kept: the pairs worth reviewing or explaining, and those the assignment joined
    keep = (scored["match_probability"] >= STORE_THRESHOLD) | scored["pair_id"].isin(clustering.assigned)
    pairs = scored[keep].reset_index(drop=True)
    if pairs["explanation"].isna().any():
        pairs = _explain_missing(runner, frame, model, pairs)
    timings["cluster"] = round(time.perf_counter() - mark, 2)

    mark = time.perf_counter()
    run_id = "run-" + hashlib.sha256(f"{model_id}|{datetime.now(UTC).isoformat()}".encode()).hexdigest()[:12]
    result = _store(case, run_id, model_id, threshold, frame, pairs, clustering, decisions, timings)
    timings["store"] = round(time.perf_counter() - mark, 2)
    return result


def _return_freed_memory() -> None:
    """Give the memory freed while building the frame back to the system.

    Reading 2.7 million mentions into the frame frees many objects whose memory the C
    allocator and Arrow's allocator keep for the process (measured on the large
    testbed: 5.9 GB after the frame, 4.9 GB after this); DuckDB, which allocates on its
    own, could not reuse it. glibc's malloc_trim and Arrow's `release_unused` return it;
    where they do not exist this only collects garbage.
    """
    gc.collect()
    try:
        import pyarrow

        pyarrow.default_memory_pool().release_unused()
    except ImportError:  # pandas without Arrow strings: nothing of Arrow's to return
        pass
    name = ctypes.util.find_library("c")
    if name is None:
        return
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return
    trim(0)


_ANNOTATE = """
WITH p AS (
    -- ids as text whatever the frame's column was inferred as: an empty pandas column of
    -- pairs reads as DOUBLE, and the join would then cast every mention id to a number
    SELECT * REPLACE (CAST(mention_id_l AS VARCHAR) AS mention_id_l, CAST(mention_id_r AS VARCHAR) AS mention_id_r)
    FROM karez_scored
)
SELECT p.*, 'pair-' || left(sha256(least(p.mention_id_l, p.mention_id_r) || '|' ||
                                  greatest(p.mention_id_l, p.mention_id_r)), 16) AS pair_id,
       l.source_id AS source_l, r.source_id AS source_r
FROM p
JOIN karez_mentions l ON l.mention_id = p.mention_id_l
JOIN karez_mentions r ON r.mention_id = p.mention_id_r
WHERE l.record_id <> r.record_id
QUALIFY row_number() OVER (PARTITION BY pair_id ORDER BY p.match_weight DESC) = 1
ORDER BY pair_id
"""


def _annotate(pairs: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """Add pair ids (`pair_id_for`, computed in SQL) and sources; drop pairs of one record
    (two people by construction). Rows come back sorted by pair id."""
    # millions of pairs on the large testbed: hashing and joining them in Python took
    # minutes and gigabytes of dictionaries
    with scratch_database(ANNOTATE_MEMORY_LIMIT) as con:
        con.register("karez_scored", pairs)
        con.register("karez_mentions", frame[["mention_id", "record_id", "source_id"]])
        out = con.execute(_ANNOTATE).df()
    if len(out) and (out["mention_id_l"] > out["mention_id_r"]).any():
        raise LinkError("the engine returned a pair with the larger mention id on the left")
    return out.astype({"match_probability": float, "match_weight": float})


PAIRS_TO_EXPLAIN = BlockingRule("the pairs to explain", ("pairs_to_explain",), ("pairs_to_explain",))


def _explain_missing(runner: LinkEngine, frame: pd.DataFrame, model: dict[str, Any], pairs: pd.DataFrame) -> pd.DataFrame:
    """Explanations for kept pairs scored below the explanation threshold (the assigned
    ones): the engine scores the few mentions involved again, at threshold 0."""
    missing = pairs[pairs["explanation"].isna()]
    # exactly these pairs, whatever blocking made them (the household step scores pairs the
    # model's rules do not make): each mention carries the ids of its pairs to explain
    keys: dict[str, list[str]] = {}
    for left, right, pair_id in zip(missing["mention_id_l"], missing["mention_id_r"], missing["pair_id"], strict=True):
        keys.setdefault(left, []).append(pair_id)
        keys.setdefault(right, []).append(pair_id)
    sub = frame[frame["mention_id"].isin(keys)].reset_index(drop=True)
    sub["pairs_to_explain"] = [keys[m] for m in sub["mention_id"]]
    rescored = runner.predict(sub, model, 1e-12, blocking=(PAIRS_TO_EXPLAIN,))
    text = {pair_id_for(a, b): e for a, b, e in zip(
        rescored["mention_id_l"], rescored["mention_id_r"], rescored["explanation"], strict=True)}
    pairs = pairs.copy()
    pairs["explanation"] = [
        e if isinstance(e, str) else text.get(pair_id, "{}")
        for e, pair_id in zip(pairs["explanation"], pairs["pair_id"], strict=True)
    ]
    return pairs


def _cluster(
    mentions: pd.DataFrame,
    pairs: pd.DataFrame,
    threshold: float,
    decisions: pd.DataFrame,
    assign: Any | None = None,
) -> Clustering:
    accept = decisions[decisions["decision"] == "accept"]
    reject = decisions[decisions["decision"] == "reject"]
    return cluster(
        mentions,
        pairs,
        threshold,
        must_link=zip(accept["mention_l"], accept["mention_r"], strict=True),
        cannot_link=zip(reject["mention_l"], reject["mention_r"], strict=True),
        assign=assign,
    )


def _statuses(pairs: pd.DataFrame, clustering: Clustering, decisions: pd.DataFrame, threshold: float) -> list[str]:
    decided = dict(zip(decisions["pair_id"], decisions["decision"], strict=True))
    out = []
    for pair_id, probability in zip(pairs["pair_id"], pairs["match_probability"], strict=True):
        if pair_id in decided:
            out.append("accepted" if decided[pair_id] == "accept" else "rejected")
        elif pair_id in clustering.joined:
            out.append("joined")
        elif pair_id in clustering.assigned:
            out.append("assigned")  # an alone mention joined to a dominant candidate
        elif pair_id in clustering.refused:
            out.append("refused")
        elif probability >= threshold:
            out.append("implied")  # above threshold, its mentions already joined by others
        else:
            out.append("below")
    return out


def _write_clusters(case: Case, clustering: Clustering) -> None:
    clusters = clustering.frame()
    case.store.execute("DELETE FROM link_clusters")
    case.store.con.register("karez_link_clusters_new", clusters)
    try:
        case.store.execute("INSERT INTO link_clusters SELECT mention_id, person_id, probability FROM karez_link_clusters_new")
    finally:
        case.store.con.unregister("karez_link_clusters_new")


def _store(
    case: Case,
    run_id: str,
    model_id: str,
    threshold: float,
    frame: pd.DataFrame,
    pairs: pd.DataFrame,
    clustering: Clustering,
    decisions: pd.DataFrame,
    timings: dict[str, float],
) -> LinkResult:
    table = pairs[["pair_id", "mention_id_l", "mention_id_r", "source_l", "source_r",
                   "match_probability", "match_weight", "explanation"]].copy()
    table["status"] = _statuses(pairs, clustering, decisions, threshold)
    with case.store.transaction():
        case.store.execute("DELETE FROM link_pairs")
        case.store.con.register("karez_link_pairs_new", table)
        try:
            case.store.execute("INSERT INTO link_pairs SELECT * FROM karez_link_pairs_new")
        finally:
            case.store.con.unregister("karez_link_pairs_new")
        _write_clusters(case, clustering)
        persons = multi_source_persons(case)
        n_persons = len(set(clustering.person_of.values()))
        summary = {
            "persons_in_several_sources": len(persons),
            "merges_refused": len(clustering.refused),
            "assigned": len(clustering.assigned),
            "review_decisions": len(decisions),
            "conflicts": clustering.conflicts,
            "seconds": timings,
        }
        case.store.execute(
            "INSERT INTO link_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, model_id, datetime.now(UTC), threshold, len(frame), len(table), n_persons, json.dumps(summary)],
        )
        case.record(
            "link",
            inputs={"mentions": len(frame), "sources": sorted(set(frame["source_id"])), "model_id": model_id,
                    "threshold": threshold, "review_decisions": len(decisions)},
            outputs={"run_id": run_id, "pairs": len(table), "persons": n_persons,
                     "persons_in_several_sources": len(persons)},
            details={"merges_refused": len(clustering.refused), "assigned": len(clustering.assigned),
                     "conflicts": clustering.conflicts[:50]},
        )
    return LinkResult(
        run_id=run_id,
        model_id=model_id,
        threshold=threshold,
        n_mentions=len(frame),
        n_pairs=len(table),
        n_persons=n_persons,
        n_refused=len(clustering.refused),
        conflicts=clustering.conflicts,
        timings=timings,
        persons_in_several_sources=persons,
        n_assigned=len(clustering.assigned),
    )


def recluster(case: Case) -> dict[str, Any]:
    """Re-cluster the stored pairs under the current reviewer decisions, without
    retraining or rescoring (what a review decision triggers). Returns counts."""
    ensure_tables(case)
    last = case.store.fetchone("SELECT threshold FROM link_runs ORDER BY started_at DESC LIMIT 1")
    if last is None:
        raise LinkError(f"case {case.path} has not been linked yet; run `karez link {case.path}` first")
    threshold = float(last[0])
    mentions = case.store.df(
        "SELECT m.mention_id, m.record_id, m.id_number FROM mentions m JOIN sources s USING (source_id) "
        "WHERE s.status = 'active' ORDER BY m.mention_id"
    )
    pairs = case.store.df(
        "SELECT pair_id, mention_l AS mention_id_l, mention_r AS mention_id_r, match_probability, status "
        "FROM link_pairs"
    )
    decisions = active_decisions(case)
    # the assignments of the last run are made again: their rivals below the stored
    # threshold are not kept, so they cannot be recomputed here (`karez link` does)
    previous = pairs[pairs["status"] == "assigned"].sort_values(["match_probability", "pair_id"],
                                                                ascending=[False, True])
    again = list(zip(previous["mention_id_l"], previous["mention_id_r"], previous["pair_id"],
                     previous["match_probability"], strict=True))
    clustering = _cluster(mentions, pairs, threshold, decisions, (lambda _snapshot: again) if again else None)
    statuses = _statuses(pairs, clustering, decisions, threshold)
    with case.store.transaction():
        _write_clusters(case, clustering)
        update = pd.DataFrame({"pair_id": pairs["pair_id"], "status": statuses})
        case.store.con.register("karez_link_status", update)
        try:
            case.store.execute(
                "UPDATE link_pairs SET status = u.status FROM karez_link_status u WHERE link_pairs.pair_id = u.pair_id"
            )
        finally:
            case.store.con.unregister("karez_link_status")
    return {
        "persons": len(set(clustering.person_of.values())),
        "merges_refused": len(clustering.refused),
        "conflicts": clustering.conflicts,
    }


def multi_source_persons(case: Case, limit: int | None = None) -> list[dict[str, Any]]:
    """Persons whose mentions come from two or more sources, most sources first:
    person_id, the sources' file names, the names as each source writes them."""
    ensure_tables(case)
    rows = case.store.dicts(
        f"""SELECT c.person_id,
                   list(DISTINCT s.original_name ORDER BY s.original_name) AS sources,
                   list(DISTINCT m.name ORDER BY m.name) FILTER (WHERE m.name IS NOT NULL) AS names,
                   count(*) AS mentions
            FROM link_clusters c
            JOIN mentions m USING (mention_id)
            JOIN sources s ON s.source_id = m.source_id
            GROUP BY c.person_id
            HAVING count(DISTINCT m.source_id) > 1
            ORDER BY len(sources) DESC, c.person_id
            {'' if limit is None else f'LIMIT {int(limit)}'}"""
    )
    for row in rows:
        row["names"] = row["names"] or []  # every mention of the person may lack a name
    return rows

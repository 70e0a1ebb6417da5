"""How good the linkage is, against a testbed's ground truth.

Pairwise precision, recall and F1 (overall and per pair of sources), cluster-level
B-cubed precision/recall/F1, and the recall of the blocking rules (the share of true
pairs that blocking makes candidates at all: pairs it misses no model can find).
Pair counts come from cluster intersection sizes, never from listing the pairs, so the
figures cost the same for a 2.5-million-row register as for a 300-row list.
"""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd

from karez.custody import Case
from karez.errors import KarezError


class LinkEvaluationError(KarezError):
    """The case cannot be evaluated (not linked, or the truth does not match it)."""


class TruthLike(Protocol):
    def mention_map(self, case: Any) -> pd.DataFrame: ...


def _pairs(n: np.ndarray) -> np.ndarray:
    return n * (n - 1) // 2


def pair_counts_by_source(groups: pd.DataFrame, key: str) -> dict[tuple[str, str], int]:
    """Number of within-group pairs of mentions, per (source, source) in sorted order.

    `groups` has columns `key` (the group) and `source`.
    """
    counts = groups.groupby([key, "source"], sort=True).size().rename("n").reset_index()
    out: dict[tuple[str, str], int] = {}
    same = counts.groupby("source")["n"].apply(lambda n: int(_pairs(n.to_numpy()).sum()))
    for source, value in same.items():
        if value:
            out[(str(source), str(source))] = int(value)
    crossed = counts.merge(counts, on=key, suffixes=("_a", "_b"))
    crossed = crossed[crossed["source_a"] < crossed["source_b"]]
    if len(crossed):
        product = (crossed["n_a"] * crossed["n_b"]).groupby([crossed["source_a"], crossed["source_b"]]).sum()
        for (a, b), value in product.items():
            out[(str(a), str(b))] = out.get((str(a), str(b)), 0) + int(value)
    return out


def _prf(tp: int, predicted: int, true: int) -> dict[str, float | int]:
    precision = tp / predicted if predicted else 1.0
    recall = tp / true if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "true_pairs": int(true),
        "predicted_pairs": int(predicted),
        "correct_pairs": int(tp),
    }


def score_clusters(table: pd.DataFrame) -> dict[str, Any]:
    """Scores of predicted clusters against true ones.

    `table` has one row per mention: `predicted`, `true` (cluster ids) and `source`
    (a label, e.g. the file name). Returns `pairwise`, `per_source_pair` and `bcubed`.
    """
    table = table.assign(cell=table["predicted"].astype(str) + "\x1f" + table["true"].astype(str))
    predicted = pair_counts_by_source(table, "predicted")
    true = pair_counts_by_source(table, "true")
    correct = pair_counts_by_source(table, "cell")
    total = _prf(sum(correct.values()), sum(predicted.values()), sum(true.values()))
    per_pair = {}
    for key in sorted(set(predicted) | set(true)):
        per_pair[" <> ".join(key)] = _prf(correct.get(key, 0), predicted.get(key, 0), true.get(key, 0))
    size_predicted = table.groupby("predicted")["predicted"].transform("size").to_numpy()
    size_true = table.groupby("true")["true"].transform("size").to_numpy()
    size_cell = table.groupby("cell")["cell"].transform("size").to_numpy()
    precision = float(np.mean(size_cell / size_predicted)) if len(table) else 1.0
    recall = float(np.mean(size_cell / size_true)) if len(table) else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "pairwise": total,
        "per_source_pair": per_pair,
        "bcubed": {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)},
    }


def true_pairs(mention_map: pd.DataFrame, limit: int = 2_000_000) -> pd.DataFrame:
    """Every pair of mentions of one true person (mention_id_l < mention_id_r), at most
    `limit` of them, sampled evenly when there are more."""
    grouped = mention_map.sort_values(["person_id", "mention_id"]).groupby("person_id")["mention_id"]
    left: list[str] = []
    right: list[str] = []
    for _person, ids in grouped:
        values = ids.tolist()
        for i in range(len(values)):
            for j in range(i + 1, len(values)):
                left.append(values[i])
                right.append(values[j])
    pairs = pd.DataFrame({"mention_id_l": left, "mention_id_r": right})
    if len(pairs) > limit:
        pairs = pairs.sample(limit, random_state=0)
    return pairs


def evaluate(case: Case, truth: TruthLike, *, engine: str = "duckdb", spec: Any | None = None) -> dict[str, Any]:
    """Linkage of `case` against `truth` (anything with `mention_map(case)`, e.g.
    `karez.testbed.Truth`): pairwise P/R/F1 overall and per source pair, B-cubed, and
    blocking recall of the blocking rules of `spec` (default: the karez model). The case
    must have been linked."""
    from karez.link.engine import get_engine
    from karez.link.frame import build_frame, load_mentions
    from karez.link.model import karez_model

    if not case.store.table_exists("link_clusters") or not case.store.count("link_clusters"):
        raise LinkEvaluationError(f"case {case.path} has not been linked; run `karez link {case.path}` first")
    truth_map = truth.mention_map(case)
    if truth_map.empty:
        raise LinkEvaluationError(
            f"the truth knows none of the mentions of case {case.path}; pass the truth folder of the "
            "testbed this case was built from"
        )
    clusters = case.store.df(
        """SELECT c.mention_id, c.person_id, s.original_name AS source
           FROM link_clusters c JOIN mentions m USING (mention_id) JOIN sources s ON s.source_id = m.source_id"""
    )
    table = clusters.merge(truth_map.rename(columns={"person_id": "true"}), on="mention_id")
    table = table.rename(columns={"person_id": "predicted"})
    result = score_clusters(table[["predicted", "true", "source"]])

    frame = build_frame(load_mentions(case))
    spec = spec or karez_model(len(frame))
    pairs = true_pairs(truth_map[truth_map["mention_id"].isin(set(frame["mention_id"]))])
    runner = get_engine(engine)
    blocked = runner.pairs_blocked(frame, spec.blocking, pairs) if len(pairs) else np.array([], dtype=bool)
    source_of = dict(zip(clusters["mention_id"], clusters["source"], strict=True))
    per_pair: dict[str, float] = {}
    if len(pairs):
        labels = [
            " <> ".join(sorted((source_of.get(a, "?"), source_of.get(b, "?"))))
            for a, b in zip(pairs["mention_id_l"], pairs["mention_id_r"], strict=True)
        ]
        recall_by = pd.Series(blocked).groupby(pd.Series(labels)).mean()
        per_pair = {str(k): round(float(v), 4) for k, v in recall_by.items()}
    result["blocking"] = {
        "rules": [rule.name for rule in spec.blocking],
        "recall": round(float(blocked.mean()), 4) if len(blocked) else 1.0,
        "true_pairs_checked": int(len(pairs)),
        "recall_per_source_pair": per_pair,
    }
    result["mentions_evaluated"] = int(len(table))
    result["stage"] = "link"
    return result


evaluate_linkage = evaluate

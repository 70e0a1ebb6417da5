"""Record linkage: the same person across leaks, testimonies and within each.

    >>> from karez import Case
    >>> from karez.link import link, multi_source_persons
    >>> with Case.open("CASE") as case:                       # doctest: +SKIP
    ...     result = link(case)
    ...     result.multi_source_persons()[:1]
    [{'person_id': 'person-…', 'sources': ['list.xlsx', 'testimonies.jsonl'], 'names': [...]}]

Splink (on DuckDB by default, behind `karez.link.engine.LinkEngine`) scores pairs of
mentions; `karez.link.cluster` groups them into persons under the same-record rule and
the reviewer's decisions (`karez.link.review`). Results are in `link_clusters`
(mention_id, person_id, probability), read by estimate, analyse and publish. A match
probability says only whether two mentions are the same person.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

# Importing the package registers the remove hook (withdrawing a source clears its link
# rows) and nothing heavy: pandas and Splink load when a name below is first used.
from karez.link import tables as _tables  # noqa: F401

_WHERE = {
    "dominant_assignments": "assign",
    "Clustering": "cluster", "cluster_mentions": "cluster", "pair_id_for": "cluster", "person_id_for": "cluster",
    "DuckDBEngine": "engine", "LinkEngine": "engine", "LinkEngineError": "engine", "get_engine": "engine",
    "LinkEvaluationError": "evaluate", "evaluate_linkage": "evaluate",
    "NothingToLinkError": "frame", "build_frame": "frame", "load_mentions": "frame",
    "BlockingRule": "model", "ModelSpec": "model", "baseline_model": "model", "karez_model": "model",
    "LinkError": "pipeline", "LinkResult": "pipeline", "active_decisions": "pipeline", "link": "pipeline",
    "multi_source_persons": "pipeline", "recluster": "pipeline",
    "ReviewError": "review", "accept": "review", "decisions": "review", "mention_card": "review",
    "queue": "review", "reject": "review", "undo": "review",
}


# `cluster` and `evaluate` are also submodules (the testbed finds `karez.link.evaluate:evaluate`
# by that name), so their functions are exported as `cluster_mentions` and `evaluate_linkage`.


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(f"karez.link.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'karez.link' has no attribute {name!r}")


__all__ = [
    "BlockingRule",
    "Clustering",
    "DuckDBEngine",
    "LinkEngine",
    "LinkEngineError",
    "LinkError",
    "LinkEvaluationError",
    "LinkResult",
    "ModelSpec",
    "NothingToLinkError",
    "ReviewError",
    "accept",
    "active_decisions",
    "baseline_model",
    "build_frame",
    "cluster_mentions",
    "decisions",
    "dominant_assignments",
    "evaluate_linkage",
    "get_engine",
    "karez_model",
    "link",
    "load_mentions",
    "mention_card",
    "multi_source_persons",
    "pair_id_for",
    "person_id_for",
    "queue",
    "recluster",
    "reject",
    "undo",
]

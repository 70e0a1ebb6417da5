"""Capture histories from a linked case, and how the estimate moves with the linkage.

A person's capture pattern says which lists (sources) name them. It comes from the linkage
output `link_clusters(mention_id, person_id, probability)` joined to `mentions` (for the
source). By default only the people each list is about count (role `subject`): a relative
named in a cell is not on the list of the detained.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from karez.estimate.errors import EstimateError, ModelNotEstimable
from karez.estimate.histories import CaptureHistories, check_list_count, pattern_index
from karez.store import Store

STRATA = ("sex", "township", "village", "ethnicity", "birth_decade")
DEFAULT_ROLES = ("subject",)
DEFAULT_THRESHOLDS = (0.5, 0.8, 0.9, 0.95, 0.99)


def _store(case: Any) -> Store:
    store = getattr(case, "store", case)
    if not isinstance(store, Store):
        raise EstimateError(f"expected a karez case or its store, got {type(case).__name__}")
    return store


def _case_name(store: Store) -> str:
    return f"case store {store.path}"


def resolve_lists(store: Store, lists: Sequence[str] | None, roles: Sequence[str]) -> list[str]:
    """Source ids of the lists, given as source ids or original file names.

    Without `lists`, every source with a mention of the given roles, in source-id order.
    """
    known = {
        row["source_id"]: row.get("original_name")
        for row in store.dicts(
            "SELECT DISTINCT m.source_id, s.original_name FROM mentions m "
            "LEFT JOIN sources s USING (source_id) WHERE m.role IN (SELECT unnest(?)) ORDER BY 1",
            [list(roles)],
        )
    }
    if not lists:
        if len(known) < 2:
            raise EstimateError(
                f"{_case_name(store)}: estimation needs at least two lists with {'/'.join(roles)} "
                f"mentions, found {len(known)}; ingest more sources"
            )
        check_list_count(len(known), _case_name(store), "choose the lists with --lists (lists= from Python)")
        return list(known)
    by_name = {name: sid for sid, name in known.items() if name}
    resolved = []
    for given in lists:
        if given in known:
            resolved.append(given)
        elif given in by_name:
            resolved.append(by_name[given])
        else:
            raise EstimateError(
                f"{_case_name(store)}: no source {given!r} with {'/'.join(roles)} mentions; "
                f"the case has {', '.join(f'{s} ({n})' for s, n in known.items()) or 'none'}"
            )
    check_list_count(len(resolved), _case_name(store), "choose fewer with --lists")
    return resolved


def _require_clusters(store: Store) -> None:
    if not store.table_exists("link_clusters"):
        raise EstimateError(
            f"{_case_name(store)}: no table link_clusters; link the case first (karez link), "
            "so that people named on several lists are counted once"
        )


def _memberships(
    store: Store,
    lists: Sequence[str],
    roles: Sequence[str],
    stratum: str | None,
    clusters: str = "link_clusters",
) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    """(person index, list index) pairs and each person's stratum value.

    `clusters` names the table or view of (mention_id, person_id) to use; it is never user
    input (link_clusters, or the evaluation's view of the true persons).
    """
    value_sql = "NULL"
    if stratum == "birth_decade":
        value_sql = "CAST(CAST(floor(year(m.birth_date) / 10) * 10 AS BIGINT) AS VARCHAR) || 's'"
    elif stratum is not None:
        value_sql = f"m.{stratum}"
    rows = store.fetchall(
        f"SELECT c.person_id, m.source_id, {value_sql} AS value FROM {clusters} c "
        "JOIN mentions m USING (mention_id) "
        "WHERE m.source_id IN (SELECT unnest(?)) AND m.role IN (SELECT unnest(?)) "
        "ORDER BY c.person_id, m.source_id",
        [list(lists), list(roles)],
    )
    persons: dict[str, int] = {}
    values: dict[int, dict[Any, int]] = {}
    person_rows, list_rows = [], []
    list_of = {source: i for i, source in enumerate(lists)}
    for person_id, source_id, value in rows:
        index = persons.setdefault(person_id, len(persons))
        person_rows.append(index)
        list_rows.append(list_of[source_id])
        if value is not None:
            tally = values.setdefault(index, {})
            tally[value] = tally.get(value, 0) + 1
    # A person's stratum: the value most of their mentions give (ties: the smallest).
    strata = [
        min(values[i], key=lambda v: (-values[i][v], str(v))) if i in values else "unknown"
        for i in range(len(persons))
    ]
    return np.asarray(person_rows, dtype=np.int64), np.asarray(list_rows, dtype=np.int64), strata


def list_names(store: Store, source_ids: Sequence[str]) -> list[str]:
    """Names to show for the lists: the original file names when they are distinct, else ids."""
    names = dict(store.fetchall("SELECT source_id, original_name FROM sources"))
    shown = [names.get(s) or s for s in source_ids]
    return shown if len(set(shown)) == len(shown) else list(source_ids)


def _histories(
    person_rows: np.ndarray, list_rows: np.ndarray, n_persons: int, lists: Sequence[str], source: str, stratum: str | None = None
) -> CaptureHistories:
    membership = np.zeros((n_persons, len(lists)), dtype=np.int8)
    membership[person_rows, list_rows] = 1
    seen = membership.any(axis=1)  # clusters of mentions outside these lists are nobody here
    counts = np.bincount(pattern_index(membership[seen]), minlength=2 ** len(lists) - 1)
    return CaptureHistories(tuple(lists), counts.astype(np.int64), source=source, stratum=stratum)


def capture_histories(
    case: Any,
    lists: Sequence[str] | None = None,
    *,
    roles: Sequence[str] = DEFAULT_ROLES,
    clusters: str = "link_clusters",
) -> CaptureHistories:
    """Counts per capture pattern of the linked people named (in `roles`) on `lists`.

    `case` is a `karez.Case` or its `Store`; `lists` are source ids or original file names
    (default: every source with such mentions). Needs the table link_clusters.
    """
    store = _store(case)
    if clusters == "link_clusters":
        _require_clusters(store)
    chosen = resolve_lists(store, lists, roles)
    person_rows, list_rows, strata = _memberships(store, chosen, roles, None, clusters)
    return _histories(person_rows, list_rows, len(strata), list_names(store, chosen), _case_name(store))


def stratified_capture_histories(
    case: Any, stratum: str, lists: Sequence[str] | None = None, *, roles: Sequence[str] = DEFAULT_ROLES
) -> dict[str, CaptureHistories]:
    """Capture histories per value of `stratum` (sex, township, village, ethnicity,
    birth_decade); a person's value is the one most of their mentions give, else "unknown".
    """
    if stratum not in STRATA:
        raise EstimateError(f"cannot stratify by {stratum!r}: use one of {', '.join(STRATA)}")
    store = _store(case)
    _require_clusters(store)
    chosen = resolve_lists(store, lists, roles)
    person_rows, list_rows, strata = _memberships(store, chosen, roles, stratum)
    values = np.asarray([str(v) for v in strata], dtype=object)
    out: dict[str, CaptureHistories] = {}
    for value in sorted(set(values.tolist())):
        people = np.flatnonzero(values == value)
        remap = -np.ones(len(values), dtype=np.int64)
        remap[people] = np.arange(people.size)
        keep = remap[person_rows] >= 0
        out[value] = _histories(
            remap[person_rows][keep], list_rows[keep], people.size, list_names(store, chosen), _case_name(store),
            f"{stratum}={value}",
        )
    return out


def _find_components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Connected-component label of each of n nodes joined by the given edges (union-find)."""
    parent = np.arange(n)

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in zip(left.tolist(), right.tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return np.asarray([root(i) for i in range(n)])


def sensitivity_to_linkage(
    case: Any,
    thresholds: Sequence[float] = DEFAULT_THRESHOLDS,
    lists: Sequence[str] | None = None,
    *,
    method: str = "stepwise",
    roles: Sequence[str] = DEFAULT_ROLES,
    **options: Any,
) -> list[dict[str, Any]]:
    """Re-estimate from clusters formed at several match-probability thresholds.

    Mentions are joined when a scored pair in `link_pairs(mention_id_l, mention_id_r,
    match_probability)` reaches the threshold; the clusters are the connected components. A
    low threshold merges people (fewer, more overlapping: a smaller estimate), a high one
    splits them (a larger estimate); the spread shows how much the figure owes to linkage.
    """
    from karez.estimate.methods import estimate  # avoid an import cycle at module load

    store = _store(case)
    if not store.table_exists("link_pairs"):
        raise EstimateError(
            f"{_case_name(store)}: no table link_pairs; the sensitivity check needs the scored "
            "pairs of the linkage (karez link), not only its clusters"
        )
    columns = {r[0] for r in store.fetchall("SELECT column_name FROM information_schema.columns WHERE table_name = 'link_pairs'")}
    needed = {"mention_l", "mention_r", "match_probability"}
    if not needed <= columns:
        raise EstimateError(
            f"{_case_name(store)}: table link_pairs lacks {', '.join(sorted(needed - columns))}; "
            "expected one row per scored pair (mention_l, mention_r, match_probability)"
        )
    chosen = resolve_lists(store, lists, roles)
    mentions = store.fetchall(
        "SELECT mention_id, source_id FROM mentions WHERE source_id IN (SELECT unnest(?)) "
        "AND role IN (SELECT unnest(?)) ORDER BY mention_id",
        [chosen, list(roles)],
    )
    index = {m: i for i, (m, _) in enumerate(mentions)}
    list_of = {s: i for i, s in enumerate(chosen)}
    mention_list = np.asarray([list_of[s] for _, s in mentions], dtype=np.int64)
    pairs = store.fetchall("SELECT mention_l, mention_r, match_probability FROM link_pairs")
    pairs = [(index[a], index[b], p) for a, b, p in pairs if a in index and b in index and p is not None]
    left = np.asarray([a for a, _, _ in pairs], dtype=np.int64)
    right = np.asarray([b for _, b, _ in pairs], dtype=np.int64)
    probability = np.asarray([p for _, _, p in pairs], dtype=float)
    rows = []
    for threshold in thresholds:
        joined = probability >= threshold
        labels = _find_components(len(mentions), left[joined], right[joined])
        _, person_rows = np.unique(labels, return_inverse=True)
        histories = _histories(
            person_rows, mention_list, int(person_rows.max()) + 1 if len(mentions) else 0,
            list_names(store, chosen), _case_name(store),
        )
        row: dict[str, Any] = {"threshold": threshold, "people_listed": histories.n_observed}
        try:
            result = estimate(histories, method, **options)
        except ModelNotEstimable as error:
            # Too few joins can leave lists with no overlap: say so, never a huge number.
            row.update(estimate=None, interval=None, refused=error.reason, reason=str(error))
        else:
            row.update(
                estimate=round(result.estimate, 2),
                interval=None if result.interval is None else [round(x, 2) for x in result.interval],
                model=result.model,
            )
        rows.append(row)
    return rows

"""Constrained clustering: mentions grouped into persons from scored pairs.

Splink's own clustering (connected components) takes every pair above a threshold and
cannot refuse one. Linkage of lists of relatives needs refusals: a record that names a
man and his father names two people, however alike their names (Uyghur sons often carry
a grandfather's name), and a reviewer who says "not the same person" must be obeyed even
when a chain of other pairs would join them. So: union-find over the pairs, strongest
first, refusing a merge that would put two mentions of one record, or a cannot-link
pair, into one person. Reviewer must-links are applied first and may join mentions of
one record (the reviewer has stated that they are the same person). Last, mentions the
threshold left alone may join a person that dominates their other candidates
(`karez.link.assign`), under the same refusals.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd


def person_id_for(smallest_mention_id: str) -> str:
    """A person's id, derived from the smallest mention id in its cluster (stable on re-runs)."""
    return "person-" + hashlib.sha256(smallest_mention_id.encode("utf-8")).hexdigest()[:16]


def pair_id_for(mention_a: str, mention_b: str) -> str:
    """A pair's id, the same whichever order the mentions are given in."""
    low, high = sorted((mention_a, mention_b))
    return "pair-" + hashlib.sha256(f"{low}|{high}".encode()).hexdigest()[:16]


@dataclass
class Clustering:
    """The result: each mention's person and the pairs that made or were refused."""

    person_of: dict[str, str]
    probability_of: dict[str, float | None]
    joined: set[str] = field(default_factory=set)  # pair ids that joined two clusters
    assigned: set[str] = field(default_factory=set)  # pair ids that joined an alone mention to a dominant person
    refused: dict[str, str] = field(default_factory=dict)  # pair id -> why it was refused
    conflicts: list[str] = field(default_factory=list)  # reviewer decisions that contradict

    def frame(self) -> pd.DataFrame:
        """Rows for `link_clusters`: mention_id, person_id, probability (sorted by mention)."""
        ids = sorted(self.person_of)
        return pd.DataFrame(
            {
                "mention_id": ids,
                "person_id": [self.person_of[m] for m in ids],
                "probability": [self.probability_of.get(m) for m in ids],
            }
        )


class _Components:
    def __init__(self, mentions: Iterable[str], record_of: dict[str, str], cannot: dict[str, set[str]]) -> None:
        self.parent: dict[str, str] = {m: m for m in mentions}
        self.members: dict[str, list[str]] = {m: [m] for m in self.parent}
        self.records: dict[str, set[str]] = {m: {record_of[m]} for m in self.parent}
        self.cannot = cannot

    def find(self, mention: str) -> str:
        root = mention
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[mention] != root:  # path compression
            self.parent[mention], mention = root, self.parent[mention]
        return root

    def obstacle(self, a: str, b: str, *, allow_same_record: bool) -> str | None:
        """Why the components of roots a and b must stay apart, or None."""
        small, large = (a, b) if len(self.members[a]) <= len(self.members[b]) else (b, a)
        large_members = set(self.members[large])
        for mention in self.members[small]:
            if self.cannot.get(mention, set()) & large_members:
                return "a reviewer said these are different people"
        if not allow_same_record and not self.records[small].isdisjoint(self.records[large]):
            return "would join two people named in the same record"
        return None

    def union(self, a: str, b: str) -> None:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self.records[a] |= self.records.pop(b)


def cluster(
    mentions: pd.DataFrame,
    pairs: pd.DataFrame,
    threshold: float,
    *,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    assign: Callable[[dict[str, str]], Iterable[tuple[str, str, str, float]]] | None = None,
) -> Clustering:
    """Group `mentions` (columns mention_id, record_id) into persons.

    `pairs` has mention_id_l, mention_id_r, match_probability and pair_id. Must-links are
    applied first; then pairs at or above `threshold`, strongest first (ties by pair id,
    so the result does not depend on row order). A merge is refused when it would join a
    cannot-link pair or (except by must-link) two mentions of the same record. Then, if
    `assign` is given, it is called with each mention's component after the threshold
    pass and returns pairs (mention, mention, pair id, probability) to join in its order,
    under the same refusals. Every mention is in the result, alone if nothing joined it.
    """
    record_of = dict(zip(mentions["mention_id"].astype(str), mentions["record_id"].astype(str), strict=True))
    cannot: dict[str, set[str]] = {}
    for a, b in cannot_link:
        if a in record_of and b in record_of:
            cannot.setdefault(a, set()).add(b)
            cannot.setdefault(b, set()).add(a)
    components = _Components(sorted(record_of), record_of, cannot)
    result = Clustering(person_of={}, probability_of={})
    best: dict[str, float] = {}

    for a, b in sorted(tuple(sorted(p)) for p in must_link):
        if a not in record_of or b not in record_of:
            continue  # a mention of a withdrawn source
        root_a, root_b = components.find(a), components.find(b)
        if root_a == root_b:
            continue
        why = components.obstacle(root_a, root_b, allow_same_record=True)
        if why:
            result.conflicts.append(f"{pair_id_for(a, b)}: {why}")
            continue
        components.union(root_a, root_b)
        best[a] = best[b] = 1.0

    strong = pairs[pairs["match_probability"] >= threshold]
    order = strong.assign(_neg=-strong["match_probability"]).sort_values(["_neg", "pair_id"], kind="stable")
    def join(a: str, b: str, probability: float, pair_id: str, joined: set[str]) -> None:
        """Join the persons of a and b unless a constraint forbids it (then say why)."""
        if a not in record_of or b not in record_of:
            return
        root_a, root_b = components.find(a), components.find(b)
        if root_a == root_b:
            return
        why = components.obstacle(root_a, root_b, allow_same_record=False)
        if why:
            result.refused[pair_id] = why
            return
        components.union(root_a, root_b)
        joined.add(pair_id)
        best[a] = max(best.get(a, 0.0), float(probability))
        best[b] = max(best.get(b, 0.0), float(probability))

    for a, b, probability, pair_id in zip(
        order["mention_id_l"], order["mention_id_r"], order["match_probability"], order["pair_id"], strict=True
    ):
        join(a, b, probability, pair_id, result.joined)

    if assign is not None:
        snapshot = {mention: components.find(mention) for mention in record_of}
        for a, b, pair_id, probability in assign(snapshot):
            join(a, b, probability, pair_id, result.assigned)

    for root, members in components.members.items():
        person = person_id_for(min(members))
        alone = len(members) == 1
        for mention in members:
            result.person_of[mention] = person
            result.probability_of[mention] = None if alone else best.get(mention)
        del root
    return result


cluster_mentions = cluster

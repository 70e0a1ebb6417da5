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

Mentions are numbered (their positions in sorted order) and the union-find runs over
those numbers, with member lists and record sets kept only for persons of two or more:
a case of 2.7 million mentions, nearly all alone, then needs lists of integers, not
millions of dictionaries, sets and lists of strings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from karez.verify.ids import check_digit

# a step after the threshold pass: given each mention's component so far, the pairs
# (mention, mention, pair id, probability) to join, in order
AssignStep = Callable[[Mapping[str, str]], Iterable[tuple[str, str, str, float]]]


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


class Components(Mapping[str, str]):
    """Each mention's component after the threshold pass: a read-only mapping from
    mention id to the id of one mention of its component (what an `assign` step is
    given). `as_frame()` gives the same as a table without a loop over the mentions."""

    def __init__(self, ids: np.ndarray, roots: np.ndarray) -> None:
        self._ids = ids
        self._roots = roots
        self._index: pd.Index | None = None

    def as_frame(self) -> pd.DataFrame:
        """Columns `mention` and `person` (the component's representative mention id)."""
        return pd.DataFrame({"mention": self._ids, "person": self._ids[self._roots]})

    def __getitem__(self, mention: str) -> str:
        if self._index is None:
            self._index = pd.Index(self._ids)
        position = self._index.get_indexer([mention])[0]
        if position < 0:
            raise KeyError(mention)
        return str(self._ids[self._roots[position]])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids.tolist())

    def __len__(self) -> int:
        return len(self._ids)


def _id_body(number: str) -> str | None:
    """The 17 digits that name a person in a well-formed resident ID number (GB 11643-1999),
    a legacy 15-digit number (before 1999) widened the same way, or None when the number is
    not well formed (a clerk's dropped digit is not evidence of another person)."""
    if len(number) == 18 and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X"):
        return number[:17]
    if len(number) == 15 and number.isdigit():
        return number[:6] + "19" + number[6:]
    return None


def id_checked(number: str | None) -> bool:
    """True for an 18-digit ID number whose check digit is right (GB 11643-1999)."""
    if not number or len(number) != 18 or _id_body(number) is None:
        return False
    return check_digit(number[:17]) == number[17]


def ids_agree(a: str, b: str) -> bool:
    """False only when two well-formed ID numbers name different people: their 17 digits
    (a legacy 15-digit number widened, the check digit left out) differ by more than one
    digit or one swap of adjacent digits, the slips the ID comparison weighs as agreement;
    or they differ by such a slip and both numbers pass the check digit. ISO 7064 MOD 11-2
    catches every one-digit error and every swap of adjacent digits, so a slip leaves one of
    the two numbers failing it; two that both pass were issued to two people (namesakes
    born on one day in one county, whose sequence numbers differ in a digit)."""
    if a == b:
        return True
    body_a, body_b = _id_body(a), _id_body(b)
    if body_a is None or body_b is None:
        return True
    diff = [i for i in range(17) if body_a[i] != body_b[i]]
    slip = len(diff) <= 1 or (
        len(diff) == 2 and diff[1] == diff[0] + 1
        and body_a[diff[0]] == body_b[diff[1]] and body_a[diff[1]] == body_b[diff[0]]
    )
    return slip and not (id_checked(a) and id_checked(b))


class _UnionFind:
    """Union-find over mention positions 0..n-1, refusing merges across a cannot-link,
    (unless allowed) two mentions of one record, or (unless allowed) two ID numbers that
    disagree."""

    def __init__(self, records: np.ndarray, cannot: dict[int, set[int]],
                 id_numbers: list[str | None] | None = None) -> None:
        self.parent: list[int] = list(range(len(records)))
        self.record: list[int] = records.tolist()
        self.members: dict[int, list[int]] = {}  # roots of two or more mentions only
        self.records: dict[int, set[int]] = {}
        self.cannot = cannot
        self.id_number: list[str | None] = id_numbers or [None] * len(self.parent)
        self.ids: dict[int, set[str]] = {}  # roots of two or more mentions only

    def _ids(self, root: int) -> set[str]:
        stated = self.id_number[root]
        return self.ids.get(root) or ({stated} if stated else set())

    def find(self, mention: int) -> int:
        parent = self.parent
        root = mention
        while parent[root] != root:
            root = parent[root]
        while parent[mention] != root:  # path compression
            parent[mention], mention = root, parent[mention]
        return root

    def _members(self, root: int) -> list[int]:
        return self.members.get(root) or [root]

    def _records(self, root: int) -> set[int]:
        return self.records.get(root) or {self.record[root]}

    def size(self, root: int) -> int:
        return len(self.members.get(root, ())) or 1

    def obstacle(self, a: int, b: int, *, allow_same_record: bool) -> str | None:
        """Why the components of roots a and b must stay apart, or None."""
        small, large = (a, b) if self.size(a) <= self.size(b) else (b, a)
        if self.cannot:
            large_members = set(self._members(large))
            for mention in self._members(small):
                if self.cannot.get(mention, set()) & large_members:
                    return "a reviewer said these are different people"
        if not allow_same_record and not self._records(small).isdisjoint(self._records(large)):
            return "would join two people named in the same record"
        # A mention without an ID number (a testimony: a Latin name, a birth year, a
        # village) can score above the threshold against two namesakes of one village,
        # and joining it to both makes them one person though their ID numbers differ:
        # on the medium testbed 85 of 94 false register <> register pairs were made so.
        # Nor does a scored pair of two different numbers join by itself: in a county of
        # millions, namesakes born on one day score above the threshold (on the large
        # testbed 51,194 such register pairs did; letting them join tripled the register's
        # predicted duplicates). A re-issued number is for a reviewer to join (must-link).
        if not allow_same_record:
            ids_small, ids_large = self._ids(small), self._ids(large)
            if ids_small and ids_large and not all(ids_agree(x, y) for x in ids_small for y in ids_large):
                return "would join two different ID numbers"
        return None

    def union(self, a: int, b: int) -> None:
        if self.size(a) < self.size(b):
            a, b = b, a
        self.parent[b] = a
        members = self.members.pop(a, None) or [a]
        members.extend(self.members.pop(b, None) or [b])
        self.members[a] = members
        records = self.records.pop(a, None) or {self.record[a]}
        records |= self.records.pop(b, None) or {self.record[b]}
        self.records[a] = records
        ids = self._ids(a) | self._ids(b)
        self.ids.pop(b, None)
        if ids:
            self.ids[a] = ids

    def roots(self) -> np.ndarray:
        """Every mention's root, by pointer jumping over the whole array at once."""
        roots = np.asarray(self.parent, dtype=np.int64)
        while True:
            jumped = roots[roots]
            if np.array_equal(jumped, roots):
                return roots
            roots = jumped


def cluster(
    mentions: pd.DataFrame,
    pairs: pd.DataFrame,
    threshold: float,
    *,
    must_link: Iterable[tuple[str, str]] = (),
    cannot_link: Iterable[tuple[str, str]] = (),
    assign: AssignStep | Sequence[AssignStep] | None = None,
) -> Clustering:
    """Group `mentions` (columns mention_id, record_id, optionally id_number) into persons.

    `pairs` has mention_id_l, mention_id_r, match_probability and pair_id. Must-links are
    applied first; then pairs at or above `threshold`, strongest first (ties by pair id,
    so the result does not depend on row order). A merge is refused when it would join a
    cannot-link pair or (except by must-link) two mentions of the same record or two ID
    numbers that disagree (`ids_agree`). Then, if
    `assign` is given (a step or a sequence of steps), each step in turn is called with
    each mention's component so far (a `Components` mapping, after the threshold pass and
    the steps before it) and returns pairs (mention, mention, pair id, probability) to
    join in its order, under the same refusals. Every mention is in the
    result, alone if nothing joined it.
    """
    table = pd.DataFrame(
        {"mention_id": mentions["mention_id"].astype(str).to_numpy(dtype=object),
         "record_id": mentions["record_id"].astype(str).to_numpy(dtype=object),
         "id_number": (mentions["id_number"] if "id_number" in mentions else pd.Series(None, index=mentions.index))
         .to_numpy(dtype=object)}
    ).drop_duplicates("mention_id", keep="last")  # as a dict of mention -> record would
    table = table.sort_values("mention_id", kind="stable")
    ids = table["mention_id"].to_numpy(dtype=object)
    index = pd.Index(ids)
    records, _ = pd.factorize(table["record_id"])

    def positions(values: Iterable[str]) -> list[int]:
        return index.get_indexer(pd.Index(list(values), dtype=object)).tolist()

    cannot: dict[int, set[int]] = {}
    refusals = list(cannot_link)
    for a, b in zip(positions(a for a, _ in refusals), positions(b for _, b in refusals), strict=True):
        if a >= 0 and b >= 0:
            cannot.setdefault(a, set()).add(b)
            cannot.setdefault(b, set()).add(a)
    id_numbers = [i.strip().upper() if isinstance(i, str) and i.strip() else None for i in table["id_number"]]
    components = _UnionFind(records, cannot, id_numbers)
    result = Clustering(person_of={}, probability_of={})
    best: dict[int, float] = {}

    for a_id, b_id in sorted(tuple(sorted(p)) for p in must_link):
        a, b = positions((a_id, b_id))
        if a < 0 or b < 0:
            continue  # a mention of a withdrawn source
        root_a, root_b = components.find(a), components.find(b)
        if root_a == root_b:
            continue
        why = components.obstacle(root_a, root_b, allow_same_record=True)
        if why:
            result.conflicts.append(f"{pair_id_for(a_id, b_id)}: {why}")
            continue
        components.union(root_a, root_b)
        best[a] = best[b] = 1.0

    def join(a: int, b: int, probability: float, pair_id: str, joined: set[str]) -> None:
        """Join the persons of a and b unless a constraint forbids it (then say why)."""
        if a < 0 or b < 0:
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

    strong = pairs[pairs["match_probability"] >= threshold]
    # strongest first, ties by pair id (a stable sort: lexsort's last key is the first)
    order = np.lexsort((strong["pair_id"].to_numpy(dtype=object), -strong["match_probability"].to_numpy(dtype=float)))
    strong = strong.iloc[order]
    for a, b, probability, pair_id in zip(
        positions(strong["mention_id_l"]), positions(strong["mention_id_r"]),
        strong["match_probability"].tolist(), strong["pair_id"].tolist(), strict=True,
    ):
        join(a, b, probability, pair_id, result.joined)

    steps = [] if assign is None else [assign] if callable(assign) else list(assign)
    for step in steps:
        chosen = list(step(Components(ids, components.roots())))
        for a, b, (_, _, pair_id, probability) in zip(
            positions(c[0] for c in chosen), positions(c[1] for c in chosen), chosen, strict=True
        ):
            join(a, b, probability, pair_id, result.assigned)

    roots = components.roots()
    # a person is named after its smallest mention id; ids are sorted, so that is the
    # smallest position in the component
    smallest = np.full(len(ids), len(ids), dtype=np.int64)
    np.minimum.at(smallest, roots, np.arange(len(ids), dtype=np.int64))
    first = smallest[roots]
    named, which = np.unique(first, return_inverse=True)
    person_ids = np.array([person_id_for(ids[i]) for i in named.tolist()], dtype=object)[which]
    result.person_of = dict(zip(ids.tolist(), person_ids.tolist(), strict=True))
    alone = np.bincount(roots, minlength=len(ids))[roots] == 1
    result.probability_of = {
        mention: None if single else best.get(position)
        for position, (mention, single) in enumerate(zip(ids.tolist(), alone.tolist(), strict=True))
    }
    return result


cluster_mentions = cluster

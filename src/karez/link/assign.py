"""One-to-one assignment: a mention left alone joins its best candidate person when that
candidate clearly dominates every other.

Pairwise scores answer "are these two mentions the same person?" against a prior that
holds for two mentions drawn at random from the whole case: one chance in about 100,000
on the medium testbed. A testimony written in Latin letters (a name read across scripts,
a birth year that may be two years off, a village) carries 11-16 bits of evidence, so a
true pair of it scores well below any threshold however clear it is, and the testimony
stays alone.

What the pairwise model ignores is structure: a mention names *one* person. If that
person is in the case at all, exactly one of the persons the clustering found is it. Among
the candidates, the posterior that person c is the one is odds(c) / sum of odds over the
candidates (Jaro 1989; Fellegi-Sunter under a one-to-one constraint); when the best
candidate's match weight exceeds the runner-up's by `margin` bits, that posterior is at
least 1 / (1 + k 2^-margin) for k rivals. The remaining doubt is whether the person is in
the case at all, which the pairwise weight still measures: the best candidate must also
reach `min_weight`. Candidates are persons (clusters), not mentions, so a person named in
ten rows of a list is one candidate, not ten rivals.

Only mentions the threshold left alone are assigned, one candidate each, strongest margin
first; the clustering's own refusals (two mentions of one record, a reviewer's
cannot-link) still apply when the assignment is made (`karez.link.cluster`). Two limits,
both learned the hard way on the medium testbed:

- A mention that carries an ID number is not assigned. The ID number is the strongest
  evidence a record holds: when it matched no other, the mention is alone for a reason
  (a register row of someone on no list), and assigning such rows joined 1,149 register
  rows to namesakes, 127 of them rightly.
- The chosen person must have two or more mentions. Two alone mentions joined on weak
  evidence have nothing to dominate: a testimony's only candidate was, more often than
  not, a namesake in the register, a sample of the county its subject is often not in.

The candidates, their best and runner-up are found in SQL (DuckDB, over the pandas
tables it is given, under a memory limit): on the large testbed that is millions of
scored pairs against 2.7 million mentions, which pandas did with copies of each.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

import numpy as np
import pandas as pd

# Chosen on the medium testbed (seed 7) and checked on the small ones (seeds 1, 3, 7);
# see docs/linkage.md. A margin of 4 bits: the best candidate is 16 times likelier than
# the runner-up. A minimum of -4 bits: the pair alone is 1 in 16 against.
ASSIGN_MARGIN = 4.0
ASSIGN_MIN_WEIGHT = -4.0
# the chosen person must have this many mentions (see above)
ASSIGN_MIN_PERSON_SIZE = 2
# Pairs below this weight are neither candidates nor rivals that matter.
ASSIGN_FLOOR = ASSIGN_MIN_WEIGHT - ASSIGN_MARGIN
# what the query may hold in memory before DuckDB spills to its temporary folder
MEMORY_LIMIT = "2GB"

_CHOOSE = """
WITH sizes AS (
    SELECT person, count(*) AS size FROM karez_persons GROUP BY person
),
persons AS (
    SELECT m.mention, m.person, s.size FROM karez_persons m JOIN sizes s USING (person)
),
alone AS (
    SELECT mention FROM persons WHERE size = 1 {eligible}
),
usable AS (
    SELECT mention_id_l, mention_id_r, match_weight, pair_id FROM karez_pairs WHERE match_weight >= $floor
),
sides AS (
    SELECT u.mention_id_l AS mention, u.mention_id_r AS other, u.match_weight AS weight, u.pair_id
    FROM usable u JOIN alone a ON a.mention = u.mention_id_l
    UNION ALL
    SELECT u.mention_id_r, u.mention_id_l, u.match_weight, u.pair_id
    FROM usable u JOIN alone a ON a.mention = u.mention_id_r
),
per_person AS (  -- the strongest pair into each candidate person (ties by pair id)
    SELECT s.mention, p.person, p.size, s.weight, s.pair_id
    FROM sides s JOIN persons p ON p.mention = s.other
    QUALIFY row_number() OVER (PARTITION BY s.mention, p.person ORDER BY s.weight DESC, s.pair_id) = 1
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY mention ORDER BY weight DESC, pair_id) AS rank FROM per_person
    QUALIFY rank <= 2
)
SELECT best.mention, best.pair_id, best.weight, best.size, runner_up.weight AS second
FROM ranked best LEFT JOIN ranked runner_up ON runner_up.mention = best.mention AND runner_up.rank = 2
WHERE best.rank = 1 AND best.weight >= $min_weight AND best.size >= $min_size
"""


def persons_table(person_of: Mapping[str, str]) -> pd.DataFrame:
    """`person_of` as a table (mention, person); the clustering's own mapping gives its
    table directly, any other mapping is read item by item."""
    as_frame = getattr(person_of, "as_frame", None)
    if callable(as_frame):
        persons: pd.DataFrame = as_frame()
        return persons
    return pd.DataFrame({"mention": list(person_of.keys()), "person": list(person_of.values())}, dtype=object)


def dominant_assignments(
    person_of: Mapping[str, str],
    pairs: pd.DataFrame,
    *,
    margin: float = ASSIGN_MARGIN,
    min_weight: float = ASSIGN_MIN_WEIGHT,
    floor: float = ASSIGN_FLOOR,
    eligible: Collection[str] | None = None,
    min_person_size: int = ASSIGN_MIN_PERSON_SIZE,
) -> pd.DataFrame:
    """The pairs by which alone mentions join a dominant candidate person.

    `person_of` maps every mention to its person after threshold clustering; `pairs` has
    `mention_id_l`, `mention_id_r`, `match_weight`, `match_probability` and `pair_id`
    (pairs of one record already removed). For each mention alone in its person (and in
    `eligible`, when given), its candidates are the persons its pairs reach, each weighted
    by its strongest pair; the best is chosen when it reaches `min_weight`, beats the
    runner-up (or `floor`, when there is none) by `margin` bits, and has at least
    `min_person_size` mentions. Returns the chosen pairs (the strongest pair into the
    chosen person) with `mention_id_l`, `mention_id_r`, `pair_id`, `match_probability` and
    `margin`, largest margin first, ties by pair id: the same inputs give the same rows.
    """
    from karez.link.engine import scratch_database

    columns = CHOSEN_COLUMNS
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    with scratch_database(MEMORY_LIMIT) as con:
        con.register("karez_persons", persons_table(person_of))
        con.register("karez_pairs", pairs[["mention_id_l", "mention_id_r", "match_weight", "pair_id"]])
        if eligible is not None:
            con.register("karez_eligible", pd.DataFrame({"mention": pd.Series(list(eligible), dtype=object)}))
        query = _CHOOSE.format(eligible="AND mention IN (SELECT mention FROM karez_eligible)" if eligible is not None else "")
        best = con.execute(
            query, {"floor": float(floor), "min_weight": float(min_weight), "min_size": int(min_person_size)}
        ).df()
    if best.empty:
        return pd.DataFrame(columns=columns)
    second = best["second"].astype(float).fillna(floor).clip(lower=floor)
    best = best.assign(margin=best["weight"].astype(float) - second)
    chosen = best[best["margin"] >= margin].sort_values("mention", kind="stable")
    if chosen.empty:
        return pd.DataFrame(columns=columns)
    return chosen_pairs(pairs, chosen)


CHOSEN_COLUMNS = ["mention_id_l", "mention_id_r", "pair_id", "match_probability", "margin"]


def chosen_pairs(pairs: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    """The rows of `pairs` an assignment step chose (`chosen`: `pair_id` and `margin`, in
    mention order), as `CHOSEN_COLUMNS`, largest margin first, ties by pair id. Two
    mentions may choose each other: one pair, made once (the first row, the smaller
    mention's)."""
    by_id = pairs.set_index("pair_id")
    out = by_id.loc[chosen["pair_id"].to_numpy(), ["mention_id_l", "mention_id_r", "match_probability"]]
    out = out.reset_index().assign(margin=np.round(chosen["margin"].to_numpy(dtype=float), 3))
    out = out.drop_duplicates("pair_id")
    out = out.assign(_neg=-out["margin"]).sort_values(["_neg", "pair_id"], kind="stable").drop(columns="_neg")
    return out[CHOSEN_COLUMNS].reset_index(drop=True)

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
    columns = ["mention_id_l", "mention_id_r", "pair_id", "match_probability", "margin"]
    if pairs.empty:
        return pd.DataFrame(columns=columns)
    sizes = pd.Series(list(person_of.values())).value_counts()
    alone = {mention for mention, person in person_of.items() if sizes[person] == 1}
    if eligible is not None:
        alone &= set(eligible)
    usable = pairs[pairs["match_weight"] >= floor]
    sides = []
    for side, other in (("l", "r"), ("r", "l")):
        part = usable[usable[f"mention_id_{side}"].isin(alone)]
        sides.append(
            pd.DataFrame(
                {
                    "mention": part[f"mention_id_{side}"].to_numpy(),
                    "person": part[f"mention_id_{other}"].map(person_of).to_numpy(),
                    "weight": part["match_weight"].to_numpy(dtype=float),
                    "pair_id": part["pair_id"].to_numpy(),
                }
            )
        )
    candidates = pd.concat(sides, ignore_index=True).dropna(subset=["person"])
    if candidates.empty:
        return pd.DataFrame(columns=columns)
    # the strongest pair into each candidate person (ties by pair id, for stable results)
    candidates = candidates.sort_values(["mention", "person", "weight", "pair_id"], ascending=[True, True, False, True])
    per_person = candidates.drop_duplicates(["mention", "person"])
    per_person = per_person.sort_values(["mention", "weight", "pair_id"], ascending=[True, False, True])
    rank = per_person.groupby("mention").cumcount().to_numpy()
    best = per_person[rank == 0].set_index("mention")
    runner_up = per_person[rank == 1].set_index("mention")["weight"]
    second = runner_up.reindex(best.index).fillna(floor).clip(lower=floor)
    best = best.assign(margin=best["weight"] - second)
    large_enough = best["person"].map(sizes).to_numpy() >= min_person_size
    chosen = best[(best["weight"] >= min_weight) & (best["margin"] >= margin) & large_enough]
    if chosen.empty:
        return pd.DataFrame(columns=columns)
    by_id = pairs.set_index("pair_id")
    out = by_id.loc[chosen["pair_id"].to_numpy(), ["mention_id_l", "mention_id_r", "match_probability"]]
    out = out.reset_index().assign(margin=np.round(chosen["margin"].to_numpy(dtype=float), 3))
    # two alone mentions may choose each other: one pair, made once
    out = out.drop_duplicates("pair_id")
    out = out.assign(_neg=-out["margin"]).sort_values(["_neg", "pair_id"], kind="stable").drop(columns="_neg")
    return out[columns].reset_index(drop=True)

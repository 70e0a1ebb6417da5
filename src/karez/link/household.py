"""Relatives inside linked records: once two records are known to name one person, the
other people they name are looked for among each other.

A testimony names two people: the missing person and the witness (their brother, say). A
list row names the internee and, in its family cell, six or eight relatives. When the
testimony's missing person is already linked to the list row's internee, or to one of the
relatives of another row, the question for the witness is no longer "which of the case's
150,000 mentions is this?", against a prior of one in 100,000, but "which of these eight
people, if any, is this?" (Bhattacharya and Getoor's collective entity resolution: the
links of the people around a mention are evidence for its own). The pairwise model cannot
ask that: its prior is the case's, and a witness (a Latin name, no birth date, no ID
number) carries 8-10 bits about themself, never enough.

So, for each mention of a person without an ID number (the ID number settles a person on
its own: on the large testbed, moving mentions of persons that held one joined namesakes
born on one day) in a record linked to another record through some other person, the
candidates are the persons of the other record's mentions. They are weighed only by what
the two mentions say about the person (name, sex, birth, ID number: `personal_weight`), not
by the village or the other people named, which the linked records share whoever is who.
The best is chosen when it reaches `min_weight` and beats the runner-up in the linked
records by `margin` bits, and when, among the people of the mention's own record, the
chosen relative is most like this mention by the same margin: one to one within the two
records (two brothers of like names in a family cell leave a witness to the reviewer, and a
relative does not take a witness whom another of the testimony's people resembles as
much). Kinship must agree where both records state it: the witness is the missing person's
brother, so their person in the list row must be, as far as the family cell says, the
internee's brother when the internee is the missing person, or the internee's brother when
the missing person is the internee's sister, and so on (`KIN_COMPOSITION`).

The candidates are the pairs `household_assignments` is given: the pipeline adds to the
pairs blocking made the pairs of `linked_mentions`, scored under `LINKED_RECORDS`, so a
witness whose name no blocking key brings near the row's reading is still weighed. Records
of one mention (a register row) and of more than `MAX_RECORD_MENTIONS` take no part, and a
mention whose person already holds a mention of the other record is left alone.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from karez.link.model import BlockingRule

# Chosen on the medium testbed (seed 7) and checked on the small ones; docs/linkage.md.
HOUSEHOLD_MIN_WEIGHT = 6.0  # bits the person's own fields must give (a given and a father's name alike)
HOUSEHOLD_MARGIN = 3.0  # bits over the runner-up among the linked records' people
HOUSEHOLD_FLOOR = -60.0  # the step scores its own candidates: keep them all, however weak
NO_RIVAL = 20.0  # the margin of a best candidate with no runner-up: a sure one, not an infinite one
MAX_RECORD_MENTIONS = 40  # records naming more people are registers' pages, not families
MEMORY_LIMIT = "2GB"

# The coded relationships (karez.ingest) as kinship: what the mention is to the one its
# relation points to.
KIN = {
    "father": "parent", "mother": "parent",
    "son": "child", "daughter": "child",
    "brother": "sibling", "sister": "sibling",
    "spouse": "spouse",
}
INVERSE = {"parent": "child", "child": "parent", "sibling": "sibling", "spouse": "spouse"}
# (x's kin to h, h's kin to b) -> x's kin to b, where that is a relation a family cell
# names; anything further (an uncle, a grandchild, an in-law) is 'other'
KIN_COMPOSITION = {
    ("sibling", "sibling"): "sibling",  # or x is b: two mentions of one record never join
    ("sibling", "child"): "child",
    ("parent", "sibling"): "parent",
    ("parent", "child"): "spouse",  # x and b are both h's parents
    ("child", "parent"): "sibling",
    ("child", "spouse"): "child",
    ("spouse", "parent"): "parent",
}

# The mentions of records that name two to `$max_mentions` people (`ms`), each with its
# person, and whether it may move (`eligible`: its person holds no ID number), and which
# persons each record holds (`held`): what both queries below start from.
_PEOPLE = """
WITH m0 AS (
    SELECT f.mention_id, f.record_id, f.eligible, f.kin_to, f.kin, p.person
    FROM karez_frame f JOIN karez_persons p ON p.mention = f.mention_id
),
m AS (  -- a person that holds an ID number is settled by it: none of its mentions moves
    SELECT m0.* REPLACE (bool_and(m0.eligible) OVER (PARTITION BY m0.person) AS eligible) FROM m0
),
small AS (  -- records that name others besides the person: a register row names one
    SELECT record_id FROM m GROUP BY record_id HAVING count(*) BETWEEN 2 AND $max_mentions
),
ms AS (SELECT m.* FROM m JOIN small USING (record_id)),
held AS (SELECT DISTINCT person, record_id FROM ms),
"""

_CHOOSE = _PEOPLE + """
anchors AS (  -- a person named in two records links the two records through it
    SELECT a.mention_id AS a, a.record_id AS rec_a, a.kin_to AS a_to, a.kin AS a_kin,
           b.mention_id AS b, b.record_id AS rec_b, b.kin_to AS b_to, b.kin AS b_kin
    FROM ms a JOIN ms b ON a.person = b.person AND a.record_id <> b.record_id
),
candidates AS (
    SELECT x.mention_id AS mention, x.record_id AS record, x.person, x.eligible,
           y.mention_id AS other, y.person AS other_person,
           -- what x is to the linked person, on the one side, and what y is to it, on the other
           CASE WHEN x.kin_to = an.a THEN x.kin
                WHEN an.a_to = x.mention_id THEN inv(an.a_kin)
                WHEN x.kin_to IS NOT NULL AND x.kin_to = an.a_to THEN compose(x.kin, inv(an.a_kin)) END AS kin_x,
           CASE WHEN y.kin_to = an.b THEN y.kin
                WHEN an.b_to = y.mention_id THEN inv(an.b_kin)
                WHEN y.kin_to IS NOT NULL AND y.kin_to = an.b_to THEN compose(y.kin, inv(an.b_kin)) END AS kin_y
    FROM anchors an
    JOIN ms x ON x.record_id = an.rec_a AND x.mention_id <> an.a
    JOIN ms y ON y.record_id = an.rec_b AND y.mention_id <> an.b
    WHERE x.person <> y.person
      -- a person already named in the other record is placed there (and two mentions of
      -- one record are two people)
      AND NOT EXISTS (SELECT 1 FROM held h WHERE h.person = x.person AND h.record_id = an.rec_b)
      AND NOT EXISTS (SELECT 1 FROM held h WHERE h.person = y.person AND h.record_id = an.rec_a)
),
weighed AS (  -- each candidate pair once, with its weight; kinship must agree through every link
    SELECT c.mention, c.record, c.person, c.eligible, c.other, c.other_person,
           s.personal_weight AS weight, s.pair_id
    FROM candidates c
    JOIN karez_pairs s ON s.mention_id_l = least(c.mention, c.other) AND s.mention_id_r = greatest(c.mention, c.other)
    GROUP BY ALL
    HAVING bool_and(c.kin_x IS NULL OR c.kin_y IS NULL OR c.kin_x = c.kin_y)
),
by_person AS (  -- x's side: the strongest pair into each person of the linked records
    SELECT * FROM weighed
    QUALIFY row_number() OVER (PARTITION BY mention, other_person ORDER BY weight DESC, pair_id) = 1
),
ranked AS (
    SELECT *, row_number() OVER (PARTITION BY mention ORDER BY weight DESC, pair_id) AS rank
    FROM by_person QUALIFY rank <= 2
),
choice AS (  -- each mention's best person, and its margin over the runner-up
    SELECT best.*, best.weight - coalesce(runner_up.weight, best.weight - $no_rival) AS margin
    FROM ranked best LEFT JOIN ranked runner_up ON runner_up.mention = best.mention AND runner_up.rank = 2
    WHERE best.rank = 1
),
in_record AS (  -- y's side: among the people of x's record, whom y is most like
    SELECT other, record, mention, weight,
           row_number() OVER (PARTITION BY other, record ORDER BY weight DESC, pair_id) AS rank
    FROM weighed QUALIFY rank <= 2
),
reverse AS (
    SELECT best.other, best.record, best.mention,
           best.weight - coalesce(runner_up.weight, best.weight - $no_rival) AS margin
    FROM in_record best
    LEFT JOIN in_record runner_up ON runner_up.other = best.other AND runner_up.record = best.record
                                 AND runner_up.rank = 2
    WHERE best.rank = 1
)
-- one to one within the two records: x chooses y's person, and among x's record y is most
-- like x, each by the margin
SELECT x.mention, x.pair_id, x.weight, least(x.margin, r.margin) AS margin
FROM choice x JOIN reverse r ON r.other = x.other AND r.record = x.record AND r.mention = x.mention
WHERE x.eligible AND x.weight >= $min_weight AND x.margin >= $margin AND r.margin >= $margin
"""


_UNRESOLVED = _PEOPLE + """
linked AS (  -- two records that name one person
    SELECT DISTINCT a.record_id AS rec_a, b.record_id AS rec_b, a.person
    FROM ms a JOIN ms b ON a.person = b.person AND a.record_id <> b.record_id
),
open_x AS (  -- an eligible mention of one record whose person the other does not name yet
    SELECT l.rec_a, l.rec_b, x.mention_id
    FROM linked l JOIN ms x ON x.record_id = l.rec_a AND x.person <> l.person AND x.eligible
    WHERE NOT EXISTS (SELECT 1 FROM held h WHERE h.person = x.person AND h.record_id = l.rec_b)
),
open_y AS (  -- the other record's people not named in the first
    SELECT l.rec_a, l.rec_b, y.mention_id
    FROM linked l JOIN ms y ON y.record_id = l.rec_b AND y.person <> l.person
    WHERE NOT EXISTS (SELECT 1 FROM held h WHERE h.person = y.person AND h.record_id = l.rec_a)
),
sides AS (  -- both sides, keyed by the pair of records, where each has someone to look for
    SELECT o.mention_id, least(o.rec_a, o.rec_b) || '|' || greatest(o.rec_a, o.rec_b) AS link_key
    FROM open_x o WHERE EXISTS (SELECT 1 FROM open_y p WHERE p.rec_a = o.rec_a AND p.rec_b = o.rec_b)
    UNION
    SELECT p.mention_id, least(p.rec_a, p.rec_b) || '|' || greatest(p.rec_a, p.rec_b)
    FROM open_y p WHERE EXISTS (SELECT 1 FROM open_x o WHERE o.rec_a = p.rec_a AND o.rec_b = p.rec_b)
)
SELECT mention_id, list(DISTINCT link_key ORDER BY link_key) AS linked_records FROM sides GROUP BY mention_id
ORDER BY mention_id
"""

# the candidate pairs of the step: the people of two linked records, keyed by the pair
LINKED_RECORDS = BlockingRule("the people of two records linked through another person",
                              ("linked_records",), ("linked_records",))


def linked_mentions(person_of: Mapping[str, str], frame: pd.DataFrame,
                    max_record_mentions: int = MAX_RECORD_MENTIONS) -> pd.DataFrame:
    """The rows of `frame` the step would weigh and that blocking may not have paired:
    each eligible mention of a record linked to another whose person that record does not
    name yet, and the people of the other record, with `linked_records` (the keys of the
    pairs of records, so that `LINKED_RECORDS` pairs exactly them). Empty when nothing is
    left to look for."""
    from karez.link.assign import persons_table
    from karez.link.engine import scratch_database

    with scratch_database(MEMORY_LIMIT) as con:
        con.register("karez_persons", persons_table(person_of))
        con.register("karez_frame", _step_table(frame))
        keys = con.execute(_UNRESOLVED, {"max_mentions": int(max_record_mentions)}).df()
    if keys.empty:
        return frame.iloc[0:0].assign(linked_records=pd.Series(dtype=object))
    sub = frame.merge(keys, on="mention_id", how="inner")
    sub["linked_records"] = [list(k) for k in sub["linked_records"]]
    return sub.reset_index(drop=True)


def _step_table(frame: pd.DataFrame) -> pd.DataFrame:
    kin = frame["kin"].map(KIN) if "kin" in frame.columns else pd.Series(None, index=frame.index)
    return pd.DataFrame({
        "mention_id": frame["mention_id"].to_numpy(dtype=object),
        "record_id": frame["record_id"].to_numpy(dtype=object),
        "eligible": frame["id_number"].isna().to_numpy(),
        "kin_to": (frame["kin_to"] if "kin_to" in frame.columns else pd.Series(None, index=frame.index))
        .to_numpy(dtype=object),
        "kin": kin.to_numpy(dtype=object),
    })


def _kin_macros(con: object) -> None:
    """`inv(kin)` and `compose(kin, kin)` as SQL macros over the tables above."""
    inverse = " ".join(f"WHEN k = '{a}' THEN '{b}'" for a, b in INVERSE.items())
    compose = " ".join(f"WHEN a = '{x}' AND b = '{y}' THEN '{z}'" for (x, y), z in KIN_COMPOSITION.items())
    con.execute(f"CREATE OR REPLACE TEMP MACRO inv(k) AS CASE WHEN k IS NULL THEN NULL {inverse} ELSE 'other' END")  # type: ignore[attr-defined]
    con.execute(  # type: ignore[attr-defined]
        f"CREATE OR REPLACE TEMP MACRO compose(a, b) AS CASE WHEN a IS NULL OR b IS NULL THEN NULL {compose} "
        "ELSE 'other' END"
    )


def household_assignments(
    person_of: Mapping[str, str],
    pairs: pd.DataFrame,
    frame: pd.DataFrame,
    *,
    min_weight: float = HOUSEHOLD_MIN_WEIGHT,
    margin: float = HOUSEHOLD_MARGIN,
    max_record_mentions: int = MAX_RECORD_MENTIONS,
) -> pd.DataFrame:
    """The pairs by which a mention joins a person of a record linked to its own.

    `person_of` maps each mention to its person so far (`karez.link.cluster.Components`
    or a dict); `pairs` has `mention_id_l`, `mention_id_r`, `personal_weight`,
    `match_probability` and `pair_id`; `frame` has `mention_id`, `record_id`,
    `id_number`, `kin_to` and `kin` (the linkage frame). Returns the chosen pairs with
    `mention_id_l`, `mention_id_r`, `pair_id`, `match_probability` and `margin`, largest
    margin first, ties by pair id: the same inputs give the same rows.
    """
    from karez.link.assign import CHOSEN_COLUMNS, chosen_pairs, persons_table
    from karez.link.engine import scratch_database

    if pairs.empty or "personal_weight" not in pairs.columns:
        return pd.DataFrame(columns=CHOSEN_COLUMNS)
    table = _step_table(frame)
    usable = pairs[["mention_id_l", "mention_id_r", "personal_weight", "pair_id"]]
    with scratch_database(MEMORY_LIMIT) as con:
        _kin_macros(con)
        con.register("karez_persons", persons_table(person_of))
        con.register("karez_frame", table)
        con.register("karez_pairs", usable)
        chosen = con.execute(_CHOOSE, {"min_weight": float(min_weight), "margin": float(margin),
                                       "no_rival": NO_RIVAL, "max_mentions": int(max_record_mentions)}).df()
    if chosen.empty:
        return pd.DataFrame(columns=CHOSEN_COLUMNS)
    return chosen_pairs(pairs, chosen.sort_values("mention", kind="stable"))

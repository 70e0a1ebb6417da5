"""Who holds an ID number: one ID written with several people's names, and a person's parents
given different ID numbers in different rows.

Both checks look across the whole case, not one source at a time: a register, a list and a
status sheet that give one ID number to two different people cannot all be right, and the
sources that agree show which writing is the holder's. A clerk who copies a neighbour's number
into a row (or whose number is copied into another's) leaves exactly this trace.

Which name holds an ID number is decided by evidence, in this order: the stated birth date and
sex agree with the ones the number encodes (a row that states another birth date or sex was
written for someone else, and so is a 'mother' whose number has a man's sex digit), then the number of rows that give the name, then the writing itself
(only so that the result does not depend on row order). Writings of one name (阿不都 / 阿布都,
a missing father's name, another separator) count together, compared with the names stage.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import pandas as pd

from karez.store import Store
from karez.verify.checks import Check, Options
from karez.verify.consistency import (
    FEMALE_RELATIONSHIPS,
    MALE_RELATIONSHIPS,
    register_name_pairs,
    same_name,
)

# Evidence weights of one mention for the name it gives being the ID number's holder's. A birth
# date to the day that agrees is strong evidence (one day in some 30,000); a sex that agrees is
# weak (one in two). Disagreeing is evidence against: a row written for someone else.
BIRTH_AGREES, BIRTH_DISAGREES = 3, -3
SEX_AGREES, SEX_DISAGREES = 1, -2


def _clusters(names: list[str]) -> list[list[str]]:
    """Group writings that are one name (single linkage over the names stage's comparison)."""
    parent = list(range(len(names)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            if root(i) != root(j) and same_name(names[i], names[j]):
                parent[root(j)] = root(i)
    groups: dict[int, list[str]] = defaultdict(list)
    for i, name in enumerate(names):
        groups[root(i)].append(name)
    return list(groups.values())


def _rank(group: list[str], counts: dict[str, tuple[int, int]]) -> tuple[int, int]:
    """A group of writings' claim to an ID number: (evidence, mentions)."""
    return sum(counts[n][1] for n in group), sum(counts[n][0] for n in group)


def resolve_holders(rows: list[tuple[str, str, int, int]]) -> list[dict[str, Any]]:
    """For rows (id_number, name, mentions, evidence), say per (id_number, name) whether the
    name is the holder's (`holder`), the holder's usual writing (`holder_name`), and whether
    the evidence could not tell two people apart (`undecided`).

    The holder's group of writings has the most evidence, then the most mentions; two groups
    level on both are undecided and neither is taken as the holder.
    """
    by_id: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for id_number, name, mentions, evidence in rows:
        by_id[id_number].append((name, int(mentions), int(evidence)))
    out: list[dict[str, Any]] = []
    for id_number, entries in by_id.items():
        counts = {name: (mentions, evidence) for name, mentions, evidence in entries}
        groups = _clusters(sorted(counts))

        ranked = sorted(groups, key=lambda group, c=counts: _rank(group, c), reverse=True)
        undecided = len(ranked) > 1 and _rank(ranked[0], counts) == _rank(ranked[1], counts)
        holder = ranked[0]
        holder_name = max(holder, key=lambda n: (counts[n][0], n))
        for group in ranked:
            usual = max(group, key=lambda n: (counts[n][0], n))
            for name in group:
                out.append({
                    "id_clean": id_number,
                    "name": name,
                    "holder": group is holder and not undecided,
                    "holder_name": holder_name if not undecided else None,
                    "usual_writing": usual,
                    "others": [max(g, key=lambda n: (counts[n][0], n)) for g in ranked if g is not group],
                    "undecided": undecided,
                })
    return out


def prepare(store: Store, options: Options) -> None:
    """Decide the holder of every ID number written with more than one name, and gather each
    person's stated parents with their ID numbers."""
    birth_agrees = ("m.birth_date IS NOT NULL AND coalesce(m.birth_date_precision, 'day') = 'day' "
                    "AND m.birth_date = m.id_birth")
    birth_disagrees = ("m.birth_date IS NOT NULL AND coalesce(m.birth_date_precision, 'day') = 'day' "
                       "AND m.birth_date <> m.id_birth")
    rows = store.fetchall(
        f"""
        WITH several AS (
            SELECT id_clean FROM _v_mentions
            WHERE id_ok AND name IS NOT NULL
            GROUP BY id_clean HAVING count(DISTINCT name) > 1
        ), implied AS (
            -- the sex a stated relationship implies for the relative (father: a man)
            SELECT from_mention AS mention_id,
                   any_value(CASE WHEN relationship IN {MALE_RELATIONSHIPS} THEN 'M'
                                  WHEN relationship IN {FEMALE_RELATIONSHIPS} THEN 'F' END)
                       AS implied_sex
            FROM relations
            WHERE relationship IN {MALE_RELATIONSHIPS + FEMALE_RELATIONSHIPS}
            GROUP BY from_mention
        )
        SELECT m.id_clean, m.name, count(*) AS mentions,
               sum(CASE WHEN {birth_agrees} THEN {BIRTH_AGREES}
                        WHEN {birth_disagrees} THEN {BIRTH_DISAGREES} ELSE 0 END
                   + CASE WHEN coalesce(m.sex, i.implied_sex) = m.id_sex THEN {SEX_AGREES}
                          WHEN coalesce(m.sex, i.implied_sex) IN ('M', 'F') THEN {SEX_DISAGREES}
                          ELSE 0 END) AS evidence
        FROM _v_mentions m JOIN several USING (id_clean)
        LEFT JOIN implied i ON i.mention_id = m.mention_id
        WHERE m.id_ok AND m.name IS NOT NULL
        GROUP BY ALL
        """
    )
    verdicts = resolve_holders([(str(a), str(b), int(c), int(d)) for a, b, c, d in rows])
    frame = pd.DataFrame(
        verdicts,
        columns=["id_clean", "name", "holder", "holder_name", "usual_writing", "others", "undecided"],
    )
    frame["others"] = [" / ".join(o) if isinstance(o, list) else None for o in frame["others"]]
    frame = frame.astype({"id_clean": "string", "name": "string", "holder": "bool",
                          "holder_name": "string", "usual_writing": "string", "others": "string",
                          "undecided": "bool"})
    store.con.register("_v_holder_frame", frame)
    try:
        store.execute("CREATE OR REPLACE TEMP TABLE _v_id_holders AS SELECT * FROM _v_holder_frame")
    finally:
        store.con.unregister("_v_holder_frame")

    # Each stated parent link (child, father or mother) between two people with trustworthy IDs.
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE _v_parent_links AS
        WITH links AS (
            SELECT r.record_id, r.source_id, r.relationship,
                   CASE WHEN r.relationship IN ('father', 'mother') THEN r.from_mention
                        ELSE r.to_mention END AS parent_mention,
                   CASE WHEN r.relationship IN ('father', 'mother') THEN r.to_mention
                        ELSE r.from_mention END AS child_mention,
                   CASE WHEN r.relationship = 'father' THEN 'father'
                        WHEN r.relationship = 'mother' THEN 'mother'
                        WHEN coalesce(t.sex, CASE WHEN t.id_ok THEN t.id_sex END) = 'M' THEN 'father'
                        WHEN coalesce(t.sex, CASE WHEN t.id_ok THEN t.id_sex END) = 'F' THEN 'mother'
                   END AS parent_role
            FROM relations r
            JOIN _v_mentions t ON t.mention_id = r.to_mention
            WHERE r.relationship IN ('father', 'mother', 'son', 'daughter')
        ), identified AS (
            SELECT l.*, p.id_clean AS parent_id, p.name AS parent_name, p.id_number AS parent_written,
                   c.id_clean AS child_id, c.name AS child_name
            FROM links l
            JOIN _v_mentions p ON p.mention_id = l.parent_mention
            JOIN _v_mentions c ON c.mention_id = l.child_mention
            WHERE l.parent_role IS NOT NULL AND p.id_ok AND c.id_ok
              -- a mention whose number belongs to someone else is already reported
              -- (id_several_names); its relatives are not that number's holder's
              AND NOT EXISTS (SELECT 1 FROM _v_id_holders h
                              WHERE NOT h.holder AND NOT h.undecided
                                AND ((h.id_clean = c.id_clean AND h.name = c.name)
                                     OR (h.id_clean = p.id_clean AND h.name = p.name)))
        ), conflicting AS (
            SELECT child_id, parent_role FROM identified
            GROUP BY ALL HAVING count(DISTINCT parent_id) > 1
        ), counted AS (
            SELECT i.*, count(*) OVER (PARTITION BY i.child_id, i.parent_role, i.parent_id) AS links
            FROM identified i JOIN conflicting USING (child_id, parent_role)
        ), known AS (
            -- how often each parent ID number appears anywhere in the case: the tie-breaker
            SELECT id_clean AS parent_id, count(*) AS anywhere FROM _v_mentions
            WHERE id_ok AND id_clean IN (SELECT parent_id FROM counted) GROUP BY ALL
        ), ranked AS (
            SELECT c.*, k.anywhere,
                   arg_max(c.parent_id, (c.links, k.anywhere))
                       OVER (PARTITION BY c.child_id, c.parent_role) AS usual_parent_id,
                   arg_max(c.parent_name, (c.links, k.anywhere))
                       OVER (PARTITION BY c.child_id, c.parent_role) AS usual_parent_name,
                   max(c.links) OVER (PARTITION BY c.child_id, c.parent_role) AS usual_links
            FROM counted c JOIN known k USING (parent_id)
        )
        SELECT * FROM ranked
        """
    )
    pairs = store.fetchall(
        "SELECT DISTINCT parent_name, usual_parent_name FROM _v_parent_links "
        "WHERE parent_id <> usual_parent_id AND parent_name IS NOT NULL "
        "AND usual_parent_name IS NOT NULL"
    )
    register_name_pairs(store, "_v_parent_same", [(str(a), str(b)) for a, b in pairs])


def checks(options: Options) -> list[Check]:
    """The checks of who holds an ID number."""
    return [
        Check(
            name="id_several_names",
            family="consistency",
            title="One ID number is written with one person's name (across the case)",
            checked_sql="SELECT count(DISTINCT id_clean) FROM _v_mentions WHERE id_ok AND name IS NOT NULL",
            findings_sql="""
                SELECT m.mention_id, m.record_id, m.source_id,
                       CASE WHEN h.holder THEN 'info' ELSE 'warning' END, 'name',
                       json_object('id_number', m.id_number, 'name', m.name,
                                   'holder', h.holder_name, 'other_names', h.others),
                       CASE WHEN h.holder
                            THEN format('ID number {} is written {} here and {} elsewhere in the '
                                        'case: the same name in another writing', m.id_number,
                                        m.name, h.holder_name)
                            WHEN h.undecided
                            THEN format('ID number {} is given to {} here and to {} elsewhere in '
                                        'the case; the rows do not show which of them holds it',
                                        m.id_number, m.name, h.others)
                            ELSE format('ID number {} is given to {} here but belongs to {} by the '
                                        'other rows of the case (their names, birth dates and sex '
                                        'agree with the number): a number copied from another '
                                        'person, or a namesake''s', m.id_number, m.name,
                                        h.holder_name) END
                FROM _v_id_holders h
                JOIN _v_mentions m ON m.id_clean = h.id_clean AND m.name = h.name AND m.id_ok
                WHERE NOT h.holder OR m.name <> h.holder_name
            """,
        ),
        Check(
            name="parent_id",
            family="consistency",
            title="A person's father and mother carry the same ID numbers in every row (across the case)",
            checked_sql="""SELECT count(DISTINCT (child_id, parent_role)) FROM _v_parent_links""",
            findings_sql="""
                SELECT CASE WHEN s.same THEN l.parent_mention ELSE l.child_mention END,
                       l.record_id, l.source_id, 'warning', 'id_number',
                       json_object('person', l.child_name, 'person_id_number', l.child_id,
                                   'parent', l.parent_name, 'parent_role', l.parent_role,
                                   'parent_id_number', l.parent_id,
                                   'usual_parent', l.usual_parent_name,
                                   'usual_parent_id_number', l.usual_parent_id,
                                   'rows_with_usual_parent', l.usual_links),
                       CASE WHEN s.same
                            THEN format('{}, {} of {} (ID {}), carries ID number {} here but {} in {} '
                                        'other row(s): one of the numbers is miswritten or another '
                                        'person''s', l.parent_name, l.parent_role, l.child_name,
                                        l.child_id, l.parent_id, l.usual_parent_id, l.usual_links)
                            ELSE format('ID number {} is given here to {}, whose {} is {}; in {} other '
                                        'row(s) the holder of that number has {} {} (ID {}): the '
                                        'number may belong to another person', l.child_id,
                                        l.child_name, l.parent_role, l.parent_name, l.usual_links,
                                        l.parent_role, l.usual_parent_name, l.usual_parent_id) END
                FROM _v_parent_links l
                JOIN _v_parent_same s ON s.a = l.parent_name AND s.b = l.usual_parent_name
                -- no verdict when another parent number is as well attested as the usual one
                WHERE l.parent_id <> l.usual_parent_id
                  AND NOT EXISTS (SELECT 1 FROM _v_parent_links u
                                  WHERE u.child_id = l.child_id AND u.parent_role = l.parent_role
                                    AND u.parent_id = l.usual_parent_id
                                    AND u.links = l.links AND u.anywhere = l.anywhere)
            """,
        ),
    ]

"""Internal consistency: do the records agree with themselves?

* a person's father's-name part against the father named in the same record (Uyghur names are
  given name + father's given name, written in Chinese characters as 名·父名);
* the same ID number written with different names, and relatives written differently in
  different rows (the same ID, one name in another transcription: information);
* one name and birth date with several ID numbers;
* relationships stated differently in different rows, and relationships against stated sex;
* duplicate rows, and the same internee listed twice.

Names are compared with the names stage (`karez.names.similarity`), because clerks choose
freely between transcriptions of Uyghur syllables (阿不都 / 阿卜杜, 艾买提 / 艾合买提).
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from karez.store import Store
from karez.verify.checks import Check, Options

# Header texts of running-number columns, which differ between otherwise identical rows.
SEQUENCE_HEADERS = ("序号", "编号", "序", "No", "No.", "no", "#", "行号", "row", "Row")
MALE_RELATIONSHIPS = ("father", "son", "husband", "brother", "grandfather", "grandson", "uncle")
FEMALE_RELATIONSHIPS = ("mother", "daughter", "wife", "sister", "grandmother", "granddaughter", "aunt")


SAME_NAME = 0.8  # karez.names similarity from which two writings are taken as one name


@lru_cache(maxsize=200_000)
def sound_key(text: str) -> str:
    """How a name part sounds: toneless pinyin for Chinese characters, lower case otherwise."""
    try:
        from pypinyin import lazy_pinyin
    except ModuleNotFoundError:  # pragma: no cover - pypinyin is a declared dependency
        return text.strip().lower()
    return "".join(lazy_pinyin(text.strip())).lower().replace(" ", "")


def same_name(a: str, b: str) -> bool:
    """Whether two writings are one name: the names stage's comparison (it knows transcription
    variants such as 阿不都 / 阿卜杜 and 艾买提 / 艾合买提), else the same sound."""
    try:
        from karez.names.compare import similarity
    except ImportError:  # pragma: no cover - the names stage ships with karez
        return sound_key(a) == sound_key(b)
    return similarity(a, b) >= SAME_NAME


def _register_pairs(store: Store, table: str, pairs: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(
        {"a": [a for a, _ in pairs], "b": [b for _, b in pairs],
         "same": [same_name(a, b) for a, b in pairs]}
    ).astype({"a": "string", "b": "string", "same": "bool"})
    store.con.register("_v_pair_frame", frame)
    try:
        store.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM _v_pair_frame")
    finally:
        store.con.unregister("_v_pair_frame")


def prepare(store: Store, options: Options) -> None:
    """Compare the few name pairs the checks need, once per distinct pair."""
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE _v_father_pairs AS
        SELECT r.relation_id, r.record_id, r.source_id, r.relationship,
               parent.mention_id AS parent_mention, child.mention_id AS child_mention,
               parent.name AS parent_name, child.name AS child_name,
               parent.name_parts[1] AS parent_given, child.name_parts[-1] AS child_father_part
        FROM relations r
        JOIN _v_mentions f ON f.mention_id = r.from_mention
        JOIN _v_mentions t ON t.mention_id = r.to_mention
        -- 'father': the relative (from) is the father of the person (to);
        -- 'son'/'daughter' of a man: the person (to) is the father of the relative (from).
        JOIN _v_mentions parent ON parent.mention_id =
             CASE WHEN r.relationship = 'father' THEN f.mention_id ELSE t.mention_id END
        JOIN _v_mentions child ON child.mention_id =
             CASE WHEN r.relationship = 'father' THEN t.mention_id ELSE f.mention_id END
        WHERE (r.relationship = 'father'
               OR (r.relationship IN ('son', 'daughter') AND t.sex = 'M'))
          AND len(parent.name_parts) >= 2 AND len(child.name_parts) >= 2
        """
    )
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE _v_id_names AS
        WITH named AS (
            SELECT source_id, id_clean, name, count(*) AS n
            FROM _v_mentions
            WHERE id_form IN ('18', '15') AND name IS NOT NULL
              AND (source_id, id_clean) IN (
                  SELECT (source_id, id_clean) FROM _v_mentions
                  WHERE id_form IN ('18', '15') AND name IS NOT NULL
                  GROUP BY source_id, id_clean HAVING count(DISTINCT name) > 1)
            GROUP BY ALL
        )
        SELECT *,
               -- the usual writing is the reference; ties broken by the writing itself
               arg_max(name, (n, name)) OVER (PARTITION BY source_id, id_clean) AS usual_name,
               max(n) OVER (PARTITION BY source_id, id_clean) AS top_n
        FROM named
        """
    )
    pairs = store.fetchall(
        "SELECT DISTINCT parent_given, child_father_part FROM _v_father_pairs "
        "WHERE parent_given IS NOT NULL AND child_father_part IS NOT NULL "
        "UNION SELECT DISTINCT name, usual_name FROM _v_id_names WHERE name <> usual_name"
    )
    _register_pairs(store, "_v_same", [(a, b) for a, b in pairs])


def checks(options: Options) -> list[Check]:
    """The internal-consistency checks."""
    sequence_patch = "{" + ", ".join(f'"{h}": null' for h in SEQUENCE_HEADERS) + "}"
    return [
        Check(
            name="father_name",
            family="consistency",
            title="A person's father's-name part matches the father named in the same record",
            checked_sql="SELECT count(*) FROM _v_father_pairs",
            findings_sql="""
                SELECT p.child_mention, p.record_id, p.source_id, 'warning', 'name',
                       json_object('name', p.child_name, 'father_part', p.child_father_part,
                                   'father_named', p.parent_name, 'relationship', p.relationship),
                       format('{}''s father''s-name part {} does not match the father named in the '
                              'same record, {}', p.child_name, p.child_father_part, p.parent_name)
                FROM _v_father_pairs p
                JOIN _v_same s ON s.a = p.parent_given AND s.b = p.child_father_part
                WHERE NOT s.same
            """,
        ),
        Check(
            name="id_several_names",
            family="consistency",
            title="One ID number is written with one name (in each source)",
            checked_sql="""SELECT count(DISTINCT (source_id, id_clean)) FROM _v_mentions
                           WHERE id_form IN ('18', '15') AND name IS NOT NULL""",
            findings_sql="""
                SELECT m.mention_id, m.record_id, m.source_id,
                       CASE WHEN s.same THEN 'info' ELSE 'warning' END, 'name',
                       json_object('id_number', m.id_number, 'name', m.name,
                                   'usual_name', n.usual_name),
                       CASE WHEN s.same
                            THEN format('ID number {} is written {} here and {} elsewhere in this '
                                        'source: the same name in another writing', m.id_number,
                                        m.name, n.usual_name)
                            ELSE format('ID number {} is given to {} here and to {} elsewhere in '
                                        'this source', m.id_number, m.name, n.usual_name) END
                FROM _v_id_names n
                JOIN _v_same s ON s.a = n.name AND s.b = n.usual_name
                JOIN _v_mentions m ON m.source_id = n.source_id AND m.id_clean = n.id_clean
                                   AND m.name = n.name
                WHERE n.name <> n.usual_name
            """,
        ),
        Check(
            name="name_several_ids",
            family="consistency",
            title="One name and birth date carries one ID number (in each source)",
            checked_sql="""SELECT count(DISTINCT (source_id, name, birth_date)) FROM _v_mentions
                           WHERE id_form IN ('18', '15') AND name IS NOT NULL
                             AND birth_date IS NOT NULL AND birth_date_precision = 'day'""",
            findings_sql="""
                WITH groups AS (
                    SELECT source_id, name, birth_date, list(DISTINCT id_clean) AS ids
                    FROM _v_mentions
                    WHERE id_form IN ('18', '15') AND name IS NOT NULL
                      AND birth_date IS NOT NULL AND birth_date_precision = 'day'
                    GROUP BY ALL HAVING count(DISTINCT id_clean) > 1
                )
                SELECT m.mention_id, m.record_id, m.source_id, 'info', 'id_number',
                       json_object('name', m.name, 'birth_date', m.birth_date, 'id_numbers', g.ids),
                       format('{} born {} appears with {} different ID numbers in this source: '
                              'namesakes, or one person with a miswritten number',
                              m.name, m.birth_date, len(g.ids))
                FROM groups g JOIN _v_mentions m USING (source_id, name, birth_date)
                WHERE m.id_form IN ('18', '15')
            """,
        ),
        Check(
            name="relationship_conflict",
            family="consistency",
            title="Two people identified by ID number have the same stated relationship in every row",
            checked_sql="SELECT count(*) FROM relations",
            findings_sql="""
                WITH pairs AS (
                    SELECT r.*, f.id_clean AS from_id, t.id_clean AS to_id
                    FROM relations r
                    JOIN _v_mentions f ON f.mention_id = r.from_mention
                    JOIN _v_mentions t ON t.mention_id = r.to_mention
                    WHERE f.id_form IN ('18', '15') AND t.id_form IN ('18', '15')
                      AND r.relationship IS NOT NULL
                ), counted AS (
                    SELECT *, count(*) OVER (PARTITION BY source_id, from_id, to_id, relationship) AS n,
                           count(*) OVER (PARTITION BY source_id, from_id, to_id) AS total
                    FROM pairs
                ), ranked AS (
                    SELECT *, max(n) OVER (PARTITION BY source_id, from_id, to_id) AS top_n,
                           arg_max(relationship, n) OVER (PARTITION BY source_id, from_id, to_id) AS usual
                    FROM counted WHERE n < total
                )
                SELECT from_mention, record_id, source_id, 'warning', 'relationship',
                       json_object('relationship', relationship, 'as_written', relationship_text,
                                   'usual', usual, 'from_id', from_id, 'to_id', to_id),
                       format('the relationship between ID numbers {} and {} is {} here but {} '
                              'in other rows', from_id, to_id, relationship, usual)
                FROM ranked WHERE n < top_n OR relationship <> usual
            """,
        ),
        Check(
            name="relationship_sex",
            family="consistency",
            title="A stated relationship (father, mother, son, daughter...) agrees with the relative's sex (stated, or the ID number's sex digit)",
            checked_sql="""SELECT count(*) FROM relations r JOIN _v_mentions f
                           ON f.mention_id = r.from_mention
                           WHERE coalesce(f.sex, f.id_sex) IN ('M', 'F')""",
            findings_sql=f"""
                SELECT r.from_mention, r.record_id, r.source_id, 'warning',
                       CASE WHEN f.sex IN ('M', 'F') THEN 'sex' ELSE 'id_number' END,
                       json_object('relationship', r.relationship, 'as_written', r.relationship_text,
                                   'stated_sex', f.sex, 'id_number', f.id_number,
                                   'id_sex', f.id_sex, 'name', f.name),
                       format('{{}} is named as {{}} ({{}}) but {{}} a {{}}',
                              f.name, r.relationship, r.relationship_text,
                              CASE WHEN f.sex IN ('M', 'F') THEN 'the record states'
                                   ELSE 'ID number ' || f.id_number || ' is that of' END,
                              CASE coalesce(f.sex, f.id_sex) WHEN 'M' THEN 'man' ELSE 'woman' END)
                FROM relations r JOIN _v_mentions f ON f.mention_id = r.from_mention
                WHERE (r.relationship IN {MALE_RELATIONSHIPS} AND coalesce(f.sex, f.id_sex) = 'F')
                   OR (r.relationship IN {FEMALE_RELATIONSHIPS} AND coalesce(f.sex, f.id_sex) = 'M')
            """,
        ),
        Check(
            name="parent_child_age",
            family="consistency",
            title="Parents are born 12 to 65 years before their children (birth dates or ID numbers)",
            checked_sql="""SELECT count(*) FROM relations r
                           JOIN _v_mentions f ON f.mention_id = r.from_mention
                           JOIN _v_mentions t ON t.mention_id = r.to_mention
                           WHERE r.relationship IN ('father', 'mother', 'son', 'daughter')
                             AND coalesce(f.birth_date, f.id_birth) IS NOT NULL
                             AND coalesce(t.birth_date, t.id_birth) IS NOT NULL""",
            findings_sql="""
                WITH pairs AS (
                    SELECT r.*, f.name AS relative_name, t.name AS person_name,
                           f.id_number AS relative_id,
                           year(coalesce(f.birth_date, f.id_birth)) AS relative_year,
                           year(coalesce(t.birth_date, t.id_birth)) AS person_year,
                           CASE WHEN r.relationship IN ('father', 'mother')
                                THEN year(coalesce(t.birth_date, t.id_birth))
                                     - year(coalesce(f.birth_date, f.id_birth))
                                ELSE year(coalesce(f.birth_date, f.id_birth))
                                     - year(coalesce(t.birth_date, t.id_birth)) END AS gap
                    FROM relations r
                    JOIN _v_mentions f ON f.mention_id = r.from_mention
                    JOIN _v_mentions t ON t.mention_id = r.to_mention
                    WHERE r.relationship IN ('father', 'mother', 'son', 'daughter')
                )
                SELECT from_mention, record_id, source_id, 'warning', 'birth_date',
                       json_object('relationship', relationship, 'relative', relative_name,
                                   'relative_id', relative_id, 'relative_birth_year', relative_year,
                                   'person', person_name, 'person_birth_year', person_year),
                       format('{}, named as {} of {}, was born in {} and {} in {}: a '
                              'parent-child gap of {} years', relative_name, relationship,
                              person_name, relative_year, person_name, person_year, gap)
                FROM pairs WHERE gap < 12 OR gap > 65
            """,
        ),
        Check(
            name="duplicate_row",
            family="consistency",
            title="No row repeats another row of the same source (running numbers aside)",
            checked_sql="SELECT count(*) FROM records WHERE cells IS NOT NULL",
            findings_sql=f"""
                WITH cut AS (
                    SELECT r.record_id, r.source_id, v.locator, v.row_number, v.page, v.sheet,
                           json_merge_patch(r.cells, '{sequence_patch}')::VARCHAR AS remaining
                    FROM records r JOIN _v_records v USING (record_id)
                    WHERE r.cells IS NOT NULL
                ), keyed AS (
                    SELECT * EXCLUDE (remaining), md5(remaining) AS content FROM cut
                    WHERE remaining NOT IN ('{{}}', 'null')  -- nothing but a running number
                ), ordered AS (
                    SELECT *, row_number() OVER w AS nth, first_value(locator) OVER w AS first_locator
                    FROM keyed
                    WINDOW w AS (PARTITION BY source_id, content
                                 ORDER BY sheet NULLS FIRST, page NULLS FIRST, row_number, record_id)
                )
                SELECT NULL, record_id, source_id, 'warning', 'row',
                       json_object('same_as', first_locator),
                       format('this row repeats {{}} cell for cell', first_locator)
                FROM ordered WHERE nth > 1
            """,
        ),
        Check(
            name="person_listed_twice",
            family="consistency",
            title="An internee (subject) is listed once per source",
            checked_sql="SELECT count(*) FROM _v_mentions WHERE role = 'subject' AND id_form IN ('18', '15')",
            findings_sql="""
                WITH ordered AS (
                    SELECT m.*, v.locator,
                           row_number() OVER w AS nth, first_value(v.locator) OVER w AS first_locator
                    FROM _v_mentions m JOIN _v_records v USING (record_id)
                    WHERE m.role = 'subject' AND m.id_form IN ('18', '15')
                    WINDOW w AS (PARTITION BY m.source_id, m.id_clean, m.name
                                 ORDER BY v.sheet NULLS FIRST, v.page NULLS FIRST, v.row_number,
                                          m.record_id)
                )
                SELECT mention_id, record_id, source_id, 'warning', 'row',
                       json_object('name', name, 'id_number', id_number, 'same_as', first_locator),
                       format('{} ({}) is listed again; first at {}', name, id_number, first_locator)
                FROM ordered WHERE nth > 1
            """,
        ),
    ]

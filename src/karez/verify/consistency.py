"""Internal consistency: do the records agree with themselves?

* a person's father's-name part against the father named in the same record (Uyghur names are
  given name + father's given name, written in Chinese characters as 名·父名); when the
  father's name reads right only with its parts the other way round, the father's name is the
  one written out of order, and the finding is his;
* one name and birth date with several ID numbers (who holds an ID number written with several
  names is decided across the case in `karez.verify.identity`);
* relationships stated differently in different rows, and relationships against stated sex;
* duplicate rows, and the same internee (one ID number, one name in any writing) listed twice.

Names are compared with the names stage (`karez.names.similarity`), because clerks choose
freely between transcriptions of Uyghur syllables (阿不都 / 阿卜杜, 艾买提 / 艾合买提).
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from karez.store import Store
from karez.verify.checks import NAME_SEPARATORS, Check, Options

# Header texts of running-number columns, which differ between otherwise identical rows.
SEQUENCE_HEADERS = ("序号", "编号", "序", "No", "No.", "no", "#", "行号", "row", "Row")
MALE_RELATIONSHIPS = ("father", "son", "husband", "brother", "grandfather", "grandson", "uncle")
FEMALE_RELATIONSHIPS = ("mother", "daughter", "wife", "sister", "grandmother", "granddaughter", "aunt")
# A sex-neutral 'spouse' still says the relative's sex in the words the record used (妻子 is a
# wife): those words count as the relationship's sex.
WIFE_WORDS = ("妻子", "妻", "老婆", "wife")
HUSBAND_WORDS = ("丈夫", "老公", "husband")


def relationship_sex_sql(alias: str) -> str:
    """SQL for the sex ('M', 'F' or NULL) that relation `alias` implies for its relative: from
    the relationship, else, for a spouse, from the word the record used."""
    return (f"CASE WHEN {alias}.relationship IN {MALE_RELATIONSHIPS} THEN 'M' "
            f"WHEN {alias}.relationship IN {FEMALE_RELATIONSHIPS} THEN 'F' "
            f"WHEN {alias}.relationship = 'spouse' AND lower(trim({alias}.relationship_text)) "
            f"IN {WIFE_WORDS} THEN 'F' "
            f"WHEN {alias}.relationship = 'spouse' AND lower(trim({alias}.relationship_text)) "
            f"IN {HUSBAND_WORDS} THEN 'M' END")


_SEPARATORS = re.compile(NAME_SEPARATORS)

SAME_NAME = 0.8  # karez.names similarity from which two writings are taken as one name
# A father's-name part against the father's given name: one part, no other evidence, and a
# false alarm costs a reader's trust, so the looser bar. On the testbed lexicon's given names,
# 0.65 joins all but a few writings of one name (艾山 / 海森 0.69, 玉散 / 胡赛因 0.68) while
# about 4 % of pairs of different names pass it: a wrong father's name is then missed, not
# invented.
SAME_PART = 0.65


@lru_cache(maxsize=200_000)
def sound_key(text: str) -> str:
    """How a name part sounds: toneless pinyin for Chinese characters, lower case otherwise."""
    try:
        from pypinyin import lazy_pinyin
    except ModuleNotFoundError:  # pragma: no cover - pypinyin is a declared dependency
        return text.strip().lower()
    return "".join(lazy_pinyin(text.strip())).lower().replace(" ", "")


def name_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two writings: 1.0 when they differ only in the separators between
    parts (阿不都热依木·孜亚 / 阿不都热依木孜亚), else the names stage's comparison (it knows
    transcription variants such as 阿不都 / 阿卜杜 and 艾买提 / 艾合买提), else 1.0 for the
    same sound and 0.0 otherwise. Symmetric, and cached: several checks ask about one pair,
    in either order."""
    return _pair_similarity(a, b) if a <= b else _pair_similarity(b, a)


@lru_cache(maxsize=1_000_000)
def _pair_similarity(a: str, b: str) -> float:
    if _SEPARATORS.sub("", a) == _SEPARATORS.sub("", b):
        return 1.0
    try:
        from karez.names.compare import similarity
    except ImportError:  # pragma: no cover - the names stage ships with karez
        return 1.0 if sound_key(a) == sound_key(b) else 0.0
    return float(similarity(a, b))


def same_name(a: str, b: str) -> bool:
    """Whether two writings are one name (similarity at least SAME_NAME)."""
    return name_similarity(a, b) >= SAME_NAME


def register_name_pairs(store: Store, table: str, pairs: list[tuple[str, str]]) -> None:
    """Create temp table `table` (a, b, score, same, same_part): each pair of writings'
    similarity, whether they are one name, and whether, as single name parts, they may be
    (the looser SAME_PART)."""
    scores = [name_similarity(a, b) for a, b in pairs]
    frame = pd.DataFrame(
        {"a": [a for a, _ in pairs], "b": [b for _, b in pairs], "score": scores,
         "same": [score >= SAME_NAME for score in scores],
         "same_part": [score >= SAME_PART for score in scores]}
    ).astype({"a": "string", "b": "string", "score": "float64", "same": "bool", "same_part": "bool"})
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
               parent.name_parts[1] AS parent_given, parent.name_parts[-1] AS parent_last,
               child.name_parts[1] AS child_given, child.name_parts[-1] AS child_father_part
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
    # Internees listed again in the same source: one ID number, in source row order.
    store.execute(
        """
        CREATE OR REPLACE TEMP TABLE _v_listed_again AS
        WITH again AS (
            SELECT source_id, id_clean FROM _v_mentions
            WHERE role = 'subject' AND id_ok
            GROUP BY ALL HAVING count(*) > 1
        ), ordered AS (
            SELECT m.mention_id, m.record_id, m.source_id, m.name, m.id_number, v.locator,
                   row_number() OVER w AS nth, first_value(v.locator) OVER w AS first_locator,
                   first_value(m.name) OVER w AS first_name
            FROM _v_mentions m JOIN again USING (source_id, id_clean)
            JOIN _v_records v ON v.record_id = m.record_id
            WHERE m.role = 'subject' AND m.id_ok
            WINDOW w AS (PARTITION BY m.source_id, m.id_clean
                         ORDER BY v.sheet NULLS FIRST, v.page NULLS FIRST, v.row_number,
                                  m.record_id)
        )
        SELECT * FROM ordered WHERE nth > 1
        """
    )
    pairs = store.fetchall(
        """
        SELECT a, b FROM (
            SELECT parent_given AS a, child_father_part AS b FROM _v_father_pairs
            UNION SELECT parent_last, child_father_part FROM _v_father_pairs
            UNION SELECT child_given, parent_given FROM _v_father_pairs
            UNION SELECT name, first_name FROM _v_listed_again
        ) WHERE a IS NOT NULL AND b IS NOT NULL
        """
    )
    register_name_pairs(store, "_v_same", [(str(a), str(b)) for a, b in pairs])


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
                WITH judged AS (
                    SELECT p.*, given.same_part AS agrees,
                           -- the father's name reads right only with its parts swapped
                           NOT given.same_part AND last.same AS father_swapped,
                           -- the person's own name has the father's name first
                           NOT given.same_part AND NOT last.same AND own.same AS person_swapped
                    FROM _v_father_pairs p
                    JOIN _v_same given ON given.a = p.parent_given AND given.b = p.child_father_part
                    JOIN _v_same last ON last.a = p.parent_last AND last.b = p.child_father_part
                    JOIN _v_same own ON own.a = p.child_given AND own.b = p.parent_given
                )
                SELECT parent_mention, any_value(record_id), any_value(source_id), 'warning', 'name',
                       json_object('father_named', any_value(parent_name),
                                   'children', list(DISTINCT child_name ORDER BY child_name)),
                       format('the father''s name {} is written with its parts the other way round: '
                              'his children in the same record are named {} (given name, then '
                              'the father''s)', any_value(parent_name),
                              string_agg(DISTINCT child_name, ', ' ORDER BY child_name))
                FROM judged WHERE father_swapped
                GROUP BY parent_mention
                UNION ALL
                SELECT child_mention, record_id, source_id, 'warning', 'name',
                       json_object('name', child_name, 'father_part', child_father_part,
                                   'father_named', parent_name, 'relationship', relationship),
                       CASE WHEN person_swapped
                            THEN format('{} is written with the father''s name first: the father '
                                        'named in the same record is {}', child_name, parent_name)
                            ELSE format('{}''s father''s-name part {} does not match the father '
                                        'named in the same record, {}', child_name,
                                        child_father_part, parent_name) END
                FROM judged WHERE NOT agrees AND NOT father_swapped
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
                WHERE ({relationship_sex_sql('r')}) <> coalesce(f.sex, f.id_sex)
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
                             AND coalesce(f.birth_date, CASE WHEN f.id_ok THEN f.id_birth END) IS NOT NULL
                             AND coalesce(t.birth_date, CASE WHEN t.id_ok THEN t.id_birth END) IS NOT NULL""",
            findings_sql="""
                WITH births AS (
                    -- a stated birth date, else the one in a trustworthy ID number (a miswritten
                    -- number is flagged on its own mention and must not accuse the relatives)
                    SELECT mention_id, name, id_number,
                           year(coalesce(birth_date, CASE WHEN id_ok THEN id_birth END)) AS born
                    FROM _v_mentions
                    -- nor a number that the person's own stated age or birth date contradicts
                    -- (the dates checks, run before this one, flagged it on the person)
                    WHERE mention_id NOT IN (
                        SELECT mention_id FROM verify_findings
                        WHERE check_name IN ('age_vs_birth_date', 'birth_date_vs_id')
                          AND mention_id IS NOT NULL)
                ), pairs AS (
                    SELECT r.*, f.name AS relative_name, t.name AS person_name,
                           f.id_number AS relative_id,
                           f.born AS relative_year, t.born AS person_year,
                           CASE WHEN r.relationship IN ('father', 'mother') THEN t.born - f.born
                                ELSE f.born - t.born END AS gap
                    FROM relations r
                    JOIN births f ON f.mention_id = r.from_mention
                    JOIN births t ON t.mention_id = r.to_mention
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
            name="sibling_age",
            family="consistency",
            title="A brother or sister could be a child of the person's father or mother (birth dates or ID numbers)",
            checked_sql="""SELECT count(*) FROM relations r
                           WHERE r.relationship IN ('brother', 'sister')""",
            findings_sql="""
                WITH births AS (
                    -- as for parent_child_age: stated birth dates, else trustworthy ID numbers
                    -- that the person's own age or birth date does not contradict
                    SELECT mention_id, name, id_number,
                           year(coalesce(birth_date, CASE WHEN id_ok THEN id_birth END)) AS born
                    FROM _v_mentions
                    WHERE mention_id NOT IN (
                        SELECT mention_id FROM verify_findings
                        WHERE check_name IN ('age_vs_birth_date', 'birth_date_vs_id',
                                             'parent_child_age')
                          AND mention_id IS NOT NULL)
                ), parents AS (
                    SELECT r.to_mention AS person,
                           max(CASE WHEN r.relationship = 'father' THEN p.born END) AS father_year,
                           max(CASE WHEN r.relationship = 'mother' THEN p.born END) AS mother_year,
                           count(DISTINCT r.relationship) AS stated
                    FROM relations r JOIN births p ON p.mention_id = r.from_mention
                    WHERE r.relationship IN ('father', 'mother')
                    GROUP BY ALL
                    -- one parent each: a person with two stated fathers is another finding
                    HAVING count(*) = 2
                )
                SELECT r.from_mention, r.record_id, r.source_id, 'warning', 'birth_date',
                       json_object('relationship', r.relationship, 'sibling', s.name,
                                   'sibling_id', s.id_number, 'sibling_birth_year', s.born,
                                   'father_birth_year', p.father_year,
                                   'mother_birth_year', p.mother_year),
                       format('{}, named as {}, was born in {}, when the stated father (born {}) '
                              'was {} and the stated mother (born {}) was {}: a child of '
                              'neither, so the birth date or ID number may be another person''s',
                              s.name, r.relationship, s.born, p.father_year,
                              s.born - p.father_year, p.mother_year, s.born - p.mother_year)
                FROM relations r
                JOIN births s ON s.mention_id = r.from_mention
                JOIN parents p ON p.person = r.to_mention
                WHERE r.relationship IN ('brother', 'sister') AND p.stated = 2
                  AND s.born IS NOT NULL AND p.father_year IS NOT NULL
                  AND p.mother_year IS NOT NULL
                  -- a half-sibling shares one parent, so only a birth outside both parents'
                  -- childbearing years says the sibling's date is wrong: a father 12 to 65,
                  -- a mother 12 to 55 (natural births after 55 are all but unknown)
                  AND (s.born - p.father_year NOT BETWEEN 12 AND 65)
                  AND (s.born - p.mother_year NOT BETWEEN 12 AND 55)
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
            title="An internee (subject) is listed once per source (one ID number, one name in any writing)",
            checked_sql="SELECT count(*) FROM _v_mentions WHERE role = 'subject' AND id_ok",
            findings_sql="""
                SELECT l.mention_id, l.record_id, l.source_id, 'warning', 'row',
                       json_object('name', l.name, 'id_number', l.id_number,
                                   'same_as', l.first_locator, 'name_there', l.first_name),
                       format('{} ({}) is listed again; first at {}{}', l.name, l.id_number,
                              l.first_locator,
                              CASE WHEN l.name <> l.first_name THEN ', written ' || l.first_name
                                   ELSE '' END)
                FROM _v_listed_again l
                LEFT JOIN _v_same s ON s.a = l.name AND s.b = l.first_name
                -- two different names on one number are a question of who holds it
                -- (id_several_names), not a repeated row
                WHERE l.name = l.first_name OR s.same
            """,
        ),
    ]

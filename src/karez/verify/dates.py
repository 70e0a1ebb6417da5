"""Dates and ages: birth date against the ID number, stated age against birth date, the order
of events, and dates outside the document's period.

Chinese records often state the nominal age (虚岁): one at birth and one more each lunar new
year, so it runs one or two years above the full age. Dates may be known only to the month or
year (`*_precision`); two dates are compared at the coarser of their precisions, so "2017-05"
is never "before" 2017-05-20.
"""

from __future__ import annotations

from karez.store import Store
from karez.verify.checks import Check, Options


def _truncated(column: str, precision: str, other_precision: str) -> str:
    """SQL for `column` cut to the coarser of two precisions (day | month | year)."""
    return (
        f"CASE WHEN 'year' IN ({precision}, {other_precision}) THEN date_trunc('year', {column}) "
        f"WHEN 'month' IN ({precision}, {other_precision}) THEN date_trunc('month', {column}) "
        f"ELSE {column} END"
    )


def _before(a: str, a_precision: str, b: str, b_precision: str) -> str:
    """SQL: date a is certainly before date b, judged at the coarser precision."""
    ap, bp = f"coalesce({a_precision}, 'day')", f"coalesce({b_precision}, 'day')"
    return f"({_truncated(a, ap, bp)} < {_truncated(b, ap, bp)})"


def _age_reference_sql(options: Options) -> str:
    """SQL of `_v_ages`: each stated age with the birth year it is judged against and the
    window of birth year + age a clean row falls in.

    With a known record date (as_of) the windows follow from it: full age gives birth year +
    age = year - 1 (birthday not yet reached) or year; nominal age year or year + 1; unknown
    kind either. Without it, the record year is inferred per source and age kind as the most
    common birth year + age (robust to a minority of wrong rows), and a clean row lies within
    one year of it whatever the kind.
    """
    base = """
        SELECT mention_id, record_id, source_id, age, age_kind, name,
               coalesce(year(birth_date), year(id_birth)) AS birth_year,
               coalesce(birth_date, id_birth) AS birth,
               CASE WHEN birth_date IS NOT NULL THEN coalesce(birth_date_precision, 'day')
                    ELSE 'day' END AS birth_precision
        FROM _v_mentions
        WHERE age IS NOT NULL AND coalesce(year(birth_date), year(id_birth)) IS NOT NULL
    """
    if options.as_of is not None:
        year = options.as_of.year
        return f"""
            SELECT *, {year} AS reference_year,
                   CASE coalesce(age_kind, '') WHEN 'full' THEN {year - 1}
                        WHEN 'nominal' THEN {year} ELSE {year - 1} END AS low,
                   CASE coalesce(age_kind, '') WHEN 'full' THEN {year}
                        WHEN 'nominal' THEN {year + 1} ELSE {year + 1} END AS high,
                   'the record date {options.as_of.isoformat()}' AS reference_text
            FROM ({base})
        """
    return f"""
        WITH ages AS ({base}),
        reference AS (
            SELECT source_id, coalesce(age_kind, '') AS kind, mode(birth_year + age) AS reference_year
            FROM ages GROUP BY ALL
        )
        SELECT a.*, r.reference_year, r.reference_year - 1 AS low, r.reference_year + 1 AS high,
               'the year most ages in this source imply (' || r.reference_year || ')' AS reference_text
        FROM ages a JOIN reference r
          ON r.source_id = a.source_id AND r.kind = coalesce(a.age_kind, '')
    """


def prepare(store: Store, options: Options) -> None:
    """Nothing to prepare: the checks read `_v_mentions` and `events` directly."""


def checks(options: Options) -> list[Check]:
    """The date and age checks."""
    today = options.today.isoformat()
    period_checks: list[Check] = []
    if options.period is not None:
        first, last = (d.isoformat() for d in options.period)
        period_checks.append(
            Check(
                name="date_outside_period",
                family="dates",
                title=f"Event dates fall within the document's period ({first} to {last})",
                checked_sql="SELECT count(*) FROM events WHERE date IS NOT NULL",
                findings_sql=f"""
                    SELECT e.mention_id, e.record_id, e.source_id, 'warning', 'event_date',
                           json_object('event', e.event_type, 'date', e.date,
                                       'precision', e.date_precision,
                                       'period', json_array('{first}', '{last}')),
                           format('the {{}} date {{}} is outside the document''s period {first} to {last}',
                                  e.event_type, e.date)
                    FROM events e
                    WHERE e.date IS NOT NULL AND e.date <= DATE '{today}'
                      AND ({_before('e.date', 'e.date_precision', f"DATE '{first}'", "'day'")}
                           OR {_before(f"DATE '{last}'", "'day'", 'e.date', 'e.date_precision')})
                """,
            )
        )
    return [
        Check(
            name="birth_date_vs_id",
            family="dates",
            title="The stated birth date agrees with the birth date in the ID number",
            checked_sql="SELECT count(*) FROM _v_mentions WHERE birth_date IS NOT NULL AND id_birth IS NOT NULL",
            findings_sql=f"""
                SELECT mention_id, record_id, source_id, 'warning', 'birth_date',
                       json_object('birth_date', birth_date, 'precision', birth_date_precision,
                                   'id_number', id_number, 'id_birth_date', id_birth),
                       format('stated birth date {{}} disagrees with {{}} in ID number {{}}',
                              CASE coalesce(birth_date_precision, 'day')
                                   WHEN 'year' THEN strftime(birth_date, '%Y')
                                   WHEN 'month' THEN strftime(birth_date, '%Y-%m')
                                   ELSE strftime(birth_date, '%Y-%m-%d') END,
                              strftime(id_birth, '%Y-%m-%d'), id_number)
                FROM _v_mentions
                WHERE birth_date IS NOT NULL AND id_birth IS NOT NULL
                  AND ({_before('birth_date', 'birth_date_precision', 'id_birth', "'day'")}
                       OR {_before('id_birth', "'day'", 'birth_date', 'birth_date_precision')})
            """,
        ),
        Check(
            name="birth_date_range",
            family="dates",
            title="Stated birth dates are not in the future and not before 1880",
            checked_sql="SELECT count(*) FROM _v_mentions WHERE birth_date IS NOT NULL",
            findings_sql=f"""
                SELECT mention_id, record_id, source_id, 'error', 'birth_date',
                       json_object('birth_date', birth_date),
                       format('stated birth date {{}} is {{}}', birth_date,
                              CASE WHEN birth_date > DATE '{today}' THEN 'in the future'
                                   ELSE 'before 1880' END)
                FROM _v_mentions
                WHERE birth_date > DATE '{today}' OR birth_date < DATE '1880-01-01'
            """,
        ),
        Check(
            name="age_vs_birth_date",
            family="dates",
            title="Stated ages agree with the birth date (allowing nominal age, 虚岁, and month-only dates)",
            checked_sql=f"SELECT count(*) FROM ({_age_reference_sql(options)})",
            findings_sql=f"""
                SELECT mention_id, record_id, source_id,
                       CASE WHEN age < 0 OR age > 125 THEN 'error' ELSE 'warning' END, 'age',
                       json_object('age', age, 'age_kind', age_kind, 'birth_year', birth_year,
                                   'reference_year', reference_year,
                                   'expected_ages', json_array(low - birth_year, high - birth_year)),
                       format('stated {{}}age {{}} disagrees with birth year {{}}: against {{}} it '
                              'should be between {{}} and {{}}',
                              CASE age_kind WHEN 'nominal' THEN 'nominal ' WHEN 'full' THEN 'full '
                                   ELSE '' END,
                              age, birth_year, reference_text, low - birth_year, high - birth_year)
                FROM ({_age_reference_sql(options)})
                WHERE age < 0 OR age > 125 OR birth_year + age < low OR birth_year + age > high
            """,
        ),
        Check(
            name="event_order",
            family="dates",
            title="Events are in order: nothing before birth; release, sentence and transfer not before detention",
            checked_sql="SELECT count(*) FROM events WHERE date IS NOT NULL",
            findings_sql=f"""
                WITH detained AS (
                    SELECT mention_id, arg_min(date, date) AS first_detention,
                           arg_min(coalesce(date_precision, 'day'), date) AS detention_precision
                    FROM events WHERE event_type = 'detention' AND date IS NOT NULL
                    GROUP BY mention_id
                )
                SELECT e.mention_id, e.record_id, e.source_id,
                       CASE WHEN born_before THEN 'error' ELSE 'warning' END, 'event_date',
                       json_object('event', e.event_type, 'date', e.date,
                                   'precision', e.date_precision,
                                   'detention_date', d.first_detention, 'birth_date', e.birth),
                       CASE WHEN born_before
                            THEN format('the {{}} date {{}} is before the person''s birth ({{}})',
                                        e.event_type, e.date, e.birth)
                            ELSE format('the {{}} date {{}} is before the detention date {{}}',
                                        e.event_type, e.date, d.first_detention) END
                FROM (
                    SELECT e.*, m.birth, m.birth_precision,
                        m.birth IS NOT NULL AND
                        {_before('e.date', 'e.date_precision', 'm.birth', 'm.birth_precision')} AS born_before
                    FROM events e
                    LEFT JOIN (SELECT mention_id, coalesce(birth_date, id_birth) AS birth,
                                      CASE WHEN birth_date IS NOT NULL
                                           THEN coalesce(birth_date_precision, 'day') ELSE 'day' END
                                           AS birth_precision
                               FROM _v_mentions) m USING (mention_id)
                    WHERE e.date IS NOT NULL
                ) e
                LEFT JOIN detained d USING (mention_id)
                WHERE born_before
                   OR (e.event_type IN ('release', 'sentence', 'transfer')
                       AND d.first_detention IS NOT NULL
                       AND {_before('e.date', 'e.date_precision', 'd.first_detention', 'd.detention_precision')})
            """,
        ),
        Check(
            name="event_date_future",
            family="dates",
            title="Event dates are not in the future",
            checked_sql="SELECT count(*) FROM events WHERE date IS NOT NULL",
            findings_sql=f"""
                SELECT mention_id, record_id, source_id, 'error', 'event_date',
                       json_object('event', event_type, 'date', date),
                       format('the {{}} date {{}} is in the future', event_type, date)
                FROM events WHERE date > DATE '{today}'
            """,
        ),
        *period_checks,
    ]

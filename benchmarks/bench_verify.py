"""Benchmark `karez verify` on a large synthetic register (default 2.5 million mentions).

The register is generated here in DuckDB SQL (one source, one subject per row, synthetic
names, ID numbers with correct check digits for Hotan region codes, ages, detention and release
events for one row in ten, about 1% of rows with an injected fault). The baseline, measured in
the same run on the same store, is DuckDB's bare scan of the same mentions (reading every
column verify reads, once). Usage:

    .venv/bin/python benchmarks/bench_verify.py [--quick] [--rows N]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from datetime import date
from pathlib import Path

from karez.custody import Case
from karez.store.records import create_record_table, table_name
from karez.verify import verify
from karez.verify.ids import CHECK_CHARACTERS, WEIGHTS

REGIONS = ("653222", "653221", "653201", "653224")


def _check_sql(column: str) -> str:
    terms = " + ".join(f"(ascii(substr({column}, {i + 1}, 1)) - 48) * {w}" for i, w in enumerate(WEIGHTS))
    return f"substr('{CHECK_CHARACTERS}', (({terms}) % 11)::INTEGER + 1, 1)"


def build_register(case: Case, rows: int) -> None:
    """Fill the case store with a synthetic register of `rows` subjects (SQL, seconds)."""
    store = case.store
    store.execute(
        "INSERT INTO sources (source_id, sha256, size, media_type, original_name) "
        "VALUES ('src-bench', repeat('0', 64), 0, 'text/csv', 'synthetic-register.csv')"
    )
    regions = "[" + ", ".join(f"'{r}'" for r in REGIONS) + "]"
    store.execute(
        f"""
        CREATE TEMP TABLE gen AS
        SELECT i,
               {regions}[1 + (hash(i * 5) % {len(REGIONS)})::INTEGER] AS region,
               DATE '1935-01-01' + ((hash(i * 5 + 1) % 29000)::INTEGER) AS birth,
               (hash(i * 5 + 2) % 1000)::INTEGER AS seq,
               (hash(i * 5 + 3) % 1000)::INTEGER AS fault  -- 0..9: one of ten fault kinds (1%)
        FROM range({rows}) t(i)
        """
    )
    store.execute(
        """
        CREATE TEMP TABLE gen2 AS
        SELECT *, region || strftime(birth, '%Y%m%d') || lpad(seq::VARCHAR, 3, '0') AS body
        FROM gen
        """
    )
    create_record_table(
        store, name=table_name("ing-bench", 0), source_id="src-bench", ingest_id="ing-bench", number=0,
        sheet=None, headers=["序号", "n"],
        select_sql="""SELECT 'rec-' || i AS _record_id, NULL::VARCHAR AS _sheet, NULL::INTEGER AS _page,
                             NULL::INTEGER AS _table, i + 2 AS _row, CAST(i + 1 AS VARCHAR) AS "序号",
                             CAST(i AS VARCHAR) AS n
                      FROM gen2""",
    )
    store.execute(
        f"""
        INSERT INTO mentions (mention_id, record_id, source_id, ingest_id, role, person_key, ordinal,
                              name, id_number, birth_date, birth_date_precision, age, age_kind, sex)
        SELECT 'men-' || i, 'rec-' || i, 'src-bench', 'ing-bench', 'subject', 'subject', 0,
               ['阿卜杜拉', '买买提', '艾力', '古丽', '阿依努尔', '热依汗'][1 + (i % 6)::INTEGER]
                 || '·' || ['艾买提', '吐尔逊', '依明', '托合提', '卡德尔'][1 + (i // 6 % 5)::INTEGER]
                 || (i % 997)::VARCHAR,
               CASE fault
                 WHEN 0 THEN body || CASE {_check_sql('body')} WHEN '0' THEN '1' ELSE '0' END
                 WHEN 1 THEN substr(body, 1, 16) || {_check_sql('body')}
                 ELSE body || {_check_sql('body')} END,
               CASE fault WHEN 2 THEN birth + 400 ELSE birth END, 'day',
               CASE fault WHEN 3 THEN 2018 - year(birth) + 7 ELSE 2018 - year(birth) + 1 END,
               'nominal',
               CASE WHEN (seq % 2 = 1) <> (fault = 4) THEN 'M' ELSE 'F' END
        FROM gen2
        """
    )
    store.execute(
        """
        INSERT INTO events (event_id, record_id, source_id, ingest_id, mention_id, event_type, date, date_precision)
        SELECT 'evd-' || i, 'rec-' || i, 'src-bench', 'ing-bench', 'men-' || i, 'detention',
               DATE '2017-03-01' + (i % 500)::INTEGER, 'day' FROM gen2 WHERE i % 10 = 0
        UNION ALL
        SELECT 'evr-' || i, 'rec-' || i, 'src-bench', 'ing-bench', 'men-' || i, 'release',
               DATE '2017-03-01' + (i % 500)::INTEGER + CASE fault WHEN 5 THEN -30 ELSE 200 END, 'day'
        FROM gen2 WHERE i % 10 = 0
        """
    )
    store.execute("DROP TABLE gen; DROP TABLE gen2")


def baseline_scan(case: Case) -> float:
    """Seconds for DuckDB to read every mention column verify reads, once."""
    start = time.perf_counter()
    case.store.fetchall(
        """
        SELECT count(*), count(DISTINCT id_number), min(birth_date), max(age), count(DISTINCT name),
               count(DISTINCT sex), count(DISTINCT record_id)
        FROM mentions
        """
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows instead of 2.5 million")
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args()
    rows = args.rows or (100_000 if args.quick else 2_500_000)
    with tempfile.TemporaryDirectory(prefix="karez-bench-verify-") as folder:
        os.environ.setdefault("KAREZ_HOME", str(Path(folder) / "home"))
        case = Case.init(Path(folder) / "case")
        try:
            start = time.perf_counter()
            build_register(case, rows)
            built = time.perf_counter() - start
            base = baseline_scan(case)
            start = time.perf_counter()
            report = verify(case, today=date(2020, 6, 1))
            took = time.perf_counter() - start
        finally:
            case.close()
    flagged = {c.name: c.flagged for c in report.checks if c.flagged}
    print(f"verify benchmark: {rows:,} mentions (synthetic register built in {built:.1f} s)")
    print(f"  cores available: {os.cpu_count()} (shared with other work: figures measured under load)")
    print(f"  baseline (DuckDB bare scan of the mentions): {base:.2f} s")
    print(f"  karez verify (all checks, store, report):   {took:.2f} s")
    print(f"  ratio verify / baseline: {took / base:.1f}x")
    print(f"  rows per second: {rows / took:,.0f}")
    print("  time by stage: " + ", ".join(f"{k} {v:.1f}s" for k, v in report.timings.items()))
    print(f"  findings: {report.counts}  flagged by check: {flagged}")
    if rows >= 2_500_000:
        print(f"  target: under 180 s -> {'met' if took < 180 else 'NOT met'}")


if __name__ == "__main__":
    main()

"""Run every verification check over a case store and keep the findings in the case.

Findings live in `verify_findings` (one row per finding, a deterministic `finding_id` so the
same problem keeps its id across runs) and each run in `verify_runs`. A run replaces the
previous run's findings in one transaction: the table always holds one complete run.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from karez.store import Store
from karez.verify import consistency, dates, files, identity, ids
from karez.verify.checks import FINDING_COLUMNS, Check, Options, prepare
from karez.verify.corroboration import corroborate
from karez.verify.report import CheckResult, VerifyReport, write_summary
from karez.verify.signals import fabrication_signals

SCHEMA = """
CREATE TABLE IF NOT EXISTS verify_findings (
    finding_id     VARCHAR PRIMARY KEY,  -- 'vf-' + 16 hex digits of a hash of what was found where
    run_id         VARCHAR NOT NULL,
    check_name     VARCHAR NOT NULL,     -- e.g. id_check_digit (see docs/verify.md)
    family         VARCHAR NOT NULL,     -- ids | dates | consistency | files
    severity       VARCHAR NOT NULL,     -- info | warning | error
    mention_id     VARCHAR,
    record_id      VARCHAR,
    source_id      VARCHAR,
    locator        VARCHAR,              -- file, sheet/page, row, person in the record
    field          VARCHAR,
    finding_values JSON,                 -- the values involved, as written
    message        VARCHAR NOT NULL      -- plain words
);
CREATE TABLE IF NOT EXISTS verify_runs (
    run_id         VARCHAR PRIMARY KEY,
    started_at     TIMESTAMPTZ,
    finished_at    TIMESTAMPTZ,
    options        JSON,
    checks         JSON,   -- [{name, family, title, checked, flagged, by_severity}]
    signals        JSON,   -- fabrication signals: distributions for a human to judge
    corroboration  JSON,
    n_findings     BIGINT,
    summary        VARCHAR
);
"""

FAMILIES = (ids, dates, consistency, identity, files)

SourcePath = Callable[[str], Path | None]


def _finding_id_sql() -> str:
    return (
        "'vf-' || substr(sha256(concat_ws('|', {check}, coalesce(f.mention_id, ''), "
        "coalesce(f.record_id, ''), coalesce(f.source_id, ''), coalesce(f.field, ''), "
        "f.message)), 1, 16)"
    )


def _insert_sql(check: Check, run_id: str, body: str) -> str:
    check_literal = "'" + check.name + "'"
    columns = ", ".join(FINDING_COLUMNS)
    return f"""
        INSERT OR IGNORE INTO verify_findings
        SELECT {_finding_id_sql().format(check=check_literal)}, '{run_id}', {check_literal},
               '{check.family}', f.severity, f.mention_id, f.record_id, f.source_id,
               concat_ws(', ', coalesce(r.locator, s.original_name, f.source_id),
                         CASE WHEN m.person_key IS NOT NULL THEN
                              m.person_key || CASE WHEN m.ordinal > 0 THEN ' #' || (m.ordinal + 1)
                                                   ELSE '' END END),
               f.field, f.finding_values::JSON, f.message
        FROM ({body}) AS f({columns})
        LEFT JOIN _v_records r ON r.record_id = f.record_id
        LEFT JOIN sources s ON s.source_id = f.source_id
        LEFT JOIN _v_mentions m ON m.mention_id = f.mention_id
    """


def _run_check(store: Store, check: Check, options: Options, run_id: str) -> CheckResult:
    if check.run is not None:
        checked, rows = check.run(store, options)
        if rows:
            frame = pd.DataFrame(
                [{**row, "finding_values": json.dumps(row["finding_values"], ensure_ascii=False,
                                                      default=str)} for row in rows],
                columns=list(FINDING_COLUMNS),
            ).astype("string")
            store.con.register("_v_python_findings", frame)
            try:
                store.execute(_insert_sql(check, run_id, "SELECT * FROM _v_python_findings"))
            finally:
                store.con.unregister("_v_python_findings")
    else:
        assert check.checked_sql is not None and check.findings_sql is not None
        checked = int(store.scalar(check.checked_sql) or 0)
        store.execute(_insert_sql(check, run_id, check.findings_sql))
    by_severity = dict(
        store.fetchall(
            "SELECT severity, count(*) FROM verify_findings WHERE check_name = ? GROUP BY severity",
            [check.name],
        )
    )
    return CheckResult(
        name=check.name,
        family=check.family,
        title=check.title,
        checked=checked,
        flagged=int(sum(by_severity.values())),
        by_severity={k: int(v) for k, v in by_severity.items()},
    )


def verify_store(store: Store, options: Options | None = None,
                 source_path: SourcePath | None = None) -> VerifyReport:
    """Run every check on the store, replace the stored findings, and return the report.

    `source_path(source_id)` gives the original file of a source (the case's vault); without
    it the checks of the files themselves are skipped. Nothing is written to the ledger here:
    `karez.verify.verify(case)` does that.
    """
    options = options or Options()
    started = datetime.now(UTC)
    run_id = "vr-" + uuid.uuid4().hex[:16]
    timings: dict[str, float] = {}
    with store.transaction():
        store.execute(SCHEMA)
        store.execute("DELETE FROM verify_findings")
        t0 = time.perf_counter()
        prepare(store, options)
        timings["prepare"] = time.perf_counter() - t0
        results: list[CheckResult] = []
        for family in FAMILIES:
            t0 = time.perf_counter()
            family.prepare(store, options)
            for check in family.checks(options):
                if check.family == "files" and source_path is None:
                    continue
                if check.run is not None and check.family == "files":
                    check = files.bind(check, source_path)
                results.append(_run_check(store, check, options, run_id))
            timings[family.__name__.rsplit(".", 1)[-1]] = time.perf_counter() - t0
        t0 = time.perf_counter()
        signals = fabrication_signals(store)
        timings["signals"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        corroboration = corroborate(store)
        timings["corroboration"] = time.perf_counter() - t0
        n_findings = int(store.scalar("SELECT count(*) FROM verify_findings"))
        n_mentions = int(store.scalar("SELECT count(*) FROM mentions"))
        n_sources = int(store.scalar("SELECT count(DISTINCT source_id) FROM mentions"))
        summary = write_summary(results, signals, corroboration, n_mentions, n_sources)
        finished = datetime.now(UTC)
        options_json = {
            "as_of": options.as_of,
            "period": list(options.period) if options.period else None,
            "today": options.today,
            "files_checked": source_path is not None,
        }
        store.execute(
            "INSERT INTO verify_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                run_id,
                started,
                finished,
                json.dumps(options_json, default=str),
                json.dumps([r.as_dict() for r in results], ensure_ascii=False),
                json.dumps(signals, ensure_ascii=False, default=str),
                json.dumps(corroboration, ensure_ascii=False, default=str),
                n_findings,
                summary,
            ],
        )
    return VerifyReport.load(store, run_id, timings=timings)

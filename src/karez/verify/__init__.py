"""Authentication: is a leak real, and which rows are not?

`verify(case)` runs every check (resident ID numbers, dates and ages, internal consistency,
the files' metadata), computes the fabrication signals and corroboration across sources,
stores the findings in the case (`verify_findings`, `verify_runs`), records the run in the
ledger, and returns a `VerifyReport`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from karez.verify.checks import Options
from karez.verify.ids import check_digit
from karez.verify.regions import region_status
from karez.verify.report import CheckResult, Finding, VerifyReport

if TYPE_CHECKING:
    from karez.custody import Case

__all__ = [
    "CheckResult",
    "Finding",
    "Options",
    "VerifyReport",
    "check_digit",
    "region_status",
    "verify",
]


def verify(
    case: Case | Any,
    *,
    as_of: date | None = None,
    period: tuple[date, date] | None = None,
    today: date | None = None,
) -> VerifyReport:
    """Verify every source of the case; store the findings and record the run in the ledger.

    as_of: the date the document states ages at, if known (else inferred per source).
    period: the (first, last) dates the document claims to cover; event dates outside it are
        flagged and file dates compared with it.
    The previous run's findings are replaced in one transaction.
    """
    from karez.verify.engine import verify_store

    options = Options(as_of=as_of, period=period, today=today or date.today())
    vault = getattr(case, "vault", None)
    sha_by_source = {
        row[0]: row[1] for row in case.store.fetchall("SELECT source_id, sha256 FROM sources")
    }

    def source_path(source_id: str) -> Path | None:
        sha = sha_by_source.get(source_id)
        return None if vault is None or sha is None else Path(vault.path_for(sha))

    report = verify_store(case.store, options, source_path if vault is not None else None)
    case.record(
        "verify",
        inputs={"sources": sorted(sha_by_source)},
        outputs={"run_id": report.run_id, "findings": report.counts},
        details={
            "options": report.options,
            "checks": {c.name: {"checked": c.checked, "flagged": c.flagged} for c in report.checks},
        },
    )
    return report

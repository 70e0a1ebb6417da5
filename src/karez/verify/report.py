"""The verification report: per-check counts, every finding, the fabrication signals, and a
summary in plain words a journalist can quote, with the limits of what the checks prove."""

from __future__ import annotations

import html
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from karez.store import Store

LIMITS = (
    "These checks test whether the records are internally consistent and consistent with how "
    "Chinese resident ID numbers and administrative codes are built. Passing them does not "
    "prove a document is genuine: a careful forger with real ID numbers would pass too. Failing "
    "them does not prove forgery: clerks, OCR and transcription make mistakes, and real "
    "registers contain errors. Fabrication signals are distributions for a person to weigh, "
    "not a verdict. Nothing here scores or judges the people named in the records."
)


@dataclass(frozen=True)
class CheckResult:
    """How many values a check examined and how many it flagged, by severity."""

    name: str
    family: str
    title: str
    checked: int
    flagged: int
    by_severity: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Finding:
    """One thing a check found, where it is, and the values involved (as written)."""

    finding_id: str
    check: str
    family: str
    severity: str
    mention_id: str | None
    record_id: str | None
    source_id: str | None
    locator: str | None
    field: str | None
    values: dict[str, Any]
    message: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def write_summary(
    results: list[CheckResult],
    signals: dict[str, Any],
    corroboration: dict[str, Any],
    n_mentions: int,
    n_sources: int,
) -> str:
    """A few sentences a journalist can quote: what was checked, what was found, the limits."""
    by_name = {r.name: r for r in results}
    parts = [
        f"karez checked {_plural(n_mentions, 'person mention')} from {_plural(n_sources, 'source')}."
    ]
    id_checked = by_name["id_check_digit"].checked if "id_check_digit" in by_name else 0
    if id_checked:
        bad_digit = by_name["id_check_digit"].flagged
        share = 100.0 * (id_checked - bad_digit) / id_checked
        parts.append(
            f"Of {_plural(id_checked, '18-digit ID number')}, {share:.2f}% carry a correct check "
            f"digit ({bad_digit:,} do not)."
        )
    errors = sum(r.by_severity.get("error", 0) for r in results)
    warnings = sum(r.by_severity.get("warning", 0) for r in results)
    infos = sum(r.by_severity.get("info", 0) for r in results)
    parts.append(
        f"The checks raised {_plural(errors, 'error')} (values that cannot be right as written), "
        f"{_plural(warnings, 'warning')} (values that disagree with each other) and "
        f"{_plural(infos, 'note')} for information."
    )
    worst = sorted(
        (r for r in results if r.by_severity.get("error", 0) + r.by_severity.get("warning", 0)),
        key=lambda r: -(r.by_severity.get("error", 0) + r.by_severity.get("warning", 0)),
    )[:3]
    if worst:
        parts.append(
            "Most findings concern: "
            + "; ".join(
                f"{r.title.lower()} ({r.by_severity.get('error', 0) + r.by_severity.get('warning', 0):,})"
                for r in worst
            )
            + "."
        )
    notable = [s for s in signals.get("signals", []) if s.get("notable")]
    if notable:
        parts.append(
            "Signals worth a closer look: " + "; ".join(s["plain"] for s in notable) + "."
        )
    elif signals.get("signals"):
        parts.append(
            "The distributions that fabricated registers tend to get wrong (check-digit validity, "
            "sex digit against stated sex, birthdays heaped on round dates) look like those of a "
            "real register."
        )
    parts.append(corroboration.get("plain", "Linkage has not been run, so no record is yet "
                                            "corroborated by an independent source."))
    parts.append(LIMITS)
    return " ".join(parts)


@dataclass
class VerifyReport:
    """The result of `karez.verify.verify(case)`.

    summary: plain words a journalist can quote, limits included.
    checks: checked/flagged counts per check.
    findings: every finding, with its source, locator and the values involved.
    signals: the fabrication signals (distributions for a human to judge).
    corroboration: what an independent source confirms (after linkage).
    """

    run_id: str
    summary: str
    checks: list[CheckResult]
    findings: list[Finding]
    signals: dict[str, Any]
    corroboration: dict[str, Any]
    options: dict[str, Any]
    started_at: str
    finished_at: str
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def load(cls, store: Store, run_id: str | None = None, *,
             timings: dict[str, float] | None = None) -> VerifyReport:
        """The stored report of `run_id` (default: the latest run) with its findings."""
        if run_id is None:
            run_id = store.scalar("SELECT run_id FROM verify_runs ORDER BY finished_at DESC LIMIT 1")
        row = store.dicts("SELECT * FROM verify_runs WHERE run_id = ?", [run_id])[0]
        findings = [
            Finding(
                finding_id=f["finding_id"],
                check=f["check_name"],
                family=f["family"],
                severity=f["severity"],
                mention_id=f["mention_id"],
                record_id=f["record_id"],
                source_id=f["source_id"],
                locator=f["locator"],
                field=f["field"],
                values=json.loads(f["finding_values"]) if f["finding_values"] else {},
                message=f["message"],
            )
            for f in store.dicts(
                "SELECT * FROM verify_findings WHERE run_id = ? "
                "ORDER BY family, check_name, source_id, locator, finding_id",
                [run_id],
            )
        ]
        return cls(
            run_id=run_id,
            summary=row["summary"],
            checks=[CheckResult(**c) for c in json.loads(row["checks"])],
            findings=findings,
            signals=json.loads(row["signals"]),
            corroboration=json.loads(row["corroboration"]),
            options=json.loads(row["options"]),
            started_at=str(row["started_at"]),
            finished_at=str(row["finished_at"]),
            timings=dict(timings or {}),
        )

    @property
    def counts(self) -> dict[str, int]:
        """Findings by severity."""
        out = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            out[finding.severity] = out.get(finding.severity, 0) + 1
        return out

    def to_json(self) -> dict[str, Any]:
        """The whole report as JSON-ready data (what `karez verify --json` prints)."""
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "options": self.options,
            "summary": self.summary,
            "counts": self.counts,
            "checks": [c.as_dict() for c in self.checks],
            "signals": self.signals,
            "corroboration": self.corroboration,
            "findings": [f.as_dict() for f in self.findings],
        }

    def to_html(self, path: Path | str, *, max_findings_per_check: int = 500) -> Path:
        """Write a self-contained HTML report (no scripts, no external resources)."""
        path = Path(path)
        esc = html.escape
        rows = "".join(
            f"<tr><td>{esc(c.title)}<br><code>{esc(c.name)}</code></td>"
            f"<td class=n>{c.checked:,}</td><td class=n>{c.flagged:,}</td>"
            f"<td class=n>{c.by_severity.get('error', 0):,}</td>"
            f"<td class=n>{c.by_severity.get('warning', 0):,}</td>"
            f"<td class=n>{c.by_severity.get('info', 0):,}</td></tr>"
            for c in self.checks
        )
        signal_rows = "".join(
            f"<tr><td>{esc(s['name'])}</td><td class=n>{esc(str(s.get('value')))}</td>"
            f"<td class=n>{esc(str(s.get('expected')))}</td><td>{esc(s['plain'])}</td></tr>"
            for s in self.signals.get("signals", [])
        )
        sections = []
        for check in self.checks:
            mine = [f for f in self.findings if f.check == check.name]
            if not mine:
                continue
            shown = mine[:max_findings_per_check]
            more = len(mine) - len(shown)
            items = "".join(
                f"<tr class={esc(f.severity)}><td>{esc(f.severity)}</td><td>{esc(f.locator or '')}</td>"
                f"<td>{esc(f.message)}</td>"
                f"<td><code>{esc(json.dumps(f.values, ensure_ascii=False, default=str))}</code></td></tr>"
                for f in shown
            )
            note = f"<p>{more:,} more in the case store (table verify_findings).</p>" if more else ""
            sections.append(
                f"<h3>{esc(check.title)} <small>({len(mine):,})</small></h3>"
                f"<table><tr><th>severity</th><th>where</th><th>finding</th><th>values</th></tr>"
                f"{items}</table>{note}"
            )
        document = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>karez verification report {esc(self.run_id)}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#222}}
table{{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}}
td,th{{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top;font-size:.9rem}}
th{{background:#f3f3f3;text-align:left}} td.n{{text-align:right}}
tr.error td:first-child{{color:#a00;font-weight:bold}} tr.warning td:first-child{{color:#a60}}
.summary{{background:#f7f7ef;border-left:4px solid #996;padding:.75rem 1rem}}
code{{font-size:.8rem}}
</style></head><body>
<h1>Verification report</h1>
<p>Run {esc(self.run_id)}, {esc(self.finished_at)}. Generated by karez.</p>
<h2>Summary</h2><p class=summary>{esc(self.summary)}</p>
<h2>Checks</h2>
<table><tr><th>check</th><th>checked</th><th>flagged</th><th>errors</th><th>warnings</th><th>notes</th></tr>{rows}</table>
<h2>Fabrication signals</h2>
<p>Distributions that real registers have and fabricated ones tend to lack: evidence for a person
to weigh, not a verdict.</p>
<table><tr><th>signal</th><th>value</th><th>expected</th><th>in plain words</th></tr>{signal_rows}</table>
<h2>Corroboration</h2><p>{esc(self.corroboration.get('plain', ''))}</p>
<h2>Findings</h2>{''.join(sections) or '<p>No findings.</p>'}
</body></html>
"""
        # The run is already stored when the report is written: make the folder rather than
        # fail, and if the path cannot be written say that nothing of the run is lost.
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(document, encoding="utf-8")
        except OSError as error:
            from karez.verify.checks import VerifyError

            raise VerifyError(
                f"file {path}: cannot write the HTML report ({error.strerror or error}). The run "
                f"{self.run_id} and its findings are stored in the case; choose another --html path "
                "and run verify again."
            ) from error
        return path

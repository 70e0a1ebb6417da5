"""`karez verify CASE`: is this leak real, and which rows are not?"""

from __future__ import annotations

from pathlib import Path

import typer

from karez.cli.common import console, print_json


def register(app: typer.Typer) -> None:
    """Add the top-level `verify` command to the karez CLI."""

    @app.command("verify")
    def verify_command(
        case_path: Path = typer.Argument(..., help="The case folder."),
        html: Path | None = typer.Option(None, "--html", help="Also write a self-contained HTML report here."),
        as_of: str | None = typer.Option(
            None, "--as-of", help="The date the document states ages at (YYYY, YYYY-MM or YYYY-MM-DD); "
            "default: inferred per source from the ages themselves."),
        period: str | None = typer.Option(
            None, "--period", help="The period the document claims to cover, FIRST:LAST "
            "(e.g. 2017-01:2019-12); event and file dates outside it are flagged."),
        json_output: bool = typer.Option(False, "--json", help="Print the whole report as JSON on stdout."),
    ) -> None:
        """Check ID numbers, dates, ages, internal consistency and the files' metadata;
        store the findings in the case and record the run in the ledger."""
        from rich.table import Table

        from karez.custody import Case
        from karez.verify import verify
        from karez.verify.checks import parse_day, parse_period

        options = {
            "as_of": parse_day(as_of) if as_of else None,
            "period": parse_period(period) if period else None,
        }
        with Case.open(case_path) as case:
            report = verify(case, **options)
        if html is not None:
            report.to_html(html)
        if json_output:
            print_json(report.to_json())
            return
        table = Table(title="karez verify")
        for column in ("check", "checked", "flagged", "errors", "warnings", "notes"):
            table.add_column(column, justify="left" if column == "check" else "right")
        for check in report.checks:
            table.add_row(
                check.name, f"{check.checked:,}", f"{check.flagged:,}",
                f"{check.by_severity.get('error', 0):,}", f"{check.by_severity.get('warning', 0):,}",
                f"{check.by_severity.get('info', 0):,}",
            )
        console.print(table)
        console.print(report.summary, markup=False, highlight=False)
        if html is not None:
            console.print(f"HTML report: {html}", markup=False)

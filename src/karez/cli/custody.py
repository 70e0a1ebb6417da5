"""CLI: init, add, remove, status, log, integrity, seal, custody."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from karez.cli.common import console, err_console, print_json

CaseArg = Annotated[Path, typer.Argument(help="The case folder.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON on standard output.")]


def register(app: typer.Typer) -> None:
    @app.command()
    def init(case: CaseArg) -> None:
        """Create a new case folder (vault, DuckDB store, ledger)."""
        from karez import Case

        with Case.init(case) as opened:
            console.print(f"created case [bold]{case}[/] (id {opened.case_id})")

    @app.command()
    def add(
        case: CaseArg,
        file: Annotated[Path, typer.Argument(help="The original file, exactly as received.")],
        note: Annotated[str | None, typer.Option(help="What this file is.")] = None,
        acquired_from: Annotated[str | None, typer.Option("--acquired-from", help="How and from whom it was received.")] = None,
        json_out: JsonOpt = False,
    ) -> None:
        """Copy an original, byte for byte, into the case's vault and print its source id."""
        from karez import Case

        with Case.open(case) as opened:
            info = opened.add(file, note=note, acquired_from=acquired_from)
        if json_out:
            print_json(info.__dict__)
            return
        if info.already_present:
            err_console.print(f"already in the case (same bytes): {info.source_id}")
        else:
            err_console.print(f"added {info.original_name}: {info.size:,} bytes, {info.media_type}, sha256 {info.sha256}")
        typer.echo(info.source_id)

    @app.command()
    def remove(
        case: CaseArg,
        source: Annotated[str, typer.Argument(help="Source id, SHA-256 or file name.")],
        reason: Annotated[str, typer.Option(help="Why the source is withdrawn (kept in the ledger).")],
        purge: Annotated[bool, typer.Option("--purge", help="Also destroy the original's bytes (source protection).")] = False,
    ) -> None:
        """Withdraw a source added by mistake; its hash and the reason stay in the ledger."""
        from karez import Case

        with Case.open(case) as opened:
            result = opened.remove(source, reason=reason, purge=purge)
        removed = sum(result["rows_removed"].values())
        console.print(f"withdrew {result['source_id']}: {removed:,} derived rows removed" + ("; bytes destroyed" if result["purged"] else ""))

    @app.command()
    def status(case: CaseArg, json_out: JsonOpt = False) -> None:
        """Summarise a case: sources, ingests, rows, ledger, seals."""
        from rich.table import Table

        from karez import Case

        with Case.open(case, read_only=False) as opened:
            summary = opened.status()
        if json_out:
            print_json(summary)
            return
        console.print(f"[bold]{summary['case']}[/]  id {summary['case_id']}")
        table = Table("source", "file", "type", "size", "status", "mapping", "records", "mentions")
        for s in summary["sources"]:
            table.add_row(s["source_id"], s["original_name"], s["media_type"], f"{s['size']:,}", s["status"],
                          s["mapping_name"] or "-", f"{s['n_records'] or 0:,}", f"{s['n_mentions'] or 0:,}")
        console.print(table)
        console.print("rows: " + ", ".join(f"{k} {v:,}" for k, v in summary["rows"].items()))
        console.print(f"ledger: {summary['ledger_entries']} entries, head {summary['ledger_head']}; seals: {summary['seals']}")

    @app.command()
    def log(case: CaseArg, json_out: JsonOpt = False) -> None:
        """Show the ledger, oldest first."""
        from karez import Case

        with Case.open(case) as opened:
            entries = [e.as_dict() for e in opened.ledger.entries()]
        if json_out:
            print_json(entries)
            return
        for e in entries:
            outputs = ", ".join(f"{k}={v}" for k, v in e["outputs"].items())
            console.print(f"#{e['seq']:<4} {e['time'][:19]}  {e['actor']:<14} [bold]{e['action']:<8}[/] {outputs[:120]}", highlight=False)
            console.print(f"      hash {e['hash'][:16]}…  prev {e['prev'][:16]}…", style="dim", highlight=False)

    @app.command()
    def integrity(case: CaseArg, json_out: JsonOpt = False) -> None:
        """Re-hash the vault, walk the ledger, check every seal. Exits 1 if anything was altered."""
        from karez import Case

        with Case.open(case) as opened:
            report = opened.integrity()
        if json_out:
            print_json(report.as_dict())
        elif report.ok:
            console.print(
                f"[green]intact[/]: {report.checked.get('ledger_entries', 0)} ledger entries, "
                f"{report.checked.get('originals_rehashed', 0)} originals re-hashed, {report.checked.get('seals', 0)} seals verified"
            )
        else:
            err_console.print(f"[red]NOT INTACT[/]: {len(report.problems)} problem(s)")
            for problem in report.problems:
                err_console.print(f"  - {problem}", highlight=False)
        if not report.ok:
            raise typer.Exit(1)

    @app.command()
    def seal(case: CaseArg, json_out: JsonOpt = False) -> None:
        """Sign the ledger head with your Ed25519 key; send the fingerprint to a third party."""
        from karez import Case

        with Case.open(case) as opened:
            result = opened.seal()
        if json_out:
            print_json(result.__dict__ | {"key_fingerprint": result.key_fingerprint})
            return
        console.print(f"sealed ledger entry #{result.seq} (head {result.head_hash})")
        console.print(f"key {result.key_fingerprint}")
        typer.echo(result.fingerprint)

    @app.command()
    def custody(case: CaseArg) -> None:
        """Print the chain-of-custody report: every source, its hash, every action on it."""
        from karez import Case, custody_report

        with Case.open(case) as opened:
            typer.echo(custody_report(opened), nl=False)

"""CLI: ingest, show, export."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from karez.cli.common import console, print_json
from karez.cli.custody import CaseArg, JsonOpt


def register(app: typer.Typer) -> None:
    @app.command()
    def ingest(
        case: CaseArg,
        source: Annotated[str, typer.Argument(help="Source id, SHA-256 or file name.")],
        mapping: Annotated[Path, typer.Option("--mapping", "-m", help="The mapping YAML (docs/mapping.md).")],
        json_out: JsonOpt = False,
    ) -> None:
        """Turn a source into canonical tables with a mapping, keeping every value's provenance."""
        from karez import Case

        with Case.open(case) as opened:
            result = opened.ingest(source, mapping, progress=not json_out)
        if json_out:
            print_json(result.__dict__)
            return
        if result.unchanged:
            console.print(f"{result.source_id} is already ingested with this mapping; nothing changed")
        else:
            console.print(f"ingested {result.source_id} ({result.ingest_id})" + (f", replacing {result.replaced}" if result.replaced else ""))
        console.print(", ".join(f"{k} {v:,}" for k, v in result.counts.items()))

    @app.command()
    def show(
        case: CaseArg,
        mention: Annotated[str, typer.Argument(help="A mention id (or a unique prefix of one).")],
        json_out: JsonOpt = False,
    ) -> None:
        """Print a mention with the provenance of every value."""
        from karez import Case
        from karez.store.provenance import describe_mention

        with Case.open(case) as opened:
            described = describe_mention(opened, mention)
        if json_out:
            print_json(described)
            return
        src = described["source"]
        where = ", ".join(f"{k} {src[k]}" for k in ("sheet", "page", "table", "row") if src[k] is not None)
        console.print(f"[bold]{described['mention_id']}[/]  {described['role']} in {src['file']} ({where})", highlight=False)
        console.print(f"source {src['source_id']}  sha256 {src['sha256']}  mapping {src['mapping']!r}", style="dim", highlight=False)
        for name, field in described["fields"].items():
            origin = f"column {field.get('column')!r}" if field.get("column") else "constant"
            original = field.get("original")
            value = str(field["value"])
            if field.get("precision"):
                value = value[: {"year": 4, "month": 7}[field["precision"]]] + f" ({field['precision']} only)"
            console.print(f"  {name:<12} {value:<28} from {origin}: {original!r}", highlight=False)
        for key in ("relations", "events", "classifications", "reasons", "notes"):
            for item in described[key]:
                shown = {k: v for k, v in item.items() if k != "from" and v is not None}
                console.print(f"  {key[:-1]:<12} {shown}", highlight=False)

    @app.command()
    def export(
        case: CaseArg,
        format: Annotated[str, typer.Option("--format", help="ftm: FollowTheMoney JSON lines.")] = "ftm",
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Output file.")] = None,
    ) -> None:
        """Export the case for the team's own tools. CONFIDENTIAL: carries identities; recorded in the ledger."""
        from karez import Case
        from karez.errors import KarezError
        from karez.interchange import export_ftm

        if format != "ftm":
            raise KarezError(f"unknown export format {format!r}; karez exports 'ftm' (public outputs come with disclosure control)")
        with Case.open(case) as opened:
            target = out or opened.path / "exports" / "case.CONFIDENTIAL.ftm.jsonl"
            meta = export_ftm(opened, target)
        console.print(f"wrote {target} ({sum(meta['entities'].values()):,} entities) [bold red]CONFIDENTIAL[/]")
        console.print(f"sidecar {target}.meta.json; sha256 {meta['sha256']}; ledger entry #{meta['ledger_entry']}")

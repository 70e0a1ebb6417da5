"""`karez report CASE --out DIR` and `karez analyse ...`: reasons, tables, circles, timelines."""

from __future__ import annotations

from pathlib import Path

import typer

from karez.cli.common import console, print_json

analyse_app = typer.Typer(
    help="Code stated reasons, build tables, family circles and timelines.",
    no_args_is_help=True,
)

CASE_ARG = typer.Argument(..., help="The case folder.")
JSON_OPT = typer.Option(False, "--json", help="Print JSON on stdout.")


def _plain_index(df) -> bool:
    import pandas as pd

    return isinstance(df.index, pd.RangeIndex)


def _frame_json(df) -> list[dict]:  # pandas DataFrame -> JSON rows
    import json

    flat = df if _plain_index(df) else df.reset_index()
    return json.loads(flat.to_json(orient="records", force_ascii=False, date_format="iso"))


def _print_frame(df, title: str) -> None:
    from rich.table import Table

    flat = df if _plain_index(df) else df.reset_index()
    table = Table(title=title)
    for column in flat.columns:
        table.add_column(str(column))
    for row in flat.itertuples(index=False):
        table.add_row(*["" if v is None or (isinstance(v, float) and v != v) else str(v) for v in row])
    console.print(table)


@analyse_app.command("code")
def code_command(case_path: Path = CASE_ARG, json_output: bool = JSON_OPT) -> None:
    """Code every stated reason to the taxonomy (default + CASE/taxonomy.yaml) and store the
    codings with their evidence; lists how many reasons stayed uncoded."""
    from karez.analyse import Analysis, uncoded_reasons
    from karez.custody import Case

    with Case.open(case_path) as case:
        table = Analysis(case).reason_table()
        uncoded = uncoded_reasons(case)
    if json_output:
        print_json({"categories": _frame_json(table), "uncoded": len(uncoded)})
        return
    _print_frame(table, "Stated reasons by category")
    console.print(f"{len(uncoded)} reason texts uncoded: list them with `karez analyse uncoded {case_path}`",
                  markup=False)


@analyse_app.command("uncoded")
def uncoded_command(case_path: Path = CASE_ARG, json_output: bool = JSON_OPT) -> None:
    """List the reason texts no category matched, with file, sheet/page and row."""
    from karez.analyse import code_reasons, uncoded_reasons
    from karez.custody import Case

    with Case.open(case_path) as case:
        code_reasons(case)
        frame = uncoded_reasons(case)
    if json_output:
        print_json(_frame_json(frame))
    else:
        _print_frame(frame, f"Uncoded reasons ({len(frame)})")


@analyse_app.command("codings")
def codings_command(case_path: Path = CASE_ARG, json_output: bool = JSON_OPT) -> None:
    """Every reason with its categories and evidence (as stored; run `code` first)."""
    from karez.analyse import codings
    from karez.custody import Case

    with Case.open(case_path) as case:
        frame = codings(case)
    if json_output:
        print_json(_frame_json(frame))
    else:
        _print_frame(frame.drop(columns=["evidence"]), "Codings")


@analyse_app.command("override")
def override_command(
    case_path: Path = CASE_ARG,
    reason_id: str = typer.Argument(..., help="The reason's id (see `karez analyse codings`)."),
    category: list[str] = typer.Option([], "--category", "-c", help="A category code; repeat for several."),
    action: str = typer.Option("set", "--action", help="set (exactly these), add or remove."),
    note: str | None = typer.Option(None, "--note", help="Why: kept in the ledger."),
    json_output: bool = JSON_OPT,
) -> None:
    """Record an analyst's coding of one reason; applied on every later run and logged."""
    from karez.analyse import override_coding
    from karez.custody import Case

    with Case.open(case_path) as case:
        override = override_coding(case, reason_id, list(category), action=action, note=note)
    if json_output:
        print_json(override)
    else:
        console.print(f"override {override['override_id']}: {action} {', '.join(category) or '(none)'} "
                      f"on {reason_id}", markup=False)


@analyse_app.command("table")
def table_command(
    case_path: Path = CASE_ARG,
    name: str = typer.Argument("reasons", help="reasons, subcategories, cooccurrence, reasons_by_sex "
                               "(age, township, village, facility, period, outcome), outcomes, notes, "
                               "classification_<scheme>_vs_reason/_vs_outcome, circles, circle_summary, timeline."),
    csv: Path | None = typer.Option(None, "--csv", help="Also write the table as CSV here."),
    json_output: bool = JSON_OPT,
) -> None:
    """Print one table (and its query) of the case's analysis."""
    from karez.analyse import Analysis, circle_summary, family_circles, timeline
    from karez.custody import Case
    from karez.errors import KarezError

    with Case.open(case_path) as case:
        if name == "circles":
            frame = family_circles(case)
        elif name == "circle_summary":
            frame = circle_summary(case)
        elif name == "timeline":
            frame = timeline(case)
        else:
            tables = Analysis(case).tables()
            if name not in tables:
                raise KarezError(f"case {case_path}: no table {name!r}; choose one of "
                                 f"{', '.join(sorted(tables))}, circles, circle_summary, timeline.")
            frame = tables[name]
    if csv is not None:
        try:
            csv.parent.mkdir(parents=True, exist_ok=True)  # as `karez export --out` does
            frame.to_csv(csv, index=not _plain_index(frame))
        except OSError as error:
            raise KarezError(f"file {csv}: cannot write the table ({error.strerror or error}); "
                             "choose another --csv path.") from error
    if json_output:
        print_json({"title": frame.attrs.get("title", name), "query": frame.attrs.get("query"),
                    "filters": frame.attrs.get("filters"), "rows": _frame_json(frame)})
    else:
        _print_frame(frame, frame.attrs.get("title", name))
        console.print(f"query: {frame.attrs.get('query', '')}", markup=False, highlight=False)


@analyse_app.command("circles")
def circles_command(
    case_path: Path = CASE_ARG,
    gexf: Path | None = typer.Option(None, "--gexf", help="Write the family graph as GEXF (Gephi)."),
    graphml: Path | None = typer.Option(None, "--graphml", help="Write the family graph as GraphML."),
    names: bool = typer.Option(False, "--names", help="Label nodes with names as written (confidential)."),
    json_output: bool = JSON_OPT,
) -> None:
    """Family circles: summary measures; optionally export the graph for Gephi."""
    from karez.analyse import circle_summary, export_graph, family_graph
    from karez.custody import Case

    with Case.open(case_path) as case:
        graph = family_graph(case, names=names)
        summary = circle_summary(case, graph=graph)
        written: list[str] = []
        try:
            for path in (gexf, graphml):
                if path is not None:
                    written.append(str(export_graph(graph, path, names=names)))
        finally:  # a file written before the other failed is still recorded
            if written:
                case.record("analyse.export_graph", outputs={"files": written},
                            details={"names": names, "confidential": names})
    if json_output:
        print_json({"summary": _frame_json(summary), "files": written})
    else:
        _print_frame(summary, "Family circles")
        for path in written:
            console.print(f"wrote {path}", markup=False)


@analyse_app.command("whois")
def whois_command(
    case_path: Path = CASE_ARG,
    pseudonym: str = typer.Argument(..., help="A pseudonym from a report of this case (P-...)."),
    names: bool = typer.Option(False, "--names", help="Also show names as written (confidential)."),
    json_output: bool = JSON_OPT,
) -> None:
    """The records behind a pseudonym: file, sheet/page and row of each mention (ledgered)."""
    from karez.analyse.persons import resolve_pseudonym
    from karez.custody import Case

    with Case.open(case_path) as case:
        frame = resolve_pseudonym(case, pseudonym, names=names)
    if json_output:
        print_json(_frame_json(frame))
    else:
        _print_frame(frame, f"Records behind {pseudonym}")


@analyse_app.command("taxonomy")
def taxonomy_command(
    case_path: Path | None = typer.Argument(None, help="A case folder whose taxonomy.yaml extends the default."),
    json_output: bool = JSON_OPT,
) -> None:
    """Show the taxonomy of stated reasons: categories, sub-categories, definitions."""
    import pandas as pd

    from karez.analyse import load_taxonomy

    taxonomy = load_taxonomy(case_path)
    rows = taxonomy.describe()
    if json_output:
        print_json({"files": taxonomy.sources, "sha256": taxonomy.sha256, "categories": rows})
    else:
        _print_frame(pd.DataFrame(rows).fillna(""), "Taxonomy of stated reasons")


def register(app: typer.Typer) -> None:
    """Add `karez report` and the `karez analyse` sub-commands."""
    app.add_typer(analyse_app, name="analyse")

    @app.command("report")
    def report_command(
        case_path: Path = CASE_ARG,
        out: Path = typer.Option(..., "--out", help="Folder to write report.html and the family graph into."),
        names: bool = typer.Option(False, "--names", help="Show names as written (confidential copy)."),
        members: bool = typer.Option(True, "--members/--no-members",
                                     help="Link each count to the pseudonyms behind it (analyst's copy)."),
        truth: Path | None = typer.Option(None, "--truth", help="A synthetic testbed's truth folder: "
                                          "adds the evaluation of coder and circles."),
        json_output: bool = JSON_OPT,
    ) -> None:
        """Write a self-contained HTML report of the case (charts, tables, circles, timeline,
        methods) and print its path."""
        from karez.analyse.report import write_report
        from karez.custody import Case

        with Case.open(case_path) as case:
            result = write_report(case, out, names=names, analyst_copy=members, truth_dir=truth)
        if json_output:
            print_json({"report": str(result.path), "sha256": result.sha256,
                        "graphs": [str(p) for p in result.graph_files], "tables": result.tables,
                        "charts": result.charts})
        else:
            typer.echo(str(result.path))  # plain, unwrapped: scripts and `make run` read it

"""`karez testbed generate | build-case | evaluate`: the synthetic county and its leaks."""

from __future__ import annotations

from pathlib import Path

import typer

testbed_app = typer.Typer(help="The synthetic testbed: a fictional county, its leaks, ground truth.",
                          no_args_is_help=True)


@testbed_app.command("generate")
def generate_command(
    out: Path = typer.Argument(..., help="Folder to write leaks/ and truth/ into"),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed and scale: same bytes)"),
    scale: str = typer.Option("small", "--scale", help="small | medium | large"),
    as_json: bool = typer.Option(False, "--json", help="Print the summary as JSON"),
) -> None:
    """Generate the synthetic county, its leaks with mappings, and the ground truth."""
    from karez.cli.common import console, print_json
    from karez.testbed import generate

    summary = generate(out, seed=seed, scale=scale)
    if as_json:
        print_json(summary)
        return
    console.print(f"[bold]SYNTHETIC testbed[/] seed={seed} scale={scale} in {out}")
    for file, info in summary["leaks"].items():
        console.print(f"  {file}: {info['rows']} rows (mapping {info['mapping']})")
    console.print(f"  true number detained: {summary['true_detained']}")


@testbed_app.command("build-case")
def build_case_command(
    out: Path = typer.Argument(..., help="A folder written by `karez testbed generate`"),
    case: Path = typer.Argument(..., help="New case folder to create"),
    as_json: bool = typer.Option(False, "--json", help="Print the ingest counts as JSON"),
) -> None:
    """Add every generated leak to a new case and ingest it with its mapping."""
    from karez.cli.common import console, print_json
    from karez.testbed import build_case

    results = build_case(out, case)
    if as_json:
        print_json(results)
        return
    for file, counts in results.items():
        console.print(f"  {file}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@testbed_app.command("evaluate")
def evaluate_command(
    stage: str = typer.Argument(..., help="Stage to evaluate (ingest, link, ...)"),
    case: Path = typer.Argument(..., help="The case folder"),
    truth: Path = typer.Argument(..., help="The testbed's truth folder (OUT/truth)"),
    as_json: bool = typer.Option(False, "--json", help="Print the evaluation as JSON"),
) -> None:
    """Evaluate a stage's output in CASE against the ground truth."""
    from karez.cli.common import console, print_json
    from karez.testbed import evaluate_stage

    result = evaluate_stage(stage, case, truth)
    if as_json:
        print_json(result)
        return
    console.print_json(data=result)


def register(app: typer.Typer) -> None:
    """Add the `testbed` commands to the main CLI."""
    app.add_typer(testbed_app, name="testbed")

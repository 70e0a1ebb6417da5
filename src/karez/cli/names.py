"""`karez names`: convert and compare Uyghur names across scripts."""

from __future__ import annotations

import typer

from karez.cli.common import console, print_json


def register(app: typer.Typer) -> None:
    """Add the `names` command group to the karez CLI."""
    names_app = typer.Typer(
        help="Uyghur names across scripts: convert, compare, keys.", no_args_is_help=True
    )

    @names_app.command("convert")
    def convert_command(
        text: str = typer.Argument(..., help="A name in any script."),
        to: str = typer.Option("uly", "--to", help="uly | arabic | cyrillic"),
        json_output: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    ) -> None:
        """Write a name in ULY, Uyghur Arabic or Cyrillic (from Han: a machine reading)."""
        from karez.names import convert, parse, readings

        result = convert(text, to)
        parsed = parse(text)
        if json_output:
            print_json(
                {
                    "input": text,
                    "script": parsed.script,
                    "to": to,
                    "result": result,
                    "is_reading": parsed.is_reading,
                    "readings": [{"uly": r, "weight": w} for r, w in readings(text)],
                }
            )
            return
        console.print(result, markup=False, highlight=False)
        if parsed.is_reading:
            console.print(
                "(a machine reading of the transcription, not what the source says)",
                style="dim",
            )

    @names_app.command("compare")
    def compare_command(
        a: str = typer.Argument(..., help="First name, any script."),
        b: str = typer.Argument(..., help="Second name, any script."),
        json_output: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    ) -> None:
        """Similarity of two names in [0, 1], across scripts."""
        from karez.names import compare_parts, parse

        detail = compare_parts(a, b)
        if json_output:
            print_json(
                {
                    "score": detail["score"],
                    "given": detail["given"],
                    "father": detail["father"],
                    "swapped": detail["swapped"],
                    "a": {"text": a, "reading": parse(a).uly},
                    "b": {"text": b, "reading": parse(b).uly},
                }
            )
            return
        console.print(f"{detail['score']:.3f}", markup=False, highlight=False)

    @names_app.command("keys")
    def keys_command(
        text: str = typer.Argument(..., help="A name in any script."),
        json_output: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
    ) -> None:
        """Blocking keys of a name (names sharing a key are compared during linkage)."""
        from karez.names import keys

        found = keys(text)
        if json_output:
            print_json({"input": text, "keys": found})
            return
        for key in found:
            console.print(key, markup=False, highlight=False)

    app.add_typer(names_app, name="names")

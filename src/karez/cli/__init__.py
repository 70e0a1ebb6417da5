"""The `karez` command line: a thin layer over the Python API.

Each stage adds its commands in its own module (`karez/cli/<stage>.py`) through a
`register(app)` function; this module only assembles them and turns `KarezError` into a
clean message and exit code 1.
"""

from __future__ import annotations

import importlib
import sys

import typer

from karez.errors import KarezError


class KarezGroup(typer.core.TyperGroup):
    """The root command: a KarezError anywhere below becomes a one-line message and exit 1."""

    def invoke(self, ctx):  # type: ignore[no-untyped-def]
        try:
            return super().invoke(ctx)
        except KarezError as error:
            typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
            ctx.exit(1)


app = typer.Typer(
    cls=KarezGroup,
    name="karez",
    help="karez: an evidence workbench for leaked detention records.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# The stages' command modules, in pipeline order. Each defines `register(app)`.
STAGE_COMMANDS = (
    "karez.cli.custody",
    "karez.cli.ingest",
    "karez.cli.testbed",
    "karez.cli.names",
    "karez.cli.verify",
    "karez.cli.link",
    "karez.cli.analyse",
    "karez.cli.estimate",
)

for module_name in STAGE_COMMANDS:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        continue  # a stage not built yet
    module.register(app)


def main() -> None:
    """Entry point of the `karez` script (errors are handled by KarezGroup)."""
    import logging
    import os

    if os.environ.get("KAREZ_DEBUG"):
        logging.basicConfig(level=logging.DEBUG, format="%(name)s: %(message)s")
    try:
        app()
    except BrokenPipeError:
        # `karez ... | head` ends quietly.
        sys.stderr.close()
        sys.exit(0)


if __name__ == "__main__":  # pragma: no cover
    main()

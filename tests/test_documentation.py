"""The documentation is tested too: generated pages are current, everything is documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import typer

from karez import settings

ROOT = Path(__file__).resolve().parents[1]


def test_cli_reference_is_current() -> None:
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import gen_cli_docs
    finally:
        sys.path.pop(0)
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == gen_cli_docs.render(), "docs/cli.md is stale: run .venv/bin/python scripts/gen_cli_docs.py"


def test_every_command_is_in_the_cli_reference() -> None:
    from karez.cli import app

    text = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    assert len(root.commands) >= 10

    def walk(group, prefix: str) -> None:
        for name, command in group.commands.items():
            assert f"## karez {prefix}{name}\n" in text, f"karez {prefix}{name} is not documented"
            if hasattr(command, "commands"):
                walk(command, f"{prefix}{name} ")

    walk(root, "")


def test_every_setting_is_documented() -> None:
    text = (ROOT / "docs" / "settings.md").read_text(encoding="utf-8")
    for setting in settings.SETTINGS:
        assert f"`{setting.name}`" in text, setting.name
        assert setting.help


def test_licence_page_is_current_and_no_runtime_dependency_is_strong_copyleft() -> None:
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "licences.py"), "--check"], capture_output=True)
    assert result.returncode == 0, "docs/licences.md is stale or a runtime dependency is GPL/AGPL: run scripts/licences.py"


def test_readme_gives_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_docs_named_in_the_readme_exist() -> None:
    import re

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    for link in re.findall(r"\]\((docs/[^)]+)\)", text):
        assert (ROOT / link).exists(), link

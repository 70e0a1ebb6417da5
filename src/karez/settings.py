"""Every setting of karez, declared once with its default and help text.

A setting is read, in order, from the environment (`KAREZ_<NAME>`), from the user's
settings file (`$KAREZ_HOME/settings.toml`, default home `~/.karez`), else its default.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    kind: type = str


SETTINGS: tuple[Setting, ...] = (
    Setting("user", None, "Name recorded as the actor of ledger entries (else the OS user)."),
    Setting(
        "max_inflate_bytes",
        1_000_000_000,
        "Largest total size an XLSX (a zip) may inflate to before it is refused as a zip bomb.",
        int,
    ),
    Setting(
        "max_xlsx_ratio",
        200,
        "Largest compression ratio of one XLSX member before it is refused as a zip bomb.",
        int,
    ),
    Setting("batch_rows", 100_000, "Rows per batch when streaming a large source into the store.", int),
    Setting("small_cell", 5, "Counts below this are flagged as small in reports.", int),
)
_BY_NAME = {s.name: s for s in SETTINGS}


def karez_home() -> Path:
    """The folder holding the user's settings and signing key (never inside a case)."""
    return Path(os.environ.get("KAREZ_HOME") or Path.home() / ".karez")


def _file_settings() -> dict[str, Any]:
    path = karez_home() / "settings.toml"
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        return tomllib.load(handle)


def get(name: str) -> Any:
    """The value of one setting."""
    setting = _BY_NAME[name]
    raw = os.environ.get(f"KAREZ_{name.upper()}")
    if raw is None:
        raw = _file_settings().get(name)
    if raw is None:
        return setting.default
    return setting.kind(raw)


def actor() -> str:
    """Who is acting: the configured user name, else the operating-system user."""
    configured = get("user")
    if configured:
        return str(configured)
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"

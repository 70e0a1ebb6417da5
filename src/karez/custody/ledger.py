"""The hash-chained ledger of a case: an append-only JSON-lines file.

Each entry holds the hash of the one before it, so removing, altering or reordering any entry
breaks the chain from that point on. The chain alone proves nothing to a third party (its holder
can recompute it); seals (`karez.custody.seal`) sign its head.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from karez import settings
from karez.errors import CaseError

GENESIS = "0" * 64


def canonical_json(payload: Any) -> bytes:
    """The byte form that is hashed: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode(
        "utf-8"
    )


def entry_hash(entry: dict[str, Any]) -> str:
    body = {k: v for k, v in entry.items() if k != "hash"}
    return hashlib.sha256(canonical_json(body)).hexdigest()


@dataclass(frozen=True)
class LedgerEntry:
    seq: int
    time: str
    actor: str
    action: str
    inputs: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)
    prev: str = GENESIS
    hash: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "actor": self.actor,
            "action": self.action,
            "inputs": self.inputs,
            "outputs": self.outputs,
            "details": self.details,
            "prev": self.prev,
            "hash": self.hash,
        }


@dataclass(frozen=True)
class ChainProblem:
    """One way the ledger is not intact."""

    line: int  # 1-based line of ledger.jsonl
    kind: str  # altered | reordered | broken-link | unreadable | missing
    message: str


class Ledger:
    """Append-only, hash-chained log of every state-changing action on a case."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def entries(self) -> Iterator[LedgerEntry]:
        """Every entry in file order (raises CaseError on an unreadable line)."""
        if not self.path.exists():
            return
        with self.path.open("r", encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    raw = json.loads(line)
                    yield LedgerEntry(**raw)
                except (json.JSONDecodeError, TypeError) as error:
                    raise CaseError(
                        f"ledger {self.path}, line {line_number} cannot be read ({error}); "
                        "run `karez integrity` to see what was altered"
                    ) from error

    def head(self) -> LedgerEntry | None:
        tail = deque(self.entries(), maxlen=1)
        return tail[0] if tail else None

    def append(
        self,
        action: str,
        *,
        inputs: dict[str, Any] | None = None,
        outputs: dict[str, Any] | None = None,
        details: dict[str, Any] | None = None,
        actor: str | None = None,
    ) -> LedgerEntry:
        """Add one entry chained to the current head, and flush it to disk."""
        head = self.head()
        entry = {
            "seq": 0 if head is None else head.seq + 1,
            "time": datetime.now(UTC).isoformat(timespec="microseconds"),
            "actor": actor or settings.actor(),
            "action": action,
            "inputs": inputs or {},
            "outputs": outputs or {},
            "details": details or {},
            "prev": GENESIS if head is None else head.hash,
        }
        # Round-trip through JSON so the hashed form is exactly what is read back later.
        entry = json.loads(canonical_json(entry))
        entry["hash"] = entry_hash(entry)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False, sort_keys=True) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        return LedgerEntry(**entry)

    def check(self) -> tuple[list[ChainProblem], list[dict[str, Any]]]:
        """Walk the chain. Returns the problems found and the entries that could be read."""
        problems: list[ChainProblem] = []
        readable: list[dict[str, Any]] = []
        if not self.path.exists():
            return [ChainProblem(0, "missing", f"ledger {self.path} is missing")], []
        previous_hash = GENESIS
        expected_seq = 0
        with self.path.open("r", encoding="utf-8") as handle:
            for line_number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    entry = json.loads(line)
                except json.JSONDecodeError:
                    problems.append(ChainProblem(line_number, "unreadable", f"line {line_number} is not JSON"))
                    continue
                readable.append(entry)
                seq = entry.get("seq")
                recomputed = entry_hash(entry)
                if recomputed != entry.get("hash"):
                    problems.append(
                        ChainProblem(
                            line_number,
                            "altered",
                            f"entry {seq} ({entry.get('action')}) was altered: its content no longer "
                            "matches its hash",
                        )
                    )
                if seq != expected_seq:
                    problems.append(
                        ChainProblem(
                            line_number,
                            "reordered",
                            f"entry at line {line_number} has number {seq} where {expected_seq} was "
                            "expected: entries were removed, inserted or reordered",
                        )
                    )
                if entry.get("prev") != previous_hash:
                    problems.append(
                        ChainProblem(
                            line_number,
                            "broken-link",
                            f"entry {seq} does not follow the entry before it (its 'prev' hash "
                            "differs): the chain is broken here",
                        )
                    )
                previous_hash = entry.get("hash", "")
                expected_seq = (seq if isinstance(seq, int) else expected_seq) + 1
        return problems, readable

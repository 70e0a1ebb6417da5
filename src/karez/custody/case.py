"""A case: one folder holding the evidence vault, the DuckDB store and the ledger.

```
CASE/
  case.json       the case's id and format version
  vault/          originals, content-addressed by SHA-256, read-only
  karez.duckdb    the canonical model and every stage's results
  ledger.jsonl    the hash-chained ledger of every state-changing action
  seals/          signed ledger heads
  mappings/       copies of the mapping files used, by SHA-256
```
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from karez import __version__, settings
from karez.custody.ledger import Ledger, LedgerEntry
from karez.custody.vault import Vault, sniff_media_type
from karez.errors import CaseError, KarezError
from karez.store import Store
from karez.store.store import DERIVED_TABLES

if TYPE_CHECKING:
    from karez.custody.integrity import IntegrityReport
    from karez.custody.seal import Seal
    from karez.ingest.pipeline import IngestResult

CASE_FORMAT = 1


@dataclass(frozen=True)
class SourceInfo:
    """What `Case.add` stored."""

    source_id: str
    sha256: str
    size: int
    media_type: str
    original_name: str
    already_present: bool


def source_id_for(sha256: str) -> str:
    return "src-" + sha256[:16]


class Case:
    """An open case. Use `Case.init` or `Case.open`; close it (or use `with`) when done."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        meta_path = path / "case.json"
        if not meta_path.exists():
            raise CaseError(f"{path} is not a karez case (no case.json); create one with `karez init {path}`")
        self.meta = json.loads(meta_path.read_text(encoding="utf-8"))
        self.case_id: str = self.meta["case_id"]
        self.vault = Vault(path / "vault")
        self.ledger = Ledger(path / "ledger.jsonl")
        self.seals_dir = path / "seals"
        self.mappings_dir = path / "mappings"
        self.store = Store(path / "karez.duckdb", read_only=read_only)

    # -- lifecycle ---------------------------------------------------------------------------

    @classmethod
    def init(cls, path: str | Path) -> Case:
        """Create a new case folder (it may exist only if empty)."""
        path = Path(path)
        if (path / "case.json").exists():
            raise CaseError(f"{path} is already a karez case; open it instead")
        if path.exists() and any(path.iterdir()):
            raise CaseError(f"{path} exists and is not empty; choose a new folder for the case")
        path.mkdir(parents=True, exist_ok=True)
        for sub in ("vault", "seals", "mappings"):
            (path / sub).mkdir()
        case_id = str(uuid.uuid4())
        meta = {
            "karez_case": CASE_FORMAT,
            "case_id": case_id,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "created_with": f"karez {__version__}",
        }
        (path / "case.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        case = cls(path)
        case.ledger.append("init", outputs={"case_id": case_id}, details={"karez": __version__})
        return case

    @classmethod
    def open(cls, path: str | Path, *, read_only: bool = False) -> Case:
        """Open an existing case."""
        path = Path(path)
        if not path.exists():
            raise CaseError(f"no case at {path}; create one with `karez init {path}`")
        return cls(path, read_only=read_only)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- ledger ------------------------------------------------------------------------------

    def record(
        self,
        action: str,
        *,
        inputs: dict[str, Any] | None = None,
        outputs: dict[str, Any] | None = None,
        details: dict[str, Any] | None = None,
    ) -> LedgerEntry:
        """Append one entry to the case's ledger (every state-changing action does this)."""
        return self.ledger.append(action, inputs=inputs, outputs=outputs, details=details)

    # -- sources -----------------------------------------------------------------------------

    def add(self, file: str | Path, *, note: str | None = None, acquired_from: str | None = None) -> SourceInfo:
        """Copy an original into the vault, byte for byte, and register it as a source."""
        file = Path(file)
        if not file.is_file():
            raise CaseError(f"{file} is not a file; give the path of the original you received")
        sha, size, in_vault = self.vault.put(file)
        source_id = source_id_for(sha)
        existing = self.store.dicts("SELECT * FROM sources WHERE sha256 = ?", [sha])
        if existing and existing[0]["status"] == "active":
            row = existing[0]
            return SourceInfo(source_id, sha, size, row["media_type"], row["original_name"], True)
        media_type = sniff_media_type(file)
        now = datetime.now(UTC)
        with self.store.transaction():
            if existing:  # withdrawn before, added again
                self.store.execute(
                    "UPDATE sources SET status = 'active', note = ?, acquired_from = ?, added_at = ?, "
                    "added_by = ?, original_name = ? WHERE sha256 = ?",
                    [note, acquired_from, now, settings.actor(), file.name, sha],
                )
            else:
                self.store.execute(
                    "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active')",
                    [source_id, sha, size, media_type, file.name, note, acquired_from, now, settings.actor()],
                )
            self.record(
                "add",
                inputs={"file": file.name, "sha256": sha},
                outputs={"source_id": source_id, "vault": str(self.vault.path_for(sha).relative_to(self.path))},
                details={
                    "size": size,
                    "media_type": media_type,
                    "note": note,
                    "acquired_from": acquired_from,
                    "already_in_vault": in_vault,
                },
            )
        return SourceInfo(source_id, sha, size, media_type, file.name, False)

    def sources(self, *, include_withdrawn: bool = False) -> list[dict[str, Any]]:
        where = "" if include_withdrawn else "WHERE status = 'active'"
        return self.store.dicts(f"SELECT * FROM sources {where} ORDER BY added_at, source_id")

    def source(self, ref: str) -> dict[str, Any]:
        """A source by id, SHA-256 (or a unique prefix of either) or original file name."""
        rows = self.store.dicts(
            "SELECT * FROM sources WHERE source_id = ? OR sha256 = ? OR original_name = ? "
            "OR (length(?) >= 8 AND (starts_with(sha256, ?) OR starts_with(source_id, ?)))",
            [ref, ref, ref, ref, ref, ref],
        )
        if not rows:
            known = ", ".join(f"{s['source_id']} ({s['original_name']})" for s in self.sources()) or "none"
            raise CaseError(f"no source {ref!r} in case {self.path}; sources: {known}")
        if len(rows) > 1:
            raise CaseError(f"{ref!r} matches several sources; use the source id")
        return rows[0]

    def remove(self, ref: str, *, reason: str, purge: bool = False) -> dict[str, Any]:
        """Withdraw a source added by mistake: its derived rows go; its hash and the reason stay
        in the ledger. With `purge`, its bytes are destroyed too (source protection)."""
        if not reason or not reason.strip():
            raise CaseError("removing a source needs a reason (--reason TEXT); it is kept in the ledger")
        source = self.source(ref)
        with self.store.transaction():
            removed = self.store.delete_source_rows(source["source_id"])
            for hook in _REMOVE_HOOKS:
                hook(self, source["source_id"])
            self.store.execute("UPDATE sources SET status = 'withdrawn' WHERE source_id = ?", [source["source_id"]])
            purged = False
            if purge:
                purged = self.vault.destroy(source["sha256"])
            self.record(
                "purge" if purge else "remove",
                inputs={"source_id": source["source_id"], "sha256": source["sha256"]},
                outputs={"rows_removed": removed, "bytes_destroyed": purged},
                details={"reason": reason, "original_name": source["original_name"]},
            )
        return {"source_id": source["source_id"], "rows_removed": removed, "purged": purged}

    # -- stages ------------------------------------------------------------------------------

    def ingest(self, ref: str, mapping: str | Path, *, progress: bool = False) -> IngestResult:
        """Turn a source into canonical tables with a mapping file (see docs/mapping.md)."""
        from karez.ingest.pipeline import ingest_source

        return ingest_source(self, self.source(ref), Path(mapping), progress=progress)

    def integrity(self) -> IntegrityReport:
        """Re-hash the vault, walk the ledger and check every seal."""
        from karez.custody.integrity import check_integrity

        return check_integrity(self)

    def seal(self) -> Seal:
        """Sign the current ledger head with the holder's Ed25519 key."""
        from karez.custody.seal import make_seal, write_seal

        head = self.ledger.head()
        if head is None:
            raise CaseError(f"the ledger of {self.path} is empty; nothing to seal")
        report = self.integrity()
        if not report.ok:
            raise CaseError(
                "the case is not intact, so it cannot be sealed: " + "; ".join(report.problems[:5])
            )
        seal = make_seal(self.case_id, head.seq, head.hash, settings.actor())
        write_seal(self.seals_dir, seal)
        self.record(
            "seal",
            inputs={"head_seq": head.seq, "head_hash": head.hash},
            outputs={"fingerprint": seal.fingerprint, "key": seal.key_fingerprint},
        )
        return seal

    def status(self) -> dict[str, Any]:
        """A summary of the case: sources, ingests, rows per table, ledger head."""
        head = self.ledger.head()
        counts = {t: self.store.count(t) for t in (*DERIVED_TABLES,)}
        sources = self.store.dicts(
            """SELECT s.source_id, s.original_name, s.media_type, s.size, s.status,
                      i.mapping_name, i.n_records, i.n_mentions
               FROM sources s LEFT JOIN ingests i USING (source_id)
               ORDER BY s.added_at, s.source_id"""
        )
        return {
            "case": str(self.path),
            "case_id": self.case_id,
            "sources": sources,
            "rows": counts,
            "ledger_entries": 0 if head is None else head.seq + 1,
            "ledger_head": None if head is None else head.hash,
            "seals": len(list(self.seals_dir.glob("seal-*.json"))),
        }


# Stages that keep rows keyed by source register a hook here, so `remove` clears them too.
_REMOVE_HOOKS: list[Any] = []


def on_remove(hook: Any) -> Any:
    """Register `hook(case, source_id)` to run inside the transaction that withdraws a source."""
    _REMOVE_HOOKS.append(hook)
    return hook


__all__ = ["Case", "SourceInfo", "on_remove", "KarezError"]

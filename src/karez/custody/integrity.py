"""`karez integrity`: prove nothing in a case was altered, or name everything that was."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from karez.custody.seal import read_seals, verify_signature
from karez.custody.vault import sha256_file
from karez.errors import StoreError

if TYPE_CHECKING:
    from karez.custody.case import Case

# The derived tables an ingest's ledger entry counts, and the count's key in its outputs.
COUNTED = {
    "records": "records",
    "mentions": "mentions",
    "relations": "relations",
    "events": "events",
    "classifications": "classifications",
    "reasons": "reasons",
    "notes": "notes",
}


ID_COLUMNS = {
    "records": "record_id",
    "mentions": "mention_id",
    "relations": "relation_id",
    "events": "event_id",
    "classifications": "classification_id",
    "reasons": "reason_id",
    "notes": "note_id",
}


@dataclass
class IntegrityReport:
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)

    def problem(self, message: str) -> None:
        self.ok = False
        self.problems.append(message)

    def as_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "problems": self.problems, "checked": self.checked}


def check_integrity(case: Case) -> IntegrityReport:
    report = IntegrityReport()
    chain_problems, entries = case.ledger.check()
    for p in chain_problems:
        report.problem(f"ledger line {p.line}: {p.message}")
    report.checked["ledger_entries"] = len(entries)

    _check_vault(case, entries, report)
    _check_ingests(case, entries, report)
    _check_seals(case, entries, report)
    return report


def _expected_sources(entries: list[dict[str, Any]]) -> dict[str, str]:
    """sha256 -> state ('active' | 'withdrawn' | 'purged') according to the ledger."""
    state: dict[str, str] = {}
    for entry in entries:
        action, inputs = entry.get("action"), entry.get("inputs", {})
        sha = inputs.get("sha256")
        if not sha:
            continue
        if action == "add":
            state[sha] = "active"
        elif action == "remove":
            state[sha] = "withdrawn"
        elif action == "purge":
            state[sha] = "purged"
    return state


def _check_vault(case: Case, entries: list[dict[str, Any]], report: IntegrityReport) -> None:
    expected = _expected_sources(entries)
    stored = {row["sha256"]: row for row in case.store.dicts("SELECT * FROM sources")}
    vault_files = dict(case.vault.files())
    checked = 0
    for sha, state in expected.items():
        row = stored.get(sha)
        name = row["original_name"] if row else sha[:12]
        if row is None:
            report.problem(f"source {sha[:12]}… is in the ledger but missing from the case store")
        elif state == "active" and row["status"] != "active":
            report.problem(f"source {name} is active in the ledger but {row['status']} in the store")
        elif state in ("withdrawn", "purged") and row["status"] == "active":
            report.problem(f"source {name} was removed in the ledger but is active in the store")
        path = case.vault.path_for(sha)
        if state == "purged":
            if path.exists():
                report.problem(f"source {name} was purged but its bytes are still in the vault")
            continue
        if not path.exists():
            report.problem(f"original {name} ({sha[:12]}…) is missing from the vault")
            continue
        actual, size = sha256_file(path)
        checked += 1
        if actual != sha:
            report.problem(f"original {name} was altered: the vault file no longer hashes to {sha[:12]}…")
        elif row is not None and size != row["size"]:
            report.problem(f"original {name} has size {size}, recorded {row['size']}")
    for sha in stored:
        if sha not in expected:
            report.problem(f"source {sha[:12]}… is in the case store but was never added in the ledger")
    for name in vault_files:
        if name not in expected:
            report.problem(f"vault file {name} was not added through karez (unknown file)")
    report.checked["originals_rehashed"] = checked


def _check_ingests(case: Case, entries: list[dict[str, Any]], report: IntegrityReport) -> None:
    """The rows derived from each source are those its latest ingest recorded."""
    latest: dict[str, dict[str, Any]] = {}
    for entry in entries:
        source_id = entry.get("inputs", {}).get("source_id")
        if entry.get("action") == "ingest" and source_id:
            latest[source_id] = entry
        elif entry.get("action") in ("remove", "purge") and source_id:
            latest.pop(source_id, None)
    stored = {row["source_id"]: row for row in case.store.dicts("SELECT * FROM ingests")}
    for source_id, entry in latest.items():
        row = stored.get(source_id)
        ingest_id = entry.get("outputs", {}).get("ingest_id")
        if row is None or row["ingest_id"] != ingest_id:
            report.problem(f"source {source_id}: the store does not hold the ingest {ingest_id} the ledger records")
            continue
        counts = entry.get("outputs", {}).get("counts", {})
        for table, key in COUNTED.items():
            if key not in counts:
                continue
            try:
                actual = case.store.count(table, "ingest_id = ?", [ingest_id])
            except StoreError:
                actual = -1
            if actual != counts[key]:
                report.problem(
                    f"source {source_id}: {table} holds {actual} rows from ingest {ingest_id}, "
                    f"the ledger recorded {counts[key]}"
                )
    for table, key in ID_COLUMNS.items():
        duplicated = case.store.scalar(f"SELECT count(*) - count(DISTINCT {key}) FROM {table}")
        if duplicated:
            report.problem(f"{table}: {duplicated} rows repeat an id ({key}); the store was altered outside karez")
    for source_id in stored:
        if source_id not in latest:
            report.problem(f"source {source_id}: an ingest is in the store that the ledger does not record")
    report.checked["ingests"] = len(latest)


def _check_seals(case: Case, entries: list[dict[str, Any]], report: IntegrityReport) -> None:
    by_seq = {e.get("seq"): e for e in entries}
    seals = read_seals(case.seals_dir)
    for path, seal in seals:
        if seal is None:
            report.problem(f"seal file {path.name} cannot be read")
            continue
        if seal.case_id != case.case_id:
            report.problem(f"seal {seal.fingerprint} belongs to another case ({seal.case_id})")
        if not verify_signature(seal):
            report.problem(f"seal {seal.fingerprint}: the signature does not verify (the seal was altered)")
            continue
        entry = by_seq.get(seal.seq)
        if entry is None:
            report.problem(f"seal {seal.fingerprint}: ledger entry {seal.seq} it signed is missing (ledger truncated?)")
        elif entry.get("hash") != seal.head_hash:
            report.problem(
                f"seal {seal.fingerprint}: ledger entry {seal.seq} differs from the one sealed on "
                f"{seal.signed_at} (the ledger was rewritten)"
            )
    report.checked["seals"] = len(seals)

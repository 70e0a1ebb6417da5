"""The custody report: every source, its hash, and every action on it, in order.

Written for a lawyer or an editor, in plain text: it can be printed, signed and filed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from karez.custody.seal import read_seals

if TYPE_CHECKING:
    from karez.custody.case import Case


def _touches(entry: dict[str, Any], source: dict[str, Any]) -> bool:
    values = {source["source_id"], source["sha256"]}
    for part in ("inputs", "outputs"):
        block = entry.get(part) or {}
        for value in block.values():
            if isinstance(value, str) and value in values:
                return True
            if isinstance(value, list) and values.intersection(v for v in value if isinstance(v, str)):
                return True
    return False


def custody_report(case: Case) -> str:
    """The report as text."""
    _, entries = case.ledger.check()
    integrity = case.integrity()
    lines = [
        "CHAIN OF CUSTODY REPORT",
        "=======================",
        f"Case: {case.path.name}  (id {case.case_id})",
        f"Created: {case.meta.get('created_at')} with {case.meta.get('created_with')}",
        f"Ledger: {len(entries)} entries; head {entries[-1]['hash'] if entries else '-'}",
        f"Integrity now: {'INTACT' if integrity.ok else 'NOT INTACT'}",
    ]
    for problem in integrity.problems:
        lines.append(f"  ! {problem}")
    lines.append("")
    for source in case.store.dicts("SELECT * FROM sources ORDER BY added_at, source_id"):
        lines += [
            f"Source {source['source_id']}  [{source['status']}]",
            f"  File name as received: {source['original_name']}",
            f"  SHA-256: {source['sha256']}",
            f"  Size: {source['size']:,} bytes   Media type: {source['media_type']}",
            f"  Acquired from: {source['acquired_from'] or '(not recorded)'}",
            f"  Note: {source['note'] or '(none)'}",
            "  Actions:",
        ]
        for entry in entries:
            if _touches(entry, source):
                summary = _summary(entry)
                lines.append(f"    #{entry['seq']:<4} {entry['time']}  {entry['actor']:<16} {entry['action']:<10} {summary}")
        lines.append("")
    seals = read_seals(case.seals_dir)
    lines.append("Seals (Ed25519 signatures over the ledger head):")
    if not seals:
        lines.append("  none yet: run `karez seal` and send the fingerprint to a third party")
    for _, seal in seals:
        if seal is None:
            continue
        lines.append(
            f"  {seal.fingerprint}  ledger entry #{seal.seq}  signed {seal.signed_at} by {seal.signer} "
            f"with key {seal.key_fingerprint}"
        )
    lines.append("")
    lines.append("Other actions on the case:")
    for entry in entries:
        if entry["action"] in ("init", "seal", "export", "link", "review", "verify", "report", "analyse"):
            lines.append(f"  #{entry['seq']:<4} {entry['time']}  {entry['actor']:<16} {entry['action']:<10} {_summary(entry)}")
    return "\n".join(lines) + "\n"


def _summary(entry: dict[str, Any]) -> str:
    details, outputs = entry.get("details") or {}, entry.get("outputs") or {}
    action = entry["action"]
    if action == "add":
        return f"added to vault; note={details.get('note')!r} acquired_from={details.get('acquired_from')!r}"
    if action == "ingest":
        counts = outputs.get("counts", {})
        return (
            f"ingested with mapping {details.get('mapping_name')!r} (sha256 {entry['inputs'].get('mapping_sha256', '')[:12]}…): "
            + ", ".join(f"{k}={v}" for k, v in counts.items())
        )
    if action in ("remove", "purge"):
        return f"withdrawn: {details.get('reason')!r}" + ("; bytes destroyed" if action == "purge" else "")
    if action == "seal":
        return f"sealed, fingerprint {outputs.get('fingerprint')}"
    return ", ".join(f"{k}={v}" for k, v in list(outputs.items())[:4])

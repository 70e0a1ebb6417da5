"""The evidence vault: originals stored byte for byte under their SHA-256, read-only."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

CHUNK = 1 << 20


def sha256_file(path: Path) -> tuple[str, int]:
    """SHA-256 hex digest and size of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def sniff_media_type(path: Path) -> str:
    """The media type, from the file's first bytes and, for text, its name."""
    with path.open("rb") as handle:
        head = handle.read(8)
    suffix = path.suffix.lower()
    if head.startswith(b"%PDF"):
        return "application/pdf"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if suffix in (".xlsx", ".xlsm"):
            return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        return "application/zip"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        # OLE compound file: a legacy .xls or an encrypted (password-protected) .xlsx.
        return "application/x-ole-storage"
    if head.startswith(b"PAR1"):
        return "application/vnd.apache.parquet"
    return {
        ".csv": "text/csv",
        ".tsv": "text/tab-separated-values",
        ".tab": "text/tab-separated-values",
        ".txt": "text/plain",
        ".json": "application/json",
        ".jsonl": "application/x-ndjson",
        ".ndjson": "application/x-ndjson",
        ".yaml": "application/yaml",
        ".yml": "application/yaml",
        ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".parquet": "application/vnd.apache.parquet",
    }.get(suffix, "application/octet-stream")


class Vault:
    """Content-addressed store of originals: `vault/sha256/ab/abcdef...`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / "sha256" / sha256[:2] / sha256

    def contains(self, sha256: str) -> bool:
        return self.path_for(sha256).exists()

    def put(self, source: Path) -> tuple[str, int, bool]:
        """Copy a file in; returns (sha256, size, already_present). The copy is read-only.

        The copy is hashed as it is written and checked against the original's hash, so what
        the vault holds is exactly what was received.
        """
        sha, size = sha256_file(source)
        target = self.path_for(sha)
        if target.exists():
            return sha, size, True
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            digest = hashlib.sha256()
            with os.fdopen(handle, "wb") as out, source.open("rb") as original:
                while chunk := original.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            if digest.hexdigest() != sha:
                raise OSError(f"{source} changed while it was being copied into the vault; add it again")
            os.chmod(temporary, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        return sha, size, False

    def destroy(self, sha256: str) -> bool:
        """Delete the bytes of one original (only `karez remove --purge` does this)."""
        target = self.path_for(sha256)
        if not target.exists():
            return False
        os.chmod(target, stat.S_IRUSR | stat.S_IWUSR)
        # Overwrite before unlinking: a best effort, since file systems may keep copies.
        size = target.stat().st_size
        with target.open("r+b") as handle:
            remaining = size
            while remaining > 0:
                step = min(CHUNK, remaining)
                handle.write(b"\0" * step)
                remaining -= step
            handle.flush()
            os.fsync(handle.fileno())
        target.unlink()
        return True

    def files(self) -> list[tuple[str, Path]]:
        """(name, path) of every file in the vault, temporary ones included."""
        base = self.root / "sha256"
        if not base.exists():
            return []
        return sorted((p.name, p) for p in base.glob("*/*") if p.is_file())

    def copy_out(self, sha256: str, destination: Path) -> None:
        shutil.copyfile(self.path_for(sha256), destination)

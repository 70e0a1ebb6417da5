"""Seals: the case holder's Ed25519 signature over the ledger head.

A hash chain its holder can recompute proves nothing to a third party. A seal signs the head
of the chain with a key that never lives in the case folder; its short fingerprint can be sent
to an editor, a lawyer or a timestamping service. Any later rewrite of the sealed part of the
ledger no longer matches the seal.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from karez import settings

SEAL_VERSION = "karez-seal-v1"


@dataclass(frozen=True)
class Seal:
    case_id: str
    seq: int
    head_hash: str
    signed_at: str
    signer: str
    public_key: str  # base64 raw Ed25519 public key
    signature: str  # base64
    fingerprint: str

    @property
    def key_fingerprint(self) -> str:
        return key_fingerprint(base64.b64decode(self.public_key))


def _message(case_id: str, seq: int, head_hash: str) -> bytes:
    return f"{SEAL_VERSION}\n{case_id}\n{seq}\n{head_hash}\n".encode()


def key_fingerprint(public_raw: bytes) -> str:
    digest = hashlib.sha256(public_raw).hexdigest()[:16]
    return "ed25519:" + "-".join(digest[i : i + 4] for i in range(0, 16, 4))


def seal_fingerprint(signature: bytes) -> str:
    """A short, readable form of a seal: 20 hex digits of the signature's hash in groups."""
    digest = hashlib.sha256(signature).hexdigest()[:20]
    return "-".join(digest[i : i + 5] for i in range(0, 20, 5))


def key_path() -> Path:
    return settings.karez_home() / "keys" / "ed25519.pem"


def load_or_create_key() -> Ed25519PrivateKey:
    """The holder's signing key, created on first use outside any case folder."""
    path = key_path()
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 key")
        return key
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    return key


def make_seal(case_id: str, seq: int, head_hash: str, signer: str) -> Seal:
    key = load_or_create_key()
    signature = key.sign(_message(case_id, seq, head_hash))
    public_raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return Seal(
        case_id=case_id,
        seq=seq,
        head_hash=head_hash,
        signed_at=datetime.now(UTC).isoformat(timespec="seconds"),
        signer=signer,
        public_key=base64.b64encode(public_raw).decode(),
        signature=base64.b64encode(signature).decode(),
        fingerprint=seal_fingerprint(signature),
    )


def verify_signature(seal: Seal) -> bool:
    try:
        public = Ed25519PublicKey.from_public_bytes(base64.b64decode(seal.public_key))
        public.verify(base64.b64decode(seal.signature), _message(seal.case_id, seal.seq, seal.head_hash))
    except (InvalidSignature, ValueError):
        return False
    return seal_fingerprint(base64.b64decode(seal.signature)) == seal.fingerprint


def write_seal(folder: Path, seal: Seal) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"seal-{seal.seq:06d}-{seal.fingerprint}.json"
    path.write_text(json.dumps(asdict(seal), indent=2) + "\n", encoding="utf-8")
    return path


def read_seals(folder: Path) -> list[tuple[Path, Seal | None]]:
    """Every seal file; None where a file cannot be read as a seal."""
    found: list[tuple[Path, Seal | None]] = []
    if not folder.exists():
        return found
    for path in sorted(folder.glob("seal-*.json")):
        try:
            found.append((path, Seal(**json.loads(path.read_text(encoding="utf-8")))))
        except (json.JSONDecodeError, TypeError, UnicodeDecodeError):
            found.append((path, None))
    return found

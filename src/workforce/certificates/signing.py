"""Ed25519 signing of certificates.

The service's private key comes from configuration:

- ``SIGNING_KEY`` in the environment: a PEM private key (PKCS#8, ``-----BEGIN PRIVATE KEY-----``) or the
  base64 of the 32-byte raw Ed25519 private key (``workforce certificate keygen`` prints one);
- otherwise ``<data dir>/signing_key.pem``, generated on first use (mode 0600) for the embedded default.
  In production the key is never generated silently: several app instances must share one key, so
  production needs ``SIGNING_KEY`` or a key file put there on purpose.

A certificate's signature covers a canonical payload (``canonical_payload``): sorted-key, compact JSON of
the fields printed on the certificate. Anyone with the public key (``/verify/public-key``) can check a
certificate offline against the payload embedded in its PDF.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from workforce.config import ConfigError, get_settings

KEY_FILE_NAME = "signing_key.pem"
PAYLOAD_VERSION = 1


@dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey
    source: str  # "environment" | path of the key file

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        return key_id_of(self.public_key)

    def public_key_pem(self) -> str:
        return public_key_pem(self.public_key)


def key_id_of(public_key: Ed25519PublicKey) -> str:
    """A short fingerprint: the first 16 hex digits of the SHA-256 of the raw public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def private_key_pem(private_key: Ed25519PrivateKey) -> bytes:
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def raw_private_key_b64(private_key: Ed25519PrivateKey) -> str:
    raw = private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return base64.b64encode(raw).decode("ascii")


def parse_private_key(text: str) -> Ed25519PrivateKey:
    """A private key from PEM text or base64 of the 32 raw bytes; a clear ConfigError otherwise."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        try:
            key = serialization.load_pem_private_key(text.encode("ascii"), password=None)
        except (ValueError, TypeError) as exc:
            raise ConfigError(f"SIGNING_KEY is not a readable unencrypted PEM private key: {exc}") from exc
        if not isinstance(key, Ed25519PrivateKey):
            raise ConfigError("SIGNING_KEY must be an Ed25519 private key")
        return key
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ConfigError("SIGNING_KEY must be a PEM private key or base64 of a 32-byte Ed25519 key") from exc
    if len(raw) != 32:
        raise ConfigError(f"SIGNING_KEY decodes to {len(raw)} bytes; an Ed25519 private key has 32")
    return Ed25519PrivateKey.from_private_bytes(raw)


def _load_or_create_key_file(path: Path, *, create: bool) -> Ed25519PrivateKey:
    if path.exists():
        return parse_private_key(path.read_text("ascii"))
    if not create:
        raise ConfigError(
            f"No certificate signing key: set SIGNING_KEY (run `workforce certificate keygen` to make one) "
            f"or put a PEM key at {path}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    key = Ed25519PrivateKey.generate()
    # Write a private temporary file, then link it into place: linking fails if another process
    # created the key first, and then everyone uses that one. Readers never see a half-written key.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(private_key_pem(key))
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return parse_private_key(path.read_text("ascii"))


_lock = threading.Lock()
_cached: SigningKey | None = None


def signing_key() -> SigningKey:
    """The service's signing key (read or generated once per process)."""
    global _cached
    with _lock:
        if _cached is None:
            env = os.environ.get("SIGNING_KEY", "").strip()
            if env:
                _cached = SigningKey(parse_private_key(env), "environment")
            else:
                settings = get_settings()
                path = settings.data_dir / KEY_FILE_NAME
                key = _load_or_create_key_file(path, create=not settings.is_production)
                _cached = SigningKey(key, str(path))
        return _cached


async def signing_key_ready() -> None:
    """Load the signing key at app start-up: a production instance with no ``SIGNING_KEY`` (and no key file)
    refuses to start with a clear ``ConfigError``, instead of failing at the first certificate or check."""
    signing_key()


def reset_signing_key_cache() -> None:
    """Forget the loaded key (tests, and after rotating ``SIGNING_KEY``)."""
    global _cached
    with _lock:
        _cached = None


def _iso_utc(moment: dt.datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("issued_at must be timezone-aware")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def canonical_payload(
    *,
    code: str,
    scope: str,
    scope_ref: str,
    organisation_name: str,
    standard_id: str,
    standard_version: str,
    as_of: dt.date,
    snapshot_hash: str,
    issued_at: dt.datetime,
) -> bytes:
    """The exact bytes a certificate's signature covers (compact, sorted-key, ASCII JSON)."""
    document = {
        "v": PAYLOAD_VERSION,
        "code": code,
        "scope": scope,
        "scope_ref": str(scope_ref),
        "organisation": organisation_name,
        "standard": standard_id,
        "standard_version": standard_version,
        "as_of": as_of.isoformat(),
        "snapshot_hash": snapshot_hash,
        "issued_at": _iso_utc(issued_at),
    }
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def sign(payload: bytes, key: SigningKey | None = None) -> str:
    """Base64 of the Ed25519 signature of ``payload``."""
    key = key or signing_key()
    return base64.b64encode(key.private_key.sign(payload)).decode("ascii")


def verify_signature(payload: bytes, signature_b64: str, public_key: Ed25519PublicKey | None = None) -> bool:
    """Whether ``signature_b64`` is a valid signature of ``payload`` (by the service's key by default)."""
    public_key = public_key or signing_key().public_key
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    try:
        public_key.verify(signature, payload)
    except InvalidSignature:
        return False
    return True

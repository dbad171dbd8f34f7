"""Signing: canonical payload, signature round trip, key formats, key generated once and reused."""

from __future__ import annotations

import base64
import datetime as dt
import os
import stat
import threading

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workforce.certificates import signing
from workforce.config import ConfigError

ISSUED = dt.datetime(2026, 3, 2, 9, 30, 15, tzinfo=dt.UTC)


def payload(**overrides) -> bytes:
    fields = {
        "code": "SWC-7K3M-Q9TD-XH4P",
        "scope": "school",
        "scope_ref": "100001",
        "organisation_name": "Oakfield (Primary)",
        "standard_id": "statutory-2024",
        "standard_version": "1.0",
        "as_of": dt.date(2026, 3, 1),
        "snapshot_hash": "ab" * 32,
        "issued_at": ISSUED,
    }
    fields.update(overrides)
    return signing.canonical_payload(**fields)


def test_canonical_payload_is_stable_sorted_ascii_json():
    data = payload(organisation_name="École Saint-Jean")
    assert data == payload(organisation_name="École Saint-Jean")
    assert data.decode("ascii").startswith('{"as_of":"2026-03-01","code":"SWC-7K3M-Q9TD-XH4P"')
    assert b'"issued_at":"2026-03-02T09:30:15Z"' in data
    # The same moment in another timezone is the same payload.
    assert payload(issued_at=ISSUED.astimezone(dt.timezone(dt.timedelta(hours=1)))) == payload()
    assert b"\\u00c9cole" in data  # non-ASCII escaped, so the bytes do not depend on an encoding
    with pytest.raises(ValueError):
        payload(issued_at=ISSUED.replace(tzinfo=None))


def test_signature_round_trip_and_any_change_fails():
    key = signing.SigningKey(Ed25519PrivateKey.generate(), "test")
    data = payload()
    signature = signing.sign(data, key)
    assert len(base64.b64decode(signature)) == 64
    assert signing.verify_signature(data, signature, key.public_key)
    for changed in (
        payload(code="SWC-7K3M-Q9TD-XH4Q"),
        payload(as_of=dt.date(2026, 3, 2)),
        payload(snapshot_hash="ac" * 32),
        payload(standard_version="1.1"),
        payload(organisation_name="Oakfield (Secondary)"),
    ):
        assert not signing.verify_signature(changed, signature, key.public_key)
    other = Ed25519PrivateKey.generate().public_key()
    assert not signing.verify_signature(data, signature, other)
    assert not signing.verify_signature(data, "not base64!", key.public_key)
    assert not signing.verify_signature(data, base64.b64encode(b"x" * 64).decode(), key.public_key)


def test_private_key_from_pem_or_raw_base64():
    key = Ed25519PrivateKey.generate()
    pem = signing.private_key_pem(key).decode()
    raw = signing.raw_private_key_b64(key)
    id_ = signing.key_id_of(key.public_key())
    assert signing.key_id_of(signing.parse_private_key(pem).public_key()) == id_
    assert signing.key_id_of(signing.parse_private_key(raw).public_key()) == id_
    with pytest.raises(ConfigError, match="32"):
        signing.parse_private_key(base64.b64encode(b"short").decode())
    with pytest.raises(ConfigError):
        signing.parse_private_key("-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----")
    with pytest.raises(ConfigError):
        signing.parse_private_key("%%% not a key %%%")


def test_key_file_is_generated_once_private_and_reused(tmp_path):
    path = tmp_path / "data" / "signing_key.pem"
    first = signing._load_or_create_key_file(path, create=True)
    assert path.exists()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    content = path.read_bytes()
    second = signing._load_or_create_key_file(path, create=True)
    assert path.read_bytes() == content
    assert signing.key_id_of(first.public_key()) == signing.key_id_of(second.public_key())
    assert [p.name for p in path.parent.iterdir()] == ["signing_key.pem"]  # no temporary files left


def test_concurrent_first_use_agrees_on_one_key(tmp_path):
    path = tmp_path / "signing_key.pem"
    ids: list[str] = []
    barrier = threading.Barrier(8)

    def worker():
        barrier.wait()
        ids.append(signing.key_id_of(signing._load_or_create_key_file(path, create=True).public_key()))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 8 and len(set(ids)) == 1


def test_missing_key_file_is_not_generated_when_creation_is_off(tmp_path):
    with pytest.raises(ConfigError, match="SIGNING_KEY"):
        signing._load_or_create_key_file(tmp_path / "signing_key.pem", create=False)
    assert not (tmp_path / "signing_key.pem").exists()


def test_signing_key_prefers_environment_then_data_dir(monkeypatch, tmp_path):
    from workforce.config import get_settings

    key = Ed25519PrivateKey.generate()
    monkeypatch.setenv("SIGNING_KEY", signing.raw_private_key_b64(key))
    signing.reset_signing_key_cache()
    try:
        loaded = signing.signing_key()
        assert loaded.source == "environment"
        assert loaded.key_id == signing.key_id_of(key.public_key())

        monkeypatch.delenv("SIGNING_KEY")
        signing.reset_signing_key_cache()
        from_file = signing.signing_key()
        assert from_file.source == str(get_settings().data_dir / "signing_key.pem")
        assert signing.signing_key() is from_file  # cached for the process
        signing.reset_signing_key_cache()
        assert signing.signing_key().key_id == from_file.key_id  # reused from the file
    finally:
        signing.reset_signing_key_cache()


async def test_a_production_instance_without_a_key_refuses_to_start(monkeypatch, tmp_path):
    from workforce.config import get_settings

    monkeypatch.setenv("WORKFORCE_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "s" * 40)
    monkeypatch.setenv("WORKFORCE_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("SIGNING_KEY", raising=False)
    get_settings.cache_clear()
    signing.reset_signing_key_cache()
    try:
        with pytest.raises(ConfigError, match="set SIGNING_KEY"):
            await signing.signing_key_ready()
        assert not (tmp_path / "signing_key.pem").exists()  # never generated in production

        key = Ed25519PrivateKey.generate()
        monkeypatch.setenv("SIGNING_KEY", signing.raw_private_key_b64(key))
        signing.reset_signing_key_cache()
        await signing.signing_key_ready()
        assert signing.signing_key().key_id == signing.key_id_of(key.public_key())
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
        signing.reset_signing_key_cache()

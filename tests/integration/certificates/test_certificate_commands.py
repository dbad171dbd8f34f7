"""`workforce certificate ...` end to end: the real command in a subprocess, on the test database."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from certificate_helpers import NOW, SCHOOL_FINDINGS, make_school, make_snapshot, pdftotext, squash

from workforce.certificates.tables import Certificate, VerificationLog
from workforce.compliance.tables import EvaluationSnapshot

WORKFORCE = str(Path(sys.executable).with_name("workforce"))


def workforce(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [WORKFORCE, *args], check=False, capture_output=True, text=True, env=dict(os.environ), timeout=120
    )


async def test_issue_then_verify_revoke_and_tamper(tmp_path):
    await make_school()
    out = tmp_path / "certs" / "oakfield.pdf"
    issued = workforce(
        "certificate",
        "issue",
        "--school",
        "100001",
        "--standard",
        "statutory-2024",
        "--as-of",
        "2026-03-01",
        "--out",
        str(out),
    )
    assert issued.returncode == 0, issued.stderr
    cert = await Certificate.objects().first()
    assert cert is not None and cert.scope_ref == "100001"
    # The command evaluated the school with the standards engine and certified that snapshot.
    assert issued.stdout.startswith("Evaluated school 100001 against statutory-2024 as of 2026-03-01")
    snapshot = await EvaluationSnapshot.objects().where(EvaluationSnapshot.id == cert.snapshot).first()
    assert (snapshot.scope, snapshot.scope_ref, snapshot.created_by) == (
        "school",
        "100001",
        "cli:certificate issue",
    )
    assert cert.snapshot_hash == snapshot.content_hash and snapshot.finding_count > 0
    assert f"Certificate {cert.code} for Oakfield Primary School" in issued.stdout
    assert f"/verify/{cert.code}" in issued.stdout
    text = squash(pdftotext(out.read_bytes()))
    assert cert.code in text and "Oakfield Primary School" in text

    valid = workforce("certificate", "verify", str(out))
    assert valid.returncode == 0, valid.stderr
    assert valid.stdout.startswith(f"VALID: Valid and current: certificate {cert.code}")

    changed = tmp_path / "changed.pdf"
    data = bytearray(out.read_bytes())
    data[11] ^= 0x01
    changed.write_bytes(bytes(data))
    tampered = workforce("certificate", "verify", str(changed))
    assert tampered.returncode == 1
    assert tampered.stderr.startswith("NOT VALID (tampered): The file has been changed")

    revoked = workforce("certificate", "revoke", cert.code, "--reason", "Wrong school year")
    assert revoked.returncode == 0, revoked.stderr
    after = workforce("certificate", "verify", str(out))
    assert after.returncode == 4
    assert "NOT CURRENT (revoked)" in after.stderr and "Wrong school year" in after.stderr

    outcomes = [row["outcome"] for row in await VerificationLog.select().order_by(VerificationLog.id)]
    assert outcomes == ["current", "tampered", "revoked"]


async def test_verify_reports_a_superseded_certificate(tmp_path):
    await make_school()
    out = tmp_path / "c.pdf"
    issued = workforce(
        "certificate",
        "issue",
        "--school",
        "100001",
        "--standard",
        "statutory-2024",
        "--as-of",
        "2026-03-01",
        "--out",
        str(out),
    )
    assert issued.returncode == 0, issued.stderr
    await make_snapshot(SCHOOL_FINDINGS, as_of=dt.date(2026, 5, 1), created_at=NOW + dt.timedelta(days=60))
    result = workforce("certificate", "verify", str(out))
    assert result.returncode == 3
    assert "NOT CURRENT (superseded)" in result.stderr and "2026-05-01" in result.stderr


async def test_issue_refuses_unclear_or_impossible_requests(tmp_path):
    out = tmp_path / "c.pdf"
    both = workforce(
        "certificate", "issue", "--school", "100001", "--trust", "5001", "--standard", "x", "--out", str(out)
    )
    assert both.returncode == 2 and "exactly one of --school URN or --trust UID" in both.stderr
    no_school = workforce(
        "certificate", "issue", "--school", "100001", "--standard", "statutory-2024", "--out", str(out)
    )
    assert no_school.returncode == 1
    assert "Cannot evaluate school 100001: unknown school URN 100001" in no_school.stderr
    await make_school()
    no_standard = workforce(
        "certificate", "issue", "--school", "100001", "--standard", "no-such-standard", "--out", str(out)
    )
    assert no_standard.returncode == 1 and "Cannot evaluate school 100001" in no_standard.stderr
    assert not out.exists()
    assert await Certificate.count() == 0
    not_pdf = tmp_path / "notes.txt"
    not_pdf.write_text("hello")
    result = workforce("certificate", "verify", str(not_pdf))
    assert result.returncode == 1 and "NOT VALID (unreadable)" in result.stderr


def test_public_key_is_printed_in_pem():
    result = workforce("certificate", "public-key")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("-----BEGIN PUBLIC KEY-----")
    assert "key id:" in result.stderr

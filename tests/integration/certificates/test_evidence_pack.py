"""Evidence packs: the issued certificate, the snapshot's findings as CSV and a README with checksums."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import subprocess
import zipfile

from certificate_helpers import SCHOOL_FINDINGS, finding, make_snapshot, pdftotext, squash

from workforce.certificates.evidence import FINDINGS_HEADER, WITHHELD_REASON, evidence_pack
from workforce.certificates.inspectors import inspector_grant_accept, inspector_grant_create
from workforce.certificates.services import certificate_issue, certificate_pdf, certificate_verify_pdf
from workforce.certificates.tables import InspectorAccessLog
from workforce.compliance.tables import SnapshotFinding

# A leader's finding whose reason a spreadsheet would run as a formula.
FORMULA = finding(
    "governance-send", "gap", basis="guidance", reason='=HYPERLINK("http://evil.example","Click")'
)


def unzip(content: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert archive.testzip() is None
        return {name: archive.read(name) for name in archive.namelist()}


def csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode()), "UTF-8 with a byte-order mark, for Excel"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


async def test_the_pack_holds_the_certificate_the_findings_and_checksums(
    client, login_as, make_school, tmp_path
):
    school = await make_school(name="Brook Primary School")
    findings = [dict(f, urn=school.urn) for f in [*SCHOOL_FINDINGS, FORMULA]]
    snapshot_id = await make_snapshot(findings, scope_ref=str(school.urn))
    cert = await certificate_issue(snapshot_id=snapshot_id, actor="lead@example.org")

    account = await login_as("inspector", email="inspector@ofsted.example")
    _grant, token = await inspector_grant_create(email=account.email, school_urn=school.urn, actor="lead")
    await inspector_grant_accept(token=token, user_id=account.id)
    response = await client.get(f"/certificates/{cert.code}/evidence-pack")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    assert f'filename="evidence-{cert.code}.zip"' in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "private, no-store"
    assert [row["action"] for row in await InspectorAccessLog.select()] == ["download-evidence"]

    files = unzip(response.content)
    assert sorted(files) == sorted([f"{cert.code}.pdf", "findings.csv", "README.txt"])

    # The certificate, byte for byte as issued: it still verifies, and reads as the certificate.
    pdf = files[f"{cert.code}.pdf"]
    assert pdf == await certificate_pdf(cert.code)
    assert (await certificate_verify_pdf(pdf)).ok
    text = squash(pdftotext(pdf))
    assert f"Certificate code {cert.code}" in text and "Brook Primary School" in text

    # One CSV row per finding of the snapshot, in its order, with the snapshot's values.
    rows = csv_rows(files["findings.csv"])
    assert list(rows[0]) == FINDINGS_HEADER
    stored = (
        await SnapshotFinding.select()
        .where(SnapshotFinding.snapshot == snapshot_id)
        .order_by(SnapshotFinding.id)
    )
    assert len(rows) == len(stored) == len(findings)
    for row, saved in zip(rows, stored, strict=True):
        assert (row["rule"], row["subject"], row["urn"], row["outcome"], row["basis"]) == (
            saved["rule"],
            saved["subject"],
            str(saved["urn"]),
            saved["outcome"],
            saved["basis"],
        )
        assert row["due"] == (saved["due"].isoformat() if saved["due"] else "")
        assert row["school"] == "Brook Primary School"
    # Leaders are named with their reason; other staff's reasons are withheld, as on the certificate.
    by_reason = [row["reason"] for row in rows]
    assert any(reason.startswith("Ms A Khan became SENCO") for reason in by_reason)
    assert by_reason.count(WITHHELD_REASON) == 3  # the three send-cpd-annual findings
    csv_text = files["findings.csv"].decode("utf-8-sig")
    for private in ("Ms C Private", "Mr D Hidden", "Ms E Shown"):
        assert private not in csv_text
    # Formula-safe: the spreadsheet sees text, not a formula.
    assert rows[-1]["reason"] == "'" + FORMULA["reason"]

    # README: what it is, how to check it, and the SHA-256 of each file.
    readme = files["README.txt"].decode("utf-8")
    assert cert.code in readme and "statutory-2024, version 1.0" in readme and cert.snapshot_hash in readme
    assert f"http://127.0.0.1:8000/verify/{cert.code}" in readme
    listed = {
        name: digest for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)\r?$", readme, re.MULTILINE)
    }
    # The checksums work with the usual tool; a changed file fails them.
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    assert sha256sum_check(tmp_path) == 0
    (tmp_path / "findings.csv").write_bytes(files["findings.csv"].replace(b"gap", b"met"))
    assert sha256sum_check(tmp_path) == 1
    assert listed == {
        name: hashlib.sha256(data).hexdigest() for name, data in files.items() if name != "README.txt"
    }


async def test_the_pack_is_the_same_every_time_and_guarded_like_the_certificate(
    client, login_as, make_school
):
    school = await make_school()
    snapshot_id = await make_snapshot(
        [dict(f, urn=school.urn) for f in SCHOOL_FINDINGS], scope_ref=str(school.urn)
    )
    cert = await certificate_issue(snapshot_id=snapshot_id, actor="lead@example.org")
    first, second = await evidence_pack(cert.code), await evidence_pack(cert.code)
    assert first.content == second.content
    with zipfile.ZipFile(io.BytesIO(first.content)) as archive:
        issued = cert.issued_at.timetuple()[:6]
        # File times are the issue time (zip keeps even seconds).
        assert {info.date_time for info in archive.infolist()} == {(*issued[:5], issued[5] - issued[5] % 2)}

    path = f"/certificates/{cert.code}/evidence-pack"
    assert (await client.get(path)).status_code == 303  # signed out: to the sign-in page
    await login_as("school_lead", school=await make_school())
    assert (await client.get(path)).status_code == 403
    await client.sign_out()
    await login_as("school_lead", school=school)
    response = await client.get(path)
    assert response.status_code == 200 and response.content == first.content
    assert await InspectorAccessLog.count() == 0  # only inspectors' access is logged
    assert (await client.get("/certificates/SWC-2222-3333-4444/evidence-pack")).status_code == 404


def sha256sum_check(folder) -> int:
    return subprocess.run(
        ["sha256sum", "--check", "--ignore-missing", "--quiet", "README.txt"],
        cwd=folder,
        capture_output=True,
        check=False,
    ).returncode

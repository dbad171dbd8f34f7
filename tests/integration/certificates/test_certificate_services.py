"""Issuing, rendering, verifying and revoking certificates against saved snapshots (both engines)."""

from __future__ import annotations

import base64
import datetime as dt
import re

import pytest
from certificate_helpers import (
    NOW,
    SCHOOL_FINDINGS,
    finding,
    make_school,
    make_snapshot,
    make_trust,
    pdftotext,
    squash,
)
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workforce.certificates import rendering, services
from workforce.certificates.selectors import CertificateInputError
from workforce.certificates.services import (
    CertificateError,
    certificate_check_code,
    certificate_issue,
    certificate_pdf,
    certificate_revoke,
    certificate_status,
    certificate_verify_pdf,
)
from workforce.certificates.signing import SigningKey, signing_key, verify_signature
from workforce.certificates.tables import Certificate, CertificateRender, VerificationLog
from workforce.organisations.tables import School
from workforce.people.tables import AuditEntry


def rule_counts(text: str, rule: str, basis: str) -> tuple[int, ...]:
    """The met/gap/due-soon/advisory/not-applicable counts printed on a rule's row (pdftotext -layout)."""
    match = re.search(
        rf"{re.escape(rule)} \(basis: {re.escape(basis)}\)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)", text
    )
    assert match, f"no summary row for {rule}"
    return tuple(int(n) for n in match.groups())


async def test_certificate_content_matches_the_snapshot(school_snapshot):
    cert = await certificate_issue(snapshot_id=school_snapshot, actor="lead@example.org")
    assert re.fullmatch(r"SWC-[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", cert.code)
    pdf = await certificate_pdf(cert.code)
    layout = pdftotext(pdf, layout=True)
    text = squash(pdftotext(pdf))

    assert "SEND workforce compliance certificate" in text
    assert "Oakfield Primary School" in text and "School, URN 100001" in text
    assert "Standard Statutory requirements for the SEND workforce (2024) statutory-2024, version 1.0" in text
    assert "A designated SENCO who is a qualified teacher" in text  # the rule's title from standards/
    assert "Compliance as of 1 March 2026" in text
    assert "Evaluated on 2 March 2026" in text
    assert f"Certificate code {cert.code}" in text
    assert f"http://127.0.0.1:8000/verify/{cert.code}" in text.replace("/ ", "/")
    assert "Findings 3 met, 3 gaps, 1 due soon, 1 advisory, 0 not applicable" in text
    # One row per rule with the snapshot's counts: met, gaps, due soon, advisory, not applicable.
    assert rule_counts(layout, "senco-designated", "law") == (1, 0, 0, 0, 0)
    assert rule_counts(layout, "senco-qualification", "law") == (0, 1, 0, 0, 0)
    assert rule_counts(layout, "send-cpd-annual", "committee") == (1, 2, 0, 0, 0)
    assert rule_counts(layout, "senco-capacity", "project-default") == (0, 0, 0, 1, 0)
    assert rule_counts(layout, "ta-capacity", "project-default") == (1, 0, 0, 0, 0)
    assert rule_counts(layout, "head-send-qualification", "committee") == (0, 0, 1, 0, 0)
    # SENCO and TA ratios as the snapshot holds them.
    assert "0.25 FTE per 100, below 0.35" in text
    assert "21.4 pupils per TA FTE" in text
    # Gaps with reasons: leaders are named, other staff only counted.
    assert "Gaps (2)" in text and "Due soon (1)" in text
    assert "Ms A Khan became SENCO on 3 January 2023 and has no passed NPQ for SENCOs" in text
    assert "Mr B Osei, headteacher since 1 July 2022" in text
    assert "2 members of staff do not meet this rule" in text
    for private in ("Ms C Private", "Mr D Hidden", "Ms E Shown"):
        assert private not in text
    # The signed facts are printed: fingerprint, key and signature.
    assert cert.snapshot_hash in text
    assert cert.signature in text.replace(" ", "")
    assert signing_key().key_id in text


async def test_trust_certificate_covers_every_school_and_the_trust():
    urns = (100001, 100002, 100003)
    for n, urn in enumerate(urns):
        await make_school(urn=urn, name=f"School Number {n + 1}")
    await make_trust(urns=urns)
    findings = [finding("senco-designated", "met", urn=urn, reason="SENCO in post.") for urn in urns]
    findings += [
        finding(
            "ta-capacity",
            "advisory",
            urn=100002,
            basis="project-default",
            reason="70 pupils per TA FTE, above 1.5 x the secondary figure of 60.",
        ),
        finding(
            "trust-senco-qualified",
            "gap",
            subject="trust",
            trust_uid="5001",
            basis="committee",
            reason="No member of the trust's executive leadership holds a SENCO qualification.",
        ),
    ]
    snapshot_id = await make_snapshot(findings, scope="trust", scope_ref="5001", standard_id="proposed-2025")
    cert = await certificate_issue(snapshot_id=snapshot_id, actor="hr@example.org")
    assert (cert.scope, cert.scope_ref, cert.organisation_name) == (
        "trust",
        "5001",
        "Riverside Learning Trust",
    )
    pdf = await certificate_pdf(cert.code)
    layout = pdftotext(pdf, layout=True)
    text = squash(pdftotext(pdf))
    assert "Trust, group UID 5001, 3 schools evaluated" in text
    assert rule_counts(layout, "senco-designated", "law") == (3, 0, 0, 0, 0)
    assert rule_counts(layout, "trust-senco-qualified", "committee") == (0, 1, 0, 0, 0)
    assert "School Number 2 (URN 100002)" in text and "70 pupils per TA FTE" in text
    assert "No member of the trust's executive leadership holds a SENCO qualification." in text


async def test_a_genuine_current_certificate_verifies_and_the_check_is_logged(school_snapshot):
    cert = await certificate_issue(snapshot_id=school_snapshot, actor="test")
    pdf = await certificate_pdf(cert.code)
    result = await certificate_verify_pdf(pdf, channel="cli", client="pytest")
    assert result.ok and result.authentic and result.outcome == "current"
    assert result.code == cert.code
    assert "Valid and current" in result.message and "Oakfield Primary School" in result.message
    logs = await VerificationLog.select().where(VerificationLog.code == cert.code)
    assert [(log["channel"], log["outcome"], log["client"]) for log in logs] == [("cli", "current", "pytest")]


async def test_the_stored_signature_verifies_with_the_public_key(school_snapshot):
    cert = await certificate_issue(snapshot_id=school_snapshot, actor="test")
    stored = await Certificate.objects().where(Certificate.code == cert.code).first()
    payload = services.certificate_payload(stored)
    assert verify_signature(payload, stored.signature, signing_key().public_key)
    embedded = rendering.read_embedded_metadata(await certificate_pdf(cert.code))
    assert base64.b64decode(embedded[rendering.META_PAYLOAD]) == payload
    assert embedded[rendering.META_SIGNATURE] == stored.signature
    assert embedded[rendering.META_KEY_ID] == stored.key_id == signing_key().key_id


@pytest.mark.parametrize("where", [0.25, 0.5, 0.75, "append", "truncate"])
async def test_a_changed_byte_fails_verification(school_snapshot, where):
    cert = await certificate_issue(snapshot_id=school_snapshot, actor="test")
    pdf = bytearray(await certificate_pdf(cert.code))
    if where == "append":
        pdf += b"\n% extra"
    elif where == "truncate":
        del pdf[-40:]
    else:
        position = int(len(pdf) * where)
        pdf[position] ^= 0x01
    result = await certificate_verify_pdf(bytes(pdf))
    assert not result.ok and not result.authentic
    assert result.outcome in {"tampered", "unreadable", "forged"}, result
    log = await VerificationLog.select().order_by(VerificationLog.id, ascending=False).first()
    assert log["outcome"] == result.outcome


async def test_a_changed_byte_outside_the_signed_data_is_reported_as_tampering(school_snapshot):
    cert = await certificate_issue(snapshot_id=school_snapshot, actor="test")
    pdf = bytearray(await certificate_pdf(cert.code))
    assert pdf[9] == ord("%")  # the binary comment on the second line: any reader ignores it
    pdf[11] ^= 0x01  # the embedded code and signature are intact
    result = await certificate_verify_pdf(bytes(pdf))
    assert (result.outcome, result.authentic, result.code) == ("tampered", False, cert.code)
    assert "changed since certificate" in result.message


async def test_forged_codes_fail_verification(school_snapshot):
    cert = await certificate_issue(snapshot_id=school_snapshot, actor="test")
    content = await services.certificate_content(school_snapshot)

    def render_variant(**changes) -> bytes:
        variant = Certificate(**{**cert.to_dict(), **changes})
        return rendering.render_pdf(services.certificate_html(content, variant))

    # Another certificate's code pasted into the file, keeping the genuine signature.
    other = cert.code[:-1] + ("2" if cert.code[-1] != "2" else "3")
    result = await certificate_verify_pdf(render_variant(code=other))
    assert (result.outcome, result.authentic) == ("forged", False)

    # A code and signature made with someone else's key.
    forger = SigningKey(Ed25519PrivateKey.generate(), "forger")
    forged_code = "SWC-2222-3333-4444"
    forged = Certificate(**{**cert.to_dict(), "code": forged_code})
    forged.signature = services.sign(services.certificate_payload(forged), forger)
    pdf = rendering.render_pdf(services.certificate_html(content, forged))
    result = await certificate_verify_pdf(pdf)
    assert (result.outcome, result.authentic) == ("forged", False)
    assert "not this service's signature" in result.message

    # Even a correctly signed file is refused when the service never issued its code.
    unissued = Certificate(**{**cert.to_dict(), "code": forged_code})
    unissued.signature = services.sign(services.certificate_payload(unissued))
    result = await certificate_verify_pdf(rendering.render_pdf(services.certificate_html(content, unissued)))
    assert (result.outcome, result.authentic) == ("unknown", False)

    # A PDF that is not a certificate at all.
    plain = rendering.render_pdf("<html lang=en><title>x</title><p>Hello</p></html>")
    assert (await certificate_verify_pdf(plain)).outcome == "unreadable"
    assert (await certificate_verify_pdf(b"GIF89a not a pdf")).outcome == "unreadable"

    assert (await certificate_status(forged_code)).state == "unknown"
    assert (await certificate_status(cert.code)).state == "current"


async def test_revoking_changes_the_status_and_the_verification(school_snapshot):
    cert = await certificate_issue(snapshot_id=school_snapshot, actor="test")
    pdf = await certificate_pdf(cert.code)
    with pytest.raises(CertificateError, match="reason"):
        await certificate_revoke(code=cert.code, reason="   ", actor="lead@example.org")
    assert (await certificate_status(cert.code)).state == "current"

    await certificate_revoke(
        code=cert.code.lower(), reason="Issued on incomplete staff records", actor="lead@example.org"
    )
    status = await certificate_status(cert.code)
    assert status.state == "revoked"
    assert status.revoked_reason == "Issued on incomplete staff records"
    result = await certificate_verify_pdf(pdf)
    assert result.authentic and not result.ok and result.outcome == "revoked"
    assert "REVOKED: Issued on incomplete staff records" in result.message
    with pytest.raises(CertificateError, match="already revoked"):
        await certificate_revoke(code=cert.code, reason="again", actor="lead@example.org")
    audit = await AuditEntry.select().where(AuditEntry.entity == "certificate").order_by(AuditEntry.id)
    assert [(a["action"], a["actor"]) for a in audit] == [("issue", "test"), ("revoke", "lead@example.org")]

    # A revoked certificate is not reused: issuing again gives a new code.
    again = await certificate_issue(snapshot_id=school_snapshot, actor="test")
    assert again.code != cert.code and (await certificate_status(again.code)).state == "current"


async def test_superseded_when_a_newer_evaluation_exists(school_snapshot):
    cert = await certificate_issue(snapshot_id=school_snapshot, actor="test")
    later = NOW + dt.timedelta(days=1)
    # Not newer evaluations of the same thing: another standard, a what-if, an earlier as-of date.
    await make_snapshot(
        SCHOOL_FINDINGS, standard_id="proposed-2025", as_of=dt.date(2026, 4, 1), created_at=later
    )
    await make_snapshot(
        SCHOOL_FINDINGS,
        as_of=dt.date(2026, 4, 1),
        created_at=later,
        params={"senco-capacity": {"fte_per_100": 0.4}},
    )
    await make_snapshot(SCHOOL_FINDINGS, as_of=dt.date(2026, 2, 1), created_at=later)
    assert (await certificate_status(cert.code)).state == "current"

    newer = await make_snapshot(SCHOOL_FINDINGS, as_of=dt.date(2026, 4, 1), created_at=later)
    status = await certificate_status(cert.code)
    assert status.state == "superseded" and status.superseded_as_of == dt.date(2026, 4, 1)
    result = await certificate_verify_pdf(await certificate_pdf(cert.code))
    assert result.authentic and result.outcome == "superseded" and not result.ok
    newer_cert = await certificate_issue(snapshot_id=newer, actor="test")
    assert (await certificate_status(newer_cert.code)).state == "current"


async def test_same_snapshot_is_certified_and_rendered_once(school_snapshot, monkeypatch):
    first = await certificate_issue(snapshot_id=school_snapshot, actor="test")
    assert await CertificateRender.count() == 1
    pdf = await certificate_pdf(first.code)

    async def must_not_render(html):
        raise AssertionError("rendered again")

    monkeypatch.setattr(rendering, "render_pdf_async", must_not_render)
    second = await certificate_issue(snapshot_id=school_snapshot, actor="someone else")
    assert second.code == first.code
    assert await certificate_pdf(first.code) == pdf
    assert await Certificate.count() == 1 and await CertificateRender.count() == 1
    monkeypatch.undo()

    # The render store lost: the same snapshot and template render the same bytes again.
    await CertificateRender.delete(force=True)
    assert await certificate_pdf(first.code) == pdf
    assert (await certificate_verify_pdf(pdf)).ok


async def test_only_published_school_or_trust_evaluations_can_be_certified():
    await make_school()
    national = await make_snapshot(SCHOOL_FINDINGS, scope="national", scope_ref=None)
    what_if = await make_snapshot(SCHOOL_FINDINGS, params={"senco-qualification": {"years": 2}})
    unknown_school = await make_snapshot(SCHOOL_FINDINGS, scope_ref="999999")
    for snapshot_id, message in (
        (national, "Only a school's or a trust's evaluation"),
        (what_if, "what-if"),
        (unknown_school, "not in the database"),
        (123456, "No evaluation snapshot"),
    ):
        with pytest.raises(CertificateInputError, match=message):
            await certificate_issue(snapshot_id=snapshot_id, actor="test")
    assert await Certificate.count() == 0 and await CertificateRender.count() == 0


async def test_checking_a_code_is_logged_whatever_it_is(school_snapshot):
    cert = await certificate_issue(snapshot_id=school_snapshot, actor="test")
    typed = cert.code.lower().replace("-", " ")
    assert (await certificate_check_code(typed, client="Mozilla/5.0")).state == "current"
    assert (await certificate_check_code("SWC-2222-3333-4444")).state == "unknown"
    assert (await certificate_check_code("<script>")).state == "unknown"
    logs = await VerificationLog.select().order_by(VerificationLog.id)
    assert [(log["code"], log["outcome"], log["channel"]) for log in logs] == [
        (cert.code, "current", "web"),
        ("SWC-2222-3333-4444", "unknown", "web"),
        ("<script>", "unknown", "web"),
    ]
    assert logs[0]["client"] == "Mozilla/5.0"


async def test_a_certificate_from_a_real_evaluation_matches_its_snapshot():
    """Evaluate with the standards engine, certify, and compare the PDF with the saved findings."""
    from workforce.certificates.services import certificate_issue_for_scope
    from workforce.compliance.tables import SnapshotFinding
    from workforce.people.tables import Employment, StaffMember

    school_id = await make_school()
    await School.update(
        {
            School.number_of_pupils: 420,
            School.sen_support_pupils: 60,
            School.ehc_plan_pupils: 12,
            School.phase: "Primary",
            School.scope_group: "mainstream-maintained",
        }
    ).where(School.id == school_id)
    now = dt.datetime.now(dt.UTC)
    senco = StaffMember(
        staff_ref="S1",
        trn="1234567",
        first_name="Amina",
        last_name="Khan",
        qts=True,
        created_at=now,
        updated_at=now,
    )
    ta = StaffMember(staff_ref="S2", first_name="Tom", last_name="Assistant", created_at=now, updated_at=now)
    await senco.save()
    await ta.save()
    await Employment.insert(
        Employment(
            staff=senco.id,
            school=school_id,
            role="senco",
            fte=1.0,
            senco_fte=0.4,
            start_date=dt.date(2021, 9, 1),
            updated_at=now,
        ),
        Employment(
            staff=ta.id, school=school_id, role="ta", fte=1.0, start_date=dt.date(2021, 9, 1), updated_at=now
        ),
    )
    cert, how = await certificate_issue_for_scope(
        scope="school",
        scope_ref="100001",
        standard_id="proposed-2025",
        actor="test",
        as_of=dt.date(2027, 6, 15),
    )
    assert how.startswith("Evaluated school 100001 against proposed-2025 as of 2027-06-15")
    findings = await SnapshotFinding.select().where(SnapshotFinding.snapshot == cert.snapshot)
    assert findings
    pdf = await certificate_pdf(cert.code)
    layout = pdftotext(pdf, layout=True)
    text = squash(pdftotext(pdf))
    for rule in sorted({f["rule"] for f in findings}):
        rows = [f for f in findings if f["rule"] == rule]
        expected = tuple(
            sum(1 for f in rows if f["outcome"] == o)
            for o in ("met", "gap", "due-soon", "advisory", "not-applicable")
        )
        assert rule_counts(layout, rule, rows[0]["basis"]) == expected, rule
    # The ratio figures come from the findings' metrics.
    assert "SENCO FTE 0.4; pupils with SEN 72" in text
    assert "pupils 420; TA FTE 1; pupils per TA FTE 420" in text
    # The SENCO (a leader) may be named; the teaching assistant, who has no SEND CPD this year, is not.
    cpd = [f for f in findings if f["rule"] == "send-cpd-annual" and f["outcome"] == "due-soon"]
    assert any("Assistant" in f["reason"] for f in cpd), [f["reason"] for f in findings]
    assert "Assistant" not in text
    assert f"{len(cpd)} members of staff must soon meet this rule" in text

"""Certificate pages: the public verification page and key, and the guarded certificate pages."""

from __future__ import annotations

import datetime as dt

from certificate_helpers import NOW, SCHOOL_FINDINGS, make_snapshot

from workforce.certificates.services import certificate_issue, certificate_pdf, certificate_revoke
from workforce.certificates.signing import signing_key
from workforce.certificates.tables import Certificate, VerificationLog
from workforce.organisations.tables import School


async def issue_for(school: School) -> Certificate:
    snapshot_id = await make_snapshot(
        [dict(f, urn=school.urn) for f in SCHOOL_FINDINGS], scope_ref=str(school.urn)
    )
    return await certificate_issue(snapshot_id=snapshot_id, actor="test")


async def test_verify_page_is_public_minimal_and_logged(client, make_school):
    school = await make_school(name="Brook Primary School")
    cert = await issue_for(school)
    response = await client.page(f"/verify/{cert.code}", headers={"user-agent": "PhoneCamera/1.0"})
    html = response.text
    assert f"Certificate {cert.code} is current" in html
    assert "genuine and current" in html
    assert f"Brook Primary School (school, URN {school.urn})" in html
    assert "statutory-2024, version 1.0" in html and "1 March 2026" in html
    # Minimal data: no findings, no names of people.
    for private in ("Khan", "Osei", "Private", "members of staff"):
        assert private not in html
    logs = await VerificationLog.select().where(VerificationLog.code == cert.code)
    assert [(log["channel"], log["outcome"], log["client"]) for log in logs] == [
        ("web", "current", "PhoneCamera/1.0")
    ]


async def test_verify_page_shows_revocation_with_reason_and_supersession(client, make_school):
    school = await make_school()
    cert = await issue_for(school)
    await make_snapshot(
        [dict(f, urn=school.urn) for f in SCHOOL_FINDINGS],
        scope_ref=str(school.urn),
        as_of=dt.date(2026, 6, 1),
        created_at=NOW + dt.timedelta(days=90),
    )
    superseded = (await client.page(f"/verify/{cert.code}")).text
    assert f"Certificate {cert.code} is superseded" in superseded
    assert "a newer evaluation, as of 1 June 2026, exists" in superseded

    await certificate_revoke(
        code=cert.code, reason="Staff records were incomplete & out of date", actor="lead"
    )
    revoked = (await client.page(f"/verify/{cert.code}")).text
    assert f"Certificate {cert.code} is revoked" in revoked
    assert "Do not rely on it" in revoked
    assert "Staff records were incomplete &amp; out of date" in revoked  # escaped, shown as text


async def test_unknown_and_malformed_codes(client):
    response = await client.page("/verify/SWC-2222-3333-4444", status=404)
    assert "Certificate not found" in response.text and "SWC-2222-3333-4444" in response.text
    odd = await client.page("/verify/%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E", status=404)
    assert "Certificate not found" in odd.text
    assert "<img src=x" not in odd.text and "&lt;img src=x onerror=alert(1)&gt;" in odd.text
    outcomes = [row["outcome"] for row in await VerificationLog.select()]
    assert outcomes == ["unknown", "unknown"]


async def test_codes_as_typed_reach_the_canonical_page(client, make_school):
    cert = await issue_for(await make_school())
    typed = cert.code.lower().replace("-", "")
    redirect = await client.get(f"/verify/{typed}")
    assert redirect.status_code == 301 and redirect.headers["location"] == f"/verify/{cert.code}"
    form = await client.page("/verify")
    assert 'action="/verify"' in form.text and 'method="get"' in form.text
    submitted = await client.get("/verify", params={"code": f" {cert.code.lower()} "})
    assert submitted.status_code == 303 and submitted.headers["location"] == f"/verify/{cert.code}"
    wrong = await client.page("/verify", params={"code": "ABC-123"}, status=422)
    assert "There is a problem" in wrong.text and "Enter the certificate code as it is printed" in wrong.text


async def test_public_key_for_offline_checks(client):
    response = await client.get("/verify/public-key")
    assert response.status_code == 200
    assert response.text == signing_key().public_key_pem()
    assert response.headers["x-key-id"] == signing_key().key_id


async def test_download_needs_a_role_and_the_organisation(client, login_as, make_school, make_trust):
    school = await make_school()
    cert = await issue_for(school)
    path = f"/certificates/{cert.code}/pdf"

    signed_out = await client.get(path)
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/sign-in")

    await login_as("school_lead", school=school)
    response = await client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert f'filename="{cert.code}.pdf"' in response.headers["content-disposition"]
    assert response.content == await certificate_pdf(cert.code)
    await client.page(f"/certificates/{cert.code}")


async def test_download_is_refused_outside_the_users_scope(client, login_as, make_school, make_trust):
    school = await make_school()
    cert = await issue_for(school)
    path = f"/certificates/{cert.code}/pdf"
    for role, scope in (
        ("school_lead", {"school": await make_school()}),
        ("hr_lead", {}),
        ("inspector", {}),  # no grant
        ("teacher", {}),
        ("dfe_analyst", {}),
    ):
        await client.sign_out()
        await login_as(role, **scope)
        assert (await client.get(path)).status_code == 403, role
    await client.sign_out()
    await login_as("hr_lead", trust=await make_trust(schools=[school]))
    assert (await client.get(path)).status_code == 200
    assert (await client.get("/certificates/SWC-2222-3333-4444/pdf")).status_code == 404


async def test_issue_and_revoke_from_the_pages(client, login_as, make_school):
    school = await make_school(name="Hill Top School")
    snapshot_id = await make_snapshot(
        [dict(f, urn=school.urn) for f in SCHOOL_FINDINGS], scope_ref=str(school.urn)
    )
    await login_as("school_lead", school=school)

    assert (
        await client.post("/certificates", {"snapshot_id": str(snapshot_id)}, csrf=False)
    ).status_code == 403
    issued = await client.post("/certificates", {"snapshot_id": str(snapshot_id)})
    assert issued.status_code == 303
    cert = await Certificate.objects().first()
    assert issued.headers["location"] == f"/certificates/{cert.code}"
    assert cert.issued_by.startswith("school-lead-")
    detail = await client.page(f"/certificates/{cert.code}")
    assert "Hill Top School" in detail.text and 'id="revoke-form"' in detail.text

    empty = await client.post(f"/certificates/{cert.code}/revoke", {"reason": "  "})
    assert empty.status_code == 422 and "Give a reason for revoking" in empty.text
    revoked = await client.post(
        f"/certificates/{cert.code}/revoke", {"reason": "Superseded by a corrected import"}
    )
    assert revoked.status_code == 303
    page = await client.page(f"/verify/{cert.code}")
    assert "is revoked" in page.text and "Superseded by a corrected import" in page.text
    after = await client.page(f"/certificates/{cert.code}")
    assert 'id="revoke-form"' not in after.text

    what_if = await make_snapshot(SCHOOL_FINDINGS, scope_ref=str(school.urn), params={"x": 1})
    refused = await client.post("/certificates", {"snapshot_id": str(what_if)})
    assert refused.status_code == 422 and "what-if scenario cannot be certified" in refused.text


async def test_others_cannot_issue_or_revoke(client, login_as, make_school):
    school = await make_school()
    cert = await issue_for(school)
    snapshot_id = await make_snapshot(
        [dict(f, urn=school.urn) for f in SCHOOL_FINDINGS], scope_ref=str(school.urn)
    )
    await login_as("school_lead", school=await make_school())
    assert (await client.post("/certificates", {"snapshot_id": str(snapshot_id)})).status_code == 403
    assert (await client.post(f"/certificates/{cert.code}/revoke", {"reason": "x"})).status_code == 403
    for role in ("inspector", "teacher", "dfe_analyst"):
        await client.sign_out()
        await login_as(role)
        assert (await client.post(f"/certificates/{cert.code}/revoke", {"reason": "x"})).status_code == 403, (
            role
        )
        assert (await client.post("/certificates", {"snapshot_id": str(snapshot_id)})).status_code == 403, (
            role
        )
    assert (await Certificate.objects().where(Certificate.code == cert.code).first()).revoked_at is None


def test_every_certificate_route_is_guarded_or_explicitly_public():
    from workforce.certificates.routes import route_handlers

    public = {"/verify", "/verify/public-key", "/verify/{code:str}"}
    for handler in route_handlers:
        paths = set(handler.paths)
        if paths <= public:
            assert handler.opt.get("public") is True and not handler.guards, paths
        else:
            assert handler.guards and not handler.opt.get("public"), paths


def test_the_app_loads_the_signing_key_and_warms_the_renderer_at_start_up():
    from workforce.app import create_app
    from workforce.certificates.rendering import renderer_warm
    from workforce.certificates.signing import signing_key_ready

    hooks = create_app().on_startup
    assert signing_key_ready in hooks and renderer_warm in hooks

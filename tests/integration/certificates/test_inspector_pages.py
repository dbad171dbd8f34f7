"""Inspector access pages: leads grant and withdraw, inspectors accept and look (read-only, logged)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from certificate_helpers import SCHOOL_FINDINGS, make_snapshot
from litestar.routes import HTTPRoute
from markupsafe import escape

from workforce.certificates import inspector_routes, inspectors
from workforce.certificates.inspectors import inspector_grant_accept, inspector_grant_create
from workforce.certificates.selectors import finding_rows, withheld
from workforce.certificates.services import certificate_issue
from workforce.certificates.tables import InspectorAccessLog, InspectorGrant
from workforce.compliance.evaluation import evaluate_scope
from workforce.organisations.tables import School
from workforce.people import accounts
from workforce.people.accounts import ROLES
from workforce.people.tables import AuditEntry, Employment, StaffMember
from workforce.web.mail import MailError
from workforce.web.security import can_see_staff, guard_roles, load_current_user

INSPECTOR_EMAIL = "inspector@ofsted.example"


async def staffed_school(make_school, name: str = "Brook Primary School") -> School:
    """A school in scope with a SENCO (a leader, named), a headteacher and a teacher (never named)."""
    school = await make_school(
        name=name,
        scope_group="mainstream-maintained",
        phase="primary",
        number_of_pupils=300,
        sen_support_pupils=40,
    )
    now = dt.datetime.now(dt.UTC)
    for ref, first, last, role, senco_fte in (
        (f"K{school.urn}", "Amira", "Khan", "senco", 0.4),
        (f"O{school.urn}", "Ben", "Osei", "headteacher", None),
        (f"P{school.urn}", "Cara", "Private", "teacher", None),
    ):
        staff = StaffMember(
            staff_ref=ref, first_name=first, last_name=last, qts=True, created_at=now, updated_at=now
        )
        await staff.save()
        await Employment.insert(
            Employment(
                staff=staff.id,
                school=school.id,
                role=role,
                start_date=dt.date(2020, 9, 1),
                senco_fte=senco_fte,
                updated_at=now,
            )
        )
    return school


async def issue_for(school: School):
    snapshot_id = await make_snapshot(
        [dict(f, urn=school.urn) for f in SCHOOL_FINDINGS], scope_ref=str(school.urn)
    )
    return await certificate_issue(snapshot_id=snapshot_id, actor="test")


async def live_grant(account, **scope):
    grant, token = await inspector_grant_create(email=account.email, actor="lead@example.org", **scope)
    await inspector_grant_accept(token=token, user_id=account.id)
    return grant


def link_in(html: str) -> str:
    match = re.search(
        r'<code id="invitation-link">http://127\.0\.0\.1:8000(/inspector-invitations/[^<]+)</code>', html
    )
    assert match, "no invitation link on the page"
    return match.group(1)


# ---------------------------------------------------------------- granting


async def test_a_school_lead_grants_access_and_the_link_is_shown_once_and_emailed(
    client, login_as, make_school, smtp_server
):
    school = await make_school(name="Brook Primary School")
    lead = await login_as("school_lead", school=school)
    empty = await client.page("/inspector-access")
    assert 'id="no-grants"' in empty.text and 'id="no-access-log"' in empty.text
    form = await client.page("/inspector-access/new")
    assert f'value="school:{school.urn}"' in form.text and "Brook Primary School" in form.text

    created = await client.post(
        "/inspector-access",
        {"email": "Inspector@Ofsted.example", "scope": f"school:{school.urn}", "days": "7"},
    )
    assert created.status_code == 200
    assert (
        created.headers["cache-control"] == "no-store" and created.headers["referrer-policy"] == "no-referrer"
    )
    path = link_in(created.text)
    assert 'id="emailed"' in created.text

    grant = await InspectorGrant.objects().first()
    assert grant.email == INSPECTOR_EMAIL and grant.granted_by == lead.email
    assert grant.token_hash == inspectors.token_hash(path.rsplit("/", 1)[1])
    lasts = grant.expires_at - grant.created_at
    assert lasts == dt.timedelta(days=7)
    assert await AuditEntry.count().where(AuditEntry.entity == "inspector_grant") == 1

    # The email carries the same link.
    [body] = smtp_server.bodies_to(INSPECTOR_EMAIL)
    assert f"http://127.0.0.1:8000{path}" in body and "Brook Primary School" in body

    # The list shows the grant as pending; the link itself is never shown again.
    listing = await client.page("/inspector-access")
    assert INSPECTOR_EMAIL in listing.text and "Pending" in listing.text
    assert path not in listing.text


async def test_the_link_is_shown_when_the_email_cannot_be_sent(client, login_as, make_school, monkeypatch):
    async def refuse(**_):
        raise MailError("could not send email through 127.0.0.1:25")

    monkeypatch.setattr(inspector_routes, "send_email", refuse)
    school = await make_school()
    await login_as("school_lead", school=school)
    created = await client.post(
        "/inspector-access", {"email": INSPECTOR_EMAIL, "scope": f"school:{school.urn}", "days": "14"}
    )
    assert created.status_code == 200 and 'id="not-emailed"' in created.text
    link_in(created.text)
    grant = await InspectorGrant.objects().first()
    assert grant.expires_at - grant.created_at == dt.timedelta(days=14)


async def test_the_grant_form_explains_each_mistake_and_saves_nothing(
    client, login_as, make_school, check_page
):
    school, other = await make_school(), await make_school()
    await login_as("school_lead", school=school)
    for data, field, message in (
        (
            {"email": "", "scope": f"school:{school.urn}", "days": "14"},
            "email",
            "Enter the inspector's email address",
        ),
        (
            {"email": "not-an-email", "scope": f"school:{school.urn}", "days": "14"},
            "email",
            "must be an email",
        ),
        ({"email": INSPECTOR_EMAIL, "scope": "", "days": "14"}, "scope", "Select the school or trust"),
        (
            {"email": INSPECTOR_EMAIL, "scope": f"school:{other.urn}", "days": "14"},
            "scope",
            "that you manage",
        ),
        ({"email": INSPECTOR_EMAIL, "scope": f"school:{school.urn}", "days": "0"}, "days", "from 1 to 60"),
        ({"email": INSPECTOR_EMAIL, "scope": f"school:{school.urn}", "days": "61"}, "days", "from 1 to 60"),
        ({"email": INSPECTOR_EMAIL, "scope": f"school:{school.urn}", "days": "two"}, "days", "from 1 to 60"),
    ):
        response = await client.post("/inspector-access", data)
        assert response.status_code == 422, data
        check_page(response)
        assert "There is a problem" in response.text and str(escape(message)) in response.text, (
            data,
            message,
        )
        assert f'href="#{field}"' in response.text
    assert await InspectorGrant.count() == 0
    assert await AuditEntry.count().where(AuditEntry.entity == "inspector_grant") == 0


async def test_an_hr_lead_grants_the_trust_or_one_of_its_schools_only(
    client, login_as, make_school, make_trust
):
    member, outsider = await make_school(name="Member School"), await make_school(name="Outside School")
    trust = await make_trust(schools=[member], name="Riverside Learning Trust")
    lead = await login_as("hr_lead", trust=trust)
    form = await client.page("/inspector-access/new")
    assert f'value="trust:{trust.uid}"' in form.text and f'value="school:{member.urn}"' in form.text
    assert str(outsider.urn) not in form.text

    refused = await client.post(
        "/inspector-access", {"email": INSPECTOR_EMAIL, "scope": f"school:{outsider.urn}", "days": "14"}
    )
    assert refused.status_code == 422 and await InspectorGrant.count() == 0
    for scope in (f"trust:{trust.uid}", f"school:{member.urn}"):
        assert (
            await client.post("/inspector-access", {"email": INSPECTOR_EMAIL, "scope": scope, "days": "30"})
        ).status_code == 200
    grants = await inspectors.grants_for_lead(await load_current_user(lead.id))
    assert sorted(g.scope for g in grants) == ["school", "trust"]


async def test_other_roles_cannot_grant_or_list(client, login_as, make_school):
    school = await make_school()
    for role in ("inspector", "teacher", "dfe_analyst"):
        await client.sign_out()
        await login_as(role)
        assert (await client.get("/inspector-access")).status_code == 403, role
        assert (await client.get("/inspector-access/new")).status_code == 403, role
        response = await client.post(
            "/inspector-access", {"email": INSPECTOR_EMAIL, "scope": f"school:{school.urn}", "days": "14"}
        )
        assert response.status_code == 403, role
    assert await InspectorGrant.count() == 0


# ---------------------------------------------------------------- accepting


async def test_an_inspector_signs_in_from_the_link_accepts_and_sees_the_school(client, login_as, make_school):
    school = await staffed_school(make_school)
    _grant, token = await inspector_grant_create(email=INSPECTOR_EMAIL, school_urn=school.urn, actor="lead")
    path = f"/inspector-invitations/{token}"

    signed_out = await client.get(path)
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/sign-in?next=")

    account = await login_as("inspector", email=INSPECTOR_EMAIL)
    invitation = await client.page(path)
    assert invitation.headers["referrer-policy"] == "no-referrer"
    assert (
        "Accept read-only access to Brook Primary School" in invitation.text
        and 'id="accept-form"' in invitation.text
    )
    assert (await client.get(f"/inspect/schools/{school.urn}")).status_code == 403  # not accepted yet

    accepted = await client.post(path)
    assert accepted.status_code == 303 and accepted.headers["location"] == f"/inspect/schools/{school.urn}"
    grant = await InspectorGrant.objects().first()
    assert grant.user == account.id and grant.accepted_at is not None
    # Opening the link again goes straight to the school.
    again = await client.get(path)
    assert again.status_code == 303 and again.headers["location"] == f"/inspect/schools/{school.urn}"

    home = await client.page("/inspect")
    assert f'href="/inspect/schools/{school.urn}"' in home.text and "Active" in home.text


async def test_expired_withdrawn_used_and_unknown_invitations_are_refused_with_a_clear_page(
    client, other_client, login_as, make_school
):
    school = await make_school()
    account = await login_as("inspector", email=INSPECTOR_EMAIL)

    expired, expired_token = await inspector_grant_create(
        email=INSPECTOR_EMAIL, school_urn=school.urn, actor="lead"
    )
    await InspectorGrant.update(
        {InspectorGrant.expires_at: dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)}
    ).where(InspectorGrant.id == expired.id)
    page = await client.page(f"/inspector-invitations/{expired_token}", status=410)
    assert "This invitation cannot be used" in page.text and "has expired" in page.text
    refused = await client.post(f"/inspector-invitations/{expired_token}")
    assert refused.status_code == 410 and "has expired" in refused.text
    assert (await InspectorGrant.objects().where(InspectorGrant.id == expired.id).first()).accepted_at is None

    withdrawn, withdrawn_token = await inspector_grant_create(
        email=INSPECTOR_EMAIL, school_urn=school.urn, actor="lead"
    )
    await inspectors.inspector_grant_revoke(grant_id=withdrawn.id, actor="lead")
    page = await client.page(f"/inspector-invitations/{withdrawn_token}", status=410)
    assert "has been withdrawn" in page.text

    page = await client.page("/inspector-invitations/not-a-real-token", status=404)
    assert "not valid" in page.text

    # A link taken up by one inspector cannot be used by another account.
    _used, used_token = await inspector_grant_create(
        email=INSPECTOR_EMAIL, school_urn=school.urn, actor="lead"
    )
    await inspector_grant_accept(token=used_token, user_id=account.id)
    await login_as("inspector", email="colleague@ofsted.example", client=other_client)
    page = await other_client.page(f"/inspector-invitations/{used_token}", status=403)
    assert "already been accepted" in page.text

    # A lead (not an inspector) who opens a link is told to use the inspector account.
    _grant, token = await inspector_grant_create(email=INSPECTOR_EMAIL, school_urn=school.urn, actor="lead")
    await other_client.sign_out()
    await login_as("school_lead", school=school, client=other_client)
    page = await other_client.page(f"/inspector-invitations/{token}", status=403)
    assert str(escape("Only an inspector's account can accept")) in page.text
    assert (await other_client.post(f"/inspector-invitations/{token}")).status_code == 403
    assert (
        await InspectorGrant.objects()
        .where(InspectorGrant.token_hash == inspectors.token_hash(token))
        .first()
    ).user is None


# ---------------------------------------------------------------- withdrawing


async def test_a_lead_withdraws_access_after_confirming(client, other_client, login_as, make_school):
    school = await make_school(name="Brook Primary School")
    inspector = await login_as("inspector", email=INSPECTOR_EMAIL, client=other_client)
    grant = await live_grant(inspector, school_urn=school.urn)
    assert (await other_client.get(f"/inspect/schools/{school.urn}")).status_code == 200

    await login_as("school_lead", school=school)
    listing = await client.page("/inspector-access")
    assert "Accepted" in listing.text and f'href="/inspector-access/{grant.id}/withdraw"' in listing.text
    confirm = await client.page(f"/inspector-access/{grant.id}/withdraw")
    assert f"Withdraw {INSPECTOR_EMAIL}" in confirm.text and 'id="withdraw-form"' in confirm.text
    assert (
        await InspectorGrant.objects().first()
    ).revoked_at is None  # the confirmation page changes nothing

    done = await client.post(f"/inspector-access/{grant.id}/withdraw")
    assert done.status_code == 303 and done.headers["location"] == f"/inspector-access?withdrawn={grant.id}"
    after = await client.page(done.headers["location"])
    assert "Access withdrawn" in after.text and "Withdrawn" in after.text
    assert f'href="/inspector-access/{grant.id}/withdraw"' not in after.text
    assert (
        await AuditEntry.count().where(
            (AuditEntry.entity == "inspector_grant") & (AuditEntry.action == "revoke")
        )
        == 1
    )

    assert (await other_client.get(f"/inspect/schools/{school.urn}")).status_code == 403
    ended = await client.page(f"/inspector-access/{grant.id}/withdraw")
    assert 'id="already-ended"' in ended.text and 'id="withdraw-form"' not in ended.text


async def test_leads_cannot_withdraw_what_is_not_theirs(client, login_as, make_school, make_trust):
    school, other = await make_school(), await make_school()
    trust = await make_trust(schools=[school])
    school_grant, _ = await inspector_grant_create(email=INSPECTOR_EMAIL, school_urn=other.urn, actor="lead")
    trust_grant, _ = await inspector_grant_create(email=INSPECTOR_EMAIL, trust_uid=trust.uid, actor="hr")
    await login_as("school_lead", school=school)
    # Another school's grant is invisible; the trust's grant is shown to the school but managed by the trust.
    assert (await client.get(f"/inspector-access/{school_grant.id}/withdraw")).status_code == 404
    assert (await client.post(f"/inspector-access/{school_grant.id}/withdraw")).status_code == 404
    listing = await client.page("/inspector-access")
    assert trust.name in listing.text and f"/inspector-access/{trust_grant.id}/withdraw" not in listing.text
    assert (await client.post(f"/inspector-access/{trust_grant.id}/withdraw")).status_code == 404
    assert await InspectorGrant.count().where(InspectorGrant.revoked_at.is_not_null()) == 0


# ---------------------------------------------------------------- what inspectors see


async def test_the_inspector_sees_findings_with_reasons_ratios_and_certificates_read_only(
    client, login_as, make_school
):
    school = await staffed_school(make_school)
    cert = await issue_for(school)
    account = await login_as("inspector", email=INSPECTOR_EMAIL)
    await live_grant(account, school_urn=school.urn)

    page = await client.page(f"/inspect/schools/{school.urn}?standard=proposed-2025")
    html = page.text
    assert "Read-only inspection view" in html and "Brook Primary School" in html
    _standard, findings = await evaluate_scope(
        standard_id="proposed-2025", as_of=dt.date.today(), school_urn=school.urn
    )
    # Every gap about the school or a leader is shown with its reason (as the engine wrote it).
    shown = [
        row for row in finding_rows(findings) if row["outcome"] in ("gap", "due-soon") and not withheld(row)
    ]
    assert len(shown) >= 2, "the fixture school should have gaps"
    for row in shown:
        assert str(escape(row["reason"])) in html, row["reason"]
    assert "A Khan" in html  # the SENCO, a leader, is named
    assert "C Private" not in html  # a teacher is never named
    assert 'id="ratios"' in html and "SENCO time at Brook Primary School is 0.4 FTE" in html
    # The certificates, with their downloads; no form that writes.
    assert (
        f'href="/certificates/{cert.code}/pdf"' in html
        and f'href="/certificates/{cert.code}/evidence-pack"' in html
    )
    assert 'method="post"' not in html.split('id="main-content"')[1]
    detail = await client.page(f"/certificates/{cert.code}")
    assert 'id="revoke-form"' not in detail.text and 'id="evidence-pack"' in detail.text

    bad = await client.get(f"/inspect/schools/{school.urn}?standard=made-up")
    assert bad.status_code == 200 and "There is a problem" in bad.text  # falls back to the default standard


async def test_an_inspector_cannot_see_another_school_staff_pages_or_lead_pages(
    client, app, login_as, make_school, make_trust, make_staff
):
    school, other = await make_school(), await make_school()
    trust = await make_trust(schools=[other])
    staff = await make_staff(school=school)
    other_cert = await issue_for(other)
    account = await login_as("inspector", email=INSPECTOR_EMAIL)
    await live_grant(account, school_urn=school.urn)

    assert (await client.get(f"/inspect/schools/{school.urn}")).status_code == 200
    for path in (
        f"/inspect/schools/{other.urn}",
        f"/inspect/trusts/{trust.uid}",
        f"/certificates/{other_cert.code}",
        f"/certificates/{other_cert.code}/pdf",
        f"/certificates/{other_cert.code}/evidence-pack",
        "/inspector-access",
        "/inspector-access/new",
    ):
        assert (await client.get(path)).status_code == 403, path
    assert (await client.get("/inspect/schools/999999")).status_code == 404
    assert not await can_see_staff(await load_current_user(account.id), staff.id)

    # Every page that lets inspectors in (other than pages for any signed-in account) is one of these:
    # the inspector pages, certificates (checked per school or trust), and the invitation link.
    allowed = re.compile(r"^/(inspect|inspect/.*|certificates/.*|inspector-invitations/.*)$")
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            roles = guard_roles(handler.resolve_guards())
            if "inspector" in roles and roles != frozenset(ROLES):
                assert allowed.match(route.path), f"{route.path} lets inspectors in"


async def test_an_inspector_cannot_write(client, app, login_as, make_school):
    """No route that changes data lets the inspector role in, except accepting their own invitation; and
    an inspector with a live grant is refused on each write route of the school."""
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            writes = handler.http_methods - {"GET", "HEAD", "OPTIONS"}
            if not writes or handler.opt.get("public"):
                continue
            roles = guard_roles(handler.resolve_guards())
            if "inspector" in roles and roles != frozenset(ROLES):
                assert route.path == "/inspector-invitations/{token:str}", f"{sorted(writes)} {route.path}"

    school = await make_school()
    cert = await issue_for(school)
    account = await login_as("inspector", email=INSPECTOR_EMAIL)
    grant = await live_grant(account, school_urn=school.urn)
    snapshot = cert.snapshot
    for path, data in (
        ("/certificates", {"snapshot_id": str(snapshot)}),
        (f"/certificates/{cert.code}/revoke", {"reason": "no"}),
        (
            "/inspector-access",
            {"email": "someone@ofsted.example", "scope": f"school:{school.urn}", "days": "60"},
        ),
        (f"/inspector-access/{grant.id}/withdraw", {}),
        (f"/schools/{school.urn}/evaluations", {"standard": "statutory-2024"}),
    ):
        response = await client.post(path, data)
        # (the school's evaluation route belongs to the compliance pages: refused, or not there at all)
        expected = (403, 404, 405) if path.startswith("/schools/") else (403,)
        assert response.status_code in expected, (path, response.status_code)
    assert await InspectorGrant.count() == 1
    assert (await InspectorGrant.objects().first()).revoked_at is None


# ---------------------------------------------------------------- the access log


async def test_inspector_access_is_logged_and_visible_to_the_school_and_trust(
    client, other_client, login_as, make_school, make_trust
):
    school = await make_school(name="Brook Primary School")
    sibling = await make_school(name="Sibling School")
    trust = await make_trust(schools=[school, sibling], name="Riverside Learning Trust")
    cert = await issue_for(school)
    sibling_cert = await issue_for(sibling)
    account = await login_as("inspector", email=INSPECTOR_EMAIL)
    grant = await live_grant(account, trust_uid=trust.uid)

    for path in (
        f"/inspect/trusts/{trust.uid}",
        f"/inspect/schools/{school.urn}",
        f"/certificates/{cert.code}",
        f"/certificates/{cert.code}/pdf",
        f"/certificates/{cert.code}/evidence-pack",
        f"/inspect/schools/{sibling.urn}",
        f"/certificates/{sibling_cert.code}/pdf",
    ):
        assert (await client.get(path)).status_code == 200, path
    trust_page = await client.page(f"/inspect/trusts/{trust.uid}")
    assert f'href="/inspect/schools/{school.urn}"' in trust_page.text

    log = await InspectorAccessLog.select().order_by(InspectorAccessLog.id)
    assert [(row["grant"], row["action"], row["scope"], row["scope_ref"]) for row in log] == [
        (grant.id, "view-compliance", "trust", trust.uid),
        (grant.id, "view-compliance", "school", str(school.urn)),
        (grant.id, "view-certificate", "school", str(school.urn)),
        (grant.id, "download-certificate", "school", str(school.urn)),
        (grant.id, "download-evidence", "school", str(school.urn)),
        (grant.id, "view-compliance", "school", str(sibling.urn)),
        (grant.id, "download-certificate", "school", str(sibling.urn)),
        (grant.id, "view-compliance", "trust", trust.uid),
    ]

    # The school lead sees what was opened about their school and the trust as a whole, not the sibling.
    await login_as("school_lead", school=school, client=other_client)
    page = await other_client.page("/inspector-access")
    log_html = page.text.split('id="access-log"')[1]
    assert log_html.count(INSPECTOR_EMAIL) == 6
    for text in (
        f"/inspect/trusts/{trust.uid}",
        f"/certificates/{cert.code}/evidence-pack",
        "Downloaded an evidence pack",
    ):
        assert text in log_html
    assert f"/inspect/schools/{sibling.urn}" not in log_html and sibling_cert.code not in log_html

    # The trust's HR lead sees everything under the trust's grant.
    await other_client.sign_out()
    await login_as("hr_lead", trust=trust, client=other_client)
    page = await other_client.page("/inspector-access")
    assert page.text.split('id="access-log"')[1].count(INSPECTOR_EMAIL) == 8

    # A lead of an unrelated school sees none of it.
    await other_client.sign_out()
    await login_as("school_lead", client=other_client)
    page = await other_client.page("/inspector-access")
    assert 'id="no-access-log"' in page.text and INSPECTOR_EMAIL not in page.text


@pytest.mark.parametrize("status", ["pending", "accepted", "expired", "withdrawn"])
async def test_grant_status(make_school, status):
    school = await make_school()
    account = await accounts.user_create(email=INSPECTOR_EMAIL, role="inspector", password="x" * 16)
    grant, token = await inspector_grant_create(email=INSPECTOR_EMAIL, school_urn=school.urn, actor="lead")
    if status in ("accepted", "expired"):
        await inspector_grant_accept(token=token, user_id=account.id)
    if status == "expired":
        await InspectorGrant.update({InspectorGrant.expires_at: dt.datetime.now(dt.UTC)}).where(
            InspectorGrant.id == grant.id
        )
    if status == "withdrawn":
        await inspectors.inspector_grant_revoke(grant_id=grant.id, actor="lead")
    assert (await inspectors.grant_view(grant.id)).status == status
    live = await inspectors.live_grants(account.id)
    assert [g.id for g in live] == ([grant.id] if status == "accepted" else [])

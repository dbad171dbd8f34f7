"""Inspector grants: time-limited, read-only access to one school or trust, every access logged."""

from __future__ import annotations

import datetime as dt

import pytest
from certificate_helpers import SCHOOL_FINDINGS, make_snapshot

from workforce.certificates import inspectors
from workforce.certificates.inspectors import (
    GrantError,
    inspector_access_allowed,
    inspector_grant_accept,
    inspector_grant_create,
    inspector_grant_revoke,
)
from workforce.certificates.services import certificate_issue
from workforce.certificates.tables import InspectorAccessLog, InspectorGrant
from workforce.people import accounts
from workforce.web.security import can_see_school, can_see_staff, can_see_trust, load_current_user


async def inspector(email: str = "inspector@ofsted.example"):
    account = await accounts.user_create(email=email, role="inspector", password="x" * 16)
    return await load_current_user(account.id)


async def test_an_accepted_grant_opens_one_school_until_it_expires(make_school, make_staff):
    school, other = await make_school(), await make_school()
    staff = await make_staff(school=school)
    user = await inspector()
    assert not await can_see_school(user, school.urn)

    grant, token = await inspector_grant_create(
        email="Inspector@Ofsted.example", school_urn=school.urn, actor="lead@example.org", days=7
    )
    stored = await InspectorGrant.objects().first()
    assert stored.token_hash == inspectors.token_hash(token) and token not in str(stored.to_dict())
    assert not await can_see_school(user, school.urn)  # not accepted yet

    await inspector_grant_accept(token=token, user_id=user.id)
    assert await can_see_school(user, school.urn)
    assert not await can_see_school(user, other.urn)
    assert not await can_see_staff(user, staff.id)  # never individual staff records

    # Seven days later the access has ended.
    await InspectorGrant.update({InspectorGrant.expires_at: dt.datetime.now(dt.UTC)}).where(
        InspectorGrant.id == grant.id
    )
    assert not await can_see_school(user, school.urn)


async def test_a_trust_grant_covers_the_trust_and_its_schools(make_school, make_trust):
    member, outsider = await make_school(), await make_school()
    trust = await make_trust(schools=[member])
    user = await inspector()
    _grant, token = await inspector_grant_create(email=user.email, trust_uid=trust.uid, actor="hr")
    await inspector_grant_accept(token=token, user_id=user.id)
    assert await can_see_trust(user, trust.uid)
    assert await can_see_school(user, member.urn)
    assert not await can_see_school(user, outsider.urn)


async def test_expired_withdrawn_misaddressed_and_unknown_invitations_are_refused(make_school):
    school = await make_school()
    user = await inspector()
    grant, token = await inspector_grant_create(email=user.email, school_urn=school.urn, actor="lead")
    await InspectorGrant.update(
        {InspectorGrant.expires_at: dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)}
    ).where(InspectorGrant.id == grant.id)
    with pytest.raises(GrantError, match="expired") as refused:
        await inspector_grant_accept(token=token, user_id=user.id)
    assert refused.value.kind == inspectors.EXPIRED

    grant, token = await inspector_grant_create(email=user.email, school_urn=school.urn, actor="lead")
    await inspector_grant_revoke(grant_id=grant.id, actor="lead")
    with pytest.raises(GrantError, match="withdrawn") as refused:
        await inspector_grant_accept(token=token, user_id=user.id)
    assert refused.value.kind == inspectors.WITHDRAWN

    _grant, token = await inspector_grant_create(
        email="someone.else@ofsted.example", school_urn=school.urn, actor="lead"
    )
    with pytest.raises(GrantError, match="another email"):
        await inspector_grant_accept(token=token, user_id=user.id)
    with pytest.raises(GrantError, match="not valid") as refused:
        await inspector_grant_accept(token="guessed-token", user_id=user.id)
    assert refused.value.kind == inspectors.UNKNOWN
    assert not await inspector_access_allowed(user, "school", school.urn)

    for kwargs, message in (
        ({"email": "nobody", "school_urn": school.urn}, "email"),
        ({"email": "a@b.example"}, "exactly one"),
        ({"email": "a@b.example", "school_urn": school.urn, "days": 61}, "1 to 60 days"),
        ({"email": "a@b.example", "school_urn": school.urn, "days": 0}, "1 to 60 days"),
        ({"email": "a@b.example", "school_urn": 999999}, "No school"),
    ):
        with pytest.raises(GrantError, match=message):
            await inspector_grant_create(actor="lead", **kwargs)


async def test_inspector_downloads_are_logged_and_writes_refused(client, login_as, make_school):
    school = await make_school()
    snapshot_id = await make_snapshot(
        [dict(f, urn=school.urn) for f in SCHOOL_FINDINGS], scope_ref=str(school.urn)
    )
    cert = await certificate_issue(snapshot_id=snapshot_id, actor="test")
    account = await login_as("inspector")
    assert (await client.get(f"/certificates/{cert.code}/pdf")).status_code == 403

    grant, token = await inspector_grant_create(email=account.email, school_urn=school.urn, actor="lead")
    await inspector_grant_accept(token=token, user_id=account.id)
    page = await client.page(f"/certificates/{cert.code}")
    assert 'id="revoke-form"' not in page.text  # read-only
    download = await client.get(f"/certificates/{cert.code}/pdf")
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    assert (await client.post(f"/certificates/{cert.code}/revoke", {"reason": "x"})).status_code == 403
    assert (await client.post("/certificates", {"snapshot_id": str(snapshot_id)})).status_code == 403

    log = await InspectorAccessLog.select().order_by(InspectorAccessLog.id)
    assert [(row["grant"], row["action"], row["path"]) for row in log] == [
        (grant.id, "view-certificate", f"/certificates/{cert.code}"),
        (grant.id, "download-certificate", f"/certificates/{cert.code}/pdf"),
    ]

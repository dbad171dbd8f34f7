"""Recording qualifications and placements, and verifying self-reported CPD, from a person's page."""

from __future__ import annotations

import re

import pytest
from leads_data import D, now, two_trusts

from workforce.people.tables import AuditEntry
from workforce.training.tables import CpdRecord, Placement, Qualification


@pytest.fixture
async def data():
    return await two_trusts()


def _date(prefix: str, value) -> dict[str, str]:
    return {
        f"{prefix}-day": str(value.day),
        f"{prefix}-month": str(value.month),
        f"{prefix}-year": str(value.year),
    }


async def _lee_cpd(data) -> int:
    return (await CpdRecord.select(CpdRecord.id).where(CpdRecord.staff == data.staff["lee"].id).first())["id"]


async def test_verify_self_reported_cpd(client, login_as, data):
    account = await login_as("school_lead", school=data.schools["oak"])
    lee, record = data.staff["lee"].id, await _lee_cpd(data)
    html = (await client.page(f"/staff/{lee}")).text
    row = re.search(r'id="cpd-%d".*?</tr>' % record, html, re.S).group(0)
    assert "Self-reported" in row and f'action="/staff/{lee}/cpd/{record}/verify"' in row
    response = await client.post(f"/staff/{lee}/cpd/{record}/verify")
    assert response.status_code == 303 and response.headers["location"] == f"/staff/{lee}?done=verified#cpd"
    stored = await CpdRecord.objects().where(CpdRecord.id == record).first()
    assert stored.status == "verified" and stored.verified_by == account.email
    audit = await AuditEntry.select().where(AuditEntry.action == "verify").output(load_json=True)
    assert len(audit) == 1 and audit[0]["staff"] == lee and audit[0]["after"]["status"] == "verified"
    html = (await client.page(f"/staff/{lee}?done=verified")).text
    assert "The CPD record has been verified." in html
    row = re.search(r'id="cpd-%d".*?</tr>' % record, html, re.S).group(0)
    assert "Verified" in row and "/verify" not in row
    history = re.search(r'<table[^>]*id="history".*?</table>', html, re.S).group(0)
    assert "CPD record: verified" in history and account.email in history


async def test_verify_needs_a_csrf_token(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    lee, record = data.staff["lee"].id, await _lee_cpd(data)
    response = await client.post(f"/staff/{lee}/cpd/{record}/verify", csrf=False)
    assert response.status_code == 403
    assert (await CpdRecord.select(CpdRecord.status).where(CpdRecord.id == record).first())[
        "status"
    ] == "self-reported"


async def test_verify_refuses_records_out_of_scope(client, login_as, data):
    stone_record = (
        await CpdRecord.insert(
            CpdRecord(
                staff=data.staff["stone"].id,
                title="Trust B CPD",
                activity_date=D(2026, 10, 3),
                created_at=now(),
                updated_at=now(),
            )
        )
    )[0]["id"]
    await login_as("hr_lead", trust=data.trusts["a"])
    lee, stone = data.staff["lee"].id, data.staff["stone"].id
    # another trust's person; and another person's record under a visible person's address
    assert (await client.post(f"/staff/{stone}/cpd/{stone_record}/verify")).status_code == 404
    assert (await client.post(f"/staff/{lee}/cpd/{stone_record}/verify")).status_code == 404
    assert (await CpdRecord.select(CpdRecord.status).where(CpdRecord.id == stone_record).first())[
        "status"
    ] == "self-reported"


async def test_teachers_cannot_verify_even_their_own_cpd(client, login_as, data):
    await login_as("teacher", staff=data.staff["lee"])
    lee, record = data.staff["lee"].id, await _lee_cpd(data)
    assert (await client.post(f"/staff/{lee}/cpd/{record}/verify")).status_code == 403


async def test_record_a_qualification(client, login_as, data):
    account = await login_as("hr_lead", trust=data.trusts["a"])
    hart = data.staff["hart"].id
    await client.page(f"/staff/{hart}/qualifications/new")
    form = {
        "kind": "npq-senco",
        "status": "passed",
        "provider": "Example NPQ Provider",
        **_date("start_date", D(2024, 10, 1)),
        **_date("award_date", D(2026, 7, 15)),
    }
    response = await client.post(f"/staff/{hart}/qualifications/new", form)
    assert response.status_code == 303 and response.headers["location"] == f"/staff/{hart}?done=qualification"
    stored = await Qualification.objects().where(Qualification.staff == hart).first()
    assert (stored.kind, stored.status, stored.award_date) == ("npq-senco", "passed", D(2026, 7, 15))
    audit = await AuditEntry.select().where(AuditEntry.entity == "qualification").output(load_json=True)
    assert audit[0]["actor"] == account.email and audit[0]["after"]["kind"] == "npq-senco"
    html = (await client.page(f"/staff/{hart}")).text
    assert "NPQ for SENCOs" in html and "15 July 2026" in html


async def test_a_qualification_the_service_refuses_is_shown_beside_its_field(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    hart = data.staff["hart"].id
    response = await client.post(f"/staff/{hart}/qualifications/new", {"kind": "nasenco", "status": "passed"})
    assert response.status_code == 422
    assert "Enter the award date of a passed qualification" in response.text
    assert 'href="#award_date"' in response.text or 'href="#award_date-day"' in response.text
    response = await client.post(f"/staff/{hart}/qualifications/new", {"status": "passed"})
    assert response.status_code == 422 and "Select the qualification" in response.text
    assert await Qualification.count().where(Qualification.staff == hart) == 0


async def test_record_a_placement(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    hart = data.staff["hart"].id
    form = {
        "route": "ITT",
        "host_urn": "610003",
        "days": "30",
        **_date("start_date", D(2021, 1, 11)),
        **_date("end_date", D(2021, 2, 19)),
    }
    response = await client.post(f"/staff/{hart}/placements/new", form)
    assert response.status_code == 303
    stored = await Placement.objects().where(Placement.staff == hart).first()
    assert (stored.route, stored.host_urn, stored.days) == ("ITT", 610003, 30)
    html = (await client.page(f"/staff/{hart}")).text
    assert "Birch Academy (URN 610003)" in html  # the host's name (a host may be any school)


async def test_a_placement_at_an_unknown_school_or_with_bad_values(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    hart = data.staff["hart"].id
    form = {"route": "ECF", "host_urn": "699999", **_date("start_date", D(2021, 1, 11))}
    response = await client.post(f"/staff/{hart}/placements/new", form)
    assert response.status_code == 422 and "There is no school with URN 699999" in response.text
    response = await client.post(f"/staff/{hart}/placements/new", {"host_urn": "12", "days": "500"})
    assert response.status_code == 422
    for message in (
        "Select ITT or ECF",
        "Host school URN must be 6 digits",
        "Enter the start date of the placement",
        "Days must be at most 400",
    ):
        assert message in response.text, message
    assert await Placement.count() == 0


async def test_training_pages_are_scoped(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    stone = data.staff["stone"].id
    assert (await client.get(f"/staff/{stone}/placements/new")).status_code == 404
    form = {"kind": "nasenco", "status": "registered"}
    assert (await client.post(f"/staff/{stone}/qualifications/new", form)).status_code == 404
    assert await Qualification.count().where(Qualification.staff == stone) == 1

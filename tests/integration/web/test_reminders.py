"""Reminders: due-soon pages for school and HR leads, and the email digest sent once per item and period."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workforce.people import accounts
from workforce.people.tables import StaffMember
from workforce.reminders import services
from workforce.reminders.selectors import due_soon_for_school, due_soon_for_trust
from workforce.standards.dates import add_months, format_date
from workforce.web.tables import ReminderSent

JUNE = dt.date(2027, 6, 15)  # the annual SEND CPD requirement is due soon from 1 June
WORKFORCE = shutil.which("workforce") or str(Path(sys.executable).parent / "workforce")


@pytest.fixture
async def trust_setup(make_school, make_trust, make_staff):
    """Oak Academy (in Oak Trust) with a SENCO short of the NPQ, two teachers without SEND CPD, and Elm
    Academy (another trust) with a teacher; plus one account per kind of recipient."""
    oak = await make_school(urn=100001, name="Oak Academy", scope_group="mainstream-academy", number_of_pupils=300)
    elm = await make_school(urn=100002, name="Elm Academy", scope_group="mainstream-academy", number_of_pupils=200)
    oak_trust = await make_trust(uid="5001", name="Oak Trust", schools=[oak])
    elm_trust = await make_trust(uid="5002", name="Elm Trust", schools=[elm])
    today = dt.date.today()
    senco = await make_staff(school=oak, role="senco", start_date=add_months(today, -26), first_name="Grace",
                             last_name="Hopper")
    ada = await make_staff(school=oak, role="teacher", first_name="Ada", last_name="Lovelace")
    alan = await make_staff(school=oak, role="teacher", first_name="Alan", last_name="Turing")
    await StaffMember.update({StaffMember.email: "alan.turing@example.org"}).where(StaffMember.id == alan.id)
    eve = await make_staff(school=elm, role="teacher", first_name="Eve", last_name="Elm")

    async def account(email, role, **scope):
        return await accounts.user_create(email=email, role=role, password="correct horse battery staple", **scope)

    await account("oak-lead@example.org", "school_lead", school_urn=100001)
    await account("oak-hr@example.org", "hr_lead", trust_uid="5001")
    await account("elm-hr@example.org", "hr_lead", trust_uid="5002")
    await account("ada@example.org", "teacher", staff_id=ada.id)
    return {"oak": oak, "elm": elm, "oak_trust": oak_trust, "elm_trust": elm_trust, "senco": senco, "ada": ada,
            "alan": alan, "eve": eve}


# ---------------------------------------------------------------- selectors


async def test_due_soon_for_school_and_trust(trust_setup):
    school_items = await due_soon_for_school(100001, as_of=JUNE)
    rules = {(i.rule_id, i.person_name) for i in school_items}
    assert ("send-cpd-annual", "Ada Lovelace") in rules and ("send-cpd-annual", "Alan Turing") in rules
    assert all(i.urn == 100001 for i in school_items)
    assert [i.due for i in school_items] == sorted(i.due for i in school_items)
    trust_items = await due_soon_for_trust("5001", as_of=JUNE)
    assert {i.item_key for i in school_items} <= {i.item_key for i in trust_items}
    assert "Eve Elm" not in {i.person_name for i in trust_items}


# ---------------------------------------------------------------- pages


async def test_school_lead_sees_their_schools_due_soon_list(client, login_as, trust_setup):
    await login_as("school_lead", school=trust_setup["oak"])
    response = await client.get("/reminders")
    assert response.status_code == 303 and response.headers["location"] == "/reminders/schools/100001"
    page = await client.page("/reminders/schools/100001")
    assert "Due soon at Oak Academy" in page.text
    assert "Grace Hopper" in page.text
    assert "The SENCO holds the mandatory SENCO qualification within 3 years of appointment" in page.text
    deadline = add_months(add_months(dt.date.today(), -26), 36)
    assert format_date(deadline) in page.text
    assert "Eve Elm" not in page.text


async def test_school_lead_cannot_open_another_school_or_a_trust(client, login_as, trust_setup):
    await login_as("school_lead", school=trust_setup["oak"])
    assert (await client.get("/reminders/schools/100002")).status_code == 403
    assert (await client.get("/reminders/trusts/5001")).status_code == 403
    assert (await client.get("/reminders/schools/999999")).status_code == 404


async def test_hr_lead_sees_the_trust_list_and_its_schools_only(client, login_as, trust_setup):
    await login_as("hr_lead", trust=trust_setup["oak_trust"])
    response = await client.get("/reminders")
    assert response.headers["location"] == "/reminders/trusts/5001"
    page = await client.page("/reminders/trusts/5001")
    assert "Due soon in Oak Trust" in page.text and "Oak Academy (URN 100001)" in page.text
    assert "Grace Hopper" in page.text and "Eve Elm" not in page.text
    assert (await client.get("/reminders/schools/100001")).status_code == 200
    assert (await client.get("/reminders/trusts/5002")).status_code == 403
    assert (await client.get("/reminders/schools/100002")).status_code == 403


@pytest.mark.parametrize("role", ["teacher", "dfe_analyst", "inspector"])
async def test_other_roles_are_refused(client, login_as, trust_setup, role):
    await login_as(role)
    assert (await client.get("/reminders")).status_code == 403
    assert (await client.get("/reminders/schools/100001")).status_code == 403


async def test_empty_state(client, login_as, make_school):
    school = await make_school(name="Quiet School")
    await login_as("school_lead", school=school)
    page = await client.page(f"/reminders/schools/{school.urn}")
    assert "Nothing is due soon." in page.text


# ---------------------------------------------------------------- digest


async def test_digest_goes_to_each_recipient_once_per_item_and_period(smtp_server, trust_setup):
    first = await services.reminders_send(as_of=JUNE)
    assert first.ok and first.period == "2027-06"
    recipients = sorted(m["To"] for m in smtp_server.messages)
    assert recipients == sorted([
        "oak-lead@example.org", "oak-hr@example.org", "elm-hr@example.org", "ada@example.org",
        "alan.turing@example.org",
    ])
    lead = smtp_server.bodies_to("oak-lead@example.org")[0]
    assert "Ada Lovelace" in lead and "Alan Turing" in lead and "Grace Hopper" in lead
    assert "Annual SEND CPD for every teacher and teaching assistant (due by 31 August 2027)" in lead
    assert "/reminders/schools/100001" in lead and "Eve Elm" not in lead
    ada = smtp_server.bodies_to("ada@example.org")[0]
    assert "Annual SEND CPD" in ada and "Alan Turing" not in ada and "Grace Hopper" not in ada
    assert "/my-cpd/requirements" in ada
    elm = smtp_server.bodies_to("elm-hr@example.org")[0]
    assert "Eve Elm" in elm and "Oak Academy" not in elm
    subjects = {m["To"]: m["Subject"] for m in smtp_server.messages}
    assert subjects["ada@example.org"] == "SEND Workforce: 1 item due soon for Ada Lovelace"
    assert await ReminderSent.count() == first.items_sent

    count = len(smtp_server.messages)
    second = await services.reminders_send(as_of=JUNE + dt.timedelta(days=7))
    assert second.emails_sent == 0 and second.items_sent == 0
    assert second.items_already_sent == first.items_sent
    assert len(smtp_server.messages) == count

    next_month = await services.reminders_send(as_of=dt.date(2027, 7, 1))
    assert next_month.emails_sent == 5 and next_month.period == "2027-07"


async def test_a_new_item_is_sent_even_when_others_were(smtp_server, trust_setup, make_staff):
    await services.reminders_send(as_of=JUNE)
    count = len(smtp_server.messages)
    await make_staff(school=trust_setup["oak"], role="ta", first_name="New", last_name="Starter",
                     start_date=dt.date(2020, 9, 1))
    again = await services.reminders_send(as_of=JUNE)
    new_mail = smtp_server.messages[count:]
    assert sorted(m["To"] for m in new_mail) == ["oak-hr@example.org", "oak-lead@example.org"]
    for message in new_mail:
        body = message.get_body(("plain",)).get_content()
        assert "New Starter" in body and "Ada Lovelace" not in body
    assert again.items_sent == 2


async def test_disabled_accounts_get_nothing(smtp_server, trust_setup):
    await accounts.user_disable(email="oak-lead@example.org", actor="test")
    await services.reminders_send(as_of=JUNE)
    assert "oak-lead@example.org" not in {m["To"] for m in smtp_server.messages}


async def test_dry_run_sends_and_records_nothing(smtp_server, trust_setup):
    report = await services.reminders_send(as_of=JUNE, dry_run=True)
    assert report.emails_sent == 5 and report.items_sent > 0
    assert smtp_server.messages == [] and await ReminderSent.count() == 0


async def test_unreachable_mail_server_leaves_reminders_to_retry(monkeypatch, trust_setup):
    from workforce.config import get_settings

    with monkeypatch.context() as patch:
        patch.setenv("SMTP_HOST", "127.0.0.1")
        patch.setenv("SMTP_PORT", "1")  # nothing listens there
        get_settings.cache_clear()
        try:
            report = await services.reminders_send(as_of=JUNE)
        finally:
            get_settings.cache_clear()
    get_settings.cache_clear()
    assert not report.ok and len(report.failures) == 5 and report.emails_sent == 0
    assert await ReminderSent.count() == 0


def _workforce(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([WORKFORCE, *args], check=False, capture_output=True, text=True, env=dict(os.environ), timeout=120)


async def test_cli_sends_then_sends_nothing_the_second_time(smtp_server, trust_setup):
    first = _workforce("reminders", "send", "--as-of", JUNE.isoformat())
    assert first.returncode == 0, first.stderr
    assert "Sent 5 emails" in first.stdout and "for 2027-06" in first.stdout
    assert len(smtp_server.messages) == 5
    second = _workforce("reminders", "send", "--as-of", JUNE.isoformat())
    assert second.returncode == 0, second.stderr
    assert "Sent 0 emails with 0 item(s)" in second.stdout
    assert len(smtp_server.messages) == 5


async def test_cli_dry_run_and_bad_date(smtp_server, trust_setup):
    dry = _workforce("reminders", "send", "--as-of", JUNE.isoformat(), "--dry-run")
    assert dry.returncode == 0 and "Would send 5 emails" in dry.stdout
    assert "Would send 1 item(s) to ada@example.org (Ada Lovelace)" in dry.stdout
    assert smtp_server.messages == []
    bad = _workforce("reminders", "send", "--as-of", "15/06/2027")
    assert bad.returncode == 2
    assert "'15/06/2027' does not match the format '%Y-%m-%d'" in bad.stderr

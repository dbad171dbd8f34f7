"""The audit log of a person's records, shown to HR and school leads: who, when, what, before and after."""

from __future__ import annotations

import re

import pytest
from leads_data import D, two_trusts

from workforce.audit import audit_record
from workforce.training.tables import CpdRecord


@pytest.fixture
async def data():
    return await two_trusts()


def _history_rows(html: str) -> list[str]:
    table = re.search(r'<table[^>]*id="history".*?</table>', html, re.S)
    assert table, "no history table"
    return re.findall(r'<tr class="govuk-table__row" id="history-\d+">(.*?)</tr>', table.group(0), re.S)


def _date(prefix: str, value) -> dict[str, str]:
    return {
        f"{prefix}-day": str(value.day),
        f"{prefix}-month": str(value.month),
        f"{prefix}-year": str(value.year),
    }


async def test_changes_from_pages_uploads_and_verification_all_appear_newest_first(client, login_as, data):
    account = await login_as("hr_lead", trust=data.trusts["a"])
    lee, post = data.staff["lee"].id, data.employments["lee"].id
    # a change through a page
    form = {
        "place": f"school:{data.schools['oak'].id}",
        "role": "ta",
        "fte": "0.7",
        **_date("start_date", D(2019, 1, 7)),
    }
    assert (await client.post(f"/staff/{lee}/employments/{post}/edit", form)).status_code == 303
    # CPD verified
    record = (await CpdRecord.select(CpdRecord.id).where(CpdRecord.staff == lee).first())["id"]
    assert (await client.post(f"/staff/{lee}/cpd/{record}/verify")).status_code == 303
    # a CPD file uploaded and applied
    content = "staff_id,title,date,hours\nOAK-2,Makaton level 1,2026-10-12,3\n"
    response = await client.post(
        "/uploads", {"kind": "cpd"}, files={"file": ("cpd.csv", content.encode(), "text/csv")}
    )
    token = re.search(r'action="/uploads/([A-Za-z0-9_-]{32})/apply"', response.text).group(1)
    assert (await client.post(f"/uploads/{token}/apply")).status_code == 200

    rows = _history_rows((await client.page(f"/staff/{lee}/history")).text)
    assert len(rows) == 3
    newest, middle, oldest = rows
    assert "CPD record: added" in newest and "Makaton level 1" in newest
    assert "CPD record: verified" in middle and "self-reported" in middle and "verified" in middle
    assert "Employment: changed" in oldest and "0.6" in oldest and "0.7" in oldest and "fte" in oldest
    assert all(account.email in row for row in rows)
    assert all(re.search(r"\d{1,2} \w+ \d{4}", row) for row in rows)  # when


async def test_values_before_and_after_are_shown_readably(client, login_as, data):
    lee = data.staff["lee"].id
    await audit_record(
        actor="cli:import staff",
        action="update",
        entity="staff_member",
        entity_id=lee,
        staff_id=lee,
        before={"email": None, "qts": False},
        after={"email": "carol@oak.example", "qts": True},
    )
    await login_as("school_lead", school=data.schools["oak"])
    (row,) = _history_rows((await client.page(f"/staff/{lee}")).text)
    assert "cli:import staff" in row and "Personal details: changed" in row
    assert re.search(r"email</dt>\s*<dd[^>]*>\s*<span[^>]*>empty</span>.*carol@oak.example", row, re.S)
    assert re.search(r"qts</dt>\s*<dd[^>]*>\s*no.*yes", row, re.S)


async def test_an_entry_with_a_value_that_looks_like_markup_is_escaped(client, login_as, data):
    lee = data.staff["lee"].id
    await audit_record(
        actor="<script>x</script>",
        action="update",
        entity="staff_member",
        entity_id=lee,
        staff_id=lee,
        before={"title": "Mrs"},
        after={"title": "<b>Dr</b>"},
    )
    await login_as("school_lead", school=data.schools["oak"])
    html = (await client.page(f"/staff/{lee}/history")).text
    assert "<script>x</script>" not in html and "&lt;script&gt;" in html and "&lt;b&gt;Dr&lt;/b&gt;" in html


async def test_history_is_for_leads_of_the_persons_schools_only(client, login_as, data):
    lee = data.staff["lee"].id
    await audit_record(
        actor="someone",
        action="update",
        entity="employment",
        entity_id=1,
        staff_id=lee,
        before={"fte": 0.5},
        after={"fte": 0.6},
    )
    await login_as("teacher", staff=data.staff["lee"])  # even the person themselves: leads only
    assert (await client.get(f"/staff/{lee}/history")).status_code == 403
    await client.sign_out()
    await login_as("hr_lead", trust=data.trusts["b"])
    assert (await client.get(f"/staff/{lee}/history")).status_code == 404
    await client.sign_out()
    await login_as("school_lead", school=data.schools["ash"])
    assert (await client.get(f"/staff/{lee}/history")).status_code == 404
    await client.sign_out()
    await login_as("admin")
    rows = _history_rows((await client.page(f"/staff/{lee}/history")).text)
    assert any("someone" in row and "Employment: changed" in row for row in rows)
    assert any("Sign-in account: added" in row for row in rows)  # the teacher's account, linked to them


async def test_no_changes_yet(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    html = (await client.page(f"/staff/{data.staff['hart'].id}/history")).text
    assert 'id="no-history"' in html

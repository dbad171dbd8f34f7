"""Records created by a staff import (in bulk, audit entries built by the database) show on the person's
history page like any other change: who, when, what, with readable values."""

from __future__ import annotations

import re

from leads_data import two_trusts

from workforce.imports import import_file
from workforce.people.tables import StaffMember

STAFF_CSV = (
    "staff_id,trn,title,first_name,last_name,email,qts,school_urn,role,fte,start_date,senior_leader\n"
    "OAK-9,7654321,Dr,Nia,Evans,nia@oak.example,yes,610001,teacher,0.5,2024-09-02,no\n"
)


def _history_rows(html: str) -> list[str]:
    table = re.search(r'<table[^>]*id="history".*?</table>', html, re.DOTALL)
    assert table, "no history table"
    return re.findall(r'<tr class="govuk-table__row" id="history-\d+">(.*?)</tr>', table.group(0), re.DOTALL)


async def test_an_imported_person_and_post_appear_on_the_history_page(client, login_as):
    data = await two_trusts()
    report = await import_file("staff", STAFF_CSV.encode(), actor="hr.lead@oak.example")
    assert report.applied, report.error_lines()
    person = await StaffMember.select(StaffMember.id).where(StaffMember.staff_ref == "OAK-9").first()

    await login_as("school_lead", school=data.schools["oak"])
    rows = _history_rows((await client.page(f"/staff/{person['id']}/history")).text)
    assert len(rows) == 2
    post, details = rows  # newest first: the employment was created after the person
    assert "Employment: added" in post and "hr.lead@oak.example" in post
    assert re.search(r">fte</dt>\s*<dd[^>]*>\s*0\.5\s", post, re.DOTALL)
    assert re.search(r"start date</dt>\s*<dd[^>]*>\s*2024-09-02", post, re.DOTALL)
    assert "Personal details: added" in details and "Evans" in details and "7654321" in details
    assert re.search(r">qts</dt>\s*<dd[^>]*>\s*yes\s", details, re.DOTALL)

"""Staff management: a school's staff, a person's page, adding people and posts, changing and ending posts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from leads_data import D, two_trusts

from workforce.people.tables import AuditEntry, Employment, StaffMember


@pytest.fixture
async def data():
    return await two_trusts()


def _date(prefix: str, value: dt.date) -> dict[str, str]:
    return {
        f"{prefix}-day": str(value.day),
        f"{prefix}-month": str(value.month),
        f"{prefix}-year": str(value.year),
    }


async def _audit(entity: str, action: str) -> list[dict]:
    return (
        await AuditEntry.select()
        .where((AuditEntry.entity == entity) & (AuditEntry.action == action))
        .output(load_json=True)
    )


# ---------------------------------------------------------------- lists and the person page


async def test_staff_list_of_a_school(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    html = (await client.page("/schools/610001/staff")).text
    table = re.search(r'<table[^>]*id="staff".*?</table>', html, re.S).group(0)
    assert re.findall(r'<a class="govuk-link" href="/staff/\d+">([^<]+)</a>', table) == [
        "Mr Tom Hart",
        "Ms Aisha Khan",
        "Mrs Carol Lee",
    ]
    assert "OAK-1" in table and "1234567" in table and "SENCO, 1 FTE, from 3 January 2023" in table
    assert "Priya" not in html and "Bob Stone" not in html


async def test_staff_list_search_and_people_who_have_left(client, login_as, data):
    await Employment.update({Employment.end_date: D(2024, 8, 31)}).where(
        Employment.id == data.employments["hart"].id
    )
    await login_as("school_lead", school=data.schools["oak"])
    html = (await client.page("/schools/610001/staff")).text
    assert "Tom Hart" not in html
    html = (await client.page("/schools/610001/staff?former=yes")).text
    assert (
        "Mr Tom Hart" in html and 'href="/staff/%d"' % data.staff["hart"].id not in html
    )  # no longer openable
    html = (await client.page("/schools/610001/staff?q=khan")).text
    assert "Aisha Khan" in html and "Carol Lee" not in html
    html = (await client.page("/schools/610001/staff?q=OAK-2")).text
    assert "Carol Lee" in html and "Aisha Khan" not in html
    html = (await client.page("/schools/610001/staff?q=nobody")).text
    assert 'id="no-staff"' in html and "No one matches" in html


async def test_person_page_shows_posts_qualifications_cpd_and_history(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    khan = data.staff["khan"].id
    html = (await client.page(f"/staff/{khan}")).text
    assert '<h1 class="govuk-heading-l">Ms Aisha Khan</h1>' in html
    assert "Oak Academy (URN 610001)" in html and "SENCO time 0.3 FTE" in html
    assert "NPQ for SENCOs" in html and "In progress" in html
    assert 'id="no-placements"' in html and 'id="no-cpd"' in html and 'id="no-history"' in html
    assert f'href="/staff/{khan}/employments/{data.employments["khan"].id}/edit"' in html


async def test_scope_of_person_pages(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    assert (await client.get(f"/staff/{data.staff['lee'].id}")).status_code == 200
    for other in ("shah", "stone"):  # another school of the trust; another trust
        pid = data.staff[other].id
        for path in (
            f"/staff/{pid}",
            f"/staff/{pid}/history",
            f"/staff/{pid}/employments/new",
            f"/staff/{pid}/qualifications/new",
        ):
            assert (await client.get(path)).status_code == 404, path
    assert (await client.get("/staff/999999")).status_code == 404
    assert (await client.get("/schools/610002/staff")).status_code == 403


async def test_hr_lead_of_trust_a_cannot_see_or_change_trust_b_people(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    assert (
        await client.get(f"/staff/{data.staff['shah'].id}")
    ).status_code == 200  # Ash Academy is in trust A
    stone = data.staff["stone"].id
    post = data.employments["stone"].id
    assert (await client.get(f"/staff/{stone}")).status_code == 404
    assert (await client.get("/schools/610003/staff")).status_code == 403
    response = await client.post(f"/staff/{stone}/employments/{post}/end", _date("end_date", D(2026, 8, 31)))
    assert response.status_code == 404
    response = await client.post("/schools/610003/staff/new", {"staff_ref": "X"})
    assert response.status_code == 403
    assert (await Employment.select(Employment.end_date).where(Employment.id == post).first())[
        "end_date"
    ] is None
    assert await AuditEntry.count().where(AuditEntry.staff.is_not_null()) == 0


@pytest.mark.parametrize("role", ["teacher", "dfe_analyst", "inspector"])
async def test_other_roles_cannot_manage_staff(client, login_as, data, role):
    await login_as(role)
    assert (await client.get("/schools/610001/staff")).status_code == 403
    assert (await client.get(f"/staff/{data.staff['lee'].id}")).status_code == 403


# ---------------------------------------------------------------- adding a person


async def test_add_a_person_with_their_first_post(client, login_as, data):
    account = await login_as("school_lead", school=data.schools["oak"])
    await client.page("/schools/610001/staff/new")
    form = {
        "staff_ref": "OAK-10",
        "title": "Dr",
        "first_name": "Nia",
        "last_name": "Okafor",
        "email": "nia@oak.example",
        "trn": "7654321",
        "qts": "yes",
        "role": "senco",
        "fte": "0.8",
        "senior_leader": "yes",
        "senco_fte": "0.5",
        **_date("start_date", D(2025, 9, 1)),
    }
    response = await client.post("/schools/610001/staff/new", form)
    assert response.status_code == 303
    person = await StaffMember.objects().where(StaffMember.staff_ref == "OAK-10").first()
    assert response.headers["location"] == f"/staff/{person.id}?done=added"
    assert (person.trn, person.qts, person.email) == ("7654321", True, "nia@oak.example")
    post = await Employment.objects().where(Employment.staff == person.id).first()
    assert (post.role, post.senior_leader, post.start_date) == ("senco", True, D(2025, 9, 1))
    assert (post.fte, post.senco_fte) == (pytest.approx(0.8), pytest.approx(0.5))
    assert post.school == data.schools["oak"].id
    created = await _audit("staff_member", "create")
    assert (
        len(created) == 1
        and created[0]["actor"] == account.email
        and created[0]["after"]["last_name"] == "Okafor"
    )
    posts = await _audit("employment", "create")
    assert len(posts) == 1 and posts[0]["staff"] == person.id and posts[0]["after"]["role"] == "senco"
    html = (await client.page(response.headers["location"])).text
    assert "The member of staff has been added." in html
    history = re.search(r'<table[^>]*id="history".*?</table>', html, re.S).group(0)
    assert (
        account.email in history and "Personal details: added" in history and "Employment: added" in history
    )


async def test_add_a_person_shows_every_problem(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    form = {
        "staff_ref": "",
        "first_name": "",
        "last_name": "X",
        "trn": "123",
        "email": "nope",
        "fte": "2",
        "senco_fte": "0.5",
        "start_date-day": "30",
        "start_date-month": "2",
        "start_date-year": "2025",
    }
    response = await client.post("/schools/610001/staff/new", form)
    assert response.status_code == 422
    html = response.text
    assert "There is a problem" in html and "<title>Error:" in html
    for message in (
        "Enter the staff id",
        "Enter first name",
        "TRN must be exactly 7 digits",
        "Email address must be in the correct format",
        "FTE must be between 0 and 1",
        "Start date must be a real date",
        "Select the role",
    ):
        assert message in html, message
    assert 'href="#start_date-day"' in html  # the summary links to the day box of the date
    assert 'value="X"' in html  # what was typed is kept
    assert await StaffMember.count() == 5  # nothing written


async def test_a_clashing_staff_id_or_trn_writes_nothing(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    form = {
        "staff_ref": "OAK-1",
        "first_name": "A",
        "last_name": "B",
        "role": "ta",
        **_date("start_date", D(2025, 9, 1)),
    }
    response = await client.post("/schools/610001/staff/new", form)
    assert response.status_code == 422 and "Staff id OAK-1 is already used" in response.text
    form.update(staff_ref="OAK-11", trn="3456789")  # Bob Stone's TRN (trust B)
    response = await client.post("/schools/610001/staff/new", form)
    assert response.status_code == 422 and "TRN 3456789 is already recorded" in response.text
    assert await StaffMember.count() == 5 and await Employment.count() == 5
    assert await AuditEntry.count().where(AuditEntry.staff.is_not_null()) == 0


async def test_add_a_person_without_csrf_token_is_refused(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    form = {
        "staff_ref": "OAK-12",
        "first_name": "A",
        "last_name": "B",
        "role": "ta",
        **_date("start_date", D(2025, 9, 1)),
    }
    response = await client.post("/schools/610001/staff/new", form, csrf=False)
    assert response.status_code == 403
    assert await StaffMember.count() == 5


# ---------------------------------------------------------------- posts


async def test_add_a_post_at_another_trust_school(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    khan = data.staff["khan"].id
    html = (await client.page(f"/staff/{khan}/employments/new")).text
    options = re.findall(r'<option value="([^"]*)"', html)
    assert f"school:{data.schools['ash'].id}" in options and f"trust:{data.trusts['a'].id}" in options
    assert f"school:{data.schools['birch'].id}" not in options
    form = {
        "place": f"school:{data.schools['ash'].id}",
        "role": "senco",
        "fte": "0.5",
        **_date("start_date", D(2026, 1, 5)),
    }
    response = await client.post(f"/staff/{khan}/employments/new", form)
    assert response.status_code == 303
    assert (
        await Employment.count().where(
            (Employment.staff == khan) & (Employment.school == data.schools["ash"].id)
        )
        == 1
    )
    # a school of another trust cannot be chosen, even by editing the form
    form["place"] = f"school:{data.schools['birch'].id}"
    response = await client.post(f"/staff/{khan}/employments/new", form)
    assert response.status_code == 422 and "Select a school you look after" in response.text
    assert await Employment.count().where(Employment.school == data.schools["birch"].id) == 1


async def test_add_a_trust_level_post(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    khan = data.staff["khan"].id
    form = {
        "place": f"trust:{data.trusts['a'].id}",
        "role": "trust-leader",
        "senior_leader": "yes",
        **_date("start_date", D(2026, 4, 20)),
    }
    assert (await client.post(f"/staff/{khan}/employments/new", form)).status_code == 303
    post = (
        await Employment.objects()
        .where((Employment.staff == khan) & (Employment.trust == data.trusts["a"].id))
        .first()
    )
    assert post.school is None and post.senior_leader is True and post.fte == 1.0


async def test_edit_a_post_is_audited_with_before_and_after(client, login_as, data):
    account = await login_as("school_lead", school=data.schools["oak"])
    lee, post = data.staff["lee"].id, data.employments["lee"].id
    html = (await client.page(f"/staff/{lee}/employments/{post}/edit")).text
    assert (
        'value="0.6"' in html
        and 'name="start_date-year" type="text" value="2019"' in html.replace("\n", " ")
        or 'value="2019"' in html
    )
    form = {
        "place": f"school:{data.schools['oak'].id}",
        "role": "ta",
        "fte": "0.8",
        **_date("start_date", D(2019, 1, 7)),
    }
    response = await client.post(f"/staff/{lee}/employments/{post}/edit", form)
    assert response.status_code == 303 and response.headers["location"] == f"/staff/{lee}?done=post-changed"
    assert (await Employment.select(Employment.fte).where(Employment.id == post).first())[
        "fte"
    ] == pytest.approx(0.8)
    updates = await _audit("employment", "update")
    assert len(updates) == 1
    assert updates[0]["before"] == {"fte": 0.6} and updates[0]["after"] == {"fte": 0.8}
    assert updates[0]["actor"] == account.email and updates[0]["staff"] == lee
    history = (await client.page(f"/staff/{lee}")).text
    assert "0.6" in history and "0.8" in history and "Employment: changed" in history
    # saving the same values again changes nothing and writes no audit entry
    assert (await client.post(f"/staff/{lee}/employments/{post}/edit", form)).status_code == 303
    assert len(await _audit("employment", "update")) == 1


async def test_edit_a_post_with_bad_values(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    khan, post = data.staff["khan"].id, data.employments["khan"].id
    form = {
        "place": f"school:{data.schools['oak'].id}",
        "role": "senco",
        "fte": "0.4",
        "senco_fte": "0.5",
        **_date("start_date", D(2023, 1, 3)),
        **_date("end_date", D(2022, 1, 1)),
    }
    response = await client.post(f"/staff/{khan}/employments/{post}/edit", form)
    assert response.status_code == 422
    assert (
        "SENCO time cannot be more than the post&#39;s FTE" in response.text
        or "SENCO time cannot be more than the post's FTE" in response.text
    )
    assert "End date must be the same as or after the start date" in response.text
    assert (await Employment.select(Employment.fte).where(Employment.id == post).first())["fte"] == 1.0


async def test_a_school_lead_cannot_change_a_shared_colleague_post_at_another_school(client, login_as, data):
    """Ms Khan also works at Ash Academy: Oak's lead sees the post but cannot change or end it."""
    ash_post = (
        await Employment.insert(
            Employment(
                staff=data.staff["khan"].id,
                school=data.schools["ash"].id,
                role="senco",
                start_date=D(2024, 9, 1),
                updated_at=dt.datetime.now(dt.timezone.utc),
            )
        )
    )[0]["id"]
    await login_as("school_lead", school=data.schools["oak"])
    khan = data.staff["khan"].id
    html = (await client.page(f"/staff/{khan}")).text
    assert "Ash Academy (URN 610002)" in html
    assert f"/employments/{ash_post}/edit" not in html and f"/employments/{ash_post}/end" not in html
    assert (await client.get(f"/staff/{khan}/employments/{ash_post}/edit")).status_code == 403
    response = await client.post(
        f"/staff/{khan}/employments/{ash_post}/end", _date("end_date", D(2026, 8, 31))
    )
    assert response.status_code == 403
    assert (await Employment.select(Employment.end_date).where(Employment.id == ash_post).first())[
        "end_date"
    ] is None
    # and another person's post id under this person's address is not found
    lee_post = data.employments["lee"].id
    assert (await client.get(f"/staff/{khan}/employments/{lee_post}/edit")).status_code == 404


async def test_end_a_post_after_a_confirmation_page(client, login_as, data):
    account = await login_as("school_lead", school=data.schools["oak"])
    hart, post = data.staff["hart"].id, data.employments["hart"].id
    html = (await client.page(f"/staff/{hart}/employments/{post}/end")).text
    assert "End this post" in html and "Teacher at Oak Academy, from 1 September 2021" in html
    today = dt.date.today()
    assert f'value="{today.year}"' in html  # the last day defaults to today
    response = await client.post(f"/staff/{hart}/employments/{post}/end", _date("end_date", D(2021, 8, 1)))
    assert response.status_code == 422 and "same as or after the start date" in response.text
    response = await client.post(f"/staff/{hart}/employments/{post}/end", _date("end_date", D(2026, 8, 31)))
    assert response.status_code == 303
    assert (await Employment.select(Employment.end_date).where(Employment.id == post).first())[
        "end_date"
    ] == D(2026, 8, 31)
    ended = await _audit("employment", "end")
    assert (
        len(ended) == 1
        and ended[0]["before"] == {"end_date": None}
        and ended[0]["after"] == {"end_date": "2026-08-31"}
    )
    assert ended[0]["actor"] == account.email


async def test_end_without_a_date_shows_an_error(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    hart, post = data.staff["hart"].id, data.employments["hart"].id
    response = await client.post(f"/staff/{hart}/employments/{post}/end", {})
    assert response.status_code == 422 and "Enter the last day of the post" in response.text


async def test_change_personal_details(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    lee = data.staff["lee"].id
    html = (await client.page(f"/staff/{lee}/details")).text
    assert 'value="OAK-2"' in html
    form = {
        "staff_ref": "OAK-2",
        "title": "Mrs",
        "first_name": "Carol",
        "last_name": "Lee-Smith",
        "trn": "",
        "email": "",
    }
    assert (await client.post(f"/staff/{lee}/details", form)).status_code == 303
    updates = await _audit("staff_member", "update")
    assert updates[0]["before"] == {"last_name": "Lee"} and updates[0]["after"] == {"last_name": "Lee-Smith"}
    form["trn"] = "1234567"  # Ms Khan's
    response = await client.post(f"/staff/{lee}/details", form)
    assert response.status_code == 422 and "TRN 1234567 is already recorded" in response.text


async def test_history_page_is_paginated(client, login_as, data):
    account = await login_as("school_lead", school=data.schools["oak"])
    lee, post = data.staff["lee"].id, data.employments["lee"].id
    for i in range(55):
        form = {
            "place": f"school:{data.schools['oak'].id}",
            "role": "ta",
            "fte": f"0.{(i % 9) + 1}",
            **_date("start_date", D(2019, 1, 7)),
        }
        await client.post(f"/staff/{lee}/employments/{post}/edit", form)
    total = await AuditEntry.count().where(AuditEntry.staff == lee)
    assert total > 50
    html = (await client.page(f"/staff/{lee}")).text
    assert f'href="/staff/{lee}/history"' in html and f"(10 of {total})" in html
    page1 = (await client.page(f"/staff/{lee}/history")).text
    assert len(re.findall(r'<tr class="govuk-table__row" id="history-\d+"', page1)) == 50
    page2 = (await client.page(f"/staff/{lee}/history?page=2")).text
    assert len(re.findall(r'<tr class="govuk-table__row" id="history-\d+"', page2)) == total - 50
    assert account.email in page2

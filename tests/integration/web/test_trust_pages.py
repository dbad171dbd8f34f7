"""The trust overview: every school with its status per rule, ratios, gaps and due-soon counts; scope."""

from __future__ import annotations

import re

import pytest
from leads_data import AS_OF_QUERY, D, add_person, add_post, add_school, two_trusts

from workforce.compliance.tables import EvaluationSnapshot
from workforce.organisations.tables import TrustMembership


@pytest.fixture
async def data():
    return await two_trusts()


def _school_rows(html: str) -> dict[str, str]:
    table = re.search(r'<table[^>]*id="schools".*?</table>', html, re.S)
    assert table, "no schools table"
    return dict(
        re.findall(r'<tr class="govuk-table__row" id="school-(\d+)">(.*?)</tr>', table.group(0), re.S)
    )


async def test_hr_lead_sees_every_school_of_their_trust_with_status_per_rule(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    html = (await client.page(f"/trusts/5001{AS_OF_QUERY}")).text
    assert "Oak Learning Trust: compliance overview" in html
    rows = _school_rows(html)
    assert set(rows) == {"610001", "610002"}
    assert "Birch" not in html
    oak, ash = rows["610001"], rows["610002"]
    # drill down keeps the chosen standard and date
    assert (
        'href="/schools/610001?standard=proposed-2025&amp;as_of-day=23&amp;as_of-month=11&amp;as_of-year=2026"'
        in oak
    )
    # counts per outcome as words, and a tag with the worst outcome of each rule
    assert re.search(r"\d+ gaps?", oak)
    assert "govuk-tag--red" in oak and ">Gap<" in oak
    # SENCO ratio 0.3 FTE for 45 pupils with SEN = 0.6667 per 100, judged against 0.5 (gap below 0.35)
    assert "0.6667 (target 0.5, gap below 0.35)" in oak
    # TA ratio: 300 pupils / 0.6 FTE = 500 per TA FTE against a limit
    assert "500.0 (limit" in oak or "500 (limit" in oak
    # Ash Academy records no pupils with SEN: its SENCO time cannot be judged, and it has no TAs
    assert "pupils with SEN not recorded" in ash
    assert "no TAs recorded" in ash
    # totals across the trust
    assert int(re.search(r'id="total-gap">(\d+)<', html).group(1)) >= 2
    # the trust's own finding (SENCO-qualified trust-level leader) is shown
    assert 'id="trust-findings"' in html


async def test_gap_and_due_soon_counts_add_up_to_the_school_pages(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    overview = (await client.page(f"/trusts/5001{AS_OF_QUERY}")).text
    oak = _school_rows(overview)["610001"]
    gap_cell, due_cell = re.findall(r'govuk-table__cell--numeric">(\d+)</td>', oak)[:2]
    school = (await client.page(f"/schools/610001{AS_OF_QUERY}")).text
    assert re.search(r'id="total-gap">(\d+)<', school).group(1) == gap_cell
    assert re.search(r'id="total-due-soon">(\d+)<', school).group(1) == due_cell


async def test_trust_list_sends_an_hr_lead_to_their_trust(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    response = await client.get("/trusts")
    assert response.status_code == 303
    assert response.headers["location"] == "/trusts/5001"


async def test_hr_lead_of_trust_a_never_sees_trust_b(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    for path in (
        "/trusts/5002",
        "/trusts/5002/exports/matrix",
        "/trusts/5002/exports/findings",
        "/schools/610003",
        "/schools/610003/exports/matrix",
        "/schools/610003/exports/findings",
    ):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert "Bob Stone" not in response.text
    response = await client.post("/trusts/5002/evaluations", {"standard": "proposed-2025"})
    assert response.status_code == 403
    assert await EvaluationSnapshot.count() == 0


async def test_hr_lead_of_trust_b_sees_only_trust_b(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["b"])
    html = (await client.page(f"/trusts/5002{AS_OF_QUERY}")).text
    assert set(_school_rows(html)) == {"610003"}
    assert "Oak Academy" not in html and "Aisha" not in html
    assert (await client.get("/trusts/5001")).status_code == 403


async def test_a_school_that_has_left_the_trust_is_not_shown_for_an_earlier_date(client, login_as, data):
    """Ash Academy moved to trust B yesterday: looking back, trust A's HR lead sees only what is still theirs."""
    import datetime as dt

    moved = dt.date.today() - dt.timedelta(days=1)
    before = moved - dt.timedelta(days=60)
    query = f"?as_of-day={before.day}&as_of-month={before.month}&as_of-year={before.year}"
    await TrustMembership.update({TrustMembership.left_on: moved}).where(
        TrustMembership.school == data.schools["ash"].id
    )
    await TrustMembership.insert(
        TrustMembership(trust=data.trusts["b"].id, school=data.schools["ash"].id, joined_on=moved)
    )
    await login_as("hr_lead", trust=data.trusts["a"])
    html = (await client.page(f"/trusts/5001{query}")).text
    assert set(_school_rows(html)) == {"610001"}
    assert 'id="hidden-schools"' in html and "1 school was in the trust" in html
    csv = (await client.get(f"/trusts/5001/exports/matrix{query}")).text
    assert "Priya" not in csv and "610002" not in csv
    csv = (await client.get(f"/trusts/5001/exports/findings{query}")).text
    assert "Priya" not in csv and "610002" not in csv
    # an admin sees the trust as it was
    await client.sign_out()
    await login_as("admin")
    html = (await client.page(f"/trusts/5001{query}")).text
    assert set(_school_rows(html)) == {"610001", "610002"}


@pytest.mark.parametrize("role", ["school_lead", "teacher", "dfe_analyst", "inspector"])
async def test_only_hr_leads_and_admins_open_the_trust_overview(client, login_as, data, role):
    await login_as(role)
    assert (await client.get("/trusts/5001")).status_code == 403
    assert (await client.get("/trusts")).status_code == 403


async def test_admin_picks_any_trust(client, login_as, data):
    await login_as("admin")
    html = (await client.page("/trusts")).text
    assert 'href="/trusts/5001"' in html and 'href="/trusts/5002"' in html
    html = (await client.page("/trusts?q=birch")).text
    assert 'href="/trusts/5002"' in html and 'href="/trusts/5001"' not in html
    html = (await client.page(f"/trusts/5002{AS_OF_QUERY}")).text
    assert set(_school_rows(html)) == {"610003"}


async def test_trust_without_schools_has_a_usable_empty_state(client, login_as, make_trust):
    trust = await make_trust(uid="5099", name="Empty Trust")
    await login_as("hr_lead", trust=trust)
    html = (await client.page("/trusts/5099")).text
    assert 'id="no-schools"' in html


async def test_schools_are_paginated(client, login_as, data):
    for i in range(26):
        await add_school(620000 + i, f"Extra Academy {i:02d}", data.trusts["a"])
    await login_as("hr_lead", trust=data.trusts["a"])
    html = (await client.page("/trusts/5001")).text
    assert len(_school_rows(html)) == 25
    assert "Showing 1 to 25 of 28 schools" in html
    assert 'class="govuk-pagination' in html
    html = (await client.page("/trusts/5001?page=2")).text
    assert len(_school_rows(html)) == 3


async def test_choosing_the_statutory_standard_and_a_date(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    html = (
        await client.page("/trusts/5001?standard=statutory-2024&as_of-day=1&as_of-month=9&as_of-year=2025")
    ).text
    assert "Statutory requirements for the SEND workforce (2024)" in html
    assert "on 1 September 2025" in html
    assert "Annual SEND CPD" not in html  # not a rule of the statutory standard


async def test_bad_choices_get_an_error_summary(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    response = await client.page("/trusts/5001?as_of-day=1&as_of-month=13&as_of-year=2026", status=422)
    assert "There is a problem" in response.text and 'id="schools"' not in response.text


# ---------------------------------------------------------------- saving and certificates


async def test_saving_an_evaluation_offers_its_certificate(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    html = (await client.page(f"/trusts/5001{AS_OF_QUERY}")).text
    assert 'id="save-evaluation-form"' in html and 'id="no-saved-evaluations"' in html
    response = await client.post(
        "/trusts/5001/evaluations",
        {"standard": "proposed-2025", "as_of-day": "23", "as_of-month": "11", "as_of-year": "2026"},
    )
    assert response.status_code == 303
    snapshot = await EvaluationSnapshot.objects().first()
    assert snapshot.scope == "trust" and snapshot.scope_ref == "5001" and snapshot.as_of == D(2026, 11, 23)
    assert snapshot.created_by.startswith("hr-lead")
    html = (await client.page(response.headers["location"].split("#")[0])).text
    saved = re.search(r'<table[^>]*id="saved-evaluations".*?</table>', html, re.S).group(0)
    assert "Just saved" in saved
    assert 'action="/certificates"' in saved and f'name="snapshot_id" value="{snapshot.id}"' in saved


async def test_school_lead_saves_their_school_evaluation(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    response = await client.post("/schools/610001/evaluations", {"standard": "statutory-2024"})
    assert response.status_code == 303
    snapshot = await EvaluationSnapshot.objects().first()
    assert (snapshot.scope, snapshot.scope_ref, snapshot.standard_id) == (
        "school",
        "610001",
        "statutory-2024",
    )
    assert (
        await client.post("/schools/610002/evaluations", {"standard": "statutory-2024"})
    ).status_code == 403
    assert await EvaluationSnapshot.count() == 1


async def test_saving_without_a_csrf_token_is_refused(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    response = await client.post("/trusts/5001/evaluations", {"standard": "proposed-2025"}, csrf=False)
    assert response.status_code == 403
    assert await EvaluationSnapshot.count() == 0


async def test_a_person_added_after_the_date_is_not_in_the_overview(client, login_as, data):
    person = await add_person("OAK-9", "New", "Starter")
    await add_post(person, data.schools["oak"], "teacher", D(2027, 1, 4))
    await login_as("hr_lead", trust=data.trusts["a"])
    csv = (await client.get(f"/trusts/5001/exports/matrix{AS_OF_QUERY}")).text
    assert "Starter" not in csv
    csv = (await client.get("/trusts/5001/exports/matrix?as_of-day=5&as_of-month=1&as_of-year=2027")).text
    assert "Starter" in csv


async def test_issue_a_certificate_from_a_saved_evaluation(client, login_as, data):
    """The button on the page posts what the certificates route expects."""
    await login_as("school_lead", school=data.schools["oak"])
    response = await client.post("/schools/610001/evaluations", {"standard": "statutory-2024"})
    html = (await client.page(response.headers["location"].split("#")[0])).text
    form = re.search(r'<form action="/certificates" method="post" id="issue-(\d+)".*?</form>', html, re.S)
    snapshot_id = form.group(1)
    assert f'name="snapshot_id" value="{snapshot_id}"' in form.group(0)
    response = await client.post("/certificates", {"snapshot_id": snapshot_id})
    assert response.status_code == 303 and response.headers["location"].startswith("/certificates/SWC-")


async def test_navigation_offers_the_lead_pages_by_role(client, other_client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    html = (await client.page("/")).text
    for href in ('href="/trusts"', 'href="/schools"', 'href="/uploads"'):
        assert href in html
    await login_as("school_lead", school=data.schools["oak"], client=other_client)
    html = (await other_client.page("/")).text
    assert 'href="/schools"' in html and 'href="/uploads"' in html and 'href="/trusts"' not in html

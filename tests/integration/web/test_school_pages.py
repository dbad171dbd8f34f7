"""The school page: compliance matrix with filters, findings with reasons and basis, SENCO and TA ratios."""

from __future__ import annotations

import re

import pytest
from leads_data import AS_OF_QUERY, two_trusts


@pytest.fixture
async def data():
    return await two_trusts()


def _matrix_names(html: str) -> list[str]:
    table = re.search(r'<table[^>]*id="matrix".*?</table>', html, re.S)
    if not table:
        return []
    return re.findall(
        r'<th scope="row" class="govuk-table__header">\s*(?:<a[^>]*>)?([^<]+?)(?:</a>)?\s*</th>',
        table.group(0),
    )


async def test_school_lead_sees_the_matrix_findings_and_ratios_of_their_school(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    response = await client.page(f"/schools/610001{AS_OF_QUERY}")
    html = response.text
    assert "Oak Academy: compliance" in html
    assert _matrix_names(html) == ["Tom Hart", "Aisha Khan", "Carol Lee"]
    # Lee has SEND CPD this year: met; Hart has none and it is before 1 June: met so far with a due date
    matrix = re.search(r'<table[^>]*id="matrix".*?</table>', html, re.S).group(0)
    lee_row = re.search(r'id="person-%d".*?</tr>' % data.staff["lee"].id, matrix, re.S).group(0)
    assert "govuk-tag--green" in lee_row and ">Met<" in lee_row
    # Khan is SENCO since 3 January 2023 with the NPQ in progress: the deadline is 3 January 2026, passed
    khan_row = re.search(r'id="person-%d".*?</tr>' % data.staff["khan"].id, matrix, re.S).group(0)
    assert ">Gap<" in khan_row and "was due 3 January 2026" in khan_row
    hart_row = re.search(r'id="person-%d".*?</tr>' % data.staff["hart"].id, matrix, re.S).group(0)
    assert ">Met<" in hart_row and "next due 31 August 2027" in hart_row
    # findings with their reasons and basis
    assert 'id="findings"' in html
    assert "Basis: Law" in html
    assert "Ms A Khan became SENCO" in html or "Khan" in re.search(
        r'id="findings".*?</table>', html, re.S
    ).group(0)
    # SENCO ratio: 0.3 FTE for 45 pupils with SEN, judged against the thresholds
    senco = re.search(r'id="senco-ratio".*?</dl>', html, re.S).group(0)
    assert "0.3 FTE" in senco and "45" in senco
    assert "the larger of 0.2 FTE and 0.5 FTE per 100 pupils with SEN" in senco
    assert "A gap below 0.35 FTE per 100" in senco
    ta = re.search(r'id="ta-ratio".*?</dl>', html, re.S).group(0)
    assert "0.6" in ta and "500" in ta  # 300 pupils / 0.6 TA FTE
    assert "flagged above" in ta
    # Nobody from another school or trust
    assert "Bob Stone" not in html and "Priya Shah" not in html


async def test_outcomes_are_words_not_colour_alone(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    html = (await client.page(f"/schools/610001{AS_OF_QUERY}")).text
    tags = re.findall(r'<strong class="govuk-tag govuk-tag--(\w+)">([^<]+)</strong>', html)
    assert tags
    for colour, word in tags:
        assert word.strip(), f"a {colour} tag without words"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("&role=ta", ["Carol Lee"]),
        ("&role=senco", ["Aisha Khan"]),
        ("&outcome=gap", ["Aisha Khan"]),
        ("&rule=send-cpd-annual&outcome=met", ["Tom Hart", "Aisha Khan", "Carol Lee"]),
        ("&rule=senco-qualification&outcome=gap", ["Aisha Khan"]),
        ("&rule=senco-qualification&outcome=met", []),
        ("&role=headteacher", []),
    ],
)
async def test_matrix_filters(client, login_as, data, query, expected):
    await login_as("school_lead", school=data.schools["oak"])
    html = (await client.page(f"/schools/610001{AS_OF_QUERY}{query}")).text
    assert _matrix_names(html) == expected
    if not expected:
        assert "No one matches these filters." in html


async def test_rule_filter_narrows_the_columns_and_the_findings(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    html = (await client.page(f"/schools/610001{AS_OF_QUERY}&rule=senco-qualification")).text
    header = re.search(r'<table[^>]*id="matrix".*?</thead>', html, re.S).group(0)
    assert "SENCO" in header and "CPD" not in header
    findings = re.search(r'<table[^>]*id="findings".*?</table>', html, re.S).group(0)
    assert "CPD" not in findings


async def test_htmx_filter_request_gets_only_the_results(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    response = await client.get(
        f"/schools/610001{AS_OF_QUERY}&role=ta",
        headers={"HX-Request": "true", "HX-Target": "compliance-results"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert _matrix_names(response.text) == ["Carol Lee"]


async def test_the_filter_form_works_without_javascript(client, login_as, data):
    """The filters are a GET form with an action and a submit button (htmx only enhances it)."""
    await login_as("school_lead", school=data.schools["oak"])
    html = (await client.page(f"/schools/610001{AS_OF_QUERY}")).text
    form = re.search(
        r'<form action="/schools/610001" method="get" id="matrix-filters".*?</form>', html, re.S
    ).group(0)
    assert 'name="role"' in form and 'name="outcome"' in form and 'name="rule"' in form
    assert 'type="submit"' in form or "<button" in form
    assert 'name="standard" value="proposed-2025"' in form  # the chosen standard and date are kept


async def test_statutory_standard_has_no_ratio_rules(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    html = (await client.page("/schools/610001?standard=statutory-2024")).text
    assert 'id="no-senco-ratio"' in html and 'id="no-ta-ratio"' in html
    assert "CPD" not in re.search(r'<table[^>]*id="matrix".*?</thead>', html, re.S).group(0)


async def test_a_bad_date_gets_an_error_summary(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    response = await client.page("/schools/610001?as_of-day=31&as_of-month=2&as_of-year=2026", status=422)
    assert "There is a problem" in response.text
    assert "Date to check on must be a real date" in response.text
    assert 'href="#as_of-day"' in response.text
    assert "<title>Error:" in response.text


async def test_an_unknown_standard_gets_an_error(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    response = await client.page("/schools/610001?standard=nonsense", status=422)
    assert "unknown standard" in response.text


async def test_empty_school_has_a_usable_empty_state(client, login_as, make_school):
    school = await make_school(
        urn=619999, name="Empty Academy", type_code=28, scope_group="mainstream-academy"
    )
    await login_as("school_lead", school=school)
    html = (await client.page("/schools/619999")).text
    assert 'id="no-staff"' in html
    assert 'href="/schools/619999/staff/new"' in html and 'href="/uploads"' in html


async def test_school_list_sends_a_school_lead_to_their_school(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    response = await client.get("/schools")
    assert response.status_code == 303
    assert response.headers["location"] == "/schools/610001"


async def test_school_list_of_an_hr_lead_shows_only_their_trust(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    html = (await client.page("/schools")).text
    assert "Oak Academy" in html and "Ash Academy" in html
    assert "Birch Academy" not in html


async def test_admin_searches_every_school(client, login_as, data):
    await login_as("admin")
    html = (await client.page("/schools?q=birch")).text
    assert "Birch Academy" in html and "Oak Academy" not in html
    html = (await client.page("/schools?q=610001")).text
    assert "Oak Academy" in html


# ---------------------------------------------------------------- scope


async def test_school_lead_cannot_open_another_school(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    assert (await client.get("/schools/610002")).status_code == 403
    assert (await client.get("/schools/610003")).status_code == 403
    assert (await client.get("/schools/699999")).status_code == 404


async def test_hr_lead_opens_trust_schools_only(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    assert (await client.get("/schools/610001")).status_code == 200
    assert (await client.get("/schools/610002")).status_code == 200
    assert (await client.get("/schools/610003")).status_code == 403


@pytest.mark.parametrize("role", ["teacher", "dfe_analyst", "inspector"])
async def test_other_roles_are_refused(client, login_as, data, role):
    await login_as(role)
    assert (await client.get("/schools/610001")).status_code == 403
    assert (await client.get("/schools")).status_code == 403


async def test_signed_out_visitors_are_sent_to_sign_in(client, data):
    response = await client.get("/schools/610001")
    assert response.status_code == 303
    assert response.headers["location"].startswith("/sign-in?next=")


@pytest.mark.parametrize(
    "query",
    [
        "",
        "&role=ta",
        "&outcome=gap&rule=send-cpd-annual",
        "&role=senco&outcome=met",
    ],
)
async def test_the_forms_rendered_once_are_the_forms_rendered_afresh(client, login_as, data, monkeypatch, query):
    """The standard and date form and the matrix filters are rendered once per choice (they cost more than the
    rest of the page): each page still shows its own choices selected, as if every form were rendered afresh."""
    from workforce.web import templating

    def forms(html: str) -> list[str]:
        return re.findall(r'<form action="/schools/610001" method="get".*?</form>', html, re.S)

    await login_as("school_lead", school=data.schools["oak"])
    for other in ("&role=teacher", "&outcome=met", ""):  # fill the cache with other choices first
        await client.page(f"/schools/610001{AS_OF_QUERY}{other}")
    cached = forms((await client.page(f"/schools/610001{AS_OF_QUERY}{query}")).text)
    monkeypatch.setattr(templating, "_fragments", templating.OrderedDict())
    monkeypatch.setattr(templating, "FRAGMENT_CACHE_SIZE", 0)  # every block rendered and thrown away
    fresh = forms((await client.page(f"/schools/610001{AS_OF_QUERY}{query}")).text)
    assert len(fresh) == 2 and cached == fresh
    for name, value in re.findall(r"&(\w+)=([\w-]+)", query):
        assert re.search(rf'<option value="{value}" selected>', fresh[1]), (name, value)

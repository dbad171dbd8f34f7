"""CSV exports of the compliance matrix and of the findings, for a school and for a trust."""

from __future__ import annotations

import csv
import io

import pytest
from leads_data import AS_OF_QUERY, add_person, add_post, two_trusts


@pytest.fixture
async def data():
    return await two_trusts()


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert response.headers["cache-control"] == "private, no-store"
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


async def test_school_matrix_csv(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    response = await client.get(f"/schools/610001/exports/matrix{AS_OF_QUERY}")
    rows = _rows(response)
    assert 'filename="matrix-610001-proposed-2025-2026-11-23.csv"' in response.headers["content-disposition"]
    assert [r["name"] for r in rows] == ["Tom Hart", "Aisha Khan", "Carol Lee"]
    khan = next(r for r in rows if r["staff_id"] == "OAK-1")
    assert khan["urn"] == "610001" and khan["school"] == "Oak Academy" and khan["roles"] == "SENCO"
    assert khan["senco-qualification"] == "gap" and khan["senco-qualification due"] == "2026-01-03"
    lee = next(r for r in rows if r["staff_id"] == "OAK-2")
    assert lee["send-cpd-annual"] == "met"
    assert lee["senco-qualification"] == ""  # the rule does not judge a TA


async def test_school_findings_csv(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    rows = _rows(await client.get(f"/schools/610001/exports/findings{AS_OF_QUERY}"))
    assert {r["urn"] for r in rows} == {"610001"}
    assert {r["standard"] for r in rows} == {"proposed-2025"}
    assert {r["as_of"] for r in rows} == {"2026-11-23"}
    khan = next(r for r in rows if r["rule"] == "senco-qualification" and r["staff_id"] == "OAK-1")
    assert khan["outcome"] == "gap" and khan["basis"] == "law" and khan["person"] == "Aisha Khan"
    assert "3 January 2026" in khan["reason"]
    capacity = next(r for r in rows if r["rule"] == "senco-capacity")
    assert '"senco_fte": 0.3' in capacity["metrics"] and capacity["subject"] == "school"


async def test_trust_exports_cover_every_school_of_the_trust_and_nothing_else(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    matrix = _rows(await client.get(f"/trusts/5001/exports/matrix{AS_OF_QUERY}"))
    assert {r["urn"] for r in matrix} == {"610001", "610002"}
    assert "Priya Shah" in {r["name"] for r in matrix}
    assert "Bob Stone" not in {r["name"] for r in matrix}
    findings = _rows(await client.get(f"/trusts/5001/exports/findings{AS_OF_QUERY}"))
    assert {r["urn"] for r in findings if r["urn"]} == {"610001", "610002"}
    assert any(r["subject"] == "trust" and r["trust_uid"] == "5001" for r in findings)
    assert all(r["trust_uid"] in ("5001", "") for r in findings)


async def test_exports_neutralise_spreadsheet_formulas(client, login_as, data):
    person = await add_person("=1+2", '=HYPERLINK("http://evil.example","click")', "@SUM(A1)")
    await add_post(person, data.schools["oak"], "teacher", data.employments["hart"].start_date)
    await login_as("school_lead", school=data.schools["oak"])
    raw = (await client.get(f"/schools/610001/exports/matrix{AS_OF_QUERY}")).content.decode("utf-8")
    assert "'=1+2" in raw and "'=HYPERLINK" in raw
    rows = _rows(await client.get(f"/schools/610001/exports/findings{AS_OF_QUERY}"))
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@")), value
            assert not (value.startswith("-") and not value.lstrip("-").replace(".", "").isdigit()), value


async def test_school_lead_cannot_export_another_school(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    for path in (
        "/schools/610002/exports/matrix",
        "/schools/610003/exports/findings",
        "/trusts/5001/exports/matrix",
    ):
        response = await client.get(path)
        assert response.status_code == 403, path
        assert not response.headers["content-type"].startswith("text/csv")


async def test_exports_need_valid_choices(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    response = await client.get("/schools/610001/exports/matrix?standard=nope")
    assert response.status_code == 400
    assert "There is a problem with your request" in response.text

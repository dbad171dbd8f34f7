"""The JSON API: bearer tokens, 401 as JSON, the same figures as the pages, OpenAPI at /schema."""

from __future__ import annotations

import datetime as dt

from monitoring_dataset import AS_OF, snapshot

from workforce.monitoring import tokens as token_service
from workforce.monitoring.aggregates import report_build
from workforce.monitoring.figures import breakdown_table, to_json
from workforce.people.tables import UserAccount

Q = f"as_of={AS_OF.isoformat()}"


async def bearer(role: str = "dfe_analyst") -> dict[str, str]:
    user = UserAccount(
        email=f"api-{role}@dfe.example", password_hash="x", role=role, created_at=dt.datetime.now(dt.UTC)
    )
    await user.save()
    issued = await token_service.api_token_create(email=user.email, actor="test")
    return {"Authorization": f"Bearer {issued.token}"}


async def test_no_token_or_a_bad_one_gets_401_json_never_a_page(client, login_as, dataset):
    paths = [f"/api/v1/summary?{Q}", f"/api/v1/breakdowns/region?{Q}", "/api/v1/trends", "/api/v1/nothing-here"]
    headers_list = [
        {},
        {"Authorization": "Bearer wfa_not-a-real-token"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer"},
    ]
    for path in paths[:3]:
        for headers in headers_list:
            response = await client.get(path, headers=headers)
            assert response.status_code == 401, (path, headers)
            assert response.headers["content-type"].startswith("application/json")
            assert response.json()["detail"].startswith("A valid API token is required")
            assert "<html" not in response.text
    # a signed-in analyst's session is not enough: the API wants a token
    await login_as("dfe_analyst")
    response = await client.get(f"/api/v1/summary?{Q}")
    assert response.status_code == 401 and response.headers["content-type"].startswith("application/json")
    # an unknown API path is a JSON 404, not a page
    missing = await client.get(paths[3], headers=await bearer())
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("application/json")


async def test_tokens_of_a_revoked_or_demoted_account_stop_working(client, dataset):
    headers = await bearer()
    assert (await client.get(f"/api/v1/rules?{Q}", headers=headers)).status_code == 200
    await UserAccount.update({UserAccount.role: "school_lead"}).where(UserAccount.email == "api-dfe_analyst@dfe.example")
    assert (await client.get(f"/api/v1/rules?{Q}", headers=headers)).status_code == 401


async def test_api_tables_equal_the_downloads(client, dataset):
    headers = await bearer()
    report = await report_build(as_of=AS_OF, threshold=5)
    response = await client.get(f"/api/v1/breakdowns/region?table=training&{Q}", headers=headers)
    assert response.status_code == 200
    body = response.json()
    expected = to_json(breakdown_table(report, "training", "region"), report)
    assert body == expected
    assert body["total"]["values"]["staff_send_cpd"] == 64
    assert [r["values"]["staff_send_cpd"] for r in body["rows"]] == [None, None]

    schools = (await client.get(f"/api/v1/local-authorities/202/schools?table=workforce&{Q}", headers=headers)).json()
    assert schools == to_json(breakdown_table(report, "workforce", "school", ("la", "202")), report)
    las = (await client.get(f"/api/v1/regions/A/local-authorities?{Q}", headers=headers)).json()
    assert [r["code"] for r in las["rows"]] == ["391", "392"]
    trust = (await client.get(f"/api/v1/trusts/5001/schools?{Q}", headers=headers)).json()
    assert [r["code"] for r in trust["rows"]] == ["100001", "100002"]

    summary = (await client.get(f"/api/v1/summary?{Q}", headers=headers)).json()
    assert summary["training"]["values"]["staff_send_cpd_pct"] == 79.0
    assert summary["workforce"]["values"]["ta_fte_per_100_pupils"] == 1.38
    assert summary["academic_year"] == "2025/26" and summary["snapshot"] is None


async def test_api_input_errors_are_json(client, dataset):
    headers = await bearer()
    for path, status in [
        (f"/api/v1/breakdowns/staff?{Q}", 400),  # not one of the breakdowns
        ("/api/v1/summary?as_of=yesterday", 400),
        (f"/api/v1/regions/Z/local-authorities?{Q}", 404),
        (f"/api/v1/breakdowns/region?table=compliance&{Q}", 400),  # needs a rule
        (f"/api/v1/breakdowns/region?table=compliance&rule=no-such-rule&{Q}", 404),
    ]:
        response = await client.get(path, headers=headers)
        assert response.status_code == status, path
        assert response.headers["content-type"].startswith("application/json"), path


async def test_compliance_and_trends_through_the_api(client, dataset):
    await snapshot("proposed-2025", dt.date(2026, 3, 1), [
        ("senco-designated", urn, "met") for urn in (100001, 100002, 100004, 100007)
    ] + [("senco-designated", 100003, "not-applicable")])
    headers = await bearer("admin")
    rules = (await client.get(f"/api/v1/rules?{Q}", headers=headers)).json()
    assert rules["rows"][0]["code"] == "senco-designated"
    assert rules["rows"][0]["values"]["schools_assessed"] is None  # 4 is small
    trend = (await client.get("/api/v1/trends", headers=headers)).json()
    assert [(p["rule"], p["as_of"], p["schools_assessed"]) for p in trend["points"]] == [
        ("senco-designated", "2026-03-01", None)
    ]


async def test_schema_is_public_and_documents_only_the_api(client):
    page = await client.page("/schema")  # a GOV.UK page that passes the page checks
    assert "GET /api/v1/breakdowns/{breakdown}" in page.text
    assert "<script" not in page.text.split("</main>")[0].split("<main")[1]
    document = (await client.get("/schema/openapi.json")).json()
    paths = set(document["paths"])
    assert {
        "/api/v1/summary", "/api/v1/rules", "/api/v1/breakdowns/{breakdown}", "/api/v1/regions/{code}/local-authorities",
        "/api/v1/local-authorities/{code}/schools", "/api/v1/trusts/{uid}/schools", "/api/v1/trends",
    } <= paths
    assert all(p.startswith("/api/v1/") for p in paths)
    assert document["components"]["securitySchemes"]["bearerToken"]["scheme"] == "bearer"
    breakdown = document["paths"]["/api/v1/breakdowns/{breakdown}"]["get"]
    assert {p["name"] for p in breakdown["parameters"]} >= {"breakdown", "table", "rule", "as_of", "standard"}

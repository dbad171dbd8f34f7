"""DfE monitoring pages and downloads: access, content, suppression, drill-down (both engines)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from monitoring_dataset import AS_OF

from workforce.monitoring.aggregates import report_build
from workforce.monitoring.figures import breakdown_table, to_csv

Q = f"as_of={AS_OF.isoformat()}"


async def test_only_analysts_and_admins_reach_the_dashboard(client, login_as, dataset):
    signed_out = await client.get(f"/dfe?{Q}")
    assert signed_out.status_code == 303 and signed_out.headers["location"].startswith("/sign-in")
    for role in ("teacher", "school_lead", "hr_lead", "inspector"):
        await login_as(role)
        assert (await client.get(f"/dfe?{Q}")).status_code == 403, role
        await client.sign_out()
    await login_as("admin")
    assert (await client.get(f"/dfe?{Q}")).status_code == 200


async def test_dashboard_shows_suppressed_national_figures_charts_and_tables(client, login_as, dataset):
    await login_as("dfe_analyst")
    page = await client.page(f"/dfe?{Q}")
    html = page.text
    assert "<h1 class=\"govuk-heading-l\">National SEND workforce</h1>" in html
    assert "academic year 2025/26" in html
    # England: 81 teachers and TAs, 64 with SEND CPD (79.0%); TA FTE per 100 pupils 1.38 (shown as 1.38)
    assert ">79.0%<" in html and ">1.38<" in html
    # SENCO FTE is suppressed nationally (3 SENCOs)
    key_figures = html.split('id="key-figures"')[1].split("</dl>")[0]
    assert "c (suppressed)" in key_figures
    # the regions link to their drill-down pages, and every table can be downloaded
    assert 'href="/dfe/regions/A"' in html and 'href="/dfe/regions/H"' in html
    assert html.count("/dfe/download?") >= 4
    # two histograms, each an accessible SVG with a table of the same bands
    assert html.count('class="app-chart"') == 2
    assert 'id="bins-ta-per-100-pupils"' in html and 'id="bins-senco-per-100-sen"' in html
    assert 'id="no-rules"' in html  # no saved national evaluation in this data set
    assert "Zqxname" not in html and "Yqvfirst" not in html


async def test_breakdowns_and_drill_down_pages(client, login_as, dataset):
    await login_as("dfe_analyst")
    for slug in ("local-authority", "phase", "school-type", "trust"):
        await client.page(f"/dfe/breakdowns/{slug}?{Q}")
    assert (await client.get(f"/dfe/breakdowns/staff?{Q}")).status_code == 404
    region = await client.page(f"/dfe/regions/A?{Q}")
    assert 'href="/dfe/local-authorities/391"' in region.text and "North Tyneside" in region.text
    la = await client.page(f"/dfe/local-authorities/202?{Q}")
    assert "S4 School (100004)" in la.text and "S7 School (100007)" in la.text
    assert 'href="/dfe/regions/H"' in la.text  # breadcrumbs back up the drill-down
    trust = await client.page(f"/dfe/trusts/5001?{Q}")
    assert "S1 School (100001)" in trust.text and "S4 School" not in trust.text
    for missing in ("/dfe/regions/Z", "/dfe/local-authorities/999", "/dfe/trusts/0000"):
        assert (await client.get(f"{missing}?{Q}")).status_code == 404, missing


async def test_downloads_carry_exactly_the_page_figures(client, login_as, dataset):
    await login_as("dfe_analyst")
    url = f"/dfe/download?table=training&breakdown=region&parent=nation:E92000001&format=csv&{Q}"
    response = await client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    report = await report_build(as_of=AS_OF, threshold=5)
    assert response.text == to_csv(breakdown_table(report, "training", "region"))
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["staff_send_cpd"] for r in rows] == ["c", "c", "64"]

    school_json = await client.get(
        f"/dfe/download?table=workforce&breakdown=school&parent=la:202&format=json&{Q}"
    )
    body = json.loads(school_json.text)
    assert body["parent"] == {"kind": "la", "code": "202", "name": "Camden"}
    assert [r["suppressed"] for r in body["rows"]] == [
        ["senco_fte", "senco_fte_per_100_pupils", "senco_fte_per_100_sen", "ta_fte", "ta_fte_per_100_pupils",
         "ta_fte_per_100_sen"],
        ["ta_fte", "ta_fte_per_100_pupils", "ta_fte_per_100_sen"],  # S7 has no SENCO: 0 FTE is not hidden
    ]
    assert (await client.get(url.replace("format=csv", "format=xlsx"))).status_code == 404
    assert (await client.get(url.replace("parent=nation:E92000001", "parent=staff:1"))).status_code == 400


@pytest.mark.parametrize("threshold", ["3"])
async def test_the_threshold_comes_from_the_settings(client, login_as, dataset, monkeypatch, threshold):
    from workforce.config import get_settings

    monkeypatch.setenv("SUPPRESSION_THRESHOLD", threshold)
    get_settings.cache_clear()
    try:
        await login_as("dfe_analyst")
        response = await client.get(
            f"/dfe/download?table=workforce&breakdown=school&parent=la:202&format=json&{Q}"
        )
        body = json.loads(response.text)
        assert body["suppression_threshold"] == 3
        # with 3, S4's 4 TAs are shown; S7's 2 TAs are hidden, and so S4 is hidden as the secondary
        assert ["ta_fte" in r["suppressed"] for r in body["rows"]] == [True, True]
        assert body["total"]["values"]["ta_fte"] == 5.0
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


async def test_api_tokens_page_shows_a_new_token_once_and_revokes(client, login_as):
    from workforce.monitoring.tables import ApiToken
    from workforce.monitoring.tokens import api_token_authenticate

    await login_as("dfe_analyst")
    empty = await client.page("/dfe/api-tokens")
    assert 'id="no-tokens"' in empty.text
    bad = await client.post("/dfe/api-tokens", {"name": "x" * 101, "days": "0"})
    assert bad.status_code == 422 and "govuk-error-summary" in bad.text
    assert "Days must be a whole number from 1 to 366" in bad.text and "Name must be 100 characters or fewer" in bad.text
    assert await ApiToken.count() == 0
    refused = await client.post("/dfe/api-tokens", {"name": "Notebook", "days": "30"}, csrf=False)
    assert refused.status_code == 403 and await ApiToken.count() == 0

    created = await client.post("/dfe/api-tokens", {"name": "Notebook", "days": "30"})
    assert created.status_code == 200
    token = re.search(r'id="token-value">([^<]+)<', created.text).group(1)
    assert token.startswith("wfa_") and await api_token_authenticate(token) is not None
    listing = await client.page("/dfe/api-tokens")
    assert token not in listing.text and token[:10] in listing.text and "Notebook" in listing.text

    row = await ApiToken.select(ApiToken.id).first()
    revoked = await client.post(f"/dfe/api-tokens/{row['id']}/revoke")
    assert revoked.status_code == 303 and revoked.headers["location"] == "/dfe/api-tokens"
    assert await api_token_authenticate(token) is None
    assert "Revoked" in (await client.page("/dfe/api-tokens")).text


async def test_another_analyst_cannot_revoke_my_token(client, other_client, login_as):
    from workforce.monitoring.tables import ApiToken
    from workforce.monitoring.tokens import api_token_authenticate

    await login_as("dfe_analyst")
    created = await client.post("/dfe/api-tokens", {"name": "Mine", "days": "30"})
    token = re.search(r'id="token-value">([^<]+)<', created.text).group(1)
    row = await ApiToken.select(ApiToken.id).first()
    await login_as("dfe_analyst", client=other_client)
    assert (await other_client.post(f"/dfe/api-tokens/{row['id']}/revoke")).status_code == 404
    assert await api_token_authenticate(token) is not None


async def test_trends_page_draws_a_line_per_rule_with_a_table(client, login_as, dataset):
    import datetime as dt

    from monitoring_dataset import snapshot

    urns = (100001, 100002, 100003, 100004, 100007)
    await snapshot("proposed-2025", dt.date(2025, 9, 1), [("senco-designated", urn, "gap") for urn in urns])
    await snapshot("proposed-2025", dt.date(2026, 1, 1), [("senco-designated", urn, "met") for urn in urns])
    # 1 of 5: hidden (and so is the 4 short)
    await snapshot("proposed-2025", dt.date(2026, 2, 1),
                   [("senco-designated", urn, "gap") for urn in urns[:4]] + [("senco-designated", 100007, "met")])
    await login_as("dfe_analyst")
    page = await client.page("/dfe/trends")
    assert page.text.count('class="app-chart__series"') == 1
    table = page.text.split('id="trend-table"')[1].split("</table>")[0]
    assert "0 of 5 (0.0%)" in table and "5 of 5 (100.0%)" in table and "c<span" in table
    assert 'id="no-trends"' in (await client.page("/dfe/trends?standard=statutory-2024")).text

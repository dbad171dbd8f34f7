"""Journey (d): a DfE analyst runs a scenario and downloads the CSV.

Sign in -> national figures -> scenarios -> a threshold that is not a number is refused with an error summary ->
candidate thresholds -> the schools and trusts that would fall short, by rule and by region -> the scenario's
figures as CSV, which match the page. Every page is checked with axe (WCAG 2.2 AA) and the page rules.
"""

from __future__ import annotations

import csv
import io
import re

ANALYST = "analyst@demo.example"
SENCO_MIN = "Minimum SENCO time in any school (FTE)"
CPD_HOURS = "SEND CPD hours each year for every teacher and TA"


def run_scenario(journey) -> list[list[str]]:
    """Sign in, open the scenario page from the national figures, get an error, then run a scenario; the
    rows of the page's shortfall table (rule, schools assessed, short now, short in the scenario, ...)."""
    page = journey.page
    journey.sign_in(ANALYST)
    page.get_by_role("link", name="National figures").first.click()
    page.wait_for_url("**/dfe")
    journey.check()
    page.locator("a[href^='/dfe/scenarios']").first.click()
    page.wait_for_url(re.compile(r".*/dfe/scenarios"))
    journey.check()

    page.get_by_label(SENCO_MIN).fill("half a day")
    page.get_by_role("button", name="Show the scenario").click()
    page.wait_for_load_state("load")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error: ")
    journey.check()

    page.get_by_label(SENCO_MIN).fill("0.8")
    page.get_by_label(CPD_HOURS).fill("12")
    page.get_by_role("button", name="Show the scenario").click()
    page.wait_for_load_state("load")
    journey.check()
    assert page.locator("#results").is_visible()
    rows = [
        [cell.strip() for cell in row.locator("th, td").all_inner_texts()]
        for row in page.locator("#shortfall tbody tr").all()
    ]
    assert rows, "the scenario shows no rules"
    return rows


def test_a_dfe_analyst_runs_a_scenario(journey):
    rows = run_scenario(journey)
    page_text = journey.page.locator("main").inner_text()
    assert "workforce evaluate" in page_text  # the same judgement on the command line is shown
    by_rule = {row[0]: row for row in rows}
    assert any("senco" in rule.lower() for rule in by_rule), by_rule
    assert journey.page.locator("#by-region tbody tr").count() >= 1


def test_a_dfe_analyst_downloads_the_scenario_as_csv(journey):
    rows = run_scenario(journey)
    page = journey.page
    link = page.locator("main").get_by_role("link", name=re.compile(r"\bCSV\b"))
    assert link.count() >= 1, "no CSV download on the scenario results"
    name, content = journey.download(lambda: link.first.click())
    assert name.endswith(".csv"), name
    table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(table) >= 2, table
    text = content.decode("utf-8-sig")
    for row in rows:
        rule = re.search(r"\(([a-z0-9-]+)\)$", row[0])
        assert rule and rule.group(1) in text, f"{row[0]} is not in the CSV"

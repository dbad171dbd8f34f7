"""Journey (a): a teacher signs in and logs CPD with an evidence file — with JavaScript on, and off.

Sign in -> home -> My CPD -> Log CPD -> an empty form is refused with an error summary -> the form filled in, with a
PDF certificate attached -> the record, whose evidence downloads byte for byte -> the list -> what is still owed ->
the CPD record as CSV. Every page is checked with axe (WCAG 2.2 AA) and the page rules as it is shown.
"""

from __future__ import annotations

import csv
import io
import re

import pytest

TEACHER = "teacher@demo.example"
EVIDENCE = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(params=[True, False], ids=["javascript", "no-javascript"])
def javascript(request):
    """The core journeys work without JavaScript: this one runs both ways."""
    return request.param


def test_a_teacher_logs_cpd_with_evidence(journey, javascript, tmp_path):
    page = journey.page
    title = f"Autism awareness: de-escalation ({'js' if javascript else 'no js'})"
    evidence = tmp_path / "certificate.pdf"
    evidence.write_bytes(EVIDENCE)

    journey.sign_in(TEACHER)
    page.get_by_role("link", name="My CPD").first.click()
    page.wait_for_url("**/my-cpd")
    journey.check()
    before = page.locator("#year-summary").inner_text()

    page.get_by_role("button", name="Log CPD").click()
    page.wait_for_url("**/my-cpd/new")
    journey.check()

    # Nothing filled in: the same page again, with a GOV.UK error summary linking to each field.
    page.get_by_role("button", name="Save").click()
    page.wait_for_load_state("load")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error: ")
    for message in ("Enter the date of the activity", "Enter the title of the activity"):
        assert summary.get_by_role("link", name=message).count() == 1, message
    journey.check()

    page.get_by_label("Day").fill("14")
    page.get_by_label("Month").fill("10")
    page.get_by_label("Year").fill("2025")
    page.get_by_label("Title").fill(title)
    page.get_by_label("Provider (optional)").fill("Riverside Learning Trust")
    page.get_by_label("Hours").fill("2.5")
    page.get_by_label("Communication and interaction").check()
    page.get_by_label("This was part of the mandatory SEND training").check()
    page.get_by_label("Evidence file (optional)").set_input_files(str(evidence))
    page.get_by_label("Reflection on impact (optional)").fill(
        "Calmer transitions for two pupils with EHC plans."
    )
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*/my-cpd/\d+\?done=created$"))
    journey.check()
    record_id = int(re.search(r"/my-cpd/(\d+)", page.url).group(1))
    assert title in page.locator("main").inner_text()

    name, content = journey.download(
        lambda: page.get_by_role("link", name=re.compile("evidence", re.IGNORECASE)).first.click()
    )
    assert content == EVIDENCE, f"the evidence file {name} came back changed"

    journey.goto("/my-cpd")
    assert page.get_by_role("link", name=title).count() == 1
    assert page.locator("#year-summary").inner_text() != before or "2025" not in before
    page.get_by_role("link", name=re.compile("still need to do this year")).click()
    page.wait_for_url("**/my-cpd/requirements")
    journey.check()

    journey.goto("/my-cpd")
    name, content = journey.download(lambda: page.get_by_role("link", name=re.compile("CSV")).first.click())
    assert name.endswith(".csv")
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    mine = [row for row in rows if title in row.values()]
    assert len(mine) == 1, f"{title!r} not once in the CSV: {rows[:3]}"
    assert str(record_id) in (mine[0].get("id", ""), mine[0].get("record_id", ""), str(record_id))

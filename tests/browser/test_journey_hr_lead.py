"""Journey (b): an HR lead uploads a staff CSV, sees the row errors, fixes the file, applies it, then views the
trust dashboard.

Sign in -> upload page -> a staff file with three bad rows is checked: the problems are listed by row and column,
and nothing is written -> the corrected file is checked: the counts of what would change, and "Apply" -> applied
-> the trust overview -> the school where the new people work, which now lists them. Every page is checked with
axe (WCAG 2.2 AA) and the page rules.
"""

from __future__ import annotations

import csv
import io

from browser.live_server import db_query

from workforce.paths import SEED_DIR

HR_LEAD = "hr.lead@demo.example"
TRUST = "17001"
SCHOOL = "149003"


def staff_csv(rows: list[dict[str, str]]) -> bytes:
    header = (SEED_DIR / "demo" / "staff.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**dict.fromkeys(header, ""), **row})
    return out.getvalue().encode("utf-8")


def new_people(*, broken: bool) -> list[dict[str, str]]:
    base = {"qts": "yes", "school_urn": SCHOOL, "fte": "1", "start_date": "2026-09-01", "senior_leader": "no"}
    people = [
        {
            **base,
            "staff_id": "JRNY0001",
            "trn": "2409991",
            "title": "Ms",
            "first_name": "Priya",
            "last_name": "Journeyman",
            "email": "priya.journeyman@riverside.example",
            "role": "teacher",
        },
        {
            **base,
            "staff_id": "JRNY0002",
            "trn": "",
            "title": "Mr",
            "first_name": "Tom",
            "last_name": "Journeyman",
            "email": "tom.journeyman@riverside.example",
            "role": "ta",
            "qts": "no",
        },
        {
            **base,
            "staff_id": "JRNY0003",
            "trn": "2409992",
            "title": "Dr",
            "first_name": "Ada",
            "last_name": "Journeyman",
            "email": "ada.journeyman@riverside.example",
            "role": "teacher",
        },
    ]
    if broken:
        people[0]["trn"] = "0000000"  # not a TRN
        people[1]["start_date"] = "31-02-2026"  # not a date
        people[2]["role"] = "wizard"  # not a role
    return people


def upload(journey, tmp_path, name: str, content: bytes) -> None:
    page = journey.page
    path = tmp_path / name
    path.write_bytes(content)
    journey.goto("/uploads")
    page.get_by_label("Staff and their posts").check()
    page.get_by_label("CSV file").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state("load")
    journey.check()


def test_an_hr_lead_fixes_and_applies_a_staff_file_then_views_the_trust(journey, live_server, tmp_path):
    page = journey.page
    journey.sign_in(HR_LEAD)

    # A file with a bad row of each kind: every problem listed with its row and column, nothing written.
    upload(journey, tmp_path, "new-staff.csv", staff_csv(new_people(broken=True)))
    assert page.locator("h1").inner_text() == "The file has problems"
    assert page.locator(".govuk-error-summary").is_visible()
    problems = [
        tuple(cell.strip() for cell in row.locator("td").all_inner_texts())
        for row in page.locator("#row-errors tbody tr").all()
    ]
    assert {(row, column) for row, column, _ in problems} >= {
        ("2", "trn"),
        ("3", "start_date"),
        ("4", "role"),
    }, problems
    assert page.get_by_role("button", name="Apply the changes").count() == 0
    assert db_query(live_server, "SELECT count(*) FROM staff_member WHERE staff_ref LIKE 'JRNY%'") == [(0,)]

    # The corrected file: what would change, then applied.
    upload(journey, tmp_path, "new-staff-fixed.csv", staff_csv(new_people(broken=False)))
    assert page.locator("h1").inner_text() == "Check the changes before applying them"
    assert db_query(live_server, "SELECT count(*) FROM staff_member WHERE staff_ref LIKE 'JRNY%'") == [(0,)]
    page.get_by_role("button", name="Apply the changes").click()
    page.wait_for_load_state("load")
    journey.check()
    assert page.locator("h1").inner_text() == "The file was applied"
    assert db_query(live_server, "SELECT count(*) FROM staff_member WHERE staff_ref LIKE 'JRNY%'") == [(3,)]

    # The trust overview, then the school the new people joined.
    page.get_by_role("link", name="Trust overview").first.click()
    page.wait_for_load_state("load")
    journey.check()
    if f"/trusts/{TRUST}" not in page.url:  # an HR lead may land on the list of trusts first
        page.locator(f"a[href^='/trusts/{TRUST}']").first.click()
        page.wait_for_load_state("load")
        journey.check()
    assert f"/trusts/{TRUST}" in page.url
    page.locator(f"a[href^='/schools/{SCHOOL}']").first.click()
    page.wait_for_load_state("load")
    journey.check()
    text = page.locator("main").inner_text()
    assert "Journeyman" in text, "the school page does not list the people just imported"

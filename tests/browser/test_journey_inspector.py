"""Journey (c): an inspector opens an invitation, downloads a certificate and verifies it at /verify/....

First the school lead does what makes it possible: saves the school's evaluation, issues its certificate and
invites the inspector (the link is shown once). Then the inspector opens the link, signs in, accepts, opens the
school's read-only view, downloads the certificate PDF (read back with pdftotext), and checks the code on the
public verification page, signed out, as anyone holding the paper would. Every page is checked with axe.
"""

from __future__ import annotations

import re
import subprocess

from browser.live_server import DEMO_PASSWORD

SCHOOL_LEAD = "school.lead@demo.example"
INSPECTOR = "inspector@demo.example"
SCHOOL = "149002"
CODE = re.compile(r"SWC-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}")


def sign_out(journey) -> None:
    journey.page.get_by_role("button", name="Sign out").first.click()
    journey.page.wait_for_load_state("load")
    journey.check()


def test_an_inspector_accepts_an_invitation_downloads_and_verifies_a_certificate(journey, tmp_path):
    page = journey.page

    # The school lead saves the evaluation and issues the certificate.
    journey.sign_in(SCHOOL_LEAD)
    journey.goto(f"/schools/{SCHOOL}")
    page.get_by_role("button", name="Save this evaluation").click()
    page.wait_for_load_state("load")
    journey.check()
    page.locator("#saved-evaluations").get_by_role("button", name="Issue certificate").first.click()
    page.wait_for_url(
        re.compile(r".*/certificates/SWC-"), timeout=120_000
    )  # the first PDF render takes a while
    journey.check()
    code = CODE.search(page.url).group(0)

    # ... and invites the inspector.
    journey.goto("/inspector-access/new")
    page.get_by_label("Inspector's email address").fill(INSPECTOR)
    page.locator("input[name='scope']").first.check()
    page.get_by_label("Number of days").fill("14")
    page.get_by_role("button", name="Create the invitation").click()
    page.wait_for_load_state("load")
    journey.check()
    link = page.locator("#invitation-link").inner_text().strip()
    assert "/inspector-invitations/" in link, link
    sign_out(journey)

    # The inspector opens the link, signs in, and accepts.
    page.goto(link)
    page.wait_for_load_state("load")
    journey.check()
    if "/sign-in" in page.url:
        page.get_by_label("Email address").fill(INSPECTOR)
        page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state("load")
        journey.check()
    assert "/inspector-invitations/" in page.url, (
        f"signing in did not lead back to the invitation: {page.url}"
    )
    page.get_by_role("button", name="Accept access").click()
    page.wait_for_load_state("load")
    journey.check()

    # The read-only view of the school, and its certificate.
    if f"/inspect/schools/{SCHOOL}" not in page.url:
        page.locator(f"a[href='/inspect/schools/{SCHOOL}']").first.click()
        page.wait_for_load_state("load")
        journey.check()
    assert code in page.locator("main").inner_text(), "the certificate is not listed for the inspector"
    name, pdf = journey.download(lambda: page.locator(f"a[href='/certificates/{code}/pdf']").first.click())
    assert pdf.startswith(b"%PDF-"), name
    (tmp_path / "certificate.pdf").write_bytes(pdf)
    text = subprocess.run(
        ["pdftotext", "-layout", str(tmp_path / "certificate.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert code in text, "the downloaded PDF does not carry its code"
    verify_urls = re.findall(r"https?://\S+/verify/" + re.escape(code), text.replace("\n", ""))
    sign_out(journey)

    # Anyone holding the paper checks it: the public page, signed out, typed in as printed.
    journey.goto("/verify")
    page.get_by_label("Certificate code").fill(code.lower().replace("-", " "))
    page.get_by_role("button", name="Check certificate").click()
    page.wait_for_url(f"**/verify/{code}")
    journey.check()
    heading = page.locator("h1").inner_text()
    assert heading == f"Certificate {code} is current", heading
    if verify_urls:  # the address printed on the certificate is the same page
        assert verify_urls[0].endswith(f"/verify/{code}")

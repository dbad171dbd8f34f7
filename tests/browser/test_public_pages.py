"""Pages anyone can open: start, cookies, sign-in (with its error summary), certificate verification."""

from __future__ import annotations


def test_public_pages_are_accessible(journey):
    for path in ("/", "/cookies", "/sign-in", "/verify", "/password-reset"):
        journey.goto(path)


def test_a_wrong_password_shows_an_accessible_error_summary(journey):
    journey.goto("/sign-in")
    page = journey.page
    page.get_by_label("Email address").fill("teacher@demo.example")
    page.get_by_label("Password", exact=True).fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert page.title().startswith("Error: ")
    journey.check()


def test_an_unknown_certificate_code_is_explained(journey):
    journey.goto("/verify")
    journey.page.get_by_label("Certificate code").fill("swc 2345 6789 abcd")
    journey.page.get_by_role("button", name="Check certificate").click()
    journey.page.wait_for_load_state("load")
    assert journey.page.url.endswith("/verify/SWC-2345-6789-ABCD"), journey.page.url
    assert journey.page.locator("h1").inner_text().strip() == "Certificate not found"
    journey.check()

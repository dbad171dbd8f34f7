"""The accessibility checker can fail: axe, run the way the journeys run it, reports known violations.

The probe pages are served at the app's own origin with the app's own Content-Security-Policy, so they also
prove axe still runs under the production CSP (a checker silently blocked by the CSP would pass everything).
"""

from __future__ import annotations

import urllib.request

import pytest
from a11y import PINS, assert_accessible, axe_run, axe_violations

BAD_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Probe</title></head>
<body><main>
  <h1>Probe</h1>
  <img src="/static/govuk/assets/images/govuk-crest.svg">
  <form action="/probe" method="get"><input type="text" name="q"></form>
</main></body></html>"""

GOOD_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Probe</title></head>
<body><main>
  <h1>Probe</h1>
  <img src="/static/govuk/assets/images/govuk-crest.svg" alt="Royal coat of arms">
  <form action="/probe" method="get"><label for="q">Search</label><input type="text" id="q" name="q"></form>
</main></body></html>"""


@pytest.fixture
def probe(page, live_server):
    """Serve given HTML at /a11y-probe on the app's origin, with the headers the app sends for its pages."""
    with urllib.request.urlopen(live_server.url("/")) as response:
        csp = response.headers["Content-Security-Policy"]
    assert csp and "script-src 'self'" in csp, csp

    def show(html: str):
        page.route(
            live_server.url("/a11y-probe"),
            lambda route: route.fulfill(
                status=200, body=html, headers={"Content-Type": "text/html", "Content-Security-Policy": csp}
            ),
        )
        page.goto(live_server.url("/a11y-probe"))
        return page

    return show


def test_axe_reports_an_image_without_alt_and_an_input_without_label(probe):
    tab = probe(BAD_PAGE)
    found = {v["id"]: v["impact"] for v in axe_violations(tab)}
    assert found.get("image-alt") == "critical", found
    assert found.get("label") == "critical", found
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(tab)


def test_axe_passes_the_same_page_once_fixed(probe):
    tab = probe(GOOD_PAGE)
    assert axe_violations(tab) == []
    assert_accessible(tab)


def test_axe_is_the_pinned_release_and_runs_the_wcag_22_rules(probe):
    tab = probe(GOOD_PAGE)
    result = axe_run(tab)
    assert result["version"] == PINS["version"]
    # target-size is a WCAG 2.2 AA rule: axe knows it under the tags we ask for.
    rules = tab.evaluate("() => axe.getRules(['wcag22aa']).map(r => r.ruleId)")
    assert "target-size" in rules

"""The page checker must catch each problem it claims to (a checker that cannot fail is worse than none)."""

from __future__ import annotations

from workforce.web.page_check import page_problems


def page(body: str, title: str = "Sign in – SEND Workforce – GOV.UK") -> str:
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body>{body}</body></html>"


GOOD = page(
    '<svg><title>GOV.UK</title></svg><h1 class="govuk-heading-l">Sign in</h1>'
    '<form action="/sign-in" method="post"><input type="hidden" name="_csrf_token" value="t">'
    '<label for="email">Email</label><input id="email" name="email" type="email"></form>'
    '<form action="/search" method="get"><label for="q">Search</label><input id="q" name="q"></form>'
)


def test_a_good_page_passes():
    assert page_problems(GOOD) == []


def test_error_prefix_in_title_is_allowed():
    assert page_problems(GOOD.replace("<title>Sign in", "<title>Error: Sign in")) == []


def test_missing_or_extra_h1():
    assert "expected exactly one <h1>, found 0" in page_problems(page("<p>no heading</p>"))[0]
    assert "found 2" in page_problems(page("<h1>Sign in</h1><h1>Again</h1>"))[0]


def test_title_must_start_with_the_h1():
    problems = page_problems(page("<h1>Your account</h1>", title="Home – SEND Workforce – GOV.UK"))
    assert problems == ["<title> 'Home – SEND Workforce – GOV.UK' does not start with the <h1> 'Your account'"]


def test_missing_title():
    assert page_problems("<html><body><h1>Sign in</h1></body></html>") == ["the page has no <title>"]


def test_post_form_without_csrf_token_or_action():
    problems = page_problems(page('<h1>Sign in</h1><form method="post"><button>Go</button></form>'))
    assert problems == [
        "form 1 (no action) has no action",
        "form 1 (no action) is a POST form without the _csrf_token field",
    ]


def test_duplicate_ids():
    problems = page_problems(page('<h1 id="x">Sign in</h1><p id="x"></p><p id="y"></p><p id="y"></p>'))
    assert problems == ["duplicate ids: x, y"]


def test_unlabelled_control():
    problems = page_problems(page('<h1>Sign in</h1><form action="/s"><input id="q" name="q"></form>'))
    assert problems == ["<input name='q'> has no label"]
    labelled = page('<h1>Sign in</h1><form action="/s"><input aria-label="Search" name="q"></form>')
    assert page_problems(labelled) == []

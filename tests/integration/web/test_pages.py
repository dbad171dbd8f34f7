"""The layout, home pages, security headers, static assets and error pages."""

from __future__ import annotations

import base64
import hashlib
import json
import re

import pytest

from workforce.config import get_settings
from workforce.paths import STATIC_DIR
from workforce.web import headers as security_headers_module


async def test_start_page_for_signed_out_visitors(client):
    response = await client.page("/")
    assert "Record and check SEND skills in schools" in response.text
    assert 'href="/sign-in"' in response.text and "govuk-button--start" in response.text
    assert "<title>Record and check SEND skills in schools – SEND Workforce – GOV.UK</title>" in response.text
    assert 'hx-history="false"' not in response.text  # no personal data here


@pytest.mark.parametrize("role", ["teacher", "school_lead", "hr_lead", "inspector", "dfe_analyst", "admin"])
async def test_signed_in_home_page_for_every_role(client, login_as, role):
    account = await login_as(role, display_name=f"Pat {role}")
    response = await client.page("/")
    text = response.text
    assert f"Signed in as Pat {role}" in text
    assert account.email in text
    assert "Sign out" in text and 'action="/sign-out"' in text
    assert 'hx-history="false"' in text  # personal data: not kept in htmx's history cache
    assert "coming soon" not in text.lower()
    if role == "admin":
        assert 'href="/admin/users"' in text
    else:
        assert 'href="/admin/users"' not in text
    if role == "school_lead":
        assert "(URN " in text
    if role == "hr_lead":
        assert "(UID " in text


async def test_navigation_marks_the_current_page(client, login_as):
    await login_as("admin")
    response = await client.page("/admin/users")
    assert re.search(r'href="/admin/users"\s+aria-current="page"', response.text)


def _sign_out_form(html: str) -> str:
    match = re.search(r'<form action="/sign-out".*?</form>', html, re.S)
    assert match, "no sign-out form in the menu"
    return match.group(0)


async def test_the_kept_menu_carries_each_visitors_own_sign_out_form(client, other_client, login_as):
    """The layout's menu is rendered once per set of links and kept; the sign-out form in it, which carries
    the visitor's CSRF token, is added on every page: two visitors of the same page get their own."""
    await login_as("admin")
    await login_as("admin", client=other_client)
    mine = (await client.page("/admin/users")).text
    theirs = (await other_client.page("/admin/users")).text
    assert client.cookie("workforce_csrf") != other_client.cookie("workforce_csrf")
    for page, visitor in ((mine, client), (theirs, other_client)):
        form = _sign_out_form(page)
        assert f'value="{visitor.cookie("workforce_csrf")}"' in form
        assert page.count("@@navigation-end@@") == 0
        assert re.search(r'href="/admin/users"\s+aria-current="page"', page)
    home = (await client.page("/")).text  # the same links, another current page: another kept menu
    assert not re.search(r'href="/admin/users"\s+aria-current="page"', home)
    assert _sign_out_form(home) == _sign_out_form(mine)
    await client.sign_out()
    signed_out = (await client.page("/")).text
    assert 'action="/sign-out"' not in signed_out and 'href="/sign-in"' in signed_out


async def test_admin_users_page_lists_accounts(client, login_as):
    admin = await login_as("admin")
    lead = await login_as("school_lead", client=client)
    await client.sign_out()
    await client.sign_in(admin.email)
    response = await client.page("/admin/users")
    assert admin.email in response.text and lead.email in response.text
    assert "2 accounts" in response.text


async def test_layout_has_the_gov_uk_template_parts(client):
    text = (await client.page("/cookies")).text
    assert 'class="govuk-skip-link"' in text and 'href="#main-content"' in text
    assert '<main class="govuk-main-wrapper" id="main-content"' in text
    assert "govuk-header" in text and "govuk-service-navigation" in text and "SEND Workforce" in text
    assert "govuk-phase-banner" in text and "govuk-footer" in text
    assert 'data-module="govuk-service-navigation"' in text
    assert '<script type="module" src="/static/js/app.js?v=' in text
    assert '<script src="/static/htmx/htmx.min.js?v=' in text
    meta = re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", text)
    assert meta and json.loads(meta.group(1))["includeIndicatorStyles"] is False


async def test_security_headers_on_pages_assets_and_errors(client):
    for path in ("/", "/static/css/app.css", "/no-such-page", "/healthz"):
        response = await client.get(path)
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "script-src 'self' 'sha256-" in headers["content-security-policy"], path
        assert "'unsafe-inline'" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"
        assert headers["x-frame-options"] == "DENY"
        assert "strict-transport-security" not in headers  # only in production


async def test_the_only_inline_script_is_allowed_by_its_hash(client):
    response = await client.get("/")
    scripts = re.findall(r"<script>(.*?)</script>", response.text, flags=re.S)
    assert len(scripts) == 1
    digest = base64.b64encode(hashlib.sha256(scripts[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["content-security-policy"]
    assert "<style" not in response.text and " style=" not in response.text


async def test_hsts_in_production(monkeypatch):
    monkeypatch.setenv("WORKFORCE_ENV", "production")
    get_settings.cache_clear()
    try:
        message = {"type": "http.response.start", "status": 200, "headers": []}
        await security_headers_module.security_headers(message, {"path": "/"})
        names = {name.decode().lower(): value.decode() for name, value in message["headers"]}
        assert names["strict-transport-security"].startswith("max-age=31536000")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


async def test_production_cookies_are_secure(monkeypatch):
    from workforce.app import create_app

    monkeypatch.setenv("WORKFORCE_ENV", "production")
    get_settings.cache_clear()
    try:
        app = create_app()
        assert app.csrf_config.cookie_secure is True and app.csrf_config.cookie_httponly is True
        session_middleware = app.middleware[0]
        assert session_middleware.kwargs["backend"].config.secure is True
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


async def test_pages_are_not_cached_but_assets_are(client):
    assert (await client.get("/")).headers["cache-control"] == "no-store"
    asset = await client.get("/static/govuk/govuk-frontend.min.css")
    assert asset.status_code == 200
    assert "max-age=86400" in asset.headers["cache-control"]
    assert asset.headers["content-type"].startswith("text/css")


async def test_every_font_and_image_in_the_css_is_served(client):
    css = (await client.get("/static/govuk/govuk-frontend.min.css")).text
    urls = sorted(set(re.findall(r"url\(\"?([^\")]+)\"?\)", css)))
    assert len(urls) >= 5
    assert all(url.startswith("/static/govuk/assets/") for url in urls), urls
    for url in urls:
        response = await client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) > 100
    font = await client.get("/static/govuk/assets/fonts/bold-b542beb274-v2.woff2")
    assert font.headers["content-type"] == "font/woff2"


async def test_every_static_url_on_a_page_resolves(client):
    text = (await client.get("/")).text
    urls = set(re.findall(r'(?:href|src)="(/static/[^"]+)"', text))
    assert len(urls) >= 6
    for url in urls:
        assert (await client.get(url)).status_code == 200, url


def test_vendored_files_match_versions_json():
    versions = json.loads((STATIC_DIR / "VERSIONS.json").read_text())
    assert versions["packages"]["govuk-frontend"]["version"] == "6.3.0"
    assert versions["packages"]["htmx.org"]["version"] == "2.0.10"
    for relative, digest in versions["files"].items():
        assert hashlib.sha256((STATIC_DIR / relative).read_bytes()).hexdigest() == digest, relative
    on_disk = {
        p.relative_to(STATIC_DIR).as_posix()
        for folder in ("govuk", "htmx")
        for p in (STATIC_DIR / folder).rglob("*")
        if p.is_file()
    }
    assert on_disk == set(versions["files"])


async def test_unknown_page_is_a_gov_uk_404(client, check_page):
    response = await client.get("/no-such-page")
    assert response.status_code == 404
    check_page(response)
    assert "Page not found" in response.text


async def test_unknown_page_for_a_signed_in_user(client, login_as, check_page):
    await login_as("admin")
    response = await client.get("/still-no-such-page")
    assert response.status_code == 404
    check_page(response)


async def test_cookies_page_names_the_real_cookies(client, login_as):
    await login_as("admin")
    text = (await client.page("/cookies")).text
    assert {c.name for c in client.http.cookies.jar} == {"workforce_session", "workforce_csrf"}
    assert "workforce_session" in text and "workforce_csrf" in text


async def test_healthz(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"

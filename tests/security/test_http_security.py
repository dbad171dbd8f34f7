"""Security headers, cookies and uploaded files, checked against the real server over HTTP.

- Every response (pages, assets, errors, JSON API, OpenAPI) carries a Content-Security-Policy that allows only
  the app's own origin (plus hashes of the inline scripts the pages really contain), frame-ancestors 'none',
  nosniff and DENY framing; HSTS only in production (which runs behind TLS).
- Pages contain nothing the CSP would block (inline scripts without a listed hash, style attributes, inline
  event handlers), so the policy is not just sent but kept.
- Session and CSRF cookies are HttpOnly and SameSite, and Secure in production.
- Evidence uploads land outside the web root under random names, readable only through the guarded route.
"""

from __future__ import annotations

import base64
import hashlib
import re
import stat
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest
from browser.live_server import LiveServer, csrf_token, http_client

from workforce.paths import STATIC_DIR, TEMPLATES_DIR
from workforce.web.sessions import SESSION_COOKIE

CSRF_COOKIE = "workforce_csrf"
TEACHER = "teacher@demo.example"
ANALYST = "analyst@demo.example"
HR_LEAD = "hr.lead@demo.example"

PUBLIC_PATHS = [
    "/",
    "/sign-in",
    "/cookies",
    "/verify",
    "/password-reset",
    "/static/css/app.css",
    "/static/govuk/govuk-frontend.min.js",
    "/no-such-page",
    "/healthz",
    "/api/v1/summary",  # 401 JSON without a token
    "/schema/openapi.json",
    "/verify/public-key",
]
SIGNED_IN_PATHS = {
    TEACHER: ["/", "/my-cpd", "/my-cpd/new", "/my-cpd/requirements", "/dfe"],  # /dfe: 403 page
    ANALYST: ["/dfe", "/dfe/scenarios", "/dfe/api-tokens"],
    HR_LEAD: ["/"],
}
_HASH_SOURCE = re.compile(r"^'sha(256|384|512)-[A-Za-z0-9+/]+=*'$")


# ---------------------------------------------------------------------------------------- helpers


def csp_directives(value: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in value.split(";"):
        words = part.split()
        if words:
            assert words[0] not in directives, f"directive {words[0]} given twice"
            directives[words[0].lower()] = words[1:]
    return directives


def assert_own_assets_only(csp: str) -> dict[str, list[str]]:
    directives = csp_directives(csp)
    assert directives.get("default-src") == ["'self'"], csp
    assert directives.get("frame-ancestors") == ["'none'"], csp
    assert directives.get("object-src") == ["'none'"], csp
    assert directives.get("base-uri") in (["'self'"], ["'none'"]), csp
    assert directives.get("form-action") == ["'self'"], csp
    for name, sources in directives.items():
        for source in sources:
            allowed = source in ("'self'", "'none'") or (name == "script-src" and _HASH_SOURCE.match(source))
            assert allowed, f"{name} allows {source}: only the app's own assets may load ({csp})"
    return directives


class _InlineParts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.inline_scripts: list[str] = []
        self.style_attributes: list[str] = []
        self.handlers: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if "style" in values:
            self.style_attributes.append(f"<{tag} style={values['style']!r}>")
        self.handlers.extend(f"<{tag} {name}=...>" for name in values if name.startswith("on"))
        if tag == "script" and "src" not in values:
            self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.inline_scripts.append("".join(self._script))
            self._script = None


def assert_page_keeps_its_policy(html: str, directives: dict[str, list[str]], where: str) -> None:
    parts = _InlineParts()
    parts.feed(html)
    allowed = set(directives.get("script-src", []))
    for script in parts.inline_scripts:
        digest = "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        assert digest in allowed, (
            f"{where}: inline script not allowed by the CSP (its hash {digest}): {script[:80]}"
        )
    assert not parts.style_attributes, (
        f"{where}: style attributes the CSP blocks: {parts.style_attributes[:3]}"
    )
    assert not parts.handlers, f"{where}: inline event handlers the CSP blocks: {parts.handlers[:3]}"


def check_response(response: httpx.Response, *, production: bool) -> None:
    where = f"{response.request.method} {response.request.url.path} ({response.status_code})"
    headers = response.headers
    assert response.status_code < 500, where
    directives = assert_own_assets_only(headers.get("content-security-policy", ""))
    assert headers.get("x-frame-options") == "DENY", where
    assert headers.get("x-content-type-options") == "nosniff", where
    assert headers.get("referrer-policy") in (
        "same-origin",
        "no-referrer",
        "strict-origin-when-cross-origin",
    ), where
    assert "server" not in headers, f"{where}: the server announces itself: {headers.get('server')}"
    hsts = headers.get("strict-transport-security")
    if production:
        assert hsts is not None, f"{where}: no HSTS in production"
        max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
        assert max_age >= 31_536_000, f"{where}: HSTS max-age {max_age} is under a year"
    else:
        assert hsts is None, f"{where}: HSTS over plain HTTP outside production would lock developers out"
    if headers.get("content-type", "").startswith("text/html"):
        assert_page_keeps_its_policy(response.text, directives, where)


def set_cookies(response: httpx.Response) -> dict[str, str]:
    """Set-Cookie headers by cookie name (the whole header, attributes included)."""
    found = {}
    for header in response.headers.get_list("set-cookie"):
        found[header.split("=", 1)[0].strip()] = header
    return found


def cookie_attributes(header: str) -> dict[str, str]:
    attributes = {}
    for part in header.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        attributes[name.lower()] = value.lower()
    return attributes


def sign_in_responses(server: LiveServer, email: str) -> tuple[httpx.Response, httpx.Response]:
    """GET and POST /sign-in with the CSRF cookie passed by hand (Secure cookies never go back over http)."""
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        page = client.get("/sign-in")
        csrf_cookie = set_cookies(page)[CSRF_COOKIE].split(";", 1)[0]
        posted = client.post(
            "/sign-in",
            data={
                "email": email,
                "password": "demo-password-2026",
                "next": "/",
                "_csrf_token": csrf_token(page.text),
            },
            headers={"Cookie": csrf_cookie},
            follow_redirects=False,
        )
    return page, posted


# ---------------------------------------------------------------------------------------- headers


@pytest.mark.parametrize("production", [False, True], ids=["test-mode", "production"])
def test_every_kind_of_response_carries_the_security_headers(request, production):
    server = request.getfixturevalue("served_production" if production else "served")
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        for path in PUBLIC_PATHS:
            check_response(client.get(path), production=production)
    if production:
        return  # signed-in pages need cookies that only travel over TLS in production
    for email, paths in SIGNED_IN_PATHS.items():
        with http_client(server, email) as client:
            for path in paths:
                check_response(client.get(path), production=False)


def test_the_csp_checker_refuses_other_origins_and_inline_code():
    """The checks above can fail."""
    with pytest.raises(AssertionError, match="allows https://cdn"):
        assert_own_assets_only(
            "default-src 'self'; script-src 'self' https://cdn.example; frame-ancestors 'none'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'"
        )
    with pytest.raises(AssertionError, match="allows 'unsafe-inline'"):
        assert_own_assets_only(
            "default-src 'self'; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'"
        )
    with pytest.raises(AssertionError):
        assert_own_assets_only("default-src 'self'; frame-ancestors *")
    directives = {"script-src": ["'self'"]}
    with pytest.raises(AssertionError, match="inline script"):
        assert_page_keeps_its_policy("<script>alert(1)</script>", directives, "probe")
    with pytest.raises(AssertionError, match="style attributes"):
        assert_page_keeps_its_policy('<p style="color:red">x</p>', directives, "probe")
    with pytest.raises(AssertionError, match="event handlers"):
        assert_page_keeps_its_policy('<a onclick="x()">x</a>', directives, "probe")


# ---------------------------------------------------------------------------------------- cookies


@pytest.mark.parametrize("production", [False, True], ids=["test-mode", "production"])
def test_session_and_csrf_cookies_are_httponly_samesite_and_secure_in_production(request, production):
    server = request.getfixturevalue("served_production" if production else "served")
    page, posted = sign_in_responses(server, TEACHER)
    assert posted.status_code == 303, posted.text[:500]
    cookies = {
        CSRF_COOKIE: set_cookies(page)[CSRF_COOKIE],
        SESSION_COOKIE: set_cookies(posted)[SESSION_COOKIE],
    }
    for name, header in cookies.items():
        attributes = cookie_attributes(header)
        assert "httponly" in attributes, f"{name} is readable by scripts: {header}"
        assert attributes.get("samesite") in ("lax", "strict"), f"{name} has no SameSite: {header}"
        assert attributes.get("path") == "/", header
        assert "domain" not in attributes, f"{name} is shared with other hosts: {header}"
        if production:
            assert "secure" in attributes, f"{name} would travel over plain HTTP in production: {header}"


# ---------------------------------------------------------------------------------------- uploads


MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _log_cpd_with_evidence(client: httpx.Client, filename: str, content: bytes) -> int:
    token = csrf_token(client.get("/my-cpd/new").text)
    response = client.post(
        "/my-cpd/new",
        data={
            "_csrf_token": token,
            "activity_date-day": "3",
            "activity_date-month": "10",
            "activity_date-year": "2025",
            "title": "Upload safety check",
            "hours": "1",
            "send_area": "general",
        },
        files={"evidence_file": (filename, content, "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:2000]
    match = re.search(r"/my-cpd/(\d+)", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def _files(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if path.is_file()} if folder.exists() else set()


def test_evidence_uploads_are_stored_outside_the_web_root_under_random_names(served):
    uploads = served.data_dir / "uploads"
    before = _files(uploads)
    hostile_name = "..%2f..%2fstatic%2fevil <script>.pdf"
    with http_client(served, TEACHER) as client:
        first = _log_cpd_with_evidence(client, hostile_name, MINIMAL_PDF)
        _log_cpd_with_evidence(client, hostile_name, MINIMAL_PDF)
        new = sorted(_files(uploads) - before)
        assert len(new) == 2, new
        names = [path.name for path in new]
        assert names[0] != names[1], "the same file uploaded twice must get two random names"
        static_root, templates_root = STATIC_DIR.resolve(), TEMPLATES_DIR.resolve()
        for path in new:
            assert re.fullmatch(r"[0-9a-f]{32}\.pdf", path.name), path.name
            assert "evil" not in str(path) and "script" not in str(path)
            real = path.resolve()
            assert not real.is_relative_to(static_root) and not real.is_relative_to(templates_root), real
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path} is readable by other users"
            assert path.read_bytes() == MINIMAL_PDF
            for url in (
                f"/static/{path.name}",
                f"/uploads/{path.name}",
                f"/uploads/evidence/{path.name}",
                f"/static/../uploads/evidence/{path.name}",
                f"/static/%2e%2e/uploads/evidence/{path.name}",
            ):
                got = client.get(url)
                assert got.status_code in (400, 404), f"{url} answered {got.status_code}"
                assert got.content != MINIMAL_PDF

        # The owner downloads it through the guarded route, as an attachment that is never sniffed as HTML.
        download = client.get(f"/cpd-records/{first}/evidence")
        assert download.status_code == 200
        assert download.content == MINIMAL_PDF
        assert download.headers["content-type"].startswith("application/pdf")
        assert download.headers.get("x-content-type-options") == "nosniff"
        assert "attachment" in download.headers.get("content-disposition", "")

    with httpx.Client(base_url=served.base_url, timeout=60) as anonymous:
        got = anonymous.get(f"/cpd-records/{first}/evidence", follow_redirects=False)
        assert got.status_code in (302, 303, 401), got.status_code
    with http_client(served, ANALYST) as analyst:
        got = analyst.get(f"/cpd-records/{first}/evidence", follow_redirects=False)
        assert got.status_code in (403, 404), got.status_code


def test_csv_uploads_are_kept_outside_the_web_root_under_random_names_and_removed_once_applied(served):
    kept_dir = served.data_dir / "uploads" / "imports"
    before = _files(kept_dir)
    content = (
        b"staff_id,record_id,title,provider,date,hours,send,send_area,mandatory_module,evidence_ref,reflection,status\r\n"
        b"RLT0005,SEC-UPLOAD-1,Upload storage check,Trust,2025-10-01,1,yes,general,no,,,self-reported\r\n"
    )
    with http_client(served, HR_LEAD) as client:
        token = csrf_token(client.get("/uploads").text)
        preview = client.post(
            "/uploads",
            data={"_csrf_token": token, "kind": "cpd"},
            files={"file": ("../../static/evil <x>.csv", content, "text/csv")},
        )
        assert preview.status_code == 200, preview.text[:1000]
        new = sorted(_files(kept_dir) - before)
        assert new, "the checked file was not kept for applying"
        static_root = STATIC_DIR.resolve()
        for path in new:
            assert re.fullmatch(r"[A-Za-z0-9_-]{32}(\.[a-z]+)?", path.name), path.name
            assert "evil" not in path.name
            assert not path.resolve().is_relative_to(static_root)
            assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path} is readable by other users"
            for url in (f"/static/{path.name}", f"/uploads/{path.name}", f"/uploads/imports/{path.name}"):
                assert client.get(url).status_code in (400, 404, 405), url
        kept = [path for path in new if path.read_bytes() == content]
        assert len(kept) == 1, "the kept file is not the uploaded one"

        apply = re.search(r'action="(/uploads/[A-Za-z0-9_-]{32}/apply)"', preview.text).group(1)
        applied = client.post(apply, data={"_csrf_token": csrf_token(preview.text)})
        assert applied.status_code == 200, applied.text[:1000]
    assert not (set(new) & _files(kept_dir)), "the uploaded file is still kept after it was applied"

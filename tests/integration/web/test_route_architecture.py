"""Every route makes an explicit access decision: a guard, or public on purpose (and listed here).

A new public route must be added to PUBLIC_ROUTES below, with a reason, in the same change.
"""

from __future__ import annotations

import re

from litestar import get
from litestar.params import FromPath
from litestar.routes import HTTPRoute

from workforce.app import create_app
from workforce.web.security import PUBLIC, requires_role

# (method, path) -> why it is public
PUBLIC_ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/"): "start page when signed out (it shows the role's landing page when signed in)",
    ("GET", "/cookies"): "cookie information",
    ("GET", "/healthz"): "load balancer health check",
    ("GET", "/sign-in"): "signing in",
    ("POST", "/sign-in"): "signing in",
    ("POST", "/sign-out"): "signing out is harmless when already signed out",
    ("GET", "/password-reset"): "password reset",
    ("POST", "/password-reset"): "password reset",
    ("GET", "/password-reset/{token:str}"): "password reset link (the token is the credential)",
    ("POST", "/password-reset/{token:str}"): "password reset link (the token is the credential)",
    ("GET", "/static/{file_path:path}"): "GOV.UK Frontend, htmx and our CSS/JS",
    ("HEAD", "/static/{file_path:path}"): "GOV.UK Frontend, htmx and our CSS/JS",
    ("OPTIONS", "/static/{file_path:path}"): "GOV.UK Frontend, htmx and our CSS/JS",
    ("GET", "/verify"): "anyone can check a certificate",
    ("GET", "/verify/public-key"): "anyone can check a certificate",
    ("GET", "/verify/{code:str}"): "anyone can check a certificate",
    ("GET", "/schema"): "the JSON API's reference (OpenAPI): documentation, no data",
    ("OPTIONS", "/schema"): "the JSON API's reference (OpenAPI): documentation, no data",
    ("GET", "/schema/openapi.json"): "the JSON API's OpenAPI document: documentation, no data",
    ("OPTIONS", "/schema/openapi.json"): "the JSON API's OpenAPI document: documentation, no data",
    ("GET", "/schema/{path:str}"): "Litestar's not-found page for other /schema paths",
    ("OPTIONS", "/schema/{path:str}"): "Litestar's not-found page for other /schema paths",
}

# ``openapi.json``: the conventional name of the OpenAPI document (/schema/openapi.json).
_SEGMENT = re.compile(r"^(?:[a-z0-9]+(?:-[a-z0-9]+)*|openapi\.json|\{[a-z_][a-z0-9_]*:(?:int|str|path|uuid|date|datetime|decimal|float|time|timedelta)\})$")


def _is_litestar_options(handler) -> bool:
    """Litestar adds an OPTIONS handler to every path (it only answers which methods exist)."""
    return handler.http_methods == {"OPTIONS"} and handler.fn.__module__.startswith("litestar.")


def _decisions(app):
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if _is_litestar_options(handler) and not handler.opt.get("public"):
                continue
            for method in sorted(handler.http_methods):
                yield method, route.path, handler


def access_problems(app) -> list[str]:
    problems = []
    for method, path, handler in _decisions(app):
        guarded = bool(handler.resolve_guards())
        public = handler.opt.get("public") is True
        name = f"{method} {path} ({handler.handler_name})"
        if not guarded and not public:
            problems.append(f"{name} has no guard and is not marked opt=PUBLIC")
        if public and (method, path) not in PUBLIC_ROUTES:
            problems.append(f"{name} is public but not on the PUBLIC_ROUTES allowlist")
    return problems


def url_problems(app) -> list[str]:
    problems = []
    for route in app.routes:
        for segment in route.path.strip("/").split("/"):
            if segment and not _SEGMENT.match(segment):
                problems.append(f"{route.path}: segment {segment!r} is not kebab-case (or a typed parameter)")
    return problems


def test_every_route_has_a_guard_or_is_an_allowlisted_public_route(app):
    assert access_problems(app) == []


def test_every_allowlisted_public_route_exists_and_is_public(app):
    public = {(method, path) for method, path, handler in _decisions(app) if handler.opt.get("public") is True}
    assert set(PUBLIC_ROUTES) - public == set()


def test_urls_are_kebab_case_with_typed_parameters(app):
    assert url_problems(app) == []


def test_the_checks_catch_an_unguarded_route_an_unlisted_public_route_and_a_bad_url(migrated_db):
    @get("/unguarded-page")
    async def unguarded() -> str:
        return "oops"

    @get("/secret-public", opt=PUBLIC)
    async def unlisted_public() -> str:
        return "oops"

    @get("/Bad_Page/{thing:str}", guards=[requires_role("admin")])
    async def badly_named(thing: FromPath[str]) -> str:
        return thing

    app = create_app(extra_route_handlers=[unguarded, unlisted_public, badly_named])
    problems = access_problems(app)
    assert "GET /unguarded-page (unguarded) has no guard and is not marked opt=PUBLIC" in problems
    assert "GET /secret-public (unlisted_public) is public but not on the PUBLIC_ROUTES allowlist" in problems
    assert len(problems) == 2
    assert url_problems(app) == ["/Bad_Page/{thing:str}: segment 'Bad_Page' is not kebab-case (or a typed parameter)"]

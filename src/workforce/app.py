"""The one Litestar app factory.

Features add pages without editing this file: each module in ``ROUTE_MODULES`` exposes ``route_handlers = [...]``
(and optionally ``nav_items = [NavItem(...)]`` for the header and home page). A module that does not exist yet is
skipped. Every handler must have a role guard or ``opt=PUBLIC`` (see ``workforce.web.security``); a test enforces it.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable

from litestar import Litestar, get
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import CacheControlHeader, State
from litestar.middleware import DefineMiddleware
from litestar.plugins.htmx import HTMXRequest
from litestar.static_files import create_static_files_router

import workforce  # noqa: F401  (sets PICCOLO_CONF)
from workforce.certificates.rendering import renderer_warm
from workforce.certificates.signing import signing_key_ready
from workforce.config import get_settings
from workforce.database import close_pool, engine, open_pool
from workforce.monitoring.api import openapi_config as monitoring_openapi_config
from workforce.paths import STATIC_DIR
from workforce.web.errors import exception_handlers
from workforce.web.headers import security_headers
from workforce.web.navigation import NavItem
from workforce.web.security import PUBLIC, SessionUserMiddleware
from workforce.web.sessions import SESSION_COOKIE, DatabaseSessionConfig, DatabaseSessionStore
from workforce.web.templating import STATIC_URL, make_template_config

# Modules contributing ``route_handlers`` (and optionally ``nav_items``); missing ones are skipped.
ROUTE_MODULES = [
    "workforce.web.auth_routes",
    "workforce.web.home",
    "workforce.people.routes",
    "workforce.training.routes",
    "workforce.reminders.routes",
    "workforce.compliance.routes",
    "workforce.imports.routes",
    "workforce.certificates.routes",
    "workforce.monitoring.routes",
]

# Largest request body any route accepts unless it sets its own ``request_max_body_size`` (upload routes do).
FORM_MAX_BODY_BYTES = 256 * 1024
CSRF_COOKIE = "workforce_csrf"
STATIC_CACHE_SECONDS = 24 * 60 * 60
# Paths the session and authentication middleware skip (anchored: they are regexes searched anywhere).
NO_SESSION_PATHS = [f"^{STATIC_URL}/", "^/healthz$"]


@get("/healthz", opt=PUBLIC)
async def healthz() -> dict[str, str]:
    """Liveness and database check for load balancers."""
    db = engine()
    await db.run_ddl("SELECT 1")
    return {"status": "ok", "database": db.engine_type}


def load_route_modules(names: Iterable[str] = ROUTE_MODULES) -> tuple[list, list[NavItem]]:
    """The route handlers and navigation items of every feature module that exists."""
    handlers: list = []
    nav_items: list[NavItem] = []
    for name in names:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        found = getattr(module, "route_handlers", None)
        if found is None:
            raise RuntimeError(f"{name} must define route_handlers = [...]")
        handlers.extend(found)
        nav_items.extend(getattr(module, "nav_items", []))
    return handlers, nav_items


def create_app(*, extra_route_handlers: Iterable = ()) -> Litestar:
    """The app. ``extra_route_handlers`` lets tests mount probe routes beside the real ones."""
    settings = get_settings()
    handlers, nav_items = load_route_modules()
    handlers.extend(extra_route_handlers)
    secure_cookies = settings.is_production
    sessions = DatabaseSessionConfig(
        key=SESSION_COOKIE,
        secure=secure_cookies,
        httponly=True,
        samesite="lax",
        max_age=settings.session_absolute_hours * 3600,
        exclude=NO_SESSION_PATHS,
        store="sessions",
    )
    static_files = create_static_files_router(
        path=STATIC_URL,
        directories=[STATIC_DIR],
        opt=PUBLIC,
        include_in_schema=False,
        cache_control=CacheControlHeader(max_age=STATIC_CACHE_SECONDS, public=True),
    )
    return Litestar(
        route_handlers=[healthz, static_files, *handlers],
        middleware=[sessions.middleware, DefineMiddleware(SessionUserMiddleware, exclude=NO_SESSION_PATHS)],
        stores={
            "sessions": DatabaseSessionStore(
                idle_seconds=settings.session_idle_minutes * 60,
                absolute_seconds=settings.session_absolute_hours * 3600,
            )
        },
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name=CSRF_COOKIE,
            cookie_secure=secure_cookies,
            cookie_httponly=True,  # pages hand the token to htmx themselves (hx-headers on <body>)
            cookie_samesite="lax",
            header_name="x-csrftoken",
        ),
        template_config=make_template_config(nav_items),
        exception_handlers=exception_handlers,
        before_send=[security_headers],
        request_class=HTMXRequest,
        request_max_body_size=FORM_MAX_BODY_BYTES,
        state=State({"nav_items": nav_items}),
        openapi_config=monitoring_openapi_config(),  # the JSON API's reference at /schema
        # renderer_warm: start the certificate PDF worker; signing_key_ready: no signing key, no start (production)
        on_startup=[open_pool, renderer_warm, signing_key_ready],
        on_shutdown=[close_pool],
        debug=not settings.is_production and settings.environment == "development",
    )

"""Error responses: GOV.UK pages for people, JSON for ``/api/`` clients.

- 401 (signed out) on a page: a redirect to the sign-in page that comes back afterwards.
- 403 from the CSRF check: a "your session expired, try again" page instead of a bare refusal.
- 403, 404, 413 and other 4xx: GOV.UK error pages; 500: a page that reveals nothing internal.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, urlsplit

from litestar import MediaType, Request, Response
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

log = logging.getLogger("workforce.web")

API_PREFIX = "/api/"
CSRF_FAILED = "CSRF token verification failed"
SIGN_IN_PATH = "/sign-in"

_PAGES = {
    403: "errors/403.html",
    404: "errors/404.html",
    405: "errors/404.html",
}
_TITLES = {
    400: "There is a problem with your request",
    413: "The file or form you sent is too large",
    429: "Too many requests",
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def safe_next(path: str | None) -> str:
    """A local path to return to after signing in (never another site)."""
    if not path or not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    parts = urlsplit(path)
    if parts.scheme or parts.netloc:
        return "/"
    return path


def _sign_in_redirect(request: Request) -> Response:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    location = SIGN_IN_PATH if target == "/" else f"{SIGN_IN_PATH}?next={quote(safe_next(target), safe='/')}"
    if request.headers.get("hx-request") == "true":
        # htmx would swap a followed redirect into the page: ask it to navigate instead.
        return Response(content="", status_code=401, headers={"HX-Redirect": location})
    return Redirect(path=location, status_code=303)


def _back_link(request: Request) -> str:
    referer = request.headers.get("referer", "")
    if referer:
        parts = urlsplit(referer)
        if parts.netloc == request.url.netloc and parts.path.startswith("/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


def _json(status: int, detail: str) -> Response:
    return Response(content={"status_code": status, "detail": detail}, status_code=status, media_type=MediaType.JSON)


def http_exception_handler(request: Request, exc: HTTPException) -> Response:
    status = exc.status_code
    detail = exc.detail or ""
    if is_api(request):
        return _json(status, detail)
    if status == 401:
        return _sign_in_redirect(request)
    if status == 403 and detail == CSRF_FAILED:
        return Template(
            template_name="errors/csrf.html", context={"back_link": _back_link(request)}, status_code=403
        )
    if status >= 500:
        return server_error_handler(request, exc)
    template = _PAGES.get(status, "errors/4xx.html")
    context = {"status": status, "title": _TITLES.get(status, "There is a problem with your request")}
    return Template(template_name=template, context=context, status_code=status, headers=exc.headers)


def server_error_handler(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if is_api(request):
        return _json(HTTP_500_INTERNAL_SERVER_ERROR, "Internal server error")
    return Template(template_name="errors/500.html", status_code=HTTP_500_INTERNAL_SERVER_ERROR)


exception_handlers = {
    HTTPException: http_exception_handler,
    HTTP_500_INTERNAL_SERVER_ERROR: server_error_handler,
    Exception: server_error_handler,
}

"""Security headers on every response (pages, assets, errors, and 404s for unknown paths)."""

from __future__ import annotations

from litestar.datastructures import MutableScopeHeaders
from litestar.types import Message, Scope

from workforce.config import get_settings
from workforce.web.templating import JS_ENABLED_SNIPPET_HASH, STATIC_URL

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        # Only our own files, plus GOV.UK Frontend's one-line "js-enabled" snippet, allowed by its hash.
        f"script-src 'self' '{JS_ENABLED_SNIPPET_HASH}'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

_ALWAYS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",
    "cross-origin-opener-policy": "same-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
}
HSTS = "max-age=31536000; includeSubDomains"


async def security_headers(message: Message, scope: Scope) -> None:
    """``before_send`` hook: add the headers a response has not set itself."""
    if message["type"] != "http.response.start":
        return
    headers = MutableScopeHeaders.from_message(message)
    for name, value in _ALWAYS.items():
        if name not in headers:
            headers[name] = value
    if get_settings().is_production and "strict-transport-security" not in headers:
        headers["strict-transport-security"] = HSTS
    if "cache-control" not in headers and not scope.get("path", "").startswith(STATIC_URL + "/"):
        # Pages may carry personal data: never keep them in shared or browser caches.
        headers["cache-control"] = "no-store"

"""Security checks against real servers: one in test mode and one in production mode, each with the demo data.

The servers come from tests/browser/live_server.py (own data folder; own database on PostgreSQL).
"""

from __future__ import annotations

import base64

import pytest
from browser.live_server import dispose_server, make_server
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def _served(suffix: str, environment: str, extra_env: dict[str, str] | None = None):
    server = make_server(suffix, environment=environment, extra_env=extra_env)
    try:
        server.prepare(demo=True)
        server.start()
        yield server
    finally:
        dispose_server(server)


@pytest.fixture(scope="session")
def served():
    """The app as `make run` serves it (WORKFORCE_ENV=test), with the demo data."""
    yield from _served("security", "test")


@pytest.fixture(scope="session")
def served_production():
    """The app with WORKFORCE_ENV=production (behind TLS in real life: HSTS, Secure cookies)."""
    # Production never generates a signing key by itself: it is configured, as an operator would.
    key = base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode()
    yield from _served("security_prod", "production", {"SIGNING_KEY": key})

"""Fixtures for certificate tests.

The page tests reuse the web foundation's fixtures (``app``, ``client``, ``login_as``, factories) from
tests/integration/web/conftest.py, loaded once under another module name.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import certificate_helpers as helpers
import pytest

from workforce.certificates import rendering


def _load_web_fixtures():
    path = Path(__file__).resolve().parents[1] / "web" / "conftest.py"
    spec = importlib.util.spec_from_file_location("web_fixtures_for_certificates", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_web = _load_web_fixtures()
app = _web.app
client = _web.client
other_client = _web.other_client
login_as = _web.login_as
make_school = _web.make_school
make_trust = _web.make_trust
make_staff = _web.make_staff
check_page = _web.check_page
smtp_server = _web.smtp_server
_fast_password_hashing = _web._fast_password_hashing


@pytest.fixture
async def school_snapshot():
    await helpers.make_school()
    return await helpers.make_snapshot(helpers.SCHOOL_FINDINGS)


@pytest.fixture(scope="session", autouse=True)
def _stop_render_workers():
    yield
    rendering.renderer_shutdown()

"""Fixtures for the monitoring tests: the hand-built data set of ``monitoring_dataset``, and the web
foundation's fixtures (``app``, ``client``, ``login_as``...) from tests/integration/web/conftest.py,
loaded once under another module name for the page and API tests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from monitoring_dataset import Builder, build_dataset

from workforce.monitoring.aggregates import report_cache_clear


def _load_web_fixtures():
    path = Path(__file__).resolve().parents[1] / "web" / "conftest.py"
    spec = importlib.util.spec_from_file_location("web_fixtures_for_monitoring", path)
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
_fast_password_hashing = _web._fast_password_hashing


@pytest.fixture(autouse=True)
def _fresh_reports():
    """Each test builds its own data: never reuse a report cached by an earlier test."""
    report_cache_clear()
    yield
    report_cache_clear()


@pytest.fixture(scope="session", autouse=True)
def _stop_render_workers():
    yield
    try:
        from workforce.certificates import rendering
    except ImportError:  # pragma: no cover
        return
    rendering.renderer_shutdown()


@pytest.fixture
async def dataset() -> Builder:
    return await build_dataset()

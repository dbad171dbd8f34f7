"""Fixtures for the monitoring tests: the hand-built data set of ``monitoring_dataset`` (the page fixtures
``app``, ``client``, ``login_as``... come from tests/integration/conftest.py)."""

from __future__ import annotations

import pytest
from monitoring_dataset import Builder, build_dataset

from workforce.monitoring.aggregates import report_cache_clear


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

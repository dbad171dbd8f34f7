"""Fixtures for certificate tests (the page fixtures ``app``, ``client``, ``login_as``... come from
tests/integration/conftest.py)."""

from __future__ import annotations

import certificate_helpers as helpers
import pytest

from workforce.certificates import rendering


@pytest.fixture
async def school_snapshot():
    await helpers.make_school()
    return await helpers.make_snapshot(helpers.SCHOOL_FINDINGS)


@pytest.fixture(scope="session", autouse=True)
def _stop_render_workers():
    yield
    rendering.renderer_shutdown()

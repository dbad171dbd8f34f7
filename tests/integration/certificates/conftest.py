"""Fixtures for certificate tests."""

from __future__ import annotations

import pytest

from certificate_helpers import SCHOOL_FINDINGS, make_school, make_snapshot
from workforce.certificates import rendering


@pytest.fixture
async def school_snapshot():
    await make_school()
    return await make_snapshot(SCHOOL_FINDINGS)


@pytest.fixture(scope="session", autouse=True)
def _stop_render_workers():
    yield
    rendering.renderer_shutdown()

"""Fixtures for the monitoring tests: the hand-built data set of ``monitoring_dataset``."""

from __future__ import annotations

import pytest
from monitoring_dataset import Builder, build_dataset


@pytest.fixture
async def dataset() -> Builder:
    return await build_dataset()

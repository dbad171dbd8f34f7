"""Fixtures for the import tests: a trust loaded from a small GIAS extract, and its staff."""

from __future__ import annotations

import pytest
from import_helpers import fixture, must_import


@pytest.fixture
async def trust_schools():
    """Oak Learning Trust (MAT 5001) with three academies, a maintained school and a SAT (5002)."""
    return await must_import("gias", fixture("gias_small.csv"))


@pytest.fixture
async def staff(trust_schools):
    """The staff of staff_good.csv (S001-S007)."""
    return await must_import("staff", fixture("staff_good.csv"))

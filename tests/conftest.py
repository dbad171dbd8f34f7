"""Test configuration shared by every suite.

The engine is chosen by the environment before the app is imported:
- ``TEST_DATABASE_URL`` unset: a fresh SQLite file in a temporary directory;
- ``TEST_DATABASE_URL=postgresql://...``: that PostgreSQL database (its tables are dropped and re-migrated).

``make test`` runs the whole suite once per engine.
"""

from __future__ import annotations

import os
import tempfile

_tmp = tempfile.mkdtemp(prefix="workforce-test-")
os.environ["WORKFORCE_ENV"] = "test"
os.environ["WORKFORCE_DATA_DIR"] = _tmp
os.environ["SECRET_KEY"] = "test-secret-key-" + "x" * 32
os.environ["DATABASE_URL"] = os.environ.get("TEST_DATABASE_URL", "")
os.environ["PICCOLO_CONF"] = "workforce.piccolo_conf"

import pytest  # noqa: E402


def pytest_report_header(config):
    engine = "postgres" if os.environ["DATABASE_URL"] else "sqlite"
    return [f"database engine: {engine}"]


def pytest_configure(config):
    # A run that was asked for PostgreSQL must really use it: never fall back silently.
    wanted = os.environ.get("TEST_ENGINE")
    actual = "postgres" if os.environ["DATABASE_URL"] else "sqlite"
    if wanted and wanted != actual:
        raise pytest.UsageError(f"TEST_ENGINE={wanted} but the suite would run on {actual}")

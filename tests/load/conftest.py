"""Load tests: bounded, loopback only, against a server of their own (tests/browser/live_server.py)."""

from __future__ import annotations

import pytest
from browser.live_server import write_summary


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/load/" in item.nodeid:
            item.add_marker(pytest.mark.load)


def pytest_terminal_summary(terminalreporter):
    write_summary(terminalreporter)

"""Small pure helpers: safe redirects after sign-in and the lockout arithmetic."""

from __future__ import annotations

import datetime as dt

import pytest

from workforce.web.errors import safe_next
from workforce.web.throttle import WINDOW, _lockout


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/admin/users", "/admin/users"),
        ("/schools/100001?tab=staff", "/schools/100001?tab=staff"),
        ("", "/"),
        (None, "/"),
        ("https://evil.example/", "/"),
        ("//evil.example/path", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("admin/users", "/"),
    ],
)
def test_safe_next(target, expected):
    assert safe_next(target) == expected


def test_lockout_lasts_until_the_oldest_counted_failure_leaves_the_window():
    now = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.timezone.utc)
    failures = [now - dt.timedelta(minutes=m) for m in (1, 2, 3, 4, 10)]  # newest first
    assert _lockout(failures[:4], 5, now) is None
    assert _lockout(failures, 5, now).minutes == 5  # the 10-minute-old failure leaves in 5 minutes
    just_now = [now] * 5
    assert _lockout(just_now, 5, now).minutes == int(WINDOW.total_seconds() // 60)
    almost_gone = [now - WINDOW + dt.timedelta(seconds=10)] * 5
    assert _lockout(almost_gone, 5, now).minutes == 1

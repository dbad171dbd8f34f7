"""Login throttling: too many failed sign-ins for one email, or from one address, lock it for a while.

Every attempt is a ``login_attempt`` row keyed ``email:<address>`` and ``ip:<client address>``. A success for an
email clears that email's count (failures before it no longer count); an address count is never cleared by a
success, so one client cannot try many accounts. The same answer is given whether or not the email exists.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from workforce.people.accounts import normalise_email
from workforce.web.tables import LoginAttempt

WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20
# Password reset requests share the table: at most this many emails per account per window.
MAX_RESET_REQUESTS_PER_EMAIL = 3


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def email_key(email: str) -> str:
    return "email:" + normalise_email(email)[:240]


def address_key(address: str | None) -> str:
    return "ip:" + (address or "unknown")[:240]


def reset_key(email: str) -> str:
    return "reset:" + normalise_email(email)[:240]


@dataclass(frozen=True)
class Lockout:
    minutes: int  # whole minutes until another attempt is allowed (at least 1)


async def _failures(key: str, *, now: dt.datetime, reset_by_success: bool) -> list[dt.datetime]:
    since = now - WINDOW
    if reset_by_success:
        last_ok = (
            await LoginAttempt.select(LoginAttempt.attempted_at)
            .where((LoginAttempt.key == key) & (LoginAttempt.succeeded == "y") & (LoginAttempt.attempted_at > since))
            .order_by(LoginAttempt.attempted_at, ascending=False)
            .first()
        )
        if last_ok is not None:
            since = last_ok["attempted_at"]
    rows = (
        await LoginAttempt.select(LoginAttempt.attempted_at)
        .where((LoginAttempt.key == key) & (LoginAttempt.succeeded == "n") & (LoginAttempt.attempted_at > since))
        .order_by(LoginAttempt.attempted_at, ascending=False)
    )
    return [row["attempted_at"] for row in rows]


def _lockout(failures: list[dt.datetime], limit: int, now: dt.datetime) -> Lockout | None:
    if len(failures) < limit:
        return None
    # Locked until the limit-th most recent failure leaves the window.
    until = failures[limit - 1] + WINDOW
    return Lockout(minutes=max(1, math.ceil((until - now).total_seconds() / 60)))


async def login_lockout(*, email: str, address: str | None) -> Lockout | None:
    """A lockout if this email or address has failed too often recently, else None."""
    now = _now()
    by_email = _lockout(await _failures(email_key(email), now=now, reset_by_success=True), MAX_FAILURES_PER_EMAIL, now)
    by_address = _lockout(
        await _failures(address_key(address), now=now, reset_by_success=False), MAX_FAILURES_PER_ADDRESS, now
    )
    found = [lock for lock in (by_email, by_address) if lock is not None]
    return max(found, key=lambda lock: lock.minutes) if found else None


async def login_attempt_record(*, email: str, address: str | None, succeeded: bool) -> None:
    now = _now()
    flag = "y" if succeeded else "n"
    await LoginAttempt.insert(
        LoginAttempt(key=email_key(email), attempted_at=now, succeeded=flag),
        LoginAttempt(key=address_key(address), attempted_at=now, succeeded=flag),
    )


async def reset_request_allowed(*, email: str) -> bool:
    """Record a password reset request; False once an email has asked too often in the window."""
    now = _now()
    key = reset_key(email)
    recent = await LoginAttempt.count().where((LoginAttempt.key == key) & (LoginAttempt.attempted_at > now - WINDOW))
    if recent >= MAX_RESET_REQUESTS_PER_EMAIL:
        return False
    await LoginAttempt.insert(LoginAttempt(key=key, attempted_at=now, succeeded="n"))
    return True


async def login_attempts_prune(*, older_than: dt.timedelta = dt.timedelta(days=1)) -> None:
    """Forget attempts long past any window (called at sign-in)."""
    await LoginAttempt.delete().where(LoginAttempt.attempted_at < _now() - older_than)

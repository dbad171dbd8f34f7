"""Who is signed in, what their role lets them reach, and which schools, trusts and people they may see.

The convention every route follows (an architecture test enforces it):

- a route handler has ``guards=[requires_role(...)]`` (or ``requires_sign_in``), or
- it is public and says so with ``opt=PUBLIC`` (and is on the test's public allowlist).

Guards decide by role. Scope (which school, trust or person) is data-dependent, so handlers check it with
``require_school``, ``require_trust`` and ``require_staff`` (or the ``can_see_*`` predicates) after loading the
path parameters. Signed-out visitors get 401 (pages turn that into a redirect to the sign-in page); a signed-in
user without access gets 403, or 404 for people's records so that their existence is not revealed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, PermissionDeniedException
from litestar.handlers.base import BaseRouteHandler
from litestar.middleware import AbstractAuthenticationMiddleware, AuthenticationResult
from litestar.types import Empty

from workforce.organisations.tables import School, Trust, TrustMembership
from workforce.people.accounts import ROLE_LABELS, ROLES
from workforce.people.tables import Employment, StaffMember, UserAccount

PUBLIC: dict[str, Any] = {"public": True}
"""``opt`` for a route anyone may open, signed in or not."""

SESSION_USER_KEY = "user_id"
# Scope key: the active account read with the session's row (``web.sessions``), if any.
SESSION_ACCOUNT = "workforce.session_account"


@dataclass(frozen=True)
class CurrentUser:
    """The signed-in account, loaded once per request (``request.user``)."""

    id: int
    email: str
    role: str
    display_name: str
    school_id: int | None
    school_urn: int | None
    school_name: str | None
    trust_id: int | None
    trust_uid: str | None
    trust_name: str | None
    staff_id: int | None

    @property
    def name(self) -> str:
        return self.display_name or self.email

    @property
    def role_label(self) -> str:
        return ROLE_LABELS.get(self.role, self.role)


# The signed-in account as ``CurrentUser`` wants it, with its school and trust: read on every request, so in
# plain SQL (building it with the query builder cost more than running it). ``u`` is the user_account row.
_ACCOUNT_FIELDS = (
    ("id", "u.id"),
    ("email", "u.email"),
    ("role", "u.role"),
    ("display_name", "u.display_name"),
    ("school_id", "u.school"),
    ("school_urn", "s.urn"),
    ("school_name", "s.name"),
    ("trust_id", "u.trust"),
    ("trust_uid", "t.uid"),
    ("trust_name", "t.name"),
    ("staff_id", "u.staff"),
)
ACCOUNT_JOINS = "LEFT JOIN school s ON s.id = u.school LEFT JOIN trust t ON t.id = u.trust"


def account_columns(prefix: str = "") -> str:
    """The SELECT list for an account (``u``, joined by ``ACCOUNT_JOINS``), each column named ``prefix`` + field."""
    return ", ".join(f"{column} AS {prefix}{field}" for field, column in _ACCOUNT_FIELDS)


def account_from_row(row: dict, prefix: str = "") -> CurrentUser | None:
    """The ``CurrentUser`` in a row selected with ``account_columns(prefix)`` (None when it found no account)."""
    if row.get(prefix + "id") is None:
        return None
    return CurrentUser(**{field: row[prefix + field] for field, _ in _ACCOUNT_FIELDS})


async def load_current_user(user_id: int) -> CurrentUser | None:
    """The active account ``user_id`` (None when there is none, or it is disabled)."""
    rows = await UserAccount.raw(
        f"SELECT {account_columns()} FROM user_account u {ACCOUNT_JOINS} WHERE u.id = {{}} AND u.active = {{}}",
        int(user_id),
        True,
    )
    return account_from_row(rows[0]) if rows else None


def current_user(connection: ASGIConnection) -> CurrentUser | None:
    """The signed-in user, or None (also on paths the authentication middleware skips)."""
    user = connection.scope.get("user")
    return user if isinstance(user, CurrentUser) else None


class SessionUserMiddleware(AbstractAuthenticationMiddleware):
    """Puts the session's account (or None) on every request; guards then decide what it may reach.

    It never refuses a request itself, so public pages such as the start page can still tell a signed-in
    visitor from a signed-out one.
    """

    async def authenticate_request(self, connection: ASGIConnection) -> AuthenticationResult:
        session = connection.scope.get("session")
        user = None
        if isinstance(session, dict) and session.get(SESSION_USER_KEY) is not None:
            try:
                user_id = int(session[SESSION_USER_KEY])
            except (TypeError, ValueError):
                user_id = None
            # The session's row was read with its active account (``DatabaseSessionStore``): no second query.
            account = connection.scope.get(SESSION_ACCOUNT)
            if account is not None and account.id == user_id:
                user = account
            elif user_id is not None:
                user = await load_current_user(user_id)
            if user is None:
                # The account was disabled or deleted: end the session.
                connection.scope["session"] = Empty
        return AuthenticationResult(user=user, auth=None)


# ---------------------------------------------------------------- guards

Guard = Callable[[ASGIConnection, BaseRouteHandler], None]


def _signed_in(connection: ASGIConnection) -> CurrentUser:
    user = current_user(connection)
    if user is None:
        raise NotAuthorizedException("Sign in to continue")
    return user


def requires_role(*roles: str) -> Guard:
    """A guard that lets in signed-in users whose role is one of ``roles`` (admin is not implied)."""
    if not roles:
        raise ValueError("requires_role needs at least one role")
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles: {', '.join(sorted(unknown))}")
    allowed = frozenset(roles)

    def guard(connection: ASGIConnection, _: BaseRouteHandler) -> None:
        user = _signed_in(connection)
        if user.role not in allowed:
            raise PermissionDeniedException("Your account does not have access to this page")

    guard.roles = allowed  # type: ignore[attr-defined]  # for tests and documentation
    guard.__name__ = f"requires_role({', '.join(roles)})"
    guard.__qualname__ = guard.__name__
    return guard


requires_sign_in = requires_role(*ROLES)
"""Any signed-in user, whatever their role."""


def guard_roles(guards: Iterable[Guard]) -> frozenset[str]:
    """The roles a list of guards lets in (empty if no role guard is present)."""
    roles: frozenset[str] | None = None
    for guard in guards:
        allowed = getattr(guard, "roles", None)
        if allowed is not None:
            roles = allowed if roles is None else roles & allowed
    return roles or frozenset()


# ---------------------------------------------------------------- inspector grants hook

InspectorAccessCheck = Callable[[CurrentUser, str, Any], Awaitable[bool]]
_inspector_access_checks: list[InspectorAccessCheck] = []


def register_inspector_access(check: InspectorAccessCheck) -> InspectorAccessCheck:
    """Register how inspectors get access (the certificates work registers its grant check here).

    ``check(user, kind, key)`` returns True when an inspector may see the object: ``kind`` is ``"school"``
    (key: URN), ``"trust"`` (key: UID) or ``"staff"`` (key: StaffMember id). With no check registered,
    inspectors see nothing. Usable as a decorator; registering the same function twice is a no-op.
    """
    if check not in _inspector_access_checks:
        _inspector_access_checks.append(check)
    return check


async def _inspector_allowed(user: CurrentUser, kind: str, key: Any) -> bool:
    for check in _inspector_access_checks:
        if await check(user, kind, key):
            return True
    return False


# ---------------------------------------------------------------- scope


def _today() -> dt.date:
    return dt.date.today()


async def trust_school_ids(trust_id: int, *, on: dt.date | None = None) -> set[int]:
    """Ids of the schools in a trust on a date.

    A membership counts from ``joined_on`` (inclusive) until ``left_on``, the first day the school is no longer in
    the trust (as the GIAS import and the facts queries define it), so on its leaving day a school is in its new
    trust only.
    """
    on = on or _today()
    rows = await TrustMembership.select(TrustMembership.school).where(
        (TrustMembership.trust == trust_id)
        & (TrustMembership.joined_on.is_null() | (TrustMembership.joined_on <= on))
        & (TrustMembership.left_on.is_null() | (TrustMembership.left_on > on))
    )
    return {row["school"] for row in rows}


async def visible_school_ids(user: CurrentUser, *, on: dt.date | None = None) -> set[int] | None:
    """Ids of the schools whose staff pages this user may open; None means every school (admin)."""
    if user.role == "admin":
        return None
    if user.role == "school_lead" and user.school_id is not None:
        return {user.school_id}
    if user.role == "hr_lead" and user.trust_id is not None:
        return await trust_school_ids(user.trust_id, on=on)
    return set()


async def can_see_school(user: CurrentUser, urn: int, *, on: dt.date | None = None) -> bool:
    """May this user open the pages of school ``urn`` (which name its staff)?"""
    if user.role == "admin":
        return True
    if user.role == "inspector":
        return await _inspector_allowed(user, "school", urn)
    if user.role == "school_lead":
        return user.school_urn == urn
    if user.role == "hr_lead" and user.trust_id is not None:
        on = on or _today()
        rows = await TrustMembership.raw(  # on every page of a school: plain SQL (see _ACCOUNT_FIELDS)
            "SELECT 1 AS found FROM trust_membership m JOIN school s ON s.id = m.school "
            "WHERE m.trust = {} AND s.urn = {} AND (m.joined_on IS NULL OR m.joined_on <= {}) "
            "AND (m.left_on IS NULL OR m.left_on > {}) LIMIT 1",
            user.trust_id,
            int(urn),
            on,
            on,
        )
        return bool(rows)
    return False  # teachers see their own records only; analysts see aggregates only


async def can_see_trust(user: CurrentUser, uid: str) -> bool:
    """May this user open the pages of trust ``uid``?"""
    if user.role == "admin":
        return True
    if user.role == "inspector":
        return await _inspector_allowed(user, "trust", uid)
    if user.role == "hr_lead":
        return user.trust_uid == uid
    return False


async def can_see_staff(user: CurrentUser, staff_id: int, *, on: dt.date | None = None) -> bool:
    """May this user see the records of member of staff ``staff_id``?

    Teachers: only themselves. School leads: staff employed at their school (current or future employment).
    HR leads: staff employed at a school of their trust on that date, or in a trust-level post.
    """
    on = on or _today()
    if user.role == "admin":
        return True
    if user.role == "inspector":
        return await _inspector_allowed(user, "staff", staff_id)
    if user.role == "teacher":
        return user.staff_id is not None and user.staff_id == staff_id
    current = Employment.end_date.is_null() | (Employment.end_date >= on)
    if user.role == "school_lead" and user.school_id is not None:
        return await Employment.exists().where(
            (Employment.staff == staff_id) & (Employment.school == user.school_id) & current
        )
    if user.role == "hr_lead" and user.trust_id is not None:
        schools = await trust_school_ids(user.trust_id, on=on)
        where_school = Employment.school.is_in(list(schools)) if schools else None
        where = Employment.trust == user.trust_id
        if where_school is not None:
            where = where | where_school
        return await Employment.exists().where((Employment.staff == staff_id) & current & where)
    return False


# Roles whose access to a school is found through the school's own row (a school lead's school, a school of an
# HR lead's trust): when they may see it, it exists.
_ACCESS_PROVES_SCHOOL = frozenset({"school_lead", "hr_lead"})


async def require_school(user: CurrentUser, urn: int) -> None:
    """404 if there is no such school, 403 if the user may not see it."""
    allowed = await can_see_school(user, urn)
    if allowed and user.role in _ACCESS_PROVES_SCHOOL:
        return
    if not await School.exists().where(School.urn == urn):
        raise NotFoundException(f"No school with URN {urn}")
    if not allowed:
        raise PermissionDeniedException("You do not have access to this school")


async def require_trust(user: CurrentUser, uid: str) -> None:
    """404 if there is no such trust, 403 if the user may not see it."""
    if not await Trust.exists().where(Trust.uid == uid):
        raise NotFoundException(f"No trust with UID {uid}")
    if not await can_see_trust(user, uid):
        raise PermissionDeniedException("You do not have access to this trust")


async def require_staff(user: CurrentUser, staff_id: int) -> None:
    """404 unless the member of staff exists and the user may see them (so existence is not revealed)."""
    if not await StaffMember.exists().where(StaffMember.id == staff_id) or not await can_see_staff(user, staff_id):
        raise NotFoundException("Page not found")

"""Server-side sessions kept in the database, so that every app instance shares them.

- The cookie holds a random session id; the table keeps only its sha256 (``web_session.session_key``).
- A session ends after ``SESSION_IDLE_MINUTES`` without a request, and ``SESSION_ABSOLUTE_HOURS`` after it began,
  whichever comes first; an ended session is deleted when next presented.
- Signed-out visitors who have stored nothing get no session row and no cookie.
- ``rotate_session(request)`` gives the session a new id at the end of the request (call it at sign-in): the old
  id stops working, so an id planted before sign-in is useless afterwards.
- Signing out clears the session (``request.clear_session()``): its row is deleted and the cookie emptied.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie, MutableScopeHeaders
from litestar.middleware.session.server_side import ServerSideSessionBackend, ServerSideSessionConfig
from litestar.stores.base import Store
from litestar.types import Empty, Message, ScopeSession
from litestar.utils.dataclass import extract_dataclass_items

from workforce.web.security import (
    ACCOUNT_JOINS,
    SESSION_ACCOUNT,
    CurrentUser,
    account_columns,
    account_from_row,
)
from workforce.web.tables import WebSession

ROTATE_MARKER = "_rotate"
SESSION_COOKIE = "workforce_session"
# A request within this many seconds of the last recorded one does not rewrite an unchanged session.
TOUCH_INTERVAL_SECONDS = 60
READ_ROWS_KEPT = 1024
ACCOUNT_PREFIX = "account_"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def session_key(session_id: str) -> str:
    return hashlib.sha256(session_id.encode("utf-8")).hexdigest()


class DatabaseSessionStore(Store):
    """A Litestar ``Store`` over the ``web_session`` table, with idle and absolute timeouts."""

    __slots__ = ("idle", "absolute", "clock", "_read")

    def __init__(self, *, idle_seconds: int, absolute_seconds: int, clock=_now) -> None:
        self.idle = dt.timedelta(seconds=idle_seconds)
        self.absolute = dt.timedelta(seconds=absolute_seconds)
        self.clock = clock
        # The row each ``get`` read, for the ``set`` at the end of the same request to compare with instead of
        # reading it again (taken by that ``set``; the oldest dropped past READ_ROWS_KEPT).
        self._read: OrderedDict[str, dict] = OrderedDict()

    def _expiry(self, *, created_at: dt.datetime, last_seen_at: dt.datetime) -> dt.datetime:
        return min(last_seen_at + self.idle, created_at + self.absolute)

    async def _live_row(self, key: str) -> dict | None:
        """The session's row while it is live (an ended one is deleted), with its account when that is active
        (columns ``account_*``: ``account(key)``), in one statement."""
        rows = await WebSession.raw(
            "SELECT w.id AS id, w.data AS data, w.\"user\" AS \"user\", w.created_at AS created_at, "
            f"w.last_seen_at AS last_seen_at, {account_columns(ACCOUNT_PREFIX)} FROM web_session w "
            f"LEFT JOIN user_account u ON u.id = w.\"user\" AND u.active = {{}} {ACCOUNT_JOINS} "
            "WHERE w.session_key = {}",
            True,
            session_key(key),
        )
        row = rows[0] if rows else None
        if row is None:
            return None
        if self.clock() >= self._expiry(created_at=row["created_at"], last_seen_at=row["last_seen_at"]):
            await WebSession.delete().where(WebSession.id == row["id"])
            return None
        return row

    async def get(self, key: str, renew_for: int | dt.timedelta | None = None) -> bytes | None:
        row = await self._live_row(key)
        if row is None:
            return None
        self._read[key] = row
        if len(self._read) > READ_ROWS_KEPT:
            self._read.popitem(last=False)
        data = row["data"]
        return (data if isinstance(data, str) else json.dumps(data)).encode("utf-8")

    def account(self, key: str) -> CurrentUser | None:
        """The active account read with session ``key``'s row by the ``get`` of this request (None if none)."""
        row = self._read.get(key)
        return account_from_row(row, ACCOUNT_PREFIX) if row is not None else None

    async def set(self, key: str, value: str | bytes, expires_in: int | dt.timedelta | None = None) -> None:
        text = value.decode("utf-8") if isinstance(value, bytes) else value
        try:
            user_id = json.loads(text).get("user_id")
        except (ValueError, AttributeError):
            user_id = None
        now = self.clock()
        row = self._read.pop(key, None)
        if row is None or now >= self._expiry(created_at=row["created_at"], last_seen_at=row["last_seen_at"]):
            row = await self._live_row(key)
        if row is None:
            await WebSession.insert(
                WebSession(
                    session_key=session_key(key),
                    data=text,
                    user=user_id,
                    created_at=now,
                    last_seen_at=now,
                    expires_at=self._expiry(created_at=now, last_seen_at=now),
                )
            )
            return
        stored = row["data"] if isinstance(row["data"], str) else json.dumps(row["data"])
        unchanged = json.loads(stored) == json.loads(text) and row["user"] == user_id
        if unchanged and (now - row["last_seen_at"]).total_seconds() < TOUCH_INTERVAL_SECONDS:
            return
        await WebSession.update(
            {
                WebSession.data: text,
                WebSession.user: user_id,
                WebSession.last_seen_at: now,
                WebSession.expires_at: self._expiry(created_at=row["created_at"], last_seen_at=now),
            }
        ).where(WebSession.id == row["id"])

    async def delete(self, key: str) -> None:
        await WebSession.delete().where(WebSession.session_key == session_key(key))

    async def delete_all(self) -> None:
        await WebSession.delete(force=True)

    async def delete_expired(self) -> int:
        """Remove sessions past their idle or absolute limit (called at sign-in; cheap with the index)."""
        ended = await WebSession.delete().where(WebSession.expires_at <= self.clock()).returning(WebSession.id)
        return len(ended)

    async def exists(self, key: str) -> bool:
        return await self._live_row(key) is not None

    async def expires_in(self, key: str) -> int | None:
        row = await self._live_row(key)
        if row is None:
            return None
        expiry = self._expiry(created_at=row["created_at"], last_seen_at=row["last_seen_at"])
        return max(0, int((expiry - self.clock()).total_seconds()))


def rotate_session(connection: ASGIConnection) -> None:
    """Give the session a new id when this response is sent (and delete the old one)."""
    session = connection.scope.get("session")
    if not isinstance(session, dict):
        session = {}
        connection.scope["session"] = session
    session[ROTATE_MARKER] = True


_FOUND = "workforce.session_found"


class DatabaseSessionBackend(ServerSideSessionBackend):
    """Litestar's server-side backend, plus id rotation, no rows for empty anonymous sessions, and never
    adopting a session id the server did not issue (an unknown or expired cookie gets a fresh id)."""

    async def load_from_connection(self, connection: ASGIConnection) -> dict[str, Any]:
        data: bytes | None = None
        if session_id := connection.cookies.get(self.config.key):
            store = self.config.get_store_from_app(connection.scope["app"])
            data = await self.get(session_id, store=store)
            if data is not None and isinstance(store, DatabaseSessionStore):
                connection.scope[SESSION_ACCOUNT] = store.account(session_id)  # type: ignore[literal-required]
        connection.scope[_FOUND] = data is not None  # type: ignore[typeddict-unknown-key]
        return self.deserialize_data(data) if data is not None else {}

    async def store_in_message(self, scope_session: ScopeSession, message: Message, connection: ASGIConnection) -> None:
        scope = connection.scope
        store = self.config.get_store_from_app(scope["app"])
        headers = MutableScopeHeaders.from_message(message)
        cookie_id = connection.cookies.get(self.config.key)
        if cookie_id == "null":
            cookie_id = None
        cookie_params = dict(extract_dataclass_items(self.config, exclude_none=True, include=Cookie.__dict__.keys()))
        # A browser-session cookie: closing the browser (a shared staffroom computer) forgets it. The server
        # enforces the idle and absolute limits whatever the browser does.
        cookie_params.pop("max_age", None)

        def expire_cookie() -> None:
            headers.add(
                "Set-Cookie",
                Cookie(value="null", key=self.config.key, expires=0, **cookie_params).to_header(header=""),
            )

        if scope_session is Empty or (not scope_session and cookie_id is None):
            if cookie_id is not None:
                await self.delete(cookie_id, store=store)
                expire_cookie()
            return
        if not scope_session:
            # A session emptied by the application: forget it rather than keep an empty row.
            await self.delete(cookie_id, store=store)
            expire_cookie()
            return

        data: dict[str, Any] = dict(scope_session)
        rotate = bool(data.pop(ROTATE_MARKER, False))
        known = cookie_id is not None and bool(scope.get(_FOUND))
        session_id = cookie_id if known else self.generate_session_id()
        if rotate:
            if known:
                await self.delete(cookie_id, store=store)
            session_id = self.generate_session_id()
        await self.set(session_id=session_id, data=self.serialize_data(data, scope), store=store)
        if rotate or session_id != cookie_id:
            headers.add("Set-Cookie", Cookie(value=session_id, key=self.config.key, **cookie_params).to_header(header=""))


@dataclass
class DatabaseSessionConfig(ServerSideSessionConfig):
    _backend_class = DatabaseSessionBackend  # type: ignore[assignment]

"""Database engines: SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import os
import sqlite3
import threading
from urllib.parse import unquote, urlparse

import aiosqlite
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine, dict_factory

from workforce.config import Settings

ROWS = "rows"
"""``QueryString(sql, *args, query_type=ROWS)``: a read whose rows are wanted as plain sequences of column
values, for reading hundreds of thousands of rows (``compliance.facts``). PostgreSQL returns asyncpg records
for every query anyway; SQLite then skips the dict per row and the column type converters, so dates come
back as ISO text and booleans as 0/1 (inside a transaction, on its connection, the converters still run).
The statement still goes through ``run_querystring``, so it is logged and counted like any other."""


class WorkforceSQLiteEngine(SQLiteEngine):
    """SQLite with the durability settings this service relies on.

    WAL lets readers run beside one writer; ``synchronous=FULL`` makes every committed transaction
    survive power loss; the busy timeout makes a second writer wait instead of failing.
    """

    async def get_connection(self):  # type: ignore[override]
        connection = await super().get_connection()
        await connection.execute("PRAGMA busy_timeout = 30000")
        await connection.execute("PRAGMA synchronous = FULL")
        return connection

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._readers = threading.local()

    async def _run_in_new_connection(self, query, args=None, query_type="generic", table=None):
        if query_type != ROWS:
            if (
                query_type == "generic"
                and query.lstrip()[:6].upper() == "SELECT"
                and os.path.exists(self.path)
            ):
                return self._read(query, args)
            return await super()._run_in_new_connection(query, args, query_type, table)
        options = {key: value for key, value in self.connection_kwargs.items() if key != "detect_types"}
        async with (
            aiosqlite.connect(**options) as connection,
            connection.execute(query, args or []) as cursor,
        ):
            return await cursor.fetchall()

    def _read(self, query, args):
        """A SELECT outside a transaction, on this thread's long-lived read-only connection.

        Piccolo opens a new connection for every statement outside a transaction, which on SQLite means a new
        thread, opening the file and setting it up: 1-5 ms, more than the statement itself for the small reads a
        page makes (the session, the user, the access check, ...). The statement runs on the event loop's thread
        (as aiosqlite's thread would hold Python's interpreter lock for the rows anyway). In autocommit mode
        each statement reads the latest committed data (WAL: readers never wait for the writer). Bulk reads
        (``ROWS``) keep their own connection, off the event loop.
        """
        stat = os.stat(self.path)
        key = (stat.st_dev, stat.st_ino)  # a file deleted and created again (tests) gets a new connection
        reader = getattr(self._readers, "connection", None)
        if reader is None or getattr(self._readers, "key", None) != key:
            if reader is not None:
                reader.close()
            reader = sqlite3.connect(**{**self.connection_kwargs, "check_same_thread": True})
            reader.execute("PRAGMA query_only = 1")
            reader.row_factory = dict_factory
            self._readers.connection, self._readers.key = reader, key
        cursor = reader.execute(query, args or [])
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    def close_readers(self) -> None:
        """Close this thread's read connection (the next read opens another)."""
        reader = getattr(self._readers, "connection", None)
        if reader is not None:
            reader.close()
            self._readers.connection = None

    async def _run_in_existing_connection(
        self, connection, query, args=None, query_type="generic", table=None
    ):
        if query_type != ROWS:
            return await super()._run_in_existing_connection(connection, query, args, query_type, table)
        factory = connection.row_factory
        connection.row_factory = None
        try:
            async with connection.execute(query, args or []) as cursor:
                return await cursor.fetchall()
        finally:
            connection.row_factory = factory


def postgres_config(url: str) -> dict:
    parsed = urlparse(url)
    return {
        "host": parsed.hostname or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": unquote(parsed.username) if parsed.username else "postgres",
        "password": unquote(parsed.password) if parsed.password else None,
        "database": (parsed.path or "/").lstrip("/") or "postgres",
    }


def make_engine(settings: Settings):
    if settings.database_url:
        return PostgresEngine(config=postgres_config(settings.database_url), log_queries=settings.log_queries)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return WorkforceSQLiteEngine(path=str(settings.sqlite_path), log_queries=settings.log_queries, timeout=30)


def is_postgres(engine) -> bool:
    return engine.engine_type == "postgres"

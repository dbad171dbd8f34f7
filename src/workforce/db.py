"""Database engines: SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from urllib.parse import unquote, urlparse

import aiosqlite
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

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

    async def _run_in_new_connection(self, query, args=None, query_type="generic", table=None):
        if query_type != ROWS:
            return await super()._run_in_new_connection(query, args, query_type, table)
        options = {key: value for key, value in self.connection_kwargs.items() if key != "detect_types"}
        async with (
            aiosqlite.connect(**options) as connection,
            connection.execute(query, args or []) as cursor,
        ):
            return await cursor.fetchall()

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

"""Database engines: SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

from urllib.parse import unquote, urlparse

from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from workforce.config import Settings


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
    return WorkforceSQLiteEngine(
        path=str(settings.sqlite_path), log_queries=settings.log_queries, timeout=30
    )


def is_postgres(engine) -> bool:
    return engine.engine_type == "postgres"

"""Schema management and connection lifecycle shared by the CLI, the app and the tests."""

from __future__ import annotations

from piccolo.apps.migrations.commands.forwards import run_forwards

from workforce.db import is_postgres
from workforce.piccolo_app import TABLES


def engine():
    """The configured Piccolo engine (from workforce.piccolo_conf)."""
    from workforce.piccolo_conf import DB

    return DB


def write_transaction():
    """A transaction for a change that reads before it writes: ``async with write_transaction(): ...``.

    On SQLite it takes the write lock at the start (``BEGIN IMMEDIATE``): a deferred transaction that has
    read cannot take the lock later if another connection wrote in between ("database is locked"), so its
    reads could not be trusted. PostgreSQL's ordinary transaction (with row locks where needed) is enough.
    """
    from piccolo.engine.sqlite import TransactionType

    db = engine()
    if is_postgres(db):
        return db.transaction()
    return db.transaction(transaction_type=TransactionType.immediate)


async def migrate() -> None:
    """Bring the configured database to the latest schema (idempotent)."""
    db = engine()
    if not is_postgres(db):
        # WAL is a property of the file: set once, it persists for every later connection.
        await db.run_ddl("PRAGMA journal_mode = WAL")
    response = await run_forwards(app_name="workforce", migration_id="all", fake=False)
    if not response.success:
        raise RuntimeError(f"migration failed: {response.message}")


async def _keep_session(connection) -> None:
    """What a pooled PostgreSQL connection needs before its next use: nothing.

    asyncpg's default sends ``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL;`` on every
    release, and Piccolo takes a connection from the pool for every statement: one more round trip per
    statement (a quarter of a school page's time under load). The app keeps no session state on its
    connections: no session-level advisory locks (imports take ``pg_advisory_xact_lock``), no ``LISTEN``, no
    ``SET`` outside a transaction, no held cursors (``tests/integration/test_database.py`` checks the source).
    A connection released inside a transaction is still rolled back by asyncpg first.
    """


async def open_pool() -> None:
    db = engine()
    if is_postgres(db):
        from workforce.config import get_settings

        await db.start_connection_pool(min_size=1, max_size=get_settings().db_pool_max, reset=_keep_session)


async def close_pool() -> None:
    db = engine()
    if is_postgres(db):
        await db.close_connection_pool()
    else:
        db.close_readers()


async def truncate_all(tables=None) -> None:
    """Delete every row of every table, or of the ``tables`` given (in ``TABLES`` order: referenced before
    referencing), ids starting from 1 again (tests and `workforce seed --reset`)."""
    db = engine()
    names = [table._meta.tablename for table in (TABLES if tables is None else tables)]
    if is_postgres(db):
        await db.run_ddl(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE")
    else:
        async with db.transaction():
            for name in reversed(names):
                await db.run_ddl(f"DELETE FROM {name}")
            exists = await db.run_ddl("SELECT name FROM sqlite_master WHERE name = 'sqlite_sequence'")
            if exists:
                listed = ", ".join(f"'{name}'" for name in names)  # our own table names
                await db.run_ddl(f"DELETE FROM sqlite_sequence WHERE name IN ({listed})")

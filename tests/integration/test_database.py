import os
import re
from pathlib import Path

from piccolo.querystring import QueryString

from workforce import database
from workforce.organisations.tables import School


async def test_suite_runs_on_the_engine_it_was_asked_for(migrated_db):
    expected = "postgres" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    assert migrated_db.engine_type == expected


async def test_migrate_is_idempotent():
    await database.migrate()
    await database.migrate()
    assert await School.count() == 0


async def test_tables_start_empty_for_each_test_part_one():
    await School.insert(School(urn=100000, name="A", type_code=1))
    assert await School.count() == 1


async def test_tables_start_empty_for_each_test_part_two():
    assert await School.count() == 0


# a session-level advisory lock, LISTEN, a held cursor, or a statement that starts with SET (not SET LOCAL)
SESSION_STATE = re.compile(r"pg_advisory_lock(_shared)?\(|\bLISTEN\b|WITH HOLD|[\"']\s*SET\s+(?!LOCAL\b)")


def test_nothing_leaves_session_state_on_a_pooled_connection():
    """Pooled PostgreSQL connections are not reset on release (database._keep_session): no code may leave
    session state on one (a session-level advisory lock, LISTEN, a held cursor, a session SET)."""
    found = []
    for path in sorted(Path(database.__file__).parent.rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#", 1)[0]
            if SESSION_STATE.search(code) and "pg_advisory_xact_lock" not in code:
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert not found, found
    assert SESSION_STATE.search('await connection.execute("SET search_path TO other")')  # the check can fail
    assert SESSION_STATE.search("SELECT pg_advisory_lock(1)")
    assert not SESSION_STATE.search('await connection.execute("SET LOCAL statement_timeout = 5")')
    assert not SESSION_STATE.search('"UPDATE school_summary SET version = version + 1"')


async def test_a_connection_released_in_a_transaction_is_rolled_back(migrated_db):
    if not database.is_postgres(migrated_db):
        assert getattr(migrated_db, "pool", None) is None  # SQLite: no pool, nothing is handed on
        return
    if migrated_db.pool is None:  # a test before this one may have closed it
        await database.open_pool()
    async with migrated_db.pool.acquire() as connection:
        transaction = connection.transaction()
        await transaction.start()
        await connection.execute("INSERT INTO region (name, code) VALUES ('Left open', 'X1')")
    rows = await migrated_db.run_querystring(QueryString("SELECT count(*) AS n FROM region"))
    assert rows[0]["n"] == 0

"""SQLite: a SELECT outside a transaction runs on the thread's long-lived read-only connection.

Piccolo would open a new connection (and a thread) for each one; these tests check that the shared one never
opens another, sees every committed write at once, cannot write, follows the file if it is replaced, and is not
used inside a transaction (whose own uncommitted writes must be seen).
"""

from __future__ import annotations

import sqlite3

import aiosqlite
import pytest
from piccolo.querystring import QueryString

from workforce.db import WorkforceSQLiteEngine


@pytest.fixture
async def engine(tmp_path):
    db = WorkforceSQLiteEngine(path=str(tmp_path / "reads.sqlite"))
    await db.run_ddl("CREATE TABLE thing (id INTEGER PRIMARY KEY, name TEXT)")
    await db.run_querystring(QueryString("INSERT INTO thing (name) VALUES ({})", "first"))
    yield db
    db.close_readers()


@pytest.fixture
def connections_opened(monkeypatch) -> list[str]:
    opened: list[str] = []
    real = aiosqlite.connect

    def counting(*args, **kwargs):
        opened.append(str(kwargs.get("database", args[0] if args else "")))
        return real(*args, **kwargs)

    monkeypatch.setattr(aiosqlite, "connect", counting)
    return opened


async def names(db) -> list[str]:
    return [
        row["name"] for row in await db.run_querystring(QueryString("SELECT name FROM thing ORDER BY id"))
    ]


async def test_selects_share_one_connection_and_see_every_committed_write(engine, connections_opened):
    assert await names(engine) == ["first"]
    assert await names(engine) == ["first"]
    assert connections_opened == []
    await engine.run_querystring(QueryString("INSERT INTO thing (name) VALUES ({})", "second"))
    assert len(connections_opened) == 1  # the write had its own connection, as before
    assert await names(engine) == ["first", "second"]
    assert len(connections_opened) == 1


async def test_the_read_connection_cannot_write(engine):
    await names(engine)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        engine._read("INSERT INTO thing (name) VALUES ('sneaky')", [])
    assert await names(engine) == ["first"]


async def test_a_replaced_file_is_read_from_the_new_file(engine, tmp_path):
    assert await names(engine) == ["first"]
    path = tmp_path / "reads.sqlite"
    for leftover in tmp_path.glob("reads.sqlite*"):
        leftover.unlink()
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE thing (id INTEGER PRIMARY KEY, name TEXT)")
    other.execute("INSERT INTO thing (name) VALUES ('new file')")
    other.commit()
    other.close()
    assert await names(engine) == ["new file"]


async def test_inside_a_transaction_selects_see_its_own_writes(engine, connections_opened):
    async with engine.transaction():
        await engine.run_querystring(QueryString("INSERT INTO thing (name) VALUES ({})", "uncommitted"))
        assert await names(engine) == ["first", "uncommitted"]
    assert await names(engine) == ["first", "uncommitted"]

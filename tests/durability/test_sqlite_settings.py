"""SQLite is set up to keep every committed write: WAL, synchronous=FULL, a busy timeout, immediate transactions.

- The database file the app migrates is in WAL mode, and every connection the app opens has synchronous=FULL
  and a busy timeout (so a second writer waits instead of failing).
- Writes that read before they write use ``BEGIN IMMEDIATE`` on SQLite: a deferred transaction that reads first
  and then writes can fail at once with "database is locked" when another writer got in between (the busy
  timeout does not help a transaction that already holds a read snapshot). A source scan lists every
  ``.transaction()`` call; those that open a deferred transaction on SQLite must be on the KNOWN_DEFERRED list,
  which says why and is kept exact (a fixed call must leave the list, a new one must not join it unnoticed).
"""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest
from browser.live_server import LiveServer

from workforce.db import WorkforceSQLiteEngine

SRC = Path(__file__).resolve().parents[2] / "src" / "workforce"

# path relative to src/workforce, enclosing function -> why it is (still) a deferred transaction on SQLite.
KNOWN_DEFERRED: dict[tuple[str, str], str] = {
    ("database.py", "truncate_all"): "tests and `seed --reset` only; starts with a write (DELETE)",
}


def test_connections_use_full_sync_and_a_busy_timeout(tmp_path):
    async def pragmas():
        engine = WorkforceSQLiteEngine(path=str(tmp_path / "probe.sqlite"))
        connection = await engine.get_connection()
        try:
            values = []
            for pragma in ("synchronous", "busy_timeout"):
                row = await (await connection.execute(f"PRAGMA {pragma}")).fetchone()
                values.append(next(iter(row.values())) if isinstance(row, dict) else row[0])
        finally:
            await connection.close()
        return tuple(values)

    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        synchronous, busy = pool.submit(asyncio.run, pragmas()).result()
    assert synchronous == 2, "synchronous must be FULL (2)"
    assert busy >= 5000, f"busy timeout {busy} ms is too short for a writer to wait its turn"


def test_the_migrated_database_file_is_in_wal_mode(tmp_path):
    server = LiveServer(data_dir=tmp_path)
    server.cli("migrate")
    connection = sqlite3.connect(server.sqlite_path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------- immediate transactions


def _mentions_is_postgres(node: ast.AST) -> bool:
    """``if is_postgres(db):``, ``if postgres:`` (a flag set from it) and the like."""
    names = [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]
    names += [n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)]
    return any("postgres" in name.lower() for name in names)


def deferred_transactions(source: str) -> list[tuple[str, int]]:
    """(enclosing function, line) of each ``.transaction()`` call that is deferred on SQLite.

    A call is fine when it passes ``transaction_type=`` or sits in the PostgreSQL branch of an
    ``if is_postgres(...)`` (the other branch then passes the immediate type).
    """
    tree = ast.parse(source)
    parents: dict[ast.AST, ast.AST] = {}
    for parent in ast.walk(tree):
        for child in ast.iter_child_nodes(parent):
            parents[child] = parent
    found = []
    for node in ast.walk(tree):
        if not (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "transaction"
        ):
            continue
        if any(k.arg == "transaction_type" for k in node.keywords) or node.args:
            continue
        child, ancestor, function, postgres_branch = node, parents.get(node), "<module>", False
        while ancestor is not None:
            if (
                isinstance(ancestor, ast.If)
                and _mentions_is_postgres(ancestor.test)
                and child in ancestor.body
            ):
                postgres_branch = True
            if isinstance(ancestor, (ast.FunctionDef, ast.AsyncFunctionDef)) and function == "<module>":
                function = ancestor.name
            child, ancestor = ancestor, parents.get(ancestor)
        if not postgres_branch:
            found.append((function, node.lineno))
    return found


def test_the_scan_finds_deferred_transactions_and_accepts_immediate_ones():
    source = """
async def reads_then_writes():
    async with db.transaction():
        pass

def _write_transaction():
    db = engine()
    if is_postgres(db):
        return db.transaction()
    return db.transaction(transaction_type=TransactionType.immediate)

def else_branch_is_not_postgres():
    if is_postgres(db):
        pass
    else:
        return db.transaction()
"""
    assert deferred_transactions(source) == [("reads_then_writes", 3), ("else_branch_is_not_postgres", 16)]


def test_writes_use_immediate_transactions_on_sqlite_except_the_known_list():
    found: dict[tuple[str, str], list[int]] = {}
    for path in sorted(SRC.rglob("*.py")):
        for function, line in deferred_transactions(path.read_text(encoding="utf-8")):
            found.setdefault((path.relative_to(SRC).as_posix(), function), []).append(line)
    unexpected = {key: lines for key, lines in found.items() if key not in KNOWN_DEFERRED}
    assert not unexpected, (
        "deferred transactions on SQLite (use workforce.database.write_transaction() for writes): "
        + ", ".join(f"{path}:{lines} in {function}()" for (path, function), lines in unexpected.items())
    )
    fixed = sorted(set(KNOWN_DEFERRED) - set(found))
    if fixed:
        pytest.fail(f"now immediate (or gone): remove from KNOWN_DEFERRED: {fixed}")

"""Set-based reads and writes for the importers, on SQLite and PostgreSQL alike.

Importers look records up many keys at a time and write many rows per statement on the connection of
the import's one transaction, never one query per row:

- lookups pass a whole list of keys as ONE parameter (``= ANY($1)`` on PostgreSQL, ``json_each(?)`` on
  SQLite), so they never approach the 32,767 bind-parameter limit;
- inserts use ``unnest`` of one array per column on PostgreSQL (one parameter per column) and multi-row
  ``VALUES`` in slices under SQLite's variable limit, returning the new ids where asked;
- updates use ``executemany`` (asyncpg pipelines them; SQLite runs them in process);
- bulk creates (``create``) take their ids first (the table's sequence on PostgreSQL, the next free ids
  under the write lock on SQLite), then stream the rows in: binary ``COPY`` on PostgreSQL, multi-row
  ``VALUES`` on SQLite. Their audit entries are built by the database from the rows just written
  (``INSERT INTO audit_entry ... SELECT ... json_build_object / json_object``), so a million created
  records cost no JSON work in Python.
- on SQLite, writes whose result is not needed are queued on the connection's thread without waiting
  (``Sql._send``); reads and the commit wait for them first (``settle``), so they see them and fail with
  them.

Queries are written with ``?`` placeholders and renumbered for PostgreSQL.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import re
from collections.abc import Awaitable, Iterable, Sequence
from contextlib import asynccontextmanager
from typing import Any

from piccolo.columns import JSON, Boolean, Date, ForeignKey, Integer, Real, Serial, Text, Timestamptz, Varchar
from piccolo.engine.sqlite import TransactionType, convert_datetime_in
from piccolo.table import Table

from workforce.database import engine
from workforce.db import is_postgres

_SQLITE_MAX_VARIABLES = 32_000
SQLITE_ROWS_PER_INSERT = 4096  # rows of one multi-row INSERT on SQLite at most (a power of two)
IMPORT_LOCK_KEY = 0x5EDF0001  # PostgreSQL advisory lock held by a writing import until it commits
_PLACEHOLDER = re.compile(r"\?")

_PG_TYPES: list[tuple[type, str]] = [
    (ForeignKey, "int4"),
    (Serial, "int4"),
    (Integer, "int4"),
    (Real, "float4"),
    (Boolean, "bool"),
    (Timestamptz, "timestamptz"),
    (Date, "date"),
    (JSON, "json"),
    (Varchar, "text"),
    (Text, "text"),
]


def _pg_type(table: type[Table], column: str) -> str:
    col = table._meta.get_column_by_name(column)
    for column_class, pg_type in _PG_TYPES:
        if isinstance(col, column_class):
            return pg_type
    raise TypeError(f"no PostgreSQL array type for {table.__name__}.{column}")


def _json_columns(table: type[Table]) -> frozenset[str]:
    return frozenset(c._meta.db_column_name for c in table._meta.columns if isinstance(c, JSON))


class Sql:
    """Raw statements on the connection of the current import transaction."""

    def __init__(self, connection: Any, postgres: bool):
        self.connection = connection
        self.postgres = postgres
        self._sequences: dict[str, str] = {}  # table -> its id sequence (PostgreSQL)
        self._next_ids: dict[str, int] = {}  # table -> its next free id (SQLite, under the write lock)
        # SQLite: writes sent to the connection's thread and not waited for yet (see ``settle``).
        self._ahead: list[asyncio.Future] = []

    # -- SQLite: writes run in the connection's thread while this one goes on
    def _send(self, statement: Awaitable[Any]) -> None:
        """Start a write whose result is not needed, without waiting for it (SQLite).

        aiosqlite runs a connection's statements one after another in its own thread, in the order they are
        queued; SQLite does most of a big insert's work with the interpreter lock released. So this process
        can go on building the next statement (the next rows to insert, the next chunk's checks) while the
        last one is written. Writes are queued in the order they are sent (each starts as a task, and tasks
        start in the order they were created); every read waits for the writes sent before it (``settle``),
        so it sees them, and so does the commit (``import_transaction`` settles before it ends).
        """
        self._ahead.append(asyncio.ensure_future(statement))

    async def settle(self) -> None:
        """Wait until every write sent ahead is done; raise the first one's error, if any failed."""
        ahead, self._ahead = self._ahead, []
        if not ahead:
            return
        failed = [
            r for r in await asyncio.gather(*ahead, return_exceptions=True) if isinstance(r, BaseException)
        ]
        if failed:
            raise failed[0]

    def _q(self, query: str) -> str:
        if not self.postgres:
            return query
        counter = iter(range(1, 10_000))
        return _PLACEHOLDER.sub(lambda _: f"${next(counter)}", query)

    async def fetch(self, query: str, *args: Any) -> list[dict]:
        if self.postgres:
            return [dict(record) for record in await self.connection.fetch(self._q(query), *args)]
        await self.settle()
        cursor = await self.connection.execute(query, args)
        try:
            return list(await cursor.fetchall())
        finally:
            await cursor.close()

    async def execute_many(self, query: str, rows: Sequence[Sequence[Any]]) -> None:
        if not rows:
            return
        if self.postgres:
            await self.connection.executemany(self._q(query), rows)
            return
        self._send(self.connection.executemany(query, rows))

    def bind_timestamp(self, value: dt.datetime) -> Any:
        """A timestamp as this engine's driver is given it: on SQLite the text Piccolo's adapter would make
        of it (made once here, instead of by the adapter for every row it is bound to)."""
        if self.postgres:
            return value
        return convert_datetime_in(value)

    def in_list(self, column: str, values: Iterable[Any]) -> tuple[str, Any]:
        """A ``column IN (values)`` condition taking the whole list as one parameter."""
        values = list(values)
        if self.postgres:
            return f"{column} = ANY(?)", values
        return f"{column} IN (SELECT value FROM json_each(?))", json.dumps(values)

    async def select_in(
        self, table: type[Table], columns: str, key: str, values: Iterable[Any]
    ) -> list[dict]:
        values = list(values)
        if not values:
            return []
        condition, param = self.in_list(key, values)
        return await self.fetch(f"SELECT {columns} FROM {table._meta.tablename} WHERE {condition}", param)

    async def insert(
        self, table: type[Table], rows: Sequence[dict], returning: Sequence[str] = ()
    ) -> list[dict]:
        """Insert rows (dicts with the same keys); return the ``returning`` columns of each new row."""
        if not rows:
            return []
        columns = list(rows[0])
        name = table._meta.tablename
        json_columns = _json_columns(table) & set(columns)
        if json_columns:
            rows = [
                {k: (json.dumps(v) if k in json_columns and v is not None else v) for k, v in row.items()}
                for row in rows
            ]
        column_list = ", ".join(columns)
        self._next_ids.pop(name, None)  # ids taken here by SQLite itself: ``allocate_ids`` looks again
        returning_sql = f" RETURNING {', '.join(returning)}" if returning else ""
        if self.postgres:
            arrays = ", ".join(f"?::{_pg_type(table, c)}[]" for c in columns)
            query = f"INSERT INTO {name} ({column_list}) SELECT * FROM unnest({arrays}){returning_sql}"
            args = [[row[c] for row in rows] for c in columns]
            if returning:
                return await self.fetch(query, *args)
            await self.connection.execute(self._q(query), *args)
            return []
        if not returning:
            placeholders = ", ".join("?" for _ in columns)
            await self.execute_many(
                f"INSERT INTO {name} ({column_list}) VALUES ({placeholders})",
                [[row[c] for c in columns] for row in rows],
            )
            return []
        out: list[dict] = []
        per_statement = max(1, _SQLITE_MAX_VARIABLES // len(columns))
        one = "(" + ", ".join("?" for _ in columns) + ")"
        for start in range(0, len(rows), per_statement):
            part = rows[start : start + per_statement]
            query = f"INSERT INTO {name} ({column_list}) VALUES {', '.join(one for _ in part)}{returning_sql}"
            out.extend(await self.fetch(query, *[row[c] for row in part for c in columns]))
        return out

    async def update(self, table: type[Table], rows: Sequence[dict]) -> None:
        """Update rows by id; each dict holds ``id`` and the columns to set (rows may differ in columns)."""
        if not rows:
            return
        json_columns = _json_columns(table)
        by_columns: dict[tuple[str, ...], list[list[Any]]] = {}
        for row in rows:
            columns = tuple(k for k in row if k != "id")
            values = [
                json.dumps(row[c]) if c in json_columns and row[c] is not None else row[c] for c in columns
            ]
            by_columns.setdefault(columns, []).append([*values, row["id"]])
        for columns, values in by_columns.items():
            assignments = ", ".join(f"{c} = ?" for c in columns)
            await self.execute_many(f"UPDATE {table._meta.tablename} SET {assignments} WHERE id = ?", values)

    # -- bulk creates
    async def allocate_ids(self, table: type[Table], n: int) -> list[int]:
        """``n`` new ids for ``table``, taken before the rows are written (so no ``RETURNING`` is needed).

        PostgreSQL: from the table's own sequence, as a default id would be (safe beside other writers).
        SQLite: the next ``n`` ids after the largest; the import transaction holds the database's one write
        lock (``BEGIN IMMEDIATE``), so no other connection can take them in between.
        """
        if n <= 0:
            return []
        name = table._meta.tablename
        if self.postgres:
            sequence = self._sequences.get(name)
            if sequence is None:
                sequence = await self.connection.fetchval("SELECT pg_get_serial_sequence($1, 'id')", name)
                self._sequences[name] = sequence
            # The sequence as a constant (looked up once per statement, not once per id). Usually nobody else
            # takes ids meanwhile and they are one range: only its ends come back, not a row per id.
            literal = "'" + sequence.replace("'", "''") + "'::regclass"
            low, high, ids = await self.connection.fetchrow(
                "SELECT min(id), max(id), CASE WHEN max(id) - min(id) + 1 = count(*) THEN NULL "
                "ELSE array_agg(id ORDER BY id) END "
                f"FROM (SELECT nextval({literal}) AS id FROM generate_series(1, $1)) AS ids",
                n,
            )
            return list(range(low, high + 1)) if ids is None else list(ids)
        first = self._next_ids.get(name)
        if first is None:  # the first time in this transaction: after that, only this import adds rows
            (row,) = await self.fetch(f"SELECT coalesce(max(id), 0) AS top FROM {name}")
            first = row["top"] + 1
        self._next_ids[name] = first + n
        return list(range(first, first + n))

    async def copy_in(self, name: str, columns: Sequence[str], records: Sequence[Sequence[Any]]) -> None:
        """Write rows (tuples in ``columns`` order) as fast as the engine takes them: binary COPY on
        PostgreSQL, multi-row ``INSERT ... VALUES`` on SQLite."""
        if not records:
            return
        if self.postgres:
            await self.connection.copy_records_to_table(name, records=records, columns=list(columns))
            return
        # Multi-row VALUES, as many rows per statement as SQLite's variable limit allows: the parameters are
        # bound in C in one go, then the whole statement runs in C (``executemany`` goes back to Python
        # for every row). Statements have 2**k rows, so only a few distinct statements are compiled and
        # kept in the connection's statement cache, whatever the chunk sizes.
        one = "(" + ", ".join("?" for _ in columns) + ")"
        head = f"INSERT INTO {name} ({', '.join(columns)}) VALUES "
        most = min(SQLITE_ROWS_PER_INSERT, 1 << ((_SQLITE_MAX_VARIABLES // len(columns)).bit_length() - 1))
        start = 0
        while start < len(records):
            size = min(most, 1 << ((len(records) - start).bit_length() - 1))
            part = records[start : start + size]
            start += size
            self._send(
                self.connection.execute_fetchall(
                    head + ", ".join([one] * size), [value for record in part for value in record]
                )
            )

    async def create(
        self,
        table: type[Table],
        columns: Sequence[str],
        records: Sequence[Sequence[Any]],
        *,
        audit: CreateAudit | None = None,
    ) -> list[int]:
        """Insert new rows (tuples in ``columns`` order, without ``id``) and, when ``audit`` is given, one
        ``create`` audit entry for each, in the same transaction. Returns the new ids, in row order."""
        ids = await self.allocate_ids(table, len(records))
        await self.copy_in(
            table._meta.tablename, ("id", *columns), [(i, *r) for i, r in zip(ids, records, strict=True)]
        )
        if audit is not None and ids:
            await self.audit_created(table, ids, audit)
        return ids

    def _json_value(self, table: type[Table], column: str) -> str:
        """SQL for a column's value in an audit entry, as ``stored()`` gives it in Python: floats to 4
        places, booleans as JSON true/false (SQLite stores them as 0/1), dates as ISO text."""
        col = table._meta.get_column_by_name(column)
        if isinstance(col, Real):
            return f"round({column}::numeric, 4)" if self.postgres else f"round({column}, 4)"
        if isinstance(col, Boolean) and not self.postgres:
            return (
                f"CASE WHEN {column} IS NULL THEN NULL WHEN {column} THEN json('true') ELSE json('false') END"
            )
        return column

    async def audit_created(self, table: type[Table], ids: Sequence[int], audit: CreateAudit) -> None:
        """One ``create`` audit entry per new row, its ``after`` built by the database from the row."""
        name = table._meta.tablename
        function = "json_build_object" if self.postgres else "json_object"
        after = ", ".join(f"'{c}', {self._json_value(table, c)}" for c in audit.fields)
        low, high = min(ids), max(ids)
        if high - low + 1 == len(ids):  # one range (always on SQLite; on PostgreSQL unless interleaved)
            condition, args = "id BETWEEN ? AND ?", [low, high]
        else:
            condition, args = "id = ANY(?::int4[])", [list(ids)]
        await self.execute(
            "INSERT INTO audit_entry (at, actor, action, entity, entity_id, staff, before, after) "
            f"SELECT ?, ?, 'create', '{name}', id, {audit.staff_column}, NULL, {function}({after}) "
            f"FROM {name} WHERE {condition} ORDER BY id",
            audit.at,
            audit.actor,
            *args,
        )

    async def execute(self, query: str, *args: Any) -> None:
        if self.postgres:
            await self.connection.execute(self._q(query), *args)
            return
        self._send(self.connection.execute_fetchall(query, args))


class CreateAudit:
    """How to audit bulk-created rows: who, when, which columns go in ``after``, which column is the person."""

    __slots__ = ("actor", "at", "fields", "staff_column")

    def __init__(self, *, actor: str, at: dt.datetime, fields: Sequence[str], staff_column: str):
        self.actor = actor
        self.at = at
        self.fields = tuple(fields)
        self.staff_column = staff_column


class Rollback(Exception):
    """Raised inside ``import_transaction`` to discard everything done in it."""


@asynccontextmanager
async def import_transaction(*, write: bool):
    """One transaction for a whole import, yielding an ``Sql`` on its connection.

    On SQLite a writing import takes the write lock up front (``BEGIN IMMEDIATE``) so that it cannot
    fail half-way on a lock held by another writer; on PostgreSQL it takes an advisory lock, so writing
    imports run one at a time there too. Called inside a transaction that is already open
    (the demo seed wraps several imports in one), it works in a savepoint of that transaction, so a
    rejected file still leaves nothing behind.
    """
    db = engine()
    postgres = is_postgres(db)
    current = db.current_transaction.get()
    if current is not None:
        savepoint = await current.savepoint()
        sql = Sql(current.connection, postgres)
        try:
            async with _settled(sql):
                yield sql
        except BaseException:
            await savepoint.rollback_to()
            raise
        else:
            await savepoint.release()
        return
    if postgres:
        transaction = db.transaction()
    else:
        transaction = db.transaction(
            transaction_type=TransactionType.immediate if write else TransactionType.deferred
        )
    async with transaction as tx:
        if postgres and write:
            # One writing import at a time, as BEGIN IMMEDIATE gives on SQLite: otherwise two imports of the
            # same file both see its rows as new and both insert them (tests/load proves it).
            await tx.connection.execute("SELECT pg_advisory_xact_lock($1)", IMPORT_LOCK_KEY)
        sql = Sql(tx.connection, postgres)
        async with _settled(sql):
            yield sql


@asynccontextmanager
async def _settled(sql: Sql):
    """Every write sent ahead is done before the transaction ends: its error, if any, rolls it back."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(BaseException):
            await sql.settle()
        raise
    await sql.settle()

"""What an import has met earlier in the same file, kept in the database instead of in memory.

Some rules span the whole file (a staff id's rows must repeat the same personal details, a TRN belongs to
one staff id, an employment appears once). Checking them needs every key met so far, with the row it was
first met on. Held in Python, that state grew with the file (about 450 bytes a row: a million-row file took
over half a gigabyte). It is kept instead in a temporary table of the import's own transaction:

    import_seen(h bigint primary key, row, key text, sig bigint, owner text)

``h`` is a 64-bit hash of the key (kind prefix + key), the real ``key`` is stored beside it so a lookup
is exact: two keys whose hashes collide are told apart, and the later one is kept in a small in-memory
``overflow`` dict (in practice never used: with 64-bit hashes a million-row file collides about once in
ten million imports). Memory therefore stays flat whatever the size of the file; each chunk costs one
lookup (all its keys as one parameter) and one bulk insert (COPY on PostgreSQL, ``executemany`` on
SQLite). The table is written in a dry run too (it is temporary: nothing of it outlives the import, and on
SQLite it takes no lock on the database file), so a dry run reports exactly what a real run would.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NamedTuple

from workforce.imports.sql import Sql

TABLE = "import_seen"
COLUMNS = ("h", "row", "key", "sig", "owner")


class Seen(NamedTuple):
    row: int  # the spreadsheet row the key was first met on
    sig: int | None  # e.g. the hash of a person's details on that row
    owner: str | None  # e.g. the staff id a TRN was given to


class SeenKeys:
    """Keys met earlier in the file: ``find`` before a chunk is checked, ``add`` its new keys after."""

    def __init__(self, sql: Sql):
        self.sql = sql
        self._table = f"pg_temp.{TABLE}" if sql.postgres else f"temp.{TABLE}"
        self.overflow: dict[str, Seen] = {}
        self._taken: set[int] = set()  # hashes of this chunk's lookup already stored for another key

    @staticmethod
    def hash(key: str) -> int:
        """A 64-bit hash of a key; the same within one process (one import), which is all it needs."""
        return hash(key)

    async def start(self) -> None:
        await self.sql.execute(f"DROP TABLE IF EXISTS {self._table}")
        if self.sql.postgres:
            await self.sql.execute(
                f"CREATE TEMPORARY TABLE {TABLE} (h int8 PRIMARY KEY, row int4 NOT NULL, key text NOT NULL, "
                "sig int8, owner text) ON COMMIT DROP"
            )
        else:
            await self.sql.execute(
                f"CREATE TEMPORARY TABLE {TABLE} (h INTEGER PRIMARY KEY, row INTEGER NOT NULL, "
                "key TEXT NOT NULL, sig INTEGER, owner TEXT)"
            )

    async def finish(self) -> None:
        await self.sql.execute(f"DROP TABLE IF EXISTS {self._table}")
        self.overflow.clear()

    async def find(self, keys: Iterable[str]) -> dict[str, Seen]:
        """Of these keys, those met on earlier chunks' rows, with what was recorded for them."""
        by_hash: dict[int, list[str]] = {}
        found: dict[str, Seen] = {}
        for key in keys:
            if key in self.overflow:
                found[key] = self.overflow[key]
            else:
                by_hash.setdefault(self.hash(key), []).append(key)
        self._taken = set()
        if not by_hash:
            return found
        if self.sql.postgres:
            condition, param = "h = ANY(?::int8[])", list(by_hash)
        else:
            condition, param = "h IN (SELECT value FROM json_each(?))", json.dumps(list(by_hash))
        query = f"SELECT h, row, key, sig, owner FROM {self._table} WHERE {condition}"
        for stored in await self.sql.fetch(query, param):
            for key in by_hash[stored["h"]]:
                if key == stored["key"]:
                    found[key] = Seen(stored["row"], stored["sig"], stored["owner"])
            # The hash is taken: a new key with the same hash (a collision) is kept in memory by ``add``.
            self._taken.add(stored["h"])
        return found

    async def add(self, new: dict[str, Seen]) -> None:
        """Record keys met for the first time (after ``find`` for the same chunk)."""
        records = []
        hashes: set[int] = set()
        for key, seen in new.items():
            h = self.hash(key)
            if h in self._taken or h in hashes:
                self.overflow[key] = seen
                continue
            hashes.add(h)
            records.append((h, seen.row, key, seen.sig, seen.owner))
        await self.sql.copy_in(TABLE, COLUMNS, records)

"""What an import has met earlier in the same file, kept in the database instead of in memory.

Some rules span the whole file (a staff id's rows must repeat the same personal details, a TRN belongs to
one staff id, an employment appears once). Checking them needs every key met so far, with the row it was
first met on. Held in Python dicts, that state grew with the file (about 450 bytes a row: a million-row
file took over half a gigabyte). It is kept instead in a temporary table of the import's own transaction:

    import_seen(key text primary key, row, sig, owner, jobs)

so the process's memory stays flat whatever the size of the file. Each chunk of rows costs one lookup (all
its keys as one parameter) and one bulk insert of the keys met for the first time (COPY on PostgreSQL,
multi-row VALUES on SQLite). Keys are the key text itself (kind prefix + key), so lookups are exact, and
since HR files usually list people in some order (by staff id, by school), consecutive keys land on the
same index pages. A person's posts are kept with the person (most people have one or two), so a row costs
one key, or two with a TRN. The table is written in a dry run too (it is temporary: nothing of it outlives
the import, and on SQLite it takes no lock on the database file), so a dry run reports exactly what a real
run would.

Most keys of a chunk were never met before (a person's rows are usually together), so the lookup only asks
the table about keys that may have been: a Bloom filter of the keys added so far (a fixed 2 MiB of bits,
two per key, whatever the size of the file) says for certain which keys are new. The few it is unsure
of (met before, or a false alarm: about 3% of new keys at a million rows) are looked up exactly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NamedTuple

from workforce.imports.sql import Sql

TABLE = "import_seen"
COLUMNS = ("key", "row", "sig", "owner", "jobs")
FILTER_BITS = 1 << 24  # 2 MiB: a false alarm for about 3% of new keys after 1.6 million keys (1M rows)


class Seen(NamedTuple):
    row: int  # the spreadsheet row the key was first met on
    sig: int | None = None  # e.g. the hash of a person's details on that row
    owner: str | None = None  # e.g. the staff id a TRN was given to
    jobs: str | None = None  # e.g. a person's posts met so far (see staff.py), kept with the person


class SeenKeys:
    """Keys met earlier in the file: ``find`` before a chunk is checked, ``add`` its new keys after."""

    def __init__(self, sql: Sql):
        self.sql = sql
        self._table = f"pg_temp.{TABLE}" if sql.postgres else f"temp.{TABLE}"
        self._filter = bytearray(FILTER_BITS // 8)  # bits set by each key added (see the module's docstring)

    def _may_have(self, key: str) -> bool:
        """False: the key was certainly never added. True: it may have been (ask the table)."""
        h = hash(key)  # the same key gives the same hash within this process, which is all that is needed
        a, b = h & (FILTER_BITS - 1), (h >> 32) & (FILTER_BITS - 1)
        bits = self._filter
        return bool(bits[a >> 3] & (1 << (a & 7))) and bool(bits[b >> 3] & (1 << (b & 7)))

    def _note(self, keys: Iterable[str]) -> None:
        bits = self._filter
        mask = FILTER_BITS - 1
        for key in keys:
            h = hash(key)
            a, b = h & mask, (h >> 32) & mask
            bits[a >> 3] |= 1 << (a & 7)
            bits[b >> 3] |= 1 << (b & 7)

    async def start(self) -> None:
        await self.sql.execute(f"DROP TABLE IF EXISTS {self._table}")
        if self.sql.postgres:
            await self.sql.execute(
                f'CREATE TEMPORARY TABLE {TABLE} (key text COLLATE "C" PRIMARY KEY, row int4 NOT NULL, '
                "sig int8, owner text, jobs text) ON COMMIT DROP"
            )
        else:
            await self.sql.execute(
                f"CREATE TEMPORARY TABLE {TABLE} (key TEXT PRIMARY KEY, row INTEGER NOT NULL, sig INTEGER, "
                "owner TEXT, jobs TEXT) WITHOUT ROWID"
            )

    async def finish(self) -> None:
        await self.sql.execute(f"DROP TABLE IF EXISTS {self._table}")

    async def find(self, keys: Iterable[str]) -> dict[str, Seen]:
        """Of these keys, those met on earlier chunks' rows, with what was recorded for them."""
        may_have = self._may_have
        keys = [key for key in keys if may_have(key)]
        if not keys:
            return {}
        if self.sql.postgres:
            condition, param = "key = ANY(?::text[])", keys
        else:
            condition, param = "key IN (SELECT value FROM json_each(?))", json.dumps(keys)
        query = f"SELECT key, row, sig, owner, jobs FROM {self._table} WHERE {condition}"
        return {
            r["key"]: Seen(r["row"], r["sig"], r["owner"], r["jobs"])
            for r in await self.sql.fetch(query, param)
        }

    async def add(self, new: dict[str, Seen], changed: dict[str, Seen] | None = None) -> None:
        """Record keys met for the first time, and what changed for keys met before (after ``find``)."""
        self._note(new)
        await self.sql.copy_in(TABLE, COLUMNS, [(key, *seen) for key, seen in new.items()])
        if changed:
            await self.sql.execute_many(
                f"UPDATE {self._table} SET jobs = ? WHERE key = ?", [(s.jobs, k) for k, s in changed.items()]
            )

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
same index pages. A person's posts are kept with the person (most
people have one or two), so a row costs one key, or two with a TRN. The table is written in a dry run too (it is temporary: nothing of it outlives the
import, and on SQLite it takes no lock on the database file), so a dry run reports exactly what a real
run would.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import NamedTuple

from workforce.imports.sql import Sql

TABLE = "import_seen"
COLUMNS = ("key", "row", "sig", "owner", "jobs")


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
        keys = list(keys)
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
        await self.sql.copy_in(TABLE, COLUMNS, [(key, *seen) for key, seen in new.items()])
        if changed:
            await self.sql.execute_many(
                f"UPDATE {self._table} SET jobs = ? WHERE key = ?", [(s.jobs, k) for k, s in changed.items()]
            )

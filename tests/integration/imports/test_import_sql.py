"""The importers' statements (``workforce.imports.sql``) and the keys met so far (``workforce.imports.seen``).

On SQLite, writes are sent to the connection's thread without waiting for them, so the next statement can be
built meanwhile: every read must still see them, their errors must still stop the import and roll it back,
and the commit must wait for them. Ids handed out before rows are written never collide with ids the
database gave. The filter in front of the seen-keys table must never miss a key it was given.
"""

from __future__ import annotations

import datetime as dt

import pytest

from workforce.imports import seen as seen_module
from workforce.imports.seen import Seen, SeenKeys
from workforce.imports.sql import Rollback, import_transaction
from workforce.people.tables import StaffMember

WHEN = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
PERSON = ("staff_ref", "first_name", "last_name", "title", "qts", "created_at", "updated_at")


def person(ref: str) -> tuple:
    return (ref, "Ada", "Lovelace", "", False, WHEN, WHEN)


async def test_reads_see_the_writes_sent_before_them():
    async with import_transaction(write=True) as sql:
        ids = await sql.allocate_ids(StaffMember, 3)
        await sql.copy_in("staff_member", ("id", *PERSON), [(i, *person(f"R{i}")) for i in ids])
        rows = await sql.fetch("SELECT staff_ref FROM staff_member ORDER BY id")
        assert [r["staff_ref"] for r in rows] == ["R1", "R2", "R3"]
        more = await sql.allocate_ids(StaffMember, 2)
        assert more == [4, 5]
        await sql.copy_in("staff_member", ("id", *PERSON), [(i, *person(f"R{i}")) for i in more])
    assert await StaffMember.count() == 5  # committed after every write was done


async def test_a_failed_write_sent_ahead_stops_the_import_and_rolls_everything_back():
    with pytest.raises(Exception, match="no such table|does not exist"):
        async with import_transaction(write=True) as sql:
            ids = await sql.allocate_ids(StaffMember, 2)
            await sql.copy_in("staff_member", ("id", *PERSON), [(i, *person(f"R{i}")) for i in ids])
            await sql.execute("INSERT INTO no_such_table (x) VALUES (1)")
            await sql.fetch("SELECT 1 AS one")  # the next read reports the failure
    assert await StaffMember.count() == 0


async def test_a_failed_last_write_is_reported_before_the_commit():
    with pytest.raises(Exception, match="no such table|does not exist"):
        async with import_transaction(write=True) as sql:
            ids = await sql.allocate_ids(StaffMember, 2)
            await sql.copy_in("staff_member", ("id", *PERSON), [(i, *person(f"R{i}")) for i in ids])
            await sql.execute("INSERT INTO no_such_table (x) VALUES (1)")
    assert await StaffMember.count() == 0


async def test_a_rollback_waits_for_the_writes_sent_ahead():
    async with import_transaction(write=True) as sql:
        ids = await sql.allocate_ids(StaffMember, 2)
        await sql.copy_in("staff_member", ("id", *PERSON), [(i, *person(f"R{i}")) for i in ids])
        with pytest.raises(Rollback):
            raise Rollback
    assert await StaffMember.count() == 2
    with pytest.raises(Rollback):
        async with import_transaction(write=True) as sql:
            ids = await sql.allocate_ids(StaffMember, 2)
            await sql.copy_in("staff_member", ("id", *PERSON), [(i, *person(f"N{i}")) for i in ids])
            raise Rollback
    assert await StaffMember.count() == 2


async def test_ids_handed_out_after_the_database_gave_some_do_not_collide():
    async with import_transaction(write=True) as sql:
        first = await sql.allocate_ids(StaffMember, 2)
        await sql.copy_in("staff_member", ("id", *PERSON), [(i, *person(f"R{i}")) for i in first])
        given = await sql.insert(
            StaffMember,
            [dict(zip(PERSON, person("BY-DB"), strict=True))],
            returning=("id",),
        )
        after = await sql.allocate_ids(StaffMember, 2)
        assert set(after).isdisjoint({*first, given[0]["id"]})
        await sql.copy_in("staff_member", ("id", *PERSON), [(i, *person(f"L{i}")) for i in after])
    assert await StaffMember.count() == 5


async def test_the_seen_keys_filter_never_misses_a_key_it_was_given():
    async with import_transaction(write=False) as sql:
        keys = SeenKeys(sql)
        await keys.start()
        added = {f"p\x1fS{i:07d}": Seen(i + 2, sig=i) for i in range(0, 60_000, 2)}
        await keys.add(added)
        asked = [f"p\x1fS{i:07d}" for i in range(60_000)]
        found = await keys.find(asked)
        assert found == added  # every key added is found, with what was recorded; no other key is
        maybe = sum(keys._may_have(k) for k in asked if k not in added)
        assert maybe < 300  # false alarms (asked of the table, found absent): well under 1% here
        await keys.finish()


def test_the_seen_keys_filter_is_a_fixed_size():
    assert seen_module.FILTER_BITS == 1 << 24  # 2 MiB, however long the file

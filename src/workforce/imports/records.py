"""Matching a chunk's rows to stored records by natural key, and writing the difference in bulk.

Shared by every HR import: a row whose key matches no record creates one; a row whose key matches a
record with other values updates just those fields; a row that matches exactly changes nothing and is
counted ``unchanged`` (so a re-import rewrites nothing and writes no audit entries).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from piccolo.table import Table

from workforce.imports.base import Importer, differences, stored


@dataclass(slots=True)
class Wanted:
    """What one row wants stored: ``managed`` is compared with the record; ``insert`` creates it."""

    key: Hashable
    managed: dict
    insert: dict | None  # None in a dry run when the parent record does not exist yet


async def apply_records(
    importer: Importer,
    *,
    table: type[Table],
    label: str,
    wanted: list[Wanted],
    existing: dict[Hashable, dict],
    staff_of: Callable[[dict], int | None] | None = None,
    touch: str | None = "updated_at",
    audit: bool = True,
) -> list[dict]:
    """Create, update or leave each wanted record; write and audit when the import is writing.

    Returns the new records (with ids) that were inserted.
    """
    entity = table._meta.tablename
    staff_of = staff_of or (lambda record: record.get("staff"))
    writing = importer.writing
    inserts: list[dict] = []
    updates: list[dict] = []
    for item in wanted:
        record = existing.get(item.key)
        if record is None:
            importer.report.count(label, "created")
            if writing and item.insert is not None:
                inserts.append(item.insert)
            continue
        changed = differences(record, item.managed)
        if not changed:
            importer.report.count(label, "unchanged")
            continue
        importer.report.count(label, "updated")
        if writing:
            update: dict[str, Any] = {"id": record["id"], **changed}
            if touch:
                update[touch] = importer.now
            updates.append(update)
            if audit:
                importer.audit_update(
                    entity, record["id"], staff_of(record), stored(record, changed), changed
                )
    if not writing:
        return []
    created: list[dict] = []
    if inserts:
        columns = [c for c in inserts[0] if c not in ("created_at", "updated_at", "recorded_at")]
        created = await importer.sql.insert(table, inserts, returning=("id", *columns))
        for record in created:
            after = stored(record, set(record) - {"id"})
            if audit:
                importer.audit_create(entity, record["id"], staff_of(record), after)
    await importer.sql.update(table, updates)
    return created


async def staff_ids(importer: Importer, refs: set[str]) -> dict[str, int]:
    """Staff ids by staff id (``staff_ref``) for the given refs that exist."""
    from workforce.people.tables import StaffMember

    rows = await importer.sql.select_in(StaffMember, "id, staff_ref", "staff_ref", refs)
    return {row["staff_ref"]: row["id"] for row in rows}


async def school_ids(importer: Importer, urns: set[int]) -> dict[int, int]:
    from workforce.organisations.tables import School

    rows = await importer.sql.select_in(School, "id, urn", "urn", urns)
    return {row["urn"]: row["id"] for row in rows}


async def trust_ids(importer: Importer, uids: set[str]) -> dict[str, int]:
    from workforce.organisations.tables import Trust

    rows = await importer.sql.select_in(Trust, "id, uid", "uid", uids)
    return {row["uid"]: row["id"] for row in rows}


UNKNOWN_STAFF = "no staff member has staff id {ref!r} (import the staff file first)"
UNKNOWN_SCHOOL = "no school has URN {urn} (import the GIAS establishment file first)"
UNKNOWN_TRUST = "no trust has UID {uid!r} (import the GIAS establishment file first)"

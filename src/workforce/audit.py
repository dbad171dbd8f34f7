"""The audit log: every change to people's records, who made it, when, before and after.

Call ``audit_record`` inside the same transaction as the change it describes, so a change and its
audit entry are written together or not at all.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from workforce.people.tables import AuditEntry


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, default=str))


def audit_values(
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None = None,
    staff_id: int | None = None,
    before: dict | None = None,
    after: dict | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """The column values of one audit entry, as a plain dict (for set-based bulk inserts)."""
    return {
        "at": at or dt.datetime.now(dt.timezone.utc),
        "actor": actor,
        "action": action,
        "entity": entity,
        "entity_id": entity_id,
        "staff": staff_id,
        "before": _jsonable(before),
        "after": _jsonable(after),
    }


def audit_entry(**kwargs: Any) -> AuditEntry:
    """Build (not save) an audit entry (same keyword arguments as ``audit_values``)."""
    return AuditEntry(**audit_values(**kwargs))


async def audit_record(**kwargs: Any) -> None:
    """Save one audit entry (same keyword arguments as ``audit_values``).

    An entry about a member of staff (``staff_id``) is a change to their records, so it also marks the stored
    facts of every school they appear in as out of date (``compliance.summaries.records_changed``), in the
    same transaction: school pages never show facts older than the audit log. A post's school or trust
    before the change counts too (a post moved to another school changes both).
    """
    await AuditEntry.insert(audit_entry(**kwargs))
    staff_id = kwargs.get("staff_id")
    if staff_id is not None:
        from workforce.compliance.summaries import records_changed  # compliance reads people: import late

        before = (kwargs.get("before") or {}) if kwargs.get("entity") == "employment" else {}
        await records_changed(
            staff_ids=[staff_id],
            school_ids=[before["school"]] if before.get("school") else [],
            trust_ids=[before["trust"]] if before.get("trust") else [],
        )


def changed_fields(before: dict, after: dict) -> tuple[dict, dict]:
    """The subset of before/after that differs, for a compact audit entry."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}

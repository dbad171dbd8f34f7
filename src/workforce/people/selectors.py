"""Reads for the staff management pages: a school's staff, a person's employment and their audit history.

Callers check scope first (``workforce.web.security``: ``require_school``, ``require_staff``); these functions
read whatever they are asked for. Rows are plain dicts.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from workforce.organisations.tables import School, Trust
from workforce.people.tables import AuditEntry, Employment, StaffMember
from workforce.web.security import CurrentUser, trust_school_ids


@dataclass(frozen=True)
class StaffRow:
    id: int
    staff_ref: str
    name: str
    trn: str | None
    posts: tuple[dict[str, Any], ...]  # this school's posts shown (role, fte, start_date, end_date)

    @property
    def current(self) -> bool:
        return any(p["end_date"] is None or p["end_date"] >= dt.date.today() for p in self.posts)


def full_name(row: dict[str, Any]) -> str:
    parts = [row.get("title") or "", row.get("first_name") or "", row.get("last_name") or ""]
    return " ".join(p.strip() for p in parts if p and p.strip())


async def school_staff(
    *, school_id: int, include_former: bool = False, search: str = "", on: dt.date | None = None
) -> list[StaffRow]:
    """Everyone with a post at the school today or later (with ``include_former``, also those whose posts
    there have ended), by last name; one query."""
    on = on or dt.date.today()
    where = Employment.school == school_id
    if not include_former:
        where = where & (Employment.end_date.is_null() | (Employment.end_date >= on))
    rows = await Employment.select(
        Employment.id,
        Employment.role,
        Employment.fte,
        Employment.start_date,
        Employment.end_date,
        Employment.staff.as_alias("staff_id"),
        Employment.staff.staff_ref.as_alias("staff_ref"),
        Employment.staff.title.as_alias("title"),
        Employment.staff.first_name.as_alias("first_name"),
        Employment.staff.last_name.as_alias("last_name"),
        Employment.staff.trn.as_alias("trn"),
    ).where(where)
    people: dict[int, dict[str, Any]] = {}
    text = search.strip().lower()
    for row in rows:
        person = people.setdefault(row["staff_id"], {"row": row, "posts": []})
        person["posts"].append(
            {
                "id": row["id"],
                "role": row["role"],
                "fte": row["fte"],
                "start_date": row["start_date"],
                "end_date": row["end_date"],
            }
        )
    found = []
    for staff_id, person in people.items():
        row = person["row"]
        name = full_name(row)
        if (
            text
            and text not in name.lower()
            and text != (row["staff_ref"] or "").lower()
            and text != (row["trn"] or "")
        ):
            continue
        posts = tuple(sorted(person["posts"], key=lambda p: (p["start_date"], p["id"])))
        found.append(
            StaffRow(id=staff_id, staff_ref=row["staff_ref"], name=name, trn=row["trn"], posts=posts)
        )
    found.sort(key=lambda r: (_last(people[r.id]["row"]), r.name.lower(), r.id))
    return found


def _last(row: dict[str, Any]) -> str:
    return (row.get("last_name") or "").lower()


async def staff_member_get(staff_id: int) -> dict[str, Any] | None:
    return await StaffMember.select().where(StaffMember.id == staff_id).first()


async def staff_employments(staff_id: int) -> list[dict[str, Any]]:
    """A person's posts (current and past), newest first, with the school's URN and name or the trust's."""
    return await (
        Employment.select(
            *Employment.all_columns(exclude=[Employment.school, Employment.trust]),
            Employment.school.as_alias("school_id"),
            Employment.school.urn.as_alias("school_urn"),
            Employment.school.name.as_alias("school_name"),
            Employment.trust.as_alias("trust_id"),
            Employment.trust.uid.as_alias("trust_uid"),
            Employment.trust.name.as_alias("trust_name"),
        )
        .where(Employment.staff == staff_id)
        .order_by(Employment.start_date, ascending=False)
        .order_by(Employment.id, ascending=False)
    )


async def employment_get(employment_id: int, *, staff_id: int) -> dict[str, Any] | None:
    """One post of one person (None when the post is someone else's, so pages answer 404 either way)."""
    rows = [row for row in await staff_employments(staff_id) if row["id"] == employment_id]
    return rows[0] if rows else None


def employment_in_scope(user: CurrentUser, employment: dict[str, Any], school_ids: set[int] | None) -> bool:
    """May this user change this post? Admins any; school leads posts at their school; HR leads posts at
    their trust's schools (``school_ids``, from ``visible_school_ids``) and their trust's own posts."""
    if user.role == "admin":
        return True
    if employment["school_id"] is not None:
        return school_ids is None or employment["school_id"] in school_ids
    return (
        user.role == "hr_lead"
        and employment["trust_id"] is not None
        and employment["trust_id"] == user.trust_id
    )


@dataclass(frozen=True)
class Place:
    """Where a post can be: a school (``kind == "school"``) or a trust's central team."""

    value: str  # form value: "school:<id>" or "trust:<id>"
    label: str
    kind: str
    id: int


async def assignable_places(user: CurrentUser) -> list[Place]:
    """The schools (and, for an HR lead, the trust) where this user may record a post; admins: none here (they
    add posts from a school's staff page, where the school is fixed)."""
    places: list[Place] = []
    if user.role == "school_lead" and user.school_id is not None:
        ids = [user.school_id]
    elif user.role == "hr_lead" and user.trust_id is not None:
        ids = sorted(await trust_school_ids(user.trust_id))
    else:
        ids = []
    if ids:
        for row in (
            await School.select(School.id, School.urn, School.name)
            .where(School.id.is_in(ids))
            .order_by(School.name)
        ):
            places.append(
                Place(f"school:{row['id']}", f"{row['name']} (URN {row['urn']})", "school", row["id"])
            )
    if user.role == "hr_lead" and user.trust_id is not None:
        places.append(
            Place(f"trust:{user.trust_id}", f"{user.trust_name} (trust-level post)", "trust", user.trust_id)
        )
    return places


async def school_place(school_id: int) -> Place | None:
    row = await School.select(School.id, School.urn, School.name).where(School.id == school_id).first()
    if row is None:
        return None
    return Place(f"school:{row['id']}", f"{row['name']} (URN {row['urn']})", "school", row["id"])


async def trust_place(trust_id: int) -> Place | None:
    row = await Trust.select(Trust.id, Trust.name).where(Trust.id == trust_id).first()
    if row is None:
        return None
    return Place(f"trust:{row['id']}", f"{row['name']} (trust-level post)", "trust", row["id"])


# ---------------------------------------------------------------- audit history


@dataclass(frozen=True)
class AuditChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True)
class AuditLine:
    id: int
    at: dt.datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    changes: tuple[AuditChange, ...]


ENTITY_LABELS = {
    "staff_member": "Personal details",
    "employment": "Employment",
    "qualification": "Qualification",
    "placement": "Placement",
    "cpd_record": "CPD record",
    "senco_exemption": "SENCO exemption",
    "user_account": "Sign-in account",
}
ACTION_LABELS = {
    "create": "Added",
    "update": "Changed",
    "delete": "Deleted",
    "end": "Ended",
    "verify": "Verified",
    "import": "Imported",
    "disable": "Disabled",
    "set-password": "Password changed",
}


def _as_dict(value: Any) -> dict[str, Any]:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return {"value": value}
    return value if isinstance(value, dict) else {}


def audit_line(row: dict[str, Any]) -> AuditLine:
    before, after = _as_dict(row["before"]), _as_dict(row["after"])
    fields = list(dict.fromkeys([*after.keys(), *before.keys()]))
    return AuditLine(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        entity=row["entity"],
        entity_id=row["entity_id"],
        changes=tuple(AuditChange(f, before.get(f), after.get(f)) for f in fields),
    )


async def staff_audit_count(staff_id: int) -> int:
    return await AuditEntry.count().where(AuditEntry.staff == staff_id)


async def staff_audit_entries(staff_id: int, *, limit: int, offset: int = 0) -> list[AuditLine]:
    """Every change to this person's records, newest first (who, when, what, before and after)."""
    rows = await (
        AuditEntry.select()
        .where(AuditEntry.staff == staff_id)
        .order_by(AuditEntry.at, ascending=False)
        .order_by(AuditEntry.id, ascending=False)
        .limit(limit)
        .offset(offset)
    )
    return [audit_line(row) for row in rows]

"""Writes to people's records: members of staff and their employment (web pages and commands call these).

Every function is keyword-only, checks its input (raising ``PeopleError(message, field)`` with a message fit to
show beside the form field), writes the change and its audit entry (``workforce.audit``) in one transaction, and
returns the saved record. ``actor`` names who made the change (an email address or ``"cli:<command>"``). The
values accepted are the staff importer's (``workforce.imports.vocabulary``, ``people.validation``), so a value
accepted on a page is accepted in a staff CSV file and the other way round.

Who may change which record (scope) is the caller's check: the pages use ``workforce.web.security``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from workforce.audit import audit_record, changed_fields
from workforce.database import write_transaction
from workforce.imports.vocabulary import ROLES, SENSORY_CLASS_ALIASES, SENSORY_CLASSES, match_choice
from workforce.organisations.tables import School, Trust
from workforce.people.tables import Employment, StaffMember
from workforce.people.validation import InvalidTRN, normalise_trn

STAFF_REF_MAX = 64
NAME_MAX = 100
TITLE_MAX = 20
EMAIL_MAX = 255

# The fields of an employment a change may touch; the audit log records them before and after.
EMPLOYMENT_FIELDS = (
    "school",
    "trust",
    "role",
    "fte",
    "start_date",
    "end_date",
    "senior_leader",
    "senco_fte",
    "sensory_class",
    "sensory_class_since",
)
STAFF_FIELDS = ("staff_ref", "trn", "title", "first_name", "last_name", "email", "qts")


class PeopleError(ValueError):
    """A change to people's records that cannot be made; ``field`` names the form field it belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _actor(actor: Any) -> str:
    if isinstance(actor, str) and actor.strip():
        return actor.strip()
    email = getattr(actor, "email", None)
    if isinstance(email, str) and email:
        return email
    raise PeopleError("Say who is making this change", "actor")


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise PeopleError(f"Enter {label}", field)
    if len(text) > max_length:
        raise PeopleError(f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer", field)
    return text


def _date(value: Any, *, field: str, label: str, required: bool = True) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise PeopleError(f"Enter {label}", field)
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise PeopleError(f"{label[0].upper()}{label[1:]} must be a real date", field) from None


def _fraction(value: Any, *, field: str, label: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise PeopleError(f"{label} must be a number, like 0.6", field) from None
    if math.isnan(number) or not 0 <= number <= 1:
        raise PeopleError(f"{label} must be between 0 and 1", field)
    return round(number, 4)


def _bool(value: Any) -> bool:
    return bool(value)


# ---------------------------------------------------------------- staff members


def _staff_values(
    *, staff_ref: Any, first_name: Any, last_name: Any, title: Any, email: Any, trn: Any, qts: Any
) -> dict[str, Any]:
    try:
        trn_value = normalise_trn(None if trn is None else str(trn))
    except InvalidTRN as exc:
        raise PeopleError(str(exc), "trn") from None
    email_text = _text(email, field="email", label="the email address", max_length=EMAIL_MAX)
    if email_text and ("@" not in email_text or " " in email_text or "." not in email_text.split("@")[-1]):
        raise PeopleError("Enter an email address in the correct format, like name@example.com", "email")
    return {
        "staff_ref": _text(
            staff_ref, field="staff_ref", label="the staff id", max_length=STAFF_REF_MAX, required=True
        ),
        "trn": trn_value,
        "title": _text(title, field="title", label="the title", max_length=TITLE_MAX),
        "first_name": _text(
            first_name, field="first_name", label="the first name", max_length=NAME_MAX, required=True
        ),
        "last_name": _text(
            last_name, field="last_name", label="the last name", max_length=NAME_MAX, required=True
        ),
        "email": email_text or None,
        "qts": _bool(qts),
    }


async def _check_unique(values: dict[str, Any], *, staff_id: int | None = None) -> None:
    ref_taken = StaffMember.exists().where(StaffMember.staff_ref == values["staff_ref"])
    if staff_id is not None:
        ref_taken = ref_taken.where(StaffMember.id != staff_id)
    if await ref_taken:
        raise PeopleError(
            f"Staff id {values['staff_ref']} is already used for another member of staff", "staff_ref"
        )
    if values["trn"]:
        trn_taken = StaffMember.exists().where(StaffMember.trn == values["trn"])
        if staff_id is not None:
            trn_taken = trn_taken.where(StaffMember.id != staff_id)
        if await trn_taken:
            raise PeopleError(f"TRN {values['trn']} is already recorded for another member of staff", "trn")


async def staff_member_create(
    *,
    staff_ref: str,
    first_name: str,
    last_name: str,
    actor: Any,
    title: str = "",
    email: str | None = None,
    trn: str | None = None,
    qts: bool = False,
    first_post: dict[str, Any] | None = None,
) -> StaffMember:
    """Add a member of staff, with their first post in the same transaction (all or nothing).

    ``first_post``: the post's fields, named as in ``EMPLOYMENT_FIELDS`` (``school`` or ``trust`` by id, ``role``,
    ``fte``, ``start_date``, ...).
    The staff id (the employer's own id) and the TRN must not belong to anyone else.
    """
    who = _actor(actor)
    values = _staff_values(
        staff_ref=staff_ref,
        first_name=first_name,
        last_name=last_name,
        title=title,
        email=email,
        trn=trn,
        qts=qts,
    )
    post = await _employment_values(first_post) if first_post is not None else None
    now = _now()
    async with write_transaction():
        await _check_unique(values)
        person = StaffMember(**values, created_at=now, updated_at=now)
        await person.save()
        await audit_record(
            actor=who,
            action="create",
            entity="staff_member",
            entity_id=person.id,
            staff_id=person.id,
            after=values,
            at=now,
        )
        if post is not None:
            await _employment_insert(person.id, post, who=who, now=now)
    return person


async def staff_member_update(*, staff_id: int, actor: Any, **changes: Any) -> StaffMember:
    """Change a member of staff's details (only the fields given; unchanged fields are not audited)."""
    who = _actor(actor)
    unknown = set(changes) - set(STAFF_FIELDS)
    if unknown:
        raise PeopleError(f"Unknown field: {', '.join(sorted(unknown))}", sorted(unknown)[0])
    now = _now()
    async with write_transaction():
        before = (
            await StaffMember.select(*[getattr(StaffMember, f) for f in STAFF_FIELDS])
            .where(StaffMember.id == staff_id)
            .first()
        )
        if before is None:
            raise PeopleError("There is no member of staff with that id", "staff_id")
        values = _staff_values(**{**before, **changes})
        await _check_unique(values, staff_id=staff_id)
        old, new = changed_fields(before, values)
        if new:
            await StaffMember.update({**new, StaffMember.updated_at: now}).where(StaffMember.id == staff_id)
            await audit_record(
                actor=who,
                action="update",
                entity="staff_member",
                entity_id=staff_id,
                staff_id=staff_id,
                before=old,
                after=new,
                at=now,
            )
    person = await StaffMember.objects().where(StaffMember.id == staff_id).first()
    assert person is not None
    return person


# ---------------------------------------------------------------- employment


async def _employment_values(raw: dict[str, Any]) -> dict[str, Any]:
    """Checked values of one employment (school or trust given by id)."""
    unknown = set(raw) - set(EMPLOYMENT_FIELDS)
    if unknown:
        raise PeopleError(f"Unknown field: {', '.join(sorted(unknown))}", sorted(unknown)[0])
    school_id, trust_id = raw.get("school"), raw.get("trust")
    if (school_id is None) == (trust_id is None):
        raise PeopleError("Select the school of the post (or the trust, for a trust-level post)", "school")
    if school_id is not None and not await School.exists().where(School.id == school_id):
        raise PeopleError("There is no such school", "school")
    if trust_id is not None and not await Trust.exists().where(Trust.id == trust_id):
        raise PeopleError("There is no such trust", "school")
    role = match_choice(str(raw.get("role") or ""), ROLES)
    if role is None:
        raise PeopleError("Select the role", "role")
    fte = _fraction(1.0 if raw.get("fte") is None else raw["fte"], field="fte", label="FTE")
    start = _date(raw.get("start_date"), field="start_date", label="the start date")
    end = _date(raw.get("end_date"), field="end_date", label="the end date", required=False)
    if end is not None and start is not None and end < start:
        raise PeopleError("The end date must be the same as or after the start date", "end_date")
    senco_fte = raw.get("senco_fte")
    if senco_fte is not None and senco_fte != "":
        senco_fte = _fraction(senco_fte, field="senco_fte", label="SENCO time")
        if senco_fte > fte + 1e-9:
            raise PeopleError("SENCO time cannot be more than the post's FTE", "senco_fte")
    else:
        senco_fte = None
    sensory = raw.get("sensory_class") or None
    if sensory is not None:
        sensory = match_choice(str(sensory), SENSORY_CLASSES, SENSORY_CLASS_ALIASES)
        if sensory is None:
            raise PeopleError("Select hearing, visual or multi-sensory impairment", "sensory_class")
    since = _date(
        raw.get("sensory_class_since"), field="sensory_class_since", label="the date", required=False
    )
    if sensory is None:
        since = None
    elif since is None:
        since = start
    return {
        "school": school_id,
        "trust": trust_id,
        "role": role,
        "fte": fte,
        "start_date": start,
        "end_date": end,
        "senior_leader": _bool(raw.get("senior_leader")),
        "senco_fte": senco_fte,
        "sensory_class": sensory,
        "sensory_class_since": since,
    }


async def _check_not_duplicate(
    staff_id: int, values: dict[str, Any], *, employment_id: int | None = None
) -> None:
    """The key of an employment (as in the staff import): person + school (or trust) + role + start date."""
    where = (
        (Employment.staff == staff_id)
        & (Employment.role == values["role"])
        & (Employment.start_date == values["start_date"])
    )
    where = where & (
        (Employment.school == values["school"])
        if values["school"] is not None
        else (Employment.trust == values["trust"])
    )
    query = Employment.exists().where(where)
    if employment_id is not None:
        query = query.where(Employment.id != employment_id)
    if await query:
        raise PeopleError("This person already has this post (same place, role and start date)", "start_date")


async def _employment_insert(
    staff_id: int, values: dict[str, Any], *, who: str, now: dt.datetime
) -> Employment:
    await _check_not_duplicate(staff_id, values)
    post = Employment(staff=staff_id, **values, updated_at=now)
    await post.save()
    await audit_record(
        actor=who,
        action="create",
        entity="employment",
        entity_id=post.id,
        staff_id=staff_id,
        after=values,
        at=now,
    )
    return post


async def employment_create(
    *,
    staff_id: int,
    role: str,
    start_date: dt.date,
    actor: Any,
    school_id: int | None = None,
    trust_id: int | None = None,
    fte: float = 1.0,
    end_date: dt.date | None = None,
    senior_leader: bool = False,
    senco_fte: float | None = None,
    sensory_class: str | None = None,
    sensory_class_since: dt.date | None = None,
) -> Employment:
    """Add a post at a school (``school_id``) or a trust-level post (``trust_id``) for a member of staff."""
    who = _actor(actor)
    values = await _employment_values(
        {
            "school": school_id,
            "trust": trust_id,
            "role": role,
            "fte": fte,
            "start_date": start_date,
            "end_date": end_date,
            "senior_leader": senior_leader,
            "senco_fte": senco_fte,
            "sensory_class": sensory_class,
            "sensory_class_since": sensory_class_since,
        }
    )
    if not await StaffMember.exists().where(StaffMember.id == staff_id):
        raise PeopleError("There is no member of staff with that id", "staff_id")
    async with write_transaction():
        return await _employment_insert(staff_id, values, who=who, now=_now())


async def _employment_row(employment_id: int) -> dict[str, Any]:
    row = (
        await Employment.select(
            Employment.id, Employment.staff, *[getattr(Employment, f) for f in EMPLOYMENT_FIELDS]
        )
        .where(Employment.id == employment_id)
        .first()
    )
    if row is None:
        raise PeopleError("There is no such employment", "employment_id")
    # REAL is single precision on PostgreSQL (0.6 reads back as 0.6000000238): compare as entered.
    for name in ("fte", "senco_fte"):
        if row[name] is not None:
            row[name] = round(float(row[name]), 4)
    return row


async def employment_update(*, employment_id: int, actor: Any, **changes: Any) -> Employment:
    """Change an employment: any of ``EMPLOYMENT_FIELDS`` (``school``/``trust`` by id); others are kept.

    Only the fields that differ are written and audited (before and after).
    """
    who = _actor(actor)
    unknown = set(changes) - set(EMPLOYMENT_FIELDS)
    if unknown:
        raise PeopleError(f"Unknown field: {', '.join(sorted(unknown))}", sorted(unknown)[0])
    current = await _employment_row(employment_id)
    stored = {f: current[f] for f in EMPLOYMENT_FIELDS}
    values = await _employment_values({**stored, **changes})
    now = _now()
    async with write_transaction():
        current = await _employment_row(employment_id)
        stored = {f: current[f] for f in EMPLOYMENT_FIELDS}
        await _check_not_duplicate(current["staff"], values, employment_id=employment_id)
        old, new = changed_fields(stored, values)
        if new:
            await Employment.update({**new, Employment.updated_at: now}).where(Employment.id == employment_id)
            await audit_record(
                actor=who,
                action="update",
                entity="employment",
                entity_id=employment_id,
                staff_id=current["staff"],
                before=old,
                after=new,
                at=now,
            )
    post = await Employment.objects().where(Employment.id == employment_id).first()
    assert post is not None
    return post


async def employment_end(*, employment_id: int, end_date: dt.date, actor: Any) -> Employment:
    """End a post on ``end_date`` (its last day; not before it started). Audited as action ``end``."""
    who = _actor(actor)
    end = _date(end_date, field="end_date", label="the end date")
    now = _now()
    async with write_transaction():
        current = await _employment_row(employment_id)
        if end < current["start_date"]:
            raise PeopleError("The end date must be the same as or after the start date", "end_date")
        if current["end_date"] != end:
            await Employment.update({Employment.end_date: end, Employment.updated_at: now}).where(
                Employment.id == employment_id
            )
            await audit_record(
                actor=who,
                action="end",
                entity="employment",
                entity_id=employment_id,
                staff_id=current["staff"],
                before={"end_date": current["end_date"]},
                after={"end_date": end},
                at=now,
            )
    post = await Employment.objects().where(Employment.id == employment_id).first()
    assert post is not None
    return post

"""Writes to training records: CPD, qualifications and placements (web pages and commands call these).

Every function is keyword-only, checks its input (raising ``TrainingError(message, field)`` with a message fit
to show beside the form field), writes the change and its audit entry in one transaction, and returns the saved
record. ``actor`` is who made the change: an email address, ``"cli:<command>"``, or a signed-in user (anything
with an ``email`` attribute). The values accepted are the importers' (``workforce.imports.vocabulary``), so a
value accepted on a page is accepted in a CSV file and the other way round.

Evidence files (``evidence_file``) are an ``EvidenceFile(filename, content)``, a ``(filename, bytes)`` pair or an
uploaded file (with ``filename`` and an async ``read()``); they are checked by content
(``workforce.training.evidence``) before anything is written, and a file saved for a change that then fails is
removed again.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from workforce.audit import audit_record, changed_fields
from workforce.database import write_transaction
from workforce.imports.vocabulary import (
    CPD_STATUSES,
    PLACEMENT_ROUTES,
    QUALIFICATION_ALIASES,
    QUALIFICATION_KINDS,
    QUALIFICATION_STATUSES,
    SEND_AREA_ALIASES,
    SEND_AREAS,
    match_choice,
)
from workforce.organisations.tables import School
from workforce.people.tables import StaffMember
from workforce.training.evidence import EvidenceError, EvidenceFile, evidence_remove, evidence_store
from workforce.training.tables import CpdRecord, Placement, Qualification

TITLE_MAX = 255
PROVIDER_MAX = 255
EVIDENCE_REF_MAX = 255
REFLECTION_MAX = 20_000
HOURS_MAX = 1000.0
PLACEMENT_DAYS_MAX = 400

# The CPD fields a change may touch (``cpd_record_update``); status goes through verify or an explicit change.
CPD_EDITABLE = (
    "title",
    "provider",
    "activity_date",
    "hours",
    "send_area",
    "is_send",
    "mandatory_module",
    "evidence_ref",
    "reflection",
    "status",
)
_CPD_AUDITED = (*CPD_EDITABLE, "evidence_file", "verified_by", "verified_at")


class TrainingError(ValueError):
    """A training change that cannot be made; ``field`` names the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# ---------------------------------------------------------------- helpers


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _today() -> dt.date:
    return dt.date.today()


def actor_name(actor: Any) -> str:
    """How the audit log names whoever made a change."""
    if isinstance(actor, str) and actor.strip():
        return actor.strip()
    email = getattr(actor, "email", None)
    if isinstance(email, str) and email:
        return email
    raise TrainingError("Say who is making this change", "actor")


async def _staff_exists(staff_id: int) -> None:
    if not isinstance(staff_id, int) or not await StaffMember.exists().where(StaffMember.id == staff_id):
        raise TrainingError("There is no member of staff with that id", "staff_id")


def _text(value: Any, *, field: str, label: str, max_length: int, required: bool = False) -> str:
    value = "" if value is None else str(value).strip()
    if required and not value:
        raise TrainingError(f"Enter {label}", field)
    if len(value) > max_length:
        raise TrainingError(f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer", field)
    return value


def _date(value: Any, *, field: str, label: str, required: bool = True, not_future: bool = False) -> dt.date | None:
    if value is None or value == "":
        if required:
            raise TrainingError(f"Enter {label}", field)
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise TrainingError(f"{label[0].upper()}{label[1:]} must be a real date", field) from None
    if not isinstance(value, dt.date):
        raise TrainingError(f"{label[0].upper()}{label[1:]} must be a real date", field)
    if not_future and value > _today():
        raise TrainingError(f"{label[0].upper()}{label[1:]} must be today or in the past", field)
    return value


def _choice(value: Any, choices: tuple[str, ...], aliases: dict[str, str] | None, *, field: str, what: str) -> str:
    matched = match_choice(str(value or ""), choices, aliases)
    if matched is None:
        raise TrainingError(f"Select a {what} from the list", field)
    return matched


def _hours(value: Any) -> float:
    try:
        hours = float(value)
    except (TypeError, ValueError):
        raise TrainingError("Hours must be a number, like 1.5", "hours") from None
    if math.isnan(hours) or hours < 0 or hours > HOURS_MAX:
        raise TrainingError(f"Hours must be between 0 and {HOURS_MAX:g}", "hours")
    return round(hours, 2)


async def _evidence_upload(evidence_file: Any) -> EvidenceFile | None:
    """The upload as an EvidenceFile; None when there is none (a form's file input left empty sends a part
    with no file name and no bytes: that is no file, not an empty one)."""
    if evidence_file is None:
        return None
    if isinstance(evidence_file, EvidenceFile):
        upload = evidence_file
    elif isinstance(evidence_file, tuple) and len(evidence_file) == 2:
        upload = EvidenceFile(filename=str(evidence_file[0] or ""), content=bytes(evidence_file[1]))
    elif getattr(evidence_file, "read", None) is not None:
        content = await evidence_file.read()
        upload = EvidenceFile(filename=getattr(evidence_file, "filename", "") or "", content=content)
    else:
        raise TrainingError("The evidence file could not be read", "evidence_file")
    if not upload.filename.strip() and not upload.content:
        return None
    return upload


async def _store_evidence(upload: EvidenceFile | None) -> str | None:
    if upload is None:
        return None
    try:
        return await evidence_store(upload)
    except EvidenceError as exc:
        raise TrainingError(str(exc), "evidence_file") from None


def _cpd_values(values: dict[str, Any]) -> dict[str, Any]:
    """Check and normalise CPD fields (only those present)."""
    out: dict[str, Any] = {}
    if "title" in values:
        out["title"] = _text(values["title"], field="title", label="a title", max_length=TITLE_MAX, required=True)
    if "provider" in values:
        out["provider"] = _text(values["provider"], field="provider", label="provider", max_length=PROVIDER_MAX)
    if "activity_date" in values:
        out["activity_date"] = _date(
            values["activity_date"], field="activity_date", label="the date of the activity", not_future=True
        )
    if "hours" in values:
        out["hours"] = _hours(values["hours"])
    if "send_area" in values:
        out["send_area"] = _choice(
            values["send_area"] or "general", SEND_AREAS, SEND_AREA_ALIASES, field="send_area", what="SEND area"
        )
    for flag in ("is_send", "mandatory_module"):
        if flag in values:
            if not isinstance(values[flag], bool):
                raise TrainingError("Select yes or no", flag)
            out[flag] = values[flag]
    if "evidence_ref" in values:
        out["evidence_ref"] = _text(
            values["evidence_ref"], field="evidence_ref", label="the evidence reference", max_length=EVIDENCE_REF_MAX
        )
    if "reflection" in values:
        out["reflection"] = _text(
            values["reflection"], field="reflection", label="the reflection", max_length=REFLECTION_MAX
        )
    if "status" in values:
        out["status"] = _choice(values["status"], CPD_STATUSES, None, field="status", what="status")
    return out


def cpd_snapshot(record: dict[str, Any]) -> dict[str, Any]:
    """The audited fields of a CPD record row."""
    return {key: record.get(key) for key in _CPD_AUDITED}


async def _cpd_row(record_id: int) -> dict[str, Any]:
    row = await CpdRecord.select().where(CpdRecord.id == record_id).first() if isinstance(record_id, int) else None
    if row is None:
        raise TrainingError("There is no CPD record with that id", "record_id")
    return row


async def _cpd_object(record_id: int) -> CpdRecord:
    record = await CpdRecord.objects().where(CpdRecord.id == record_id).first()
    assert record is not None
    return record


# ---------------------------------------------------------------- CPD


async def cpd_record_create(
    *,
    staff_id: int,
    actor: Any,
    title: str,
    provider: str,
    activity_date: dt.date,
    hours: float,
    send_area: str,
    is_send: bool = True,
    mandatory_module: bool = False,
    evidence_ref: str = "",
    reflection: str = "",
    evidence_file: Any = None,
    status: str = "self-reported",
) -> CpdRecord:
    """Record a CPD activity for a member of staff (``status="verified"`` records the actor as verifier)."""
    who = actor_name(actor)
    values = _cpd_values(
        {
            "title": title,
            "provider": provider,
            "activity_date": activity_date,
            "hours": hours,
            "send_area": send_area,
            "is_send": is_send,
            "mandatory_module": mandatory_module,
            "evidence_ref": evidence_ref,
            "reflection": reflection,
            "status": status,
        }
    )
    await _staff_exists(staff_id)
    stored = await _store_evidence(await _evidence_upload(evidence_file))
    now = _now()
    verified = values["status"] == "verified"
    try:
        async with write_transaction():
            record = CpdRecord(
                staff=staff_id,
                record_ref=None,
                **values,
                evidence_file=stored,
                verified_by=who if verified else None,
                verified_at=now if verified else None,
                created_at=now,
                updated_at=now,
            )
            await record.save()
            await audit_record(
                actor=who,
                action="create",
                entity="cpd_record",
                entity_id=record.id,
                staff_id=staff_id,
                after=cpd_snapshot({**values, "evidence_file": stored, "verified_by": record.verified_by,
                                    "verified_at": record.verified_at}),
                at=now,
            )
    except BaseException:
        evidence_remove(stored)
        raise
    return record


async def cpd_record_update(*, record_id: int, actor: Any, **changes: Any) -> CpdRecord:
    """Change some fields of a CPD record.

    ``changes`` may hold any of ``CPD_EDITABLE`` and ``evidence_file``: a new upload replaces the stored file
    (the old one is deleted once the change is saved), ``evidence_file=None`` removes it, and an upload with
    no file name and no bytes (a file input left empty) keeps it. Changing ``status``
    to ``verified`` records the actor as verifier; to ``self-reported`` clears the verification.
    """
    who = actor_name(actor)
    unknown = set(changes) - set(CPD_EDITABLE) - {"evidence_file"}
    if unknown:
        raise TrainingError(f"These CPD fields cannot be changed: {', '.join(sorted(unknown))}", min(unknown))
    values = _cpd_values({k: v for k, v in changes.items() if k != "evidence_file"})
    await _cpd_row(record_id)
    replace_evidence = "evidence_file" in changes
    stored = None
    if replace_evidence and changes["evidence_file"] is not None:
        upload = await _evidence_upload(changes["evidence_file"])
        if upload is None:
            replace_evidence = False  # a file input left empty: keep the current file
        else:
            stored = await _store_evidence(upload)
    now = _now()
    old_file = None
    try:
        async with write_transaction():
            before = await _cpd_row(record_id)
            after = {**before, **values}
            if replace_evidence:
                after["evidence_file"] = stored
                old_file = before["evidence_file"]
            if "status" in values and values["status"] != before["status"]:
                verified = values["status"] == "verified"
                after["verified_by"] = who if verified else None
                after["verified_at"] = now if verified else None
            old, new = changed_fields(cpd_snapshot(before), cpd_snapshot(after))
            if new:
                await CpdRecord.update({**new, CpdRecord.updated_at: now}).where(CpdRecord.id == record_id)
                await audit_record(
                    actor=who,
                    action="update",
                    entity="cpd_record",
                    entity_id=record_id,
                    staff_id=before["staff"],
                    before=old,
                    after=new,
                    at=now,
                )
            else:
                old_file = None
    except BaseException:
        evidence_remove(stored)
        raise
    if old_file and old_file != stored:
        evidence_remove(old_file)
    return await _cpd_object(record_id)


async def cpd_record_delete(*, record_id: int, actor: Any) -> None:
    """Delete a CPD record and its evidence file."""
    who = actor_name(actor)
    await _cpd_row(record_id)
    async with write_transaction():
        before = await _cpd_row(record_id)
        await CpdRecord.delete().where(CpdRecord.id == record_id)
        await audit_record(
            actor=who,
            action="delete",
            entity="cpd_record",
            entity_id=record_id,
            staff_id=before["staff"],
            before=cpd_snapshot(before),
        )
    evidence_remove(before["evidence_file"])


async def cpd_record_verify(*, record_id: int, actor: Any) -> CpdRecord:
    """Mark a self-reported CPD record as verified by ``actor`` (already verified: unchanged, no audit entry)."""
    who = actor_name(actor)
    await _cpd_row(record_id)
    now = _now()
    async with write_transaction():
        before = await _cpd_row(record_id)
        if before["status"] != "verified":
            await CpdRecord.update(
                {
                    CpdRecord.status: "verified",
                    CpdRecord.verified_by: who,
                    CpdRecord.verified_at: now,
                    CpdRecord.updated_at: now,
                }
            ).where(CpdRecord.id == record_id)
            await audit_record(
                actor=who,
                action="verify",
                entity="cpd_record",
                entity_id=record_id,
                staff_id=before["staff"],
                before={"status": before["status"], "verified_by": None, "verified_at": None},
                after={"status": "verified", "verified_by": who, "verified_at": now},
                at=now,
            )
    return await _cpd_object(record_id)


# ---------------------------------------------------------------- qualifications

_QUALIFICATION_AUDITED = ("kind", "status", "provider", "start_date", "award_date")


async def qualification_record(
    *,
    staff_id: int,
    kind: str,
    status: str,
    actor: Any,
    provider: str = "",
    start_date: dt.date | None = None,
    award_date: dt.date | None = None,
    qualification_id: int | None = None,
) -> Qualification:
    """Record a qualification (new, or ``qualification_id`` of this member of staff updated).

    A passed qualification needs its award date; an award date cannot be before the start date.
    """
    who = actor_name(actor)
    values = {
        "kind": _choice(kind, QUALIFICATION_KINDS, QUALIFICATION_ALIASES, field="kind", what="qualification"),
        "status": _choice(status, QUALIFICATION_STATUSES, None, field="status", what="status"),
        "provider": _text(provider, field="provider", label="provider", max_length=PROVIDER_MAX),
        "start_date": _date(start_date, field="start_date", label="the start date", required=False),
        "award_date": _date(award_date, field="award_date", label="the award date", required=False, not_future=True),
    }
    if values["status"] == "passed" and values["award_date"] is None:
        raise TrainingError("Enter the award date of a passed qualification", "award_date")
    if values["start_date"] and values["award_date"] and values["award_date"] < values["start_date"]:
        raise TrainingError("The award date must be the same as or after the start date", "award_date")
    await _staff_exists(staff_id)
    now = _now()
    async with write_transaction():
        if qualification_id is None:
            record = Qualification(staff=staff_id, **values, updated_at=now)
            await record.save()
            await audit_record(
                actor=who, action="create", entity="qualification", entity_id=record.id, staff_id=staff_id,
                after=values, at=now,
            )
            return record
        before = await Qualification.select().where(
            (Qualification.id == qualification_id) & (Qualification.staff == staff_id)
        ).first()
        if before is None:
            raise TrainingError("There is no such qualification for this member of staff", "qualification_id")
        old, new = changed_fields({k: before[k] for k in _QUALIFICATION_AUDITED}, values)
        if new:
            await Qualification.update({**new, Qualification.updated_at: now}).where(
                Qualification.id == qualification_id
            )
            await audit_record(
                actor=who, action="update", entity="qualification", entity_id=qualification_id,
                staff_id=staff_id, before=old, after=new, at=now,
            )
    record = await Qualification.objects().where(Qualification.id == qualification_id).first()
    assert record is not None
    return record


# ---------------------------------------------------------------- placements

_PLACEMENT_AUDITED = ("route", "host_urn", "start_date", "end_date", "days")


async def placement_record(
    *,
    staff_id: int,
    route: str,
    host_urn: int,
    start_date: dt.date,
    end_date: dt.date | None = None,
    days: int = 0,
    actor: Any,
    placement_id: int | None = None,
) -> Placement:
    """Record an ITT or ECF placement at a host school (new, or ``placement_id`` of this person updated)."""
    who = actor_name(actor)
    matched_route = match_choice(str(route or ""), PLACEMENT_ROUTES)
    if matched_route is None:
        raise TrainingError(f"Select the route: {' or '.join(PLACEMENT_ROUTES)}", "route")
    try:
        urn = int(host_urn)
    except (TypeError, ValueError):
        raise TrainingError("Enter the host school's URN, 6 digits", "host_urn") from None
    if not 100000 <= urn <= 999999:
        raise TrainingError("Enter the host school's URN, 6 digits", "host_urn")
    start = _date(start_date, field="start_date", label="the start date")
    end = _date(end_date, field="end_date", label="the end date", required=False)
    if end is not None and start is not None and end < start:
        raise TrainingError("The end date must be the same as or after the start date", "end_date")
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= PLACEMENT_DAYS_MAX:
        raise TrainingError(f"Days must be a whole number between 0 and {PLACEMENT_DAYS_MAX}", "days")
    if not await School.exists().where(School.urn == urn):
        raise TrainingError(f"There is no school with URN {urn}", "host_urn")
    await _staff_exists(staff_id)
    values = {"route": matched_route, "host_urn": urn, "start_date": start, "end_date": end, "days": days}
    now = _now()
    async with write_transaction():
        if placement_id is None:
            record = Placement(staff=staff_id, **values, updated_at=now)
            await record.save()
            await audit_record(
                actor=who, action="create", entity="placement", entity_id=record.id, staff_id=staff_id,
                after=values, at=now,
            )
            return record
        before = await Placement.select().where(
            (Placement.id == placement_id) & (Placement.staff == staff_id)
        ).first()
        if before is None:
            raise TrainingError("There is no such placement for this member of staff", "placement_id")
        old, new = changed_fields({k: before[k] for k in _PLACEMENT_AUDITED}, values)
        if new:
            await Placement.update({**new, Placement.updated_at: now}).where(Placement.id == placement_id)
            await audit_record(
                actor=who, action="update", entity="placement", entity_id=placement_id,
                staff_id=staff_id, before=old, after=new, at=now,
            )
    record = await Placement.objects().where(Placement.id == placement_id).first()
    assert record is not None
    return record

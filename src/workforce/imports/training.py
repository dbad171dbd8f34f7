"""`workforce import qualifications|cpd|placements`: training records of staff already imported.

Keys: a qualification is staff + kind + start date (or staff + kind when it has no start date);
a CPD record is its record id when given, else staff + date + title; a placement is
staff + route + host school + start date. See docs/formats.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from workforce.imports.base import Importer
from workforce.imports.parsing import (
    RowCells,
    choice,
    integer,
    number,
    parse_bool,
    parse_date,
    text,
    urn,
)
from workforce.imports.records import (
    UNKNOWN_SCHOOL,
    UNKNOWN_STAFF,
    Wanted,
    apply_records,
    school_ids,
    staff_ids,
)
from workforce.imports.vocabulary import (
    CPD_STATUSES,
    PLACEMENT_ROUTES,
    QUALIFICATION_ALIASES,
    QUALIFICATION_KINDS,
    QUALIFICATION_STATUSES,
    SEND_AREA_ALIASES,
    SEND_AREAS,
)
from workforce.training.tables import CpdRecord, Placement, Qualification


@dataclass(slots=True)
class TrainingRow:
    row: int
    staff_ref: str
    key: tuple  # the natural key within the file, with the staff id
    fields: dict  # key fields and managed fields, as stored
    once: tuple[str, str] = ("", "")  # (column, what) of the error when the key comes again in the file


class _StaffRecordsImporter(Importer):
    """Rows that each add or update one record belonging to a staff member."""

    async def start(self) -> None:
        await self.start_seen()

    async def finish(self) -> None:
        await self.seen.finish()

    async def once_per_file(self, rows: list[TrainingRow]) -> list[TrainingRow]:
        """Rows whose natural key no earlier row of the file had (the others are errors)."""
        return await self.first_in_file(
            rows,
            lambda r: repr(r.key),
            lambda r, earlier: (r.once[0], f"duplicate {r.once[1]} as row {earlier}"),
        )

    async def known_staff(self, rows: list[TrainingRow]) -> dict[str, int]:
        ids = await staff_ids(self, {r.staff_ref for r in rows})
        for r in rows:
            if r.staff_ref not in ids:
                self.report.add_error(r.row, "staff_id", UNKNOWN_STAFF.format(ref=r.staff_ref))
        return ids


class QualificationsImporter(_StaffRecordsImporter):
    kind = "qualifications"
    required_columns = ("staff_id", "qualification", "status")
    optional_columns = ("provider", "start_date", "award_date")

    def parse(self, cells: RowCells) -> TrainingRow | None:
        staff_ref = cells.get("staff_id", text(64), required=True)
        kind = cells.get(
            "qualification",
            choice(QUALIFICATION_KINDS, QUALIFICATION_ALIASES, what="qualification"),
            required=True,
        )
        status = cells.get("status", choice(QUALIFICATION_STATUSES, what="status"), required=True)
        start = cells.get("start_date", parse_date) if cells.has("start_date") else None
        fields: dict = {"status": status}
        if cells.has("provider"):
            fields["provider"] = cells.get("provider", text(255), default="")
        if cells.has("award_date"):
            award = fields["award_date"] = cells.get("award_date", parse_date)
            if award and start and award < start:
                cells.error(
                    "award_date",
                    f"award date {award.isoformat()} is before the start date {start.isoformat()}",
                )
        if status == "passed" and not cells.raw("award_date") and cells.ok:
            cells.error(
                "award_date", "a passed qualification needs its award date (deadlines are counted from it)"
            )
        if not cells.ok:
            return None
        key = (staff_ref, kind, start)
        once = ("qualification", "qualification: same staff id, qualification and start date")
        return TrainingRow(cells.row, staff_ref, key, {"kind": kind, "start_date": start, **fields}, once)

    async def process(self, rows: list[TrainingRow]) -> None:
        rows = await self.once_per_file(rows)
        ids = await self.known_staff(rows)
        if not self.counting:
            return
        existing: dict = {}
        for record in sorted(
            await self.sql.select_in(Qualification, "*", "staff", set(ids.values())), key=lambda q: q["id"]
        ):
            existing.setdefault((record["staff"], record["kind"], record["start_date"]), record)
        wanted = []
        for r in rows:
            staff_id = ids[r.staff_ref]
            managed = {k: v for k, v in r.fields.items() if k not in ("kind", "start_date")}
            insert = {
                "staff": staff_id,
                "provider": "",
                "award_date": None,
                **r.fields,
                "updated_at": self.now,
            }
            wanted.append(Wanted((staff_id, r.fields["kind"], r.fields["start_date"]), managed, insert))
        await apply_records(
            self, table=Qualification, label="qualifications", wanted=wanted, existing=existing
        )
        if self.writing:
            await self.flush_audit()


CPD_DEFAULTS = {
    "record_ref": None,
    "provider": "",
    "hours": 0.0,
    "is_send": True,
    "send_area": "general",
    "mandatory_module": False,
    "evidence_ref": "",
    "reflection": "",
    "status": "self-reported",
    "verified_by": None,
    "verified_at": None,
}


class CpdImporter(_StaffRecordsImporter):
    kind = "cpd"
    required_columns = ("staff_id", "title", "date")
    optional_columns = (
        "record_id",
        "provider",
        "hours",
        "send",
        "send_area",
        "mandatory_module",
        "evidence_ref",
        "reflection",
        "status",
    )
    _optional_fields: ClassVar[dict[str, tuple[str, Callable[[str], Any], Any]]] = {
        # column: (field, parser, default when empty)
        "provider": ("provider", text(255), ""),
        "hours": ("hours", number(minimum=0, maximum=1000), 0.0),
        "send": ("is_send", parse_bool, True),
        "send_area": ("send_area", choice(SEND_AREAS, SEND_AREA_ALIASES, what="SEND area"), "general"),
        "mandatory_module": ("mandatory_module", parse_bool, False),
        "evidence_ref": ("evidence_ref", text(255), ""),
        "reflection": ("reflection", text(20_000), ""),
        "status": ("status", choice(CPD_STATUSES, what="status"), "self-reported"),
    }

    def parse(self, cells: RowCells) -> TrainingRow | None:
        staff_ref = cells.get("staff_id", text(64), required=True)
        record_ref = cells.get("record_id", text(64)) if cells.has("record_id") else None
        fields: dict = {
            "title": cells.get("title", text(255), required=True),
            "activity_date": cells.get("date", parse_date, required=True),
        }
        for column, (field, parse, default) in self._optional_fields.items():
            if cells.has(column):
                fields[field] = cells.get(column, parse, default=default)
        if not cells.ok:
            return None
        if record_ref:
            fields["record_ref"] = record_ref
            key: tuple = ("ref", record_ref)
            once = ("record_id", "record id: the same record_id is on")
        else:
            key = ("row", staff_ref, fields["activity_date"], fields["title"])
            once = ("title", "CPD record: same staff id, date and title")
        return TrainingRow(cells.row, staff_ref, key, fields, once)

    async def process(self, rows: list[TrainingRow]) -> None:
        rows = await self.once_per_file(rows)
        ids = await self.known_staff(rows)
        by_ref: dict = {}
        refs = {r.key[1] for r in rows if r.key[0] == "ref"}
        if refs:
            condition, param = self.sql.in_list("c.record_ref", refs)
            for record in await self.sql.fetch(
                "SELECT c.*, s.staff_ref AS owner FROM cpd_record c "
                f"JOIN staff_member s ON s.id = c.staff WHERE {condition}",
                param,
            ):
                by_ref.setdefault(record["record_ref"], record)
        for r in rows:
            record = by_ref.get(r.key[1]) if r.key[0] == "ref" else None
            if record is not None and record["owner"] != r.staff_ref:
                self.report.add_error(
                    r.row,
                    "record_id",
                    f"record id {r.key[1]!r} already belongs to staff id {record['owner']!r}",
                )
        if not self.counting:
            return
        by_natural: dict = {}
        for record in sorted(
            await self.sql.select_in(CpdRecord, "*", "staff", set(ids.values())), key=lambda c: c["id"]
        ):
            by_natural.setdefault(("row", record["staff"], record["activity_date"], record["title"]), record)
        existing: dict = {}
        wanted = []
        for r in rows:
            staff_id = ids[r.staff_ref]
            if r.key[0] == "ref":
                key: tuple = r.key
                record = by_ref.get(r.key[1])
            else:
                key = ("row", staff_id, r.fields["activity_date"], r.fields["title"])
                record = by_natural.get(key)
            if record is not None:
                existing[key] = record
            managed = dict(r.fields)
            if "status" in managed:
                was_verified = record is not None and record["status"] == "verified"
                if managed["status"] == "verified" and not was_verified:
                    managed.update(verified_by=self.actor, verified_at=self.now)
                elif managed["status"] != "verified":
                    managed.update(verified_by=None, verified_at=None)
            insert = {
                "staff": staff_id,
                **CPD_DEFAULTS,
                **managed,
                "created_at": self.now,
                "updated_at": self.now,
            }
            wanted.append(Wanted(key, managed, insert))
        await apply_records(self, table=CpdRecord, label="CPD records", wanted=wanted, existing=existing)
        if self.writing:
            await self.flush_audit()


class PlacementsImporter(_StaffRecordsImporter):
    kind = "placements"
    required_columns = ("staff_id", "route", "host_urn", "start_date")
    optional_columns = ("end_date", "days")

    def parse(self, cells: RowCells) -> TrainingRow | None:
        staff_ref = cells.get("staff_id", text(64), required=True)
        route = cells.get("route", choice(PLACEMENT_ROUTES, what="route"), required=True)
        host = cells.get("host_urn", urn, required=True)
        start: dt.date | None = cells.get("start_date", parse_date, required=True)
        fields: dict = {"route": route, "host_urn": host, "start_date": start}
        if cells.has("end_date"):
            end = fields["end_date"] = cells.get("end_date", parse_date)
            if end and start and end < start:
                cells.error(
                    "end_date", f"end date {end.isoformat()} is before the start date {start.isoformat()}"
                )
        if cells.has("days"):
            fields["days"] = cells.get(
                "days", integer(minimum=0, maximum=400, what="a whole number of days"), default=0
            )
        if not cells.ok:
            return None
        key = (staff_ref, route, host, start)
        once = ("start_date", "placement: same staff id, route, host school and start date")
        return TrainingRow(cells.row, staff_ref, key, fields, once)

    async def process(self, rows: list[TrainingRow]) -> None:
        rows = await self.once_per_file(rows)
        ids = await self.known_staff(rows)
        hosts = await school_ids(self, {r.fields["host_urn"] for r in rows})
        for r in rows:
            if r.fields["host_urn"] not in hosts:
                self.report.add_error(r.row, "host_urn", UNKNOWN_SCHOOL.format(urn=r.fields["host_urn"]))
        if not self.counting:
            return
        existing: dict = {}
        for record in sorted(
            await self.sql.select_in(Placement, "*", "staff", set(ids.values())), key=lambda p: p["id"]
        ):
            existing.setdefault(
                (record["staff"], record["route"], record["host_urn"], record["start_date"]), record
            )
        wanted = []
        for r in rows:
            staff_id = ids[r.staff_ref]
            managed = {k: v for k, v in r.fields.items() if k not in ("route", "host_urn", "start_date")}
            insert = {"staff": staff_id, "end_date": None, "days": 0, **r.fields, "updated_at": self.now}
            key = (staff_id, r.fields["route"], r.fields["host_urn"], r.fields["start_date"])
            wanted.append(Wanted(key, managed, insert))
        await apply_records(self, table=Placement, label="placements", wanted=wanted, existing=existing)
        if self.writing:
            await self.flush_audit()

"""`workforce import staff`: one row per employment; the person's details repeat on each of their rows.

Keys: a person is their staff id; an employment is staff + school (or trust) + role + start date;
a SENCO exemption is one per person. See docs/formats.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from workforce.imports.base import Importer
from workforce.imports.parsing import (
    RowCells,
    choice,
    email,
    number,
    parse_bool,
    parse_date,
    text,
    trust_uid,
    urn,
)
from workforce.imports.records import (
    UNKNOWN_SCHOOL,
    UNKNOWN_TRUST,
    Wanted,
    apply_records,
    school_ids,
    trust_ids,
)
from workforce.imports.vocabulary import ROLES, SENSORY_CLASS_ALIASES, SENSORY_CLASSES
from workforce.people.tables import Employment, SencoExemption, StaffMember
from workforce.people.validation import InvalidTRN, normalise_trn

EXEMPTION_CUTOFF = dt.date(2009, 9, 1)

PERSON_DEFAULTS = {"trn": None, "title": "", "email": None, "qts": False}
EMPLOYMENT_DEFAULTS = {
    "fte": 1.0,
    "end_date": None,
    "senior_leader": False,
    "senco_fte": None,
    "sensory_class": None,
    "sensory_class_since": None,
}


@dataclass(slots=True)
class StaffRow:
    row: int
    staff_ref: str
    person: dict
    first: bool  # the first row for this staff id in the file: it creates/updates the person
    exemption: dict | None
    urn: int | None
    trust_uid: str | None
    role: str
    start_date: dt.date
    employment: dict


class StaffImporter(Importer):
    kind = "staff"
    required_columns = ("staff_id", "first_name", "last_name", "role", "start_date")
    optional_columns = (
        "trn",
        "title",
        "email",
        "qts",
        "school_urn",
        "trust_uid",
        "fte",
        "end_date",
        "senior_leader",
        "senco_fte",
        "sensory_class",
        "sensory_class_since",
        "senco_exempt",
        "senco_served_from",
        "senco_served_to",
        "senco_exemption_note",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.people: dict[str, tuple[int, int]] = {}  # staff id -> (first row, hash of the person's details)
        self.trns: dict[str, tuple[str, int]] = {}  # TRN -> (staff id, row)
        self.employments: dict[tuple, int] = {}  # employment key -> row
        # TRNs this file takes away from someone (staff id before): still theirs for the TRN rule, so the
        # outcome does not depend on whether that person's row was already written in an earlier chunk.
        self.released_trns: dict[str, str] = {}

    def check_columns(self, index: dict[str, int]) -> None:
        if "school_urn" not in index and "trust_uid" not in index:
            self.report.add_error(
                1, "school_urn", "the header needs a school_urn column, a trust_uid column or both"
            )
        if "senco_exempt" not in index:
            for column in ("senco_served_from", "senco_served_to", "senco_exemption_note"):
                if column in index:
                    self.report.add_error(1, column, "needs the senco_exempt column too")

    # -- one row
    def parse(self, cells: RowCells) -> StaffRow | None:
        staff_ref = cells.get("staff_id", text(64), required=True)
        person: dict = {
            "first_name": cells.get("first_name", text(100), required=True),
            "last_name": cells.get("last_name", text(100), required=True),
        }
        if cells.has("title"):
            person["title"] = cells.get("title", text(20), default="")
        if cells.has("trn"):
            try:
                person["trn"] = normalise_trn(cells.raw("trn"))
            except InvalidTRN as exc:
                cells.error("trn", str(exc))
        if cells.has("email"):
            person["email"] = cells.get("email", email)
        if cells.has("qts"):
            person["qts"] = cells.get("qts", parse_bool, default=False)

        school = cells.get("school_urn", urn) if cells.has("school_urn") else None
        trust = cells.get("trust_uid", trust_uid) if cells.has("trust_uid") else None
        if cells.raw("school_urn") and cells.raw("trust_uid"):
            cells.error(
                "trust_uid",
                "give school_urn for a post at a school or trust_uid for a trust-level post, not both",
            )
        elif not cells.raw("school_urn") and not cells.raw("trust_uid"):
            column = "school_urn" if cells.has("school_urn") else "trust_uid"
            cells.error(column, "give school_urn for a post at a school, or trust_uid for a trust-level post")

        role = cells.get("role", choice(ROLES, what="role"), required=True)
        start = cells.get("start_date", parse_date, required=True)
        employment: dict = {}
        if cells.has("fte"):
            employment["fte"] = cells.get("fte", number(minimum=0, maximum=1), default=1.0)
        if cells.has("end_date"):
            end = employment["end_date"] = cells.get("end_date", parse_date)
            if end and start and end < start:
                cells.error(
                    "end_date", f"end date {end.isoformat()} is before the start date {start.isoformat()}"
                )
        if cells.has("senior_leader"):
            employment["senior_leader"] = cells.get("senior_leader", parse_bool, default=False)
        if cells.has("senco_fte"):
            senco_fte = employment["senco_fte"] = cells.get("senco_fte", number(minimum=0, maximum=1))
            fte = employment.get("fte", 1.0)
            if senco_fte is not None and fte is not None and senco_fte > fte:
                cells.error("senco_fte", f"SENCO time {senco_fte:g} FTE is more than the post's FTE {fte:g}")
        if cells.has("sensory_class"):
            sensory = employment["sensory_class"] = cells.get(
                "sensory_class", choice(SENSORY_CLASSES, SENSORY_CLASS_ALIASES, what="sensory class")
            )
            since = cells.get("sensory_class_since", parse_date) if cells.has("sensory_class_since") else None
            if since and not cells.raw("sensory_class"):
                cells.error("sensory_class_since", "a date is given but sensory_class is empty")
            # Without its own date, the sensory class is taken to have started with the post.
            employment["sensory_class_since"] = (since or start) if sensory else None
        elif cells.has("sensory_class_since") and cells.raw("sensory_class_since"):
            cells.error("sensory_class_since", "needs the sensory_class column too")

        exemption = self._exemption(cells)
        if not cells.ok:
            return None

        # -- consistency within the file
        first = staff_ref not in self.people
        signature = hash((tuple(sorted(person.items())), tuple(sorted((exemption or {}).items()))))
        if first:
            self.people[staff_ref] = (cells.row, signature)
        elif self.people[staff_ref][1] != signature:
            cells.error(
                "staff_id",
                f"staff id {staff_ref!r} is on row {self.people[staff_ref][0]} "
                "with different personal details; "
                "every row of one person must repeat the same name, TRN, email, QTS and exemption",
            )
        trn = person.get("trn")
        if trn:
            owner = self.trns.setdefault(trn, (staff_ref, cells.row))
            if owner[0] != staff_ref:
                cells.error("trn", f"TRN {trn} is also given for staff id {owner[0]!r} on row {owner[1]}")
        key = (staff_ref, school, trust, role, start)
        earlier = self.employments.setdefault(key, cells.row)
        if earlier != cells.row:
            cells.error(
                "staff_id",
                "duplicate employment: same staff id, "
                f"{'school' if school else 'trust'}, role and start date "
                f"as row {earlier}",
            )
        if not cells.ok:
            return None
        return StaffRow(
            cells.row, staff_ref, person, first, exemption, school, trust, role, start, employment
        )

    def _exemption(self, cells: RowCells) -> dict | None:
        if not cells.has("senco_exempt"):
            return None
        exempt = cells.get("senco_exempt", parse_bool, default=False)
        served_from = cells.get("senco_served_from", parse_date) if cells.has("senco_served_from") else None
        served_to = cells.get("senco_served_to", parse_date) if cells.has("senco_served_to") else None
        note = (
            cells.get("senco_exemption_note", text(2000), default="")
            if cells.has("senco_exemption_note")
            else ""
        )
        if not exempt:
            for column in ("senco_served_from", "senco_served_to", "senco_exemption_note"):
                if cells.raw(column):
                    cells.error(column, "only used when senco_exempt is yes")
            return None
        if served_from and served_from >= EXEMPTION_CUTOFF:
            cells.error(
                "senco_served_from",
                f"the exemption is for SENCOs serving before 1 September 2009, got {served_from.isoformat()}",
            )
        if served_from and served_to and served_to < served_from:
            cells.error("senco_served_to", "is before senco_served_from")
        return {"served_from": served_from, "served_to": served_to, "note": note}

    # -- one chunk
    async def process(self, rows: list[StaffRow]) -> None:
        report = self.report
        schools = await school_ids(self, {r.urn for r in rows if r.urn})
        trusts = await trust_ids(self, {r.trust_uid for r in rows if r.trust_uid})
        people = {
            p["staff_ref"]: p
            for p in await self.sql.select_in(
                StaffMember,
                "id, staff_ref, trn, title, first_name, last_name, email, qts",
                "staff_ref",
                {r.staff_ref for r in rows},
            )
        }
        trn_owner = {
            p["trn"]: p["staff_ref"]
            for p in await self.sql.select_in(
                StaffMember, "staff_ref, trn", "trn", {r.person["trn"] for r in rows if r.person.get("trn")}
            )
        }
        for r in rows:
            if r.urn and r.urn not in schools:
                report.add_error(r.row, "school_urn", UNKNOWN_SCHOOL.format(urn=r.urn))
            if r.trust_uid and r.trust_uid not in trusts:
                report.add_error(r.row, "trust_uid", UNKNOWN_TRUST.format(uid=r.trust_uid))
            trn = r.person.get("trn")
            owner = trn_owner.get(trn) or self.released_trns.get(trn) if trn else None
            if owner and owner != r.staff_ref:
                report.add_error(
                    r.row,
                    "trn",
                    f"TRN {trn} already belongs to staff id {owner!r}; a TRN identifies one person",
                )
        for r in rows:
            stored_trn = people[r.staff_ref]["trn"] if r.first and r.staff_ref in people else None
            if stored_trn and "trn" in r.person and r.person["trn"] != stored_trn:
                self.released_trns[stored_trn] = r.staff_ref
        if not self.counting:
            return

        ids = {ref: p["id"] for ref, p in people.items()}
        await self._people(rows, people, ids)
        await self._exemptions(rows, people, ids)
        await self._employments(rows, ids, schools, trusts)
        if self.writing:
            await self.flush_audit()

    async def _people(self, rows: list[StaffRow], people: dict, ids: dict[str, int]) -> None:
        wanted = []
        for r in rows:
            if not r.first:
                continue
            insert = {
                "staff_ref": r.staff_ref,
                **PERSON_DEFAULTS,
                **r.person,
                "created_at": self.now,
                "updated_at": self.now,
            }
            wanted.append(Wanted(r.staff_ref, r.person, insert))
        created = await apply_records(
            self,
            table=StaffMember,
            label="staff members",
            wanted=wanted,
            existing=people,
            staff_of=lambda record: record["id"],
        )
        ids.update({p["staff_ref"]: p["id"] for p in created})

    async def _exemptions(self, rows: list[StaffRow], people: dict, ids: dict[str, int]) -> None:
        rows = [r for r in rows if r.first and r.exemption is not None]
        if not rows:
            return
        existing: dict = {}
        stored_rows = await self.sql.select_in(
            SencoExemption,
            "id, staff, served_from, served_to, note",
            "staff",
            {people[r.staff_ref]["id"] for r in rows if r.staff_ref in people},
        )
        for record in sorted(stored_rows, key=lambda e: e["id"]):
            existing.setdefault(record["staff"], record)
        wanted = []
        for r in rows:
            staff_id = ids.get(r.staff_ref)
            insert = {"staff": staff_id, **r.exemption, "recorded_at": self.now} if staff_id else None
            # Key on the stored staff id; a person new to the database has no exemption yet.
            key = people[r.staff_ref]["id"] if r.staff_ref in people else ("new", r.staff_ref)
            wanted.append(Wanted(key, r.exemption, insert))
        await apply_records(
            self, table=SencoExemption, label="SENCO exemptions", wanted=wanted, existing=existing, touch=None
        )

    async def _employments(
        self, rows: list[StaffRow], ids: dict[str, int], schools: dict, trusts: dict
    ) -> None:
        existing: dict = {}
        known = {ids[r.staff_ref] for r in rows if r.staff_ref in ids}
        for record in sorted(
            await self.sql.select_in(Employment, "*", "staff", known), key=lambda e: e["id"]
        ):
            key = (record["staff"], record["school"], record["trust"], record["role"], record["start_date"])
            existing.setdefault(key, record)
        wanted = []
        for r in rows:
            staff_id = ids.get(r.staff_ref)
            school_id = schools.get(r.urn) if r.urn else None
            trust_id = trusts.get(r.trust_uid) if r.trust_uid else None
            key = (staff_id or ("new", r.staff_ref), school_id, trust_id, r.role, r.start_date)
            insert = None
            if staff_id:
                insert = {
                    "staff": staff_id,
                    "school": school_id,
                    "trust": trust_id,
                    "role": r.role,
                    "start_date": r.start_date,
                    **EMPLOYMENT_DEFAULTS,
                    **r.employment,
                    "updated_at": self.now,
                }
            wanted.append(Wanted(key, r.employment, insert))
        await apply_records(self, table=Employment, label="employments", wanted=wanted, existing=existing)

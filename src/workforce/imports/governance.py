"""`workforce import governance`: governors of schools and trustees of trusts, with SEND responsibility.

Key: name + school (or trust) + role. See docs/formats.md.
"""

from __future__ import annotations

from dataclasses import dataclass

from workforce.imports.base import Importer
from workforce.imports.parsing import RowCells, choice, parse_bool, parse_date, text, trust_uid, urn
from workforce.imports.records import (
    UNKNOWN_SCHOOL,
    UNKNOWN_TRUST,
    Wanted,
    apply_records,
    school_ids,
    trust_ids,
)
from workforce.imports.vocabulary import GOVERNANCE_ROLES
from workforce.people.tables import GovernanceRole


@dataclass(slots=True)
class GovernanceRow:
    row: int
    name: str
    urn: int | None
    trust_uid: str | None
    role: str
    fields: dict


class GovernanceImporter(Importer):
    kind = "governance"
    required_columns = ("name", "role")
    optional_columns = (
        "school_urn",
        "trust_uid",
        "send_responsibility",
        "send_expertise",
        "start_date",
        "end_date",
    )

    async def start(self) -> None:
        await self.start_seen()

    async def finish(self) -> None:
        await self.seen.finish()

    def check_columns(self, index: dict[str, int]) -> None:
        if "school_urn" not in index and "trust_uid" not in index:
            self.report.add_error(
                1, "school_urn", "the header needs a school_urn column, a trust_uid column or both"
            )

    def parse(self, cells: RowCells) -> GovernanceRow | None:
        name = cells.get("name", text(200), required=True)
        role = cells.get("role", choice(GOVERNANCE_ROLES, what="role"), required=True)
        school = cells.get("school_urn", urn) if cells.has("school_urn") else None
        trust = cells.get("trust_uid", trust_uid) if cells.has("trust_uid") else None
        if cells.raw("school_urn") and cells.raw("trust_uid"):
            cells.error(
                "trust_uid",
                "give school_urn for a school's governing board or trust_uid for a trust board, not both",
            )
        elif not cells.raw("school_urn") and not cells.raw("trust_uid"):
            column = "school_urn" if cells.has("school_urn") else "trust_uid"
            cells.error(
                column, "give school_urn for a school's governing board or trust_uid for a trust board"
            )
        elif role == "governor" and cells.raw("trust_uid"):
            cells.error("role", "a governor sits on a school's board: give school_urn, or use role trustee")
        elif role == "trustee" and cells.raw("school_urn"):
            cells.error("role", "a trustee sits on a trust's board: give trust_uid, or use role governor")
        fields: dict = {}
        if cells.has("send_responsibility"):
            fields["send_responsibility"] = cells.get("send_responsibility", parse_bool, default=False)
        if cells.has("send_expertise"):
            fields["send_expertise"] = cells.get("send_expertise", text(2000), default="")
        start = end = None
        if cells.has("start_date"):
            start = fields["start_date"] = cells.get("start_date", parse_date)
        if cells.has("end_date"):
            end = fields["end_date"] = cells.get("end_date", parse_date)
        if start and end and end < start:
            cells.error(
                "end_date", f"end date {end.isoformat()} is before the start date {start.isoformat()}"
            )
        if not cells.ok:
            return None
        return GovernanceRow(cells.row, name, school, trust, role, fields)

    async def process(self, rows: list[GovernanceRow]) -> None:
        # Each board member once in the file; the keys met so far are kept in the database.
        rows = await self.first_in_file(
            rows,
            lambda r: repr((r.name, r.urn, r.trust_uid, r.role)),
            lambda r, earlier: (
                "name",
                f"duplicate board member: same name, {'school' if r.urn else 'trust'} and role as row {earlier}",
            ),
        )
        schools = await school_ids(self, {r.urn for r in rows if r.urn})
        trusts = await trust_ids(self, {r.trust_uid for r in rows if r.trust_uid})
        for r in rows:
            if r.urn and r.urn not in schools:
                self.report.add_error(r.row, "school_urn", UNKNOWN_SCHOOL.format(urn=r.urn))
            if r.trust_uid and r.trust_uid not in trusts:
                self.report.add_error(r.row, "trust_uid", UNKNOWN_TRUST.format(uid=r.trust_uid))
        if not self.counting:
            return
        stored = await self.sql.select_in(GovernanceRole, "*", "school", set(schools.values()))
        stored += await self.sql.select_in(GovernanceRole, "*", "trust", set(trusts.values()))
        existing: dict = {}
        for record in sorted(stored, key=lambda g: g["id"]):
            existing.setdefault(
                (record["full_name"], record["school"], record["trust"], record["role"]), record
            )
        wanted = []
        for r in rows:
            school_id = schools.get(r.urn) if r.urn else None
            trust_id = trusts.get(r.trust_uid) if r.trust_uid else None
            insert = {
                "full_name": r.name,
                "school": school_id,
                "trust": trust_id,
                "role": r.role,
                "send_responsibility": False,
                "send_expertise": "",
                "start_date": None,
                "end_date": None,
                **r.fields,
            }
            wanted.append(Wanted((r.name, school_id, trust_id, r.role), r.fields, insert))
        await apply_records(
            self,
            table=GovernanceRole,
            label="board members",
            wanted=wanted,
            existing=existing,
            staff_of=lambda record: None,
            touch=None,
        )
        if self.writing:
            await self.flush_audit()

"""`import staff`: people and their employments, every kind of bad row, TRN rules, atomicity, idempotency."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from import_helpers import csv_bytes, fixture, must_import, run

from workforce.imports.staff import StaffImporter
from workforce.people.tables import AuditEntry, Employment, SencoExemption, StaffMember

HEADER = [
    "staff_id",
    "trn",
    "first_name",
    "last_name",
    "qts",
    "school_urn",
    "trust_uid",
    "role",
    "fte",
    "start_date",
]


def row(
    staff_id="S100",
    trn="",
    first="Nia",
    last="Evans",
    qts="yes",
    urn="140001",
    uid="",
    role="teacher",
    fte="1",
    start="2024-09-01",
):
    return [staff_id, trn, first, last, qts, urn, uid, role, fte, start]


def as_dict(value):
    """A JSON column's value (asyncpg returns json as text, SQLite through Piccolo as text too)."""
    return value if isinstance(value, dict) or value is None else json.loads(value)


async def counts() -> dict[str, int]:
    return {t.__name__: await t.count() for t in (StaffMember, Employment, SencoExemption, AuditEntry)}


NOTHING = {"StaffMember": 0, "Employment": 0, "SencoExemption": 0, "AuditEntry": 0}


async def test_good_file_creates_people_employments_and_exemptions(staff):
    report = staff
    assert report.rows_read == 8
    assert report.entities["staff members"].created == 7
    assert report.entities["employments"].created == 8
    assert report.entities["SENCO exemptions"].created == 1

    people = {p["staff_ref"]: p for p in await StaffMember.select()}
    assert people["S001"]["trn"] == "1234567" and people["S001"]["qts"] is True
    assert (
        people["S003"]["trn"] is None and people["S003"]["email"] is None and people["S003"]["qts"] is False
    )
    assert people["S006"]["trn"] == "0123456"  # leading zero kept: TRNs are text
    assert people["S007"]["title"] == ""

    jobs = await Employment.select(
        Employment.staff.staff_ref,
        Employment.school.urn,
        Employment.trust.uid,
        Employment.role,
        Employment.fte,
        Employment.start_date,
        Employment.end_date,
        Employment.senior_leader,
        Employment.senco_fte,
        Employment.sensory_class,
        Employment.sensory_class_since,
    )
    by_key = {(j["staff.staff_ref"], j["role"]): j for j in jobs}
    senco = by_key[("S001", "senco")]
    assert senco["school.urn"] == 140001 and senco["senior_leader"] is True
    assert senco["senco_fte"] == pytest.approx(0.6)
    assert by_key[("S002", "headteacher")]["start_date"] == dt.date(2020, 9, 1)  # from 01/09/2020
    assert by_key[("S003", "ta")]["fte"] == pytest.approx(0.8)
    assert by_key[("S004", "teacher")]["sensory_class"] == "hearing"
    # no sensory_class_since: the class is taken to start with the post
    assert by_key[("S005", "teacher")]["sensory_class"] == "visual"
    assert by_key[("S005", "teacher")]["sensory_class_since"] == dt.date(2024, 9, 1)
    trust_post = by_key[("S006", "trust-leader")]
    assert trust_post["trust.uid"] == "5001" and trust_post["school.urn"] is None
    assert by_key[("S007", "teacher")]["end_date"] == dt.date(2025, 7, 31)

    exemption = await SencoExemption.select(
        SencoExemption.staff.staff_ref,
        SencoExemption.served_from,
        SencoExemption.served_to,
        SencoExemption.note,
    )
    assert exemption == [
        {
            "staff.staff_ref": "S005",
            "served_from": dt.date(2005, 9, 1),
            "served_to": dt.date(2009, 8, 31),
            "note": "SENCO at Elm since 2005",
        }
    ]


async def test_every_created_record_is_audited_in_the_same_import(trust_schools):
    await must_import("staff", fixture("staff_good.csv"), actor="hr.lead@oak.example")
    entries = await AuditEntry.select().order_by(AuditEntry.id)
    assert len(entries) == 7 + 8 + 1
    assert {e["actor"] for e in entries} == {"hr.lead@oak.example"}
    assert {e["action"] for e in entries} == {"create"}
    by_entity = {}
    for e in entries:
        by_entity.setdefault(e["entity"], []).append(e)
    assert len(by_entity["staff_member"]) == 7 and len(by_entity["employment"]) == 8
    khan = await StaffMember.select().where(StaffMember.staff_ref == "S001").first()
    created = next(e for e in by_entity["staff_member"] if e["entity_id"] == khan["id"])
    assert created["staff"] == khan["id"]
    after = as_dict(created["after"])
    assert after["trn"] == "1234567" and after["last_name"] == "Khan"
    jobs = [e for e in by_entity["employment"] if e["staff"] == khan["id"]]
    assert len(jobs) == 1
    dunn = await StaffMember.select().where(StaffMember.staff_ref == "S003").first()
    (ta_post,) = [e for e in by_entity["employment"] if e["staff"] == dunn["id"]]
    ta_after = as_dict(ta_post["after"])
    assert ta_after["fte"] == 0.8 and ta_after["role"] == "ta"  # as entered, not as a 4-byte float reads back


async def test_reimport_changes_nothing_and_reports_unchanged(staff):
    before = await counts()
    stamps = await StaffMember.select(StaffMember.id, StaffMember.updated_at)
    job_stamps = await Employment.select(Employment.id, Employment.updated_at)

    again = await must_import("staff", fixture("staff_good.csv"))

    assert (again.created, again.updated) == (0, 0)
    assert again.unchanged == staff.created == 16
    assert again.entities["staff members"].unchanged == 7
    assert await counts() == before  # no new rows, no new audit entries
    assert await StaffMember.select(StaffMember.id, StaffMember.updated_at) == stamps
    assert await Employment.select(Employment.id, Employment.updated_at) == job_stamps


async def test_changed_rows_update_in_place_with_an_audit_of_what_changed(staff):
    text = fixture("staff_good.csv").read_text()
    text = text.replace(
        "S003,,Mrs,Carol,Dunn,,no,140001,,ta,0.8", "S003,,Mrs,Carol,Dunn-Smith,,no,140001,,ta,0.6"
    )
    report = await must_import("staff", text.encode(), actor="hr.lead@oak.example")
    assert report.entities["staff members"].updated == 1
    assert report.entities["employments"].updated == 1
    assert report.created == 0
    dunn = await StaffMember.select().where(StaffMember.staff_ref == "S003").first()
    assert dunn["last_name"] == "Dunn-Smith"
    job = await Employment.select().where(Employment.staff == dunn["id"]).first()
    assert job["fte"] == pytest.approx(0.6)
    updates = await AuditEntry.select().where(AuditEntry.action == "update").order_by(AuditEntry.entity)
    assert [(u["entity"], u["staff"], u["actor"]) for u in updates] == [
        ("employment", dunn["id"], "hr.lead@oak.example"),
        ("staff_member", dunn["id"], "hr.lead@oak.example"),
    ]
    person_update = updates[1]
    assert as_dict(person_update["before"]) == {"last_name": "Dunn"}
    assert as_dict(person_update["after"]) == {"last_name": "Dunn-Smith"}


async def test_a_person_can_be_added_to_a_second_school_later(staff):
    data = csv_bytes(HEADER, row("S001", "1234567", "Amina", "Khan", urn="140003", role="senco", fte="0.4"))
    report = await must_import("staff", data)
    assert report.entities["employments"].created == 1
    assert report.entities["staff members"].updated == 0  # absent columns (title, email ...) are left alone
    khan = await StaffMember.select().where(StaffMember.staff_ref == "S001").first()
    assert khan["email"] == "a.khan@oak.example"
    assert await Employment.count().where(Employment.staff == khan["id"]) == 2


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"trn": "12345"}, "row 2, column trn: TRN must be exactly 7 digits, got '12345'"),
        ({"trn": "0000000"}, "row 2, column trn: TRN 0000000 is not a valid teacher reference number"),
        ({"trn": "12 34567"}, "row 2, column trn: TRN must be exactly 7 digits, got '12 34567'"),
        (
            {"urn": "999999"},
            "row 2, column school_urn: no school has URN 999999 (import the GIAS establishment file first)",
        ),
        ({"urn": "14001"}, "row 2, column school_urn: URN must be 6 digits, got '14001'"),
        (
            {"urn": "", "uid": "9999"},
            "row 2, column trust_uid: no trust has UID '9999' (import the GIAS establishment file first)",
        ),
        (
            {"urn": "", "uid": ""},
            (
                "row 2, column school_urn: give school_urn for a post at a school, or trust_uid for a "
                "trust-level post"
            ),
        ),
        (
            {"uid": "5001"},
            (
                "row 2, column trust_uid: give school_urn for a post at a school or trust_uid for a trust-level "
                "post, not both"
            ),
        ),
        ({"start": "2024-13-01"}, "row 2, column start_date: '2024-13-01' is not a real date"),
        (
            {"start": "1 Sept 2024"},
            "row 2, column start_date: date must be YYYY-MM-DD or DD/MM/YYYY, got '1 Sept 2024'",
        ),
        ({"start": ""}, "row 2, column start_date: start_date is required"),
        (
            {"role": "caretaker"},
            (
                "row 2, column role: unknown role 'caretaker'; expected one of: teacher, ta, senco, "
                "headteacher, deputy-head, assistant-head, trust-leader, other"
            ),
        ),
        ({"fte": "1.5"}, "row 2, column fte: must be between 0 and 1, got '1.5'"),
        ({"fte": "full"}, "row 2, column fte: must be a number, got 'full'"),
        ({"qts": "maybe"}, "row 2, column qts: must be yes or no (or true/false, Y/N, 1/0), got 'maybe'"),
        ({"first": ""}, "row 2, column first_name: first_name is required"),
    ],
)
async def test_each_kind_of_bad_row_is_one_clear_line(trust_schools, cells, expected):
    data = csv_bytes(HEADER, row(**cells))
    report = await run("staff", data)
    assert report.error_lines() == [expected]
    assert not report.applied
    assert await counts() == NOTHING


async def test_role_and_dates_are_read_leniently(trust_schools):
    data = csv_bytes(HEADER, row(role="Deputy Head", start="1/9/2024", qts="N"))
    await must_import("staff", data)
    job = await Employment.select(Employment.role, Employment.start_date).first()
    assert job == {"role": "deputy-head", "start_date": dt.date(2024, 9, 1)}


async def test_trn_already_on_another_staff_id_is_an_error(staff):
    data = csv_bytes(HEADER, row("S999", trn="1234567"))
    report = await run("staff", data)
    assert report.error_lines() == [
        "row 2, column trn: TRN 1234567 already belongs to staff id 'S001'; a TRN identifies one person"
    ]


@pytest.mark.parametrize("dry_run", [True, False])
async def test_a_trn_taken_from_one_person_cannot_go_to_another_in_the_same_file(staff, dry_run):
    """S001 holds 1234567; the file gives S001 a new TRN and, rows later (another chunk), S001's old one to
    S999. Whether S001's row was already written or not, the answer is the same: an error."""
    filler = [row(f"F{i:05d}", first=f"F{i}") for i in range(StaffImporter.chunk_rows + 500)]
    data = csv_bytes(
        HEADER,
        row("S001", trn="7777777", first="Amina", last="Khan", role="senco", start="2023-01-03"),
        *filler,
        row("S999", trn="1234567"),
    )
    report = await run("staff", data, dry_run=dry_run)
    assert report.error_lines() == [
        (
            f"row {len(filler) + 3}, column trn: TRN 1234567 already belongs to staff id 'S001'; "
            "a TRN identifies one person"
        )
    ]
    assert (await StaffMember.select(StaffMember.trn).where(StaffMember.staff_ref == "S001").first()) == {
        "trn": "1234567"
    }


async def test_same_trn_for_two_staff_ids_in_one_file_is_an_error(trust_schools):
    data = csv_bytes(HEADER, row("S1", trn="7654321"), row("S2", trn="7654321", first="Tom"))
    report = await run("staff", data)
    assert report.error_lines() == ["row 3, column trn: TRN 7654321 is also given for staff id 'S1' on row 2"]
    assert await counts() == NOTHING


async def test_duplicate_employment_within_the_file(trust_schools):
    data = csv_bytes(HEADER, row(), row(fte="0.5"))
    report = await run("staff", data)
    assert report.error_lines() == [
        "row 3, column staff_id: duplicate employment: same staff id, school, role and start date as row 2"
    ]


async def test_one_person_with_different_details_on_two_rows(trust_schools):
    data = csv_bytes(HEADER, row(), row(last="Evens", role="senco"))
    report = await run("staff", data)
    assert report.error_lines() == [
        (
            "row 3, column staff_id: staff id 'S100' is on row 2 with different personal details; every row of "
            "one "
            "person must repeat the same name, TRN, email, QTS and exemption"
        )
    ]


async def test_exemption_rules(trust_schools):
    header = [*HEADER, "senco_exempt", "senco_served_from", "senco_served_to"]
    data = csv_bytes(
        header,
        [*row("S1"), "yes", "2010-01-01", ""],
        [*row("S2"), "no", "2001-01-01", ""],
        [*row("S3"), "yes", "2004-01-01", "2003-01-01"],
    )
    report = await run("staff", data)
    assert report.error_lines() == [
        (
            "row 2, column senco_served_from: the exemption is for SENCOs serving before 1 September 2009, got "
            "2010-01-01"
        ),
        "row 3, column senco_served_from: only used when senco_exempt is yes",
        "row 4, column senco_served_to: is before senco_served_from",
    ]


async def test_header_problems_are_reported_on_row_one(trust_schools):
    report = await run("staff", b"Staff ID,First Name,surname,role,start_date,school_urn\n")
    assert report.error_lines() == [
        "row 1, column last_name: required column is missing from the header row",
        (
            "row 1, column surname: unknown column; the staff format has: staff_id, first_name, last_name, role, "
            "start_date, trn, title, email, qts, school_urn, trust_uid, fte, end_date, senior_leader, senco_fte, "
            "sensory_class, sensory_class_since, senco_exempt, senco_served_from, senco_served_to, "
            "senco_exemption_note"
        ),
    ]
    empty = await run("staff", b"")
    assert empty.error_lines() == [
        "row 1, column (file): the file is empty: expected a header row naming the columns"
    ]


async def test_errors_on_several_rows_are_all_listed_and_nothing_is_written(trust_schools):
    data = csv_bytes(
        HEADER, row("S1"), row("S2", trn="123"), row("S3"), row("S4", urn="999999"), row("S5", fte="-1")
    )
    report = await run("staff", data)
    assert [(e.row, e.column) for e in sorted(report.errors)] == [(3, "trn"), (5, "school_urn"), (6, "fte")]
    assert report.bad_rows == 3
    assert await counts() == NOTHING


async def test_a_bad_row_at_the_end_of_a_long_file_writes_nothing(trust_schools):
    """Thousands of good rows are written chunk by chunk inside the transaction, then rolled back."""
    n = 2 * StaffImporter.chunk_rows + 500
    rows = [row(f"S{i:05d}", trn=f"{1000000 + i}", first=f"P{i}") for i in range(n)]
    rows.append(row("S99999", trn="12345"))
    report = await run("staff", csv_bytes(HEADER, *rows))
    assert report.rows_read == n + 1
    assert report.error_lines() == [f"row {n + 2}, column trn: TRN must be exactly 7 digits, got '12345'"]
    assert await counts() == NOTHING


async def test_long_file_good_path_crosses_chunks(trust_schools):
    # Each person has two posts; their second row comes 3,000 rows later, in another chunk.
    rows = [row(f"S{i:05d}", trn=f"{2000000 + i}") for i in range(3000)]
    rows += [row(f"S{i:05d}", trn=f"{2000000 + i}", role="senco", urn="140002") for i in range(3000)]
    dry = await run("staff", csv_bytes(HEADER, *rows), dry_run=True)
    assert dry.ok and await counts() == NOTHING
    real = await must_import("staff", csv_bytes(HEADER, *rows))
    assert real.entities == dry.entities
    assert real.entities["staff members"].created == 3000
    assert real.entities["employments"].created == 6000
    assert await counts() == {
        "StaffMember": 3000,
        "Employment": 6000,
        "SencoExemption": 0,
        "AuditEntry": 9000,
    }
    again = await must_import("staff", csv_bytes(HEADER, *rows))
    assert again.unchanged == 9000 and again.created == again.updated == 0


async def test_dry_run_reports_the_same_counts_and_writes_nothing(trust_schools):
    dry = await run("staff", fixture("staff_good.csv"), dry_run=True)
    assert dry.ok and not dry.applied
    assert await counts() == NOTHING
    real = await must_import("staff", fixture("staff_good.csv"))
    assert dry.entities == real.entities


async def test_import_inside_an_open_transaction_rolls_back_only_itself_when_rejected(trust_schools):
    from workforce.database import engine

    async with engine().transaction():
        ok = await run("staff", csv_bytes(HEADER, row("S1")))
        bad = await run("staff", csv_bytes(HEADER, row("S2", trn="1")))
    assert ok.applied and not bad.applied
    assert [p["staff_ref"] for p in await StaffMember.select(StaffMember.staff_ref)] == ["S1"]

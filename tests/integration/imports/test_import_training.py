"""`import qualifications|cpd|placements|governance`: good paths, bad rows, keys and idempotency."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from import_helpers import csv_bytes, fixture, must_import, run

from workforce.people.tables import AuditEntry, GovernanceRole, StaffMember
from workforce.training.tables import CpdRecord, Placement, Qualification


def as_dict(value):
    return value if isinstance(value, dict) or value is None else json.loads(value)


# -- qualifications


async def test_qualifications_good_path_with_aliases(staff):
    report = await must_import("qualifications", fixture("qualifications_good.csv"))
    assert report.entities["qualifications"].created == 5
    rows = await Qualification.select(
        Qualification.staff.staff_ref,
        Qualification.kind,
        Qualification.status,
        Qualification.provider,
        Qualification.start_date,
        Qualification.award_date,
    )
    found = {(q["staff.staff_ref"], q["kind"]): q for q in rows}
    assert set(found) == {
        ("S001", "npq-senco"),  # NPQSENCO
        ("S002", "npq-headship"),  # npqh
        ("S005", "nasenco"),
        ("S006", "npq-senco"),  # NPQS
        ("S004", "mq-hearing"),  # MQHI
    }
    assert found[("S002", "npq-headship")]["award_date"] == dt.date(2020, 7, 15)
    assert found[("S004", "mq-hearing")]["start_date"] is None
    assert found[("S001", "npq-senco")]["provider"] == "Best Practice Network"

    again = await must_import("qualifications", fixture("qualifications_good.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 5)
    assert await Qualification.count() == 5


async def test_qualification_outcome_updates_the_same_record(staff):
    await must_import("qualifications", fixture("qualifications_good.csv"))
    header = ["staff_id", "qualification", "status", "start_date", "award_date"]
    data = csv_bytes(header, ["S001", "npq-senco", "passed", "2024-10-01", "2026-07-10"])
    report = await must_import("qualifications", data, actor="hr@oak.example")
    assert report.entities["qualifications"].updated == 1
    assert await Qualification.count() == 5
    khan = await Qualification.select().where(Qualification.staff.staff_ref == "S001").first()
    assert (khan["status"], khan["award_date"], khan["provider"]) == (
        "passed",
        dt.date(2026, 7, 10),
        "Best Practice Network",  # no provider column: kept
    )
    audit = await AuditEntry.select().where(
        AuditEntry.entity == "qualification", AuditEntry.action == "update"
    )
    assert len(audit) == 1
    assert as_dict(audit[0]["before"]) == {"status": "in-progress", "award_date": None}
    assert as_dict(audit[0]["after"]) == {"status": "passed", "award_date": "2026-07-10"}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            ["S001", "npq-sendco", "passed", "", "2024-01-01"],
            "row 2, column qualification: unknown qualification 'npq-sendco'; expected one of: npq-senco, "
            "nasenco, "
            "npq-headship, head-send, send-leadership, mq-hearing, mq-visual, mq-multi-sensory",
        ),
        (
            ["S001", "nasenco", "complete", "", ""],
            "row 2, column status: unknown status 'complete'; expected one of: registered, in-progress, "
            "passed, failed, "
            "withdrawn, voided",
        ),
        (
            ["S404", "nasenco", "registered", "", ""],
            "row 2, column staff_id: no staff member has staff id 'S404' (import the staff file first)",
        ),
        (
            ["S001", "nasenco", "passed", "2020-01-01", ""],
            "row 2, column award_date: a passed qualification needs its award date (deadlines are counted "
            "from it)",
        ),
        (
            ["S001", "nasenco", "passed", "2020-01-01", "2019-01-01"],
            "row 2, column award_date: award date 2019-01-01 is before the start date 2020-01-01",
        ),
        (
            ["S001", "nasenco", "registered", "32/01/2020", ""],
            "row 2, column start_date: '32/01/2020' is not a real date",
        ),
    ],
)
async def test_bad_qualification_rows(staff, values, expected):
    header = ["staff_id", "qualification", "status", "start_date", "award_date"]
    report = await run("qualifications", csv_bytes(header, values))
    assert report.error_lines() == [expected]
    assert await Qualification.count() == 0


async def test_duplicate_qualification_key_in_one_file(staff):
    header = ["staff_id", "qualification", "status"]
    report = await run(
        "qualifications",
        csv_bytes(header, ["S001", "NPQSENCO", "registered"], ["S001", "npq-senco", "in-progress"]),
    )
    assert report.error_lines() == [
        "row 3, column qualification: duplicate qualification: same staff id, qualification and start date "
        "as row 2"
    ]


# -- CPD


async def test_cpd_good_path_keys_and_verification(staff):
    report = await must_import("cpd", fixture("cpd_good.csv"), actor="hr@oak.example")
    assert report.entities["CPD records"].created == 4
    records = {
        c["title"]: c
        for c in await CpdRecord.select(CpdRecord.all_columns(), CpdRecord.staff.staff_ref.as_alias("ref"))
    }
    autism = records["Supporting autistic pupils in class"]
    assert autism["record_ref"] == "HR-1001" and autism["ref"] == "S003"
    assert autism["send_area"] == "communication-and-interaction" and autism["hours"] == pytest.approx(3)
    assert autism["status"] == "verified" and autism["verified_by"] == "hr@oak.example"
    assert autism["verified_at"] is not None
    assert autism["reflection"] == "Used visual timetables, which helped."
    precision = records["Precision teaching"]
    assert precision["record_ref"] is None and precision["activity_date"] == dt.date(2025, 11, 15)
    assert precision["verified_by"] is None
    assert records["Deaf awareness"]["mandatory_module"] is True
    assert records["Safeguarding update"]["is_send"] is False

    again = await must_import("cpd", fixture("cpd_good.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


async def test_cpd_record_id_is_the_key_so_title_and_date_can_change(staff):
    await must_import("cpd", fixture("cpd_good.csv"))
    header = ["staff_id", "record_id", "title", "date", "hours", "status"]
    data = csv_bytes(
        header, ["S003", "HR-1001", "Supporting autistic pupils", "2025-10-15", "3", "self-reported"]
    )
    report = await must_import("cpd", data)
    assert report.entities["CPD records"].updated == 1
    record = await CpdRecord.select().where(CpdRecord.record_ref == "HR-1001").first()
    assert (record["title"], record["activity_date"], record["status"], record["verified_by"]) == (
        "Supporting autistic pupils",
        dt.date(2025, 10, 15),
        "self-reported",
        None,
    )
    assert await CpdRecord.count() == 4


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            ["S003", "", "Course", "2025-01-01", "2", "yes", "autism", "self-reported"],
            "row 2, column send_area: unknown SEND area 'autism'; expected one of: general, "
            "communication-and-interaction, "
            "cognition-and-learning, social-emotional-and-mental-health, sensory-and-physical",
        ),
        (
            ["S003", "", "Course", "2025-01-01", "2", "yes", "general", "approved"],
            "row 2, column status: unknown status 'approved'; expected one of: self-reported, verified",
        ),
        (
            ["S003", "", "Course", "2025-01-01", "two", "yes", "general", ""],
            "row 2, column hours: must be a number, got 'two'",
        ),
        (
            ["S003", "", "Course", "2025-01-01", "-1", "yes", "general", ""],
            "row 2, column hours: must be between 0 and 1000, got '-1'",
        ),
        (["S003", "", "", "2025-01-01", "1", "yes", "general", ""], "row 2, column title: title is required"),
        (
            ["S003", "", "Course", "2025-01-01", "1", "sometimes", "general", ""],
            "row 2, column send: must be yes or no (or true/false, Y/N, 1/0), got 'sometimes'",
        ),
        (
            ["S404", "", "Course", "2025-01-01", "1", "yes", "general", ""],
            "row 2, column staff_id: no staff member has staff id 'S404' (import the staff file first)",
        ),
    ],
)
async def test_bad_cpd_rows(staff, values, expected):
    header = ["staff_id", "record_id", "title", "date", "hours", "send", "send_area", "status"]
    report = await run("cpd", csv_bytes(header, values))
    assert report.error_lines() == [expected]
    assert await CpdRecord.count() == 0


async def test_cpd_semh_alias_and_uk_dates(staff):
    header = ["staff_id", "title", "date", "send_area"]
    await must_import("cpd", csv_bytes(header, ["S003", "Zones of regulation", "03/02/2026", "SEMH"]))
    record = await CpdRecord.select().first()
    assert (record["send_area"], record["activity_date"]) == (
        "social-emotional-and-mental-health",
        dt.date(2026, 2, 3),
    )


async def test_cpd_duplicates_and_record_ids_of_other_staff(staff):
    await must_import("cpd", fixture("cpd_good.csv"))
    header = ["staff_id", "record_id", "title", "date"]
    report = await run(
        "cpd",
        csv_bytes(
            header,
            ["S004", "HR-1001", "Taken id", "2025-01-01"],
            ["S004", "", "Same", "2025-01-02"],
            ["S004", "", "Same", "2025-01-02"],
            ["S004", "X-1", "One", "2025-01-03"],
            ["S004", "X-1", "Two", "2025-01-04"],
        ),
    )
    assert report.error_lines() == [
        "row 2, column record_id: record id 'HR-1001' already belongs to staff id 'S003'",
        "row 4, column title: duplicate CPD record: same staff id, date and title as row 3",
        "row 6, column record_id: duplicate record id: the same record_id is on as row 5",
    ]
    assert await CpdRecord.count() == 4


# -- placements


async def test_placements_good_path_and_idempotency(staff):
    report = await must_import("placements", fixture("placements_good.csv"))
    assert report.entities["placements"].created == 2
    rows = await Placement.select(
        Placement.staff.staff_ref, Placement.route, Placement.host_urn, Placement.days
    )
    assert sorted(rows, key=lambda p: p["route"]) == [
        {"staff.staff_ref": "S007", "route": "ECF", "host_urn": 140003, "days": 5},
        {"staff.staff_ref": "S007", "route": "ITT", "host_urn": 140002, "days": 30},
    ]
    again = await must_import("placements", fixture("placements_good.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    longer = fixture("placements_good.csv").read_text().replace("2023-02-17,30", "2023-02-24,35")
    changed = await must_import("placements", longer.encode())
    assert changed.entities["placements"].updated == 1
    assert await Placement.count() == 2


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            ["S007", "SCITT", "140002", "2023-01-09", "3"],
            "row 2, column route: unknown route 'SCITT'; expected one of: ITT, ECF",
        ),
        (
            ["S007", "ITT", "654321", "2023-01-09", "3"],
            "row 2, column host_urn: no school has URN 654321 (import the GIAS establishment file first)",
        ),
        (
            ["S007", "ITT", "140002", "2023-01-09", "3.5"],
            "row 2, column days: must be a whole number of days, got '3.5'",
        ),
        (
            ["S404", "ITT", "140002", "2023-01-09", "3"],
            "row 2, column staff_id: no staff member has staff id 'S404' (import the staff file first)",
        ),
    ],
)
async def test_bad_placement_rows(staff, values, expected):
    header = ["staff_id", "route", "host_urn", "start_date", "days"]
    report = await run("placements", csv_bytes(header, values))
    assert report.error_lines() == [expected]
    assert await Placement.count() == 0


# -- governance


async def test_governance_good_path_and_idempotency(trust_schools):
    report = await must_import("governance", fixture("governance_good.csv"), actor="clerk@oak.example")
    assert report.entities["board members"].created == 4
    rows = await GovernanceRole.select(
        GovernanceRole.full_name,
        GovernanceRole.school.urn,
        GovernanceRole.trust.uid,
        GovernanceRole.role,
        GovernanceRole.send_responsibility,
    )
    assert {
        (g["full_name"], g["school.urn"], g["trust.uid"], g["role"], g["send_responsibility"]) for g in rows
    } == {
        ("Helen Shaw", 140001, None, "governor", True),
        ("Ian Brooks", 140001, None, "chair", False),
        ("Jo Marsh", None, "5001", "trustee", True),
        ("Ken Idowu", None, "5001", "chair", False),
    }
    audit = await AuditEntry.select().where(AuditEntry.entity == "governance_role")
    assert len(audit) == 4 and {a["actor"] for a in audit} == {"clerk@oak.example"}
    assert await StaffMember.count() == 0
    again = await must_import("governance", fixture("governance_good.csv"))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        (
            ["Al Green", "", "5001", "governor", "yes"],
            "row 2, column role: a governor sits on a school's board: give school_urn, or use role trustee",
        ),
        (
            ["Al Green", "140001", "", "trustee", "yes"],
            "row 2, column role: a trustee sits on a trust's board: give trust_uid, or use role governor",
        ),
        (
            ["Al Green", "140001", "", "clerk", "yes"],
            "row 2, column role: unknown role 'clerk'; expected one of: governor, trustee, chair",
        ),
        (
            ["Al Green", "777777", "", "governor", "yes"],
            "row 2, column school_urn: no school has URN 777777 (import the GIAS establishment file first)",
        ),
        (
            ["Al Green", "140001", "", "governor", "perhaps"],
            "row 2, column send_responsibility: must be yes or no (or true/false, Y/N, 1/0), got 'perhaps'",
        ),
    ],
)
async def test_bad_governance_rows(trust_schools, values, expected):
    header = ["name", "school_urn", "trust_uid", "role", "send_responsibility"]
    report = await run("governance", csv_bytes(header, values))
    assert report.error_lines() == [expected]
    assert await GovernanceRole.count() == 0


# -- the documented templates are valid files


async def test_every_documented_template_imports_cleanly():
    from import_helpers import GIAS_SUBSET, TEMPLATES

    await must_import("gias", GIAS_SUBSET)
    for kind in ("staff", "qualifications", "cpd", "placements", "governance"):
        report = await must_import(kind, TEMPLATES / f"{kind}.csv")
        assert report.rows_read >= 1 and report.created >= 1, kind

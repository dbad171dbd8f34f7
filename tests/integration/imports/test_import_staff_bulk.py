"""`import staff` at scale: rules across chunks, bulk creates and their audit entries, flat memory.

The staff import keeps the keys it has met in a temporary table (not in Python), creates new records in
bulk (COPY on PostgreSQL, multi-row VALUES on SQLite) and has the database build their audit entries. These
tests pin what that must not change: the same errors in a dry run and a real run, whatever chunk the
earlier row was in; audit entries of exactly the shape the Python code wrote (JSON true/false, numbers,
ISO dates, nulls, the same keys in the same order) on both engines; no state that grows with the file.
"""

from __future__ import annotations

import datetime as dt
import json
import tracemalloc
from itertools import pairwise

import pytest
from import_helpers import STAFF_COLUMNS, csv_bytes, must_import, run

from workforce.imports import base
from workforce.imports.report import ImportReport
from workforce.imports.staff import StaffImporter
from workforce.people.tables import AuditEntry, Employment, StaffMember

HEADER = STAFF_COLUMNS[: STAFF_COLUMNS.index("sensory_class") + 1]  # without the SENCO exemption columns


def person_rows(n: int, *, prefix: str = "P", trn_from: int = 3_000_000) -> list[list]:
    """n people, one post each, at the trust's schools (a TRN for every other one)."""
    rows = []
    for i in range(n):
        rows.append(
            [
                f"{prefix}{i:06d}",
                str(trn_from + i) if i % 2 == 0 else "",
                "Ms" if i % 3 else "",
                f"First{i}",
                f"Last{i}",
                f"p{i}@oak.example" if i % 5 == 0 else "",
                "yes" if i % 2 == 0 else "no",
                ("140001", "140002", "140003")[i % 3],
                "",
                ("teacher", "ta", "senco")[i % 3],
                ("1", "0.8", "0.5")[i % 3],
                "2024-09-01",
                "2026-07-31" if i % 7 == 0 else "",
                "yes" if i % 4 == 0 else "no",
                "0.4" if i % 3 == 2 else "",
                "hearing" if i % 11 == 0 else "",
            ]
        )
    return rows


def as_dict(value):
    return value if isinstance(value, dict) or value is None else json.loads(value)


def exact(value) -> str:
    """JSON text that tells true from 1 and 1.0 from 1."""
    return json.dumps(value)


@pytest.mark.parametrize("dry_run", [True, False])
async def test_rules_across_the_whole_file_name_the_earlier_row_in_another_chunk(trust_schools, dry_run):
    n = StaffImporter.chunk_rows + 600  # the last rows are in the second chunk
    rows = person_rows(n)
    first, trn_owner, post = rows[0], rows[2], rows[4]  # rows 2, 4 and 6 of the file
    rows.append([first[0], first[1], first[2], "Other", *first[4:9], "ta", *first[10:]])  # other details
    rows.append(
        ["NEW1", trn_owner[1], "", "Tom", "Jones", "", "yes", "140001", "", "teacher", "1", "2024-09-01"]
    )
    rows.append(list(post))  # the same employment again
    report = await run("staff", csv_bytes(HEADER, *rows), dry_run=dry_run)
    assert report.error_lines() == [
        (
            f"row {n + 2}, column staff_id: staff id {first[0]!r} is on row 2 with different personal details; "
            "every row of one person must repeat the same name, TRN, email, QTS and exemption"
        ),
        f"row {n + 3}, column trn: TRN {trn_owner[1]} is also given for staff id {trn_owner[0]!r} on row 4",
        f"row {n + 4}, column staff_id: duplicate employment: same staff id, school, role and start date as row 6",
    ]
    assert not report.applied
    assert await StaffMember.count() == 0 and await AuditEntry.count() == 0


async def test_a_second_post_in_a_later_chunk_is_added_to_the_person_created_earlier(trust_schools):
    n = StaffImporter.chunk_rows + 500
    rows = person_rows(n)
    again = list(rows[1])
    again[7], again[9] = "140003", "senco"
    rows.append(again)
    dry = await run("staff", csv_bytes(HEADER, *rows), dry_run=True)
    real = await must_import("staff", csv_bytes(HEADER, *rows))
    assert dry.ok and dry.entities == real.entities
    assert real.entities["staff members"].created == n
    assert real.entities["employments"].created == n + 1
    person = await StaffMember.select(StaffMember.id).where(StaffMember.staff_ref == rows[1][0]).first()
    assert await Employment.count().where(Employment.staff == person["id"]) == 2


async def test_bulk_created_records_are_audited_exactly_as_before_on_either_engine(trust_schools):
    """Each audit entry's ``after`` is the record as stored, with the types the Python code wrote."""
    rows = person_rows(30)
    await must_import("staff", csv_bytes(HEADER, *rows), actor="hr.lead@oak.example")
    people = {p["id"]: p for p in await StaffMember.select()}
    jobs = {j["id"]: j for j in await Employment.select()}
    entries = await AuditEntry.select().order_by(AuditEntry.id)
    assert len(entries) == len(people) + len(jobs) == 60
    for entry in entries:
        assert (entry["actor"], entry["action"], entry["before"]) == ("hr.lead@oak.example", "create", None)
        after = as_dict(entry["after"])
        if entry["entity"] == "staff_member":
            p = people[entry["entity_id"]]
            assert entry["staff"] == p["id"]
            expected = {
                "staff_ref": p["staff_ref"],
                "trn": p["trn"],
                "title": p["title"],
                "email": p["email"],
                "qts": p["qts"],
                "first_name": p["first_name"],
                "last_name": p["last_name"],
            }
        else:
            assert entry["entity"] == "employment"
            j = jobs[entry["entity_id"]]
            assert entry["staff"] == j["staff"]

            def day(value):
                return value.isoformat() if value else None

            def real(value):
                return round(value, 4) if value is not None else None

            expected = {
                "staff": j["staff"],
                "school": j["school"],
                "trust": j["trust"],
                "role": j["role"],
                "start_date": day(j["start_date"]),
                "fte": real(j["fte"]),
                "end_date": day(j["end_date"]),
                "senior_leader": j["senior_leader"],
                "senco_fte": real(j["senco_fte"]),
                "sensory_class": j["sensory_class"],
                "sensory_class_since": day(j["sensory_class_since"]),
            }
        assert list(after) == list(expected)  # same fields, same order
        assert exact(after) == exact(expected)  # same JSON types: true not 1, 1.0 not 1, "2024-09-01"
    by_ref = {p["staff_ref"]: p for p in people.values()}
    khan = as_dict(next(e for e in entries if e["entity_id"] == by_ref["P000000"]["id"])["after"])
    assert khan["qts"] is True and khan["trn"] == "3000000" and khan["title"] == ""
    fte = sorted({as_dict(e["after"])["fte"] for e in entries if e["entity"] == "employment"})
    assert fte == [0.5, 0.8, 1.0]


async def test_reimport_after_a_bulk_import_changes_nothing(trust_schools):
    n = StaffImporter.chunk_rows + 100
    data = csv_bytes(HEADER, *person_rows(n))
    await must_import("staff", data)
    audit = await AuditEntry.count()
    again = await must_import("staff", data)
    assert again.created == again.updated == 0 and again.unchanged == 2 * n
    assert await AuditEntry.count() == audit


class SampledStaffImporter(StaffImporter):
    """The staff importer, noting Python's allocated memory as each chunk is handed to it (the previous
    chunk done, the next not yet read: the same moment of the pipeline every time)."""

    chunk_rows = 2000  # 10 chunks in 20,000 rows

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.samples: list[int] = []

    async def process(self, rows):
        self.samples.append(tracemalloc.get_traced_memory()[0])
        await super().process(rows)


async def test_the_importer_keeps_no_state_that_grows_with_the_file(trust_schools):
    """Nothing per row is kept for the whole file: Python's allocated memory as each chunk of 2,000 rows
    starts does not grow as the rows go by, and the importer's own containers stay small. (Before the
    seen keys moved to the database, it grew by about 450 bytes a row.)"""
    rows = 10 * SampledStaffImporter.chunk_rows
    data = csv_bytes(HEADER, *person_rows(rows))
    importer = SampledStaffImporter(ImportReport(kind="staff"), actor="test", now=dt.datetime.now(dt.UTC))
    tracemalloc.start()
    try:
        await base.run_import(importer, data, None)
    finally:
        tracemalloc.stop()
    assert importer.report.applied, importer.report.error_lines()
    samples = importer.samples
    assert len(samples) == rows // SampledStaffImporter.chunk_rows
    # From the 3rd chunk on (the first two warm caches up: statements, COPY codecs). State kept per row grows
    # by the same amount with every chunk; a bounded cache that resizes once, or a collection that frees
    # something, is one step. So the typical (median) growth from one chunk to the next is what must be small.
    steps = sorted(later - earlier for earlier, later in pairwise(samples[2:]))
    growth_per_row = steps[len(steps) // 2] / SampledStaffImporter.chunk_rows
    assert growth_per_row < 30, f"memory grows by {growth_per_row:.0f} bytes a row: {samples}"
    for name, value in vars(importer).items():
        if isinstance(value, dict | list | set) and name != "samples":
            assert len(value) <= 100, f"importer.{name} holds {len(value)} items after {rows} rows"


@pytest.mark.parametrize("dry_run", [True, False])
async def test_other_hr_files_find_a_key_repeated_in_a_later_chunk(staff, dry_run):
    """Qualifications, CPD, placements and board members: the keys met so far are kept in the database
    too, so a repeat thousands of rows later names the first row, in a dry run as in a real run."""
    filler = base.CHUNK_ROWS + 100
    cpd = [["S003", f"Course {i}", "2025-01-02"] for i in range(filler)]
    report = await run("cpd", csv_bytes(["staff_id", "title", "date"], *cpd, cpd[5]), dry_run=dry_run)
    assert report.error_lines() == [
        f"row {filler + 2}, column title: duplicate CPD record: same staff id, date and title as row 7"
    ]
    placements = [
        ["S003", "ITT", "140001", (dt.date(2000, 1, 1) + dt.timedelta(i)).isoformat()] for i in range(filler)
    ]
    report = await run(
        "placements",
        csv_bytes(["staff_id", "route", "host_urn", "start_date"], *placements, placements[0]),
        dry_run=dry_run,
    )
    assert report.error_lines() == [
        (
            f"row {filler + 2}, column start_date: duplicate placement: same staff id, route, host school and "
            "start date as row 2"
        )
    ]
    board = [[f"Member {i}", "140001", "governor"] for i in range(filler)]
    report = await run(
        "governance", csv_bytes(["name", "school_urn", "role"], *board, board[9]), dry_run=dry_run
    )
    assert report.error_lines() == [
        f"row {filler + 2}, column name: duplicate board member: same name, school and role as row 11"
    ]
    assert await AuditEntry.count() == 16  # the staff fixture's own entries only: nothing was written

"""The service API the web upload page and the demo seed call: kinds, actor, progress, bytes or paths."""

from __future__ import annotations

import pytest
from import_helpers import fixture

from workforce.imports import KINDS, ImportReport, RowError, UnknownImportKind, import_file
from workforce.organisations.tables import School


def test_kinds():
    assert KINDS == ("gias", "staff", "qualifications", "cpd", "placements", "governance")


async def test_unknown_kind_and_missing_actor_are_programming_errors():
    with pytest.raises(UnknownImportKind, match="unknown import 'pupils'"):
        await import_file("pupils", b"a\n", actor="x")
    with pytest.raises(ValueError, match="actor is required"):
        await import_file("gias", b"a\n", actor="")


async def test_progress_is_reported_in_bytes_up_to_the_whole_file():
    lines = ["URN,EstablishmentName,TypeOfEstablishment (code)"]
    lines += [f"{200000 + i},School {i},1" for i in range(5000)]
    data = "\n".join(lines).encode()
    calls: list[tuple[int, int]] = []
    report = await import_file(
        "gias", data, actor="x", progress=lambda done, total: calls.append((done, total))
    )
    assert report.applied
    assert len(calls) == 3  # after rows 2,000 and 4,000, and at the end
    assert calls[-1] == (len(data), len(data))
    assert all(total == len(data) for _, total in calls)
    assert 0 < calls[0][0] < calls[1][0] < calls[2][0]


async def test_bytes_and_paths_give_the_same_result():
    from_bytes = await import_file("gias", fixture("gias_small.csv").read_bytes(), actor="x", dry_run=True)
    from_path = await import_file("gias", fixture("gias_small.csv"), actor="x", dry_run=True)
    assert from_bytes.entities == from_path.entities
    assert await School.count() == 0


async def test_report_shape(trust_schools):
    report = await import_file(
        "staff",
        b"staff_id,first_name,last_name,role,start_date,school_urn\nS1,A,B,cook,2024-01-01,140001\n",
        actor="x",
    )
    assert isinstance(report, ImportReport)
    assert (
        report.kind,
        report.rows_read,
        report.applied,
        report.created,
        report.updated,
        report.unchanged,
    ) == (
        "staff",
        1,
        False,
        0,
        0,
        0,
    )
    assert report.errors == [
        RowError(
            2,
            "role",
            "unknown role 'cook'; expected one of: teacher, ta, senco, headteacher, deputy-head, "
            "assistant-head, trust-leader, other",
        )
    ]


async def test_a_spreadsheet_workbook_is_refused_with_advice():
    report = await import_file("staff", b"PK\x03\x04\x14\x00\x06\x00 rest of an xlsx zip", actor="x")
    assert report.error_lines() == [
        "row 1, column (file): this is a spreadsheet workbook, not a CSV file: save it as CSV (UTF-8) first"
    ]

"""Paths and helpers shared by the import tests."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from workforce.imports import ImportReport, import_file

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
TEMPLATES = Path(__file__).resolve().parents[3] / "docs" / "templates"
# Unmodified copies of the public GIAS samples (gias_sample_npq.csv: 99 establishments, 139 columns;
# gias_subset_itt.csv: 8 establishments, 140 columns, two of them in trusts).
GIAS_SAMPLE = FIXTURES / "gias_sample_npq.csv"
GIAS_SUBSET = FIXTURES / "gias_subset_itt.csv"


# Every column of a staff file, in the order of the import template (docs/formats.md).
STAFF_COLUMNS = [
    "staff_id",
    "trn",
    "title",
    "first_name",
    "last_name",
    "email",
    "qts",
    "school_urn",
    "trust_uid",
    "role",
    "fte",
    "start_date",
    "end_date",
    "senior_leader",
    "senco_fte",
    "sensory_class",
    "sensory_class_since",
    "senco_exempt",
    "senco_served_from",
    "senco_served_to",
    "senco_exemption_note",
]


def fixture(name: str) -> Path:
    return FIXTURES / name


async def run(kind: str, source, **kwargs) -> ImportReport:
    return await import_file(kind, source, actor=kwargs.pop("actor", f"test:{kind}"), **kwargs)


async def must_import(kind: str, source, **kwargs) -> ImportReport:
    report = await run(kind, source, **kwargs)
    assert report.applied, report.error_lines()
    return report


def csv_bytes(header: list[str], *rows: list) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if value is None else value for value in row])
    return out.getvalue().encode("utf-8")


def error_lines(report: ImportReport) -> list[str]:
    return report.error_lines()

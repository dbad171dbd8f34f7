"""The staff importer's quick row parser (``StaffImporter.row_parser``) agrees with ``parse`` (no database).

Large files go through the quick parser first: for a row with nothing wrong it must return exactly what
``parse`` returns, and for anything else nothing at all, so that ``parse`` checks the row and reports it.
Checked on the national generator's rows, and on thousands of variants of them with one cell changed to a
value that is wrong, empty, unusual or merely different, with every column and with fewer columns.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest

from workforce.imports.parsing import RowCells
from workforce.imports.report import ImportReport
from workforce.imports.staff import StaffImporter
from workforce.seeding.national import NationalPlan

ODD_VALUES = [
    "",
    "  ",
    " 140001 ",
    "x" * 101,
    "x" * 65,
    "x" * 21,
    "yes",
    "no",
    "Y",
    "maybe",
    "2024-02-30",
    "2024-09-01",
    "01/09/2020",
    "1999-01-01",
    "2031-01-01",
    "0.4",
    "0.25",
    "1",
    "1.5",
    "-1",
    "nan",
    "140001",
    "14001",
    "5001",
    "abc",
    "hearing",
    "HI",
    "vision",
    "3000001",
    "0000000",
    "300000",
    "a@b.example",
    "bad@",
    "ta",
    "teacher",
    "SENCO",
    "dinner lady",
]


def national_rows(parts: int = 12) -> tuple[list[str], list[list[str]]]:
    plan = NationalPlan(scale=0.01, seed=42)
    header: list[str] = []
    rows: list[list[str]] = []
    for n, part in enumerate(plan.parts()):
        reader = csv.reader(io.StringIO(part.staff_csv().decode("utf-8")))
        header = next(reader)
        rows.extend(reader)
        if n + 1 >= parts:
            break
    return header, rows


def parsers(header: list[str]):
    report = ImportReport(kind="staff")
    importer = StaffImporter(report, actor="test", now=dt.datetime.now(dt.UTC))
    index = importer.check_header(header)
    assert index is not None, report.error_lines()
    quick = importer.row_parser(index)

    def slow(row: int, values: list[str]):
        return importer.parse(RowCells(row, values, index, ImportReport(kind="staff")))

    return quick, slow


def test_the_national_rows_parse_quickly_and_the_same():
    header, rows = national_rows()
    quick, slow = parsers(header)
    handled = 0
    for number, values in enumerate(rows, start=2):
        fast = quick(number, values)
        assert fast is None or fast == slow(number, values), values
        handled += fast is not None
    assert handled > 0.95 * len(rows)  # only rows claiming a SENCO exemption are left to ``parse``


@pytest.mark.parametrize("columns", ["all", "with email and exemption note", "fewest"])
def test_rows_with_a_cell_changed_give_the_same_row_or_none(columns):
    header, rows = national_rows(4)
    if columns == "with email and exemption note":
        header = [*header, "email", "senco_exemption_note", "sensory_class_since"]
        rows = [[*r, "", "", ""] for r in rows]
    elif columns == "fewest":
        keep = [header.index(c) for c in ("staff_id", "first_name", "last_name", "role", "start_date")]
        keep.append(header.index("school_urn"))
        header = [header[i] for i in keep]
        rows = [[r[i] for i in keep] for r in rows]
    quick, slow = parsers(header)
    pick = random.Random(7)
    checked = quick_ones = 0
    for number, values in enumerate(rows[:300], start=2):
        for column in range(len(header)):
            for odd in pick.sample(ODD_VALUES, 12):
                changed = list(values)
                changed[column] = odd
                fast = quick(number, changed)
                expected = slow(number, changed)
                assert fast is None or fast == expected, (header[column], odd, changed)
                checked += 1
                quick_ones += fast is not None
        short = values[: len(values) - 1]  # a row with a cell missing at the end
        assert quick(number, short) is None or quick(number, short) == slow(number, short)
    assert checked > 5_000 and quick_ones > checked // 4

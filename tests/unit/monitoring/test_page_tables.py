"""Long tables are shown a page at a time; the total is on every page and the download has every row."""

from __future__ import annotations

import datetime as dt

from workforce.monitoring.aggregates import SchoolRow, build_report
from workforce.monitoring.routes import PAGE_ROWS, page_table


def report(n: int):
    rows = [
        SchoolRow(
            urn=100000 + i, name=f"School {i:03d}", phase="Primary", school_type="mainstream", region_code="A",
            region_name="North East", la_code="391", la_name="Newcastle", trust_uid=None, trust_name=None,
            counts={"schools": 1, "pupils": 100, "sen_pupils": 10, "staff": 20, "staff_send_cpd": 10},
        )
        for i in range(n)
    ]
    return build_report(rows, as_of=dt.date(2026, 3, 15), threshold=5)


def test_rows_are_paged_with_the_total_on_every_page():
    pt = page_table(report(PAGE_ROWS + 5), "training", "school", ("la", "391"))
    assert pt.pages == 2
    pt.page = 2
    visible = pt.visible_rows
    assert [r.label for r in visible[:-1]] == [f"School {i:03d} ({100000 + i})" for i in range(PAGE_ROWS, PAGE_ROWS + 5)]
    assert visible[-1].is_total and visible[-1].cells["staff"].value == 20 * (PAGE_ROWS + 5)
    assert len(pt.table.rows) == PAGE_ROWS + 5  # what the downloads write
    pt.page = 1
    assert len(pt.visible_rows) == PAGE_ROWS + 1


def test_a_short_table_is_one_page():
    pt = page_table(report(3), "workforce", "school", ("la", "391"))
    assert pt.pages == 1 and len(pt.visible_rows) == 4

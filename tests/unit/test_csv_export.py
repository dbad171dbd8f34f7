"""The shared CSV writer: formula-looking text is neutralised, other values are written as they are."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from workforce.csv_export import csv_bytes, csv_cell, csv_response, csv_text, safe_filename


@pytest.mark.parametrize(
    "dangerous",
    ["=1+1", "+44 20 7946 0000", "-2+3", "@SUM(A1:A2)", "\tcmd", "\r=cmd", '=HYPERLINK("http://x","y")'],
)
def test_text_a_spreadsheet_would_run_gets_an_apostrophe(dangerous):
    assert csv_cell(dangerous) == "'" + dangerous


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("Ms A Khan", "Ms A Khan"),
        ("a=b", "a=b"),  # only the first character matters
        (" =x", " =x"),
        ("", ""),
        (None, ""),
        (True, "yes"),
        (False, "no"),
        (-1.5, -1.5),  # a negative number is a number, not a formula
        (3, 3),
        (dt.date(2026, 1, 3), "2026-01-03"),
        (dt.datetime(2026, 1, 3, 9, 30, tzinfo=dt.timezone.utc), "2026-01-03T09:30:00+00:00"),
    ],
)
def test_other_values_are_written_unchanged_or_in_their_plain_form(value, written):
    assert csv_cell(value) == written


def test_a_document_round_trips_through_a_csv_reader_with_every_cell_safe():
    text = csv_text(["name", "note"], [["=cmd|' /C calc'!A0", 'quoted, "comma"'], ["Bob", "line\nbreak"]])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["name", "note"], ["'=cmd|' /C calc'!A0", 'quoted, "comma"'], ["Bob", "line\nbreak"]]
    assert text.endswith("\r\n")


def test_header_cells_are_made_safe_too():
    assert csv_text(["=evil"], []).startswith("'=evil")


def test_bytes_start_with_a_byte_order_mark_unless_asked_not_to():
    assert csv_bytes(["a"], [["é"]]).startswith("\ufeff".encode())
    assert csv_bytes(["a"], [["é"]], bom=False) == "a\r\né\r\n".encode()


def test_download_response_is_an_uncached_attachment_with_a_safe_name():
    response = csv_response(filename='findings "100001"/../x', header=["a"], rows=[[1]])
    assert response.headers["Content-Disposition"] == 'attachment; filename="findings-100001-x.csv"'
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.media_type.startswith("text/csv")
    assert safe_filename("matrix.csv") == "matrix.csv"

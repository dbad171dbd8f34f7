"""Reading CSV files in any of the encodings people send, and the import report (no database)."""

from __future__ import annotations

import io

from workforce.imports.base import normalise_header
from workforce.imports.gias import GiasImporter
from workforce.imports.report import MAX_ERRORS_KEPT, ImportReport
from workforce.imports.source import detect_encoding, open_csv
from workforce.imports.staff import StaffImporter


def rows_of(data: bytes):
    with open_csv(data) as source:
        return source.encoding, source.header, list(source.rows())


def test_utf8_with_and_without_byte_order_mark():
    text = "name,town\nZoë,Llanelli\n"
    assert rows_of(text.encode("utf-8")) == ("utf-8-sig", ["name", "town"], [(2, ["Zoë", "Llanelli"])])
    assert rows_of(b"\xef\xbb\xbf" + text.encode("utf-8"))[1] == ["name", "town"]


def test_windows_1252_and_latin1():
    text = "name\nSt Mary’s Académie\n"
    assert rows_of(text.encode("cp1252")) == ("cp1252", ["name"], [(2, ["St Mary’s Académie"])])
    # 0x81 is not defined in Windows-1252: only ISO-8859-1 reads it.
    assert detect_encoding(io.BytesIO(b"name\nA\x81B\n")) == "latin-1"


def test_encoding_detection_scans_past_the_first_block():
    data = ("a\n" + "x\n" * 700_000 + "é\n").encode("cp1252")
    assert detect_encoding(io.BytesIO(data)) == "cp1252"


def test_blank_rows_are_skipped_but_counted_in_row_numbers():
    _, _, rows = rows_of(b'a,b\n1,2\n\n,\n3,4\r\n"multi\nline",5\n6,7\n')
    assert rows == [(2, ["1", "2"]), (5, ["3", "4"]), (6, ["multi\nline", "5"]), (7, ["6", "7"])]


def test_report_summary_and_error_cap():
    report = ImportReport(kind="cpd")
    report.rows_read = 3
    report.count("CPD records", "created", 2)
    report.count("CPD records", "unchanged")
    assert report.summary() == (
        "cpd import applied: 3 rows read; 2 created, 0 updated, 1 unchanged "
        "(CPD records: 2 created, 0 updated, 1 unchanged)."
    )
    for row in range(2, MAX_ERRORS_KEPT + 12):
        report.add_error(row, "title", "title is required")
    assert report.error_count == MAX_ERRORS_KEPT + 10
    assert len(report.errors) == MAX_ERRORS_KEPT
    assert report.error_lines()[-1] == "... and 10 more errors not shown"
    assert report.summary() == (
        f"cpd import rejected: {MAX_ERRORS_KEPT + 10} errors in {MAX_ERRORS_KEPT + 10} rows (3 rows read); "
        "nothing was written."
    )


def test_headers():
    assert normalise_header("\ufeffStaff ID ") == "staff_id"
    assert normalise_header("Start-Date") == "start_date"
    report = ImportReport(kind="staff")
    importer = StaffImporter(report, actor="t", now=None)
    assert (
        importer.check_header(["staff_id", "first_name", "last_name", "role", "start_date", "Role"]) is None
    )
    assert report.error_lines() == [
        "row 1, column role: this column appears more than once",
        "row 1, column school_urn: the header needs a school_urn column, a trust_uid column or both",
    ]
    gias = GiasImporter(ImportReport(kind="gias"), actor="t", now=None, as_of=None)
    index = gias.check_header(["URN", "EstablishmentName", "TypeOfEstablishment (code)", "Anything else"])
    assert index == {"URN": 0, "EstablishmentName": 1, "TypeOfEstablishment (code)": 2, "Anything else": 3}


def test_audit_values_are_the_columns_of_an_audit_entry():
    import datetime as dt

    from workforce.audit import audit_entry, audit_values

    at = dt.datetime(2025, 1, 2, 3, 4, tzinfo=dt.timezone.utc)
    values = audit_values(
        actor="cli:import staff",
        action="update",
        entity="employment",
        entity_id=7,
        staff_id=3,
        before={"end_date": None},
        after={"end_date": dt.date(2025, 8, 31)},
        at=at,
    )
    assert values == {
        "at": at,
        "actor": "cli:import staff",
        "action": "update",
        "entity": "employment",
        "entity_id": 7,
        "staff": 3,
        "before": {"end_date": None},
        "after": {"end_date": "2025-08-31"},
    }
    entry = audit_entry(actor="a", action="create", entity="x", staff_id=3, after={"n": 1}, at=at)
    assert (entry.actor, entry.staff, entry.after, entry.at) == ("a", 3, {"n": 1}, at)

"""Large staff files are parsed in a second process (``workforce.imports.worker``) while this one writes.

The second process must change nothing but the time: the same records, audit entries, counts and errors
(in the same order, so the same first 1,000 are kept) as parsing in this process, in a real run and in a
dry run, on either engine; a file that is not CSV half-way is refused the same way; and if the parser
process fails or dies, the import stops with a clear error and nothing at all is written.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import multiprocessing
import os
import time

import pytest
from import_helpers import STAFF_COLUMNS as HEADER
from import_helpers import csv_bytes, run

from workforce import database
from workforce.db import is_postgres
from workforce.imports import base, worker
from workforce.imports.report import ImportReport
from workforce.imports.staff import StaffImporter
from workforce.people.tables import AuditEntry, Employment, SencoExemption, StaffMember

CHUNK = 300  # rows per chunk in these tests: a file of 1,000-2,000 rows spans several chunks
STAFF_TABLES = (StaffMember, Employment, SencoExemption, AuditEntry)


def people(n: int) -> list[list[str]]:
    """n people; every third has a second post (some in the next chunk), some trust-level posts, TRNs,
    exemptions, dates in both formats, sensory classes."""
    rows: list[list[str]] = []
    for i in range(n):
        exempt = i % 13 == 0
        person = [
            f"W{i:05d}",
            str(4_000_000 + i) if i % 2 == 0 else "",
            ("Ms", "Mr", "")[i % 3],
            f"First{i}",
            f"Last{i}",
            f"w{i}@oak.example" if i % 5 == 0 else "",
            ("yes", "no", "Y")[i % 3],
        ]
        exemption = ["yes", "2001-09-01", "2008-07-31", f"note {i}"] if exempt else ["no", "", "", ""]
        post = [
            ("140001", "140002", "140003", "")[i % 4],
            "5001" if i % 4 == 3 else "",
            ("teacher", "ta", "senco", "trust-leader")[i % 4],
            ("1", "0.8", "0.5", "1")[i % 4],
            "2024-09-01" if i % 2 else "01/09/2023",
            "2026-07-31" if i % 7 == 0 else "",
            ("yes", "no")[i % 2],
            "0.4" if i % 4 == 2 else "",
            "hearing" if i % 11 == 0 else "",
            "2025-01-06" if i % 22 == 0 else "",
        ]
        rows.append([*person, *post, *exemption])
        if i % 3 == 0:
            second = [("140004", "140001", "100003", "140002")[i % 4], "", "ta", "0.5", "2025-01-06"]
            rows.append([*person, *second, "", "no", "", "", "", *exemption])
    for offset, i in enumerate(range(0, n, 40)):  # a few people's second rows come much later in the file
        again = list(rows[i])
        again[7:17] = ["140003", "", "teacher", "0.2", f"2022-0{1 + offset % 9}-01", "", "no", "", "", ""]
        rows.append(again)
    return rows


def with_errors(rows: list[list[str]]) -> list[list[str]]:
    """Bad cells, rules across the file (in other chunks), and schools that do not exist."""
    rows = [list(r) for r in rows]
    for i in range(5, len(rows), 37):
        rows[i][11] = "2024-02-30"  # not a real date
    for i in range(9, len(rows), 53):
        rows[i][9] = "dinner lady"  # unknown role
    for i in range(17, len(rows), 71):
        rows[i][8] = "5001"  # school and trust both given
    for i in range(23, len(rows), 97):
        rows[i][7] = "999999"  # no such school (found when the chunk is processed)
    rows.append(list(rows[1]))  # the same employment again, chunks later
    rows.append([*rows[2][:3], "Other", *rows[2][4:]])  # other personal details for a staff id
    stolen = [r for r in rows if r[1]][3]
    rows.append(
        ["THIEF", stolen[1], "", "Tom", "Jones", "", "yes", "140001", "", "teacher", "1", "2024-09-01"]
    )
    return rows


@pytest.fixture
def chunked(monkeypatch):
    """Small chunks, so the test files span several."""
    monkeypatch.setattr(StaffImporter, "chunk_rows", CHUNK)


@pytest.fixture
def in_worker(monkeypatch):
    """Parse every staff file in the second process (on this engine, whatever its size), and count how
    many times one was started, so a test cannot pass without it."""
    engine = "postgres" if is_postgres(database.engine()) else "sqlite"
    monkeypatch.setattr(worker, "MIN_BYTES", 0)
    monkeypatch.setattr(worker, "MIN_CORES", 1)
    monkeypatch.setattr(worker, "ENGINES", frozenset({engine}))
    started = []
    original = worker.ParserProcess.__init__

    def counting(self, *args, **kwargs):
        started.append(True)
        original(self, *args, **kwargs)

    monkeypatch.setattr(worker.ParserProcess, "__init__", counting)
    return started


@pytest.fixture
def in_process(monkeypatch):
    monkeypatch.setattr(worker, "ENGINES", frozenset())


def _plain(value):
    if isinstance(value, dt.datetime):
        return "<time>"  # when it was imported: differs from run to run
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


async def stored() -> dict[str, list]:
    """Every row of the staff tables, in id order, as JSON-able values (import times left out)."""
    out = {}
    for table in STAFF_TABLES:
        rows = await table.select().order_by(table.id)
        for row in rows:
            for key in ("before", "after"):
                if isinstance(row.get(key), str):
                    row[key] = json.loads(row[key])
        out[table._meta.tablename] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return out


def outcome(report: ImportReport) -> dict:
    return {
        "rows_read": report.rows_read,
        "errors": [str(e) for e in report.errors],
        "error_count": report.error_count,
        "bad_rows": report.bad_rows,
        "applied": report.applied,
        "entities": {name: vars(counts) for name, counts in report.entities.items()},
        "summary": report.summary(),
    }


async def both_ways(data: bytes, monkeypatch, **kwargs) -> tuple[dict, dict, dict, dict]:
    """Import ``data`` parsed here, then (staff tables emptied) parsed in the second process."""
    monkeypatch.setattr(worker, "ENGINES", frozenset())
    here = await run("staff", data, **kwargs)
    here_rows = await stored()
    await database.truncate_all(STAFF_TABLES)
    engine = "postgres" if is_postgres(database.engine()) else "sqlite"
    monkeypatch.setattr(worker, "ENGINES", frozenset({engine}))
    there = await run("staff", data, **kwargs)
    return outcome(here), outcome(there), here_rows, await stored()


async def test_a_good_file_gives_the_same_records_and_audit_entries(
    trust_schools, chunked, in_worker, monkeypatch
):
    data = csv_bytes(HEADER, *people(700))
    here, there, here_rows, there_rows = await both_ways(data, monkeypatch)
    assert in_worker, "the second process was never started"
    assert here["applied"] and here["error_count"] == 0, here["errors"][:5]
    assert there == here
    assert there_rows == here_rows
    assert len(here_rows["employment"]) > len(here_rows["staff_member"]) > 700 - 1
    assert len(here_rows["senco_exemption"]) == 54
    assert len(here_rows["audit_entry"]) == sum(len(here_rows[t]) for t in here_rows if t != "audit_entry")


@pytest.mark.parametrize("dry_run", [False, True])
async def test_a_bad_file_gives_the_same_errors_in_the_same_order(
    trust_schools, chunked, in_worker, monkeypatch, dry_run
):
    data = csv_bytes(HEADER, *with_errors(people(700)))
    here, there, here_rows, there_rows = await both_ways(data, monkeypatch, dry_run=dry_run)
    assert len(in_worker) == 1
    assert not here["applied"] and here["error_count"] > 60
    kinds = " ".join(here["errors"])
    for message in ("not a real date", "unknown role", "not both", "no school has URN 999999"):
        assert message in kinds
    for message in ("duplicate employment", "different personal details", "is also given for staff id"):
        assert message in kinds
    assert there == here
    assert here_rows == there_rows == {t._meta.tablename: [] for t in STAFF_TABLES}


async def test_past_the_first_thousand_errors_the_same_ones_are_kept(
    trust_schools, chunked, in_worker, monkeypatch
):
    rows = people(1000)
    for r in rows:
        r[10] = "lots"  # every row's FTE is wrong: over 1,000 errors, found in several chunks
    rows.append(list(rows[0]))
    data = csv_bytes(HEADER, *rows)
    here, there, _, _ = await both_ways(data, monkeypatch)
    assert here["error_count"] > len(here["errors"]) == 1000
    assert there == here


@pytest.fixture
def small_cell_limit():
    """Cells of at most 10,000 characters (16 MiB in use), so a test file can have one too large."""
    limit = csv.field_size_limit(10_000)
    yield
    csv.field_size_limit(limit)


async def test_a_file_that_stops_being_csv_half_way_is_refused_the_same_way(
    trust_schools, chunked, in_worker, monkeypatch, small_cell_limit
):
    rows = with_errors(people(500))
    rows[len(rows) // 2][20] = "x" * 20_000
    here, there, here_rows, there_rows = await both_ways(csv_bytes(HEADER, *rows), monkeypatch)
    assert len(in_worker) == 1
    assert not here["applied"]
    assert any("not a readable CSV file" in e for e in here["errors"]), here["errors"][:3]
    assert there == here
    assert here_rows == there_rows == {t._meta.tablename: [] for t in STAFF_TABLES}


class ExplodingStaffImporter(StaffImporter):
    """Fails in the parser on one row, after earlier chunks were written in the import's transaction."""

    explode_on = 2 + 3 * CHUNK

    def row_parser(self, index):
        return None  # every row through ``parse``

    def parse(self, cells):
        if cells.row == self.explode_on:
            raise RuntimeError("parser bug on purpose")
        return super().parse(cells)


class DyingStaffImporter(StaffImporter):
    """The parser process dies (as if killed) on one row."""

    die_on = 2 + 3 * CHUNK

    def row_parser(self, index):
        return None  # every row through ``parse``

    def parse(self, cells):
        if cells.row == self.die_on:
            os._exit(7)
        return super().parse(cells)


def parser_processes() -> list:
    """This process's import parser children still alive (other children, such as the certificate
    renderer's pool that an earlier test may have started, are not the import's)."""
    return [p for p in multiprocessing.active_children() if p.name.startswith("workforce-import-")]


async def _run_with(importer_type) -> ImportReport:
    report = ImportReport(kind="staff")
    importer = importer_type(report, actor="test", now=dt.datetime.now(dt.UTC))
    await base.run_import(importer, csv_bytes(HEADER, *people(700)), None)
    return report


async def test_an_error_in_the_parser_process_stops_the_import_and_writes_nothing(
    trust_schools, chunked, in_worker
):
    with pytest.raises(worker.ParserFailed) as failure:
        await _run_with(ExplodingStaffImporter)
    assert "parser process failed" in str(failure.value)
    assert "RuntimeError: parser bug on purpose" in str(failure.value)  # the parser's own traceback
    assert len(in_worker) == 1
    assert {t.__name__: await t.count() for t in STAFF_TABLES} == dict.fromkeys(
        (t.__name__ for t in STAFF_TABLES), 0
    )
    assert not parser_processes()


async def test_a_parser_process_that_dies_stops_the_import_and_writes_nothing(
    trust_schools, chunked, in_worker
):
    with pytest.raises(worker.ParserFailed, match=r"stopped unexpectedly \(exit code 7\)"):
        await _run_with(DyingStaffImporter)
    assert {t.__name__: await t.count() for t in STAFF_TABLES} == dict.fromkeys(
        (t.__name__ for t in STAFF_TABLES), 0
    )
    assert not parser_processes()


class FailingProcessStaffImporter(StaffImporter):
    """An error while writing (in this process): the parser, still running (held on a later row for a
    minute, so it cannot have finished on its own), is stopped."""

    def row_parser(self, index):
        return None  # every row through ``parse``

    def parse(self, cells):
        if cells.row == 2 + 2 * CHUNK:
            time.sleep(60)
        return super().parse(cells)

    async def process(self, rows):
        if self.report.rows_read > CHUNK:
            raise RuntimeError("write failed on purpose")
        await super().process(rows)


async def test_an_error_while_writing_stops_the_parser_process(trust_schools, chunked, in_worker):
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="write failed on purpose"):
        await _run_with(FailingProcessStaffImporter)
    assert time.monotonic() - started < 30  # stopped, not waited for
    assert await StaffMember.count() == 0
    assert not parser_processes()


async def test_progress_is_reported_as_the_file_is_read(trust_schools, chunked, in_worker):
    data = csv_bytes(HEADER, *people(700))
    seen: list[tuple[int, int]] = []
    report = await run("staff", data, progress=lambda done, total: seen.append((done, total)))
    assert report.applied and len(in_worker) == 1
    assert len(seen) == report.rows_read // CHUNK + 1
    assert [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert seen[-1] == (len(data), len(data))


def test_small_files_and_postgresql_are_parsed_in_this_process():
    """The second process is for large files on SQLite (on PostgreSQL the database works in a process of
    its own already); below ``MIN_BYTES`` starting it would cost more than it saves."""
    assert worker.ENGINES == frozenset({"sqlite"})
    assert worker.MIN_BYTES >= 1 << 20
    assert StaffImporter.parse_in_worker and not base.Importer.parse_in_worker

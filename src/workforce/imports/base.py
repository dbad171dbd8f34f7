"""The one pipeline every import runs: read rows, validate them, write them in chunks, all or nothing.

    header  -> checked once (missing, unknown or repeated columns are errors on row 1)
    rows    -> parsed one at a time (``parse``: cell formats, in-file duplicates), collected in chunks
    chunk   -> ``process``: bulk look-ups of what the rows refer to and of the records they match,
               then (only while the file has no error so far, and not in a dry run) set-based writes
               and their audit entries (on PostgreSQL the next chunk is parsed meanwhile)
    end     -> commit when the whole file was good, otherwise roll everything back

Each importer is a subclass that declares its columns and implements ``parse`` and ``process``.
Validation of row N never depends on whether rows before it were written, so a dry run and a real run
report the same errors and the same counts.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, ClassVar

from workforce.audit import audit_values, changed_fields
from workforce.imports import worker
from workforce.imports.parsing import RowCells
from workforce.imports.report import ImportReport
from workforce.imports.seen import Seen, SeenKeys
from workforce.imports.source import UnreadableCsv, open_csv
from workforce.imports.sql import Rollback, Sql, import_transaction
from workforce.people.tables import AuditEntry

CHUNK_ROWS = 2000
YIELD_ROWS = 100  # while a chunk is written, parsing lets it send its next statement every 100 rows

Progress = Callable[[int, int], None]
"""Called as ``progress(bytes_read, total_bytes)`` after each chunk of rows."""


def normalise_header(name: str) -> str:
    return name.strip().lstrip("\ufeff").strip().lower().replace(" ", "_").replace("-", "_")


class Importer:
    kind: ClassVar[str]
    required_columns: ClassVar[tuple[str, ...]] = ()
    optional_columns: ClassVar[tuple[str, ...]] = ()
    # HR files: header names are matched loosely ("Staff ID" = staff_id) and unknown columns are refused,
    # so a misspelt optional column cannot be silently ignored. GIAS: exact names, extra columns ignored.
    loose_header: ClassVar[bool] = True
    chunk_rows: ClassVar[int] = CHUNK_ROWS  # rows read before they are processed together
    # ``parse`` depends on nothing but the row (no database, no state): a large file's rows may be parsed in
    # a second process (see workforce.imports.worker), their results sent over with ``pack_rows``.
    parse_in_worker: ClassVar[bool] = False

    def __init__(self, report: ImportReport, *, actor: str, now: dt.datetime, **options: Any):
        self.report = report
        self.actor = actor
        self.now = now
        self.options = options
        self.sql: Sql = None  # type: ignore[assignment]  # set by run_import
        self.seen: SeenKeys = None  # type: ignore[assignment]  # set by start_seen, for rules across the file
        self._audit: list[dict] = []

    # -- the pipeline's hooks
    def check_header(self, header: list[str] | None) -> dict[str, int] | None:
        if not header or all(not cell.strip() for cell in header):
            self.report.add_error(1, "(file)", "the file is empty: expected a header row naming the columns")
            return None
        index: dict[str, int] = {}
        known = set(self.required_columns) | set(self.optional_columns)
        for position, cell in enumerate(header):
            name = normalise_header(cell) if self.loose_header else cell.strip().lstrip("\ufeff").strip()
            if not name:
                continue
            if name in index:
                if self.loose_header:
                    self.report.add_error(1, name, "this column appears more than once")
                continue
            if self.loose_header and name not in known:
                self.report.add_error(
                    1, name, f"unknown column; the {self.kind} format has: {', '.join(self._all_columns())}"
                )
                continue
            index[name] = position
        for name in self.required_columns:
            if name not in index:
                self.report.add_error(1, name, "required column is missing from the header row")
        self.check_columns(index)
        return index if self.report.ok else None

    def check_columns(self, index: dict[str, int]) -> None:
        """Extra header rules of one format (e.g. one of two columns required)."""

    def _all_columns(self) -> list[str]:
        return [*self.required_columns, *self.optional_columns]

    async def start(self) -> None:
        """Before the first chunk (load small reference tables, ...)."""

    def parse(self, cells: RowCells) -> Any | None:
        raise NotImplementedError

    def row_parser(self, index: dict[str, int]) -> Callable[[int, list[str]], Any | None] | None:
        """Optionally, a quicker ``parse`` for rows with nothing wrong, from the row's values: it returns
        what ``parse`` would, or None to leave the row to ``parse`` (which reports what is wrong)."""
        return None

    async def process(self, rows: list[Any]) -> None:
        raise NotImplementedError

    def pack_rows(self, rows: list[Any]) -> Any:
        """A chunk of parsed rows as sent from the parser process (plain tuples pickle fastest)."""
        return rows

    def unpack_rows(self, packed: Any) -> list[Any]:
        """The rows ``pack_rows`` packed, as ``parse`` returned them."""
        return packed

    async def finish(self) -> None:
        """After the last chunk."""

    # -- helpers for subclasses
    @property
    def writing(self) -> bool:
        """Whether this chunk's changes are written: not a dry run, and no error anywhere so far."""
        return not self.report.dry_run and self.report.ok

    @property
    def counting(self) -> bool:
        """Counts only mean something while the file is still good."""
        return self.report.ok

    def audit_create(self, entity: str, entity_id: int | None, staff_id: int | None, after: dict) -> None:
        self._audit_add(entity, "create", entity_id, staff_id, None, after)

    def audit_update(
        self, entity: str, entity_id: int, staff_id: int | None, before: dict, after: dict
    ) -> None:
        old, new = changed_fields(before, after)
        self._audit_add(entity, "update", entity_id, staff_id, old, new)

    def _audit_add(self, entity, action, entity_id, staff_id, before, after) -> None:
        self._audit.append(
            audit_values(
                actor=self.actor,
                action=action,
                entity=entity,
                entity_id=entity_id,
                staff_id=staff_id,
                before=before,
                after=after,
                at=self.now,
            )
        )

    async def first_in_file(
        self,
        rows: list[Any],
        key: Callable[[Any], str],
        duplicate: Callable[[Any, int], tuple[str, str]],
    ) -> list[Any]:
        """The rows whose ``key`` no earlier row of the file had; each other row gets the error
        ``duplicate(row, earlier row number)`` -> (column, message). The keys met so far are kept in the
        database (``self.seen``, started by ``start``), not in memory: see ``workforce.imports.seen``."""
        keys = [key(r) for r in rows]
        earlier = await self.seen.find(keys)
        new: dict[str, Seen] = {}
        kept = []
        for r, k in zip(rows, keys, strict=True):
            first = new.get(k) or earlier.get(k)
            if first is None:
                new[k] = Seen(r.row)
                kept.append(r)
            else:
                self.report.add_error(r.row, *duplicate(r, first.row))
        await self.seen.add(new)
        return kept

    async def start_seen(self) -> None:
        self.seen = SeenKeys(self.sql)
        await self.seen.start()

    async def flush_audit(self) -> None:
        if self._audit:
            await self.sql.insert(AuditEntry, self._audit)
            self._audit = []


def differences(existing: dict, wanted: dict) -> dict:
    """The fields of ``wanted`` whose value differs from the stored record (floats to 4 places)."""
    changed = {}
    for key, value in wanted.items():
        old = existing.get(key)
        if isinstance(old, float) or isinstance(value, float):
            if old is None or value is None:
                same = old is value
            else:
                same = round(float(old), 4) == round(float(value), 4)
        else:
            same = old == value
        if not same:
            changed[key] = value
    return changed


def stored(record: dict, fields) -> dict:
    """The stored values of ``fields`` (floats rounded, as compared), for an audit entry's ``before``."""
    return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in record.items() if k in fields}


async def run_import(
    importer: Importer, source: Path | str | bytes, progress: Progress | None
) -> ImportReport:
    report = importer.report
    try:
        with open_csv(source) as csv_file:
            index = importer.check_header(csv_file.header)
            if index is None:
                return report
            try:
                async with import_transaction(write=not report.dry_run) as sql:
                    importer.sql = sql
                    await importer.start()
                    if worker.wanted(importer, csv_file.total_bytes):
                        await _process_parsed_elsewhere(importer, source, csv_file, index, progress)
                    else:
                        await _read_and_process(importer, csv_file, index, progress)
                    await importer.finish()
                    if progress:
                        progress(csv_file.total_bytes, csv_file.total_bytes)
                    if not report.ok or report.dry_run:
                        raise Rollback
            except Rollback:
                report.applied = False
            else:
                report.applied = True
    except UnreadableCsv as exc:
        report.add_error(exc.row, "(file)", exc.reason)
        report.applied = False
    report.errors.sort()
    return report


async def _read_and_process(importer: Importer, csv_file, index: dict[str, int], progress: Progress | None):
    """Parse rows into chunks and process each chunk, in file order, on the one connection.

    On PostgreSQL the next chunk's rows are read and checked while the previous chunk's statements run in
    the server's own process. On SQLite the statements run in aiosqlite's thread of this process, and each
    needs Python's global lock to bind its parameters and return: parsing alongside only makes the two
    threads wait for each other (measured: 64-71 s instead of 58 s for a million rows on a busy 2-core
    machine), so there each chunk is processed before the next is read.
    """
    report = importer.report
    pending: asyncio.Task | None = None
    overlap = importer.sql.postgres

    async def hand_over(chunk: list[Any]) -> None:
        nonlocal pending
        if pending is not None:
            await pending
        pending = asyncio.ensure_future(importer.process(chunk))
        await asyncio.sleep(0)  # let it send its first statement before parsing goes on
        if not overlap:
            await pending

    quick = importer.row_parser(index)
    try:
        chunk: list[Any] = []
        for row_number, values in csv_file.rows():
            report.rows_read += 1
            parsed = quick(row_number, values) if quick else None
            if parsed is None:
                parsed = importer.parse(RowCells(row_number, values, index, report))
            if parsed is not None:
                chunk.append(parsed)
            if report.rows_read % importer.chunk_rows == 0:
                await hand_over(chunk)
                chunk = []
                if progress:
                    progress(csv_file.bytes_read, csv_file.total_bytes)
            elif report.rows_read % YIELD_ROWS == 0 and pending is not None and not pending.done():
                await asyncio.sleep(0)  # the chunk being written moves on to its next statement
        if chunk:
            await hand_over(chunk)
        if pending is not None:
            await pending
    except UnreadableCsv:
        # The rows before the unreadable one are still checked to the end (on PostgreSQL the last chunk may be
        # under way): the report lists the same errors on either engine, whether the rows were parsed here
        # or in a second process (``_process_parsed_elsewhere``).
        if pending is not None:
            await pending
        raise
    finally:
        if pending is not None and not pending.done():  # parsing failed (e.g. not CSV): stop the chunk
            pending.cancel()
            with contextlib.suppress(BaseException):
                await pending


async def _process_parsed_elsewhere(
    importer: Importer, source: Path | str | bytes, csv_file, index: dict[str, int], progress: Progress | None
) -> None:
    """``_read_and_process`` with the rows read and parsed in a second process (``worker``): the same chunks,
    their row errors added to the report before each is processed, as if they had been parsed here."""
    report = importer.report
    parser = worker.ParserProcess(importer, source, csv_file.encoding, index)
    try:
        async with contextlib.aclosing(parser.messages()) as messages:
            async for what, read, errors, payload, bytes_read in messages:
                report.rows_read += read
                for error in errors:
                    report.add_error(*error)
                if what == worker.UNREADABLE:
                    raise UnreadableCsv(*payload)
                if what == worker.CHUNK or payload:  # a full chunk, even if none of its rows parsed
                    await importer.process(payload)
                if what == worker.CHUNK and progress:
                    progress(bytes_read, csv_file.total_bytes)
    finally:
        await parser.close()

"""Reading and checking a large file's rows in a second process while this one writes the chunks before.

On SQLite the database works inside this process (aiosqlite's thread), so parsing a chunk and writing the
one before it both need Python's interpreter lock: their times add up (about half each for a staff file).
For a large file, a second process does the reading and the row-by-row checks: it runs the very same
``Importer.parse`` over the very same rows, cuts them into the very same chunks, and sends each chunk down
a pipe with the errors its rows had and how far into the file it got. This process adds those errors to the
report in the same order, then processes the chunk exactly as it would have processed one it parsed itself
(``base._read_and_process``), so the report, the errors, the counts and what is written are identical;
only the parsing runs beside the writing instead of before it.

Nothing is written by the second process: it has no database connection, only the file. The whole import is
still one transaction here; if the second process fails (a bug, or killed) the import stops with
``ParserFailed`` and the transaction is rolled back, as for any other error. At most two chunks are in
flight (one being received while one is processed), so memory stays flat.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import multiprocessing
import os
import signal
import traceback
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from workforce.imports.parsing import RowCells
from workforce.imports.report import ImportReport
from workforce.imports.source import UnreadableCsv, open_csv

if TYPE_CHECKING:
    from workforce.imports.base import Importer

# Files smaller than this are parsed in this process: starting a process would cost more than it saves.
MIN_BYTES = 4 << 20
# Where it pays: on SQLite the database works in this process; PostgreSQL already works in its own process
# while this one parses (base._read_and_process), and a third busy process only competes with those two.
ENGINES = frozenset({"sqlite"})
MIN_CORES = 2  # with one core the two processes would only take turns
# "fork" starts the parser in milliseconds and needs nothing importable; elsewhere (no fork) "spawn".
START_METHOD = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"

# Messages from the parser: (what, rows read, row errors, payload, bytes read)
CHUNK = "chunk"  # payload: the chunk's parsed rows, packed (``Importer.pack_rows``)
END = "end"  # the rows after the last full chunk (payload as CHUNK); nothing follows
UNREADABLE = "unreadable"  # payload: (row, reason) of ``UnreadableCsv``; nothing follows
FAILED = "failed"  # payload: the parser's traceback; nothing follows


class ParserFailed(RuntimeError):
    """The second process could not parse the file (a bug, or it was stopped): nothing was written."""


def cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def wanted(importer: Importer, total_bytes: int) -> bool:
    """Whether this import's rows are parsed in a second process."""
    engine = "postgres" if importer.sql.postgres else "sqlite"
    return (
        importer.parse_in_worker
        and engine in ENGINES
        and total_bytes >= MIN_BYTES
        and cores() >= MIN_CORES
        and not multiprocessing.current_process().daemon  # a daemonic process may not start one
    )


class _Errors:
    """Where a row's errors go in the parser: kept, in order, to be sent with the chunk."""

    __slots__ = ("items",)

    def __init__(self):
        self.items: list[tuple[int, str, str]] = []

    def add_error(self, row: int, column: str, message: str) -> None:
        self.items.append((row, column, message))


def _parse(writer, importer_type, init: dict, source, encoding: str, index: dict[str, int], chunk_rows: int):
    """The parser process: read the file, parse every row, send the chunks. Never touches the database."""
    with contextlib.suppress(ValueError, OSError):
        signal.set_wakeup_fd(-1)  # (fork) the parent's event loop's wake-up pipe is not ours
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops this process
    try:
        errors = _Errors()
        importer = importer_type(
            ImportReport(kind=importer_type.kind, dry_run=init["dry_run"]),
            actor=init["actor"],
            now=init["now"],
            **init["options"],
        )
        importer.report = errors  # parse reports through the cells; anything else it reports goes here too
        parse, quick, pack = importer.parse, importer.row_parser(index), importer.pack_rows
        rows: list[Any] = []
        read = 0
        with open_csv(source, encoding=encoding) as csv_file:
            try:
                for row_number, values in csv_file.rows():
                    read += 1
                    parsed = quick(row_number, values) if quick else None
                    if parsed is None:
                        parsed = parse(RowCells(row_number, values, index, errors))
                    if parsed is not None:
                        rows.append(parsed)
                    if read == chunk_rows:
                        writer.send((CHUNK, read, errors.items, pack(rows), csv_file.bytes_read))
                        rows, read, errors.items = [], 0, []
            except UnreadableCsv as exc:
                writer.send((UNREADABLE, read, errors.items, (exc.row, exc.reason), csv_file.bytes_read))
                return
            writer.send((END, read, errors.items, pack(rows), csv_file.bytes_read))
    except BaseException:  # noqa: BLE001 - reported to the parent, which stops the import
        with contextlib.suppress(BaseException):
            writer.send((FAILED, 0, [], traceback.format_exc(), 0))
    finally:
        writer.close()


class ParserProcess:
    """The second process parsing one import's file, and the chunks it sends (``async for``)."""

    def __init__(self, importer: Importer, source: Path | str | bytes, encoding: str, index: dict[str, int]):
        context = multiprocessing.get_context(START_METHOD)
        self._reader, writer = context.Pipe(duplex=False)
        init = {
            "dry_run": importer.report.dry_run,
            "actor": importer.actor,
            "now": importer.now,
            "options": importer.options,
        }
        self.process = context.Process(
            target=_parse,
            args=(writer, type(importer), init, source, encoding, index, importer.chunk_rows),
            name=f"workforce-import-{importer.kind}-parser",
            daemon=True,
        )
        self.process.start()
        writer.close()  # this process only reads: the pipe ends when the parser closes its end
        self._unpack = importer.unpack_rows
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="import-parser-pipe")
        self._receiving: concurrent.futures.Future | None = None

    def _receive(self) -> tuple:
        try:
            message = self._reader.recv()
        except (EOFError, OSError):
            return (None, 0, [], None, 0)
        if message[0] in (CHUNK, END):
            return (*message[:3], self._unpack(message[3]), message[4])
        return message

    async def messages(self) -> AsyncIterator[tuple]:
        """Each message in turn, a chunk's rows unpacked; the next is received while the caller works."""
        self._receiving = self._executor.submit(self._receive)
        while True:
            message = await asyncio.wrap_future(self._receiving)
            what = message[0]
            self._receiving = self._executor.submit(self._receive) if what == CHUNK else None
            if what == FAILED:
                raise ParserFailed(f"the import's parser process failed:\n{message[3]}")
            if what is None:
                await asyncio.get_running_loop().run_in_executor(self._executor, self.process.join, 5)
                raise ParserFailed(
                    f"the import's parser process stopped unexpectedly (exit code {self.process.exitcode})"
                )
            yield message
            if what != CHUNK:
                return

    async def close(self) -> None:
        """Stop the parser if it is still running (the import failed or was cancelled) and reap it."""
        if self.process.is_alive():
            self.process.terminate()  # its end of the pipe closes: a receive under way ends too
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(None, self._executor.shutdown)  # waits for that receive
        self._reader.close()
        await loop.run_in_executor(None, self.process.join)
        self.process.close()

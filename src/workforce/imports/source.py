"""Reading an uploaded or on-disk CSV file as a stream of rows, whatever its text encoding.

Files are read row by row (never whole into memory). The encoding is found by a quick byte scan first:
UTF-8 (with or without a byte-order mark), else Windows-1252 (what "Latin-1" exports from Excel and
GIAS usually are), else ISO-8859-1, which accepts any bytes.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

_SCAN_BLOCK = 1 << 20

# Large CSV cells (long reflections) must not trip the csv module's default 128 KiB limit.
csv.field_size_limit(16 * 1024 * 1024)


def _decodes_as(stream: BinaryIO, encoding: str) -> bool:
    stream.seek(0)
    decoder = codecs.getincrementaldecoder(encoding)()
    try:
        while block := stream.read(_SCAN_BLOCK):
            decoder.decode(block)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)
    return True


def detect_encoding(stream: BinaryIO) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        if _decodes_as(stream, encoding):
            return encoding
    return "latin-1"


class UnreadableCsv(ValueError):
    """The file cannot be read as CSV (e.g. a cell over 16 MiB: usually a binary file, not a CSV export)."""

    def __init__(self, row: int, reason: str):
        super().__init__(reason)
        self.row = row
        self.reason = reason


class CsvSource:
    """Rows of a CSV file with their spreadsheet row numbers (the header is row 1)."""

    def __init__(self, binary: BinaryIO, total_bytes: int, encoding: str | None = None):
        self.binary = binary
        self.total_bytes = total_bytes
        start = binary.read(8)
        binary.seek(0)
        if start.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise UnreadableCsv(
                1, "this is a spreadsheet workbook, not a CSV file: save it as CSV (UTF-8) first"
            )
        self.encoding = encoding or detect_encoding(binary)
        self._text = io.TextIOWrapper(binary, encoding=self.encoding, newline="")
        self._reader = csv.reader(self._text)
        self.row_number = 1
        self.header: list[str] | None = self._first_row()

    def _first_row(self) -> list[str] | None:
        try:
            return next(self._reader, None)
        except csv.Error as exc:
            raise UnreadableCsv(1, f"this is not a readable CSV file: {exc}") from None

    @property
    def bytes_read(self) -> int:
        try:
            return min(self.binary.tell(), self.total_bytes)
        except (OSError, ValueError):
            return 0

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) for each non-blank data row; ``UnreadableCsv`` if the text is not CSV."""
        reader = iter(self._reader)
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise UnreadableCsv(self.row_number + 1, f"this is not a readable CSV file: {exc}") from None
            self.row_number += 1
            if not values or not "".join(values).strip():  # blank row: every cell empty or spaces
                continue
            yield self.row_number, values


@contextmanager
def open_csv(source: Path | str | bytes, *, encoding: str | None = None) -> Iterator[CsvSource]:
    """The file as a ``CsvSource``; ``encoding``: already known (e.g. found when the file was first opened)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        binary: BinaryIO = io.BytesIO(data)
        total = len(data)
    else:
        path = Path(source)
        binary = path.open("rb")
        total = path.stat().st_size
    try:
        yield CsvSource(binary, total, encoding)
    finally:
        binary.close()

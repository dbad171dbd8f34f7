"""CSV downloads that are safe to open in a spreadsheet: the one writer every export uses.

A cell whose text starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is read by Excel,
LibreOffice and Google Sheets as a formula ("CSV injection"), so a name such as ``=HYPERLINK(...)`` typed into a
form could run when an HR lead opens the export. Such text cells are written with a leading apostrophe
(``'=HYPERLINK(...)``), which spreadsheets show as plain text. Numbers are written as numbers (a negative
number is not a formula), dates as ISO ``YYYY-MM-DD``, booleans as ``yes``/``no`` (as the imports accept them),
None as an empty cell.

    from workforce.csv_export import csv_response
    return csv_response(filename="findings-100001.csv", header=["urn", "rule"], rows=rows)

Downloads are UTF-8 with a byte-order mark (so Excel reads accents correctly) and CRLF line ends (RFC 4180).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from litestar import Response

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
_SAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def csv_cell(value: Any) -> str | int | float:
    """One cell's value as written: text that a spreadsheet would run as a formula gets a leading ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float, Decimal)):
        return value  # type: ignore[return-value]
    if isinstance(value, dt.datetime) or isinstance(value, dt.date):
        text = value.isoformat()
    else:
        text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole CSV document (header first), every cell made safe; no byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(name) for name in header])
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return buffer.getvalue()


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, bom: bool = True) -> bytes:
    """The CSV document encoded as UTF-8 (with a byte-order mark unless ``bom=False``)."""
    return ((BOM if bom else "") + csv_text(header, rows)).encode("utf-8")


def safe_filename(name: str) -> str:
    """A download file name made of letters, digits, dots, dashes and underscores only."""
    cleaned = re.sub(r"[-.]{2,}", "-", _SAFE_FILENAME.sub("-", name)).strip(".-") or "export.csv"
    return cleaned if cleaned.lower().endswith(".csv") else cleaned + ".csv"


def csv_response(*, filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> Response:
    """A CSV download (attachment, never cached: exports hold personal data)."""
    return Response(
        content=csv_bytes(header, rows),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{safe_filename(filename)}"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )

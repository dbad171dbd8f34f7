"""Parsing one CSV cell at a time, with one clear message for each thing that can be wrong.

Parsers take the stripped, non-empty text of a cell and return a value or raise ``FieldError``;
``RowCells`` applies them to a row and records every failure as a row error.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from typing import Any

from workforce.imports.report import ImportReport
from workforce.imports.vocabulary import match_choice


class FieldError(ValueError):
    """A cell's value is not acceptable; the message says why, for the person who fixes the file."""


_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_UK_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_GIAS_DATE = re.compile(r"^(\d{2})-(\d{2})-(\d{4})$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

TRUE_WORDS = frozenset({"yes", "y", "true", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "0"})


def _date(year: str, month: str, day: str, raw: str) -> dt.date:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        raise FieldError(f"{raw!r} is not a real date") from None


def parse_date(raw: str) -> dt.date:
    """An HR file date: ISO ``YYYY-MM-DD`` or UK ``DD/MM/YYYY``."""
    if match := _ISO_DATE.match(raw):
        return _date(match[1], match[2], match[3], raw)
    if match := _UK_DATE.match(raw):
        return _date(match[3], match[2], match[1], raw)
    raise FieldError(f"date must be YYYY-MM-DD or DD/MM/YYYY, got {raw!r}")


def parse_gias_date(raw: str) -> dt.date:
    """A GIAS extract date: ``DD-MM-YYYY``."""
    if match := _GIAS_DATE.match(raw):
        return _date(match[3], match[2], match[1], raw)
    raise FieldError(f"date must be DD-MM-YYYY, got {raw!r}")


def parse_bool(raw: str) -> bool:
    value = raw.lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise FieldError(f"must be yes or no (or true/false, Y/N, 1/0), got {raw!r}")


def integer(*, minimum: int | None = None, maximum: int | None = None, what: str = "a whole number"):
    def parse(raw: str) -> int:
        if not _INTEGER.match(raw):
            raise FieldError(f"must be {what}, got {raw!r}")
        value = int(raw)
        if minimum is not None and value < minimum:
            raise FieldError(f"must be at least {minimum}, got {raw!r}")
        if maximum is not None and value > maximum:
            raise FieldError(f"must be at most {maximum}, got {raw!r}")
        return value

    return parse


def number(*, minimum: float | None = None, maximum: float | None = None):
    def parse(raw: str) -> float:
        try:
            value = float(raw)
        except ValueError:
            raise FieldError(f"must be a number, got {raw!r}") from None
        if math.isnan(value) or math.isinf(value):
            raise FieldError(f"must be a number, got {raw!r}")
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            if minimum is not None and maximum is not None:
                raise FieldError(f"must be between {minimum:g} and {maximum:g}, got {raw!r}")
            if minimum is not None:
                raise FieldError(f"must be at least {minimum:g}, got {raw!r}")
            raise FieldError(f"must be at most {maximum:g}, got {raw!r}")
        return round(value, 4)

    return parse


def choice(choices: tuple[str, ...], aliases: dict[str, str] | None = None, *, what: str = "value"):
    def parse(raw: str) -> str:
        value = match_choice(raw, choices, aliases)
        if value is None:
            raise FieldError(f"unknown {what} {raw!r}; expected one of: {', '.join(choices)}")
        return value

    return parse


def text(max_length: int):
    def parse(raw: str) -> str:
        if len(raw) > max_length:
            raise FieldError(f"must be at most {max_length} characters, got {len(raw)}")
        return raw

    return parse


def email(raw: str) -> str:
    if len(raw) > 255 or not _EMAIL.match(raw):
        raise FieldError(f"not an email address: {raw!r}")
    return raw


def urn(raw: str) -> int:
    if not re.fullmatch(r"\d{6}", raw):
        raise FieldError(f"URN must be 6 digits, got {raw!r}")
    return int(raw)


def trust_uid(raw: str) -> str:
    if not re.fullmatch(r"\d{1,16}", raw):
        raise FieldError(f"trust UID must be the GIAS group UID (digits only), got {raw!r}")
    return raw


class RowCells:
    """One data row of a CSV file, read cell by cell; every failure becomes a row error on the report.

    ``cells`` holds the stripped text of each of the file's columns (``""`` for a cell the row lacks),
    computed once for the row: importers read it directly where speed matters (a million-row file).
    """

    __slots__ = ("cells", "index", "ok", "report", "row", "values")

    def __init__(self, row: int, values: list[str], index: dict[str, int], report: ImportReport):
        self.row = row
        self.values = values
        self.index = index
        self.report = report
        self.ok = True
        count = len(values)
        self.cells = {column: values[p].strip() if p < count else "" for column, p in index.items()}

    def has(self, column: str) -> bool:
        """Whether the file has this column at all (an absent optional column leaves the field alone)."""
        return column in self.index

    def raw(self, column: str) -> str:
        return self.cells.get(column, "")

    def error(self, column: str, message: str) -> None:
        self.ok = False
        self.report.add_error(self.row, column, message)

    def get(
        self,
        column: str,
        parse: Callable[[str], Any] | None = None,
        *,
        required: bool = False,
        default: Any = None,
    ) -> Any:
        """The parsed value of a cell; ``default`` when empty; None (and a row error) when invalid."""
        raw = self.cells.get(column, "")
        if raw == "":
            if required:
                self.error(column, f"{column} is required")
            return default
        if parse is None:
            return raw
        try:
            return parse(raw)
        except FieldError as exc:
            self.error(column, str(exc))
            return None

"""Date helpers shared by the engine, the web pages and the certificates.

Dates are shown to people as "3 January 2026" (GOV.UK style) and exchanged as ISO dates in JSON and CSV.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

# The academic year in England runs from 1 September to 31 August.
ACADEMIC_YEAR_START_MONTH = 9


def format_date(value: dt.date | None, *, empty: str = "") -> str:
    """``3 January 2026`` (no leading zero, full month name); ``empty`` for None."""
    if value is None:
        return empty
    if isinstance(value, dt.datetime):
        value = value.date()
    return f"{value.day} {MONTH_NAMES[value.month - 1]} {value.year}"


def iso_date(value: dt.date | None) -> str | None:
    """ISO 8601 (``2026-01-03``) for JSON and CSV, None stays None."""
    return value.isoformat() if value is not None else None


def parse_iso_date(value: str | dt.date) -> dt.date:
    """Parse ``YYYY-MM-DD`` strictly (a date passes through); ValueError with a readable message."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}") from None


def add_months(value: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier); the 31st becomes the month's last day."""
    index = value.year * 12 + (value.month - 1) + months
    year, month = divmod(index, 12)
    day = min(value.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day)


def add_years(value: dt.date, years: int) -> dt.date:
    """The same day ``years`` later: 3 January 2023 + 3 years = 3 January 2026 (29 February -> 28 February)."""
    return add_months(value, 12 * years)


@dataclass(frozen=True, slots=True)
class AcademicYear:
    start: dt.date  # 1 September
    end: dt.date  # 31 August

    @property
    def label(self) -> str:
        """``2026/27``."""
        return f"{self.start.year}/{str(self.end.year)[-2:]}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> AcademicYear:
        return academic_year(self.start - dt.timedelta(days=1))

    def contains(self, value: dt.date) -> bool:
        return self.start <= value <= self.end

    def describe(self) -> str:
        """``2026/27 (1 September 2026 to 31 August 2027)``."""
        return f"{self.label} ({format_date(self.start)} to {format_date(self.end)})"


def academic_year(value: dt.date) -> AcademicYear:
    """The academic year (1 September - 31 August) containing ``value``."""
    first = value.year if value.month >= ACADEMIC_YEAR_START_MONTH else value.year - 1
    return AcademicYear(
        start=dt.date(first, ACADEMIC_YEAR_START_MONTH, 1),
        end=dt.date(first + 1, ACADEMIC_YEAR_START_MONTH, 1) - dt.timedelta(days=1),
    )


def month_day_in_year(month_day: tuple[int, int], year: AcademicYear) -> dt.date:
    """The date of a ``(month, day)`` inside an academic year (1 June of 2026/27 is 1 June 2027)."""
    month, day = month_day
    calendar_year = year.start.year if month >= ACADEMIC_YEAR_START_MONTH else year.end.year
    day = min(day, calendar.monthrange(calendar_year, month)[1])
    return dt.date(calendar_year, month, day)

import datetime as dt

import pytest

from workforce.standards.dates import (
    academic_year,
    add_months,
    add_years,
    format_date,
    month_day_in_year,
    parse_iso_date,
)


@pytest.mark.parametrize(
    ("value", "text"),
    [(dt.date(2026, 1, 3), "3 January 2026"), (dt.date(2024, 12, 25), "25 December 2024"), (None, "")],
)
def test_format_date_reads_like_gov_uk(value, text):
    assert format_date(value) == text


def test_format_date_accepts_a_datetime_and_an_empty_placeholder():
    assert format_date(dt.datetime(2026, 9, 1, 12, 30)) == "1 September 2026"
    assert format_date(None, empty="not recorded") == "not recorded"


def test_adding_years_and_months_keeps_the_day_or_the_month_end():
    assert add_years(dt.date(2023, 1, 3), 3) == dt.date(2026, 1, 3)
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2027, 10, 31), -22) == dt.date(2025, 12, 31)
    assert add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)


def test_academic_years_run_from_1_september_to_31_august():
    year = academic_year(dt.date(2026, 11, 23))
    assert (year.start, year.end, year.label) == (dt.date(2026, 9, 1), dt.date(2027, 8, 31), "2026/27")
    assert academic_year(dt.date(2026, 8, 31)).label == "2025/26"
    assert academic_year(dt.date(2026, 9, 1)).label == "2026/27"
    assert year.previous().label == "2025/26"
    assert year.days == 365
    assert month_day_in_year((6, 1), year) == dt.date(2027, 6, 1)
    assert month_day_in_year((10, 1), year) == dt.date(2026, 10, 1)


def test_parse_iso_date_is_strict():
    assert parse_iso_date("2025-09-01") == dt.date(2025, 9, 1)
    with pytest.raises(ValueError, match="expected a date as YYYY-MM-DD"):
        parse_iso_date("01/09/2025")

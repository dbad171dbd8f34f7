"""Cell parsers and fixed vocabularies of the imports (no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from workforce.imports.gias import trust_type_for
from workforce.imports.parsing import (
    FieldError,
    RowCells,
    choice,
    email,
    integer,
    number,
    parse_bool,
    parse_date,
    parse_gias_date,
    urn,
)
from workforce.imports.report import ImportReport
from workforce.imports.vocabulary import QUALIFICATION_ALIASES, QUALIFICATION_KINDS, ROLES, match_choice


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2025-09-01", dt.date(2025, 9, 1)),
        ("01/09/2025", dt.date(2025, 9, 1)),
        ("1/9/2025", dt.date(2025, 9, 1)),
        ("29/02/2024", dt.date(2024, 2, 29)),
    ],
)
def test_hr_dates(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("2025-02-30", "'2025-02-30' is not a real date"),
        ("29/02/2025", "'29/02/2025' is not a real date"),
        ("09/01/25", "date must be YYYY-MM-DD or DD/MM/YYYY, got '09/01/25'"),
        ("01-09-2025", "date must be YYYY-MM-DD or DD/MM/YYYY, got '01-09-2025'"),
        ("2025/09/01", "date must be YYYY-MM-DD or DD/MM/YYYY, got '2025/09/01'"),
    ],
)
def test_bad_hr_dates(raw, message):
    with pytest.raises(FieldError) as exc:
        parse_date(raw)
    assert str(exc.value) == message


def test_gias_dates_are_day_month_year_with_hyphens():
    assert parse_gias_date("16-01-2020") == dt.date(2020, 1, 16)
    with pytest.raises(FieldError, match="date must be DD-MM-YYYY"):
        parse_gias_date("2020-01-16")
    with pytest.raises(FieldError, match="not a real date"):
        parse_gias_date("30-02-2020")


@pytest.mark.parametrize("raw", ["yes", "YES", "y", "Y", "true", "True", "1"])
def test_true_words(raw):
    assert parse_bool(raw) is True


@pytest.mark.parametrize("raw", ["no", "No", "n", "N", "false", "FALSE", "0"])
def test_false_words(raw):
    assert parse_bool(raw) is False


@pytest.mark.parametrize("raw", ["ja", "2", "t", "-"])
def test_other_words_are_not_booleans(raw):
    with pytest.raises(FieldError):
        parse_bool(raw)


def test_numbers_and_ranges():
    fte = number(minimum=0, maximum=1)
    assert fte("0.5") == 0.5 and fte("1") == 1.0 and fte("0") == 0.0
    for bad, message in (
        ("1.01", "between 0 and 1"),
        ("-0.1", "between 0 and 1"),
        ("nan", "a number"),
        ("x", "a number"),
    ):
        with pytest.raises(FieldError, match=message):
            fte(bad)
    assert number(minimum=0)("5") == 5.0
    with pytest.raises(FieldError, match="at least 0"):
        number(minimum=0)("-5")
    whole = integer(minimum=0)
    assert whole("276") == 276
    for bad in ("2.5", "1e3", "ten", ""):
        with pytest.raises(FieldError):
            whole(bad)


def test_urn_is_six_digits():
    assert urn("100000") == 100000
    for bad in ("10000", "1000000", "10000A", "-10000"):
        with pytest.raises(FieldError, match="URN must be 6 digits"):
            urn(bad)


def test_email():
    assert email("a.b@school.example") == "a.b@school.example"
    for bad in ("a.b", "a@b", "a b@c.d", "@c.d"):
        with pytest.raises(FieldError):
            email(bad)


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("npq-senco", "npq-senco"),
        ("NPQSENCO", "npq-senco"),
        ("npqs", "npq-senco"),
        ("NPQ SENCO", "npq-senco"),
        ("NPQ_SENCO", "npq-senco"),
        ("NPQH", "npq-headship"),
        ("nasenco", "nasenco"),
        ("MQHI", "mq-hearing"),
        ("mq-multi-sensory", "mq-multi-sensory"),
        ("MQ Multi Sensory", "mq-multi-sensory"),
        ("MQMSI", "mq-multi-sensory"),
    ],
)
def test_qualification_kinds_and_aliases(raw, kind):
    assert match_choice(raw, QUALIFICATION_KINDS, QUALIFICATION_ALIASES) == kind


def test_unknown_choices():
    assert match_choice("npq-sendco", QUALIFICATION_KINDS, QUALIFICATION_ALIASES) is None
    assert match_choice("Deputy  Head", ROLES) == "deputy-head"
    assert match_choice("TA", ROLES) == "ta"
    assert match_choice("teaching assistant", ROLES) is None
    with pytest.raises(FieldError, match="unknown role 'caretaker'; expected one of: teacher, ta"):
        choice(ROLES, what="role")("caretaker")


def test_trust_types_from_the_gias_flag():
    assert trust_type_for("Supported by a multi-academy trust") == "MAT"
    assert trust_type_for("Supported by a single-academy trust") == "SAT"
    assert trust_type_for("Supported by a trust") == "OTHER"


def test_row_cells_record_every_problem_and_treat_absent_columns_as_absent():
    report = ImportReport(kind="staff")
    cells = RowCells(5, [" 2025-01-01 ", "abc", ""], {"start": 0, "fte": 1, "name": 2}, report)
    assert cells.get("start", parse_date) == dt.date(2025, 1, 1)
    assert cells.get("fte", number(minimum=0, maximum=1)) is None
    assert cells.get("name", required=True) is None
    assert cells.get("missing", default="x") == "x" and not cells.has("missing")
    assert not cells.ok
    assert report.error_lines() == [
        "row 5, column fte: must be a number, got 'abc'",
        "row 5, column name: name is required",
    ]

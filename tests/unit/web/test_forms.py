import datetime as dt

from workforce.imports.parsing import number, text
from workforce.web.forms import CheckboxField, DateField, Field, Form


class ExampleForm(Form):
    fields = [
        Field("title", "Title", parse=text(10)),
        DateField("when", "Date of the activity", latest=lambda: dt.date(2026, 11, 23)),
        Field("hours", "Hours", parse=number(minimum=0, maximum=100), required=False, default=0.0),
        CheckboxField("send", "SEND"),
    ]

    @classmethod
    def check(cls, values):
        if values["title"] == "bad":
            return {"title": "Title cannot be bad"}
        return {}


def _date(day, month, year):
    return {"when-day": day, "when-month": month, "when-year": year}


def test_valid_form_returns_typed_values():
    result = ExampleForm.validate({"title": " CPD ", **_date("3", "1", "2026"), "hours": "1.5", "send": "yes"})
    assert result.ok
    assert result.values == {"title": "CPD", "when": dt.date(2026, 1, 3), "hours": 1.5, "send": True}


def test_missing_and_bad_fields_each_get_one_message():
    result = ExampleForm.validate({"title": "", **_date("31", "2", "2026"), "hours": "lots"})
    assert result.errors == {
        "title": "Enter title",
        "when": "Date of the activity must be a real date",
        "hours": "Hours must be a number, got 'lots'",
    }
    assert result.values == {"send": False}


def test_partial_and_future_dates_are_explained():
    assert ExampleForm.validate({"title": "x", **_date("3", "", "2026")}).errors["when"] == (
        "Date of the activity must include a month"
    )
    assert ExampleForm.validate({"title": "x", **_date("1", "1", "2027")}).errors["when"] == (
        "Date of the activity must be today or in the past"
    )


def test_cross_field_check_runs_only_when_fields_are_valid():
    assert ExampleForm.validate({"title": "bad", **_date("3", "1", "2026")}).errors == {"title": "Title cannot be bad"}
    assert ExampleForm.anchors() == {"when": "when-day"}

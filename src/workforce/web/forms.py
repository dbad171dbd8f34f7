"""Form objects: a form validates submitted fields and returns values or one message per field.

Messages are kept in one place per form (GOV.UK style: "Enter ...", "... must be ..."); parsers are the same
ones the CSV importers use, so a value the web accepts is a value an import accepts.

    class CpdForm(Form):
        fields = [
            Field("title", "Title", parse=text(255)),
            DateField("activity_date", "Date of the activity"),
            Field("hours", "Hours", parse=number(minimum=0, maximum=1000), required=False, default=0.0),
        ]

    result = CpdForm.validate(await request.form())
    if result.errors:  # re-render the page with a 422 and the GOV.UK error summary
        ...
    values = result.values

Valid -> 303 redirect (post/redirect/get); invalid -> re-render with status 422 and the error summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from workforce.imports.parsing import FieldError, parse_bool


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    parse: Callable[[str], Any] = str
    required: bool = True
    default: Any = None
    missing_message: str | None = None  # default: "Enter <label, lower case>"

    def raw(self, data: Mapping[str, Any]) -> str:
        value = data.get(self.name, "")
        return "" if value is None else str(value).strip()

    def clean(self, data: Mapping[str, Any]) -> Any:
        raw = self.raw(data)
        if raw == "":
            if self.required:
                raise FieldError(self.missing_message or f"Enter {self.label[0].lower()}{self.label[1:]}")
            return self.default
        try:
            return self.parse(raw)
        except FieldError as exc:
            raise FieldError(f"{self.label} {exc}") from None


@dataclass(frozen=True)
class CheckboxField(Field):
    """A yes/no checkbox or radio: absent means no."""

    required: bool = False
    default: Any = False

    def clean(self, data: Mapping[str, Any]) -> Any:
        raw = self.raw(data)
        if raw == "":
            return self.default
        try:
            return parse_bool(raw)
        except FieldError as exc:
            raise FieldError(f"{self.label} {exc}") from None


@dataclass(frozen=True)
class DateField(Field):
    """A GOV.UK date input: three fields ``<name>-day``, ``<name>-month``, ``<name>-year``."""

    earliest: dt.date | None = None
    latest: Callable[[], dt.date] | None = None

    def parts(self, data: Mapping[str, Any]) -> tuple[str, str, str]:
        return tuple(str(data.get(f"{self.name}-{p}", "") or "").strip() for p in ("day", "month", "year"))  # type: ignore[return-value]

    def raw(self, data: Mapping[str, Any]) -> str:
        return "".join(self.parts(data))

    def clean(self, data: Mapping[str, Any]) -> Any:
        day, month, year = self.parts(data)
        label = self.label[0].lower() + self.label[1:]
        if not (day or month or year):
            if self.required:
                raise FieldError(self.missing_message or f"Enter {label}")
            return self.default
        missing = [name for name, value in (("day", day), ("month", month), ("year", year)) if not value]
        if missing:
            raise FieldError(f"{self.label} must include a {' and a '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise FieldError(f"{self.label} must be a real date, like 27 3 2025")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise FieldError(f"{self.label} must be a real date") from None
        if self.earliest and value < self.earliest:
            raise FieldError(f"{self.label} must be on or after {self.earliest.day} {self.earliest:%B %Y}")
        if self.latest:
            latest = self.latest()
            if value > latest:
                raise FieldError(f"{self.label} must be today or in the past")
        return value

    def anchor(self) -> str:
        return f"{self.name}-day"


@dataclass
class FormResult:
    values: dict[str, Any] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)  # what was submitted, to re-fill the form

    @property
    def ok(self) -> bool:
        return not self.errors


class Form:
    """Subclasses list their ``fields`` and may override ``check`` for rules across fields."""

    fields: ClassVar[list[Field]] = []

    @classmethod
    def validate(cls, data: Mapping[str, Any]) -> FormResult:
        result = FormResult(data={k: str(v) for k, v in data.items() if isinstance(v, str)})
        for f in cls.fields:
            try:
                result.values[f.name] = f.clean(data)
            except FieldError as exc:
                result.errors[f.name] = str(exc)
        if not result.errors:
            for name, message in cls.check(result.values).items():
                result.errors.setdefault(name, message)
        return result

    @classmethod
    def check(cls, values: dict[str, Any]) -> dict[str, str]:
        """Rules across fields; returns field name -> message."""
        return {}

    @classmethod
    def anchors(cls) -> dict[str, str]:
        """Field name -> element id for the error summary links (date inputs link to their day box)."""
        return {f.name: f.anchor() for f in cls.fields if isinstance(f, DateField)}

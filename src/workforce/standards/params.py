"""Types of a rule's parameters: how a value from a standard file or a what-if override is checked.

Only *types* live here. Every value (every date, threshold, window and list) lives in the standard's
data file; a parameter missing from the file is an error, never a silent default.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from workforce.standards.dates import parse_iso_date


class ParamType:
    """Checks a value and converts it to its Python form; raises ValueError with what was expected."""

    description = "a value"

    def coerce(self, value: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def to_json(self, value: Any) -> Any:
        return value


class Number(ParamType):
    def __init__(self, *, minimum: float | None = 0.0, maximum: float | None = None, integer: bool = False):
        self.minimum = minimum
        self.maximum = maximum
        self.integer = integer
        self.description = "a whole number" if integer else "a number"
        if minimum is not None:
            self.description += f" >= {minimum:g}"
        if maximum is not None:
            self.description += f" <= {maximum:g}"

    def coerce(self, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError(f"expected {self.description}, got {value!r}")
        if isinstance(value, str):
            text = value.strip()
            try:
                value = int(text) if self.integer else float(text)
            except ValueError:
                raise ValueError(f"expected {self.description}, got {value!r}") from None
        if not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
            raise ValueError(f"expected {self.description}, got {value!r}")
        if self.integer:
            if isinstance(value, float) and not value.is_integer():
                raise ValueError(f"expected {self.description}, got {value!r}")
            value = int(value)
        else:
            value = float(value)
        if self.minimum is not None and value < self.minimum:
            raise ValueError(f"expected {self.description}, got {value!r}")
        if self.maximum is not None and value > self.maximum:
            raise ValueError(f"expected {self.description}, got {value!r}")
        return value


class Date(ParamType):
    description = "a date (YYYY-MM-DD)"

    def coerce(self, value: Any) -> dt.date:
        if isinstance(value, (dt.date, str)):
            return parse_iso_date(value)
        raise ValueError(f"expected {self.description}, got {value!r}")

    def to_json(self, value: dt.date) -> str:
        return value.isoformat()


class Bool(ParamType):
    description = "true or false"

    def coerce(self, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in {"true", "false", "yes", "no", "1", "0"}:
            return value.strip().lower() in {"true", "yes", "1"}
        raise ValueError(f"expected {self.description}, got {value!r}")


class Choice(ParamType):
    def __init__(self, *choices: str):
        self.choices = choices
        self.description = "one of " + ", ".join(choices)

    def coerce(self, value: Any) -> str:
        if isinstance(value, str) and value.strip() in self.choices:
            return value.strip()
        raise ValueError(f"expected {self.description}, got {value!r}")


class MonthDay(ParamType):
    """A day of the year as ``MM-DD`` (``06-01`` is 1 June)."""

    description = "a day of the year as MM-DD"

    def coerce(self, value: Any) -> tuple[int, int]:
        if isinstance(value, str):
            parts = value.strip().split("-")
            if len(parts) == 2 and all(part.isdigit() for part in parts):
                month, day = int(parts[0]), int(parts[1])
                try:
                    dt.date(2000, month, day)  # a leap year accepts 02-29
                except ValueError:
                    pass
                else:
                    return (month, day)
        raise ValueError(f"expected {self.description}, got {value!r}")

    def to_json(self, value: tuple[int, int]) -> str:
        return f"{value[0]:02d}-{value[1]:02d}"


class TextList(ParamType):
    """A non-empty list of short strings (a comma-separated string is accepted from the command line)."""

    def __init__(self, *, allow_empty: bool = False):
        self.allow_empty = allow_empty
        self.description = "a list of strings" if allow_empty else "a non-empty list of strings"

    def coerce(self, value: Any) -> tuple[str, ...]:
        if isinstance(value, str):
            value = [part.strip() for part in value.split(",") if part.strip()]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ValueError(f"expected {self.description}, got {value!r}")
        if not value and not self.allow_empty:
            raise ValueError(f"expected {self.description}, got an empty list")
        return tuple(v.strip() for v in value)

    def to_json(self, value: tuple[str, ...]) -> list[str]:
        return list(value)


class TextMap(ParamType):
    """A table of string keys to strings (or to lists of strings with ``lists=True``)."""

    def __init__(self, *, lists: bool = False, keys: tuple[str, ...] | None = None):
        self.lists = lists
        self.keys = keys
        self.description = "a table of " + ("lists of strings" if lists else "strings")
        if keys:
            self.description += " with keys " + ", ".join(keys)

    def coerce(self, value: Any) -> dict:
        if not isinstance(value, dict) or not value:
            raise ValueError(f"expected {self.description}, got {value!r}")
        out: dict[str, Any] = {}
        for key, item in value.items():
            if self.keys is not None and key not in self.keys:
                raise ValueError(f"unknown key {key!r}: expected {self.description}")
            if self.lists:
                out[key] = TextList().coerce(item)
            elif isinstance(item, str) and item.strip():
                out[key] = item.strip()
            else:
                raise ValueError(f"expected {self.description}, got {item!r} for {key!r}")
        if self.keys is not None:
            missing = [key for key in self.keys if key not in out]
            if missing:
                raise ValueError(f"missing keys {', '.join(missing)}: expected {self.description}")
        return out

    def to_json(self, value: dict) -> dict:
        return {key: list(item) if isinstance(item, tuple) else item for key, item in value.items()}


class NumberMap(ParamType):
    """A table of string keys to numbers (for example fallback figures per phase)."""

    def __init__(self, *, keys: tuple[str, ...] | None = None, minimum: float = 0.0):
        self.keys = keys
        self.number = Number(minimum=minimum)
        self.description = "a table of numbers" + (f" with keys {', '.join(keys)}" if keys else "")

    def coerce(self, value: Any) -> dict[str, float]:
        if not isinstance(value, dict) or not value:
            raise ValueError(f"expected {self.description}, got {value!r}")
        out = {}
        for key, item in value.items():
            if self.keys is not None and key not in self.keys:
                raise ValueError(f"unknown key {key!r}: expected {self.description}")
            try:
                out[key] = self.number.coerce(item)
            except ValueError as exc:
                raise ValueError(f"{key!r}: {exc}") from None
        if self.keys is not None:
            missing = [key for key in self.keys if key not in out]
            if missing:
                raise ValueError(f"missing keys {', '.join(missing)}: expected {self.description}")
        return out

"""Validation of people's identifiers, shared by imports and web forms."""

from __future__ import annotations

import re

_TRN = re.compile(r"^\d{7}$")


class InvalidTRN(ValueError):
    pass


def normalise_trn(raw: str | None) -> str | None:
    """Return a valid TRN as 7 digits, None for an empty value, or raise InvalidTRN with a clear message.

    A TRN (teacher reference number) is 7 digits, stored as text so leading zeros survive;
    ``0000000`` is not a real TRN. Spaces and an ``RP`` prefix in old-style references are not accepted.
    """
    if raw is None:
        return None
    value = raw.strip()
    if value == "":
        return None
    if not _TRN.match(value):
        raise InvalidTRN(f"TRN must be exactly 7 digits, got {value!r}")
    if value == "0000000":
        raise InvalidTRN("TRN 0000000 is not a valid teacher reference number")
    return value

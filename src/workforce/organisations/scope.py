"""Which rules cover a school, from its GIAS establishment type code (see STANDARDS.md)."""

from __future__ import annotations

SCOPE_GROUPS: dict[str, frozenset[int]] = {
    "mainstream-maintained": frozenset({1, 2, 3, 5}),
    "maintained-nursery": frozenset({15}),
    "mainstream-academy": frozenset({28, 34, 35, 40, 41}),
    "special": frozenset({7, 12, 33, 36, 44}),
    "alternative-provision": frozenset({14, 38, 42, 43}),
    "16-19": frozenset({39, 45, 46, 57}),
}
OUT_OF_SCOPE = "out-of-scope"

SCOPE_LABELS = {
    "mainstream-maintained": "Mainstream maintained school",
    "maintained-nursery": "Maintained nursery school",
    "mainstream-academy": "Mainstream academy or free school",
    "special": "State special school",
    "alternative-provision": "Pupil referral unit or alternative provision",
    "16-19": "16-19 academy or free school",
    OUT_OF_SCOPE: "Out of scope (independent, non-maintained special, FE or other)",
}

_BY_CODE = {code: group for group, codes in SCOPE_GROUPS.items() for code in codes}

CLOSED_STATUS = 2


def scope_group_for(type_code: int | None) -> str:
    """The rule-scope group of a GIAS ``TypeOfEstablishment (code)``."""
    if type_code is None:
        return OUT_OF_SCOPE
    return _BY_CODE.get(int(type_code), OUT_OF_SCOPE)

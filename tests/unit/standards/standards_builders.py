"""Builders for hand-made facts in the standards unit tests (no database)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from workforce.organisations.scope import scope_group_for
from workforce.standards import (
    CpdTally,
    ExemptionFacts,
    Facts,
    Finding,
    GovernorFacts,
    PersonFacts,
    PlacementFacts,
    PostFacts,
    QualificationFacts,
    SchoolFacts,
    TrustFacts,
    evaluate,
    load_standard,
)

D = dt.date
AS_OF = D(2026, 11, 23)
PROPOSED = load_standard("proposed-2025")
STATUTORY = load_standard("statutory-2024")

TYPE_CODES = {
    "mainstream-maintained": 1,
    "maintained-nursery": 15,
    "mainstream-academy": 28,
    "special": 7,
    "alternative-provision": 14,
    "16-19": 39,
    "out-of-scope": 11,
}


def school(urn: int = 100001, name: str = "Oak Primary", group: str = "mainstream-maintained", **kw) -> SchoolFacts:
    type_code = kw.pop("type_code", TYPE_CODES[group])
    assert scope_group_for(type_code) == group
    kw.setdefault("phase", "Primary")
    return SchoolFacts(urn=urn, name=name, type_code=type_code, scope_group=group, **kw)


def person(pid: int, first: str = "Aisha", last: str = "Khan", title: str = "Ms", *, qts: bool = True, trn: str | None = None):
    return PersonFacts(id=pid, first_name=first, last_name=last, title=title, qts=qts, trn=trn)


def post(pid: int, role: str, start: dt.date, *, urn: int | None = 100001, **kw) -> PostFacts:
    return PostFacts(person_id=pid, role=role, start=start, urn=urn, **kw)


def qual(pid: int, kind: str, status: str, *, start: dt.date | None = None, award: dt.date | None = None):
    return QualificationFacts(person_id=pid, kind=kind, status=status, start=start, award=award)


def cpd(pid: int, year: int, activities: int = 1, hours: float = 1.0, status: str = "verified") -> CpdTally:
    """SEND CPD in the academic year starting 1 September ``year``."""
    return CpdTally(person_id=pid, year_start=D(year, 9, 1), status=status, activities=activities, hours=hours)


def facts(*schools: SchoolFacts, **kw) -> Facts:
    return Facts(schools=tuple(schools) or (school(),), **{k: tuple(v) if isinstance(v, list) else v for k, v in kw.items()})


def run(f: Facts, rule: str | None = None, *, as_of: dt.date = AS_OF, overrides=None, standard=PROPOSED) -> list[Finding]:
    findings = evaluate(standard, f, as_of, overrides)
    return [x for x in findings if rule is None or x.rule == rule]


def one(findings: list[Finding], **match) -> Finding:
    found = [f for f in findings if all(getattr(f, k) == v for k, v in match.items())]
    assert len(found) == 1, f"expected one finding matching {match}, got {found}"
    return found[0]


__all__ = [
    "AS_OF",
    "D",
    "PROPOSED",
    "STATUTORY",
    "CpdTally",
    "ExemptionFacts",
    "Facts",
    "GovernorFacts",
    "PlacementFacts",
    "TrustFacts",
    "cpd",
    "facts",
    "one",
    "person",
    "post",
    "qual",
    "replace",
    "run",
    "school",
]

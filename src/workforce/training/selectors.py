"""Reads of training records (rows as plain dicts, newest first). Writes are in ``services``.

Callers check who may see a person (``workforce.web.security.can_see_staff``) before calling these.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from workforce.organisations.tables import School
from workforce.standards.dates import AcademicYear
from workforce.standards.dates import academic_year as academic_year_of
from workforce.training.tables import CpdRecord, Placement, Qualification


def _year(value: AcademicYear | dt.date | str | None) -> AcademicYear | None:
    """An academic year from an ``AcademicYear``, a date inside it, or a label like ``2025/26`` or ``2025``."""
    if value is None or isinstance(value, AcademicYear):
        return value
    if isinstance(value, dt.date):
        return academic_year_of(value)
    text = str(value).strip()
    try:
        first = int(text.split("/", 1)[0])
    except ValueError:
        raise ValueError(f"an academic year is written like 2025/26, got {value!r}") from None
    return academic_year_of(dt.date(first, 9, 1))


def _cpd_where(staff_id: int, year: AcademicYear | None):
    where = CpdRecord.staff == staff_id
    if year is not None:
        where = where & (CpdRecord.activity_date >= year.start) & (CpdRecord.activity_date <= year.end)
    return where


async def cpd_records_for_staff(
    staff_id: int, *, academic_year: AcademicYear | dt.date | str | None = None
) -> list[dict[str, Any]]:
    """A person's CPD records (all, or those dated in one academic year), newest activity first."""
    year = _year(academic_year)
    return await (
        CpdRecord.select()
        .where(_cpd_where(staff_id, year))
        .order_by(CpdRecord.activity_date, ascending=False)
        .order_by(CpdRecord.id, ascending=False)
    )


@dataclass(frozen=True)
class CpdPage:
    records: list[dict[str, Any]]
    page: int
    per_page: int
    total: int
    total_hours: float

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


async def cpd_records_page(
    staff_id: int,
    *,
    page: int = 1,
    per_page: int = 20,
    academic_year: AcademicYear | dt.date | str | None = None,
) -> CpdPage:
    """One page of a person's CPD records (newest first), with the count and hours of all of them."""
    year = _year(academic_year)
    where = _cpd_where(staff_id, year)
    total = await CpdRecord.count().where(where)
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    records = await (
        CpdRecord.select()
        .where(where)
        .order_by(CpdRecord.activity_date, ascending=False)
        .order_by(CpdRecord.id, ascending=False)
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    hours = await CpdRecord.select(CpdRecord.hours).where(where)
    return CpdPage(
        records=records,
        page=page,
        per_page=per_page,
        total=total,
        total_hours=round(sum(r["hours"] or 0 for r in hours), 2),
    )


async def cpd_record_get(record_id: int) -> dict[str, Any] | None:
    return await CpdRecord.select().where(CpdRecord.id == record_id).first()


async def cpd_record_for_owner(record_id: int, staff_id: int) -> dict[str, Any] | None:
    """The record when it belongs to ``staff_id`` (None otherwise, so pages can answer 404 either way)."""
    return await CpdRecord.select().where((CpdRecord.id == record_id) & (CpdRecord.staff == staff_id)).first()


async def qualifications_for_staff(staff_id: int) -> list[dict[str, Any]]:
    """A person's qualifications, most recently awarded or started first."""
    rows = await Qualification.select().where(Qualification.staff == staff_id)
    return sorted(
        rows,
        key=lambda q: (q["award_date"] or q["start_date"] or dt.date.min, q["id"]),
        reverse=True,
    )


async def placements_for_staff(staff_id: int) -> list[dict[str, Any]]:
    """A person's ITT/ECF placements, newest first, each with ``host_name`` (the school's name if known)."""
    rows = await (
        Placement.select()
        .where(Placement.staff == staff_id)
        .order_by(Placement.start_date, ascending=False)
        .order_by(Placement.id, ascending=False)
    )
    urns = {row["host_urn"] for row in rows}
    names = {}
    if urns:
        names = {
            s["urn"]: s["name"] for s in await School.select(School.urn, School.name).where(School.urn.is_in(list(urns)))
        }
    for row in rows:
        row["host_name"] = names.get(row["host_urn"], "")
    return rows


# ---------------------------------------------------------------- what a person owes

REQUIREMENTS_STANDARD = "proposed-2025"
"""The standard a person's own requirements are judged by (it includes every rule of statutory-2024)."""


@dataclass(frozen=True)
class Requirement:
    """One rule's judgement about one person at one school."""

    rule_id: str
    title: str
    basis: str  # law | guidance | committee | project-default
    outcome: str  # met | gap | due-soon | advisory | not-applicable
    reason: str
    due: dt.date | None
    urn: int | None
    school_name: str

    @property
    def required_by_law(self) -> bool:
        return self.basis == "law"


@dataclass(frozen=True)
class StaffRequirements:
    as_of: dt.date
    standard_title: str
    school_names: list[str]
    owed: list[Requirement]  # gaps and due-soon items, earliest due date first
    advisory: list[Requirement]
    met: list[Requirement]


async def staff_requirements(staff_id: int, *, as_of: dt.date | None = None) -> StaffRequirements:
    """What the standards say about this person on ``as_of``: what they still owe (with due dates) and what
    they meet, judged at every school (or trust-level post) where they work on that date."""
    from workforce.compliance.facts import facts_gather
    from workforce.organisations.tables import Trust
    from workforce.people.tables import Employment
    from workforce.standards import ADVISORY, DUE_SOON, GAP, MET, evaluate, load_standard

    as_of = as_of or dt.date.today()
    standard = load_standard(REQUIREMENTS_STANDARD)
    posts = await Employment.select(Employment.school, Employment.trust).where(
        (Employment.staff == staff_id)
        & (Employment.start_date <= as_of)
        & (Employment.end_date.is_null() | (Employment.end_date >= as_of))
    )
    school_ids = {p["school"] for p in posts if p["school"] is not None}
    trust_ids = {p["trust"] for p in posts if p["trust"] is not None}
    schools = (
        await School.select(School.urn, School.name).where(School.id.is_in(list(school_ids))) if school_ids else []
    )
    names = {s["urn"]: s["name"] for s in schools}
    findings = []
    if schools:
        facts = await facts_gather(as_of=as_of, school_urns=sorted(names))
        findings.extend(evaluate(standard, facts, as_of))
    if trust_ids:
        for trust in await Trust.select(Trust.uid, Trust.name).where(Trust.id.is_in(list(trust_ids))):
            facts = await facts_gather(as_of=as_of, trust_uid=trust["uid"])
            findings.extend(evaluate(standard, facts, as_of))
            names.setdefault(None, trust["name"])
    seen: set = set()
    owed: list[Requirement] = []
    advisory: list[Requirement] = []
    met: list[Requirement] = []
    for finding in findings:
        if finding.person_id != staff_id or (finding.rule, finding.urn) in seen:
            continue
        seen.add((finding.rule, finding.urn))
        rule = standard.rule(finding.rule)
        item = Requirement(
            rule_id=finding.rule,
            title=rule.title,
            basis=finding.basis,
            outcome=finding.outcome,
            reason=finding.reason,
            due=finding.due,
            urn=finding.urn,
            school_name=names.get(finding.urn, "") if finding.urn is not None else "",
        )
        if finding.outcome in (GAP, DUE_SOON):
            owed.append(item)
        elif finding.outcome == ADVISORY:
            advisory.append(item)
        elif finding.outcome == MET:
            met.append(item)
    owed.sort(key=lambda r: (r.due or dt.date.max, r.title))
    return StaffRequirements(
        as_of=as_of,
        standard_title=standard.title,
        school_names=sorted(n for n in names.values() if n),
        owed=owed,
        advisory=advisory,
        met=sorted(met, key=lambda r: r.title),
    )

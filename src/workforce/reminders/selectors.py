"""What is due soon: the standards engine's due-soon findings, with the names people need to act on them.

An item is one due-soon finding (a rule about a school, a trust, or a person at a school). Its ``item_key``
is stable while the finding stays the same (same standard, rule, subject and due date), so the digest can
tell whether it has already reminded someone about it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from workforce.compliance.evaluation import evaluate_scope
from workforce.organisations.tables import School, Trust
from workforce.people.tables import StaffMember
from workforce.standards import DUE_SOON, Finding, Standard

REMINDER_STANDARD = "proposed-2025"
"""The standard reminders follow (it includes every rule of statutory-2024)."""


@dataclass(frozen=True)
class DueItem:
    item_key: str
    rule_id: str
    title: str
    basis: str
    subject: str  # school | trust | person
    due: dt.date | None
    reason: str
    urn: int | None
    school_name: str
    trust_uid: str | None
    trust_name: str
    person_id: int | None
    person_name: str

    @property
    def required_by_law(self) -> bool:
        return self.basis == "law"

    @property
    def where(self) -> str:
        if self.urn is not None:
            return f"{self.school_name} (URN {self.urn})"
        return self.trust_name or (self.trust_uid or "")


def item_key(finding: Finding) -> str:
    parts = (
        finding.standard,
        finding.rule,
        finding.subject,
        "" if finding.urn is None else str(finding.urn),
        finding.trust_uid or "",
        "" if finding.person_id is None else str(finding.person_id),
        finding.due.isoformat() if finding.due else "",
    )
    return "|".join(parts)


async def due_items(standard: Standard, findings: Iterable[Finding]) -> list[DueItem]:
    """The due-soon findings as items with school, trust and person names, earliest due date first."""
    due = [f for f in findings if f.outcome == DUE_SOON]
    urns = {f.urn for f in due if f.urn is not None}
    uids = {f.trust_uid for f in due if f.trust_uid}
    people = {f.person_id for f in due if f.person_id is not None}
    schools = (
        {s["urn"]: s["name"] for s in await School.select(School.urn, School.name).where(School.urn.is_in(list(urns)))}
        if urns
        else {}
    )
    trusts = (
        {t["uid"]: t["name"] for t in await Trust.select(Trust.uid, Trust.name).where(Trust.uid.is_in(list(uids)))}
        if uids
        else {}
    )
    names = {}
    if people:
        for p in await StaffMember.select(StaffMember.id, StaffMember.first_name, StaffMember.last_name).where(
            StaffMember.id.is_in(list(people))
        ):
            names[p["id"]] = f"{p['first_name']} {p['last_name']}".strip()
    items = [
        DueItem(
            item_key=item_key(f),
            rule_id=f.rule,
            title=standard.rule(f.rule).title,
            basis=f.basis,
            subject=f.subject,
            due=f.due,
            reason=f.reason,
            urn=f.urn,
            school_name=schools.get(f.urn, "") if f.urn is not None else "",
            trust_uid=f.trust_uid,
            trust_name=trusts.get(f.trust_uid, "") if f.trust_uid else "",
            person_id=f.person_id,
            person_name=names.get(f.person_id, "") if f.person_id is not None else "",
        )
        for f in due
    ]
    items.sort(key=lambda i: (i.due or dt.date.max, i.school_name, i.title, i.person_name, i.item_key))
    return items


async def due_soon_for_school(urn: int, *, as_of: dt.date) -> list[DueItem]:
    """Everything due soon at one school (the school's own items and its staff's)."""
    standard, findings = await evaluate_scope(standard_id=REMINDER_STANDARD, as_of=as_of, school_urn=urn)
    return [item for item in await due_items(standard, findings) if item.urn == urn]


async def due_soon_for_trust(uid: str, *, as_of: dt.date) -> list[DueItem]:
    """Everything due soon in one trust: the trust's own items and those of its schools on ``as_of``."""
    standard, findings = await evaluate_scope(standard_id=REMINDER_STANDARD, as_of=as_of, trust_uid=uid)
    return [item for item in await due_items(standard, findings) if item.trust_uid == uid]


async def due_soon_everywhere(*, as_of: dt.date) -> list[DueItem]:
    """Everything due soon in the country (one evaluation, for the digest)."""
    standard, findings = await evaluate_scope(standard_id=REMINDER_STANDARD, as_of=as_of)
    return await due_items(standard, findings)


async def scope_name(*, school_urn: int | None = None, trust_uid: str | None = None) -> str:
    """The name of a school (by URN) or trust (by UID), for headings."""
    if school_urn is not None:
        row = await School.select(School.name).where(School.urn == school_urn).first()
        return row["name"] if row else str(school_urn)
    row = await Trust.select(Trust.name).where(Trust.uid == trust_uid).first()
    return row["name"] if row else str(trust_uid)

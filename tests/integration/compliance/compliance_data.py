"""Piccolo inserts for the compliance tests: small organisations, staff and training records."""

from __future__ import annotations

import datetime as dt

from workforce.organisations.scope import scope_group_for
from workforce.organisations.tables import School, Trust, TrustMembership
from workforce.people.tables import Employment, GovernanceRole, SencoExemption, StaffMember
from workforce.training.tables import CpdRecord, Placement, Qualification

D = dt.date
TYPE_CODES = {
    "mainstream-maintained": 1,
    "maintained-nursery": 15,
    "mainstream-academy": 28,
    "special": 7,
    "alternative-provision": 14,
    "16-19": 39,
    "out-of-scope": 11,
}


async def add_trust(uid: str, name: str, trust_type: str = "MAT") -> Trust:
    trust = Trust(uid=uid, name=name, trust_type=trust_type)
    await trust.save()
    return trust


async def add_school(urn: int, name: str, group: str = "mainstream-maintained", **kw) -> School:
    type_code = kw.pop("type_code", TYPE_CODES[group])
    kw.setdefault("phase", "Primary")
    school = School(urn=urn, name=name, type_code=type_code, scope_group=scope_group_for(type_code), **kw)
    await school.save()
    return school


async def add_membership(trust: Trust, school: School, joined: dt.date | None = None, left: dt.date | None = None):
    await TrustMembership(trust=trust.id, school=school.id, joined_on=joined, left_on=left).save()


async def add_staff(ref: str, first: str, last: str, title: str = "", *, qts: bool = False, trn: str | None = None) -> StaffMember:
    staff = StaffMember(staff_ref=ref, first_name=first, last_name=last, title=title, qts=qts, trn=trn)
    await staff.save()
    return staff


async def add_post(staff: StaffMember, role: str, start: dt.date, *, school: School | None = None, trust: Trust | None = None, **kw) -> Employment:
    post = Employment(
        staff=staff.id,
        school=school.id if school else None,
        trust=trust.id if trust else None,
        role=role,
        start_date=start,
        **kw,
    )
    await post.save()
    return post


async def add_qualification(staff: StaffMember, kind: str, status: str, start: dt.date | None = None, award: dt.date | None = None):
    await Qualification(staff=staff.id, kind=kind, status=status, start_date=start, award_date=award).save()


async def add_cpd(staff: StaffMember, day: dt.date, hours: float = 1.0, *, status: str = "verified", is_send: bool = True, title: str = "SEND training"):
    await CpdRecord(staff=staff.id, title=title, activity_date=day, hours=hours, status=status, is_send=is_send).save()


async def add_exemption(staff: StaffMember, served_from: dt.date | None, served_to: dt.date | None):
    await SencoExemption(staff=staff.id, served_from=served_from, served_to=served_to).save()


async def add_placement(staff: StaffMember, route: str, host_urn: int, start: dt.date, end: dt.date | None = None, days: int = 0):
    await Placement(staff=staff.id, route=route, host_urn=host_urn, start_date=start, end_date=end, days=days).save()


async def add_governor(name: str, *, school: School | None = None, trust: Trust | None = None, **kw):
    await GovernanceRole(
        full_name=name, school=school.id if school else None, trust=trust.id if trust else None, **kw
    ).save()

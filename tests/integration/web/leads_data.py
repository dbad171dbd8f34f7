"""Test data for the school lead and HR lead pages: two trusts, each with schools and staff.

    data = await two_trusts()
    data.schools["oak"].urn, data.staff["khan"].id, data.trusts["a"].uid

Trust A (Oak Learning Trust, UID 5001): Oak Academy (URN 610001) and Ash Academy (610002).
Trust B (Birch Trust, UID 5002): Birch Academy (610003).
Oak Academy: Ms Aisha Khan (SENCO, NPQ for SENCOs in progress, appointed 3 January 2023), Carol Lee (TA with
SEND CPD this year), Tom Hart (teacher, no CPD). Ash Academy: Priya Shah (SENCO without QTS).
Birch Academy: Bob Stone (SENCO, NASENCO passed).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from workforce.organisations.tables import School, Trust, TrustMembership
from workforce.people.tables import Employment, StaffMember
from workforce.training.tables import CpdRecord, Qualification

D = dt.date
AS_OF = D(2026, 11, 23)  # in the 2026/27 academic year, when the proposed-2025 CPD rule is in force
AS_OF_QUERY = "?standard=proposed-2025&as_of-day=23&as_of-month=11&as_of-year=2026"


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


@dataclass
class Data:
    trusts: dict[str, Trust] = field(default_factory=dict)
    schools: dict[str, School] = field(default_factory=dict)
    staff: dict[str, StaffMember] = field(default_factory=dict)
    employments: dict[str, Employment] = field(default_factory=dict)


async def add_trust(uid: str, name: str) -> Trust:
    trust = Trust(uid=uid, name=name, trust_type="MAT", updated_at=now())
    await trust.save()
    return trust


async def add_school(urn: int, name: str, trust: Trust | None, **fields) -> School:
    values = dict(
        type_code=28,
        scope_group="mainstream-academy",
        phase="Primary",
        number_of_pupils=300,
        sen_support_pupils=40,
        ehc_plan_pupils=5,
    )
    values.update(fields)
    school = School(urn=urn, name=name, updated_at=now(), **values)
    await school.save()
    if trust is not None:
        await TrustMembership.insert(
            TrustMembership(trust=trust.id, school=school.id, joined_on=D(2018, 9, 1))
        )
    return school


async def add_person(
    ref: str, first: str, last: str, *, title: str = "", qts: bool = False, trn: str | None = None
) -> StaffMember:
    person = StaffMember(
        staff_ref=ref,
        first_name=first,
        last_name=last,
        title=title,
        qts=qts,
        trn=trn,
        created_at=now(),
        updated_at=now(),
    )
    await person.save()
    return person


async def add_post(person: StaffMember, school: School, role: str, start: dt.date, **fields) -> Employment:
    post = Employment(
        staff=person.id, school=school.id, role=role, start_date=start, updated_at=now(), **fields
    )
    await post.save()
    return post


async def two_trusts() -> Data:
    data = Data()
    t, s, p, e = data.trusts, data.schools, data.staff, data.employments
    t["a"] = await add_trust("5001", "Oak Learning Trust")
    t["b"] = await add_trust("5002", "Birch Trust")
    s["oak"] = await add_school(610001, "Oak Academy", t["a"])
    s["ash"] = await add_school(610002, "Ash Academy", t["a"], sen_support_pupils=None, ehc_plan_pupils=None)
    s["birch"] = await add_school(610003, "Birch Academy", t["b"])

    p["khan"] = await add_person("OAK-1", "Aisha", "Khan", title="Ms", qts=True, trn="1234567")
    e["khan"] = await add_post(
        p["khan"], s["oak"], "senco", D(2023, 1, 3), fte=1.0, senco_fte=0.3, senior_leader=True
    )
    await Qualification.insert(
        Qualification(
            staff=p["khan"].id,
            kind="npq-senco",
            status="in-progress",
            start_date=D(2024, 10, 1),
            updated_at=now(),
        )
    )
    p["lee"] = await add_person("OAK-2", "Carol", "Lee", title="Mrs")
    e["lee"] = await add_post(p["lee"], s["oak"], "ta", D(2019, 1, 7), fte=0.6)
    await CpdRecord.insert(
        CpdRecord(
            staff=p["lee"].id,
            title="Autism awareness",
            activity_date=D(2026, 10, 1),
            hours=2.0,
            created_at=now(),
            updated_at=now(),
        )
    )
    p["hart"] = await add_person("OAK-3", "Tom", "Hart", title="Mr", qts=True, trn="2345678")
    e["hart"] = await add_post(p["hart"], s["oak"], "teacher", D(2021, 9, 1))

    p["shah"] = await add_person("ASH-1", "Priya", "Shah", title="Ms")
    e["shah"] = await add_post(p["shah"], s["ash"], "senco", D(2024, 1, 8))

    p["stone"] = await add_person("BIR-1", "Bob", "Stone", title="Mr", qts=True, trn="3456789")
    e["stone"] = await add_post(p["stone"], s["birch"], "senco", D(2019, 9, 1), senco_fte=0.5)
    await Qualification.insert(
        Qualification(
            staff=p["stone"].id,
            kind="nasenco",
            status="passed",
            start_date=D(2019, 9, 1),
            award_date=D(2020, 7, 1),
            updated_at=now(),
        )
    )
    return data

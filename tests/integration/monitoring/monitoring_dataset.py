"""A hand-built national data set with known answers, for the monitoring tests (both engines).

As of 15 March 2026 (academic year 2025/26). Five open, in-scope schools count; a closed school and an
independent school do not. The expected figures are worked out by hand in the tests, not by the code.

| school | region | LA  | phase          | type                | trust on as-of | pupils | SEN     |
|--------|--------|-----|----------------|---------------------|----------------|--------|---------|
| S1     | A      | 391 | Primary        | mainstream          | T1 (5001)      | 200    | 20+5    |
| S2     | A      | 391 | Secondary      | resourced provision | T1 (5001)      | 1000   | 100+20  |
| S3     | A      | 392 | Not applicable | special (type 7)    | none           | 100    | 0+100   |
| S4     | H      | 202 | Primary        | mainstream          | T2 (5002)      | 400    | 40+10   |
| S7     | H      | 202 | Primary        | mainstream          | none (joins T2 in June 2026) | 300 | 30+0 |
"""

from __future__ import annotations

import datetime as dt
import itertools

from workforce.compliance.tables import EvaluationSnapshot, SnapshotFinding
from workforce.organisations.tables import LocalAuthority, Region, School, Trust, TrustMembership
from workforce.people.tables import Employment, StaffMember
from workforce.training.tables import CpdRecord, Placement, Qualification

AS_OF = dt.date(2026, 3, 15)
THIS_YEAR = dt.date(2025, 10, 1)  # a date inside academic year 2025/26
LAST_YEAR = dt.date(2025, 6, 1)  # academic year 2024/25
NOW = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)

_refs = itertools.count(1)


class Builder:
    def __init__(self) -> None:
        self.schools: dict[str, School] = {}
        self.trusts: dict[str, Trust] = {}

    async def region(self, code: str, name: str) -> Region:
        region = Region(code=code, name=name)
        await region.save()
        return region

    async def la(self, code: str, name: str, region: Region) -> LocalAuthority:
        la = LocalAuthority(code=code, name=name, region=region.id)
        await la.save()
        return la

    async def trust(self, uid: str, name: str) -> Trust:
        trust = Trust(uid=uid, name=name, trust_type="MAT", updated_at=NOW)
        await trust.save()
        self.trusts[uid] = trust
        return trust

    async def school(self, label: str, urn: int, la: LocalAuthority, region: Region, **fields) -> School:
        values = dict(
            urn=urn,
            name=f"{label} School",
            local_authority=la.id,
            region=region.id,
            type_code=34,
            scope_group="mainstream-academy",
            phase="Primary",
            status_code=1,
            updated_at=NOW,
        )
        values.update(fields)
        school = School(**values)
        await school.save()
        self.schools[label] = school
        return school

    async def member(self, trust: Trust, school: School, joined=None, left=None) -> None:
        await TrustMembership(trust=trust.id, school=school.id, joined_on=joined, left_on=left).save()

    async def person(self, *, qts: bool = True) -> StaffMember:
        n = next(_refs)
        # Distinctive names, TRNs and emails, so a test can prove no page shows them.
        staff = StaffMember(
            staff_ref=f"MON{n:05d}", first_name=f"Yqvfirst{n}", last_name=f"Zqxname{n}", qts=qts,
            trn=f"{7000000 + n}" if qts else None, email=f"zqx{n}@staff.example", created_at=NOW, updated_at=NOW,
        )
        await staff.save()
        return staff

    async def employ(
        self, staff: StaffMember, school: School, role: str, *, fte: float = 1.0, senco_fte=None,
        start: dt.date = dt.date(2020, 9, 1), end: dt.date | None = None,
    ) -> None:
        await Employment(
            staff=staff.id, school=school.id, role=role, fte=fte, senco_fte=senco_fte, start_date=start,
            end_date=end, updated_at=NOW,
        ).save()

    async def staff(self, school: School, role: str, n: int, *, cpd: int = 0, fte: float = 1.0) -> list[StaffMember]:
        """``n`` people in ``role`` at ``school``; the first ``cpd`` of them did SEND CPD this year."""
        people = []
        for i in range(n):
            person = await self.person(qts=role != "ta")
            await self.employ(person, school, role, fte=fte)
            if i < cpd:
                await self.cpd(person, THIS_YEAR)
            people.append(person)
        return people

    async def cpd(self, staff: StaffMember, day: dt.date, *, is_send=True, status="verified") -> None:
        await CpdRecord(
            staff=staff.id, title="SEND CPD", activity_date=day, hours=2.0, is_send=is_send, status=status,
            created_at=NOW, updated_at=NOW,
        ).save()

    async def qualification(self, staff: StaffMember, kind: str, status: str = "passed", award=dt.date(2024, 7, 1)):
        await Qualification(
            staff=staff.id, kind=kind, status=status, start_date=dt.date(2023, 1, 1), award_date=award,
            updated_at=NOW,
        ).save()

    async def placement(self, staff: StaffMember, host: School, start: dt.date, route="ITT", end=None) -> None:
        await Placement(
            staff=staff.id, route=route, host_urn=host.urn, start_date=start, end_date=end, days=20, updated_at=NOW
        ).save()


async def build_dataset() -> Builder:
    """The data set, written in one transaction (one commit instead of hundreds: quick on SQLite)."""
    from workforce.database import engine

    async with engine().transaction():
        return await _build()


async def _build() -> Builder:
    b = Builder()
    a = await b.region("A", "North East")
    h = await b.region("H", "London")
    la391 = await b.la("391", "Newcastle upon Tyne", a)
    la392 = await b.la("392", "North Tyneside", a)
    la202 = await b.la("202", "Camden", h)
    t1 = await b.trust("5001", "Riverside Trust")
    t2 = await b.trust("5002", "Camden Trust")

    s1 = await b.school("S1", 100001, la391, a, number_of_pupils=200, sen_support_pupils=20, ehc_plan_pupils=5)
    s2 = await b.school(
        "S2", 100002, la391, a, type_code=28, phase="Secondary", resourced_provision=True,
        number_of_pupils=1000, sen_support_pupils=100, ehc_plan_pupils=20,
    )
    s3 = await b.school(
        "S3", 100003, la392, a, type_code=7, scope_group="special", phase="Not applicable",
        number_of_pupils=100, sen_support_pupils=0, ehc_plan_pupils=100,
    )
    s4 = await b.school("S4", 100004, la202, h, number_of_pupils=400, sen_support_pupils=40, ehc_plan_pupils=10)
    s5 = await b.school(
        "S5", 100005, la202, h, status_code=2, number_of_pupils=500, sen_support_pupils=50, ehc_plan_pupils=5
    )
    s6 = await b.school(
        "S6", 100006, la202, h, type_code=11, scope_group="out-of-scope", number_of_pupils=80,
        sen_support_pupils=8, ehc_plan_pupils=1,
    )
    s7 = await b.school(
        "S7", 100007, la202, h, type_code=2, scope_group="mainstream-maintained",
        number_of_pupils=300, sen_support_pupils=30, ehc_plan_pupils=None,
    )
    await b.member(t1, s1, joined=dt.date(2020, 1, 1))
    await b.member(t1, s2, joined=None)
    await b.member(t1, s4, joined=dt.date(2015, 1, 1), left=dt.date(2019, 8, 31))
    await b.member(t2, s4, joined=dt.date(2019, 9, 1))
    await b.member(t2, s7, joined=dt.date(2026, 6, 1))  # after the as-of date

    # S1: SENCO (0.5 SENCO time, NPQ passed), head (no SEND qualification), 6 teachers, 6 TAs at 0.5 FTE.
    senco1 = await b.person()
    await b.employ(senco1, s1, "senco", fte=1.0, senco_fte=0.5)
    await b.cpd(senco1, THIS_YEAR)
    await b.qualification(senco1, "npq-senco")
    head1 = await b.person()
    await b.employ(head1, s1, "headteacher")
    await b.cpd(head1, THIS_YEAR, status="self-reported")
    await b.qualification(head1, "npq-headship")
    teachers1 = await b.staff(s1, "teacher", 6, cpd=4)
    tas1 = await b.staff(s1, "ta", 6, cpd=4, fte=0.5)
    await b.placement(teachers1[0], s3, dt.date(2024, 1, 10))  # special host: specialist
    await b.placement(teachers1[1], s1, dt.date(2023, 9, 1), route="ECF")  # mainstream host
    leaver = await b.person()  # left before the as-of date: not counted
    await b.employ(leaver, s1, "teacher", end=dt.date(2026, 1, 31))
    await b.cpd(leaver, THIS_YEAR)
    starter = await b.person(qts=False)  # starts after the as-of date: not counted
    await b.employ(starter, s1, "ta", start=dt.date(2026, 4, 1))

    # S2: SENCO (NPQ in progress), head (head-send passed), 18 teachers, 10 TAs, one TA shared with S1.
    senco2 = await b.person()
    await b.employ(senco2, s2, "senco", fte=1.0)
    await b.cpd(senco2, THIS_YEAR)
    await b.qualification(senco2, "npq-senco", status="in-progress", award=None)
    head2 = await b.person()
    await b.employ(head2, s2, "headteacher")
    await b.cpd(head2, THIS_YEAR)
    await b.qualification(head2, "head-send", award=dt.date(2025, 7, 1))
    teachers2 = await b.staff(s2, "teacher", 18, cpd=15)
    await b.staff(s2, "ta", 9, cpd=9)
    await b.employ(tas1[0], s2, "ta", fte=1.0)  # counts at S1 and at S2
    for teacher in teachers2[:3]:
        await b.placement(teacher, s1, dt.date(2024, 9, 2), route="ECF", end=dt.date(2025, 7, 20))
    await b.placement(teachers2[3], s3, dt.date(2021, 1, 4), end=dt.date(2021, 6, 30))  # over 3 years ago
    for teacher in teachers2[15:18]:  # no SEND CPD this year: last year's and non-SEND CPD do not count
        await b.cpd(teacher, LAST_YEAR)
        await b.cpd(teacher, THIS_YEAR, is_send=False)
        await b.cpd(teacher, dt.date(2026, 5, 1))  # after the as-of date

    # S3 (special): head (NPQ for SENCOs), 5 teachers, 12 TAs at 0.8; everyone did SEND CPD. No SENCO.
    head3 = await b.person()
    await b.employ(head3, s3, "headteacher")
    await b.cpd(head3, THIS_YEAR)
    await b.qualification(head3, "npq-senco")
    await b.staff(s3, "teacher", 5, cpd=5)
    await b.staff(s3, "ta", 12, cpd=12, fte=0.8)

    # S4: SENCO post 0.6 FTE (also a 0.4 teacher post; NASENCO), head (SEND qualification failed),
    # 8 teachers, 4 TAs.
    senco4 = await b.person()
    await b.employ(senco4, s4, "senco", fte=0.6)
    await b.employ(senco4, s4, "teacher", fte=0.4)
    await b.cpd(senco4, THIS_YEAR)
    await b.qualification(senco4, "nasenco", award=dt.date(2019, 7, 1))
    head4 = await b.person()
    await b.employ(head4, s4, "headteacher")
    await b.cpd(head4, THIS_YEAR)
    await b.qualification(head4, "send-leadership", status="failed")
    teachers4 = await b.staff(s4, "teacher", 8, cpd=3)
    await b.staff(s4, "ta", 4, cpd=2)
    await b.placement(teachers4[0], s2, dt.date(2025, 1, 10))  # resourced provision host: specialist

    # S7: head, 2 teachers, 2 TAs at 0.5; CPD for the head and one TA. No SENCO.
    head7 = await b.person()
    await b.employ(head7, s7, "headteacher")
    await b.cpd(head7, THIS_YEAR)
    await b.staff(s7, "teacher", 2)
    await b.staff(s7, "ta", 2, cpd=1, fte=0.5)

    # Excluded schools: closed S5 and independent S6, with staff.
    await b.staff(s5, "senco", 1, cpd=1)
    await b.staff(s5, "teacher", 3, cpd=3)
    await b.staff(s6, "ta", 7, cpd=7)
    return b


async def snapshot(
    standard_id: str, as_of: dt.date, findings: list[tuple[str, int | None, str]], *, params="{}",
    created_at: dt.datetime = NOW, subject: str = "school",
) -> EvaluationSnapshot:
    snap = EvaluationSnapshot(
        standard_id=standard_id, standard_version="1", as_of=as_of, scope="national", params=params,
        finding_count=len(findings), content_hash="0" * 64, created_at=created_at,
    )
    await snap.save()
    for rule, urn, outcome in findings:
        await SnapshotFinding(
            snapshot=snap.id, rule=rule, subject=subject, urn=urn, outcome=outcome, basis="law", reason="test"
        ).save()
    return snap

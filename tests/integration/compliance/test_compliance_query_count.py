"""Gathering facts costs the same number of queries for 10 schools as for hundreds."""

from __future__ import annotations

import datetime as dt

import pytest

from compliance_data import D
from workforce.compliance.facts import facts_gather
from workforce.organisations.tables import School, Trust, TrustMembership
from workforce.people.tables import Employment, GovernanceRole, StaffMember
from workforce.training.tables import CpdRecord, Placement, Qualification

AS_OF = D(2026, 11, 23)


async def populate(count: int, *, first_urn: int, trust_uid: str) -> list[int]:
    """``count`` academies of one trust, each with a SENCO and a TA, their training and a governor."""
    trust = Trust(uid=trust_uid, name=f"Trust {trust_uid}", trust_type="MAT")
    await trust.save()
    urns = list(range(first_urn, first_urn + count))
    await School.insert(
        *[School(urn=urn, name=f"School {urn}", type_code=28, scope_group="mainstream-academy", number_of_pupils=300, sen_support_pupils=40) for urn in urns]
    )
    schools = await School.select(School.id, School.urn).where(School.urn.is_in(urns))
    await TrustMembership.insert(*[TrustMembership(trust=trust.id, school=s["id"], joined_on=D(2020, 9, 1)) for s in schools])
    await StaffMember.insert(
        *[StaffMember(staff_ref=f"{trust_uid}-{s['urn']}-{i}", first_name="Sam", last_name=f"Staff{s['urn']}{i}") for s in schools for i in (1, 2)]
    )
    staff = {
        row["staff_ref"]: row["id"]
        for row in await StaffMember.select(StaffMember.id, StaffMember.staff_ref).where(StaffMember.staff_ref.like(f"{trust_uid}-%"))
    }
    await Employment.insert(
        *[
            Employment(staff=staff[f"{trust_uid}-{s['urn']}-{i}"], school=s["id"], role=role, start_date=D(2021, 9, 1), fte=0.8)
            for s in schools
            for i, role in ((1, "senco"), (2, "ta"))
        ]
    )
    await Qualification.insert(
        *[Qualification(staff=staff[f"{trust_uid}-{s['urn']}-1"], kind="npq-senco", status="in-progress", start_date=D(2024, 10, 1)) for s in schools]
    )
    await CpdRecord.insert(
        *[CpdRecord(staff=staff[f"{trust_uid}-{s['urn']}-2"], title="SEND", activity_date=D(2026, 10, 1), hours=2.0) for s in schools]
    )
    await Placement.insert(
        *[Placement(staff=staff[f"{trust_uid}-{s['urn']}-1"], route="ITT", host_urn=s["urn"], start_date=D(2024, 1, 8)) for s in schools]
    )
    await GovernanceRole.insert(*[GovernanceRole(full_name=f"Governor {s['urn']}", school=s["id"]) for s in schools])
    return urns


async def gather_counts(query_counter, urns: list[int], trust_uid: str) -> dict[str, int]:
    counts = {}
    for name, kwargs in (("national", {}), ("trust", {"trust_uid": trust_uid}), ("schools", {"school_urns": urns})):
        query_counter.reset()
        facts = await facts_gather(as_of=AS_OF, **kwargs)
        counts[name] = query_counter.count
        if name != "national":
            assert len(facts.schools) == len(urns)
    return counts


async def test_the_query_count_does_not_grow_with_the_number_of_schools(query_counter):
    small = await populate(10, first_urn=200000, trust_uid="SMALL")
    small_counts = await gather_counts(query_counter, small, "SMALL")
    large = await populate(300, first_urn=300000, trust_uid="LARGE")
    large_counts = await gather_counts(query_counter, large, "LARGE")
    assert small_counts == large_counts
    assert max(large_counts.values()) <= 12
    query_counter.reset()
    facts = await facts_gather(as_of=AS_OF)
    assert len(facts.schools) == 310
    assert len(facts.people) == 620
    assert query_counter.count == large_counts["national"]


async def one_query_per_school(urns: list[int]) -> None:
    """What the gatherer must never do; here to prove the counter notices."""
    for urn in urns:
        await School.select(School.id).where(School.urn == urn)


async def test_the_query_counter_can_fail(query_counter):
    small = await populate(10, first_urn=200000, trust_uid="SMALL")
    query_counter.reset()
    await one_query_per_school(small)
    assert query_counter.count == 10
    large = await populate(40, first_urn=300000, trust_uid="LARGE")
    query_counter.reset()
    await one_query_per_school(large)
    assert query_counter.count == 40
    with pytest.raises(AssertionError):
        assert query_counter.count == 10  # the comparison the real test makes would fail for this gatherer


async def test_facts_of_the_bulk_data_set_are_complete(query_counter):
    urns = await populate(10, first_urn=200000, trust_uid="SMALL")
    facts = await facts_gather(as_of=AS_OF, trust_uid="SMALL")
    assert len(facts.posts) == 20
    assert len(facts.qualifications) == 10
    assert {t.activities for t in facts.cpd} == {1}
    assert len(facts.placements) == 10 and all(p.host_urn in urns for p in facts.placements)
    assert len(facts.governors) == 10
    assert isinstance(facts.posts[0].start, dt.date)

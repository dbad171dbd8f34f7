"""Facts gathered from the database match hand-built expectations, on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

import pytest

from compliance_data import D
from workforce.compliance.facts import ScopeError, facts_gather
from workforce.standards import (
    CpdTally,
    ExemptionFacts,
    Facts,
    GovernorFacts,
    NationalFigures,
    PersonFacts,
    PhasePupils,
    PhaseRoleFte,
    PlacementFacts,
    PostFacts,
    QualificationFacts,
    SchoolFacts,
    TrustFacts,
    evaluate,
    load_standard,
)

AS_OF = D(2026, 11, 23)


def normalised(facts: Facts) -> Facts:
    """Facts with every tuple in a canonical order (the database returns rows in any order)."""
    return replace(
        facts,
        **{
            name: tuple(sorted(getattr(facts, name), key=repr))
            for name in ("schools", "trusts", "people", "posts", "qualifications", "exemptions", "cpd", "placements", "governors")
        },
    )


def expected_national(ds) -> Facts:
    p = {key: staff.id for key, staff in ds.staff.items()}
    return Facts(
        schools=(
            SchoolFacts(100001, "Oak Academy", 28, "mainstream-academy", 1, "Primary", False, "TR01", 400, 60, 15),
            SchoolFacts(100002, "Ash Academy", 28, "mainstream-academy", 1, "Primary", False, "TR01", 300),
            SchoolFacts(100003, "Elm Academy", 28, "mainstream-academy", 1, "Primary", False, "TR02", 200),
            SchoolFacts(100004, "Birch Primary", 1, "mainstream-maintained", 1, "Primary", False, None, 250, 30, 5),
            SchoolFacts(100005, "Beech Special", 7, "special", 1, "Not applicable", False, "TR01", 80, sen_unit=True),
        ),
        trusts=(TrustFacts("TR01", "Oak Learning Trust", "MAT"), TrustFacts("TR02", "Elm Academy Trust", "SAT")),
        people=(
            PersonFacts(p["khan"], "Aisha", "Khan", "Ms", "1234567", True),
            PersonFacts(p["jones"], "Ben", "Jones", "Mr", None, True),
            PersonFacts(p["lee"], "Carol", "Lee", "Mrs", None, False),
            PersonFacts(p["patel"], "Dev", "Patel", "Dr", None, True),
            PersonFacts(p["stone"], "Eve", "Stone", "Miss", None, True),
            PersonFacts(p["head"], "Harry", "Head", "Mr", None, True),
            PersonFacts(p["iris"], "Iris", "Veteran", "Mrs", None, True),
        ),
        posts=(
            PostFacts(p["khan"], "senco", D(2023, 1, 3), None, 100001, None, 0.5, False, 0.4),
            PostFacts(p["khan"], "senco", D(2023, 1, 3), None, 100002, None, 0.5),
            PostFacts(p["jones"], "senco", D(2020, 9, 1), D(2023, 8, 31), 100006),
            PostFacts(p["jones"], "senco", D(2023, 9, 1), None, 100004),
            PostFacts(p["lee"], "ta", D(2019, 1, 7), None, 100001, None, 0.6),
            PostFacts(p["patel"], "trust-leader", D(2021, 1, 1), None, None, "TR01", 1.0, True),
            PostFacts(p["stone"], "teacher", D(2025, 9, 1), None, 100001, None, 1.0, False, None, "hearing", D(2025, 9, 1)),
            PostFacts(p["head"], "headteacher", D(2026, 9, 1), None, 100004, None, 1.0, True),
            PostFacts(p["iris"], "senco", D(2008, 1, 1), None, 100003),
        ),
        qualifications=(
            QualificationFacts(p["khan"], "npq-senco", "in-progress", D(2024, 10, 1), None),
            QualificationFacts(p["patel"], "nasenco", "passed", D(2010, 9, 1), D(2012, 7, 1)),
        ),
        exemptions=(ExemptionFacts(p["iris"], D(2008, 1, 1), D(2009, 8, 31)),),
        cpd=(
            CpdTally(p["lee"], D(2026, 9, 1), "verified", 1, 2.0),
            CpdTally(p["lee"], D(2026, 9, 1), "self-reported", 1, 0.5),
            CpdTally(p["lee"], D(2025, 9, 1), "self-reported", 1, 1.5),
        ),
        placements=(
            PlacementFacts(p["stone"], "ITT", D(2024, 1, 8), D(2024, 3, 22), 50, 100005, "Beech Special", "special", False, True),
        ),
        governors=(
            GovernorFacts("Dr R Patel", "governor", 100004, None, True, "", D(2022, 1, 1), None),
            GovernorFacts("Mrs L Brown", "trustee", None, "TR01", True, "Parent", None, None),
        ),
        national=NationalFigures(
            pupils=(PhasePupils("mainstream-academy", "Primary", 3, 900), PhasePupils("mainstream-maintained", "Primary", 1, 250)),
            fte=(
                PhaseRoleFte("mainstream-academy", "Primary", "senco", 2.0),
                PhaseRoleFte("mainstream-academy", "Primary", "ta", 0.6),
                PhaseRoleFte("mainstream-academy", "Primary", "teacher", 1.0),
                PhaseRoleFte("mainstream-maintained", "Primary", "headteacher", 1.0),
                PhaseRoleFte("mainstream-maintained", "Primary", "senco", 1.0),
            ),
        ),
        evaluate_trusts=True,
        as_of=AS_OF,
    )


async def test_national_facts_match_the_hand_built_expectation(dataset):
    facts = await facts_gather(as_of=AS_OF)
    expected = expected_national(dataset)
    got = normalised(facts)
    want = normalised(expected)
    for name in ("schools", "trusts", "people", "posts", "qualifications", "exemptions", "cpd", "placements", "governors"):
        assert getattr(got, name) == getattr(want, name), name
    assert got.national == want.national
    assert got == want


async def test_a_trust_scope_holds_its_schools_on_the_as_of_date_and_its_central_staff(dataset):
    facts = await facts_gather(as_of=AS_OF, trust_uid="TR01")
    assert [s.urn for s in facts.schools] == [100001, 100002, 100005]
    assert [t.uid for t in facts.trusts] == ["TR01"]
    assert dataset.staff["patel"].id in {p.id for p in facts.people}
    assert facts.evaluate_trusts
    before_the_move = await facts_gather(as_of=D(2024, 8, 31), trust_uid="TR01")
    assert [s.urn for s in before_the_move.schools] == [100001, 100005]
    old = await facts_gather(as_of=D(2024, 8, 31), trust_uid="TR03")
    assert [(s.urn, s.trust_uid) for s in old.schools] == [(100002, "TR03")]
    left = await facts_gather(as_of=AS_OF, trust_uid="TR03")
    assert left.schools == () and [t.uid for t in left.trusts] == ["TR03"]


async def test_the_day_a_school_changes_trust_it_belongs_to_the_new_one(dataset):
    on_the_day = await facts_gather(as_of=D(2024, 9, 1), school_urns=[100002])
    assert on_the_day.schools[0].trust_uid == "TR01"
    day_before = await facts_gather(as_of=D(2024, 8, 31), school_urns=[100002])
    assert day_before.schools[0].trust_uid == "TR03"


async def test_a_school_scope_has_its_staff_and_its_trust_board_but_judges_no_trust(dataset):
    facts = await facts_gather(as_of=AS_OF, school_urns=[100002])
    assert [s.urn for s in facts.schools] == [100002]
    assert not facts.evaluate_trusts
    assert [t.uid for t in facts.trusts] == ["TR01"]
    assert {p.id for p in facts.people} == {dataset.staff["khan"].id}
    assert [g.name for g in facts.governors] == ["Mrs L Brown"]


async def test_unknown_schools_and_trusts_are_refused(dataset):
    with pytest.raises(ScopeError, match="unknown school URN 999999"):
        await facts_gather(as_of=AS_OF, school_urns=[100001, 999999])
    with pytest.raises(ScopeError, match="unknown trust UID 'TR99'"):
        await facts_gather(as_of=AS_OF, trust_uid="TR99")


async def test_evaluating_the_gathered_facts(dataset):
    findings = evaluate(load_standard("proposed-2025"), await facts_gather(as_of=AS_OF), AS_OF)
    by = {(f.rule, f.urn, f.trust_uid if f.subject == "trust" else None, f.person_id): f for f in findings}
    khan, jones = dataset.staff["khan"].id, dataset.staff["jones"].id
    assert by[("senco-designated", 100001, None, None)].outcome == "met"
    assert by[("senco-designated", 100002, None, None)].outcome == "met"  # shared SENCO counts for both
    assert by[("senco-designated", 100003, None, None)].outcome == "met"
    assert by[("senco-qualification", 100001, None, khan)].outcome == "gap"
    moved = by[("senco-qualification", 100004, None, jones)]
    assert moved.outcome == "gap" and moved.due == D(2023, 9, 1)  # the clock started at Closed Primary in 2020
    assert by[("senco-qualification", 100003, None, dataset.staff["iris"].id)].outcome == "met"  # pre-2009 exemption
    assert by[("trust-senco-qualified", None, "TR01", None)].outcome == "met"
    assert by[("send-cpd-annual", 100001, None, dataset.staff["lee"].id)].outcome == "met"
    assert by[("governance-send", 100004, None, None)].outcome == "met"
    assert by[("governance-send", 100001, None, None)].outcome == "met"  # relies on the TR01 board
    assert by[("specialist-placement", 100001, None, dataset.staff["stone"].id)].outcome == "met"
    assert not [f for f in findings if f.urn in (100006, 100007)]


async def test_facts_gathered_inside_a_transaction_are_the_same(dataset):
    # Inside a transaction the rows come from the transaction's connection (on SQLite its column types are
    # converted by the driver: dates as dates, booleans as booleans), outside as stored: the facts are equal.
    from workforce.database import engine

    outside = await facts_gather(as_of=AS_OF)
    async with engine().transaction():
        inside = await facts_gather(as_of=AS_OF)
    assert normalised(inside) == normalised(outside) == normalised(expected_national(dataset))

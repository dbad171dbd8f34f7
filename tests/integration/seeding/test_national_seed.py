"""The national data set at scale 0.01 (about 216 schools), loaded through the importers on this engine."""

from __future__ import annotations

import collections

import pytest

from workforce.compliance.facts import facts_gather
from workforce.organisations.tables import School, Trust
from workforce.people.tables import AuditEntry, Employment, StaffMember
from workforce.seeding.national import (
    ACTOR,
    REFERENCE_DATE,
    NationalPlan,
    national_checksum,
    seed_national,
)
from workforce.standards import evaluate, load_standard
from workforce.training.tables import CpdRecord

SCALE = 0.01


def quiet(_line: str) -> None:
    pass


async def test_the_same_seed_loads_the_same_data_and_loading_again_changes_nothing():
    first = await seed_national(scale=SCALE, seed=42, reset=True, progress=quiet)
    first_sums = await national_checksum()
    counts = {name: count for name, (count, _) in first_sums.items()}
    plan = NationalPlan(scale=SCALE, seed=42)
    assert counts["schools"] == len(plan.schools)
    assert 9_000 <= counts["staff"] <= 13_000
    assert counts["cpd"] >= 3 * counts["staff"]
    assert counts["qualifications"] > 200 and counts["placements"] > 200 and counts["governance"] > 600
    assert first.rows["staff"] == counts["employments"]
    assert first.rows["cpd"] == counts["cpd"]

    # Loaded again without --reset: every record is found unchanged, nothing is written.
    audit_before = await AuditEntry.count()
    again = await seed_national(scale=SCALE, seed=42, progress=quiet)
    assert sum(again.created.values()) == 0
    assert await AuditEntry.count() == audit_before
    assert await national_checksum() == first_sums

    # Emptied and loaded again: the same rows (ids and timestamps aside).
    await seed_national(scale=SCALE, seed=42, reset=True, progress=quiet)
    assert await national_checksum() == first_sums


async def test_another_seed_gives_other_data():
    await seed_national(scale=SCALE, seed=42, reset=True, progress=quiet)
    first = await national_checksum()
    await seed_national(scale=SCALE, seed=43, reset=True, progress=quiet)
    other = await national_checksum()
    assert other["staff"] != first["staff"]
    assert other["cpd"] != first["cpd"]


async def test_proportions_in_the_database_and_the_engine_finds_a_realistic_mix():
    await seed_national(scale=SCALE, seed=42, reset=True, progress=quiet)
    schools = await School.select().where(School.status_code != 2)
    pupils = sum(s["number_of_pupils"] for s in schools)
    ehc = sum(s["ehc_plan_pupils"] for s in schools)
    support = sum(s["sen_support_pupils"] for s in schools)
    # January 2025: EHC plans 5.3%, SEN support 14.2%
    assert ehc / pupils == pytest.approx(0.053, abs=0.012)
    assert support / pupils == pytest.approx(0.142, abs=0.025)
    groups = collections.Counter(s["scope_group"] for s in schools)
    assert groups["special"] == 10 and groups["alternative-provision"] >= 3
    assert groups["mainstream-academy"] + groups["mainstream-maintained"] >= 190
    trust_types = collections.Counter(t["trust_type"] for t in await Trust.select(Trust.trust_type))
    assert trust_types["MAT"] == 13 and trust_types["SAT"] == 10
    roles = collections.Counter(e["role"] for e in await Employment.select(Employment.role))
    assert roles["headteacher"] == len(schools)
    assert roles["teacher"] > roles["ta"] > roles["assistant-head"] > 0
    assert roles["trust-leader"] >= 13
    with_trn = await StaffMember.count().where(StaffMember.trn.is_not_null())
    assert 0.45 <= with_trn / await StaffMember.count() <= 0.7
    assert await CpdRecord.count().where(CpdRecord.is_send == True) > 0
    assert (
        await AuditEntry.count().where(AuditEntry.actor == ACTOR) > 0
    )  # loaded through the audited importers

    facts = await facts_gather(as_of=REFERENCE_DATE)
    assert len(facts.schools) == len(schools)
    findings = evaluate(load_standard("proposed-2025"), facts, REFERENCE_DATE)
    outcomes = collections.defaultdict(collections.Counter)
    for finding in findings:
        outcomes[finding.rule][finding.outcome] += 1
    # Most schools have a qualified SENCO, some do not; some SENCOs are still within their three years.
    assert outcomes["senco-designated"]["met"] > outcomes["senco-designated"]["gap"] > 0
    assert outcomes["senco-qualification"]["met"] > 0 and outcomes["senco-qualification"]["gap"] > 0
    assert outcomes["senco-qualification"]["due-soon"] + outcomes["senco-qualification"]["met"] > 100
    assert outcomes["governance-send"]["met"] > outcomes["governance-send"]["gap"] > 0
    assert outcomes["ta-capacity"]["advisory"] > 0
    assert outcomes["send-cpd-annual"]["met"] > 0

"""Scenarios: candidate thresholds through the engine's what-if, counted by region (hand-built facts)."""

from __future__ import annotations

import datetime as dt

import pytest

from workforce.monitoring.scenarios import NATION, ScenarioParams, scenario_compare, set_arguments
from workforce.standards import (
    CpdTally,
    Facts,
    PersonFacts,
    PostFacts,
    SchoolFacts,
    StandardError,
    TrustFacts,
    load_standard,
)

AS_OF = dt.date(2026, 7, 1)
START = dt.date(2020, 9, 1)
NORTH, LONDON = ("region", "A"), ("region", "H")
REGIONS = {1: ("A", "North East"), 2: ("A", "North East"), 3: ("H", "London")}


def facts() -> Facts:
    schools = (
        SchoolFacts(1, "One Academy", 34, "mainstream-academy", phase="Primary", trust_uid="T1",
                    number_of_pupils=400, sen_support_pupils=80, ehc_plan_pupils=20),
        SchoolFacts(2, "Two School", 2, "mainstream-maintained", phase="Primary",
                    number_of_pupils=200, sen_support_pupils=20, ehc_plan_pupils=0),
        SchoolFacts(3, "Three Academy", 34, "mainstream-academy", phase="Secondary", trust_uid="T1",
                    number_of_pupils=1200, sen_support_pupils=120, ehc_plan_pupils=30),
    )
    posts = [
        PostFacts(1, "senco", START, urn=1, senco_fte=0.3),
        PostFacts(2, "senco", START, urn=2, fte=0.2),
        PostFacts(3, "senco", START, urn=3, senco_fte=1.0),
    ]
    posts += [PostFacts(pid, "ta", START, urn=1) for pid in (10, 11)]  # 2 TA FTE for 400 pupils
    posts += [PostFacts(pid, "ta", START, urn=2) for pid in range(20, 26)]  # 6 for 200
    posts += [PostFacts(pid, "ta", START, urn=3) for pid in range(30, 45)]  # 15 for 1200
    people = tuple(PersonFacts(p.person_id, "A", f"Person{p.person_id}", qts=p.role != "ta") for p in posts)
    cpd = (CpdTally(1, dt.date(2025, 9, 1), "verified", 1, 3.0),)
    return Facts(schools=schools, trusts=(TrustFacts("T1", "Trust One"),), people=people, posts=tuple(posts), cpd=cpd)


def by_rule(results):
    return {r.rule: r for r in results}


def test_candidate_thresholds_become_engine_overrides():
    standard = load_standard("proposed-2025")
    params = ScenarioParams(senco_fte_per_100_sen=0.25, ta_multiplier=2, cpd_min_hours=6, start_date=dt.date(2025, 9, 1))
    overrides = params.overrides(standard)
    assert overrides == {
        "senco-capacity.min_fte_per_100_sen": 0.25,
        "senco-capacity.amber_min_fte_per_100_sen": 0.25,  # lowered with the ratio, as the engine requires
        "ta-capacity.multiplier": 2,
        "send-cpd-annual.min_hours": 6,
        "send-cpd-annual.effective_from": "2025-09-01",
        "head-send-qualification.appointed_from": "2025-09-01",
    }
    assert set_arguments({"b.x": 1, "a.y": "2025-09-01"}) == ["--set", "a.y=2025-09-01", "--set", "b.x=1"]
    assert ScenarioParams().overrides(standard) == {}


def test_schools_trusts_and_extra_fte_with_and_without_the_scenario():
    standard = load_standard("proposed-2025")
    result = scenario_compare(
        standard, facts(), AS_OF, ScenarioParams(senco_fte_per_100_sen=0.25, ta_multiplier=2.0), REGIONS, threshold=1
    )
    base, scen = by_rule(result.baseline), by_rule(result.scenario)
    # Published: One Academy has 0.3 SENCO FTE for 100 pupils with SEN, below the amber line (0.35): short 0.2.
    assert base["senco-capacity"].value(NATION, "schools_assessed") == 3
    assert base["senco-capacity"].value(NATION, "schools_short") == 1
    assert base["senco-capacity"].value(NATION, "extra_fte") == pytest.approx(0.2)
    assert base["senco-capacity"].value(NATION, "trusts_short") == 1
    assert base["senco-capacity"].value(NORTH, "schools_short") == 1 and base["senco-capacity"].value(LONDON, "schools_short") == 0
    # With 0.25 FTE per 100 pupils with SEN nobody is short.
    assert scen["senco-capacity"].value(NATION, "schools_short") == 0
    assert scen["senco-capacity"].outcomes["met"] == 3
    # TAs: One Academy has 200 pupils per TA FTE; the primary limit is 1.5 x 25 = 37.5 (needs 400/37.5 - 2 FTE
    # more), and 2 x 25 = 50 with the scenario (400/50 - 2 = 6). The others are within both limits.
    assert base["ta-capacity"].value(NATION, "schools_short") == 1
    assert base["ta-capacity"].value(NATION, "extra_fte") == pytest.approx(400 / 37.5 - 2, abs=1e-3)
    assert scen["ta-capacity"].value(NATION, "extra_fte") == pytest.approx(6.0, abs=1e-3)
    assert result.regions == [(LONDON, "London"), (NORTH, "North East")]


def test_a_start_date_brings_the_cpd_rule_forward_and_counts_training_places():
    standard = load_standard("proposed-2025")
    result = scenario_compare(
        standard, facts(), AS_OF, ScenarioParams(start_date=dt.date(2025, 9, 1)), REGIONS, threshold=1
    )
    base, scen = by_rule(result.baseline), by_rule(result.scenario)
    # Published: the CPD rule starts in September 2026, so nobody needs a place yet.
    assert base["send-cpd-annual"].value(NATION, "places") == 0
    # From September 2025: 26 staff, one of whom did SEND CPD this year; after 1 June the other 25 are due.
    assert scen["send-cpd-annual"].outcomes["met"] == 1
    assert scen["send-cpd-annual"].value(NATION, "places") == 25
    assert scen["send-cpd-annual"].value(LONDON, "places") == 16  # Three Academy: its SENCO and 15 TAs
    assert scen["send-cpd-annual"].value(NORTH, "places") == 9  # One's 2 TAs; Two's SENCO and 6 TAs


def test_small_counts_are_suppressed_with_a_secondary_across_regions():
    result = scenario_compare(
        load_standard("proposed-2025"), facts(), AS_OF, ScenarioParams(start_date=dt.date(2025, 9, 1)), REGIONS,
        threshold=5,
    )
    cpd = by_rule(result.scenario)["send-cpd-annual"]
    assert cpd.value(NATION, "places") == 25 and cpd.value(LONDON, "places") == 16 and cpd.value(NORTH, "places") == 9
    ta = by_rule(result.baseline)["ta-capacity"]
    # 3, 2 and 1 schools assessed are all small, so the schools short (even London's 0) are hidden with them,
    # and so is the extra FTE that follows the schools short.
    assert ta.value(NATION, "schools_assessed") is None
    assert ta.value(NATION, "schools_short") is None and ta.value(NATION, "extra_fte") is None
    assert ta.value(NORTH, "schools_short") is None and ta.value(LONDON, "schools_short") is None
    assert ta.outcome("met") is None and ta.outcome("gap") == 0


def test_a_value_the_engine_refuses_is_a_clear_error():
    with pytest.raises(StandardError, match="multiplier"):
        scenario_compare(
            load_standard("proposed-2025"), facts(), AS_OF, ScenarioParams(ta_multiplier=0), REGIONS, threshold=5
        )

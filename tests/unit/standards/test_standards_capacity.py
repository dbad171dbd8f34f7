"""Rules 7 (senco-capacity) and 8 (ta-capacity)."""

import pytest

from standards_builders import D, facts, one, person, post, run, school
from workforce.standards import NationalFigures, PhasePupils, PhaseRoleFte

KHAN = person(1)


# ------------------------------------------------------------------------------------- senco-capacity
def capacity(fte, sen_support=80, ehc=20, **kw):
    s = school(sen_support_pupils=sen_support, ehc_plan_pupils=ehc, number_of_pupils=400)
    posts = [post(1, "senco", D(2020, 1, 1), senco_fte=fte)] if fte is not None else []
    return facts(s, people=[KHAN], posts=posts, **kw)


@pytest.mark.parametrize(
    ("fte", "outcome"),
    [
        (0.5, "met"),  # 100 pupils with SEN: 0.5 FTE expected
        (0.49, "advisory"),  # below 0.5 per 100 but not below 0.35: amber
        (0.35, "advisory"),
        (0.34, "gap"),
        (None, "gap"),
    ],
)
def test_senco_capacity_bands(fte, outcome):
    finding = one(run(capacity(fte), "senco-capacity"))
    assert finding.outcome == outcome
    assert finding.basis == "project-default"
    assert finding.metrics["required_fte"] == 0.5
    assert finding.metrics["sen_pupils"] == 100


def test_senco_capacity_reason_and_metrics():
    finding = one(run(capacity(0.4), "senco-capacity"))
    assert finding.reason == (
        "SENCO time at Oak Primary is 0.4 FTE for 100 pupils with SEN (0.4 FTE per 100): amber, below the 0.5 FTE "
        "expected (the larger of 0.2 FTE and 0.5 FTE per 100 pupils with SEN) but not below 0.35 FTE per 100 "
        "pupils with SEN."
    )
    assert finding.metrics["senco_fte"] == 0.4
    assert finding.metrics["fte_per_100_sen"] == 0.4


def test_the_minimum_fte_applies_to_small_numbers_of_pupils_with_sen():
    assert one(run(capacity(0.2, sen_support=10, ehc=0), "senco-capacity")).outcome == "met"
    small = one(run(capacity(0.1, sen_support=10, ehc=0), "senco-capacity"))
    assert small.outcome == "gap"
    assert "below the minimum of 0.2 FTE" in small.reason


def test_senco_fte_falls_back_to_the_post_fte_and_adds_up_shared_sencos():
    s = school(sen_support_pupils=90, ehc_plan_pupils=10)
    posts = [post(1, "senco", D(2020, 1, 1), fte=0.3), post(2, "senco", D(2021, 1, 1), fte=1.0, senco_fte=0.2)]
    finding = one(run(facts(s, people=[KHAN, person(2, "Ben", "Jones")], posts=posts), "senco-capacity"))
    assert finding.metrics["senco_fte"] == 0.5
    assert finding.outcome == "met"


def test_senco_capacity_thresholds_are_levers():
    overrides = {"senco-capacity.min_fte_per_100_sen": 0.6}
    finding = one(run(capacity(0.5), "senco-capacity", overrides=overrides))
    assert finding.outcome == "advisory"
    assert finding.metrics["required_fte"] == 0.6


def test_unknown_sen_numbers_cannot_be_checked():
    finding = one(run(capacity(0.5, sen_support=None, ehc=None), "senco-capacity"))
    assert finding.outcome == "advisory"
    assert "not recorded" in finding.reason


def test_senco_capacity_does_not_apply_to_special_schools():
    special = school(100003, "Beech Special", "special", sen_support_pupils=0, ehc_plan_pupils=120)
    assert one(run(facts(special), "senco-capacity")).outcome == "not-applicable"


# ------------------------------------------------------------------------------------- ta-capacity
def ta_school(tas, pupils=300, **kw):
    s = school(number_of_pupils=pupils, **kw)
    posts = [post(10 + i, "ta", D(2020, 1, 1), fte=fte, urn=s.urn) for i, fte in enumerate(tas)]
    return s, posts


def test_ta_capacity_uses_the_fallback_figure_without_enough_national_data():
    s, posts = ta_school([1.0, 1.0, 1.0, 1.0])  # 75 pupils per TA FTE > 1.5 x 25
    finding = one(run(facts(s, posts=posts), "ta-capacity"))
    assert finding.outcome == "advisory"
    assert finding.metrics["national_source"] == "fallback"
    assert finding.metrics["limit_pupils_per_ta_fte"] == 37.5
    assert "more than 1.5 x the primary fallback figure of 25 (limit 37.5)" in finding.reason
    s, posts = ta_school([4.0, 4.0])  # 37.5 pupils per TA FTE: exactly at the limit
    assert one(run(facts(s, posts=posts), "ta-capacity")).outcome == "met"


def test_ta_capacity_uses_the_national_figure_from_the_data_when_enough_schools_have_staff():
    national = NationalFigures(
        pupils=(PhasePupils("mainstream-maintained", "Primary", 30, 9000), PhasePupils("mainstream-academy", "Primary", 10, 3000)),
        fte=(
            PhaseRoleFte("mainstream-maintained", "Primary", "ta", 200.0),
            PhaseRoleFte("mainstream-academy", "Primary", "ta", 100.0),
            PhaseRoleFte("mainstream-maintained", "Primary", "teacher", 500.0),
        ),
    )
    s, posts = ta_school([4.0])  # 75 pupils per TA FTE; national 12000 / 300 = 40, limit 60
    finding = one(run(facts(s, posts=posts, national=national), "ta-capacity"))
    assert finding.metrics["national_source"] == "data"
    assert finding.metrics["national_pupils_per_ta_fte"] == 40
    assert finding.outcome == "advisory"
    s, posts = ta_school([6.0])  # 50 pupils per TA FTE: within 60
    assert one(run(facts(s, posts=posts, national=national), "ta-capacity")).outcome == "met"
    fewer = one(run(facts(s, posts=posts, national=national), "ta-capacity", overrides={"ta-capacity.min_schools_for_national": 41}))
    assert fewer.metrics["national_source"] == "fallback"


def test_no_teaching_assistants_is_flagged_and_a_scenario_can_make_it_a_gap():
    s, posts = ta_school([])
    finding = one(run(facts(s, posts=posts), "ta-capacity"))
    assert finding.outcome == "advisory"
    assert "no teaching assistant FTE recorded" in finding.reason
    assert one(run(facts(s, posts=posts), "ta-capacity", overrides={"ta-capacity.flag_outcome": "gap"})).outcome == "gap"


def test_special_schools_are_compared_with_the_special_figure():
    special = school(100003, "Beech Special", "special", phase="Not applicable", number_of_pupils=60)
    posts = [post(10, "ta", D(2020, 1, 1), fte=15.0, urn=100003)]
    finding = one(run(facts(special, posts=posts), "ta-capacity"))
    assert finding.metrics["phase"] == "special"
    assert finding.outcome == "met"  # 4 pupils per TA FTE <= 1.5 x 3


def test_an_unknown_phase_is_not_applicable():
    s = school(phase="Not applicable", number_of_pupils=100)
    assert one(run(facts(s), "ta-capacity")).outcome == "not-applicable"

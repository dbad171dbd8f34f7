"""Rules 3 (mq-sensory) and 4 (send-cpd-annual) on hand-built facts."""

import pytest

from standards_builders import AS_OF, D, STATUTORY, cpd, facts, one, person, post, qual, run, school

KHAN = person(1)
JONES = person(2, "Ben", "Jones", "Mr")


# ------------------------------------------------------------------------------------- mq-sensory
def sensory(start=D(2022, 1, 10), *quals, since=None, **kw):
    return facts(
        people=[KHAN],
        posts=[post(1, "teacher", start, sensory_class="hearing", sensory_class_since=since), *kw.pop("posts", [])],
        qualifications=list(quals),
        **kw,
    )


def test_mq_deadline_is_three_years_after_starting_the_post_with_boundaries():
    f = sensory()
    day_before = one(run(f, "mq-sensory", as_of=D(2025, 1, 9), standard=STATUTORY))
    assert day_before.outcome == "due-soon"
    assert day_before.due == D(2025, 1, 10)
    assert one(run(f, "mq-sensory", as_of=D(2025, 1, 10), standard=STATUTORY)).outcome == "due-soon"
    after = one(run(f, "mq-sensory", as_of=D(2025, 1, 11), standard=STATUTORY))
    assert after.outcome == "gap"
    assert after.reason == (
        "Ms A Khan has taught a class of pupils with hearing impairment since 10 January 2022 without the "
        "mandatory qualification for teachers of pupils with hearing impairment (MQHI); it had to be obtained "
        "by 10 January 2025."
    )
    early = one(run(f, "mq-sensory", as_of=D(2023, 1, 1), standard=STATUTORY))
    assert early.outcome == "met" and early.due == D(2025, 1, 10)


def test_mq_clock_uses_the_sensory_class_date_when_recorded():
    f = sensory(D(2015, 9, 1), since=D(2024, 9, 1))
    assert one(run(f, "mq-sensory", standard=STATUTORY)).due == D(2027, 9, 1)


def test_the_matching_mq_meets_the_rule_and_another_does_not():
    held = sensory(D(2018, 9, 1), qual(1, "mq-hearing", "passed", award=D(2020, 7, 1)))
    finding = one(run(held, "mq-sensory", standard=STATUTORY))
    assert finding.outcome == "met"
    assert "holds the mandatory qualification for teachers of pupils with hearing impairment (MQHI) (passed 1 July 2020)" in finding.reason
    wrong = sensory(D(2018, 9, 1), qual(1, "mq-visual", "passed", award=D(2020, 7, 1)))
    assert one(run(wrong, "mq-sensory", standard=STATUTORY)).outcome == "gap"


def test_mq_clock_does_not_restart_when_the_teacher_moves_school():
    earlier = post(1, "teacher", D(2019, 9, 1), urn=100099, end=D(2022, 8, 31), sensory_class="hearing")
    f = sensory(D(2022, 9, 1), posts=[earlier])
    finding = one(run(f, "mq-sensory", as_of=D(2023, 1, 1), standard=STATUTORY))
    assert finding.due == D(2022, 9, 1)
    assert finding.outcome == "gap"


def test_a_school_without_sensory_classes_is_not_applicable():
    finding = one(run(facts(people=[KHAN], posts=[post(1, "teacher", D(2020, 1, 1))]), "mq-sensory"))
    assert finding.outcome == "not-applicable" and finding.subject == "school"


def test_mq_applies_in_special_schools():
    special = school(100003, "Beech Special", "special")
    f = facts(special, people=[KHAN], posts=[post(1, "teacher", D(2020, 1, 1), urn=100003, sensory_class="visual")])
    assert one(run(f, "mq-sensory")).outcome == "gap"


# ------------------------------------------------------------------------------------- send-cpd-annual
def staff(*tallies, start=D(2020, 9, 1), role="teacher", fte=1.0, extra_posts=(), people=(KHAN,)):
    return facts(
        people=list(people), posts=[post(1, role, start, fte=fte), *extra_posts], cpd=list(tallies)
    )


def test_cpd_is_not_applicable_before_it_takes_effect():
    finding = one(run(staff(), "send-cpd-annual", as_of=D(2026, 8, 31)))
    assert finding.outcome == "not-applicable"
    assert finding.subject == "school"
    assert finding.reason == "This rule applies from 1 September 2026."
    assert one(run(staff(), "send-cpd-annual", as_of=D(2026, 9, 1))).subject == "person"


def test_cpd_completed_this_year_is_met():
    finding = one(run(staff(cpd(1, 2026, activities=2, hours=3.5)), "send-cpd-annual"))
    assert finding.outcome == "met"
    assert finding.due is None
    assert finding.reason == (
        "Ms A Khan has completed 2 SEND CPD activities (3.5 hours) in 2026/27; 1 SEND CPD activity required."
    )
    assert finding.basis == "committee"


def test_nothing_yet_before_1_june_is_met_with_a_due_date_and_from_1_june_due_soon():
    before = one(run(staff(), "send-cpd-annual", as_of=D(2027, 5, 31)))
    assert before.outcome == "met"
    assert before.due == D(2027, 8, 31)
    assert "has until 31 August 2027 to complete 1 SEND CPD activity in 2026/27" in before.reason
    on = one(run(staff(), "send-cpd-annual", as_of=D(2027, 6, 1)))
    assert on.outcome == "due-soon"
    assert on.due == D(2027, 8, 31)
    assert on.reason == (
        "Ms A Khan has no SEND CPD recorded in 2026/27; 1 SEND CPD activity must be completed by 31 August 2027."
    )
    assert one(run(staff(), "send-cpd-annual", as_of=D(2027, 8, 31))).outcome == "due-soon"


def test_a_missed_previous_year_is_a_gap_until_this_year_is_done():
    last_year_missed = one(run(staff(), "send-cpd-annual", as_of=D(2027, 10, 1)))
    assert last_year_missed.outcome == "gap"
    assert last_year_missed.due == D(2027, 8, 31)
    assert "completed no SEND CPD in 2026/27 (1 September 2026 to 31 August 2027)" in last_year_missed.reason
    caught_up = one(run(staff(cpd(1, 2027)), "send-cpd-annual", as_of=D(2027, 10, 1)))
    assert caught_up.outcome == "met"
    done_last_year = one(run(staff(cpd(1, 2026)), "send-cpd-annual", as_of=D(2027, 10, 1)))
    assert done_last_year.outcome == "met" and done_last_year.due == D(2028, 8, 31)


def test_the_effective_date_is_a_what_if_lever():
    overrides = {"send-cpd-annual.effective_from": "2025-09-01"}
    finding = one(run(staff(), "send-cpd-annual", overrides=overrides))
    assert finding.outcome == "gap"  # 2025/26 was missed
    assert "2025/26" in finding.reason


def test_new_starters_have_no_requirement_in_their_first_30_days():
    f = staff(start=D(2026, 11, 1))
    first_days = one(run(f, "send-cpd-annual", as_of=D(2026, 11, 30)))
    assert first_days.outcome == "not-applicable"
    assert first_days.subject == "person"
    assert "started on 1 November 2026; no SEND CPD is required in the first 30 days (it is required from 1 December 2026)" in first_days.reason
    day_30 = one(run(f, "send-cpd-annual", as_of=D(2026, 12, 1)))
    assert day_30.outcome == "met" and day_30.due == D(2027, 8, 31)
    assert "pro rata from 1 December 2026" in day_30.reason


def test_mid_year_joiners_have_pro_rata_hours():
    # joined 1 March 2027: requirement from 31 March, 154 of 365 days of 2026/27 -> 6 h x 154/365 = 2.53 h
    overrides = {"send-cpd-annual.min_hours": 6}
    short = staff(cpd(1, 2026, activities=1, hours=2.5), start=D(2027, 3, 1))
    assert one(run(short, "send-cpd-annual", as_of=D(2027, 6, 15), overrides=overrides)).outcome == "due-soon"
    enough = staff(cpd(1, 2026, activities=1, hours=2.6), start=D(2027, 3, 1))
    met = one(run(enough, "send-cpd-annual", as_of=D(2027, 6, 15), overrides=overrides))
    assert met.outcome == "met"
    assert "1 SEND CPD activity and 2.5 hours (pro rata from 31 March 2027) required" in met.reason


def test_part_time_staff_have_pro_rata_hours_only_when_an_hours_threshold_is_set():
    overrides = {"send-cpd-annual.min_hours": 6}
    half = staff(cpd(1, 2026, activities=1, hours=3.0), fte=0.5)
    finding = one(run(half, "send-cpd-annual", overrides=overrides))
    assert finding.outcome == "met"
    assert "pro rata for 0.5 FTE" in finding.reason
    short = staff(cpd(1, 2026, activities=1, hours=2.9), fte=0.5)
    assert one(run(short, "send-cpd-annual", as_of=D(2027, 6, 1), overrides=overrides)).outcome == "due-soon"
    full_time = staff(cpd(1, 2026, activities=1, hours=3.0), fte=1.0)
    assert one(run(full_time, "send-cpd-annual", as_of=D(2027, 6, 1), overrides=overrides)).outcome == "due-soon"
    no_threshold = one(run(staff(cpd(1, 2026, activities=1, hours=0.5), fte=0.5), "send-cpd-annual"))
    assert no_threshold.outcome == "met" and "FTE" not in no_threshold.reason


def test_staff_who_moved_school_are_not_new_starters_and_keep_their_cpd():
    earlier = post(1, "teacher", D(2019, 9, 1), urn=100099, end=D(2026, 10, 31))
    f = staff(cpd(1, 2026, activities=1, hours=2), start=D(2026, 11, 1), extra_posts=[earlier])
    finding = one(run(f, "send-cpd-annual", as_of=D(2026, 11, 10)))
    assert finding.outcome == "met"
    assert "pro rata" not in finding.reason


def test_a_long_break_between_posts_starts_a_new_spell():
    earlier = post(1, "teacher", D(2010, 9, 1), urn=100099, end=D(2020, 7, 31))
    f = staff(start=D(2026, 11, 1), extra_posts=[earlier])
    assert one(run(f, "send-cpd-annual", as_of=D(2026, 11, 10))).outcome == "not-applicable"


def test_verified_only_ignores_self_reported_cpd():
    f = staff(cpd(1, 2026, status="self-reported"))
    assert one(run(f, "send-cpd-annual", as_of=D(2027, 6, 2))).outcome == "met"
    strict = one(run(f, "send-cpd-annual", as_of=D(2027, 6, 2), overrides={"send-cpd-annual.verified_only": "true"}))
    assert strict.outcome == "due-soon"
    assert "no verified SEND CPD" in strict.reason


def test_teaching_assistants_are_covered_and_other_roles_are_not():
    f = facts(
        people=[KHAN, JONES],
        posts=[post(1, "ta", D(2020, 1, 1)), post(2, "other", D(2020, 1, 1))],
    )
    findings = run(f, "send-cpd-annual")
    assert [x.person_id for x in findings] == [1]


def test_cpd_min_activities_is_a_lever():
    f = staff(cpd(1, 2026, activities=1))
    finding = one(run(f, "send-cpd-annual", as_of=D(2027, 6, 2), overrides={"send-cpd-annual.min_activities": 2}))
    assert finding.outcome == "due-soon"
    assert "2 SEND CPD activities must be completed" in finding.reason


def test_cpd_covers_16_19_schools():
    sixth = school(100004, "Ash Sixth Form", "16-19")
    f = facts(sixth, people=[KHAN], posts=[post(1, "teacher", D(2020, 1, 1), urn=100004)])
    assert one(run(f, "send-cpd-annual")).subject == "person"


@pytest.mark.parametrize("as_of", [AS_OF, D(2027, 6, 1), D(2027, 9, 1)])
def test_cpd_recorded_for_a_later_year_does_not_count_now(as_of):
    f = staff(cpd(1, 2030, activities=5))
    finding = one(run(f, "send-cpd-annual", as_of=as_of))
    assert "no SEND CPD" in finding.reason
    assert finding.due is not None

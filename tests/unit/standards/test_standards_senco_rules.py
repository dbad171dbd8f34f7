"""Rules 1 (senco-designated) and 2 (senco-qualification) on hand-built facts."""

from standards_builders import (
    AS_OF,
    D,
    ExemptionFacts,
    facts,
    one,
    person,
    post,
    qual,
    run,
    school,
)

KHAN = person(1)


# ------------------------------------------------------------------------------------- senco-designated
def test_a_qualified_senco_working_at_the_school_meets_the_rule():
    f = run(facts(people=[KHAN], posts=[post(1, "senco", D(2023, 1, 3))]), "senco-designated")
    finding = one(f, urn=100001)
    assert finding.outcome == "met"
    assert finding.basis == "law"
    assert finding.subject == "school"
    assert finding.reason == "Ms A Khan (SENCO since 3 January 2023) is the SENCO at Oak Primary."


def test_no_senco_is_a_gap_naming_the_school_and_date():
    finding = one(run(facts(), "senco-designated"))
    assert finding.outcome == "gap"
    assert "No SENCO is recorded at Oak Primary on 23 November 2026" in finding.reason
    assert finding.due is None


def test_a_senco_without_qts_is_a_gap():
    no_qts = person(1, qts=False)
    finding = one(run(facts(people=[no_qts], posts=[post(1, "senco", D(2023, 1, 3))]), "senco-designated"))
    assert finding.outcome == "gap"
    assert "no QTS or teacher reference number recorded" in finding.reason
    with_trn = person(1, qts=False, trn="1234567")
    finding = one(run(facts(people=[with_trn], posts=[post(1, "senco", D(2023, 1, 3))]), "senco-designated"))
    assert "has a teacher reference number but no QTS recorded" in finding.reason


def test_the_qts_requirement_is_a_parameter():
    no_qts = person(1, qts=False)
    f = facts(people=[no_qts], posts=[post(1, "senco", D(2023, 1, 3))])
    assert one(run(f, "senco-designated", overrides={"senco-designated.require_qts": False})).outcome == "met"


def test_employment_dates_are_inclusive_boundaries():
    senco = post(1, "senco", D(2020, 9, 1), end=AS_OF)
    assert one(run(facts(people=[KHAN], posts=[senco]), "senco-designated")).outcome == "met"
    ended_yesterday = post(1, "senco", D(2020, 9, 1), end=D(2026, 11, 22))
    assert one(run(facts(people=[KHAN], posts=[ended_yesterday]), "senco-designated")).outcome == "gap"
    starts_tomorrow = post(1, "senco", D(2026, 11, 24))
    assert one(run(facts(people=[KHAN], posts=[starts_tomorrow]), "senco-designated")).outcome == "gap"
    starts_today = post(1, "senco", AS_OF)
    assert one(run(facts(people=[KHAN], posts=[starts_today]), "senco-designated")).outcome == "met"


def test_a_senco_shared_between_two_schools_counts_for_each():
    oak, elm = school(100001, "Oak Primary"), school(100002, "Elm Primary")
    posts = [post(1, "senco", D(2022, 9, 1), urn=100001, fte=0.5), post(1, "senco", D(2022, 9, 1), urn=100002, fte=0.5)]
    findings = run(facts(oak, elm, people=[KHAN], posts=posts), "senco-designated")
    assert [(f.urn, f.outcome) for f in findings] == [(100001, "met"), (100002, "met")]
    quals = run(facts(oak, elm, people=[KHAN], posts=posts), "senco-qualification")
    assert [(f.urn, f.person_id) for f in quals] == [(100001, 1), (100002, 1)]


def test_special_and_16_19_schools_are_not_applicable_with_the_reason_from_the_file():
    special = school(100003, "Beech Special", "special")
    sixth = school(100004, "Ash Sixth Form", "16-19")
    findings = run(facts(special, sixth), "senco-designated")
    assert [(f.urn, f.outcome) for f in findings] == [(100003, "not-applicable"), (100004, "not-applicable")]
    assert findings[0].reason == "State special schools are not required by the SEND Regulations to designate a SENCO."


def test_alternative_provision_is_advisory_good_practice():
    pru = school(100005, "Hill PRU", "alternative-provision")
    finding = one(run(facts(pru), "senco-designated"))
    assert finding.outcome == "advisory"
    assert "good practice for a pupil referral unit or alternative provision, not a requirement" in finding.reason
    met = one(run(facts(pru, people=[KHAN], posts=[post(1, "senco", D(2023, 1, 1), urn=100005)]), "senco-designated"))
    assert met.outcome == "met"


# ------------------------------------------------------------------------------------- senco-qualification
def senco_facts(*extra_quals, start=D(2023, 1, 3), exemptions=(), extra_posts=()):
    return facts(
        people=[KHAN],
        posts=[post(1, "senco", start), *extra_posts],
        qualifications=list(extra_quals),
        exemptions=list(exemptions),
    )


def test_the_headline_gap_reads_like_a_head_teacher_would_say_it():
    finding = one(run(senco_facts(), "senco-qualification"))
    assert finding.outcome == "gap"
    assert finding.subject == "person"
    assert finding.person_id == 1 and finding.urn == 100001
    assert finding.due == D(2026, 1, 3)
    assert finding.reason.startswith(
        "Ms A Khan became SENCO on 3 January 2023 and has no passed NPQ for SENCOs"
    )
    assert finding.reason.endswith("the deadline was 3 January 2026.")


def test_deadline_boundaries_the_day_before_of_and_after():
    enrolled = qual(1, "npq-senco", "in-progress", start=D(2024, 10, 1))
    f = senco_facts(enrolled)
    assert one(run(f, "senco-qualification", as_of=D(2026, 1, 2))).outcome == "due-soon"
    on_the_day = one(run(f, "senco-qualification", as_of=D(2026, 1, 3)))
    assert on_the_day.outcome == "due-soon"
    assert "the deadline is 3 January 2026" in on_the_day.reason
    after = one(run(f, "senco-qualification", as_of=D(2026, 1, 4)))
    assert after.outcome == "gap"
    assert "the deadline was 3 January 2026" in after.reason
    assert "They are enrolled on the NPQ for SENCOs (course started 1 October 2024)" in after.reason


def test_the_warning_window_starts_180_days_before_the_deadline():
    f = senco_facts(qual(1, "npq-senco", "in-progress", start=D(2024, 10, 1)))
    # deadline 3 January 2026; 180 days before is 7 July 2025
    assert one(run(f, "senco-qualification", as_of=D(2025, 7, 6))).outcome == "met"
    assert one(run(f, "senco-qualification", as_of=D(2025, 7, 7))).outcome == "due-soon"
    wider = one(run(f, "senco-qualification", as_of=D(2025, 7, 6), overrides={"senco-qualification.warning_days": 365}))
    assert wider.outcome == "due-soon"


def test_not_enrolled_by_the_latest_safe_date_is_due_soon():
    # appointed 1 October 2024: deadline 1 October 2027; latest safe enrolment = deadline - 22 months = 1 December 2025
    f = senco_facts(start=D(2024, 10, 1))
    before = one(run(f, "senco-qualification", as_of=D(2025, 11, 30)))
    assert before.outcome == "met"
    assert before.due == D(2027, 10, 1)
    assert "enrol by 1 December 2025 at the latest" in before.reason
    on = one(run(f, "senco-qualification", as_of=D(2025, 12, 1)))
    assert on.outcome == "due-soon"
    assert "the latest safe date to enrol is 1 December 2025" in on.reason
    enrolled = senco_facts(qual(1, "npq-senco", "registered", start=D(2026, 2, 1)), start=D(2024, 10, 1))
    assert one(run(enrolled, "senco-qualification", as_of=D(2025, 12, 1))).outcome == "met"


def test_a_passed_npq_meets_the_rule_and_has_no_due_date():
    f = senco_facts(qual(1, "npq-senco", "passed", start=D(2023, 10, 1), award=D(2025, 6, 30)))
    finding = one(run(f, "senco-qualification"))
    assert finding.outcome == "met"
    assert finding.due is None
    assert finding.reason == "Ms A Khan became SENCO on 3 January 2023 and passed the NPQ for SENCOs on 30 June 2025."


def test_an_award_after_the_as_of_date_is_not_yet_passed():
    f = senco_facts(qual(1, "npq-senco", "passed", start=D(2024, 10, 1), award=D(2025, 12, 15)))
    finding = one(run(f, "senco-qualification", as_of=D(2025, 12, 1)))
    assert finding.outcome == "due-soon"
    assert "is enrolled on the NPQ for SENCOs" in finding.reason


def test_a_late_npq_pass_is_met_and_says_it_was_late():
    f = senco_facts(qual(1, "npq-senco", "passed", start=D(2024, 10, 1), award=D(2026, 6, 30)))
    finding = one(run(f, "senco-qualification"))
    assert finding.outcome == "met"
    assert "after the deadline of 3 January 2026" in finding.reason


def test_nasenco_started_before_september_2024_counts_for_an_earlier_appointment():
    nasenco = qual(1, "nasenco", "passed", start=D(2024, 1, 15), award=D(2025, 7, 10))
    finding = one(run(senco_facts(nasenco), "senco-qualification"))
    assert finding.outcome == "met"
    assert "passed the NASENCO award on 10 July 2025" in finding.reason


def test_nasenco_does_not_count_for_a_senco_appointed_from_september_2024():
    nasenco = qual(1, "nasenco", "passed", start=D(2024, 1, 15), award=D(2025, 7, 10))
    finding = one(run(senco_facts(nasenco, start=D(2024, 10, 1)), "senco-qualification"))
    assert finding.outcome == "due-soon"  # not enrolled on the NPQ after the latest safe date
    assert "does not count because only the NPQ for SENCOs counts for SENCOs appointed on or after 1 September 2024" in finding.reason


def test_nasenco_started_on_or_after_september_2024_does_not_count():
    nasenco = qual(1, "nasenco", "passed", start=D(2024, 9, 1), award=D(2025, 7, 10))
    finding = one(run(senco_facts(nasenco, start=D(2024, 3, 1)), "senco-qualification"))
    assert finding.outcome != "met"
    assert "the course started on or after 1 September 2024" in finding.reason


def test_nasenco_passed_after_the_three_years_does_not_count():
    # appointed 1 June 2024 (deadline 1 June 2027); the NASENCO was only passed on 1 July 2027
    nasenco = qual(1, "nasenco", "passed", start=D(2024, 3, 1), award=D(2027, 7, 1))
    finding = one(run(senco_facts(nasenco, start=D(2024, 6, 1)), "senco-qualification", as_of=D(2027, 8, 1)))
    assert finding.outcome == "gap"
    assert "passed after the deadline" in finding.reason


def test_pre_2009_service_of_more_than_12_months_is_exempt():
    exempt = ExemptionFacts(person_id=1, served_from=D(2005, 9, 1), served_to=D(2008, 8, 31))
    finding = one(run(senco_facts(exemptions=[exempt]), "senco-qualification"))
    assert finding.outcome == "met"
    assert finding.reason.startswith("Ms A Khan is exempt: served as a SENCO for more than 12 months before 1 September 2009")
    assert finding.due is None


def test_exactly_12_months_before_2009_is_not_exempt_but_a_day_more_is():
    twelve = ExemptionFacts(person_id=1, served_from=D(2008, 9, 1), served_to=D(2009, 8, 31))
    assert one(run(senco_facts(exemptions=[twelve]), "senco-qualification")).outcome == "gap"
    more = ExemptionFacts(person_id=1, served_from=D(2008, 8, 31), served_to=D(2010, 8, 31))
    assert one(run(senco_facts(exemptions=[more]), "senco-qualification")).outcome == "met"


def test_an_earlier_passed_qualification_from_another_post_is_exempt():
    earlier = qual(1, "nasenco", "passed", start=D(2013, 9, 1), award=D(2015, 7, 1))
    finding = one(run(senco_facts(earlier, start=D(2025, 1, 6)), "senco-qualification"))
    assert finding.outcome == "met"
    assert "exempt: already held the NASENCO award (passed 1 July 2015) before becoming SENCO on 6 January 2025" in finding.reason


def test_withdrawn_with_no_new_enrolment_is_a_gap_once_the_deadline_cannot_be_met():
    # appointed 1 January 2025: deadline 1 January 2028; the shortest course is 18 months
    withdrawn = qual(1, "npq-senco", "withdrawn", start=D(2025, 2, 1), award=D(2025, 9, 1))
    f = senco_facts(withdrawn, start=D(2025, 1, 1))
    still_possible = one(run(f, "senco-qualification", as_of=D(2026, 7, 1)))
    assert still_possible.outcome == "due-soon"
    assert "the last attempt was withdrawn on 1 September 2025" in still_possible.reason
    too_late = one(run(f, "senco-qualification", as_of=D(2026, 7, 2)))
    assert too_late.outcome == "gap"
    assert "can no longer be met" in too_late.reason
    assert too_late.due == D(2028, 1, 1)
    re_enrolled = senco_facts(withdrawn, qual(1, "npq-senco", "registered", start=D(2026, 10, 1)), start=D(2025, 1, 1))
    assert one(run(re_enrolled, "senco-qualification", as_of=D(2026, 7, 2))).outcome == "met"


def test_never_enrolled_stays_due_soon_until_the_deadline():
    f = senco_facts(start=D(2025, 1, 1))
    assert one(run(f, "senco-qualification", as_of=D(2026, 7, 2))).outcome == "due-soon"
    assert one(run(f, "senco-qualification", as_of=D(2028, 1, 1))).outcome == "due-soon"
    assert one(run(f, "senco-qualification", as_of=D(2028, 1, 2))).outcome == "gap"


def test_a_senco_who_moved_school_keeps_the_clock_from_the_first_appointment():
    earlier = post(1, "senco", D(2020, 9, 1), urn=100099, end=D(2023, 8, 31))
    f = facts(people=[KHAN], posts=[post(1, "senco", D(2023, 9, 1)), earlier])
    finding = one(run(f, "senco-qualification", as_of=D(2025, 6, 1)))
    assert finding.outcome == "gap"
    assert finding.due == D(2023, 9, 1)
    assert "became SENCO on 1 September 2020 (first appointed at another school)" in finding.reason
    current_post = one(
        run(f, "senco-qualification", as_of=D(2025, 6, 1), overrides={"senco-qualification.clock": "current-post"})
    )
    assert current_post.due == D(2026, 9, 1)
    assert current_post.outcome == "due-soon"  # not enrolled 14 months after appointment


def test_no_senco_means_the_qualification_rule_is_not_applicable():
    finding = one(run(facts(), "senco-qualification"))
    assert finding.outcome == "not-applicable"
    assert finding.subject == "school"


def test_alternative_provision_gaps_become_advisory():
    pru = school(100005, "Hill PRU", "alternative-provision")
    f = facts(pru, people=[KHAN], posts=[post(1, "senco", D(2023, 1, 3), urn=100005)])
    finding = one(run(f, "senco-qualification"))
    assert finding.outcome == "advisory"
    assert finding.due == D(2026, 1, 3)

"""Rules 5 (slt-senco-qualified), 6 (trust-senco-qualified) and 9 (head-send-qualification)."""

from standards_builders import D, TrustFacts, facts, one, person, post, qual, run, school

KHAN = person(1)
JONES = person(2, "Ben", "Jones", "Mr")
NPQ = qual(1, "npq-senco", "passed", award=D(2024, 7, 1))


# ------------------------------------------------------------------------------------- slt-senco-qualified
def test_a_qualified_senior_leader_meets_the_rule_by_flag_or_by_role():
    flagged = facts(people=[KHAN], posts=[post(1, "teacher", D(2020, 1, 1), senior_leader=True)], qualifications=[NPQ])
    finding = one(run(flagged, "slt-senco-qualified"))
    assert finding.outcome == "met"
    assert finding.reason == (
        "Ms A Khan (teacher) on the senior leadership team of Oak Primary holds the NPQ for SENCOs (passed 1 July 2024)."
    )
    by_role = facts(people=[KHAN], posts=[post(1, "deputy-head", D(2020, 1, 1))], qualifications=[NPQ])
    assert one(run(by_role, "slt-senco-qualified")).outcome == "met"


def test_a_qualified_senco_outside_the_slt_does_not_count():
    f = facts(
        people=[KHAN, JONES],
        posts=[post(1, "senco", D(2020, 1, 1)), post(2, "headteacher", D(2018, 1, 1))],
        qualifications=[NPQ],
    )
    finding = one(run(f, "slt-senco-qualified"))
    assert finding.outcome == "gap"
    assert finding.reason == (
        "None of the senior leadership team of Oak Primary (Mr B Jones (headteacher)) holds a SENCO qualification "
        "(NPQ for SENCOs or NASENCO award)."
    )


def test_no_senior_leaders_recorded_is_a_gap():
    assert one(run(facts(), "slt-senco-qualified")).outcome == "gap"


def test_a_qualification_awarded_after_the_as_of_date_does_not_count_yet():
    late = qual(1, "nasenco", "passed", award=D(2027, 1, 1))
    f = facts(people=[KHAN], posts=[post(1, "headteacher", D(2020, 1, 1))], qualifications=[late])
    assert one(run(f, "slt-senco-qualified")).outcome == "gap"
    assert one(run(f, "slt-senco-qualified", as_of=D(2027, 1, 1))).outcome == "met"


# ------------------------------------------------------------------------------------- trust-senco-qualified
MAT = TrustFacts("TR01", "Oak Learning Trust", "MAT")
SAT = TrustFacts("TR02", "Elm Academy Trust", "SAT")


def academy(urn=100001, name="Oak Academy", trust="TR01"):
    return school(urn, name, "mainstream-academy", trust_uid=trust)


def test_a_mat_with_a_qualified_trust_level_senior_leader_meets_the_rule():
    f = facts(
        academy(),
        trusts=[MAT],
        people=[KHAN],
        posts=[post(1, "trust-leader", D(2021, 1, 1), urn=None, trust_uid="TR01", senior_leader=True)],
        qualifications=[NPQ],
    )
    finding = one(run(f, "trust-senco-qualified"))
    assert finding.subject == "trust" and finding.trust_uid == "TR01" and finding.urn is None
    assert finding.outcome == "met"
    assert "a trust-level senior leader of Oak Learning Trust" in finding.reason


def test_a_mat_whose_qualified_leader_is_not_flagged_senior_or_works_in_a_school_has_a_gap():
    not_senior = post(1, "trust-leader", D(2021, 1, 1), urn=None, trust_uid="TR01", senior_leader=False)
    f = facts(academy(), trusts=[MAT], people=[KHAN], posts=[not_senior], qualifications=[NPQ])
    finding = one(run(f, "trust-senco-qualified"))
    assert finding.outcome == "gap"
    assert "No trust-level senior leaders are recorded." in finding.reason
    in_school = post(1, "headteacher", D(2021, 1, 1), senior_leader=True)
    f = facts(academy(), trusts=[MAT], people=[KHAN], posts=[in_school], qualifications=[NPQ])
    assert one(run(f, "trust-senco-qualified")).outcome == "gap"


def test_a_single_academy_trust_is_satisfied_by_its_academy_slt():
    elm = academy(100002, "Elm Academy", "TR02")
    f = facts(elm, trusts=[SAT], people=[KHAN], posts=[post(1, "headteacher", D(2021, 1, 1), urn=100002)], qualifications=[NPQ])
    finding = one(run(f, "trust-senco-qualified"))
    assert finding.outcome == "met"
    assert finding.reason.startswith("Elm Academy Trust is a single-academy trust: Ms A Khan (headteacher) at Elm Academy")
    unqualified = facts(elm, trusts=[SAT], people=[KHAN], posts=[post(1, "headteacher", D(2021, 1, 1), urn=100002)])
    assert one(run(unqualified, "trust-senco-qualified")).outcome == "gap"


def test_trust_rules_are_skipped_for_a_school_only_evaluation_and_for_trusts_without_schools():
    f = facts(academy(), trusts=[MAT], evaluate_trusts=False)
    assert run(f, "trust-senco-qualified") == []
    empty = TrustFacts("TR09", "Empty Trust", "MAT")
    f = facts(academy(), trusts=[MAT, empty])
    assert [x.trust_uid for x in run(f, "trust-senco-qualified")] == ["TR01"]


def test_a_school_that_changed_trust_counts_for_its_trust_on_the_as_of_date():
    # The facts hold the trust a school belonged to on the as-of date; the old trust has no school left.
    old = TrustFacts("TR08", "Old Trust", "MAT")
    f = facts(academy(trust="TR01"), trusts=[MAT, old])
    findings = run(f, "trust-senco-qualified")
    assert [x.trust_uid for x in findings] == ["TR01"]
    assert all(x.trust_uid == "TR01" for x in run(f) if x.urn == 100001)


# ------------------------------------------------------------------------------------- head-send-qualification
def head(start, *quals, extra_posts=()):
    return facts(people=[KHAN], posts=[post(1, "headteacher", start), *extra_posts], qualifications=list(quals))


def test_heads_appointed_before_the_start_date_are_not_applicable():
    finding = one(run(head(D(2026, 8, 31)), "head-send-qualification"))
    assert finding.outcome == "not-applicable"
    assert finding.subject == "person"
    assert "before 1 September 2026" in finding.reason


def test_a_new_head_has_four_years_with_boundaries():
    f = head(D(2026, 9, 1))
    pending = one(run(f, "head-send-qualification"))
    assert pending.outcome == "met" and pending.due == D(2030, 9, 1)
    assert one(run(f, "head-send-qualification", as_of=D(2030, 3, 4))).outcome == "met"
    assert one(run(f, "head-send-qualification", as_of=D(2030, 3, 5))).outcome == "due-soon"
    assert one(run(f, "head-send-qualification", as_of=D(2030, 9, 1))).outcome == "due-soon"
    gap = one(run(f, "head-send-qualification", as_of=D(2030, 9, 2)))
    assert gap.outcome == "gap"
    assert gap.reason == (
        "Ms A Khan became headteacher on 1 September 2026 and holds no SEND qualification (NPQ for SENCOs, "
        "NASENCO award or SEND leadership qualification); the deadline was 1 September 2030."
    )


def test_a_qualification_from_the_list_held_at_any_time_meets_the_rule():
    f = head(D(2026, 9, 1), qual(1, "send-leadership", "passed", award=D(2019, 7, 1)))
    assert one(run(f, "head-send-qualification")).outcome == "met"
    other = head(D(2026, 9, 1), qual(1, "npq-headship", "passed", award=D(2019, 7, 1)))
    assert one(run(other, "head-send-qualification", as_of=D(2031, 1, 1))).outcome == "gap"
    listed = head(D(2026, 9, 1), qual(1, "npq-headship", "passed", award=D(2019, 7, 1)))
    overrides = {"head-send-qualification.qualifications": "npq-headship"}
    assert one(run(listed, "head-send-qualification", as_of=D(2031, 1, 1), overrides=overrides)).outcome == "met"


def test_an_experienced_head_who_moves_school_is_not_a_new_head():
    earlier = post(1, "headteacher", D(2018, 9, 1), urn=100099, end=D(2026, 12, 31))
    f = head(D(2027, 1, 1), extra_posts=[earlier])
    assert one(run(f, "head-send-qualification", as_of=D(2027, 2, 1))).outcome == "not-applicable"


def test_the_start_date_is_a_lever():
    f = head(D(2025, 1, 1))
    overrides = {"head-send-qualification.appointed_from": "2024-09-01"}
    finding = one(run(f, "head-send-qualification", overrides=overrides))
    assert finding.outcome == "met" and finding.due == D(2029, 1, 1)

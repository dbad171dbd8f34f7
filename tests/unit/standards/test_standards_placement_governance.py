"""Rules 10 (specialist-placement) and 11 (governance-send)."""

from standards_builders import D, GovernorFacts, PlacementFacts, TrustFacts, facts, one, person, post, run, school

KHAN = person(1)


def placement(host_group="mainstream-maintained", start=D(2024, 1, 8), end=D(2024, 3, 22), **kw):
    return PlacementFacts(
        person_id=1, route=kw.pop("route", "ITT"), start=start, end=end, host_urn=kw.pop("host_urn", 100050),
        host_name=kw.pop("host_name", "Birch Primary"), host_scope_group=host_group, **kw
    )


def ect(*placements, start=D(2024, 9, 1)):
    return facts(people=[KHAN], posts=[post(1, "teacher", start)], placements=list(placements))


def test_an_ect_without_a_specialist_placement_is_information_not_a_gap():
    finding = one(run(ect(placement()), "specialist-placement"))
    assert finding.outcome == "advisory"
    assert finding.basis == "committee"
    assert finding.reason.startswith(
        "Ms A Khan is an early-career teacher (ITT placement at Birch Primary from 8 January 2024 to 22 March 2024) "
        "and has had no placement in a specialist setting"
    )


def test_a_scenario_can_make_specialist_placements_mandatory():
    finding = one(run(ect(placement()), "specialist-placement", overrides={"specialist-placement.mandatory": True}))
    assert finding.outcome == "gap"


def test_special_schools_resourced_provision_and_sen_units_are_specialist_settings():
    assert one(run(ect(placement("special")), "specialist-placement")).outcome == "met"
    assert one(run(ect(placement(host_resourced_provision=True)), "specialist-placement")).outcome == "met"
    assert one(run(ect(placement(host_sen_unit=True)), "specialist-placement")).outcome == "met"
    no_units = {"specialist-placement.sen_unit_counts": False}
    assert one(run(ect(placement(host_sen_unit=True)), "specialist-placement", overrides=no_units)).outcome == "advisory"


def test_only_teachers_with_itt_or_ecf_in_the_last_three_years_are_early_career():
    old = placement(start=D(2020, 1, 6), end=D(2020, 3, 20))
    f = ect(old, start=D(2020, 9, 1))
    assert one(run(f, "specialist-placement", as_of=D(2023, 3, 20))).subject == "person"
    finding = one(run(f, "specialist-placement", as_of=D(2023, 3, 21)))
    assert finding.outcome == "not-applicable" and finding.subject == "school"


# ------------------------------------------------------------------------------------- governance-send
def governor(name="Dr R Patel", urn=100001, trust_uid=None, **kw):
    return GovernorFacts(name=name, urn=urn, trust_uid=trust_uid, **kw)


def test_a_governor_with_send_responsibility_meets_the_rule():
    f = facts(governors=[governor(send_responsibility=True, role="governor")])
    finding = one(run(f, "governance-send"))
    assert finding.outcome == "met"
    assert finding.reason == "Dr R Patel (governor) on the governing board of Oak Primary has SEND responsibility."


def test_no_governor_with_send_responsibility_is_a_gap():
    f = facts(governors=[governor(), governor("Mr T Green")])
    finding = one(run(f, "governance-send"))
    assert finding.outcome == "gap"
    assert "(2 current governors recorded)" in finding.reason


def test_a_governor_whose_term_ended_does_not_count():
    f = facts(governors=[governor(send_responsibility=True, end=D(2026, 11, 22))])
    assert one(run(f, "governance-send")).outcome == "gap"


def test_expertise_can_be_required_to_be_recorded():
    f = facts(governors=[governor(send_responsibility=True)])
    overrides = {"governance-send.require_expertise_recorded": True}
    assert one(run(f, "governance-send", overrides=overrides)).outcome == "gap"
    f = facts(governors=[governor(send_responsibility=True, send_expertise="Parent of a child with an EHC plan")])
    assert one(run(f, "governance-send", overrides=overrides)).outcome == "met"


def test_academies_rely_on_the_trust_board_and_trusts_are_judged_too():
    trust = TrustFacts("TR01", "Oak Learning Trust", "MAT")
    oak = school(100001, "Oak Academy", "mainstream-academy", trust_uid="TR01")
    f = facts(oak, trusts=[trust], governors=[governor("Mrs L Brown", urn=None, trust_uid="TR01", role="trustee", send_responsibility=True)])
    findings = run(f, "governance-send")
    school_finding = one(findings, subject="school")
    assert school_finding.outcome == "met"
    assert "the board of its trust, Oak Learning Trust, has one: Mrs L Brown (trustee)" in school_finding.reason
    assert one(findings, subject="trust").outcome == "met"
    strict = run(f, "governance-send", overrides={"governance-send.academy_may_rely_on_trust_board": False})
    assert one(strict, subject="school").outcome == "gap"
    no_trustee = run(facts(oak, trusts=[trust]), "governance-send")
    assert one(no_trustee, subject="trust").outcome == "gap"

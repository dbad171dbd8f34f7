"""Properties of the engine over generated facts (hypothesis)."""

import datetime as dt
from collections import defaultdict
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from standards_builders import PROPOSED, TYPE_CODES, D
from workforce.standards import (
    CpdTally,
    ExemptionFacts,
    Facts,
    GovernorFacts,
    PersonFacts,
    PlacementFacts,
    PostFacts,
    QualificationFacts,
    SchoolFacts,
    TrustFacts,
    evaluate,
)

ROLES = ["teacher", "ta", "senco", "headteacher", "deputy-head", "assistant-head", "other"]
KINDS = ["npq-senco", "nasenco", "send-leadership", "npq-headship", "mq-hearing"]
STATUSES = ["registered", "in-progress", "passed", "failed", "withdrawn"]
URNS = [100001, 100002, 100003]
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def dates_until(limit: dt.date):
    """Any date since 2004, with recent dates (the last four years) drawn as often as older ones."""
    recent = max(D(2004, 1, 1), limit - dt.timedelta(days=4 * 365))
    return st.one_of(st.dates(min_value=D(2004, 1, 1), max_value=limit), st.dates(min_value=recent, max_value=limit))


@st.composite
def scenarios(draw):
    """Facts in which every record is dated on or before the returned as-of date."""
    as_of = draw(st.dates(min_value=D(2024, 1, 1), max_value=D(2029, 6, 30)))
    until = dates_until(as_of)
    maybe = lambda strategy: st.one_of(st.none(), strategy)  # noqa: E731
    schools = []
    for urn in URNS[: draw(st.integers(1, 3))]:
        group = draw(st.sampled_from(sorted(TYPE_CODES)))
        schools.append(
            SchoolFacts(
                urn=urn,
                name=f"School {urn}",
                type_code=TYPE_CODES[group],
                scope_group=group,
                status_code=draw(st.sampled_from([1, 1, 2, 3])),
                phase=draw(st.sampled_from(["Primary", "Secondary", "Not applicable"])),
                opted_in=draw(st.booleans()),
                trust_uid=draw(st.sampled_from([None, "TR01", "TR02"])),
                number_of_pupils=draw(maybe(st.integers(0, 1200))),
                sen_support_pupils=draw(maybe(st.integers(0, 200))),
                ehc_plan_pupils=draw(maybe(st.integers(0, 60))),
                resourced_provision=draw(st.booleans()),
                sen_unit=draw(st.booleans()),
            )
        )
    people, posts, quals, exemptions, tallies, placements = [], [], [], [], [], []
    for pid in range(1, draw(st.integers(1, 6)) + 1):
        people.append(PersonFacts(id=pid, first_name=f"F{pid}", last_name=f"L{pid}", title="Mx", qts=draw(st.booleans())))
        for _ in range(draw(st.integers(1, 3))):
            start = draw(until)
            end = draw(maybe(st.dates(min_value=start, max_value=D(2031, 1, 1))))
            trust_level = draw(st.integers(0, 6)) == 0
            posts.append(
                PostFacts(
                    person_id=pid,
                    role=draw(st.sampled_from(ROLES)),
                    start=start,
                    end=end,
                    urn=None if trust_level else draw(st.sampled_from(URNS)),
                    trust_uid=draw(st.sampled_from(["TR01", "TR02"])) if trust_level else None,
                    fte=draw(st.sampled_from([0.2, 0.5, 0.6, 1.0])),
                    senior_leader=draw(st.booleans()),
                    senco_fte=draw(maybe(st.sampled_from([0.1, 0.3, 0.5]))),
                    sensory_class=draw(st.sampled_from([None, None, "hearing"])),
                    sensory_class_since=draw(maybe(until)),
                )
            )
        for _ in range(draw(st.integers(0, 2))):
            start = draw(maybe(until))
            quals.append(
                QualificationFacts(
                    person_id=pid,
                    kind=draw(st.sampled_from(KINDS)),
                    status=draw(st.sampled_from(STATUSES)),
                    start=start,
                    award=draw(maybe(st.dates(min_value=start or D(2004, 1, 1), max_value=as_of))),
                )
            )
        if draw(st.integers(0, 5)) == 0:
            exemptions.append(ExemptionFacts(person_id=pid, served_from=draw(maybe(until)), served_to=draw(maybe(until))))
        for year in sorted(draw(st.sets(st.integers(2022, as_of.year - (0 if as_of.month >= 9 else 1)), max_size=3))):
            tallies.append(
                CpdTally(pid, D(year, 9, 1), draw(st.sampled_from(["verified", "self-reported"])), draw(st.integers(0, 2)), 1.5)
            )
        if draw(st.booleans()):
            placements.append(
                PlacementFacts(
                    person_id=pid,
                    route=draw(st.sampled_from(["ITT", "ECF"])),
                    start=draw(until),
                    host_urn=100050,
                    host_scope_group=draw(st.sampled_from(["special", "mainstream-maintained"])),
                )
            )
    governors = [
        GovernorFacts(
            name=f"Governor {i}",
            urn=draw(st.sampled_from([*URNS, None])),
            trust_uid=draw(st.sampled_from(["TR01", "TR02"])),
            send_responsibility=draw(st.booleans()),
            start=draw(maybe(until)),
            end=draw(maybe(st.dates(min_value=D(2020, 1, 1), max_value=D(2031, 1, 1)))),
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    facts = Facts(
        schools=tuple(schools),
        trusts=(TrustFacts("TR01", "Trust One", "MAT"), TrustFacts("TR02", "Trust Two", "SAT")),
        people=tuple(people),
        posts=tuple(posts),
        qualifications=tuple(quals),
        exemptions=tuple(exemptions),
        cpd=tuple(tallies),
        placements=tuple(placements),
        governors=tuple(governors),
    )
    return facts, as_of


def by_subject(findings):
    index = defaultdict(list)
    for f in findings:
        index[(f.rule, f.subject, f.urn, f.trust_uid, f.person_id)].append(f.outcome)
    return index


@SETTINGS
@given(scenarios())
def test_evaluation_is_deterministic(scenario):
    facts, as_of = scenario
    first = evaluate(PROPOSED, facts, as_of)
    again = evaluate(PROPOSED, replace(facts, posts=facts.posts[::-1], qualifications=facts.qualifications[::-1]), as_of)
    assert first == again
    assert first == evaluate(PROPOSED, facts, as_of)


@SETTINGS
@given(scenarios(), st.data())
def test_adding_a_passed_qualification_never_creates_a_gap(scenario, data):
    facts, as_of = scenario
    pid = data.draw(st.sampled_from([p.id for p in facts.people]))
    award = data.draw(st.one_of(st.none(), st.dates(min_value=D(2004, 1, 1), max_value=as_of)))
    start = data.draw(st.one_of(st.none(), st.dates(min_value=D(2003, 1, 1), max_value=award or as_of)))
    added = QualificationFacts(pid, data.draw(st.sampled_from(KINDS)), "passed", start=start, award=award)
    before = by_subject(evaluate(PROPOSED, facts, as_of))
    after = by_subject(evaluate(PROPOSED, replace(facts, qualifications=(*facts.qualifications, added)), as_of))
    assert before.keys() == after.keys()
    for key, outcomes in after.items():
        assert outcomes.count("gap") <= before[key].count("gap"), (key, before[key], outcomes, added)


@SETTINGS
@given(scenarios(), st.lists(st.integers(1, 2000), min_size=1, max_size=4))
def test_a_later_as_of_never_turns_a_gap_into_met_without_a_new_record(scenario, offsets):
    facts, as_of = scenario
    before = by_subject(evaluate(PROPOSED, facts, as_of))
    gaps = {key for key, outcomes in before.items() if outcomes and all(o == "gap" for o in outcomes)}
    for days in sorted({*offsets, 1, 45, 180, 365, 700}):
        later = as_of + dt.timedelta(days=days)
        after = by_subject(evaluate(PROPOSED, facts, later))
        for key in gaps & after.keys():
            assert "met" not in after[key], (key, before[key], after[key], as_of, later)

"""Projection of SENCOs and heads out of compliance in the next four academic years (hand-built facts)."""

from __future__ import annotations

import datetime as dt

from workforce.monitoring.projection import academic_years_ahead, project, projected_facts
from workforce.standards import Facts, PersonFacts, PostFacts, QualificationFacts, SchoolFacts, load_standard
from workforce.standards.loader import apply_overrides

AS_OF = dt.date(2026, 3, 15)
D = dt.date


def person(pid: int) -> PersonFacts:
    return PersonFacts(id=pid, first_name="P", last_name=f"Person{pid}", trn=f"{1000000 + pid}", qts=True)


def facts() -> Facts:
    schools = tuple(
        SchoolFacts(urn=urn, name=f"School {urn}", type_code=34, scope_group="mainstream-academy", phase="Primary")
        for urn in (100001, 100002, 100003)
    )
    posts = (
        PostFacts(1, "senco", D(2024, 10, 1), urn=100001),  # A: no qualification, deadline 1 Oct 2027
        PostFacts(2, "senco", D(2024, 1, 15), urn=100001),  # B: NPQ started Nov 2025, ends Sep 2027: late
        PostFacts(3, "senco", D(2025, 9, 1), urn=100002),  # C: NPQ registered Feb 2026, ends Dec 2027: in time
        PostFacts(4, "senco", D(2020, 5, 1), urn=100002),  # D: deadline passed in 2023
        PostFacts(5, "senco", D(2023, 3, 1), D(2027, 6, 30), urn=100003),  # E: out now, leaves in June 2027
        PostFacts(11, "headteacher", D(2026, 9, 1), urn=100003),  # H1: appointed from September 2026
        PostFacts(12, "headteacher", D(2021, 1, 1), urn=100001),  # H2: no SEND qualification
        PostFacts(13, "headteacher", D(2023, 6, 1), urn=100002),  # H3: course started Jan 2026, ends Nov 2027
    )
    quals = (
        QualificationFacts(2, "npq-senco", "in-progress", start=D(2025, 11, 1)),
        QualificationFacts(3, "npq-senco", "registered", start=D(2026, 2, 1)),
        QualificationFacts(13, "send-leadership", "in-progress", start=D(2026, 1, 10)),
        QualificationFacts(4, "npq-senco", "failed", start=D(2021, 1, 1), award=D(2022, 9, 1)),
    )
    return Facts(
        schools=schools,
        people=tuple(person(pid) for pid in (1, 2, 3, 4, 5, 11, 12, 13)),
        posts=posts,
        qualifications=quals,
    )


def test_next_four_academic_years_end_on_31_august():
    assert academic_years_ahead(AS_OF) == [
        ("2026/27", D(2027, 8, 31)),
        ("2027/28", D(2028, 8, 31)),
        ("2028/29", D(2029, 8, 31)),
        ("2029/30", D(2030, 8, 31)),
    ]
    assert academic_years_ahead(D(2026, 9, 1))[0] == ("2027/28", D(2028, 8, 31))


def test_registrations_in_progress_are_passed_at_the_latest_course_end():
    projected = projected_facts(facts(), AS_OF, 22)
    by_person = {q.person_id: q for q in projected.qualifications}
    assert (by_person[2].status, by_person[2].award) == ("passed", D(2027, 9, 1))
    assert (by_person[3].status, by_person[3].award) == ("passed", D(2027, 12, 1))
    assert by_person[4].status == "failed"  # a failed course stays failed


def test_sencos_out_of_compliance_year_by_year():
    rows = project(load_standard("proposed-2025"), facts(), AS_OF)
    assert [(r.label, r.sencos, r.sencos_out) for r in rows] == [
        ("Now", 5, 2),  # D and E are past their deadlines
        ("2026/27", 4, 2),  # E has left; B's course ends after the deadline (B and D)
        ("2027/28", 4, 2),  # B has passed (late); A's deadline has gone (A and D)
        ("2028/29", 4, 2),
        ("2029/30", 4, 2),
    ]


def test_heads_follow_the_start_date_of_the_rule():
    standard = load_standard("proposed-2025")
    rows = project(standard, facts(), AS_OF)
    # Only H1 is appointed on or after 1 September 2026, and their deadline (2030) is after the four years.
    assert [(r.heads, r.heads_out) for r in rows] == [(0, 0), (1, 0), (1, 0), (1, 0), (1, 0)]
    earlier = apply_overrides(standard, {"head-send-qualification.appointed_from": "2020-09-01"})
    rows = project(earlier, facts(), AS_OF)
    # H2 is out throughout; H3's course ends in November 2027, after their June 2027 deadline.
    assert [(r.heads, r.heads_out) for r in rows] == [(2, 1), (3, 2), (3, 1), (3, 1), (3, 1)]

"""Which schools are judged, what-if overrides, determinism and the JSON form of findings."""

import json
import random
from dataclasses import replace

import pytest

from standards_builders import AS_OF, D, PROPOSED, TrustFacts, cpd, facts, one, person, post, qual, run, school
from workforce.standards import (
    StandardError,
    apply_overrides,
    canonical_findings_json,
    evaluate,
    findings_hash,
    load_standard,
    summarise,
)

KHAN = person(1)


def test_closed_schools_are_excluded_and_proposed_to_close_still_counts():
    closed = school(100001, "Closed Primary", status_code=2)
    closing = school(100002, "Closing Primary", status_code=3)
    findings = run(facts(closed, closing))
    assert findings, "the open school must be judged"
    assert {f.urn for f in findings if f.urn is not None} == {100002}


def test_out_of_scope_establishments_are_ignored_unless_opted_in():
    independent = school(100006, "Lime Independent", "out-of-scope")
    assert run(facts(independent)) == []
    opted = replace(independent, opted_in=True)
    findings = run(facts(opted), "senco-designated")
    assert one(findings).outcome == "advisory"
    assert "good practice for an establishment opted in to these rules" in findings[0].reason


def test_16_19_schools_get_only_cpd_judgements_the_rest_not_applicable():
    sixth = school(100004, "Ash Sixth Form", "16-19")
    findings = run(facts(sixth, people=[KHAN], posts=[post(1, "teacher", D(2020, 1, 1), urn=100004)]))
    judged = {f.rule for f in findings if f.outcome != "not-applicable"}
    assert judged == {"send-cpd-annual"}


def test_every_rule_of_the_law_is_part_of_the_proposed_standard():
    statutory = load_standard("statutory-2024")
    assert [r.id for r in PROPOSED.rules[:3]] == [r.id for r in statutory.rules]
    assert len(PROPOSED.rules) == 11
    f = facts(people=[KHAN], posts=[post(1, "senco", D(2023, 1, 3))])
    law = [(x.rule, x.outcome, x.reason) for x in evaluate(statutory, f, AS_OF)]
    proposed = [(x.rule, x.outcome, x.reason) for x in evaluate(PROPOSED, f, AS_OF) if x.rule in {r.id for r in statutory.rules}]
    assert law == proposed
    assert {x.standard for x in evaluate(statutory, f, AS_OF)} == {"statutory-2024"}


def test_overrides_change_parameters_without_touching_the_file():
    changed = apply_overrides(PROPOSED, {"senco-capacity.min_fte_per_100_sen": 0.6, "send-cpd-annual.min_hours": "6"})
    assert changed.rule("senco-capacity")["min_fte_per_100_sen"] == 0.6
    assert changed.rule("send-cpd-annual")["min_hours"] == 6.0
    assert changed.overrides == {"send-cpd-annual.min_hours": 6.0, "senco-capacity.min_fte_per_100_sen": 0.6}
    assert load_standard("proposed-2025").rule("senco-capacity")["min_fte_per_100_sen"] == 0.5
    assert PROPOSED.rule("senco-capacity")["min_fte_per_100_sen"] == 0.5
    dated = apply_overrides(PROPOSED, {"send-cpd-annual.effective_from": "2025-09-01"})
    assert dated.rule("send-cpd-annual")["effective_from"] == D(2025, 9, 1)
    assert dated.overrides == {"send-cpd-annual.effective_from": "2025-09-01"}


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"no-such-rule.x": 1}, "override 'no-such-rule.x': standard 'proposed-2025' has no rule 'no-such-rule'"),
        ({"senco-capacity.nope": 1}, "override 'senco-capacity.nope': rule 'senco-capacity' has no parameter 'nope' (parameters: min_fte,"),
        ({"senco-capacity.min_fte": "lots"}, "override 'senco-capacity.min_fte': expected a number >= 0, got 'lots'"),
        ({"send-cpd-annual.effective_from": "1/9/2025"}, "expected a date as YYYY-MM-DD"),
        ({"senco-capacity": 1}, "expected rule.parameter"),
        ({"senco-capacity.amber_min_fte_per_100_sen": 0.9}, "must not be more than min_fte_per_100_sen"),
    ],
)
def test_bad_overrides_give_a_clear_error(overrides, message):
    with pytest.raises(StandardError) as caught:
        evaluate(PROPOSED, facts(), AS_OF, overrides)
    assert message in str(caught.value)


def test_evaluation_is_deterministic_whatever_the_order_of_the_facts():
    people = [person(i, f"First{i}", f"Last{i % 3}") for i in range(1, 9)]
    schools = [school(100000 + i, f"School {i}", trust_uid="TR01" if i % 2 else None) for i in range(1, 5)]
    posts = [post(i, ["senco", "teacher", "ta", "headteacher"][i % 4], D(2020 + i % 5, 9, 1), urn=100000 + 1 + i % 4) for i in range(1, 9)]
    quals = [qual(i, "npq-senco", "passed", award=D(2024, 1, i)) for i in range(1, 9, 3)]
    tallies = [cpd(i, 2026) for i in range(1, 9, 2)]
    f = facts(*schools, trusts=[TrustFacts("TR01", "T", "MAT")], people=people, posts=posts, qualifications=quals, cpd=tallies)
    first = evaluate(PROPOSED, f, AS_OF)
    shuffled = random.Random(7)
    for _ in range(5):
        mixed = replace(
            f,
            schools=tuple(shuffled.sample(f.schools, len(f.schools))),
            people=tuple(shuffled.sample(f.people, len(f.people))),
            posts=tuple(shuffled.sample(f.posts, len(f.posts))),
            qualifications=tuple(shuffled.sample(f.qualifications, len(f.qualifications))),
            cpd=tuple(shuffled.sample(f.cpd, len(f.cpd))),
        )
        again = evaluate(PROPOSED, mixed, AS_OF)
        assert again == first
        assert findings_hash(again) == findings_hash(first)


def test_findings_have_a_stable_json_form_and_hash():
    f = facts(people=[KHAN], posts=[post(1, "senco", D(2023, 1, 3))])
    findings = run(f, "senco-qualification")
    assert findings[0].to_json() == {
        "standard": "proposed-2025",
        "rule": "senco-qualification",
        "subject": "person",
        "urn": 100001,
        "trust_uid": None,
        "person_id": 1,
        "outcome": "gap",
        "basis": "law",
        "due": "2026-01-03",
        "reason": findings[0].reason,
        "metrics": None,
    }
    text = canonical_findings_json(findings)
    assert json.loads(text)[0]["due"] == "2026-01-03"
    other = run(f, "senco-qualification", as_of=D(2026, 1, 2))
    assert findings_hash(findings) != findings_hash(other)
    assert len(findings_hash(findings)) == 64


def test_summarise_counts_outcomes_per_rule():
    counts = summarise(run(facts(people=[KHAN], posts=[post(1, "senco", D(2023, 1, 3))])))
    assert counts["senco-designated"]["met"] == 1
    assert counts["senco-qualification"]["gap"] == 1
    assert set(counts["senco-capacity"]) == {"met", "due-soon", "advisory", "gap", "not-applicable"}


def test_as_of_must_be_a_date():
    with pytest.raises(TypeError):
        evaluate(PROPOSED, facts(), "2026-01-01")

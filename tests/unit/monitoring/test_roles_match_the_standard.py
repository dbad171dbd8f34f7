"""The monitoring figures count the same roles and qualifications as the standards (no silent drift)."""

from workforce.monitoring import aggregates
from workforce.standards import load_standard


def test_role_groups_are_the_standards_role_groups():
    roles = load_standard("proposed-2025").roles
    assert set(aggregates.TEACHER_ROLES) == set(roles["teacher"])
    assert set(aggregates.TA_ROLES) == set(roles["teaching_assistant"])
    assert set(aggregates.SENCO_ROLES) == set(roles["senco"])
    assert set(aggregates.HEAD_ROLES) == set(roles["headteacher"])
    assert set(aggregates.TEACHER_ROLES) | set(aggregates.TA_ROLES) == set(roles["teaching_staff"])


def test_qualifications_cover_the_standards_lists():
    standard = load_standard("proposed-2025")
    senco = standard.rule("senco-qualification").params
    assert set(aggregates.SENCO_QUALIFICATIONS) == set(senco["qualifications"]) | set(senco["legacy_qualifications"])
    head = standard.rule("head-send-qualification").params
    assert set(head["qualifications"]) <= set(aggregates.HEAD_SEND_QUALIFICATIONS)
    placement = standard.rule("specialist-placement").params
    assert set(aggregates.ECT_ROUTES) == set(placement["routes"]) and placement["lookback_years"] == aggregates.ECT_YEARS

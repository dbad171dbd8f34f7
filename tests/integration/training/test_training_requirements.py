"""What a person owes: the standards' findings about one member of staff, with due dates and reasons."""

from __future__ import annotations

import datetime as dt

from workforce.organisations.tables import School
from workforce.people.tables import Employment, StaffMember
from workforce.training import selectors, services

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


async def person_at_school(role: str, start: dt.date, *, scope_group: str = "mainstream-academy") -> int:
    school = School(urn=100100, name="Oak Academy", type_code=28, scope_group=scope_group, number_of_pupils=300,
                    updated_at=NOW)
    await school.save()
    staff = StaffMember(staff_ref="P1", first_name="Ada", last_name="Lovelace", created_at=NOW, updated_at=NOW)
    await staff.save()
    await Employment.insert(Employment(staff=staff.id, school=school.id, role=role, start_date=start, updated_at=NOW))
    return staff.id


async def test_annual_cpd_is_due_soon_in_june_and_met_once_logged(monkeypatch):
    monkeypatch.setattr(services, "_today", lambda: dt.date(2027, 6, 15))
    staff_id = await person_at_school("teacher", dt.date(2020, 9, 1))
    june = dt.date(2027, 6, 15)
    before = await selectors.staff_requirements(staff_id, as_of=june)
    owed = {r.rule_id: r for r in before.owed}
    assert owed["send-cpd-annual"].outcome == "due-soon"
    assert owed["send-cpd-annual"].due == dt.date(2027, 8, 31)
    assert owed["send-cpd-annual"].school_name == "Oak Academy"
    assert "send-cpd-annual" not in {r.rule_id for r in before.met}
    await services.cpd_record_create(
        staff_id=staff_id, actor="t", title="Makaton", provider="", activity_date=dt.date(2027, 6, 1), hours=2,
        send_area="general",
    )
    after = await selectors.staff_requirements(staff_id, as_of=june)
    assert "send-cpd-annual" not in {r.rule_id for r in after.owed}
    assert "send-cpd-annual" in {r.rule_id for r in after.met}


async def test_senco_owes_the_qualification_by_the_statutory_deadline():
    staff_id = await person_at_school("senco", dt.date(2024, 9, 1))
    result = await selectors.staff_requirements(staff_id, as_of=dt.date(2026, 11, 1))
    owed = {r.rule_id: r for r in result.owed}
    assert owed["senco-qualification"].due == dt.date(2027, 9, 1)
    assert owed["senco-qualification"].required_by_law
    assert "NPQ for SENCOs" in owed["senco-qualification"].reason


async def test_nobody_elses_findings_are_included():
    staff_id = await person_at_school("teacher", dt.date(2020, 9, 1))
    other = StaffMember(staff_ref="P2", first_name="B", last_name="B", created_at=NOW, updated_at=NOW)
    await other.save()
    school = await School.select(School.id).first()
    await Employment.insert(Employment(staff=other.id, school=school["id"], role="senco",
                                       start_date=dt.date(2024, 9, 1), updated_at=NOW))
    result = await selectors.staff_requirements(staff_id, as_of=dt.date(2026, 11, 1))
    assert "senco-qualification" not in {r.rule_id for r in result.owed + result.met + result.advisory}

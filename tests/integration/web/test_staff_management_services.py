"""The people write services the staff pages call: checked, atomic, audited."""

from __future__ import annotations

import pytest
from leads_data import D, two_trusts

from workforce.people import services
from workforce.people.services import PeopleError
from workforce.people.tables import AuditEntry, Employment, StaffMember


@pytest.fixture
async def data():
    return await two_trusts()


async def test_a_person_and_their_first_post_are_written_together_or_not_at_all(data, monkeypatch):
    async def broken_insert(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "_employment_insert", broken_insert)
    with pytest.raises(RuntimeError):
        await services.staff_member_create(
            staff_ref="NEW-1",
            first_name="A",
            last_name="B",
            actor="test",
            first_post={"school": data.schools["oak"].id, "role": "ta", "start_date": D(2025, 9, 1)},
        )
    assert await StaffMember.count().where(StaffMember.staff_ref == "NEW-1") == 0
    assert await AuditEntry.count() == 0


async def test_a_bad_first_post_is_refused_before_anything_is_written(data):
    with pytest.raises(PeopleError) as refused:
        await services.staff_member_create(
            staff_ref="NEW-2",
            first_name="A",
            last_name="B",
            actor="test",
            first_post={
                "school": data.schools["oak"].id,
                "role": "ta",
                "start_date": D(2025, 9, 1),
                "fte": 0.5,
                "senco_fte": 0.6,
            },
        )
    assert refused.value.field == "senco_fte"
    assert await StaffMember.count().where(StaffMember.staff_ref == "NEW-2") == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"role": "wizard"}, "role"),
        ({"fte": 1.5}, "fte"),
        ({"end_date": D(2000, 1, 1)}, "end_date"),
        ({"school": None, "trust": None}, "school"),
        ({"sensory_class": "smell"}, "sensory_class"),
        ({"colour": "blue"}, "colour"),
    ],
)
async def test_employment_update_checks_its_input(data, changes, field):
    with pytest.raises(PeopleError) as refused:
        await services.employment_update(employment_id=data.employments["lee"].id, actor="test", **changes)
    assert refused.value.field == field
    assert await AuditEntry.count() == 0


async def test_a_duplicate_post_is_refused(data):
    with pytest.raises(PeopleError, match="already has this post"):
        await services.employment_create(
            staff_id=data.staff["lee"].id,
            school_id=data.schools["oak"].id,
            role="ta",
            start_date=D(2019, 1, 7),
            actor="test",
        )


async def test_every_change_names_who_made_it(data):
    with pytest.raises(PeopleError) as refused:
        await services.employment_end(
            employment_id=data.employments["lee"].id, end_date=D(2026, 8, 31), actor=""
        )
    assert refused.value.field == "actor"
    assert (
        await Employment.select(Employment.end_date)
        .where(Employment.id == data.employments["lee"].id)
        .first()
    )["end_date"] is None


async def test_ending_twice_on_the_same_day_is_one_audit_entry(data):
    post = data.employments["lee"].id
    await services.employment_end(employment_id=post, end_date=D(2026, 8, 31), actor="hr@example.org")
    await services.employment_end(employment_id=post, end_date=D(2026, 8, 31), actor="hr@example.org")
    entries = await AuditEntry.select().where(AuditEntry.entity_id == post).output(load_json=True)
    assert len(entries) == 1 and entries[0]["action"] == "end" and entries[0]["actor"] == "hr@example.org"


async def test_a_sensory_class_starts_with_the_post_unless_given(data):
    post = await services.employment_create(
        staff_id=data.staff["hart"].id,
        school_id=data.schools["oak"].id,
        role="teacher",
        start_date=D(2025, 9, 1),
        sensory_class="HI",
        actor="test",
    )
    assert (post.sensory_class, post.sensory_class_since) == ("hearing", D(2025, 9, 1))

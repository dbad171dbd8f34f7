"""A school's page reads its stored facts, and no change to anybody's records leaves a page showing old ones."""

from __future__ import annotations

import pytest
from compliance_data import D, add_cpd, add_post, add_school, add_staff

from workforce.compliance import summaries
from workforce.compliance.facts import ScopeError, facts_gather
from workforce.compliance.selectors import school_compliance
from workforce.compliance.summaries import facts_from_json, facts_to_json, records_changed, school_facts
from workforce.compliance.tables import SchoolSummary
from workforce.imports import import_file
from workforce.organisations.services import school_opted_in_set, trust_membership_move
from workforce.people import services as people
from workforce.people.tables import Employment
from workforce.standards.facts import NationalFigures, PhasePupils
from workforce.training import services as training
from workforce.training.tables import CpdRecord

AS_OF = D(2026, 11, 23)
NATIONAL = NationalFigures(pupils=(PhasePupils("mainstream-academy", "Primary", 10, 2500),))
URNS = (100001, 100002, 100003, 100004, 100005, 100006, 100007)


async def page(urn: int, as_of=AS_OF):
    return await school_facts(urn=urn, as_of=as_of, national=NATIONAL)


async def fresh(urn: int, as_of=AS_OF):
    return await facts_gather(as_of=as_of, school_urns=[urn], national=NATIONAL)


async def log_cpd(staff_id: int, day, *, hours: int) -> None:
    """A member of staff logs SEND CPD through the service (audited, so their schools' summaries go stale)."""
    await training.cpd_record_create(
        staff_id=staff_id,
        actor="t",
        title="Makaton",
        provider="",
        activity_date=day,
        hours=hours,
        send_area="general",
        status="verified",
    )


@pytest.fixture
def gathered(monkeypatch) -> list[list[int]]:
    """The scopes ``school_facts`` had to gather (rather than read from the stored row)."""
    calls: list[list[int]] = []

    async def counting(**kwargs):
        calls.append(kwargs["school_urns"])
        return await facts_gather(**kwargs)

    monkeypatch.setattr(summaries, "facts_gather", counting)
    return calls


async def test_facts_survive_the_round_trip_through_json(dataset):
    for urn in URNS:
        facts = await fresh(urn)
        assert facts_from_json(facts_to_json(facts), national=NATIONAL) == facts
    oak = await fresh(100001)  # every kind of fact, dates and empty dates included
    assert all(
        getattr(oak, part) for part in ("people", "posts", "qualifications", "cpd", "placements", "governors")
    )


async def test_the_second_page_reads_the_stored_row(dataset, gathered):
    first = await page(100001)
    second = await page(100001)
    assert gathered == [[100001]]
    assert first == second == await fresh(100001)
    stored = await SchoolSummary.select().first()
    assert stored["version"] == stored["facts_version"] == 0
    assert stored["as_of"] == AS_OF


async def test_the_national_figures_are_never_taken_from_the_stored_row(dataset, gathered):
    await page(100001)
    other = NationalFigures()
    assert (await school_facts(urn=100001, as_of=AS_OF, national=other)).national == other
    assert gathered == [[100001]]


async def test_another_as_of_date_gathers_again_and_replaces_the_row(dataset, gathered):
    await page(100001)
    assert await page(100001, D(2024, 1, 1)) == await fresh(100001, D(2024, 1, 1))
    await page(100001, D(2024, 1, 1))
    assert gathered == [[100001], [100001]]
    assert await SchoolSummary.count() == 1


async def test_an_unknown_urn_is_a_scope_error_and_stores_nothing(dataset):
    with pytest.raises(ScopeError):
        await page(999999)
    assert await SchoolSummary.count() == 0


async def test_a_row_in_another_layout_is_gathered_again(dataset, gathered):
    await page(100001)
    await SchoolSummary.update({SchoolSummary.facts: '{"codec": 0}'}, force=True)
    assert await page(100001) == await fresh(100001)
    assert gathered == [[100001], [100001]]


async def test_a_change_committed_while_the_page_gathers_is_seen_by_the_next_page(dataset, monkeypatch):
    """The version is read before gathering: facts gathered before a change are never stored as current."""
    lee = dataset.staff["lee"]

    async def gather_then_change(**kwargs):
        facts = await facts_gather(**kwargs)
        await log_cpd(lee.id, D(2026, 11, 2), hours=4)
        return facts

    monkeypatch.setattr(summaries, "facts_gather", gather_then_change)
    old = await page(100001)
    monkeypatch.undo()
    assert await page(100001) == await fresh(100001) != old


async def _lee_post(dataset) -> int:
    row = (
        await Employment.select(Employment.id)
        .where(
            (Employment.staff == dataset.staff["lee"].id) & (Employment.school == dataset.schools["oak"].id)
        )
        .first()
    )
    return row["id"]


async def _lee_cpd(dataset) -> int:
    row = (
        await CpdRecord.select(CpdRecord.id)
        .where((CpdRecord.staff == dataset.staff["lee"].id) & (CpdRecord.status == "self-reported"))
        .first()
    )
    return row["id"]


STAFF_CSV = b"staff_id,first_name,last_name,role,start_date,school_urn\nNEW1,Nia,New,ta,2026-09-01,100004\n"


async def _change(name: str, d) -> None:
    staff, schools, trusts = d.staff, d.schools, d.trusts
    if name == "staff details":
        await people.staff_member_update(staff_id=staff["khan"].id, actor="t", last_name="Khan-Ali")
    elif name == "new post":
        await people.employment_create(
            staff_id=staff["lee"].id,
            role="ta",
            start_date=D(2026, 9, 1),
            actor="t",
            school_id=schools["birch"].id,
            fte=0.5,
        )
    elif name == "post moved to another school":
        await people.employment_update(
            employment_id=await _lee_post(d), actor="t", school=schools["birch"].id
        )
    elif name == "post ended":
        await people.employment_end(employment_id=await _lee_post(d), end_date=D(2026, 10, 31), actor="t")
    elif name == "CPD logged":
        await log_cpd(staff["lee"].id, D(2026, 11, 2), hours=6)
    elif name == "CPD changed":
        await training.cpd_record_update(record_id=await _lee_cpd(d), actor="t", hours=9)
    elif name == "CPD verified":
        await training.cpd_record_verify(record_id=await _lee_cpd(d), actor="t")
    elif name == "CPD deleted":
        await training.cpd_record_delete(record_id=await _lee_cpd(d), actor="t")
    elif name == "qualification of a SENCO of two schools":
        await training.qualification_record(
            staff_id=staff["khan"].id,
            kind="npq-senco",
            status="passed",
            award_date=D(2026, 7, 1),
            actor="t",
            start_date=D(2024, 10, 1),
        )
    elif name == "placement":
        await training.placement_record(
            staff_id=staff["stone"].id,
            route="ECF",
            host_urn=100005,
            start_date=D(2025, 10, 1),
            days=10,
            actor="t",
        )
    elif name == "school moved to another trust":
        await trust_membership_move(school_id=schools["ash"].id, trust_id=trusts["elm"].id, on=D(2026, 11, 1))
    elif name == "school opted in":
        await school_opted_in_set(urn=100007, opted_in=True)
    elif name == "staff import":
        report = await import_file("staff", STAFF_CSV, actor="t")
        assert report.applied, report.error_lines()
    else:  # pragma: no cover - a name the list below does not have
        raise AssertionError(name)


CHANGES = [
    "staff details",
    "new post",
    "post moved to another school",
    "post ended",
    "CPD logged",
    "CPD changed",
    "CPD verified",
    "CPD deleted",
    "qualification of a SENCO of two schools",
    "placement",
    "school moved to another trust",
    "school opted in",
    "staff import",
]


@pytest.mark.parametrize("change", CHANGES)
async def test_after_a_change_every_school_page_shows_what_a_fresh_gathering_shows(dataset, change):
    before = {urn: await page(urn) for urn in URNS}  # every school's summary stored
    await _change(change, dataset)
    after = {urn: await fresh(urn) for urn in URNS}
    assert any(after[urn] != before[urn] for urn in URNS), (
        "the change changed nothing: the test proves nothing"
    )
    for urn in URNS:
        assert await page(urn) == after[urn], f"school {urn} shows facts from before: {change}"


async def test_only_the_schools_a_person_works_in_or_for_are_gathered_again(dataset, gathered):
    for urn in URNS:
        await page(urn)
    gathered.clear()
    await records_changed(staff_ids=[dataset.staff["patel"].id])  # a trust leader of Oak Learning Trust
    for urn in URNS:
        await page(urn)
    # a trust-level post counts for every school of the trust: Oak, Ash (joined in 2024) and Beech
    assert sorted(u for [u] in gathered) == [100001, 100002, 100005]


async def test_the_school_page_evaluates_the_stored_facts(dataset):
    first = await school_compliance(urn=100001, standard_id="proposed-2025", as_of=AS_OF)
    add = dataset.staff["lee"]
    await add_cpd(add, D(2026, 11, 3), 10.0)  # written behind the services' back: not seen until a change
    second = await school_compliance(urn=100001, standard_id="proposed-2025", as_of=AS_OF)
    assert [f.to_json() for f in second.findings] == [f.to_json() for f in first.findings]
    await records_changed(staff_ids=[add.id])
    third = await school_compliance(urn=100001, standard_id="proposed-2025", as_of=AS_OF)
    assert [f.to_json() for f in third.findings] != [f.to_json() for f in first.findings]


async def test_what_a_page_built_from_stored_facts_is_kept_until_they_change(dataset):
    async def proposed():
        return await school_compliance(urn=100001, standard_id="proposed-2025", as_of=AS_OF)

    gathered = await proposed()  # gathers and stores the facts: nothing kept yet
    assert gathered.cache_key is None
    first = await proposed()  # built from the stored facts, and kept
    assert first.cache_key is not None
    assert await proposed() is first
    statutory = await school_compliance(urn=100001, standard_id="statutory-2024", as_of=AS_OF)
    assert statutory is not first and statutory.standard.id == "statutory-2024"
    assert await school_compliance(urn=100001, standard_id="proposed-2025", as_of=D(2025, 1, 1)) is not first

    await log_cpd(dataset.staff["lee"].id, D(2026, 11, 2), hours=6)
    after = await proposed()
    assert after is not first and after.facts != first.facts
    assert after.facts == await facts_gather(as_of=AS_OF, school_urns=[100001], national=after.facts.national)


async def test_a_database_emptied_and_loaded_again_is_never_served_what_was_kept(dataset):
    from workforce import database

    kept = [await school_compliance(urn=100001, standard_id="proposed-2025", as_of=AS_OF) for _ in range(2)][
        1
    ]
    assert kept.cache_key is not None
    await database.truncate_all()  # versions and epoch start again from nothing, as after `seed --reset`
    oak = await add_school(100001, "Oak Academy", "mainstream-academy", number_of_pupils=400)  # id 1 again
    await add_post(await add_staff("N1", "Nora", "New", "Ms"), "teacher", D(2025, 9, 1), school=oak)
    _, second = [
        await school_compliance(urn=100001, standard_id="proposed-2025", as_of=AS_OF) for _ in range(2)
    ]
    assert second is not kept and [p.last_name for p in second.facts.people] == ["New"]

"""The school page costs a fixed number of queries, whatever the number of staff (no N+1).

Queries are counted by wrapping the engine's ``run_querystring`` (every Piccolo query, raw or built, goes
through it). The last test proves the counter and the check can fail: a page that queries once per member of
staff is caught.
"""

from __future__ import annotations

import pytest
from leads_data import AS_OF_QUERY, D, now, two_trusts
from litestar import Request, get
from litestar.params import FromPath

from workforce import database
from workforce.app import create_app
from workforce.compliance.summaries import records_changed
from workforce.people.tables import Employment, StaffMember
from workforce.training.tables import CpdRecord, Qualification
from workforce.web.security import current_user, require_school, requires_role


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
def query_counter(monkeypatch) -> QueryCounter:
    # The engine classes use __slots__, so the method is wrapped on the class (undone after the test).
    engine_class = type(database.engine())
    original = engine_class.run_querystring
    counter = QueryCounter()

    async def counted(self, querystring, *args, **kwargs):
        counter.statements.append(str(querystring)[:200])
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counted)
    return counter


async def add_staff(school, count: int, *, prefix: str) -> None:
    """``count`` more people at the school: teachers and TAs with CPD, and SENCOs with a qualification."""
    await StaffMember.insert(
        *[
            StaffMember(
                staff_ref=f"{prefix}-{i}",
                first_name="Extra",
                last_name=f"Person{i:03d}",
                qts=True,
                created_at=now(),
                updated_at=now(),
            )
            for i in range(count)
        ]
    )
    people = await StaffMember.select(StaffMember.id, StaffMember.staff_ref).where(
        StaffMember.staff_ref.like(f"{prefix}-%")
    )
    roles = ("teacher", "ta", "senco")
    await Employment.insert(
        *[
            Employment(
                staff=p["id"],
                school=school.id,
                role=roles[i % 3],
                start_date=D(2022, 9, 1),
                fte=0.8,
                updated_at=now(),
            )
            for i, p in enumerate(people)
        ]
    )
    await CpdRecord.insert(
        *[
            CpdRecord(
                staff=p["id"],
                title="SEND",
                activity_date=D(2026, 10, 1),
                hours=1.0,
                created_at=now(),
                updated_at=now(),
            )
            for p in people
        ]
    )
    await Qualification.insert(
        *[
            Qualification(
                staff=p["id"],
                kind="npq-senco",
                status="in-progress",
                start_date=D(2023, 10, 1),
                updated_at=now(),
            )
            for p in people
        ]
    )
    await records_changed(school_ids=[school.id])  # written behind the services' back: the page must know


async def page_queries(client, counter: QueryCounter, path: str) -> int:
    await client.page(path)  # warm up (first request of a session may set cookies)
    counter.reset()
    await client.page(path)
    return counter.count


def assert_constant(counts: dict[int, int], *, at_most: int) -> None:
    """The same number of queries for every staff size, and no more than ``at_most``."""
    assert len(set(counts.values())) == 1, f"query count grows with the number of staff: {counts}"
    assert max(counts.values()) <= at_most, f"too many queries: {counts}"


async def test_school_page_query_count_does_not_grow_with_staff(client, login_as, query_counter):
    data = await two_trusts()
    school = data.schools["oak"]
    await login_as("school_lead", school=school)
    path = f"/schools/610001{AS_OF_QUERY}"
    counts = {3: await page_queries(client, query_counter, path)}
    await add_staff(school, 30, prefix="MORE")
    counts[33] = await page_queries(client, query_counter, path)
    await add_staff(school, 60, prefix="EVEN")
    counts[93] = await page_queries(client, query_counter, path)
    # 4 (the facts read from the school's stored row, gathered by the warm-up request): the session with its
    # account, the national figures, the stored facts, saved evaluations (a school lead's access is their own
    # school's URN, read with the account)
    assert_constant(counts, at_most=4)
    # the biggest page did show everyone (paged at 50 rows)
    assert "of 93 people" in (await client.page(path)).text


async def test_hr_lead_school_page_and_trust_overview_are_constant_too(client, login_as, query_counter):
    data = await two_trusts()
    await login_as("hr_lead", trust=data.trusts["a"])
    counts_school, counts_trust = {}, {}
    for size, prefix in ((0, None), (40, "MORE")):
        if prefix:
            await add_staff(data.schools["oak"], size, prefix=prefix)
            await add_staff(data.schools["ash"], size, prefix=prefix + "-ASH")
        counts_school[size] = await page_queries(client, query_counter, f"/schools/610001{AS_OF_QUERY}")
        counts_trust[size] = await page_queries(client, query_counter, f"/trusts/5001{AS_OF_QUERY}")
    assert_constant(counts_school, at_most=5)  # the school lead's 4 and the trust membership check
    assert_constant(counts_trust, at_most=17)  # the trust's facts are gathered on every view


# ---------------------------------------------------------------- the check can fail


@get("/probe/n-plus-one/{urn:int}", guards=[requires_role("school_lead")])
async def n_plus_one(request: Request, urn: FromPath[int]) -> str:
    """What the school page must never do: one query per member of staff."""
    await require_school(current_user(request), urn)
    names = []
    for row in await Employment.select(Employment.staff).where(Employment.school.urn == urn):
        person = await StaffMember.select(StaffMember.last_name).where(StaffMember.id == row["staff"]).first()
        names.append(person["last_name"])
    return ", ".join(names)


async def test_the_query_counter_catches_a_page_that_queries_per_person(client, login_as, query_counter):
    client.use_app(create_app(extra_route_handlers=[n_plus_one]))
    data = await two_trusts()
    await login_as("school_lead", school=data.schools["oak"])
    counts = {}
    for size, prefix in ((0, None), (10, "MORE")):
        if prefix:
            await add_staff(data.schools["oak"], size, prefix=prefix)
        await client.get("/probe/n-plus-one/610001")
        query_counter.reset()
        response = await client.get("/probe/n-plus-one/610001")
        assert response.status_code == 200
        counts[size] = query_counter.count
    assert counts[10] - counts[0] == 10  # the counter sees every query ...
    with pytest.raises(AssertionError, match="grows with the number of staff"):
        assert_constant(counts, at_most=100)  # ... and the check fails on it

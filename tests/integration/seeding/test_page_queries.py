"""No N+1 queries: a school page costs the same number of queries for a small school as for a large one,
and a trust page the same for a small trust as for a large one (national data set, scale 0.01)."""

from __future__ import annotations

import httpx
import pytest
from asgi_lifespan import LifespanManager

from workforce import database
from workforce.app import CSRF_COOKIE, create_app
from workforce.people.accounts import user_create
from workforce.seeding.national import NationalPlan, seed_national
from workforce.web.page_check import CSRF_FIELD

SCALE = 0.01
PASSWORD = "page-queries-password-2026"


class Counter:
    def __init__(self):
        self.statements: list[str] = []


@pytest.fixture
def counter(monkeypatch) -> Counter:
    # Every Piccolo query (selects, raw SQL, the session store) goes through the engine's run_querystring.
    engine_class = type(database.engine())
    original = engine_class.run_querystring
    found = Counter()

    async def counted(self, querystring, *args, **kwargs):
        found.statements.append(str(querystring)[:200])
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counted)
    return found


@pytest.fixture
async def national_app():
    await seed_national(scale=SCALE, seed=42, reset=True, progress=lambda _line: None)
    application = create_app()
    async with LifespanManager(application):
        yield application


async def signed_in(app, email: str) -> httpx.AsyncClient:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    await http.get("/sign-in")
    token = next(c.value for c in http.cookies.jar if c.name == CSRF_COOKIE)
    response = await http.post("/sign-in", data={"email": email, "password": PASSWORD, CSRF_FIELD: token})
    assert response.status_code == 303, response.text[:500]
    return http


async def queries_for(http: httpx.AsyncClient, counter: Counter, path: str) -> int:
    counter.statements.clear()
    response = await http.get(path)
    assert response.status_code == 200, path
    return len(counter.statements)


async def school_page_queries(http: httpx.AsyncClient, counter: Counter, urn: int) -> tuple[int, int]:
    """Statements of a school page that gathers the school's facts (none stored yet), then of the next one,
    which reads them from the stored row."""
    return await queries_for(http, counter, f"/schools/{urn}"), await queries_for(http, counter, f"/schools/{urn}")


async def test_school_and_trust_pages_cost_a_fixed_number_of_queries(national_app, counter):
    plan = NationalPlan(scale=SCALE, seed=42)
    mats = sorted((t for t in plan.trusts if t.trust_type == "MAT"), key=lambda t: len(t.schools))
    small_trust, large_trust = mats[0], mats[-1]
    assert len(large_trust.schools) >= 5 * len(small_trust.schools)
    schools = sorted(large_trust.schools, key=lambda s: s.pupils)
    small_school, large_school = schools[0], schools[-1]
    assert large_school.pupils >= 3 * small_school.pupils

    await user_create(email="hr@pages.example", role="hr_lead", password=PASSWORD, trust_uid=large_trust.uid)
    await user_create(email="admin@pages.example", role="admin", password=PASSWORD)
    hr = await signed_in(national_app, "hr@pages.example")
    admin = await signed_in(national_app, "admin@pages.example")
    try:
        # the first request of a session may do more, and the first school page stores the national figures
        assert (await hr.get(f"/schools/{schools[1].urn}")).status_code == 200
        assert (await admin.get("/trusts")).status_code == 200
        small = await school_page_queries(hr, counter, small_school.urn)
        large = await school_page_queries(hr, counter, large_school.urn)
        assert small == large, counter.statements
        gathering, stored = large
        assert 10 <= gathering <= 30, counter.statements  # facts_gather alone runs about a dozen
        assert stored <= gathering - 8, counter.statements  # one row instead of facts_gather's statements
        print(f"school page: {gathering} queries gathering its facts, {stored} reading them stored")
        small_trust_queries = await queries_for(admin, counter, f"/trusts/{small_trust.uid}")
        large_trust_queries = await queries_for(admin, counter, f"/trusts/{large_trust.uid}")
        assert small_trust_queries == large_trust_queries, counter.statements
        assert 10 <= large_trust_queries <= 30, counter.statements
        print(f"trust page: {large_trust_queries} queries")
    finally:
        await hr.aclose()
        await admin.aclose()

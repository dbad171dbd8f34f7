"""Role guards and the scope helpers: who may open which school, trust and person."""

from __future__ import annotations

import datetime as dt

import pytest
from litestar import Request, get
from litestar.params import FromPath

from workforce.app import create_app
from workforce.people.accounts import ROLES
from workforce.web import security
from workforce.web.security import (
    PUBLIC,
    current_user,
    require_school,
    require_staff,
    require_trust,
    requires_role,
    requires_sign_in,
)


@get("/probe/hr-only", guards=[requires_role("hr_lead")])
async def hr_only() -> str:
    return "hr page"


@get("/probe/leads", guards=[requires_role("school_lead", "hr_lead")])
async def leads() -> str:
    return "leads page"


@get("/probe/school/{urn:int}", guards=[requires_sign_in])
async def school_page(request: Request, urn: FromPath[int]) -> str:
    await require_school(current_user(request), urn)
    return f"school {urn}"


@get("/probe/trust/{uid:str}", guards=[requires_sign_in])
async def trust_page(request: Request, uid: FromPath[str]) -> str:
    await require_trust(current_user(request), uid)
    return f"trust {uid}"


@get("/probe/staff/{staff_id:int}", guards=[requires_sign_in])
async def staff_page(request: Request, staff_id: FromPath[int]) -> str:
    await require_staff(current_user(request), staff_id)
    return f"staff {staff_id}"


@get("/api/probe", guards=[requires_role("dfe_analyst")])
async def api_probe() -> dict:
    return {"ok": True}


@get("/probe/boom", guards=[requires_sign_in])
async def boom() -> str:
    raise RuntimeError("secret internal detail")


@get("/probe/remember", opt=PUBLIC)
async def remember(request: Request) -> str:
    """Stores something in the session of a signed-out visitor."""
    request.session["seen"] = request.session.get("seen", 0) + 1
    return str(request.session["seen"])


PROBES = [hr_only, leads, school_page, trust_page, staff_page, api_probe, boom, remember]


@pytest.fixture(scope="module")
def probe_app(migrated_db):
    # The database pool is already open (migrated_db), so this app needs no lifespan of its own.
    return create_app(extra_route_handlers=PROBES)


@pytest.fixture
async def probe(probe_app, client):
    """The test's ``client``, pointed at the app with the probe routes (same cookies, same database)."""
    client.use_app(probe_app)
    return client


@pytest.mark.parametrize("role", ROLES)
async def test_role_guard_lets_in_only_the_listed_roles(probe, login_as, role):
    await login_as(role)
    response = await probe.get("/probe/hr-only")
    assert response.status_code == (200 if role == "hr_lead" else 403)
    response = await probe.get("/probe/leads")
    assert response.status_code == (200 if role in {"school_lead", "hr_lead"} else 403)


async def test_403_is_a_gov_uk_page(probe, login_as, check_page):
    await login_as("teacher")
    response = await probe.get("/probe/hr-only")
    assert response.status_code == 403
    check_page(response)
    assert "You do not have access to this page" in response.text


async def test_signed_out_visitors_are_sent_to_sign_in_and_back(probe, login_as):
    response = await probe.get("/probe/hr-only?tab=a")
    assert response.status_code == 303
    assert response.headers["location"] == "/sign-in?next=/probe/hr-only%3Ftab%3Da"
    account = await login_as("hr_lead")
    await probe.sign_out()
    back = await probe.post("/sign-in", {"email": account.email, "password": probe.password, "next": "/probe/hr-only?tab=a"})
    assert back.headers["location"] == "/probe/hr-only?tab=a"


async def test_htmx_requests_get_a_redirect_header_instead(probe):
    response = await probe.get("/probe/hr-only", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/sign-in?next=/probe/hr-only"


async def test_api_paths_answer_json(probe, login_as):
    anonymous = await probe.get("/api/probe")
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/json")
    assert anonymous.json()["status_code"] == 401
    await login_as("teacher")
    forbidden = await probe.get("/api/probe")
    assert forbidden.status_code == 403 and forbidden.json()["status_code"] == 403
    missing = await probe.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.json() == {"status_code": 404, "detail": "Not Found"}


async def test_unexpected_errors_show_a_page_without_details(probe, login_as, check_page):
    await login_as("admin")
    response = await probe.get("/probe/boom")
    assert response.status_code == 500
    check_page(response)
    assert "Sorry, there is a problem with the service" in response.text
    assert "secret internal detail" not in response.text and "Traceback" not in response.text


async def test_an_invented_session_id_is_never_adopted(probe):
    probe.set_cookie("workforce_session", "attacker-chosen-id")
    assert (await probe.get("/probe/remember")).text == "1"
    issued = probe.session_id
    assert issued and issued != "attacker-chosen-id"
    assert (await probe.get("/probe/remember")).text == "2"
    assert probe.session_id == issued


def test_requires_role_rejects_unknown_roles():
    with pytest.raises(ValueError, match="unknown roles: headteacher"):
        requires_role("headteacher")
    with pytest.raises(ValueError):
        requires_role()
    assert requires_role("admin", "hr_lead").roles == frozenset({"admin", "hr_lead"})


# ---------------------------------------------------------------- scope: two trusts


@pytest.fixture
async def world(make_school, make_trust, make_staff):
    """Trust A (schools A1, A2; A-left left last year; A-future joins next year) and trust B (school B1)."""
    today = dt.date.today()
    a1 = await make_school(urn=100001, name="A1")
    a2 = await make_school(urn=100002, name="A2")
    a_left = await make_school(urn=100003, name="A-left")
    a_future = await make_school(urn=100004, name="A-future")
    b1 = await make_school(urn=200001, name="B1")
    trust_a = await make_trust(uid="1001", name="Trust A", schools=[a1, a2], joined_on=dt.date(2015, 9, 1))
    await make_trust_membership(trust_a, a_left, joined_on=dt.date(2015, 9, 1), left_on=today - dt.timedelta(days=365))
    await make_trust_membership(trust_a, a_future, joined_on=today + dt.timedelta(days=365))
    trust_b = await make_trust(uid="2001", name="Trust B", schools=[b1])
    return {
        "trust_a": trust_a,
        "trust_b": trust_b,
        "a1": a1,
        "a2": a2,
        "a_left": a_left,
        "a_future": a_future,
        "b1": b1,
        "teacher_a1": await make_staff(school=a1),
        "colleague_a1": await make_staff(school=a1),
        "staff_a2": await make_staff(school=a2),
        "leaver_a1": await make_staff(school=a1, end_date=today - dt.timedelta(days=30)),
        "staff_b1": await make_staff(school=b1),
        "staff_a_left": await make_staff(school=a_left),
    }


async def make_trust_membership(trust, school, *, joined_on=None, left_on=None):
    from workforce.organisations.tables import TrustMembership

    await TrustMembership.insert(TrustMembership(trust=trust.id, school=school.id, joined_on=joined_on, left_on=left_on))


async def _status(client, path: str) -> int:
    return (await client.get(path)).status_code


async def test_hr_lead_sees_only_their_trust_today(probe, login_as, world):
    await login_as("hr_lead", trust=world["trust_a"])
    assert await _status(probe, "/probe/trust/1001") == 200
    assert await _status(probe, "/probe/trust/2001") == 403
    assert await _status(probe, "/probe/school/100001") == 200
    assert await _status(probe, "/probe/school/100002") == 200
    assert await _status(probe, "/probe/school/100003") == 403  # left the trust last year
    assert await _status(probe, "/probe/school/100004") == 403  # joins next year
    assert await _status(probe, "/probe/school/200001") == 403  # trust B
    assert await _status(probe, "/probe/school/999999") == 404
    assert await _status(probe, f"/probe/staff/{world['teacher_a1'].id}") == 200
    assert await _status(probe, f"/probe/staff/{world['staff_a2'].id}") == 200
    # Another trust's people, a leaver and staff of a school that left are all simply "not found".
    assert await _status(probe, f"/probe/staff/{world['staff_b1'].id}") == 404
    assert await _status(probe, f"/probe/staff/{world['leaver_a1'].id}") == 404
    assert await _status(probe, f"/probe/staff/{world['staff_a_left'].id}") == 404
    assert await _status(probe, "/probe/staff/987654") == 404


async def test_hr_lead_of_trust_b_cannot_see_trust_a(probe, login_as, world):
    await login_as("hr_lead", trust=world["trust_b"])
    assert await _status(probe, "/probe/trust/1001") == 403
    assert await _status(probe, "/probe/school/100001") == 403
    assert await _status(probe, f"/probe/staff/{world['teacher_a1'].id}") == 404
    assert await _status(probe, f"/probe/staff/{world['staff_b1'].id}") == 200


async def test_school_lead_sees_only_their_school(probe, login_as, world):
    await login_as("school_lead", school=world["a1"])
    assert await _status(probe, "/probe/school/100001") == 200
    assert await _status(probe, "/probe/school/100002") == 403
    assert await _status(probe, "/probe/trust/1001") == 403
    assert await _status(probe, f"/probe/staff/{world['teacher_a1'].id}") == 200
    assert await _status(probe, f"/probe/staff/{world['staff_a2'].id}") == 404
    assert await _status(probe, f"/probe/staff/{world['leaver_a1'].id}") == 404


async def test_teacher_sees_only_their_own_record(probe, login_as, world):
    await login_as("teacher", staff=world["teacher_a1"])
    assert await _status(probe, f"/probe/staff/{world['teacher_a1'].id}") == 200
    assert await _status(probe, f"/probe/staff/{world['colleague_a1'].id}") == 404
    assert await _status(probe, "/probe/school/100001") == 403
    assert await _status(probe, "/probe/trust/1001") == 403


async def test_analyst_never_sees_people_or_school_pages(probe, login_as, world):
    await login_as("dfe_analyst")
    assert await _status(probe, "/probe/school/100001") == 403
    assert await _status(probe, "/probe/trust/1001") == 403
    assert await _status(probe, f"/probe/staff/{world['teacher_a1'].id}") == 404


async def test_admin_sees_everything(probe, login_as, world):
    await login_as("admin")
    assert await _status(probe, "/probe/school/200001") == 200
    assert await _status(probe, "/probe/trust/1001") == 200
    assert await _status(probe, f"/probe/staff/{world['staff_b1'].id}") == 200


async def test_inspectors_see_nothing_without_a_grant_and_only_what_a_grant_allows(
    probe, login_as, world, monkeypatch
):
    await login_as("inspector")
    monkeypatch.setattr(security, "_inspector_access_checks", [])
    assert await _status(probe, "/probe/school/100001") == 403
    assert await _status(probe, "/probe/trust/1001") == 403
    assert await _status(probe, f"/probe/staff/{world['teacher_a1'].id}") == 404

    async def grant_for_a1(user, kind, key):
        return kind == "school" and key == 100001 and user.role == "inspector"

    security.register_inspector_access(grant_for_a1)
    security.register_inspector_access(grant_for_a1)
    assert security._inspector_access_checks == [grant_for_a1]
    assert await _status(probe, "/probe/school/100001") == 200
    assert await _status(probe, "/probe/school/100002") == 403
    assert await _status(probe, "/probe/trust/1001") == 403


async def test_visible_school_ids(login_as, world):
    from workforce.web.security import load_current_user, visible_school_ids

    hr = await load_current_user((await login_as("hr_lead", trust=world["trust_a"])).id)
    assert await visible_school_ids(hr) == {world["a1"].id, world["a2"].id}
    # On a date before the school left, it was visible.
    long_ago = dt.date.today() - dt.timedelta(days=400)
    assert world["a_left"].id in await visible_school_ids(hr, on=long_ago)
    lead = await load_current_user((await login_as("school_lead", school=world["b1"])).id)
    assert await visible_school_ids(lead) == {world["b1"].id}
    admin = await load_current_user((await login_as("admin")).id)
    assert await visible_school_ids(admin) is None
    teacher = await load_current_user((await login_as("teacher", staff=world["teacher_a1"])).id)
    assert await visible_school_ids(teacher) == set()


async def test_a_school_that_moves_trust_is_in_its_new_trust_only_on_the_day_it_moves(make_school, make_trust):
    """``left_on`` is the first day outside the old trust, as the GIAS import and the engine's facts define it."""
    moved_on = dt.date(2025, 9, 1)
    school = await make_school(urn=300001, name="Mover")
    old = await make_trust(uid="3001", name="Old trust", schools=[])
    new = await make_trust(uid="3002", name="New trust", schools=[])
    await make_trust_membership(old, school, joined_on=dt.date(2015, 9, 1), left_on=moved_on)
    await make_trust_membership(new, school, joined_on=moved_on)
    day_before = moved_on - dt.timedelta(days=1)
    assert school.id in await security.trust_school_ids(old.id, on=day_before)
    assert school.id not in await security.trust_school_ids(new.id, on=day_before)
    assert school.id not in await security.trust_school_ids(old.id, on=moved_on)
    assert school.id in await security.trust_school_ids(new.id, on=moved_on)

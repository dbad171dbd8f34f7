"""The DfE role cannot reach any page or API that returns a named person.

Two walks over the running app, signed in as a DfE analyst (and with the analyst's API token):
1. every registered route, GET and POST, with its path parameters filled from the data set (staff ids, URNs,
   trust UIDs, LA and region codes...): whatever a route answers, no answer may contain a person's name,
   email or TRN;
2. a crawl of every link reachable from the start page and the national dashboard (drill-down, downloads,
   API reference), with the same check.
The data set gives every person a distinctive name, and a saved evaluation whose reasons name them.
"""

from __future__ import annotations

import itertools
import re
from urllib.parse import urljoin, urlsplit

from litestar.routes import HTTPRoute
from monitoring_dataset import AS_OF, NOW

from workforce.compliance.tables import EvaluationSnapshot, SnapshotFinding
from workforce.monitoring import tokens as token_service
from workforce.people.tables import GovernanceRole, StaffMember, UserAccount

_PARAM = re.compile(r"\{([a-z_][a-z0-9_]*):([a-z]+)\}")
_LINK = re.compile(r'(?:href|action)="([^"#]*)"')


async def _personal_strings() -> list[str]:
    strings: set[str] = set()
    for row in await StaffMember.select(
        StaffMember.first_name, StaffMember.last_name, StaffMember.email, StaffMember.trn
    ):
        strings.update(v for v in (row["first_name"], row["last_name"], row["email"], row["trn"]) if v)
        strings.add(f"{row['first_name'][:1]} {row['last_name']}")  # "Ms A Khan" style
    for row in await GovernanceRole.select(GovernanceRole.full_name):
        strings.add(row["full_name"])
    return sorted(strings)


def leaks(body: str, personal: list[str], asked: str = "") -> list[str]:
    """Personal strings in a response (a value the request itself carried, echoed back, is not a leak)."""
    return [s for s in personal if s in body and s not in asked]


async def _named_people_everywhere(dataset) -> None:
    """Governors, and a saved national evaluation whose reasons name people (as real ones do)."""
    s1 = dataset.schools["S1"]
    await GovernanceRole(full_name="Qwyzgov Governorname", school=s1.id, role="chair", send_responsibility=True).save()
    people = await StaffMember.select(StaffMember.id, StaffMember.first_name, StaffMember.last_name).limit(3)
    snap = EvaluationSnapshot(standard_id="proposed-2025", standard_version="1", as_of=AS_OF, scope="national",
                              params="{}", finding_count=3, content_hash="0" * 64, created_at=NOW)
    await snap.save()
    for person in people:
        await SnapshotFinding(
            snapshot=snap.id, rule="senco-qualification", subject="person", urn=100001, person_id=person["id"],
            outcome="gap", basis="law",
            reason=f"{person['first_name']} {person['last_name']} became SENCO on 1 September 2020 and has no NPQ.",
        ).save()


def _candidates(name: str, kind: str, ids: dict) -> list[str]:
    if name == "token_id":
        return [str(v) for v in ids["tokens"]]  # only the decoy: the walk must not revoke its own token
    if kind == "int":
        pool = ids["staff"][:3] + ids["urns"][:2] + ids["tokens"] + ids["snapshots"] + [1]
    elif kind == "path":
        return []
    else:
        pool = ["A", "H", "391", "202", "5001", "100001", "region", "trust", "local-authority",
                ids["staff_ref"], ids["trn"], "senco-qualification"]
    return [str(v) for v in dict.fromkeys(pool)]


def _urls(path: str, ids: dict, limit: int = 24) -> list[str]:
    params = _PARAM.findall(path)
    if not params:
        return [path]
    pools = [_candidates(name, kind, ids) for name, kind in params]
    if any(not pool for pool in pools):
        return []
    urls = []
    for combo in itertools.islice(itertools.product(*pools), limit):
        url = path
        for value in combo:
            url = _PARAM.sub(value, url, count=1)
        urls.append(url)
    return urls


async def test_the_dfe_role_cannot_reach_a_named_person(app, client, login_as, dataset):
    await _named_people_everywhere(dataset)
    analyst = await login_as("dfe_analyst", display_name="Analyst Account")
    issued = await token_service.api_token_create(user_id=analyst.id, actor="test")
    bearer = {"Authorization": f"Bearer {issued.token}"}
    decoy = await token_service.api_token_create(user_id=analyst.id, actor="test")  # the walk may revoke it
    personal = await _personal_strings()
    assert len(personal) > 100 and "Qwyzgov Governorname" in personal
    # the check itself can fail
    name = next(s for s in personal if s.startswith("Zqxname"))
    assert leaks(f"<p>Ms A {name}</p>", personal) == [name]

    staff = await StaffMember.select(StaffMember.id, StaffMember.staff_ref, StaffMember.trn).order_by(StaffMember.id)
    ids = {
        "staff": [row["id"] for row in staff],
        "urns": [100001, 100004],
        "tokens": [decoy.id],
        "snapshots": [row["id"] for row in await EvaluationSnapshot.select(EvaluationSnapshot.id)],
        "staff_ref": staff[0]["staff_ref"],
        "trn": next(row["trn"] for row in staff if row["trn"]),
    }
    csrf = await client.csrf_token()
    problems: list[str] = []
    reached: list[str] = []

    async def check(method: str, url: str) -> None:
        headers = bearer if url.startswith("/api/") else {}
        if method == "GET":
            response = await client.get(url, headers=headers)
        else:
            response = await client.http.post(url, data={"_csrf_token": csrf}, headers=headers)
        found = leaks(response.text, personal, url)
        if found:
            problems.append(f"{method} {url} ({response.status_code}) shows {found[:3]}")
        if response.status_code == 200:
            reached.append(url)


    # 1. every route
    for route in app.routes:
        if not isinstance(route, HTTPRoute) or route.path.startswith("/static/"):
            continue
        for method in sorted(route.methods & {"GET", "POST"}):
            if route.path == "/sign-out":
                continue  # would end the analyst's session and prove nothing afterwards
            for url in _urls(route.path, ids):
                await check(method, url)

    # 2. every link reachable from the start page and the dashboard
    queue = ["/", f"/dfe?as_of={AS_OF.isoformat()}", "/dfe/scenarios?run=1&ta_multiplier=2", "/schema"]
    seen: set[str] = set()
    while queue and len(seen) < 400:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = await client.get(url, headers=bearer if url.startswith("/api/") else {})
        found = leaks(response.text, personal, url)
        if found:
            problems.append(f"GET {url} ({response.status_code}) shows {found[:3]}")
        if response.status_code != 200 or "html" not in response.headers.get("content-type", ""):
            continue
        for link in _LINK.findall(response.text):
            target = urljoin(url, link.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or parts.path.startswith("/static/"):
                continue
            if parts.path in ("/sign-out",):
                continue
            queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))

    assert problems == []
    # the walks really went through the analyst's pages and the API (and the session lasted throughout)
    assert {"/dfe", "/dfe/trends", "/api/v1/summary", "/dfe/local-authorities/391"} <= {u.split("?")[0] for u in reached}
    assert any(u.startswith("/dfe/download?") for u in seen)
    assert (await client.get("/dfe")).status_code == 200
    assert await UserAccount.count() >= 1

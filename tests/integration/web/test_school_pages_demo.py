"""Every school lead and HR lead page renders on the demo trust (real variety: special school, shared posts...)."""

from __future__ import annotations

import re

from workforce.organisations.tables import School
from workforce.people.tables import Employment
from workforce.seeding.demo import DEMO_PASSWORD, seed_demo


async def test_hr_lead_walks_every_page_of_the_demo_trust(client):
    await seed_demo(progress=lambda _line: None)
    assert (await client.sign_in("hr.lead@demo.example", DEMO_PASSWORD)).status_code == 303
    overview = (await client.page("/trusts/17001")).text
    urns = re.findall(r'id="school-(\d+)"', overview)
    assert len(urns) >= 5
    await client.page("/trusts/17001?standard=statutory-2024")
    for urn in urns:
        for standard in ("proposed-2025", "statutory-2024"):
            await client.page(f"/schools/{urn}?standard={standard}")
        staff = (await client.page(f"/schools/{urn}/staff")).text
        for person in sorted(set(re.findall(r'href="/staff/(\d+)"', staff)))[:3]:
            await client.page(f"/staff/{person}")
            await client.page(f"/staff/{person}/history")
            await client.page(f"/staff/{person}/employments/new")
            await client.page(f"/staff/{person}/qualifications/new")
            await client.page(f"/staff/{person}/placements/new")
        await client.page(f"/schools/{urn}/staff/new")
        for export in ("matrix", "findings"):
            response = await client.get(f"/schools/{urn}/exports/{export}")
            assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    await client.page("/uploads")
    await client.page("/schools")


async def test_school_lead_of_the_demo_sees_their_school_only(client):
    await seed_demo(progress=lambda _line: None)
    assert (await client.sign_in("school.lead@demo.example", DEMO_PASSWORD)).status_code == 303
    html = (await client.page("/schools/149002")).text
    assert "Hillcrest Primary Academy" in html
    others = [row["urn"] for row in await School.select(School.urn).where(School.urn != 149002)]
    for urn in others:
        assert (await client.get(f"/schools/{urn}")).status_code == 403
    posts = await Employment.select(Employment.id, Employment.staff).where(Employment.school.urn == 149002)
    person = posts[0]["staff"]
    page = (await client.page(f"/staff/{person}")).text
    post_id = re.search(r"/staff/%d/employments/(\d+)/edit" % person, page).group(1)
    await client.page(f"/staff/{person}/employments/{post_id}/edit")
    await client.page(f"/staff/{person}/employments/{post_id}/end")
    await client.page(f"/staff/{person}/details")

"""Due-soon pages: what is due soon at a school (school and HR leads) and across a trust (HR leads).

    GET /reminders                     to the signed-in lead's own list (school lead: school; HR lead: trust)
    GET /reminders/schools/{urn}       one school's due-soon items (require_school)
    GET /reminders/trusts/{uid}        one trust's due-soon items, by school (require_trust)

The email digest of the same items is sent by ``workforce reminders send``.
"""

from __future__ import annotations

import datetime as dt

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from workforce.reminders.selectors import (
    REMINDER_STANDARD,
    due_soon_for_school,
    due_soon_for_trust,
    scope_name,
)
from workforce.standards import load_standard
from workforce.standards.dates import format_date
from workforce.web.navigation import NavItem
from workforce.web.security import current_user, require_school, require_trust, requires_role

lead_roles = requires_role("school_lead", "hr_lead", "admin")

nav_items = [
    NavItem(
        label="Due soon",
        href="/reminders",
        roles=frozenset({"school_lead", "hr_lead"}),
        description="What is due soon for your staff, school or trust, with due dates and reasons.",
        order=40,
    )
]


@get("/reminders", guards=[lead_roles])
async def reminders_home(request: Request) -> Response:
    user = current_user(request)
    assert user is not None
    if user.role == "school_lead" and user.school_urn is not None:
        return Redirect(path=f"/reminders/schools/{user.school_urn}", status_code=303)
    if user.role == "hr_lead" and user.trust_uid:
        return Redirect(path=f"/reminders/trusts/{user.trust_uid}", status_code=303)
    raise NotFoundException("Page not found")  # an admin opens a school's or trust's list directly


def _page(*, heading: str, caption: str, items, grouped: bool, as_of: dt.date) -> Template:
    return Template(
        template_name="reminders/due_soon.html",
        context={
            "heading": heading,
            "caption": caption,
            "items": items,
            "grouped": grouped,
            "as_of": as_of,
            "standard_title": load_standard(REMINDER_STANDARD).title,
            "format_date": format_date,
        },
    )


@get("/reminders/schools/{urn:int}", guards=[lead_roles])
async def school_due_soon(request: Request, urn: FromPath[int]) -> Template:
    user = current_user(request)
    assert user is not None
    await require_school(user, urn)
    today = dt.date.today()
    name = await scope_name(school_urn=urn)
    items = await due_soon_for_school(urn, as_of=today)
    return _page(heading=f"Due soon at {name}", caption=f"URN {urn}", items=items, grouped=False, as_of=today)


@get("/reminders/trusts/{uid:str}", guards=[lead_roles])
async def trust_due_soon(request: Request, uid: FromPath[str]) -> Template:
    user = current_user(request)
    assert user is not None
    await require_trust(user, uid)
    today = dt.date.today()
    name = await scope_name(trust_uid=uid)
    items = await due_soon_for_trust(uid, as_of=today)
    return _page(heading=f"Due soon in {name}", caption=f"Trust UID {uid}", items=items, grouped=True, as_of=today)


route_handlers = [reminders_home, school_due_soon, trust_due_soon]

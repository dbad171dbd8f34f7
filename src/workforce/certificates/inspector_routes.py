"""Inspector access pages: leads grant and withdraw access, inspectors accept invitations and look (read-only).

School leads (their school) and HR leads (their trust, or a school of it); admins may list and withdraw:
- ``GET  /inspector-access``                          grants with their status, and what inspectors opened
- ``GET  /inspector-access/new``                      the form: inspector's email, school or trust, days
- ``POST /inspector-access``                          create the grant; the invitation link is shown once (and
                                                      emailed when the mail server takes it)
- ``GET  /inspector-access/{grant_id}/withdraw``      "are you sure?"
- ``POST /inspector-access/{grant_id}/withdraw``      withdraw it

The invitation link (any signed-in account may open it; only the invited inspector's can accept):
- ``GET  /inspector-invitations/{token}``             what is offered, and an Accept button; an expired,
                                                      withdrawn, used or unknown link gets a page saying so
- ``POST /inspector-invitations/{token}``             accept (inspector role)

Inspectors (read-only; every page is logged in the access log the school or trust sees):
- ``GET /inspect``                                    the access they have been given
- ``GET /inspect/schools/{urn}``, ``/inspect/trusts/{uid}``   findings with reasons (leaders named, other staff
                                                      counted), ratios, and the certificates with their
                                                      PDFs and evidence packs

The one POST an inspector may make is accepting their own invitation.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import (
    HTTP_403_FORBIDDEN,
    HTTP_404_NOT_FOUND,
    HTTP_410_GONE,
    HTTP_422_UNPROCESSABLE_ENTITY,
)

from workforce.certificates import inspectors
from workforce.certificates.inspectors import GrantError, inspector_access_record
from workforce.certificates.selectors import (
    OUTCOME_LABELS,
    certificates_for_scope,
    content_build,
    finding_rows,
    organisation_name,
    school_names_of,
)
from workforce.certificates.services import certificate_status
from workforce.compliance.evaluation import evaluate_scope
from workforce.config import get_settings
from workforce.imports.parsing import FieldError, choice
from workforce.organisations.tables import School, Trust
from workforce.standards import findings_hash, format_date, standard_ids
from workforce.web.forms import Field, Form
from workforce.web.mail import MailError, send_email
from workforce.web.navigation import NavItem
from workforce.web.security import (
    CurrentUser,
    current_user,
    require_school,
    require_trust,
    requires_role,
    requires_sign_in,
    trust_school_ids,
)

LEAD_ROLES = ("school_lead", "hr_lead")
can_list_grants = requires_role(*LEAD_ROLES, "admin")
can_grant = requires_role(*LEAD_ROLES)
inspector_only = requires_role("inspector")

INSPECTOR_STANDARD = "statutory-2024"  # what inspectors see first: the law in force
WITHHELD_NOTE = "names of staff who are not leaders are not shown"
# The invitation page carries its token in the URL: never send it on as a Referer.
NO_REFERRER = {"Referrer-Policy": "no-referrer"}


def _user(request: Request) -> CurrentUser:
    user = current_user(request)
    if user is None:  # the guard has already refused signed-out visitors
        raise PermissionDeniedException("Sign in to continue")
    return user


def _date(value: dt.date | dt.datetime | None) -> str:
    return format_date(value.date() if isinstance(value, dt.datetime) else value) if value else ""


def _time(value: dt.datetime | None) -> str:
    return f"{_date(value)} {value.astimezone(dt.UTC):%H:%M} UTC" if value else ""


def invitation_url(token: str) -> str:
    return f"{get_settings().base_url}/inspector-invitations/{token}"


# ---------------------------------------------------------------- leads: grants


def _days(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= inspectors.MAX_DAYS:
        raise FieldError(f"must be a whole number from 1 to {inspectors.MAX_DAYS}")
    return int(raw)


def _email(raw: str) -> str:
    if len(raw) > 255 or "@" not in raw.strip("@") or " " in raw:
        raise FieldError("must be an email address, like name@example.org")
    return raw.lower()


class InspectorGrantForm(Form):
    """Who, to what, for how long. The school or trust is checked against the lead's own choices."""

    fields: ClassVar[list[Field]] = [
        Field(
            "email",
            "Inspector's email address",
            parse=_email,
            missing_message="Enter the inspector's email address",
        ),
        Field("scope", "Access to", missing_message="Select the school or trust the inspector may see"),
        Field("days", "Number of days", parse=_days, required=False, default=inspectors.DEFAULT_DAYS),
    ]


async def _access_page(user: CurrentUser, *, withdrawn: inspectors.GrantView | None = None) -> Template:
    grants = await inspectors.grants_for_lead(user)
    manageable = {g.id for g in grants if await inspectors.grant_manageable(user, g)}
    return Template(
        template_name="certificates/inspectors/access.html",
        context={
            "grants": grants,
            "manageable": manageable,
            "log": await inspectors.access_log_for_lead(user),
            "log_limit": inspectors.ACCESS_LOG_SHOWN,
            "can_grant": user.role in LEAD_ROLES,
            "withdrawn": withdrawn,
            "date": _date,
            "time": _time,
        },
    )


@get("/inspector-access", guards=[can_list_grants])
async def inspector_access(request: Request, withdrawn: FromQuery[int | None] = None) -> Template:
    """Grants to the lead's school or trust and the log of what inspectors opened."""
    user = _user(request)
    shown = None
    if withdrawn is not None:
        grant = await inspectors.grant_view(withdrawn)
        if grant is not None and await inspectors.grant_manageable(user, grant):
            shown = grant
    return await _access_page(user, withdrawn=shown)


async def _grant_form(
    user: CurrentUser, *, values: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> Template:
    choices = await inspectors.grant_scope_choices(user)
    values = values or {}
    return Template(
        template_name="certificates/inspectors/grant_new.html",
        context={
            "choices": choices,
            "email": values.get("email", ""),
            "scope": values.get("scope", choices[0].value if len(choices) == 1 else ""),
            "days": values.get("days", str(inspectors.DEFAULT_DAYS)),
            "max_days": inspectors.MAX_DAYS,
            "errors": errors or {},
        },
        status_code=HTTP_422_UNPROCESSABLE_ENTITY if errors else 200,
    )


@get("/inspector-access/new", guards=[can_grant])
async def inspector_grant_new(request: Request) -> Template:
    return await _grant_form(_user(request))


@post("/inspector-access", guards=[can_grant])
async def inspector_grant_create(request: Request) -> Template:
    """Create the grant and show its invitation link once (the page is not stored; the token is not kept)."""
    user = _user(request)
    result = InspectorGrantForm.validate(await request.form())
    choices = {c.value: c for c in await inspectors.grant_scope_choices(user)}
    chosen = choices.get(result.values.get("scope") or "")
    if "scope" not in result.errors and chosen is None:
        result.errors["scope"] = "Select a school or trust that you manage"
    if result.errors:
        return await _grant_form(user, values=result.data, errors=result.errors)
    try:
        grant, token = await inspectors.inspector_grant_create(
            email=result.values["email"],
            actor=user.email,
            school_urn=chosen.school_urn,
            trust_uid=chosen.trust_uid,
            days=result.values["days"],
        )
    except GrantError as exc:
        return await _grant_form(user, values=result.data, errors={"email": str(exc)})
    view = await inspectors.grant_view(grant.id)
    link = invitation_url(token)
    emailed = True
    try:
        await send_email(
            to=view.email,
            subject=f"Read-only access to {view.organisation_name} on SEND Workforce",
            body=_invitation_email(view, link, granted_by=user.name),
        )
    except MailError:
        emailed = False
    return Template(
        template_name="certificates/inspectors/grant_created.html",
        context={"grant": view, "link": link, "emailed": emailed, "date": _date},
        headers={"Cache-Control": "no-store", **NO_REFERRER},
    )


def _invitation_email(grant: inspectors.GrantView, link: str, *, granted_by: str) -> str:
    return (
        f"{granted_by} has given you read-only access to the SEND workforce compliance of "
        f"{grant.organisation} until {_date(grant.expires_at)}.\n\n"
        f"To accept, sign in to SEND Workforce with your inspector account ({grant.email}) and open this link:\n\n"
        f"{link}\n\n"
        "The link can be used by your account only. It stops working when the access expires or is withdrawn.\n"
        "If you were not expecting this email, you can ignore it.\n"
    )


async def _manageable_grant(user: CurrentUser, grant_id: int) -> inspectors.GrantView:
    grant = await inspectors.grant_view(grant_id)
    if grant is None or not await inspectors.grant_manageable(user, grant):
        raise NotFoundException("No such grant")
    return grant


@get("/inspector-access/{grant_id:int}/withdraw", guards=[can_list_grants])
async def inspector_grant_withdraw_confirm(request: Request, grant_id: FromPath[int]) -> Template:
    grant = await _manageable_grant(_user(request), grant_id)
    return Template(
        template_name="certificates/inspectors/grant_withdraw.html",
        context={"grant": grant, "date": _date},
    )


@post("/inspector-access/{grant_id:int}/withdraw", guards=[can_list_grants])
async def inspector_grant_withdraw(request: Request, grant_id: FromPath[int]) -> Response:
    user = _user(request)
    grant = await _manageable_grant(user, grant_id)
    if grant.status in (inspectors.WITHDRAWN, inspectors.EXPIRED):
        return Redirect(path="/inspector-access", status_code=303)
    try:
        await inspectors.inspector_grant_revoke(grant_id=grant.id, actor=user.email)
    except GrantError:
        pass  # withdrawn meanwhile: the list shows it
    return Redirect(path=f"/inspector-access?withdrawn={grant.id}", status_code=303)


# ---------------------------------------------------------------- the invitation link

_REFUSED_STATUS = {
    inspectors.UNKNOWN: HTTP_404_NOT_FOUND,
    inspectors.EXPIRED: HTTP_410_GONE,
    inspectors.WITHDRAWN: HTTP_410_GONE,
}


def _refused(error: GrantError, user: CurrentUser) -> Template:
    return Template(
        template_name="certificates/inspectors/invitation_refused.html",
        context={"message": str(error), "kind": error.kind, "user": user},
        status_code=_REFUSED_STATUS.get(error.kind, HTTP_403_FORBIDDEN),
        headers=NO_REFERRER,
    )


@get("/inspector-invitations/{token:str}", guards=[requires_sign_in])
async def inspector_invitation(request: Request, token: FromPath[str]) -> Response:
    """What the invitation offers and an Accept button; a clear refusal when it cannot be taken up."""
    user = _user(request)
    try:
        await inspectors.inspector_invitation_check(token=token, user_id=user.id)
    except GrantError as exc:
        return _refused(exc, user)
    grant = await inspectors.invitation_view(token)
    if grant.accepted_at is not None:  # accepted already, by this account
        return Redirect(path=grant.inspect_path, status_code=303)
    return Template(
        template_name="certificates/inspectors/invitation.html",
        context={"grant": grant, "action": request.url.path, "date": _date},
        headers=NO_REFERRER,
    )


@post("/inspector-invitations/{token:str}", guards=[inspector_only])
async def inspector_invitation_accept(request: Request, token: FromPath[str]) -> Response:
    user = _user(request)
    try:
        await inspectors.inspector_grant_accept(token=token, user_id=user.id)
    except GrantError as exc:
        return _refused(exc, user)
    grant = await inspectors.invitation_view(token)
    return Redirect(path=grant.inspect_path, status_code=303)


# ---------------------------------------------------------------- inspectors: read-only views


@get("/inspect", guards=[inspector_only])
async def inspect_home(request: Request) -> Template:
    """The schools and trusts this inspector has been given access to (live first)."""
    grants = await inspectors.grants_of_inspector(_user(request).id)
    grants.sort(key=lambda g: (not g.live, -g.expires_at.timestamp()))
    return Template(
        template_name="certificates/inspectors/inspect_home.html",
        context={"grants": grants, "date": _date},
    )


class StandardChoiceForm(Form):
    fields: ClassVar[list[Field]] = [
        Field(
            "standard",
            "Standard",
            parse=choice(tuple(standard_ids()), what="standard"),
            required=False,
            default=INSPECTOR_STANDARD,
        )
    ]


async def _scope_page(request: Request, *, scope: str, scope_ref: str, schools: list[dict]) -> Template:
    user = _user(request)
    result = StandardChoiceForm.validate(request.query_params)
    standard_id = result.values.get("standard") or INSPECTOR_STANDARD
    if standard_id not in standard_ids():
        standard_id = standard_ids()[0]
    await inspector_access_record(
        user=user, kind=scope, key=scope_ref, action="view-compliance", path=request.url.path
    )
    today = dt.date.today()
    standard, findings = await evaluate_scope(
        standard_id=standard_id,
        as_of=today,
        school_urn=int(scope_ref) if scope == "school" else None,
        trust_uid=scope_ref if scope == "trust" else None,
    )
    rows = finding_rows(findings)
    name = await organisation_name(scope, scope_ref) or scope_ref
    content = content_build(
        rows=rows,
        school_names=await school_names_of(row["urn"] for row in rows),
        snapshot_id=0,
        scope=scope,
        scope_ref=scope_ref,
        organisation_name=name,
        standard_id=standard.id,
        standard_version=standard.version,
        as_of=today,
        evaluated_at=dt.datetime.now(dt.UTC),
        snapshot_hash=findings_hash(findings),
        withheld_note=WITHHELD_NOTE,
    )
    certificates = [
        (cert, await certificate_status(cert.code)) for cert in await certificates_for_scope(scope, scope_ref)
    ]
    return Template(
        template_name="certificates/inspectors/inspect_scope.html",
        context={
            "c": content,
            "certificates": certificates,
            "schools": schools,
            "standards": standard_ids(),
            "standard_id": standard.id,
            "errors": result.errors,
            "outcome_labels": OUTCOME_LABELS,
            "date": _date,
            "personal_data": True,
        },
    )


@get("/inspect/schools/{urn:int}", guards=[inspector_only])
async def inspect_school(request: Request, urn: FromPath[int]) -> Template:
    await require_school(_user(request), urn)
    return await _scope_page(request, scope="school", scope_ref=str(urn), schools=[])


@get("/inspect/trusts/{uid:str}", guards=[inspector_only])
async def inspect_trust(request: Request, uid: FromPath[str]) -> Template:
    await require_trust(_user(request), uid)
    trust = await Trust.select(Trust.id).where(Trust.uid == uid).first()
    ids = await trust_school_ids(trust["id"])
    schools: list[dict[str, Any]] = []
    if ids:
        schools = (
            await School.select(School.urn, School.name)
            .where(School.id.is_in(sorted(ids)))
            .order_by(School.name)
        )
    return await _scope_page(request, scope="trust", scope_ref=uid, schools=schools)


route_handlers = [
    inspector_access,
    inspector_grant_new,
    inspector_grant_create,
    inspector_grant_withdraw_confirm,
    inspector_grant_withdraw,
    inspector_invitation,
    inspector_invitation_accept,
    inspect_home,
    inspect_school,
    inspect_trust,
]

nav_items = [
    NavItem(
        label="Inspector access",
        href="/inspector-access",
        roles=frozenset((*LEAD_ROLES, "admin")),
        description="Give an inspector time-limited, read-only access, withdraw it, and see what inspectors opened.",
        order=70,
    ),
    NavItem(
        label="Inspections",
        href="/inspect",
        roles=frozenset({"inspector"}),
        description="The schools and trusts you have been given access to: findings, certificates and evidence packs.",
        order=10,
        match_prefix="/inspect",
    ),
]

"""Staff management pages for school leads, HR leads and administrators.

- ``GET        /schools/{urn}/staff``                       the school's staff (search, people who have left, pages)
- ``GET, POST  /schools/{urn}/staff/new``                   add a person with their first post at the school
- ``GET        /staff/{id}``                                a person: details, posts, qualifications, placements,
                                                             CPD (with verify buttons) and recent history
- ``GET        /staff/{id}/history``                        every change to the person's records (audit log)
- ``GET, POST  /staff/{id}/details``                        change personal details
- ``GET, POST  /staff/{id}/employments/new``                add a post
- ``GET, POST  /staff/{id}/employments/{eid}/edit``         change a post
- ``GET, POST  /staff/{id}/employments/{eid}/end``          end a post (a confirmation page with the end date)
- ``GET, POST  /staff/{id}/qualifications/new``             record a qualification (``training.services``)
- ``GET, POST  /staff/{id}/placements/new``                 record an ITT or ECF placement (``training.services``)
- ``POST       /staff/{id}/cpd/{record_id}/verify``          verify self-reported CPD (``training.services``)

Scope: a person's pages open for those who may see them (``require_staff``: 404 otherwise, so existence is not
revealed); a post can be changed only at a school (or trust) the user looks after. Every write goes through a
service that writes the change and its audit entry together.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from workforce.compliance.selectors import EMPLOYMENT_ROLE_LABELS, role_label
from workforce.imports.parsing import FieldError, choice, email, integer, number, text, urn
from workforce.imports.vocabulary import (
    PLACEMENT_ROUTES,
    QUALIFICATION_ALIASES,
    QUALIFICATION_KINDS,
    QUALIFICATION_STATUSES,
    ROLES,
    SENSORY_CLASSES,
)
from workforce.organisations.tables import School
from workforce.people import selectors, services
from workforce.people.validation import InvalidTRN, normalise_trn
from workforce.standards import format_date
from workforce.training import selectors as training_selectors
from workforce.training import services as training_services
from workforce.web.forms import CheckboxField, DateField, Field, Form, FormResult
from workforce.web.pagination import page_number, paginate
from workforce.web.security import (
    CurrentUser,
    current_user,
    require_school,
    require_staff,
    requires_role,
    visible_school_ids,
)

STAFF_ROLES = ("school_lead", "hr_lead", "admin")
can_manage_staff = requires_role(*STAFF_ROLES)

STAFF_PER_PAGE = 50
HISTORY_PER_PAGE = 50
HISTORY_ON_PERSON_PAGE = 10
CPD_PER_PAGE = 20
EARLIEST = dt.date(1950, 1, 1)

QUALIFICATION_LABELS = {
    "npq-senco": "NPQ for SENCOs",
    "nasenco": "NASENCO (National Award for SEN Coordination)",
    "npq-headship": "NPQ for Headship",
    "head-send": "Headteacher SEND qualification",
    "send-leadership": "SEND leadership qualification",
    "mq-hearing": "Mandatory qualification: hearing impairment (MQHI)",
    "mq-visual": "Mandatory qualification: visual impairment (MQVI)",
    "mq-multi-sensory": "Mandatory qualification: multi-sensory impairment (MQMSI)",
}
STATUS_LABELS = {
    "registered": "Registered",
    "in-progress": "In progress",
    "passed": "Passed",
    "failed": "Failed",
    "withdrawn": "Withdrawn",
    "voided": "Voided",
}
SENSORY_LABELS = {
    "hearing": "Hearing impairment",
    "visual": "Visual impairment",
    "multi-sensory": "Multi-sensory impairment",
}
DONE_MESSAGES = {
    "added": "The member of staff has been added.",
    "details": "Personal details have been saved.",
    "post-added": "The post has been added.",
    "post-changed": "The post has been changed.",
    "post-ended": "The post has been ended.",
    "qualification": "The qualification has been recorded.",
    "placement": "The placement has been recorded.",
    "verified": "The CPD record has been verified.",
}


# ---------------------------------------------------------------- forms


def _trn(raw: str) -> str:
    try:
        value = normalise_trn(raw)
    except InvalidTRN as exc:
        message = str(exc)
        raise FieldError(
            "must be exactly 7 digits" if "7 digits" in message else "0000000 is not a valid TRN"
        ) from None
    return value or ""


def _staff_ref(raw: str) -> str:
    return text(services.STAFF_REF_MAX)(raw)


def _email(raw: str) -> str:
    try:
        return email(raw)
    except FieldError:
        raise FieldError("must be in the correct format, like name@example.com") from None


def _urn(raw: str) -> int:
    try:
        return urn(raw)
    except FieldError:
        raise FieldError("must be 6 digits, like 137666") from None


def _post_checks(values: dict[str, Any]) -> dict[str, str]:
    errors = {}
    if values.get("end_date") and values.get("start_date") and values["end_date"] < values["start_date"]:
        errors["end_date"] = "End date must be the same as or after the start date"
    if (
        values.get("senco_fte") is not None
        and values.get("fte") is not None
        and values["senco_fte"] > values["fte"]
    ):
        errors["senco_fte"] = "SENCO time cannot be more than the post's FTE"
    return errors


PERSON_FIELDS = [
    Field(
        "staff_ref",
        "Staff id",
        parse=_staff_ref,
        missing_message="Enter the staff id (your own id for this person)",
    ),
    Field("title", "Title", parse=text(services.TITLE_MAX), required=False, default=""),
    Field("first_name", "First name", parse=text(services.NAME_MAX)),
    Field("last_name", "Last name", parse=text(services.NAME_MAX)),
    Field("email", "Email address", parse=_email, required=False),
    Field("trn", "TRN", parse=_trn, required=False, default=""),
    CheckboxField("qts", "Qualified teacher status"),
]
POST_FIELDS = [
    Field("role", "Role", parse=choice(ROLES, what="role"), missing_message="Select the role"),
    Field("fte", "FTE", parse=number(minimum=0, maximum=1), required=False, default=1.0),
    DateField(
        "start_date", "Start date", earliest=EARLIEST, missing_message="Enter the start date of the post"
    ),
    CheckboxField("senior_leader", "Senior leadership team"),
    Field("senco_fte", "SENCO time", parse=number(minimum=0, maximum=1), required=False),
    Field(
        "sensory_class",
        "Class of pupils with sensory impairment",
        parse=choice(SENSORY_CLASSES, what="impairment"),
        required=False,
    ),
    DateField("sensory_class_since", "Teaching that class since", required=False, earliest=EARLIEST),
]


class PersonForm(Form):
    fields = PERSON_FIELDS


class AddPersonForm(Form):
    fields = [*PERSON_FIELDS, *POST_FIELDS]

    @classmethod
    def check(cls, values: dict[str, Any]) -> dict[str, str]:
        return _post_checks(values)


class EmploymentForm(Form):
    fields = [
        Field("place", "School", missing_message="Select the school of the post"),
        *POST_FIELDS,
        DateField("end_date", "End date", required=False, earliest=EARLIEST),
    ]

    @classmethod
    def check(cls, values: dict[str, Any]) -> dict[str, str]:
        return _post_checks(values)


class EndForm(Form):
    fields = [
        DateField("end_date", "End date", earliest=EARLIEST, missing_message="Enter the last day of the post")
    ]


class QualificationForm(Form):
    fields = [
        Field(
            "kind",
            "Qualification",
            parse=choice(QUALIFICATION_KINDS, QUALIFICATION_ALIASES, what="qualification"),
            missing_message="Select the qualification",
        ),
        Field(
            "status",
            "Status",
            parse=choice(QUALIFICATION_STATUSES, what="status"),
            missing_message="Select the status",
        ),
        Field("provider", "Provider", parse=text(255), required=False, default=""),
        DateField("start_date", "Start date", required=False, earliest=EARLIEST),
        DateField("award_date", "Award date", required=False, earliest=EARLIEST, latest=dt.date.today),
    ]


class PlacementForm(Form):
    fields = [
        Field(
            "route",
            "Route",
            parse=choice(PLACEMENT_ROUTES, what="route"),
            missing_message="Select ITT or ECF",
        ),
        Field("host_urn", "Host school URN", parse=_urn, missing_message="Enter the URN of the host school"),
        DateField(
            "start_date",
            "Start date",
            earliest=EARLIEST,
            missing_message="Enter the start date of the placement",
        ),
        DateField("end_date", "End date", required=False, earliest=EARLIEST),
        Field("days", "Days", parse=integer(minimum=0, maximum=400), required=False, default=0),
    ]


# Service error fields -> the form field they belong to.
_FIELD_OF = {"school": "place", "trust": "place", "employment_id": "end_date"}


def _service_error(result: FormResult, exc: Exception) -> FormResult:
    field = getattr(exc, "field", None) or "form"
    result.errors[_FIELD_OF.get(field, field)] = getattr(exc, "message", str(exc))
    return result


# ---------------------------------------------------------------- helpers


def _user(request: Request) -> CurrentUser:
    user = current_user(request)
    if user is None:
        raise PermissionDeniedException("Sign in to continue")
    return user


async def _person(request: Request, staff_id: int) -> tuple[CurrentUser, dict[str, Any]]:
    user = _user(request)
    await require_staff(user, staff_id)
    person = await selectors.staff_member_get(staff_id)
    if person is None:
        raise NotFoundException("Page not found")
    person["name"] = selectors.full_name(person)
    return user, person


async def _school(urn: int) -> dict[str, Any]:
    school = await School.select(School.id, School.urn, School.name).where(School.urn == urn).first()
    if school is None:
        raise NotFoundException(f"No school with URN {urn}")
    return school


def _date_parts(value: dt.date | None) -> dict[str, str]:
    if value is None:
        return {"day": "", "month": "", "year": ""}
    return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}


def _dates_data(prefix_values: dict[str, dt.date | None]) -> dict[str, str]:
    data = {}
    for name, value in prefix_values.items():
        for part, text_value in _date_parts(value).items():
            data[f"{name}-{part}"] = text_value
    return data


def _labels() -> dict[str, Any]:
    return {
        "role_labels": EMPLOYMENT_ROLE_LABELS,
        "role_label": role_label,
        "qualification_labels": QUALIFICATION_LABELS,
        "status_labels": STATUS_LABELS,
        "sensory_labels": SENSORY_LABELS,
        "placement_routes": PLACEMENT_ROUTES,
        "format_date": format_date,
    }


def _form_page(
    template: str, *, result: FormResult | None = None, status: int = 200, **context: Any
) -> Template:
    result = result or FormResult()
    return Template(
        template_name=template,
        context={**_labels(), "errors": result.errors, "data": result.data, **context},
        status_code=status,
    )


def _invalid(template: str, result: FormResult, anchors: dict[str, str], **context: Any) -> Template:
    return _form_page(
        template, result=result, status=HTTP_422_UNPROCESSABLE_ENTITY, anchors=anchors, **context
    )


def _done(path: str, code: str) -> Redirect:
    return Redirect(path=f"{path}?done={code}", status_code=303)


# ---------------------------------------------------------------- a school's staff


@get("/schools/{urn:int}/staff", guards=[can_manage_staff])
async def school_staff_list(request: Request, urn: FromPath[int]) -> Template:
    user = _user(request)
    await require_school(user, urn)
    school = await _school(urn)
    include_former = request.query_params.get("former") == "yes"
    search = str(request.query_params.get("q", "")).strip()[:100]
    rows = await selectors.school_staff(school_id=school["id"], include_former=include_former, search=search)
    pages = paginate(
        total=len(rows),
        page=page_number(request.query_params.get("page")),
        per_page=STAFF_PER_PAGE,
        path=request.url.path,
        query=request.query_params,
    )
    return Template(
        template_name="people/staff_list.html",
        context={
            **_labels(),
            "school": school,
            "rows": rows[pages.start : pages.end],
            "total": len(rows),
            "pages": pages,
            "include_former": include_former,
            "search": search,
        },
    )


def _add_person_page(school: dict[str, Any], result: FormResult | None = None, status: int = 200) -> Template:
    return _form_page(
        "people/staff_new.html", result=result, status=status, school=school, anchors=AddPersonForm.anchors()
    )


@get("/schools/{urn:int}/staff/new", guards=[can_manage_staff])
async def staff_new_page(request: Request, urn: FromPath[int]) -> Template:
    await require_school(_user(request), urn)
    return _add_person_page(await _school(urn))


@post("/schools/{urn:int}/staff/new", guards=[can_manage_staff])
async def staff_new(request: Request, urn: FromPath[int]) -> Response:
    user = _user(request)
    await require_school(user, urn)
    school = await _school(urn)
    result = AddPersonForm.validate(await request.form())
    if result.ok:
        v = result.values
        try:
            person = await services.staff_member_create(
                staff_ref=v["staff_ref"],
                title=v["title"],
                first_name=v["first_name"],
                last_name=v["last_name"],
                email=v["email"],
                trn=v["trn"] or None,
                qts=v["qts"],
                actor=user.email,
                first_post={
                    "school": school["id"],
                    "role": v["role"],
                    "fte": v["fte"],
                    "start_date": v["start_date"],
                    "senior_leader": v["senior_leader"],
                    "senco_fte": v["senco_fte"],
                    "sensory_class": v["sensory_class"],
                    "sensory_class_since": v["sensory_class_since"],
                },
            )
        except services.PeopleError as exc:
            _service_error(result, exc)
        else:
            return _done(f"/staff/{person.id}", "added")
    return _add_person_page(school, result, HTTP_422_UNPROCESSABLE_ENTITY)


# ---------------------------------------------------------------- a person


@get("/staff/{staff_id:int}", guards=[can_manage_staff])
async def staff_page(request: Request, staff_id: FromPath[int]) -> Template:
    user, person = await _person(request, staff_id)
    posts = await selectors.staff_employments(staff_id)
    school_ids = await visible_school_ids(user)
    for row in posts:
        row["can_change"] = selectors.employment_in_scope(user, row, school_ids)
        row["ended"] = row["end_date"] is not None and row["end_date"] < dt.date.today()
    cpd = await training_selectors.cpd_records_page(
        staff_id, page=page_number(request.query_params.get("cpd-page")), per_page=CPD_PER_PAGE
    )
    cpd_pages = paginate(
        total=cpd.total,
        page=cpd.page,
        per_page=CPD_PER_PAGE,
        path=request.url.path,
        query=request.query_params,
        param="cpd-page",
    )
    history_total = await selectors.staff_audit_count(staff_id)
    done = str(request.query_params.get("done", ""))
    return Template(
        template_name="people/staff_detail.html",
        context={
            **_labels(),
            "person": person,
            "posts": posts,
            "qualifications": await training_selectors.qualifications_for_staff(staff_id),
            "placements": await training_selectors.placements_for_staff(staff_id),
            "cpd": cpd,
            "cpd_pages": cpd_pages,
            "history": await selectors.staff_audit_entries(staff_id, limit=HISTORY_ON_PERSON_PAGE),
            "history_total": history_total,
            "entity_labels": selectors.ENTITY_LABELS,
            "action_labels": selectors.ACTION_LABELS,
            "notice": DONE_MESSAGES.get(done, ""),
        },
    )


@get("/staff/{staff_id:int}/history", guards=[can_manage_staff])
async def staff_history(request: Request, staff_id: FromPath[int]) -> Template:
    """Every change to the person's records: who, when, what, before and after (newest first)."""
    _, person = await _person(request, staff_id)
    total = await selectors.staff_audit_count(staff_id)
    pages = paginate(
        total=total,
        page=page_number(request.query_params.get("page")),
        per_page=HISTORY_PER_PAGE,
        path=request.url.path,
        query=request.query_params,
    )
    return Template(
        template_name="people/history.html",
        context={
            **_labels(),
            "person": person,
            "history": await selectors.staff_audit_entries(
                staff_id, limit=HISTORY_PER_PAGE, offset=pages.start
            ),
            "total": total,
            "pages": pages,
            "entity_labels": selectors.ENTITY_LABELS,
            "action_labels": selectors.ACTION_LABELS,
        },
    )


# ---------------------------------------------------------------- personal details


@get("/staff/{staff_id:int}/details", guards=[can_manage_staff])
async def staff_details_page(request: Request, staff_id: FromPath[int]) -> Template:
    _, person = await _person(request, staff_id)
    data = {
        k: "" if person[k] is None else str(person[k])
        for k in ("staff_ref", "title", "first_name", "last_name", "email", "trn")
    }
    data["qts"] = "yes" if person["qts"] else ""
    return _form_page("people/details.html", result=FormResult(data=data), person=person, anchors={})


@post("/staff/{staff_id:int}/details", guards=[can_manage_staff])
async def staff_details(request: Request, staff_id: FromPath[int]) -> Response:
    user, person = await _person(request, staff_id)
    result = PersonForm.validate(await request.form())
    if result.ok:
        v = result.values
        try:
            await services.staff_member_update(
                staff_id=staff_id,
                actor=user.email,
                staff_ref=v["staff_ref"],
                title=v["title"],
                first_name=v["first_name"],
                last_name=v["last_name"],
                email=v["email"],
                trn=v["trn"] or None,
                qts=v["qts"],
            )
        except services.PeopleError as exc:
            _service_error(result, exc)
        else:
            return _done(f"/staff/{staff_id}", "details")
    return _invalid("people/details.html", result, PersonForm.anchors(), person=person)


# ---------------------------------------------------------------- employment


async def _places(user: CurrentUser, post: dict[str, Any] | None = None) -> list[selectors.Place]:
    """The places this user may choose for a post (the post's own place is always offered when editing)."""
    places = await selectors.assignable_places(user)
    if post is not None:
        own = (
            await selectors.school_place(post["school_id"])
            if post["school_id"] is not None
            else await selectors.trust_place(post["trust_id"])
        )
        if own is not None and own.value not in {p.value for p in places}:
            places.insert(0, own)
    return places


async def _chosen_place(
    user: CurrentUser, raw: str, places: list[selectors.Place]
) -> dict[str, int | None] | None:
    """``{"school": id, "trust": None}`` for a place this user may choose; admins may give any school as
    ``school:<id>`` or by URN. None when the choice is not allowed."""
    for place in places:
        if place.value == raw:
            return {
                "school": place.id if place.kind == "school" else None,
                "trust": place.id if place.kind == "trust" else None,
            }
    if user.role == "admin":
        text_value = raw.strip()
        if text_value.startswith("school:") and text_value[7:].isdigit():
            school = await School.select(School.id).where(School.id == int(text_value[7:])).first()
        elif text_value.isdigit():
            school = await School.select(School.id).where(School.urn == int(text_value)).first()
        else:
            school = None
        if school is not None:
            return {"school": school["id"], "trust": None}
    return None


def _employment_page(
    person: dict[str, Any],
    places: list,
    *,
    post: dict[str, Any] | None = None,
    result: FormResult | None = None,
    status: int = 200,
) -> Template:
    return _form_page(
        "people/employment_form.html",
        result=result,
        status=status,
        person=person,
        places=places,
        post=post,
        anchors=EmploymentForm.anchors(),
    )


@get("/staff/{staff_id:int}/employments/new", guards=[can_manage_staff])
async def employment_new_page(request: Request, staff_id: FromPath[int]) -> Template:
    user, person = await _person(request, staff_id)
    return _employment_page(person, await _places(user))


@post("/staff/{staff_id:int}/employments/new", guards=[can_manage_staff])
async def employment_new(request: Request, staff_id: FromPath[int]) -> Response:
    user, person = await _person(request, staff_id)
    places = await _places(user)
    result = EmploymentForm.validate(await request.form())
    place = (
        await _chosen_place(user, result.data.get("place", ""), places)
        if "place" not in result.errors
        else None
    )
    if "place" not in result.errors and place is None:
        result.errors["place"] = "Select a school you look after"
    if result.ok and place is not None:
        v = result.values
        try:
            await services.employment_create(
                staff_id=staff_id,
                actor=user.email,
                school_id=place["school"],
                trust_id=place["trust"],
                role=v["role"],
                fte=v["fte"],
                start_date=v["start_date"],
                end_date=v["end_date"],
                senior_leader=v["senior_leader"],
                senco_fte=v["senco_fte"],
                sensory_class=v["sensory_class"],
                sensory_class_since=v["sensory_class_since"],
            )
        except services.PeopleError as exc:
            _service_error(result, exc)
        else:
            return _done(f"/staff/{staff_id}", "post-added")
    return _employment_page(person, places, result=result, status=HTTP_422_UNPROCESSABLE_ENTITY)


async def _changeable_post(user: CurrentUser, staff_id: int, employment_id: int) -> dict[str, Any]:
    post = await selectors.employment_get(employment_id, staff_id=staff_id)
    if post is None:
        raise NotFoundException("Page not found")
    if not selectors.employment_in_scope(user, post, await visible_school_ids(user)):
        raise PermissionDeniedException("You can only change posts at schools you look after")
    return post


def _post_data(post: dict[str, Any]) -> dict[str, str]:
    place = f"school:{post['school_id']}" if post["school_id"] is not None else f"trust:{post['trust_id']}"
    data = {
        "place": place,
        "role": post["role"],
        "fte": f"{post['fte']:g}" if post["fte"] is not None else "",
        "senior_leader": "yes" if post["senior_leader"] else "",
        "senco_fte": f"{post['senco_fte']:g}" if post["senco_fte"] is not None else "",
        "sensory_class": post["sensory_class"] or "",
    }
    data.update(
        _dates_data(
            {
                "start_date": post["start_date"],
                "end_date": post["end_date"],
                "sensory_class_since": post["sensory_class_since"],
            }
        )
    )
    return data


@get("/staff/{staff_id:int}/employments/{employment_id:int}/edit", guards=[can_manage_staff])
async def employment_edit_page(
    request: Request, staff_id: FromPath[int], employment_id: FromPath[int]
) -> Template:
    user, person = await _person(request, staff_id)
    post = await _changeable_post(user, staff_id, employment_id)
    return _employment_page(
        person, await _places(user, post), post=post, result=FormResult(data=_post_data(post))
    )


@post("/staff/{staff_id:int}/employments/{employment_id:int}/edit", guards=[can_manage_staff])
async def employment_edit(
    request: Request, staff_id: FromPath[int], employment_id: FromPath[int]
) -> Response:
    user, person = await _person(request, staff_id)
    post = await _changeable_post(user, staff_id, employment_id)
    places = await _places(user, post)
    result = EmploymentForm.validate(await request.form())
    place = (
        await _chosen_place(user, result.data.get("place", ""), places)
        if "place" not in result.errors
        else None
    )
    if "place" not in result.errors and place is None:
        result.errors["place"] = "Select a school you look after"
    if result.ok and place is not None:
        v = result.values
        try:
            await services.employment_update(
                employment_id=employment_id,
                actor=user.email,
                school=place["school"],
                trust=place["trust"],
                role=v["role"],
                fte=v["fte"],
                start_date=v["start_date"],
                end_date=v["end_date"],
                senior_leader=v["senior_leader"],
                senco_fte=v["senco_fte"],
                sensory_class=v["sensory_class"],
                sensory_class_since=v["sensory_class_since"],
            )
        except services.PeopleError as exc:
            _service_error(result, exc)
        else:
            return _done(f"/staff/{staff_id}", "post-changed")
    return _employment_page(person, places, post=post, result=result, status=HTTP_422_UNPROCESSABLE_ENTITY)


def _end_page(
    person: dict[str, Any], post: dict[str, Any], result: FormResult | None = None, status: int = 200
) -> Template:
    return _form_page(
        "people/employment_end.html",
        result=result,
        status=status,
        person=person,
        post=post,
        anchors=EndForm.anchors(),
    )


@get("/staff/{staff_id:int}/employments/{employment_id:int}/end", guards=[can_manage_staff])
async def employment_end_page(
    request: Request, staff_id: FromPath[int], employment_id: FromPath[int]
) -> Template:
    """Confirm the end of a post, with its last day (today unless changed)."""
    user, person = await _person(request, staff_id)
    post = await _changeable_post(user, staff_id, employment_id)
    data = _dates_data({"end_date": post["end_date"] or dt.date.today()})
    return _end_page(person, post, FormResult(data=data))


@post("/staff/{staff_id:int}/employments/{employment_id:int}/end", guards=[can_manage_staff])
async def employment_end(request: Request, staff_id: FromPath[int], employment_id: FromPath[int]) -> Response:
    user, person = await _person(request, staff_id)
    post = await _changeable_post(user, staff_id, employment_id)
    result = EndForm.validate(await request.form())
    if result.ok:
        try:
            await services.employment_end(
                employment_id=employment_id, end_date=result.values["end_date"], actor=user.email
            )
        except services.PeopleError as exc:
            _service_error(result, exc)
        else:
            return _done(f"/staff/{staff_id}", "post-ended")
    return _end_page(person, post, result, HTTP_422_UNPROCESSABLE_ENTITY)


# ---------------------------------------------------------------- training records


async def _training_record_new(
    request: Request, staff_id: int, *, form, template: str, record, done: str
) -> Response:
    """Validate a training form for this person and record it (``record(staff_id, values, actor)``): back to
    the person's page with ``done`` shown, or the form again with the errors (422)."""
    user, person = await _person(request, staff_id)
    result = form.validate(await request.form())
    if result.ok:
        try:
            await record(staff_id, result.values, user.email)
        except training_services.TrainingError as exc:
            _service_error(result, exc)
        else:
            return _done(f"/staff/{staff_id}", done)
    return _invalid(template, result, form.anchors(), person=person)


@get("/staff/{staff_id:int}/qualifications/new", guards=[can_manage_staff])
async def qualification_new_page(request: Request, staff_id: FromPath[int]) -> Template:
    _, person = await _person(request, staff_id)
    return _form_page("people/qualification_form.html", person=person, anchors=QualificationForm.anchors())


@post("/staff/{staff_id:int}/qualifications/new", guards=[can_manage_staff])
async def qualification_new(request: Request, staff_id: FromPath[int]) -> Response:
    async def record(staff_id: int, v: dict, actor: str) -> None:
        await training_services.qualification_record(
            staff_id=staff_id,
            kind=v["kind"],
            status=v["status"],
            provider=v["provider"],
            start_date=v["start_date"],
            award_date=v["award_date"],
            actor=actor,
        )

    return await _training_record_new(
        request,
        staff_id,
        form=QualificationForm,
        template="people/qualification_form.html",
        record=record,
        done="qualification",
    )


@get("/staff/{staff_id:int}/placements/new", guards=[can_manage_staff])
async def placement_new_page(request: Request, staff_id: FromPath[int]) -> Template:
    _, person = await _person(request, staff_id)
    return _form_page("people/placement_form.html", person=person, anchors=PlacementForm.anchors())


@post("/staff/{staff_id:int}/placements/new", guards=[can_manage_staff])
async def placement_new(request: Request, staff_id: FromPath[int]) -> Response:
    async def record(staff_id: int, v: dict, actor: str) -> None:
        await training_services.placement_record(
            staff_id=staff_id,
            route=v["route"],
            host_urn=v["host_urn"],
            start_date=v["start_date"],
            end_date=v["end_date"],
            days=v["days"],
            actor=actor,
        )

    return await _training_record_new(
        request,
        staff_id,
        form=PlacementForm,
        template="people/placement_form.html",
        record=record,
        done="placement",
    )


@post("/staff/{staff_id:int}/cpd/{record_id:int}/verify", guards=[can_manage_staff])
async def cpd_verify(request: Request, staff_id: FromPath[int], record_id: FromPath[int]) -> Response:
    """Verify a self-reported CPD record of this person (already verified: nothing changes)."""
    user, _ = await _person(request, staff_id)
    if await training_selectors.cpd_record_for_owner(record_id, staff_id) is None:
        raise NotFoundException("Page not found")
    await training_services.cpd_record_verify(record_id=record_id, actor=user.email)
    return Redirect(path=f"/staff/{staff_id}?done=verified#cpd", status_code=303)


route_handlers = [
    school_staff_list,
    staff_new_page,
    staff_new,
    staff_page,
    staff_history,
    staff_details_page,
    staff_details,
    employment_new_page,
    employment_new,
    employment_edit_page,
    employment_edit,
    employment_end_page,
    employment_end,
    qualification_new_page,
    qualification_new,
    placement_new_page,
    placement_new,
    cpd_verify,
]

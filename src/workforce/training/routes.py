"""My CPD: teachers and teaching assistants log, change and download their own CPD, and see what they owe.

Pages (role ``teacher``, scoped to the member of staff linked to the account):

    GET        /my-cpd                              the list (newest first, paged) and this year's totals
    GET, POST  /my-cpd/new                          log CPD (multipart: an optional evidence file)
    GET        /my-cpd/{record_id}                  one record
    GET, POST  /my-cpd/{record_id}/edit             change it (not once verified)
    GET, POST  /my-cpd/{record_id}/delete           confirm, then delete it (not once verified)
    GET        /my-cpd/requirements                 what I still owe this year, and what I meet
    GET        /my-cpd/download/csv | /pdf          my CPD record

and ``GET /cpd-records/{record_id}/evidence``: an evidence file, for its owner and anyone who may see the
person (``can_see_staff``). Another person's record answers 404, so its existence is not revealed.

Every page works without JavaScript; htmx only swaps the list when paging.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_403_FORBIDDEN, HTTP_422_UNPROCESSABLE_ENTITY

from workforce.config import get_settings
from workforce.imports.parsing import choice, number, text
from workforce.imports.vocabulary import SEND_AREA_ALIASES, SEND_AREAS
from workforce.standards.dates import academic_year, format_date
from workforce.training import selectors, services
from workforce.training.documents import SEND_AREA_LABELS, cpd_csv_response, cpd_document, cpd_pdf_response
from workforce.training.evidence import (
    ACCEPT_ATTRIBUTE,
    EvidenceError,
    EvidenceFile,
    evidence_check,
    evidence_media_type,
    evidence_read,
    size_limit_message,
)
from workforce.web.forms import CheckboxField, DateField, Field, Form, FormResult
from workforce.web.navigation import NavItem
from workforce.web.security import CurrentUser, can_see_staff, current_user, requires_role

MY_CPD = "/my-cpd"
PER_PAGE = 20
# The form's other fields (a reflection of up to 20,000 characters) on top of the largest evidence file.
FORM_FIELDS_ALLOWANCE = 256 * 1024
UPLOAD_MAX_BODY = get_settings().upload_max_bytes + FORM_FIELDS_ALLOWANCE
FILE_TOO_LARGE = "file-too-large"

teacher_only = requires_role("teacher")
# Who may download an evidence file (each request is then checked against the person: can_see_staff).
evidence_readers = requires_role("teacher", "school_lead", "hr_lead", "inspector", "admin")


class CpdForm(Form):
    fields = [
        DateField(
            "activity_date",
            "Date of the activity",
            missing_message="Enter the date of the activity",
            earliest=dt.date(1970, 1, 1),
            latest=dt.date.today,
        ),
        Field("title", "Title", parse=text(services.TITLE_MAX), missing_message="Enter the title of the activity"),
        Field("provider", "Provider", parse=text(services.PROVIDER_MAX), required=False, default=""),
        Field(
            "hours",
            "Hours",
            parse=number(minimum=0, maximum=services.HOURS_MAX),
            missing_message="Enter the number of hours, like 1.5",
        ),
        Field(
            "send_area",
            "SEND area",
            parse=choice(SEND_AREAS, SEND_AREA_ALIASES, what="SEND area"),
            missing_message="Select the area of SEND the activity was about",
        ),
        CheckboxField("mandatory_module", "Mandatory module"),
        Field("evidence_ref", "Evidence reference", parse=text(services.EVIDENCE_REF_MAX), required=False, default=""),
        Field("reflection", "Reflection", parse=text(services.REFLECTION_MAX), required=False, default=""),
        CheckboxField("remove_evidence", "Remove the evidence file"),
    ]


nav_items = [
    NavItem(
        label="My CPD",
        href=MY_CPD,
        roles=frozenset({"teacher"}),
        description="Log your continuing professional development, see what you still need to do this year "
        "and download your record.",
        order=10,
    )
]


# ---------------------------------------------------------------- helpers


def _user(request: Request) -> CurrentUser:
    user = current_user(request)
    assert user is not None  # the guard ran
    return user


def _area_items() -> list[tuple[str, str]]:
    return [(area, SEND_AREA_LABELS.get(area, area)) for area in SEND_AREAS]


async def _own_record(request: Request, record_id: int) -> tuple[CurrentUser, dict[str, Any]]:
    """The signed-in teacher's own record, or 404 (also for another person's record)."""
    user = _user(request)
    record = None
    if user.staff_id is not None:
        record = await selectors.cpd_record_for_owner(record_id, user.staff_id)
    if record is None:
        raise NotFoundException("Page not found")
    return user, record


def _record_form_data(record: dict[str, Any]) -> dict[str, str]:
    day = record["activity_date"]
    return {
        "activity_date-day": str(day.day),
        "activity_date-month": str(day.month),
        "activity_date-year": str(day.year),
        "title": record["title"],
        "provider": record["provider"],
        "hours": f"{record['hours']:g}",
        "send_area": record["send_area"],
        "mandatory_module": "yes" if record["mandatory_module"] else "",
        "evidence_ref": record["evidence_ref"],
        "reflection": record["reflection"],
    }


def _form_page(
    *,
    action: str,
    heading: str,
    back: str,
    data: dict[str, str],
    errors: dict[str, str] | None = None,
    record: dict[str, Any] | None = None,
    file_chosen: bool = False,
    status: int = 200,
) -> Template:
    return Template(
        template_name="training/cpd_form.html",
        context={
            "action": action,
            "heading": heading,
            "back": back,
            "data": data,
            "errors": errors or {},
            "anchors": CpdForm.anchors(),
            "record": record,
            "areas": _area_items(),
            "accept": ACCEPT_ATTRIBUTE,
            "max_size": size_limit_message().removeprefix("The selected file must be smaller than "),
            "file_chosen": file_chosen,
        },
        status_code=status,
    )


def _too_large_errors(request: Request) -> dict[str, str]:
    if request.query_params.get("error") == FILE_TOO_LARGE:
        return {"evidence_file": size_limit_message()}
    return {}


async def _read_submission(request: Request) -> tuple[FormResult, EvidenceFile | None]:
    """The validated fields, and the evidence file if one was chosen (its problems are field errors too)."""
    form = await request.form()
    result = CpdForm.validate(form)
    upload = form.get("evidence_file")
    evidence = None
    if isinstance(upload, UploadFile) and (upload.filename or "").strip():
        evidence = EvidenceFile(filename=upload.filename, content=await upload.read())
        try:
            evidence_check(evidence)
        except EvidenceError as exc:
            result.errors["evidence_file"] = str(exc)
    return result, evidence


def _too_large_redirect(path: str):
    """Route exception handler: a body over the route's limit goes back to the form with a clear message."""

    def handler(request: Request, exc: RequestEntityTooLarge) -> Response:
        record_id = request.path_params.get("record_id")
        target = path.format(record_id=record_id) if record_id is not None else path
        return Redirect(path=f"{target}?error={FILE_TOO_LARGE}", status_code=303)

    return handler


def _locked_page(record: dict[str, Any], what: str) -> Template:
    return Template(
        template_name="training/cpd_locked.html",
        context={"record": record, "what": what, "format_date": format_date},
        status_code=HTTP_403_FORBIDDEN,
    )


# ---------------------------------------------------------------- list


@get(MY_CPD, guards=[teacher_only])
async def my_cpd(request: Request, page: FromQuery[int] = 1) -> Template:
    user = _user(request)
    if user.staff_id is None:
        return Template(template_name="training/no_staff_record.html")
    today = dt.date.today()
    year = academic_year(today)
    listing = await selectors.cpd_records_page(user.staff_id, page=page, per_page=PER_PAGE)
    this_year = await selectors.cpd_records_page(user.staff_id, page=1, per_page=1, academic_year=year)
    return Template(
        template_name="training/my_cpd.html",
        context={
            "listing": listing,
            "year": year,
            "year_count": this_year.total,
            "year_hours": this_year.total_hours,
            "area_labels": SEND_AREA_LABELS,
            "academic_year": academic_year,
            "format_date": format_date,
            "notice": request.query_params.get("done", ""),
        },
    )


# ---------------------------------------------------------------- log new


@get(f"{MY_CPD}/new", guards=[teacher_only])
async def cpd_new_page(request: Request) -> Template:
    user = _user(request)
    if user.staff_id is None:
        raise NotFoundException("Page not found")
    return _form_page(
        action=f"{MY_CPD}/new",
        heading="Log CPD",
        back=MY_CPD,
        data={},
        errors=_too_large_errors(request),
    )


@post(
    f"{MY_CPD}/new",
    guards=[teacher_only],
    request_max_body_size=UPLOAD_MAX_BODY,
    exception_handlers={RequestEntityTooLarge: _too_large_redirect(f"{MY_CPD}/new")},
)
async def cpd_new(request: Request) -> Response:
    user = _user(request)
    if user.staff_id is None:
        raise NotFoundException("Page not found")
    result, evidence = await _read_submission(request)
    if result.ok:
        values = {k: v for k, v in result.values.items() if k != "remove_evidence"}
        try:
            record = await services.cpd_record_create(
                staff_id=user.staff_id, actor=user.email, is_send=True, evidence_file=evidence, **values
            )
        except services.TrainingError as exc:
            result.errors[exc.field or "title"] = exc.message
        else:
            return Redirect(path=f"{MY_CPD}/{record.id}?done=created", status_code=303)
    return _form_page(
        action=f"{MY_CPD}/new",
        heading="Log CPD",
        back=MY_CPD,
        data=result.data,
        errors=result.errors,
        file_chosen=evidence is not None,
        status=HTTP_422_UNPROCESSABLE_ENTITY,
    )


# ---------------------------------------------------------------- one record


@get(f"{MY_CPD}/{{record_id:int}}", guards=[teacher_only])
async def cpd_detail(request: Request, record_id: FromPath[int]) -> Template:
    _, record = await _own_record(request, record_id)
    return Template(
        template_name="training/cpd_detail.html",
        context={
            "record": record,
            "area_labels": SEND_AREA_LABELS,
            "academic_year": academic_year,
            "format_date": format_date,
            "notice": request.query_params.get("done", ""),
        },
    )


@get(f"{MY_CPD}/{{record_id:int}}/edit", guards=[teacher_only])
async def cpd_edit_page(request: Request, record_id: FromPath[int]) -> Template:
    _, record = await _own_record(request, record_id)
    if record["status"] == "verified":
        return _locked_page(record, "change")
    return _form_page(
        action=f"{MY_CPD}/{record_id}/edit",
        heading="Change CPD",
        back=f"{MY_CPD}/{record_id}",
        data=_record_form_data(record),
        errors=_too_large_errors(request),
        record=record,
    )


@post(
    f"{MY_CPD}/{{record_id:int}}/edit",
    guards=[teacher_only],
    request_max_body_size=UPLOAD_MAX_BODY,
    exception_handlers={RequestEntityTooLarge: _too_large_redirect(MY_CPD + "/{record_id}/edit")},
)
async def cpd_edit(request: Request, record_id: FromPath[int]) -> Response:
    user, record = await _own_record(request, record_id)
    if record["status"] == "verified":
        return _locked_page(record, "change")
    result, evidence = await _read_submission(request)
    if result.ok:
        changes = {k: v for k, v in result.values.items() if k != "remove_evidence"}
        if evidence is not None:
            changes["evidence_file"] = evidence
        elif result.values["remove_evidence"] and record["evidence_file"]:
            changes["evidence_file"] = None
        try:
            await services.cpd_record_update(record_id=record_id, actor=user.email, **changes)
        except services.TrainingError as exc:
            result.errors[exc.field or "title"] = exc.message
        else:
            return Redirect(path=f"{MY_CPD}/{record_id}?done=changed", status_code=303)
    return _form_page(
        action=f"{MY_CPD}/{record_id}/edit",
        heading="Change CPD",
        back=f"{MY_CPD}/{record_id}",
        data=result.data,
        errors=result.errors,
        record=record,
        file_chosen=evidence is not None,
        status=HTTP_422_UNPROCESSABLE_ENTITY,
    )


@get(f"{MY_CPD}/{{record_id:int}}/delete", guards=[teacher_only])
async def cpd_delete_page(request: Request, record_id: FromPath[int]) -> Template:
    _, record = await _own_record(request, record_id)
    if record["status"] == "verified":
        return _locked_page(record, "delete")
    return Template(
        template_name="training/cpd_delete.html", context={"record": record, "format_date": format_date}
    )


@post(f"{MY_CPD}/{{record_id:int}}/delete", guards=[teacher_only])
async def cpd_delete(request: Request, record_id: FromPath[int]) -> Response:
    user, record = await _own_record(request, record_id)
    if record["status"] == "verified":
        return _locked_page(record, "delete")
    await services.cpd_record_delete(record_id=record_id, actor=user.email)
    return Redirect(path=f"{MY_CPD}?done=deleted", status_code=303)


# ---------------------------------------------------------------- requirements and downloads


@get(f"{MY_CPD}/requirements", guards=[teacher_only])
async def my_requirements(request: Request) -> Template:
    user = _user(request)
    if user.staff_id is None:
        return Template(template_name="training/no_staff_record.html")
    today = dt.date.today()
    requirements = await selectors.staff_requirements(user.staff_id, as_of=today)
    return Template(
        template_name="training/requirements.html",
        context={"req": requirements, "year": academic_year(today), "format_date": format_date},
    )


async def _my_document(request: Request):
    user = _user(request)
    if user.staff_id is None:
        raise NotFoundException("Page not found")
    return await cpd_document(user.staff_id)


@get(f"{MY_CPD}/download/csv", guards=[teacher_only])
async def my_cpd_csv(request: Request) -> Response:
    return cpd_csv_response(await _my_document(request))


@get(f"{MY_CPD}/download/pdf", guards=[teacher_only])
async def my_cpd_pdf(request: Request) -> Response:
    return await cpd_pdf_response(await _my_document(request))


# ---------------------------------------------------------------- evidence files


@get("/cpd-records/{record_id:int}/evidence", guards=[evidence_readers])
async def cpd_evidence(request: Request, record_id: FromPath[int]) -> Response:
    """The evidence file of a CPD record: to its owner and to those who may see the person, else 404."""
    user = _user(request)
    record = await selectors.cpd_record_get(record_id)
    if record is None or not record["evidence_file"] or not await can_see_staff(user, record["staff"]):
        raise NotFoundException("Page not found")
    try:
        content = await evidence_read(record["evidence_file"])
        media_type = evidence_media_type(record["evidence_file"])
    except (FileNotFoundError, ValueError):
        raise NotFoundException("Page not found") from None
    extension = record["evidence_file"].rsplit(".", 1)[1]
    return Response(
        content=content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="cpd-evidence-{record_id}.{extension}"',
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


route_handlers = [
    my_cpd,
    cpd_new_page,
    cpd_new,
    my_requirements,
    my_cpd_csv,
    my_cpd_pdf,
    cpd_detail,
    cpd_edit_page,
    cpd_edit,
    cpd_delete_page,
    cpd_delete,
    cpd_evidence,
]

"""Compliance pages for school and trust leads: the trust overview, the school page, and their CSV exports.

- ``GET /trusts``                          admin: choose a trust; HR lead: straight to their trust
- ``GET /trusts/{uid}``                    every school of the trust with its status per rule, ratios, gaps and
                                           due-soon counts; the trust's own findings; drill down to a school
- ``GET /schools``                         HR lead: the trust's schools; school lead: straight to their school;
                                           admin: search every school
- ``GET /schools/{urn}``                   the compliance matrix (staff x rule) with filters, the findings with
                                           reasons and basis, the SENCO and TA ratios with their thresholds
- ``GET /schools/{urn}/exports/matrix``    CSV of the matrix (``/findings``: CSV of the findings); the same for
  ``GET /trusts/{uid}/exports/...``        a trust (every school)
- ``POST /schools/{urn}/evaluations``      save the evaluation shown (a snapshot), to issue a certificate from it
  ``POST /trusts/{uid}/evaluations``       (the certificate itself is issued by ``POST /certificates``)

Every page takes ``standard`` (default proposed-2025) and an as-of date (``as_of-day``, ``-month``, ``-year``;
default today) as query parameters. Each evaluation is one fixed set of queries (``facts_gather``), whatever
the number of staff. Scope: an HR lead sees the schools of their own trust, a school lead their own school.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import ClientException, PermissionDeniedException
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from workforce.compliance import exports
from workforce.compliance.selectors import (
    BASIS_LABELS,
    DEFAULT_STANDARD,
    EMPLOYMENT_ROLE_LABELS,
    OUTCOME_CHOICES,
    OUTCOME_LABELS,
    findings_by_severity,
    findings_filtered,
    matrix_columns,
    matrix_filter_clean,
    matrix_rows,
    outcome_label,
    role_label,
    school_compliance,
    standard_choices,
    trust_compliance,
)
from workforce.compliance.snapshots import snapshot_list, snapshot_take
from workforce.csv_export import csv_response
from workforce.database import engine
from workforce.db import is_postgres
from workforce.imports.parsing import choice
from workforce.organisations.tables import School, Trust
from workforce.standards import format_date, standard_ids
from workforce.web.forms import DateField, Field, Form
from workforce.web.navigation import NavItem
from workforce.web.pagination import page_number, paginate
from workforce.web.security import (
    CurrentUser,
    current_user,
    require_school,
    require_trust,
    requires_role,
    trust_school_ids,
)

SCHOOL_ROLES = ("school_lead", "hr_lead", "admin")
TRUST_ROLES = ("hr_lead", "admin")
CERTIFICATE_ROLES = ("school_lead", "hr_lead", "admin")  # may issue certificates (see certificates.routes)
can_view_school = requires_role(*SCHOOL_ROLES)
can_view_trust = requires_role(*TRUST_ROLES)

MATRIX_PER_PAGE = 50
FINDINGS_PER_PAGE = 50
SCHOOLS_PER_PAGE = 25
LIST_PER_PAGE = 50
SAVED_SHOWN = 5
MATRIX_TARGET = "compliance-results"
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


class EvaluationChoiceForm(Form):
    """Which standard, on which date (the query string of every compliance page)."""

    fields = [
        Field(
            "standard",
            "Standard",
            parse=choice(tuple(standard_ids()), what="standard"),
            required=False,
            default=DEFAULT_STANDARD,
        ),
        DateField("as_of", "Date to check on", required=False, earliest=EARLIEST),
    ]

    @classmethod
    def check(cls, values: dict[str, Any]) -> dict[str, str]:
        if values.get("as_of") and values["as_of"] > LATEST:
            return {"as_of": f"Date to check on must be on or before {format_date(LATEST)}"}
        return {}


def _user(request: Request) -> CurrentUser:
    user = current_user(request)
    if user is None:  # the guard has already refused signed-out visitors
        raise PermissionDeniedException("Sign in to continue")
    return user


def _choices(request: Request) -> tuple[dict[str, Any], dict[str, str], dict[str, str]]:
    """(values, errors, submitted) of the standard and date; values filled with defaults."""
    result = EvaluationChoiceForm.validate(request.query_params)
    values = dict(result.values)
    values["standard"] = values.get("standard") or DEFAULT_STANDARD
    values["as_of"] = values.get("as_of") or dt.date.today()
    return values, result.errors, result.data


def _choice_params(values: dict[str, Any]) -> dict[str, str]:
    as_of: dt.date = values["as_of"]
    return {
        "standard": values["standard"],
        "as_of-day": str(as_of.day),
        "as_of-month": str(as_of.month),
        "as_of-year": str(as_of.year),
    }


def _query(params: dict[str, str]) -> str:
    return "?" + urlencode(params) if params else ""


def _common(values: dict[str, Any], errors: dict[str, str], submitted: dict[str, str]) -> dict[str, Any]:
    """Context every compliance page shares (the choice form and the labels)."""
    as_of: dt.date = values["as_of"]
    date_parts = {
        part: submitted.get(f"as_of-{part}", str(getattr(as_of, part))) for part in ("day", "month", "year")
    }
    return {
        "standards": standard_choices(),
        "standard_id": values["standard"],
        "as_of": as_of,
        "as_of_text": format_date(as_of),
        "as_of_parts": date_parts,
        "choice_params": _choice_params(values),
        "choice_query": _query(_choice_params(values)),
        "errors": errors,
        "anchors": EvaluationChoiceForm.anchors(),
        "outcome_label": outcome_label,
        "outcome_choices": OUTCOME_CHOICES,
        "outcome_labels": OUTCOME_LABELS,
        "basis_labels": BASIS_LABELS,
        "role_label": role_label,
        "role_labels": EMPLOYMENT_ROLE_LABELS,
        "format_date": format_date,
    }


async def _saved_evaluations(scope: str, scope_ref: str, standard_id: str) -> list:
    return await snapshot_list(
        standard_id=standard_id, scope=scope, scope_ref=scope_ref, published_only=True, limit=SAVED_SHOWN
    )


# ---------------------------------------------------------------- lists


def _contains(column, text: str):
    """Case-insensitive "contains" on both engines (SQLite's LIKE already ignores case for ASCII)."""
    pattern = f"%{text}%"
    return column.ilike(pattern) if is_postgres(engine()) else column.like(pattern)


@get("/schools", guards=[can_view_school])
async def school_list(request: Request) -> Response:
    """The schools this user may open (a school lead goes straight to their own)."""
    user = _user(request)
    if user.role == "school_lead":
        if user.school_urn is None:
            return Template(
                template_name="compliance/schools.html", context=_list_context(request, [], 0, "")
            )
        return Redirect(path=f"/schools/{user.school_urn}", status_code=303)
    search = str(request.query_params.get("q", "")).strip()[:100]
    query = School.select(School.id, School.urn, School.name, School.phase, School.type_name)
    count = School.count()
    if user.role == "hr_lead":
        ids = sorted(await trust_school_ids(user.trust_id)) if user.trust_id is not None else []
        if not ids:
            return Template(
                template_name="compliance/schools.html", context=_list_context(request, [], 0, search)
            )
        query = query.where(School.id.is_in(ids))
        count = count.where(School.id.is_in(ids))
    if search:
        where = _contains(School.name, search)
        if search.isdigit():
            where = where | (School.urn == int(search))
        query = query.where(where)
        count = count.where(where)
    total = await count
    pages = paginate(
        total=total,
        page=page_number(request.query_params.get("page")),
        per_page=LIST_PER_PAGE,
        path=request.url.path,
        query=request.query_params,
    )
    rows = await query.order_by(School.name).order_by(School.urn).limit(LIST_PER_PAGE).offset(pages.start)
    return Template(
        template_name="compliance/schools.html", context=_list_context(request, rows, total, search, pages)
    )


def _list_context(request: Request, rows: list, total: int, search: str, pages=None) -> dict[str, Any]:
    user = _user(request)
    return {
        "schools": rows,
        "total": total,
        "search": search,
        "pages": pages,
        "can_search": user.role == "admin",
        "trust_uid": user.trust_uid,
        "trust_name": user.trust_name,
        "role": user.role,
    }


@get("/trusts", guards=[can_view_trust])
async def trust_list(request: Request) -> Response:
    """Admins choose a trust; an HR lead goes straight to their own."""
    user = _user(request)
    if user.role == "hr_lead":
        if user.trust_uid is None:
            return Template(
                template_name="compliance/trusts.html",
                context={"trusts": [], "total": 0, "search": "", "pages": None, "no_trust": True},
            )
        return Redirect(path=f"/trusts/{user.trust_uid}", status_code=303)
    search = str(request.query_params.get("q", "")).strip()[:100]
    query = Trust.select(Trust.uid, Trust.name, Trust.trust_type)
    count = Trust.count()
    if search:
        where = _contains(Trust.name, search) | (Trust.uid == search)
        query = query.where(where)
        count = count.where(where)
    total = await count
    pages = paginate(
        total=total,
        page=page_number(request.query_params.get("page")),
        per_page=LIST_PER_PAGE,
        path=request.url.path,
        query=request.query_params,
    )
    rows = await query.order_by(Trust.name).order_by(Trust.uid).limit(LIST_PER_PAGE).offset(pages.start)
    return Template(
        template_name="compliance/trusts.html",
        context={"trusts": rows, "total": total, "search": search, "pages": pages, "no_trust": False},
    )


# ---------------------------------------------------------------- school page


@get("/schools/{urn:int}", guards=[can_view_school])
async def school_page(request: Request, urn: FromPath[int]) -> Template:
    user = _user(request)
    await require_school(user, urn)
    values, errors, submitted = _choices(request)
    context = _common(values, errors, submitted)
    context.update(urn=urn, can_certify=user.role in CERTIFICATE_ROLES)
    if errors:
        school = await School.select(School.name).where(School.urn == urn).first()
        context.update(compliance=None, school_name=school["name"] if school else str(urn))
        return Template(
            template_name="compliance/school.html", context=context, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    compliance = await school_compliance(urn=urn, standard_id=values["standard"], as_of=values["as_of"])
    view = compliance.view
    chosen = matrix_filter_clean(dict(request.query_params), rules=compliance.rules)
    rows = matrix_rows(view.rows, chosen)
    matrix_pages = paginate(
        total=len(rows),
        page=page_number(request.query_params.get("page")),
        per_page=MATRIX_PER_PAGE,
        path=request.url.path,
        query=request.query_params,
    )
    findings = findings_by_severity(findings_filtered(view.findings, chosen))
    findings_pages = paginate(
        total=len(findings),
        page=page_number(request.query_params.get("findings-page")),
        per_page=FINDINGS_PER_PAGE,
        path=request.url.path,
        query=request.query_params,
        param="findings-page",
    )
    context.update(
        compliance=compliance,
        view=view,
        school_name=view.school.name,
        chosen=chosen,
        filter_params=chosen.params(),
        rows=rows[matrix_pages.start : matrix_pages.end],
        row_count=len(rows),
        columns=matrix_columns(view.columns, chosen),
        matrix_pages=matrix_pages,
        findings=findings[findings_pages.start : findings_pages.end],
        finding_count=len(findings),
        findings_pages=findings_pages,
        names=compliance.person_names(),
        saved=await _saved_evaluations("school", str(urn), values["standard"])
        if user.role in CERTIFICATE_ROLES
        else [],
        saved_id=_int_or_none(request.query_params.get("saved")),
        trust_link=user.role in TRUST_ROLES and view.school.trust_uid is not None,
        matrix_target=MATRIX_TARGET,
        # the matrix and findings depend on nothing else: the compliance (names, rules, dates) and the address
        # (filters, pages, and the links to other pages, which keep every other parameter)
        results_key=None
        if compliance.cache_key is None
        else (compliance.cache_key, request.url.path, request.url.query),
    )
    htmx = getattr(request, "htmx", None)
    if htmx and htmx.target == MATRIX_TARGET:
        return Template(template_name="compliance/_partials/school_results.html", context=context)
    return Template(template_name="compliance/school.html", context=context)


def _int_or_none(raw: Any) -> int | None:
    text = str(raw or "")
    return int(text) if text.isdigit() and len(text) < 12 else None


# ---------------------------------------------------------------- trust overview


@get("/trusts/{uid:str}", guards=[can_view_trust])
async def trust_page(request: Request, uid: FromPath[str]) -> Template:
    user = _user(request)
    await require_trust(user, uid)
    values, errors, submitted = _choices(request)
    context = _common(values, errors, submitted)
    trust = await Trust.select(Trust.name).where(Trust.uid == uid).first()
    context.update(
        uid=uid, trust_name=trust["name"] if trust else uid, can_certify=user.role in CERTIFICATE_ROLES
    )
    if errors:
        context.update(compliance=None)
        return Template(
            template_name="compliance/trust.html", context=context, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    compliance = await trust_compliance(uid=uid, standard_id=values["standard"], as_of=values["as_of"])
    views, hidden = await _visible_views(user, compliance)
    pages = paginate(
        total=len(views),
        page=page_number(request.query_params.get("page")),
        per_page=SCHOOLS_PER_PAGE,
        path=request.url.path,
        query=request.query_params,
    )
    used = {f.rule for v in views for f in v.findings}
    context.update(
        compliance=compliance,
        schools=views[pages.start : pages.end],
        school_count=len(views),
        hidden_count=hidden,
        pages=pages,
        rule_columns=[rule for rule in compliance.rules if rule.id in used],
        trust_findings=findings_by_severity(compliance.trust_findings),
        totals=_totals(views, compliance.trust_findings),
        saved=await _saved_evaluations("trust", uid, values["standard"])
        if user.role in CERTIFICATE_ROLES
        else [],
        saved_id=_int_or_none(request.query_params.get("saved")),
    )
    return Template(template_name="compliance/trust.html", context=context)


async def _visible_views(user: CurrentUser, compliance) -> tuple[list, int]:
    """The trust's schools on the as-of date that are still the user's to see today (HR leads never see a
    school that has since moved to another trust); and how many were left out."""
    if user.role == "admin" or user.trust_id is None:
        return list(compliance.schools), 0
    today_ids = await trust_school_ids(user.trust_id)
    urns = (
        {row["urn"] for row in await School.select(School.urn).where(School.id.is_in(sorted(today_ids)))}
        if today_ids
        else set()
    )
    views = [v for v in compliance.schools if v.school.urn in urns]
    return views, len(compliance.schools) - len(views)


def _totals(views, trust_findings) -> dict[str, int]:
    totals = {outcome: 0 for outcome in OUTCOME_CHOICES}
    for view in views:
        for outcome in OUTCOME_CHOICES:
            totals[outcome] += view.totals[outcome]
    for finding in trust_findings:
        totals[finding.outcome] = totals.get(finding.outcome, 0) + 1
    return totals


# ---------------------------------------------------------------- exports


def _export_choices(request: Request) -> dict[str, Any]:
    values, errors, _ = _choices(request)
    if errors:
        raise ClientException("; ".join(errors.values()))
    return values


@get("/schools/{urn:int}/exports/matrix", guards=[can_view_school])
async def school_matrix_csv(request: Request, urn: FromPath[int]) -> Response:
    user = _user(request)
    await require_school(user, urn)
    values = _export_choices(request)
    compliance = await school_compliance(urn=urn, standard_id=values["standard"], as_of=values["as_of"])
    view = compliance.view
    refs = await exports.staff_refs(row.person_id for row in view.rows)
    return csv_response(
        filename=f"matrix-{urn}-{values['standard']}-{values['as_of'].isoformat()}.csv",
        header=exports.matrix_header(view.columns),
        rows=exports.matrix_rows([view], view.columns, refs),
    )


@get("/schools/{urn:int}/exports/findings", guards=[can_view_school])
async def school_findings_csv(request: Request, urn: FromPath[int]) -> Response:
    user = _user(request)
    await require_school(user, urn)
    values = _export_choices(request)
    compliance = await school_compliance(urn=urn, standard_id=values["standard"], as_of=values["as_of"])
    view = compliance.view
    refs = await exports.staff_refs(f.person_id for f in view.findings if f.person_id is not None)
    return csv_response(
        filename=f"findings-{urn}-{values['standard']}-{values['as_of'].isoformat()}.csv",
        header=exports.FINDING_COLUMNS,
        rows=exports.finding_rows(compliance, view.findings, refs, {urn: view.school.name}),
    )


@get("/trusts/{uid:str}/exports/matrix", guards=[can_view_trust])
async def trust_matrix_csv(request: Request, uid: FromPath[str]) -> Response:
    user = _user(request)
    await require_trust(user, uid)
    values = _export_choices(request)
    compliance = await trust_compliance(uid=uid, standard_id=values["standard"], as_of=values["as_of"])
    views, _ = await _visible_views(user, compliance)
    columns = exports.matrix_columns_of(views, compliance.rules)
    refs = await exports.staff_refs(row.person_id for view in views for row in view.rows)
    return csv_response(
        filename=f"matrix-trust-{uid}-{values['standard']}-{values['as_of'].isoformat()}.csv",
        header=exports.matrix_header(columns),
        rows=exports.matrix_rows(views, columns, refs),
    )


@get("/trusts/{uid:str}/exports/findings", guards=[can_view_trust])
async def trust_findings_csv(request: Request, uid: FromPath[str]) -> Response:
    user = _user(request)
    await require_trust(user, uid)
    values = _export_choices(request)
    compliance = await trust_compliance(uid=uid, standard_id=values["standard"], as_of=values["as_of"])
    views, _ = await _visible_views(user, compliance)
    findings = [*compliance.trust_findings, *(f for view in views for f in view.findings)]
    refs = await exports.staff_refs(f.person_id for f in findings if f.person_id is not None)
    return csv_response(
        filename=f"findings-trust-{uid}-{values['standard']}-{values['as_of'].isoformat()}.csv",
        header=exports.FINDING_COLUMNS,
        rows=exports.finding_rows(compliance, findings, refs, {v.school.urn: v.school.name for v in views}),
    )


# ---------------------------------------------------------------- saving an evaluation (for certificates)


async def _saved_choices(request: Request) -> dict[str, Any]:
    form = await request.form()
    result = EvaluationChoiceForm.validate(form)
    if result.errors:
        raise ClientException("; ".join(result.errors.values()))
    return {
        "standard": result.values.get("standard") or DEFAULT_STANDARD,
        "as_of": result.values.get("as_of") or dt.date.today(),
    }


@post("/schools/{urn:int}/evaluations", guards=[requires_role(*CERTIFICATE_ROLES)])
async def school_evaluation_save(request: Request, urn: FromPath[int]) -> Redirect:
    """Save the school's evaluation on the chosen date, so a certificate can be issued from it."""
    user = _user(request)
    await require_school(user, urn)
    values = await _saved_choices(request)
    snapshot = await snapshot_take(
        standard_id=values["standard"], as_of=values["as_of"], actor=user.email, school_urn=urn
    )
    params = {**_choice_params(values), "saved": str(snapshot.id)}
    return Redirect(path=f"/schools/{urn}{_query(params)}#certificates", status_code=303)


@post("/trusts/{uid:str}/evaluations", guards=[requires_role(*TRUST_ROLES)])
async def trust_evaluation_save(request: Request, uid: FromPath[str]) -> Redirect:
    """Save the trust's evaluation on the chosen date, so a certificate can be issued from it."""
    user = _user(request)
    await require_trust(user, uid)
    values = await _saved_choices(request)
    snapshot = await snapshot_take(
        standard_id=values["standard"], as_of=values["as_of"], actor=user.email, trust_uid=uid
    )
    params = {**_choice_params(values), "saved": str(snapshot.id)}
    return Redirect(path=f"/trusts/{uid}{_query(params)}#certificates", status_code=303)


route_handlers = [
    school_list,
    trust_list,
    school_page,
    trust_page,
    school_matrix_csv,
    school_findings_csv,
    trust_matrix_csv,
    trust_findings_csv,
    school_evaluation_save,
    trust_evaluation_save,
]

nav_items = [
    NavItem(
        label="Trust overview",
        href="/trusts",
        roles=frozenset(TRUST_ROLES),
        description="Every school of the trust with its status per rule, SENCO and TA ratios, gaps and items due soon.",
        order=20,
    ),
    NavItem(
        label="Schools",
        href="/schools",
        roles=frozenset(SCHOOL_ROLES),
        description="A school's compliance matrix, findings with reasons, ratios, staff and exports.",
        order=25,
    ),
]

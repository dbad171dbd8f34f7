"""Certificate pages.

Public (no sign-in, minimal data, every check logged):
- ``GET /verify``                  a form to type a certificate code
- ``GET /verify/{code}``           is the certificate genuine, and current, superseded or revoked?
- ``GET /verify/public-key``       the Ed25519 public key (PEM) for offline checks

Signed in (role guard, then the certificate's school or trust must be visible to the user):
- ``GET  /certificates/{code}``         the certificate's record, status, download and revoke form
- ``GET  /certificates/{code}/pdf``     the issued PDF (school and HR leads, inspectors with a grant, admins)
- ``GET  /certificates/{code}/evidence-pack``  a zip of the PDF, the findings (CSV) and a README with checksums
- ``POST /certificates``                issue a certificate for a saved snapshot (form field ``snapshot_id``)
- ``POST /certificates/{code}/revoke``  revoke with a reason

Inspector access (grants, invitations, the inspectors' read-only pages) is in ``inspector_routes.py``; its
handlers and navigation are served from here.
"""

from __future__ import annotations

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_404_NOT_FOUND, HTTP_422_UNPROCESSABLE_ENTITY

from workforce.certificates import inspector_routes, services
from workforce.certificates.evidence import evidence_pack
from workforce.certificates.inspectors import inspector_access_record  # also enables inspector grants
from workforce.certificates.selectors import CertificateInputError, certificate_get, snapshot_get
from workforce.certificates.signing import signing_key
from workforce.web.security import (
    PUBLIC,
    CurrentUser,
    current_user,
    require_school,
    require_trust,
    requires_role,
)

VIEW_ROLES = ("school_lead", "hr_lead", "inspector", "admin")
MANAGE_ROLES = ("school_lead", "hr_lead", "admin")
can_view = requires_role(*VIEW_ROLES)
can_manage = requires_role(*MANAGE_ROLES)


def _date(value) -> str:
    """3 January 2026 (GOV.UK style)."""
    return f"{value.day} {value.strftime('%B %Y')}" if value else ""


def status_view(status: services.CertificateStatus) -> dict:
    """What the pages print about a certificate's status (strings, dates already formatted)."""
    cert = status.certificate
    view = {"code": status.code, "state": status.state, "known": cert is not None}
    if cert is None:
        return view
    where = (
        f"school, URN {cert.scope_ref}" if cert.scope == "school" else f"trust, group UID {cert.scope_ref}"
    )
    view.update(
        organisation=f"{cert.organisation_name} ({where})",
        organisation_name=cert.organisation_name,
        standard=f"{cert.standard_id}, version {cert.standard_version}",
        as_of=_date(cert.as_of),
        issued_on=_date(cert.issued_at),
        issued_by=cert.issued_by,
        revoked_on=_date(status.revoked_at),
        revoked_reason=status.revoked_reason,
        superseded_as_of=_date(status.superseded_as_of),
    )
    return view


def _client(request: Request) -> str:
    return request.headers.get("user-agent", "")[:120]


# ---------------------------------------------------------------- public


@get("/verify", opt=PUBLIC)
async def verify_start(code: FromQuery[str | None] = None) -> Response:
    """The form to type a code; a submitted code goes to its verification page."""
    if code is not None:
        normalised = services.code_normalise(code)
        if normalised is None:
            return Template(
                template_name="certificates/verify_start.html",
                context={"code": code, "errors": {"code": _code_error(code)}, "personal_data": False},
                status_code=HTTP_422_UNPROCESSABLE_ENTITY,
            )
        return Redirect(path=f"/verify/{normalised}", status_code=303)
    return Template(template_name="certificates/verify_start.html", context={"code": "", "errors": {}})


def _code_error(code: str) -> str:
    if not code.strip():
        return "Enter the certificate code"
    return "Enter the certificate code as it is printed, like SWC-7K3M-Q9TD-XH4P"


@get("/verify/public-key", opt=PUBLIC, media_type="text/plain")
async def verify_public_key() -> Response:
    """The public key that checks certificate signatures, for anyone verifying offline."""
    key = signing_key()
    return Response(
        content=key.public_key_pem(),
        media_type="application/x-pem-file",
        headers={"X-Key-Id": key.key_id, "Cache-Control": "public, max-age=3600"},
    )


@get("/verify/{code:str}", opt=PUBLIC)
async def verify_code(request: Request, code: FromPath[str]) -> Response:
    """Is this certificate genuine, and is it current? (Minimal data; the check is logged.)"""
    normalised = services.code_normalise(code)
    if normalised is not None and normalised != code:
        # One address per certificate: lower case or missing dashes go to the printed form.
        return Redirect(path=f"/verify/{normalised}", status_code=301)
    status = await services.certificate_check_code(code, channel="web", client=_client(request))
    return Template(
        template_name="certificates/verify.html",
        context={"c": status_view(status), "code": status.code if normalised else code},
        status_code=HTTP_404_NOT_FOUND if status.state == "unknown" else 200,
    )


# ---------------------------------------------------------------- signed in


async def _require_scope(user: CurrentUser, scope: str, scope_ref: str) -> None:
    """403/404 unless the user may see this school or trust (inspectors: through a grant)."""
    if scope == "school":
        await require_school(user, int(scope_ref))
    else:
        await require_trust(user, scope_ref)


async def _visible_certificate(request: Request, code: str):
    user = current_user(request)
    normalised = services.code_normalise(code)
    cert = await certificate_get(normalised) if normalised else None
    if cert is None or user is None:
        raise NotFoundException("No such certificate")
    await _require_scope(user, cert.scope, cert.scope_ref)
    return user, cert


@get("/certificates/{code:str}", guards=[can_view])
async def certificate_detail(request: Request, code: FromPath[str]) -> Template:
    user, cert = await _visible_certificate(request, code)
    await inspector_access_record(
        user=user, kind=cert.scope, key=cert.scope_ref, action="view-certificate", path=request.url.path
    )
    status = await services.certificate_status(cert.code)
    return Template(
        template_name="certificates/detail.html",
        context={
            "c": status_view(status),
            "can_revoke": user.role in MANAGE_ROLES and status.state != "revoked",
            "verify_url": services.verify_url(cert.code),
            "errors": {},
            "reason": "",
        },
    )


@get("/certificates/{code:str}/pdf", guards=[can_view])
async def certificate_download(request: Request, code: FromPath[str]) -> Response:
    user, cert = await _visible_certificate(request, code)
    pdf = await services.certificate_pdf(cert.code)
    await inspector_access_record(
        user=user, kind=cert.scope, key=cert.scope_ref, action="download-certificate", path=request.url.path
    )
    return Response(
        content=pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{cert.code}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@get("/certificates/{code:str}/evidence-pack", guards=[can_view])
async def certificate_evidence_pack(request: Request, code: FromPath[str]) -> Response:
    """The certificate, its findings as CSV and a README with checksums, in one zip."""
    user, cert = await _visible_certificate(request, code)
    pack = await evidence_pack(cert.code)
    await inspector_access_record(
        user=user, kind=cert.scope, key=cert.scope_ref, action="download-evidence", path=request.url.path
    )
    return Response(
        content=pack.content,
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{pack.filename}"',
            "Cache-Control": "private, no-store",
        },
    )


@post("/certificates", guards=[can_manage])
async def certificate_issue(request: Request) -> Response:
    """Issue (or find the already issued) certificate for a saved snapshot, then show it."""
    user = current_user(request)
    form = await request.form()
    raw = str(form.get("snapshot_id", "")).strip()
    snapshot = await snapshot_get(int(raw)) if raw.isdigit() else None
    if snapshot is None or user is None:
        raise NotFoundException("No such evaluation")
    if snapshot["scope"] not in ("school", "trust"):
        return _problem("Only a school's or a trust's evaluation can be certified.")
    await _require_scope(user, snapshot["scope"], str(snapshot["scope_ref"]))
    try:
        cert = await services.certificate_issue(snapshot_id=snapshot["id"], actor=user.email)
    except CertificateInputError as exc:
        return _problem(str(exc))
    return Redirect(path=f"/certificates/{cert.code}", status_code=303)


def _problem(message: str) -> Template:
    return Template(
        template_name="certificates/problem.html",
        context={"message": message},
        status_code=HTTP_422_UNPROCESSABLE_ENTITY,
    )


@post("/certificates/{code:str}/revoke", guards=[can_manage])
async def certificate_revoke(request: Request, code: FromPath[str]) -> Response:
    user, cert = await _visible_certificate(request, code)
    form = await request.form()
    reason = str(form.get("reason", ""))
    try:
        await services.certificate_revoke(code=cert.code, reason=reason, actor=user.email)
    except services.CertificateError as exc:
        status = await services.certificate_status(cert.code)
        return Template(
            template_name="certificates/detail.html",
            context={
                "c": status_view(status),
                "can_revoke": status.state != "revoked",
                "verify_url": services.verify_url(cert.code),
                "errors": {"reason": str(exc)},
                "reason": reason,
            },
            status_code=HTTP_422_UNPROCESSABLE_ENTITY,
        )
    return Redirect(path=f"/certificates/{cert.code}", status_code=303)


route_handlers = [
    verify_start,
    verify_public_key,
    verify_code,
    certificate_detail,
    certificate_download,
    certificate_evidence_pack,
    certificate_issue,
    certificate_revoke,
    *inspector_routes.route_handlers,
]

nav_items = inspector_routes.nav_items

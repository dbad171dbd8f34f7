"""Uploading the HR files through the browser: check first (a dry run), then apply.

- ``GET  /uploads``                    choose the kind of file and the file; links to the CSV templates
- ``POST /uploads``                    (multipart, body limited to UPLOAD_MAX_BYTES plus a little) the file is kept
                                       server-side and checked: the same row-level report as the command line
                                       (row, column, message) and the counts of what would be created, updated or
                                       left unchanged; nothing is written
- ``POST /uploads/{token}/apply``      apply the file checked before: it is checked again (the database may have
                                       changed in between) and applied all or nothing, then deleted
- ``GET  /uploads/templates/{kind}``   the CSV template of a kind of file (docs/templates), as a download

Between the preview and "Apply" the file is kept under ``<settings.upload_dir>/imports/`` with a random name (32
URL-safe characters) next to a small JSON file naming its kind, owner and upload time. Only the account that
uploaded it can apply it, within ``UPLOAD_KEEP_MINUTES``; it is deleted once applied or refused, and files older
than that are swept away at each upload. Re-uploading is never needed.

Scope: school leads may only touch their school, HR leads their trust's schools and their trust's own posts. Each
row is checked against that before the import runs (a staff id that belongs to someone outside the user's schools,
a URN of another school, another trust's UID are row errors); administrators may upload anything. The import itself
(``workforce.imports.import_file``) validates every row and writes the audit entries with the user's email.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException, PermissionDeniedException
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_410_GONE, HTTP_422_UNPROCESSABLE_ENTITY

from workforce.config import get_settings
from workforce.imports import HR_KINDS, ImportReport, RowError, import_file
from workforce.imports.base import normalise_header
from workforce.imports.source import UnreadableCsv, open_csv
from workforce.organisations.tables import School
from workforce.paths import CSV_TEMPLATES_DIR
from workforce.people.tables import Employment, StaffMember
from workforce.web.navigation import NavItem
from workforce.web.security import CurrentUser, current_user, requires_role, visible_school_ids

UPLOAD_ROLES = ("school_lead", "hr_lead", "admin")
can_upload = requires_role(*UPLOAD_ROLES)

UPLOAD_FOLDER = "imports"
UPLOAD_KEEP_MINUTES = 60
FORM_ALLOWANCE = 64 * 1024  # the multipart envelope and the other fields, on top of the file itself
UPLOAD_MAX_BODY = get_settings().upload_max_bytes + FORM_ALLOWANCE
TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")
IDS_PER_QUERY = 5000
FILE_TOO_LARGE = "file-too-large"

KIND_LABELS = {
    "staff": "Staff and their posts",
    "qualifications": "Qualifications",
    "cpd": "CPD records",
    "placements": "ITT and ECF placements",
    "governance": "Governors and trustees",
}
KIND_HINTS = {
    "staff": "One row per post. Import this first: the other files refer to staff by their staff id.",
    "qualifications": "NPQ for SENCOs, NASENCO, NPQH, mandatory qualifications for sensory impairment.",
    "cpd": "SEND CPD activities, self-reported or verified.",
    "placements": "Placements of trainees and early-career teachers, with the host school's URN.",
    "governance": "Governors of your schools and trustees of your trust, with their SEND responsibility.",
}
ENTITY_LABELS = {
    "staff_member": "staff members",
    "employment": "posts",
    "senco_exemption": "SENCO exemptions",
}


def _user(request: Request) -> CurrentUser:
    user = current_user(request)
    if user is None:
        raise PermissionDeniedException("Sign in to continue")
    return user


def _folder() -> Path:
    return get_settings().upload_dir / UPLOAD_FOLDER


def _max_bytes() -> int:
    return get_settings().upload_max_bytes


def _size_text(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


# ---------------------------------------------------------------- the kept file


@dataclass(frozen=True)
class KeptUpload:
    token: str
    kind: str
    user_id: int
    filename: str
    size: int
    uploaded_at: dt.datetime

    @property
    def path(self) -> Path:
        return _folder() / f"{self.token}.csv"

    @property
    def expired(self) -> bool:
        return dt.datetime.now(dt.UTC) - self.uploaded_at > dt.timedelta(minutes=UPLOAD_KEEP_MINUTES)


def _keep(content: bytes, *, kind: str, user_id: int, filename: str) -> KeptUpload:
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(24)
    kept = KeptUpload(token, kind, user_id, filename[:200], len(content), dt.datetime.now(dt.UTC))
    _write_private(kept.path, content)
    meta = {
        "kind": kind,
        "user_id": user_id,
        "filename": kept.filename,
        "size": kept.size,
        "uploaded_at": kept.uploaded_at.isoformat(),
    }
    _write_private(folder / f"{token}.json", json.dumps(meta).encode())
    return kept


def _write_private(path: Path, content: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(content)


def _kept(token: str) -> KeptUpload | None:
    if not TOKEN.match(token):
        return None
    try:
        meta = json.loads((_folder() / f"{token}.json").read_text())
        kept = KeptUpload(
            token,
            meta["kind"],
            int(meta["user_id"]),
            meta["filename"],
            int(meta["size"]),
            dt.datetime.fromisoformat(meta["uploaded_at"]),
        )
    except (OSError, ValueError, KeyError):
        return None
    return kept if kept.path.is_file() else None


def _discard(token: str) -> None:
    for suffix in (".csv", ".json"):
        try:
            (_folder() / f"{token}{suffix}").unlink()
        except FileNotFoundError:
            pass


def uploads_sweep(*, older_than: dt.timedelta = dt.timedelta(minutes=UPLOAD_KEEP_MINUTES)) -> int:
    """Delete kept uploads older than ``older_than`` (run at each upload); returns how many were deleted."""
    folder = _folder()
    if not folder.is_dir():
        return 0
    limit = dt.datetime.now().timestamp() - older_than.total_seconds()
    removed = 0
    for path in folder.iterdir():
        if path.suffix in (".csv", ".json") and TOKEN.match(path.stem):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += path.suffix == ".csv"
            except FileNotFoundError:
                pass
    return removed


# ---------------------------------------------------------------- scope of a file


COLUMNS_CHECKED = {
    "staff": ("staff_id", "school_urn", "trust_uid"),
    "qualifications": ("staff_id",),
    "cpd": ("staff_id",),
    "placements": ("staff_id",),
    "governance": ("school_urn", "trust_uid"),
}
OUTSIDE_STAFF = "staff id {ref!r} is not someone at your schools (check the id; import the staff file first for new staff)"
TAKEN_STAFF = "staff id {ref!r} is already used for someone who does not work at your schools: use another id"
OUTSIDE_SCHOOL = "URN {urn} is not one of your schools"
OUTSIDE_TRUST = "trust {uid!r} is not your trust"
NO_TRUST_POSTS = "only your trust's HR lead can record trust-level posts and trustees"


@dataclass
class _Cell:
    row: int
    value: str


async def scope_problems(user: CurrentUser, kind: str, source: bytes | Path) -> list[RowError]:
    """Rows of the file that reach outside what the user looks after (none for an administrator)."""
    school_ids = await visible_school_ids(user)
    if school_ids is None:
        return []
    wanted = COLUMNS_CHECKED.get(kind, ())
    cells: dict[str, list[_Cell]] = {column: [] for column in wanted}
    try:
        with open_csv(source) as csv_file:
            header = csv_file.header or []
            index = {normalise_header(name): position for position, name in enumerate(header) if name.strip()}
            positions = {column: index[column] for column in wanted if column in index}
            for row_number, values in csv_file.rows():
                for column, position in positions.items():
                    value = values[position].strip() if position < len(values) else ""
                    if value:
                        cells[column].append(_Cell(row_number, value))
    except UnreadableCsv:
        return []  # the import reports it
    problems: list[RowError] = []
    urns = await _urns(school_ids)
    for cell in cells.get("school_urn", []):
        if not (cell.value.isdigit() and int(cell.value) in urns):
            problems.append(RowError(cell.row, "school_urn", OUTSIDE_SCHOOL.format(urn=cell.value)))
    for cell in cells.get("trust_uid", []):
        if user.role != "hr_lead" or user.trust_uid is None:
            problems.append(RowError(cell.row, "trust_uid", NO_TRUST_POSTS))
        elif cell.value != user.trust_uid:
            problems.append(RowError(cell.row, "trust_uid", OUTSIDE_TRUST.format(uid=cell.value)))
    refs = cells.get("staff_id", [])
    if refs:
        existing, visible = await _staff_scope(user, {cell.value for cell in refs}, school_ids)
        for cell in refs:
            if kind == "staff":
                if cell.value in existing and cell.value not in visible:
                    problems.append(RowError(cell.row, "staff_id", TAKEN_STAFF.format(ref=cell.value)))
            elif cell.value not in visible:
                problems.append(RowError(cell.row, "staff_id", OUTSIDE_STAFF.format(ref=cell.value)))
    return sorted(problems)


async def _urns(school_ids: set[int]) -> set[int]:
    if not school_ids:
        return set()
    rows = await School.select(School.urn).where(School.id.is_in(sorted(school_ids)))
    return {row["urn"] for row in rows}


async def _staff_scope(user: CurrentUser, refs: set[str], school_ids: set[int]) -> tuple[set[str], set[str]]:
    """(staff ids that exist, staff ids of people with a current or future post the user looks after)."""
    today = dt.date.today()
    ordered = sorted(refs)
    existing: dict[int, str] = {}
    for start in range(0, len(ordered), IDS_PER_QUERY):
        chunk = ordered[start : start + IDS_PER_QUERY]
        for row in await StaffMember.select(StaffMember.id, StaffMember.staff_ref).where(
            StaffMember.staff_ref.is_in(chunk)
        ):
            existing[row["id"]] = row["staff_ref"]
    where_place = Employment.school.is_in(sorted(school_ids)) if school_ids else None
    if user.role == "hr_lead" and user.trust_id is not None:
        trust_posts = Employment.trust == user.trust_id
        where_place = trust_posts if where_place is None else (where_place | trust_posts)
    visible: set[str] = set()
    ids = sorted(existing)
    if where_place is not None:
        for start in range(0, len(ids), IDS_PER_QUERY):
            chunk = ids[start : start + IDS_PER_QUERY]
            rows = await Employment.select(Employment.staff).where(
                Employment.staff.is_in(chunk)
                & (Employment.end_date.is_null() | (Employment.end_date >= today))
                & where_place
            )
            visible.update(existing[row["staff"]] for row in rows)
    return set(existing.values()), visible


_TRN_OWNER = re.compile(r"already belongs to staff id '[^']*'")


def _combined(report: ImportReport, problems: list[RowError], *, redact: bool) -> list[RowError]:
    """The import's errors and the scope problems, one per cell (scope first), sorted by row.

    For users other than administrators, an import message naming another organisation's staff id is reworded.
    """
    flagged = {(p.row, p.column) for p in problems}
    errors = list(problems)
    for error in report.errors:
        if (error.row, error.column) in flagged:
            continue
        message = (
            _TRN_OWNER.sub("already belongs to another member of staff", error.message)
            if redact
            else error.message
        )
        errors.append(RowError(error.row, error.column, message))
    return sorted(errors)


async def _check(
    user: CurrentUser, kind: str, source: bytes | Path, *, apply: bool
) -> tuple[ImportReport, list[RowError]]:
    """Scope check, then the import (a dry run, or for real when the scope check found nothing)."""
    problems = await scope_problems(user, kind, source)
    report = await import_file(kind, source, actor=user.email, dry_run=not apply or bool(problems))
    errors = _combined(report, problems, redact=user.role != "admin")
    return report, errors


# ---------------------------------------------------------------- pages


def _counts(report: ImportReport) -> list[dict[str, Any]]:
    return [
        {
            "label": ENTITY_LABELS.get(entity, entity.replace("_", " ")),
            "created": c.created,
            "updated": c.updated,
            "unchanged": c.unchanged,
        }
        for entity, c in report.entities.items()
    ]


def _start_page(*, errors: dict[str, str] | None = None, kind: str = "", status: int = 200) -> Template:
    return Template(
        template_name="imports/upload.html",
        context={
            "errors": errors or {},
            "kind": kind,
            "kinds": [(k, KIND_LABELS[k], KIND_HINTS[k]) for k in HR_KINDS if k in KIND_LABELS],
            "max_size": _size_text(_max_bytes()),
            "keep_minutes": UPLOAD_KEEP_MINUTES,
        },
        status_code=status,
    )


@get("/uploads", guards=[can_upload])
async def upload_start(request: Request) -> Template:
    errors = {}
    if request.query_params.get("error") == FILE_TOO_LARGE:
        errors["file"] = f"The selected file must be smaller than {_size_text(_max_bytes())}"
    return _start_page(errors=errors, status=HTTP_422_UNPROCESSABLE_ENTITY if errors else 200)


def _too_large(request: Request, exc: RequestEntityTooLarge) -> Response:
    """A body over the route's limit goes back to the form with a clear message (nothing was kept)."""
    return Redirect(path=f"/uploads?error={FILE_TOO_LARGE}", status_code=303)


def _file_problem(upload: Any, content: bytes | None) -> str | None:
    if not isinstance(upload, UploadFile) or not (upload.filename or "").strip():
        return "Select a CSV file"
    name = upload.filename.lower()
    if name.endswith((".xlsx", ".xls", ".xlsm", ".ods")):
        return "The selected file is a spreadsheet workbook: save it as “CSV UTF-8” and upload that"
    if not name.endswith((".csv", ".txt")):
        return "The selected file must be a CSV file"
    if content is not None and len(content) > _max_bytes():
        return f"The selected file must be smaller than {_size_text(_max_bytes())}"
    if content is not None and not content.strip():
        return "The selected file is empty"
    return None


@post(
    "/uploads",
    guards=[can_upload],
    request_max_body_size=UPLOAD_MAX_BODY,
    exception_handlers={RequestEntityTooLarge: _too_large},
)
async def upload_check(request: Request) -> Template:
    """Keep the file and check it (nothing is written); show the report and, if it is clean, "Apply"."""
    user = _user(request)
    form = await request.form()
    kind = str(form.get("kind", ""))
    errors: dict[str, str] = {}
    if kind not in KIND_LABELS:
        errors["kind"] = "Select what the file contains"
    upload = form.get("file")
    content = await upload.read() if isinstance(upload, UploadFile) else None
    problem = _file_problem(upload, content)
    if problem:
        errors["file"] = problem
    if errors:
        return _start_page(
            errors=errors, kind=kind if kind in KIND_LABELS else "", status=HTTP_422_UNPROCESSABLE_ENTITY
        )
    assert content is not None and isinstance(upload, UploadFile)
    uploads_sweep()
    report, row_errors = await _check(user, kind, content, apply=False)
    kept = _keep(content, kind=kind, user_id=user.id, filename=upload.filename) if not row_errors else None
    return Template(
        template_name="imports/preview.html",
        context={
            "kind": kind,
            "kind_label": KIND_LABELS[kind],
            "filename": upload.filename,
            "report": report,
            "row_errors": row_errors,
            "bad_rows": len({e.row for e in row_errors}),
            "counts": _counts(report),
            "kept": kept,
            "keep_minutes": UPLOAD_KEEP_MINUTES,
        },
        status_code=HTTP_422_UNPROCESSABLE_ENTITY if row_errors else 200,
    )


@post("/uploads/{token:str}/apply", guards=[can_upload])
async def upload_apply(request: Request, token: FromPath[str]) -> Template:
    """Check the kept file again and apply it, all or nothing; the kept file is then deleted."""
    user = _user(request)
    kept = _kept(token)
    if kept is None or kept.user_id != user.id or kept.expired:
        if kept is not None and kept.expired:
            _discard(token)
        return Template(
            template_name="imports/expired.html",
            context={"keep_minutes": UPLOAD_KEEP_MINUTES},
            status_code=HTTP_410_GONE,
        )
    try:
        report, row_errors = await _check(user, kept.kind, kept.path, apply=True)
    finally:
        _discard(token)
    return Template(
        template_name="imports/result.html",
        context={
            "kind": kept.kind,
            "kind_label": KIND_LABELS.get(kept.kind, kept.kind),
            "filename": kept.filename,
            "report": report,
            "row_errors": row_errors,
            "bad_rows": len({e.row for e in row_errors}),
            "counts": _counts(report),
        },
        status_code=200 if report.applied else HTTP_422_UNPROCESSABLE_ENTITY,
    )


@get("/uploads/templates/{kind:str}", guards=[can_upload])
async def upload_template(kind: FromPath[str]) -> Response:
    """The CSV template of one kind of file, with example rows (as in docs/formats.md)."""
    if kind not in KIND_LABELS:
        raise NotFoundException("No such template")
    path = CSV_TEMPLATES_DIR / f"{kind}.csv"
    if not path.is_file():
        raise NotFoundException("No such template")
    return Response(
        content=path.read_bytes(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{kind}-template.csv"',
            "X-Content-Type-Options": "nosniff",
        },
    )


route_handlers = [upload_start, upload_check, upload_apply, upload_template]

nav_items = [
    NavItem(
        label="Upload files",
        href="/uploads",
        roles=frozenset(UPLOAD_ROLES),
        description="Upload staff, qualification, CPD, placement or governance CSV files: check them first, then apply.",
        order=30,
    )
]

"""My CPD: a teacher logs, changes, deletes and downloads their own CPD, and nobody else's."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile

import anyio
import pytest

from workforce.config import get_settings
from workforce.people.tables import AuditEntry
from workforce.training import services
from workforce.training.evidence import evidence_path
from workforce.training.tables import CpdRecord

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def form_data(**overrides) -> dict:
    data = {
        "activity_date-day": "3",
        "activity_date-month": "10",
        "activity_date-year": str(dt.date.today().year - 1),
        "title": "Autism awareness",
        "provider": "Local authority",
        "hours": "2.5",
        "send_area": "communication-and-interaction",
        "mandatory_module": "yes",
        "evidence_ref": "CERT-1",
        "reflection": "I now plan quieter transitions.",
    }
    data.update(overrides)
    return data


async def post_multipart(client, path: str, data: dict, files: dict | None = None, *, csrf: bool = True):
    form = dict(data)
    if csrf:
        form["_csrf_token"] = await client.csrf_token()
    return await client.http.post(path, data=form, files=files or {"evidence_file": ("", b"", "application/octet-stream")})


async def audit_entries(entity: str = "cpd_record") -> list[dict]:
    rows = await AuditEntry.select().where(AuditEntry.entity == entity).order_by(AuditEntry.id)
    for row in rows:
        for key in ("before", "after"):
            if isinstance(row[key], str):
                row[key] = json.loads(row[key])
    return rows


@pytest.fixture
async def teacher(make_school, make_staff, login_as):
    school = await make_school(name="Oak Primary")
    staff = await make_staff(school=school, first_name="Ada", last_name="Lovelace")
    account = await login_as("teacher", staff=staff, email="ada@example.org")
    return staff, account, school


async def add_record(staff_id: int, **overrides):
    args = dict(
        staff_id=staff_id, actor="seed", title="Dyslexia basics", provider="Trust", activity_date=dt.date(2024, 5, 1),
        hours=1, send_area="cognition-and-learning",
    )
    args.update(overrides)
    return await services.cpd_record_create(**args)


# ---------------------------------------------------------------- list


async def test_empty_state_and_links(client, teacher):
    page = await client.page("/my-cpd")
    assert "You have not logged any CPD yet" in page.text
    assert 'href="/my-cpd/new"' in page.text
    assert 'href="/my-cpd/requirements"' in page.text
    assert 'hx-history="false"' in page.text


async def test_list_shows_own_records_grouped_by_year_and_this_years_totals(client, teacher, make_staff):
    staff, _, school = teacher
    today = dt.date.today()
    await add_record(staff.id, title="This year course", activity_date=today, hours=2)
    await add_record(staff.id, title="Older course", activity_date=dt.date(2020, 1, 10), hours=5)
    other = await make_staff(school=school)
    await add_record(other.id, title="Someone else's course")
    page = await client.page("/my-cpd")
    assert "This year course" in page.text and "Older course" in page.text
    assert "Someone else" not in page.text
    summary = re.search(r'id="year-summary">(.*?)</p>', page.text, re.DOTALL).group(1)
    assert "1 activity" in summary and "2 hours" in summary
    assert "Academic year 2019/20" in page.text


async def test_list_is_paged(client, teacher):
    staff, _, _ = teacher
    for n in range(23):
        await add_record(staff.id, title=f"Course {n:02d}", activity_date=dt.date(2024, 1, 1) + dt.timedelta(days=n))
    first = await client.page("/my-cpd")
    assert first.text.count('href="/my-cpd/') - first.text.count('href="/my-cpd/new"') >= 20
    assert "Course 22" in first.text and "Course 02" not in first.text
    assert 'href="/my-cpd?page=2"' in first.text
    second = await client.page("/my-cpd?page=2")
    assert "Course 02" in second.text and "Course 22" not in second.text


async def test_account_without_staff_record_is_told_why(client, login_as, make_school):
    await login_as("teacher", school=await make_school())
    page = await client.page("/my-cpd")
    assert "not linked to a staff record" in page.text
    assert (await client.get("/my-cpd/new")).status_code == 404


@pytest.mark.parametrize("role", ["school_lead", "hr_lead", "dfe_analyst", "inspector"])
async def test_other_roles_cannot_open_my_cpd(client, login_as, role):
    await login_as(role)
    assert (await client.get("/my-cpd")).status_code == 403


async def test_signed_out_visitor_is_sent_to_sign_in(client):
    response = await client.get("/my-cpd")
    assert response.status_code == 303 and response.headers["location"].startswith("/sign-in")


# ---------------------------------------------------------------- log


async def test_log_cpd_with_evidence_file(client, teacher):
    staff, _, _ = teacher
    page = await client.page("/my-cpd/new")
    assert 'enctype="multipart/form-data"' in page.text
    assert 'name="activity_date-day"' in page.text and 'name="send_area"' in page.text
    response = await post_multipart(
        client, "/my-cpd/new", form_data(), {"evidence_file": ("certificate.pdf", PDF, "application/pdf")}
    )
    assert response.status_code == 303, response.text
    record = await CpdRecord.select().first()
    assert response.headers["location"] == f"/my-cpd/{record['id']}?done=created"
    assert record["staff"] == staff.id and record["title"] == "Autism awareness"
    assert record["hours"] == 2.5 and record["mandatory_module"] is True
    assert record["send_area"] == "communication-and-interaction"
    assert record["status"] == "self-reported"
    assert evidence_path(record["evidence_file"]).read_bytes() == PDF
    assert get_settings().upload_dir in evidence_path(record["evidence_file"]).parents
    detail = await client.page(response.headers["location"])
    assert "Your CPD was saved" in detail.text and "Autism awareness" in detail.text
    entries = await audit_entries()
    assert [(e["action"], e["actor"], e["staff"]) for e in entries] == [("create", "ada@example.org", staff.id)]


async def test_log_cpd_without_file(client, teacher):
    response = await post_multipart(client, "/my-cpd/new", form_data(mandatory_module=""))
    assert response.status_code == 303
    record = await CpdRecord.select().first()
    assert record["evidence_file"] is None and record["mandatory_module"] is False


async def test_invalid_form_shows_errors_and_keeps_what_was_typed(client, teacher, check_page):
    response = await post_multipart(
        client,
        "/my-cpd/new",
        form_data(**{"title": "", "hours": "lots", "send_area": "", "activity_date-month": "13"}),
    )
    assert response.status_code == 422
    check_page(response)
    text = response.text
    assert "There is a problem" in text and text.count("govuk-error-message") == 4
    assert "Enter the title of the activity" in text
    assert "Hours must be a number" in text
    assert "Select the area of SEND the activity was about" in text
    assert "Date of the activity must be a real date" in text
    assert 'href="#activity_date-day"' in text
    assert "I now plan quieter transitions." in text  # kept
    assert await CpdRecord.count() == 0


async def test_future_date_is_refused(client, teacher):
    future = dt.date.today() + dt.timedelta(days=3)
    response = await post_multipart(
        client,
        "/my-cpd/new",
        form_data(**{"activity_date-day": str(future.day), "activity_date-month": str(future.month),
                     "activity_date-year": str(future.year)}),
    )
    assert response.status_code == 422
    assert "must be today or in the past" in response.text


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.pdf", b"<html><script>alert(1)</script></html>"),  # extension says PDF, content is HTML
        ("program.exe", b"MZ\x90\x00" + b"\x00" * 40),
        ("photo.pdf", PNG),  # a real PNG with the wrong extension
        ("fake.docx", b"PK\x03\x04not really a zip"),
    ],
)
async def test_wrong_type_upload_gets_a_clear_message(client, teacher, check_page, name, content):
    response = await post_multipart(client, "/my-cpd/new", form_data(), {"evidence_file": (name, content, "application/pdf")})
    assert response.status_code == 422
    check_page(response)
    assert "The selected file must be a PDF, PNG, JPEG or Word document (DOCX)" in response.text
    assert 'href="#evidence_file"' in response.text
    assert await CpdRecord.count() == 0


@pytest.mark.parametrize(("name", "content"), [("a.png", PNG), ("b.jpeg", JPEG), ("c.docx", docx())])
async def test_each_accepted_type_is_stored(client, teacher, name, content):
    response = await post_multipart(client, "/my-cpd/new", form_data(), {"evidence_file": (name, content, "x/y")})
    assert response.status_code == 303
    record = await CpdRecord.select().first()
    assert evidence_path(record["evidence_file"]).read_bytes() == content


async def test_oversized_upload_within_the_body_allowance_keeps_the_form(client, teacher, check_page):
    limit = get_settings().upload_max_bytes
    response = await post_multipart(
        client, "/my-cpd/new", form_data(), {"evidence_file": ("big.pdf", PDF + b"0" * limit, "application/pdf")}
    )
    assert response.status_code == 422
    check_page(response)
    assert f"The selected file must be smaller than {limit // (1024 * 1024)}MB" in response.text
    assert "I now plan quieter transitions." in response.text
    assert await CpdRecord.count() == 0


async def test_upload_over_the_request_limit_returns_to_the_form_with_a_clear_message(client, teacher, check_page):
    limit = get_settings().upload_max_bytes
    response = await post_multipart(
        client, "/my-cpd/new", form_data(), {"evidence_file": ("huge.pdf", PDF + b"0" * (limit + 1024 * 1024), "application/pdf")}
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/my-cpd/new?error=file-too-large"
    page = await client.page(response.headers["location"])
    assert f"The selected file must be smaller than {limit // (1024 * 1024)}MB" in page.text
    assert page.text.startswith("<!DOCTYPE html>") and "<title>Error: Log CPD" in page.text
    assert await CpdRecord.count() == 0


async def test_log_requires_csrf_token(client, teacher):
    response = await post_multipart(client, "/my-cpd/new", form_data(), csrf=False)
    assert response.status_code == 403
    assert await CpdRecord.count() == 0


# ---------------------------------------------------------------- change and delete


async def test_change_own_record_and_replace_evidence(client, teacher):
    staff, _, _ = teacher
    record = await add_record(staff.id, evidence_file=("a.pdf", PDF))
    old_file = evidence_path(record.evidence_file)
    page = await client.page(f"/my-cpd/{record.id}/edit")
    assert 'value="Dyslexia basics"' in page.text and 'value="2024"' in page.text
    response = await post_multipart(
        client, f"/my-cpd/{record.id}/edit",
        form_data(title="Dyslexia in depth", hours="4"), {"evidence_file": ("b.png", PNG, "image/png")},
    )
    assert response.status_code == 303
    row = await CpdRecord.select().where(CpdRecord.id == record.id).first()
    assert row["title"] == "Dyslexia in depth" and row["hours"] == 4.0
    assert row["evidence_file"].endswith(".png") and not old_file.exists()
    update = (await audit_entries())[-1]
    assert update["action"] == "update" and update["actor"] == "ada@example.org"
    assert update["before"]["title"] == "Dyslexia basics" and update["after"]["title"] == "Dyslexia in depth"


async def test_remove_evidence(client, teacher):
    staff, _, _ = teacher
    record = await add_record(staff.id, evidence_file=("a.pdf", PDF))
    path = evidence_path(record.evidence_file)
    response = await post_multipart(client, f"/my-cpd/{record.id}/edit", form_data(remove_evidence="yes"))
    assert response.status_code == 303
    assert (await CpdRecord.select().where(CpdRecord.id == record.id).first())["evidence_file"] is None
    assert not path.exists()


async def test_delete_asks_for_confirmation_then_deletes_record_and_file(client, teacher):
    staff, _, _ = teacher
    record = await add_record(staff.id, evidence_file=("a.pdf", PDF))
    path = evidence_path(record.evidence_file)
    page = await client.page(f"/my-cpd/{record.id}/delete")
    assert "Are you sure you want to delete this CPD record?" in page.text
    assert await CpdRecord.count() == 1  # opening the page deletes nothing
    refused = await client.post(f"/my-cpd/{record.id}/delete", csrf=False)
    assert refused.status_code == 403 and await CpdRecord.count() == 1
    response = await client.post(f"/my-cpd/{record.id}/delete")
    assert response.status_code == 303 and response.headers["location"] == "/my-cpd?done=deleted"
    assert await CpdRecord.count() == 0 and not path.exists()
    assert (await audit_entries())[-1]["action"] == "delete"
    assert "The CPD record was deleted" in (await client.page("/my-cpd?done=deleted")).text


async def test_verified_record_cannot_be_changed_or_deleted_and_says_why(client, teacher):
    staff, _, _ = teacher
    record = await add_record(staff.id, status="verified", actor="hr@example.org")
    detail = await client.page(f"/my-cpd/{record.id}")
    assert "you cannot change or delete it" in detail.text
    assert f'href="/my-cpd/{record.id}/edit"' not in detail.text
    for path in (f"/my-cpd/{record.id}/edit", f"/my-cpd/{record.id}/delete"):
        page = await client.page(path, status=403)
        assert "hr@example.org verified" in page.text and "only your school or trust can change it" in page.text
    changed = await post_multipart(client, f"/my-cpd/{record.id}/edit", form_data(title="Changed"))
    assert changed.status_code == 403
    deleted = await client.post(f"/my-cpd/{record.id}/delete")
    assert deleted.status_code == 403
    row = await CpdRecord.select().where(CpdRecord.id == record.id).first()
    assert row["title"] == "Dyslexia basics"


async def test_teacher_cannot_read_or_change_another_persons_cpd(client, teacher, make_staff, make_school):
    _, _, school = teacher
    colleague = await make_staff(school=school)
    theirs = await add_record(colleague.id, title="Private course", evidence_file=("a.pdf", PDF))
    for path in (f"/my-cpd/{theirs.id}", f"/my-cpd/{theirs.id}/edit", f"/my-cpd/{theirs.id}/delete",
                 f"/cpd-records/{theirs.id}/evidence"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert "Private course" not in response.text
    edit = await post_multipart(client, f"/my-cpd/{theirs.id}/edit", form_data(title="Hijacked"))
    assert edit.status_code == 404
    delete = await client.post(f"/my-cpd/{theirs.id}/delete")
    assert delete.status_code == 404
    row = await CpdRecord.select().where(CpdRecord.id == theirs.id).first()
    assert row["title"] == "Private course"
    assert evidence_path(row["evidence_file"]).exists()
    assert len(await audit_entries()) == 1  # only the seed's create


# ---------------------------------------------------------------- evidence download


async def test_evidence_download_headers(client, teacher):
    staff, _, _ = teacher
    record = await add_record(staff.id, evidence_file=("a.pdf", PDF))
    response = await client.get(f"/cpd-records/{record.id}/evidence")
    assert response.status_code == 200
    assert response.content == PDF
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == f'attachment; filename="cpd-evidence-{record.id}.pdf"'
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in response.headers["cache-control"]


async def test_evidence_download_by_school_lead_of_the_person_only(client, other_client, login_as, make_school, make_staff):
    school = await make_school()
    staff = await make_staff(school=school)
    record = await add_record(staff.id, evidence_file=("a.pdf", PDF))
    await login_as("school_lead", school=school)
    assert (await client.get(f"/cpd-records/{record.id}/evidence")).status_code == 200
    await login_as("school_lead", school=await make_school(), client=other_client)
    assert (await other_client.get(f"/cpd-records/{record.id}/evidence")).status_code == 404


async def test_evidence_download_refused_to_analysts(client, login_as, make_school, make_staff):
    staff = await make_staff(school=await make_school())
    record = await add_record(staff.id, evidence_file=("a.pdf", PDF))
    await login_as("dfe_analyst")
    assert (await client.get(f"/cpd-records/{record.id}/evidence")).status_code == 403


# ---------------------------------------------------------------- downloads


async def test_csv_download_is_formula_safe(client, teacher):
    staff, _, _ = teacher
    await add_record(staff.id, title="=HYPERLINK(\"http://evil\")", provider="+44 provider", reflection="@SUM(A1)",
                     evidence_ref="-2+3")
    response = await client.get("/my-cpd/download/csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith('attachment; filename="cpd-record-')
    import csv

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, row = rows[0], rows[1]
    values = dict(zip(header, row))
    assert values["title"] == "'=HYPERLINK(\"http://evil\")"
    assert values["provider"] == "'+44 provider"
    assert values["reflection"] == "'@SUM(A1)"
    assert values["evidence_ref"] == "'-2+3"
    assert values["date"] == "2024-05-01" and values["hours"] == "1.0"
    assert len(rows) == 2


async def test_csv_contains_only_own_records(client, teacher, make_staff, make_school):
    staff, _, _ = teacher
    await add_record(staff.id, title="Mine")
    await add_record((await make_staff(school=await make_school())).id, title="Not mine")
    text = (await client.get("/my-cpd/download/csv")).content.decode("utf-8-sig")
    assert "Mine" in text and "Not mine" not in text


async def test_pdf_download_has_the_records(client, teacher, tmp_path):
    staff, _, _ = teacher
    await add_record(staff.id, title="Makaton signing", hours=3, activity_date=dt.date(2025, 3, 14))
    await add_record(staff.id, title="Attachment aware schools", hours=1.5, activity_date=dt.date(2023, 11, 2))
    response = await client.get("/my-cpd/download/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].endswith('.pdf"')
    assert response.content.startswith(b"%PDF-")
    path = tmp_path / "record.pdf"
    path.write_bytes(response.content)
    result = await anyio.run_process(["pdftotext", "-layout", str(path), "-"], check=True)
    text = result.stdout.decode()
    assert "CPD record: Ada Lovelace" in text
    assert "Makaton signing" in text and "Attachment aware schools" in text
    assert "14 March 2025" in text and "Academic year 2024/25" in text and "Academic year 2023/24" in text
    assert "4.5 hours in all" in text


# ---------------------------------------------------------------- what I still owe


async def test_requirements_page_shows_senco_deadline_with_reason_and_due_date(client, login_as, make_school, make_staff):
    from workforce.standards.dates import add_years, format_date

    school = await make_school(name="Oak Academy", scope_group="mainstream-academy", number_of_pupils=300)
    appointed = add_years(dt.date.today(), -4)
    senco = await make_staff(school=school, role="senco", start_date=appointed, first_name="Grace", last_name="Hopper")
    await login_as("teacher", staff=senco)
    page = await client.page("/my-cpd/requirements")
    owed = page.text.split('id="owed-heading"')[1].split('id="met-heading"')[0]
    assert "The SENCO holds the mandatory SENCO qualification within 3 years of appointment" in owed
    assert format_date(add_years(appointed, 3)) in owed
    assert "Grace Hopper" in owed or "G Hopper" in owed  # the engine's reason names the person
    assert "Required by law" in owed
    assert "Oak Academy" in page.text


async def test_requirements_page_shows_met_cpd_requirement(client, login_as, make_school, make_staff):
    school = await make_school(scope_group="mainstream-academy", number_of_pupils=300)
    staff = await make_staff(school=school, role="teacher")
    await add_record(staff.id, activity_date=dt.date.today(), status="verified")
    await login_as("teacher", staff=staff)
    page = await client.page("/my-cpd/requirements")
    met = page.text.split('id="met-heading"')[1]
    assert "Annual SEND CPD for every teacher and teaching assistant" in met
    assert "Proposed national standard (not yet law)" in met
    assert "Nothing: you meet every requirement" in page.text


async def test_requirements_page_without_a_post(client, teacher):
    # The fixture's school is out of scope of the standards: nothing applies.
    page = await client.page("/my-cpd/requirements")
    assert "Nothing: you meet every requirement" in page.text

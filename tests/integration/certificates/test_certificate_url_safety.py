"""URL fetcher safety, end to end: nothing in a document or in the data can make the renderer fetch anything.

A local listener stands in for any server: it must receive no request at all.
"""

from __future__ import annotations

import pytest
from certificate_helpers import SCHOOL_FINDINGS, Listener, make_school, make_snapshot, pdftotext, squash

from workforce.certificates import rendering
from workforce.certificates.services import certificate_issue, certificate_pdf


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


def page(body: str, head: str = "") -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
        f"{head}</head><body><p>Text</p>{body}</body></html>"
    )


def attacks(port: int) -> dict[str, str]:
    url = f"http://127.0.0.1:{port}"
    return {
        "img http": page(f'<img src="{url}/img" alt="x">'),
        "img file": page('<img src="file:///etc/passwd" alt="x">'),
        "stylesheet http": page("", f'<link rel="stylesheet" href="{url}/style.css">'),
        "css import": page("", f"<style>@import url({url}/import.css);</style>"),
        "css background": page(f'<div style="background: url({url}/bg.png); height: 10px"></div>'),
        "css font-face": page(
            "",
            f"<style>@font-face {{ font-family: X; src: url({url}/f.ttf); }}"
            "body { font-family: X }</style>",
        ),
        "object": page(f'<object data="{url}/object.svg" type="image/svg+xml"></object>'),
        "attachment file": page("", '<link rel="attachment" href="file:///etc/passwd">'),
        "attachment http": page("", f'<link rel="attachment" href="{url}/attach">'),
        "data url": page('<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E">'),
        "svg image": page(
            f'<svg width="10" height="10"><image href="{url}/svgimg.png" width="10" height="10"/></svg>'
        ),
        "file outside via ..": page(f'<img src="{rendering.FONTS_DIR.as_uri()}/../rendering.py">'),
    }


def test_the_listener_would_see_an_unrestricted_render(listener):
    """Control: WeasyPrint's default fetcher does reach the listener, so the next test can fail."""
    from weasyprint import HTML

    HTML(string=attacks(listener.port)["img http"]).write_pdf()
    assert listener.requests, "the listener should have received the unrestricted request"
    assert listener.requests[0].startswith(b"GET /img")


@pytest.mark.parametrize("name", list(attacks(1)))
def test_restricted_fetcher_refuses_and_nothing_is_fetched(listener, name):
    html = attacks(listener.port)[name]
    with pytest.raises(rendering.CertificateRenderError, match="refused"):
        rendering.render_pdf(html)
    assert listener.requests == []


async def test_markup_in_a_school_name_is_printed_not_fetched(listener):
    name = (
        f'Evil <img src="http://127.0.0.1:{listener.port}/x"> '
        '<img src="file:///etc/passwd"> <link rel="attachment" href="file:///etc/passwd"> School'
    )
    await make_school(name=name)
    findings = [
        dict(f, reason=f["reason"] + f' <img src="http://127.0.0.1:{listener.port}/reason">')
        for f in SCHOOL_FINDINGS
    ]
    snapshot_id = await make_snapshot(findings)
    cert = await certificate_issue(snapshot_id=snapshot_id, actor="test")
    pdf = await certificate_pdf(cert.code)
    assert listener.requests == []
    text = squash(pdftotext(pdf))
    assert f'Evil <img src="http://127.0.0.1:{listener.port}/x"> <img src="file:///etc/passwd">' in text
    assert "root:x:0:0" not in text  # /etc/passwd's first line
    assert b"root:x:0:0" not in pdf
    assert f'<img src="http://127.0.0.1:{listener.port}/reason">' in text

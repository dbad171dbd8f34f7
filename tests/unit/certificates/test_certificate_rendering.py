"""PDF rendering: the restricted URL fetcher, the bundled font, tagging, embedded metadata, fast subsetting.

The end-to-end proof that nothing is fetched (a local listener) is in
tests/integration/certificates/test_certificate_url_safety.py."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from workforce.certificates import rendering


def page(body: str, head: str = "") -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>t</title>'
        f"{head}</head><body><p>Text</p>{body}</body></html>"
    )


def test_fetcher_serves_packaged_files_only(tmp_path):
    fetcher = rendering.packaged_files_fetcher()
    font = rendering.FONTS_DIR / "Lato-Regular.ttf"
    response = fetcher.fetch(font.as_uri())
    assert response.read() == font.read_bytes()
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/x",
        "https://example.org/x",
        "ftp://x/y",
        "data:text/plain,hello",
        f"{rendering.FONTS_DIR.as_uri()}/../signing.py",
        f"file://otherhost{font}",
        f"{rendering.FONTS_DIR.as_uri()}/missing.ttf",
    ):
        with pytest.raises(fetcher.RefusedURL):
            fetcher.fetch(url)
    assert "file:///etc/passwd" in fetcher.refused

    # A symbolic link inside an allowed folder that points outside it is refused too.
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "ok.txt").write_text("fine")
    (allowed / "link").symlink_to("/etc/passwd")
    confined = rendering.packaged_files_fetcher(roots=(allowed.resolve(),))
    assert confined.fetch((allowed / "ok.txt").as_uri()).read() == b"fine"
    with pytest.raises(confined.RefusedURL):
        confined.fetch((allowed / "link").as_uri())


def _pdf_tool(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    return subprocess.run([tool, *args, str(path)], capture_output=True, check=True, text=True).stdout


def test_bundled_font_is_embedded_and_pdf_is_tagged_a4(tmp_path):
    html = page(
        "<p>Ünïcode and bold <b>text</b></p>",
        "<style>@font-face { font-family: Bundled; "
        'src: url("Lato-Regular.ttf"); } @font-face { font-family: Bundled; font-weight: 700; '
        'src: url("Lato-Bold.ttf"); } @page { size: A4 } body { font-family: Bundled }</style>',
    )
    pdf = rendering.render_pdf(html)
    fonts = _pdf_tool("pdffonts", pdf, tmp_path)
    # Fonts loaded from @font-face are named after their CSS family; a fallback would be a system font.
    embedded = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]]
    assert sorted(embedded) == ["Bundled", "Bundled-Bold"], fonts
    info = _pdf_tool("pdfinfo", pdf, tmp_path)
    assert "Tagged:          yes" in info
    assert "595.276 x 841.89 pts (A4)" in info


def test_embedded_metadata_is_read_back(tmp_path):
    head = "".join(
        f'<meta name="{name}" content="{value}">'
        for name, value in (
            (rendering.META_CODE, "SWC-7K3M-Q9TD-XH4P"),
            (rendering.META_SIGNATURE, "c2lnbmF0dXJl+/=="),
            (rendering.META_PAYLOAD, "eyJ2IjoxfQ=="),
            (rendering.META_KEY_ID, "0123456789abcdef"),
        )
    )
    pdf = rendering.render_pdf(page("", head))
    assert rendering.read_embedded_metadata(pdf) == {
        rendering.META_CODE: "SWC-7K3M-Q9TD-XH4P",
        rendering.META_SIGNATURE: "c2lnbmF0dXJl+/==",
        rendering.META_PAYLOAD: "eyJ2IjoxfQ==",
        rendering.META_KEY_ID: "0123456789abcdef",
    }
    # Standard PDF readers see the same entries in the document information dictionary.
    custom = _pdf_tool("pdfinfo", pdf, tmp_path, "-custom")
    assert "sendworkforcecertificate:SWC-7K3M-Q9TD-XH4P" in custom.replace(" ", "")
    assert rendering.read_embedded_metadata(rendering.render_pdf(page(""))) == {}


def test_qr_code_is_inline_svg_without_colour():
    svg = rendering.qr_svg("http://127.0.0.1:8000/verify/SWC-7K3M-Q9TD-XH4P", title="QR code")
    assert svg.startswith("<svg") and "<title>QR code</title>" in svg
    assert 'stroke="#000"' in svg and "fill" not in svg.split(">", 1)[0].replace('fill="none"', "")


def test_libharfbuzz_subset_is_installed_for_fast_font_subsetting():
    """Debian's libharfbuzz-subset0 (system-packages.txt); without it WeasyPrint is 2.5-4x slower."""
    listed = (Path(__file__).resolve().parents[3] / "system-packages.txt").read_text().split()
    assert "libharfbuzz-subset0" in listed
    assert rendering.fast_font_subsetting(), "install libharfbuzz-subset0 (scripts/install-system-packages)"

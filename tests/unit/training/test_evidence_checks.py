"""Evidence uploads are judged by their bytes, not their names, and stored names cannot escape the folder."""

from __future__ import annotations

import io
import zipfile

import pytest

from workforce.training.evidence import (
    EMPTY_MESSAGE,
    TYPES_MESSAGE,
    EvidenceError,
    EvidenceFile,
    evidence_check,
    evidence_path,
    size_limit_message,
    sniff_kind,
)


def zip_with(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "x")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n", "pdf"),
        (b"\x89PNG\r\n\x1a\nrest", "png"),
        (b"\xff\xd8\xff\xdb", "jpeg"),
        (zip_with("[Content_Types].xml", "word/document.xml"), "docx"),
        (zip_with("[Content_Types].xml", "xl/workbook.xml"), None),  # a spreadsheet is not a Word document
        (zip_with("evil.sh"), None),
        (b"PK\x03\x04garbage", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_sniff_kind(content, kind):
    assert sniff_kind(content) == kind


@pytest.mark.parametrize(
    ("name", "content", "stored"),
    [
        ("Certificate.PDF", b"%PDF-1.4", "pdf"),
        ("scan.jpeg", b"\xff\xd8\xff\xe0", "jpg"),
        ("scan.jpg", b"\xff\xd8\xff\xe0", "jpg"),
        ("notes.docx", zip_with("[Content_Types].xml", "word/document.xml"), "docx"),
    ],
)
def test_accepted(name, content, stored):
    assert evidence_check(EvidenceFile(name, content), max_bytes=1000) == stored


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.pdf", b"", EMPTY_MESSAGE),
        ("a.pdf", b"%PDF-" + b"0" * 2000, "The selected file must be smaller than 1000 bytes"),
        ("a.pdf", b"<html>", TYPES_MESSAGE),
        ("a.png", b"%PDF-1.4", TYPES_MESSAGE),  # content and extension disagree
        ("a", b"%PDF-1.4", TYPES_MESSAGE),
        ("a.html", b"%PDF-1.4", TYPES_MESSAGE),
    ],
)
def test_refused(name, content, message):
    with pytest.raises(EvidenceError) as caught:
        evidence_check(EvidenceFile(name, content), max_bytes=1000)
    assert str(caught.value) == message


def test_size_message_units():
    assert size_limit_message(10 * 1024 * 1024) == "The selected file must be smaller than 10MB"
    assert size_limit_message(512 * 1024) == "The selected file must be smaller than 512KB"


@pytest.mark.parametrize("name", ["../../etc/passwd", "a.pdf", "0" * 32 + ".exe", "0" * 32 + ".pdf/../x", ""])
def test_stored_names_are_checked(name):
    with pytest.raises(ValueError):
        evidence_path(name)


def test_a_stored_name_is_inside_the_evidence_folder():
    path = evidence_path("0123456789abcdef" * 2 + ".pdf")
    assert path.parent.name == "evidence"

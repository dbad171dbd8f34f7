"""CPD evidence files: checked by content, stored outside the web root under random names, read back safely.

Accepted types are PDF, PNG, JPEG and Word (DOCX). The type is decided by the file's first bytes (and, for
DOCX, by the parts inside the zip), and the file name's extension must agree with it: a renamed
executable or an HTML page called ``notes.pdf`` is refused. Files are kept in
``<settings.upload_dir>/evidence/`` as ``<32 random hex>.<ext>`` (mode 0600); the database keeps only that
stored name, which is checked against a strict pattern before any file is opened, so a stored value can
never point outside the folder.
"""

from __future__ import annotations

import io
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

import anyio.to_thread

from workforce.config import get_settings

EVIDENCE_FOLDER = "evidence"

# kind -> (extensions accepted in the uploaded name, stored extension, media type, label)
EVIDENCE_TYPES: dict[str, tuple[tuple[str, ...], str, str]] = {
    "pdf": ((".pdf",), "pdf", "application/pdf"),
    "png": ((".png",), "png", "image/png"),
    "jpeg": ((".jpg", ".jpeg"), "jpg", "image/jpeg"),
    "docx": (
        (".docx",),
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
}
ACCEPT_ATTRIBUTE = ".pdf,.png,.jpg,.jpeg,.docx"
TYPES_MESSAGE = "The selected file must be a PDF, PNG, JPEG or Word document (DOCX)"
EMPTY_MESSAGE = "The selected file is empty"

_STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(pdf|png|jpg|docx)$")
_MEDIA_BY_STORED_EXT = {stored: media for _, stored, media in EVIDENCE_TYPES.values()}


class EvidenceError(ValueError):
    """An uploaded file that cannot be kept; the message is fit to show under the file input."""


@dataclass(frozen=True)
class EvidenceFile:
    """An uploaded evidence file as received: the name the browser gave and its bytes."""

    filename: str
    content: bytes


def size_limit_message(limit: int | None = None) -> str:
    limit = get_settings().upload_max_bytes if limit is None else limit
    if limit >= 1024 * 1024:
        size = f"{limit / (1024 * 1024):g}MB"
    elif limit >= 1024:
        size = f"{limit / 1024:g}KB"
    else:
        size = f"{limit} bytes"
    return f"The selected file must be smaller than {size}"


def _is_docx(content: bytes) -> bool:
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())  # the central directory only: nothing is decompressed
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and "word/document.xml" in names


def sniff_kind(content: bytes) -> str | None:
    """The evidence type the bytes really are (``pdf``, ``png``, ``jpeg``, ``docx``), or None."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if _is_docx(content):
        return "docx"
    return None


def evidence_check(upload: EvidenceFile, *, max_bytes: int | None = None) -> str:
    """The stored extension for an acceptable upload; raises EvidenceError with a GOV.UK message otherwise."""
    limit = get_settings().upload_max_bytes if max_bytes is None else max_bytes
    if len(upload.content) == 0:
        raise EvidenceError(EMPTY_MESSAGE)
    if len(upload.content) > limit:
        raise EvidenceError(size_limit_message(limit))
    kind = sniff_kind(upload.content)
    extension = Path(upload.filename or "").suffix.lower()
    if kind is None or extension not in EVIDENCE_TYPES[kind][0]:
        raise EvidenceError(TYPES_MESSAGE)
    return EVIDENCE_TYPES[kind][1]


def evidence_dir() -> Path:
    return get_settings().upload_dir / EVIDENCE_FOLDER


def evidence_path(stored_name: str) -> Path:
    """Where a stored evidence file lives; ValueError for anything that is not a stored name we issued."""
    if not _STORED_NAME.match(stored_name or ""):
        raise ValueError("not an evidence file name")
    return evidence_dir() / stored_name


def evidence_media_type(stored_name: str) -> str:
    evidence_path(stored_name)
    return _MEDIA_BY_STORED_EXT[stored_name.rsplit(".", 1)[1]]


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.part")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


async def evidence_store(upload: EvidenceFile) -> str:
    """Check and save an upload; returns its stored name (raises EvidenceError when it is refused)."""
    extension = evidence_check(upload)
    stored_name = f"{secrets.token_hex(16)}.{extension}"
    await anyio.to_thread.run_sync(_write, evidence_path(stored_name), upload.content)
    return stored_name


async def evidence_read(stored_name: str) -> bytes:
    """The bytes of a stored file (FileNotFoundError if it has gone, ValueError for a bad name)."""
    path = evidence_path(stored_name)
    return await anyio.to_thread.run_sync(path.read_bytes)


def evidence_remove(stored_name: str | None) -> None:
    """Delete a stored file if it exists (a missing file or empty name is not an error)."""
    if not stored_name:
        return
    try:
        evidence_path(stored_name).unlink(missing_ok=True)
    except ValueError:
        return

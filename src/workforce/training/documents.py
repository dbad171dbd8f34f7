"""A person's CPD record as a download: CSV (through the shared formula-safe writer) and PDF.

The PDF is rendered by the certificates' WeasyPrint worker (``workforce.certificates.rendering``: same
restricted URL fetcher, bundled font and worker process), from ``templates/training/pdf/cpd_record.html``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from litestar import Response

from workforce.certificates.rendering import render_html, render_pdf_async
from workforce.csv_export import csv_response
from workforce.people.tables import StaffMember
from workforce.standards.dates import academic_year, format_date
from workforce.training.selectors import cpd_records_for_staff

CPD_CSV_COLUMNS = (
    "date",
    "academic_year",
    "title",
    "provider",
    "hours",
    "send",
    "send_area",
    "mandatory_module",
    "status",
    "verified_by",
    "verified_on",
    "evidence_ref",
    "evidence_file",
    "reflection",
)
PDF_TEMPLATE = "training/pdf/cpd_record.html"

SEND_AREA_LABELS = {
    "general": "General SEND practice",
    "communication-and-interaction": "Communication and interaction",
    "cognition-and-learning": "Cognition and learning",
    "social-emotional-and-mental-health": "Social, emotional and mental health",
    "sensory-and-physical": "Sensory and/or physical needs",
}


@dataclass(frozen=True)
class CpdDocument:
    staff: dict[str, Any]
    records: list[dict[str, Any]]
    generated_on: dt.date

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.staff["first_name"], self.staff["last_name"]) if p)

    @property
    def total_hours(self) -> float:
        return round(sum(r["hours"] or 0 for r in self.records), 2)

    @property
    def years(self) -> list[tuple[str, list[dict[str, Any]], float]]:
        """(academic year label, its records, its hours), newest year first."""
        by_year: dict[str, list[dict[str, Any]]] = {}
        for record in self.records:
            by_year.setdefault(academic_year(record["activity_date"]).label, []).append(record)
        return [(label, rows, round(sum(r["hours"] or 0 for r in rows), 2)) for label, rows in by_year.items()]

    @property
    def filename_stem(self) -> str:
        ref = "".join(ch for ch in str(self.staff["staff_ref"]) if ch.isalnum() or ch in "-_") or "staff"
        return f"cpd-record-{ref}-{self.generated_on.isoformat()}"


async def cpd_document(staff_id: int, *, today: dt.date | None = None) -> CpdDocument:
    staff = await StaffMember.select(
        StaffMember.id, StaffMember.staff_ref, StaffMember.trn, StaffMember.first_name, StaffMember.last_name
    ).where(StaffMember.id == staff_id).first()
    if staff is None:
        raise LookupError(f"no member of staff with id {staff_id}")
    return CpdDocument(
        staff=staff, records=await cpd_records_for_staff(staff_id), generated_on=today or dt.date.today()
    )


def cpd_csv_rows(document: CpdDocument) -> list[list[Any]]:
    """One row per CPD record (newest first), in ``CPD_CSV_COLUMNS`` order."""
    return [
        [
            r["activity_date"],
            academic_year(r["activity_date"]).label,
            r["title"],
            r["provider"],
            r["hours"],
            bool(r["is_send"]),
            r["send_area"],
            bool(r["mandatory_module"]),
            r["status"],
            r["verified_by"],
            r["verified_at"].date() if r["verified_at"] else None,
            r["evidence_ref"],
            bool(r["evidence_file"]),
            r["reflection"],
        ]
        for r in document.records
    ]


def cpd_csv_response(document: CpdDocument) -> Response:
    """The CSV download (the shared writer makes every cell safe to open in a spreadsheet)."""
    return csv_response(
        filename=f"{document.filename_stem}.csv", header=CPD_CSV_COLUMNS, rows=cpd_csv_rows(document)
    )


async def cpd_pdf(document: CpdDocument) -> bytes:
    """The CPD record as a PDF (rendered off the event loop)."""
    html = render_html(
        {
            "doc": document,
            "area_labels": SEND_AREA_LABELS,
            "format_date": format_date,
        },
        template=PDF_TEMPLATE,
    )
    return await render_pdf_async(html)


async def cpd_pdf_response(document: CpdDocument) -> Response:
    """The PDF download (attachment, never cached)."""
    return Response(
        content=await cpd_pdf(document),
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{document.filename_stem}.pdf"',
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )

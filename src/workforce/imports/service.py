"""The import service: what the CLI, the web upload page and the demo seed call.

    report = await import_file("staff", path_or_bytes, actor="hr@trust.example", dry_run=False)
    if not report.applied: show report.error_lines()

One call reads the whole file, validates every row and either applies all of it in one transaction or
nothing (see ``workforce.imports.base`` for the pipeline).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from workforce.compliance.summaries import records_changed
from workforce.imports.base import Importer, Progress, run_import
from workforce.imports.gias import GiasImporter, file_date
from workforce.imports.governance import GovernanceImporter
from workforce.imports.report import ImportReport
from workforce.imports.staff import StaffImporter
from workforce.imports.training import CpdImporter, PlacementsImporter, QualificationsImporter

IMPORTERS: dict[str, type[Importer]] = {
    importer.kind: importer
    for importer in (
        GiasImporter,
        StaffImporter,
        QualificationsImporter,
        CpdImporter,
        PlacementsImporter,
        GovernanceImporter,
    )
}
KINDS = tuple(IMPORTERS)
HR_KINDS = tuple(kind for kind in KINDS if kind != "gias")


class UnknownImportKind(ValueError):
    pass


async def import_file(
    kind: str,
    source: Path | str | bytes,
    *,
    actor: str,
    dry_run: bool = False,
    progress: Progress | None = None,
    as_of: dt.date | None = None,
) -> ImportReport:
    """Validate and (unless ``dry_run``, and only if every row is good) apply one import file.

    ``kind``: one of ``KINDS`` (gias, staff, qualifications, cpd, placements, governance).
    ``source``: a path, or the uploaded bytes. ``actor``: who is importing, recorded on every audit entry
    (a user's email, or ``cli:import staff``). ``progress(bytes_read, total_bytes)`` is called as the file is
    read. ``as_of`` (GIAS only): the date trust memberships change on; default the YYYYMMDD date in the file
    name, else today.
    """
    importer_class = IMPORTERS.get(kind)
    if importer_class is None:
        raise UnknownImportKind(f"unknown import {kind!r}; expected one of: {', '.join(KINDS)}")
    if not actor:
        raise ValueError("actor is required: every change to people's records names who made it")
    report = ImportReport(kind=kind, dry_run=dry_run)
    options = {"as_of": file_date(source, as_of)} if kind == "gias" else {}
    importer = importer_class(report, actor=actor, now=dt.datetime.now(dt.UTC), **options)
    report = await run_import(importer, source, progress)
    if report.applied:  # an import can touch any school's records: every stored school summary is out of date
        await records_changed(everywhere=True)
    return report


async def gias_import(
    source: Path | str | bytes, *, actor: str = "cli:import gias", **kwargs
) -> ImportReport:
    return await import_file("gias", source, actor=actor, **kwargs)


async def staff_import(source: Path | str | bytes, *, actor: str, **kwargs) -> ImportReport:
    return await import_file("staff", source, actor=actor, **kwargs)


async def qualifications_import(source: Path | str | bytes, *, actor: str, **kwargs) -> ImportReport:
    return await import_file("qualifications", source, actor=actor, **kwargs)


async def cpd_import(source: Path | str | bytes, *, actor: str, **kwargs) -> ImportReport:
    return await import_file("cpd", source, actor=actor, **kwargs)


async def placements_import(source: Path | str | bytes, *, actor: str, **kwargs) -> ImportReport:
    return await import_file("placements", source, actor=actor, **kwargs)


async def governance_import(source: Path | str | bytes, *, actor: str, **kwargs) -> ImportReport:
    return await import_file("governance", source, actor=actor, **kwargs)

"""`workforce import gias|staff|qualifications|cpd|placements|governance FILE`.

A thin layer over ``workforce.imports.service.import_file``: it prints the summary on stdout, one line
per problem on stderr, exits 1 when the file was rejected, and shows a progress bar for large files.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

PROGRESS_FROM_BYTES = 1 << 20  # files from 1 MiB get a progress bar (unless --no-progress)


@click.group(name="import")
def import_group() -> None:
    """Import GIAS establishments or the trust HR lead's CSV files (formats: docs/formats.md)."""


def _run(kind: str, file: Path, dry_run: bool, show_progress: bool | None, as_of: dt.date | None) -> None:
    from workforce.cli import run_async
    from workforce.imports.service import import_file

    size = file.stat().st_size
    if show_progress is None:
        show_progress = size >= PROGRESS_FROM_BYTES
    actor = f"cli:import {kind}"
    if show_progress:
        with click.progressbar(length=size, label=f"Importing {file.name}", file=sys.stderr) as bar:
            done = 0

            def progress(bytes_read: int, total: int) -> None:
                nonlocal done
                bar.update(bytes_read - done)
                done = bytes_read

            report = run_async(
                import_file(kind, file, actor=actor, dry_run=dry_run, progress=progress, as_of=as_of)
            )
    else:
        report = run_async(import_file(kind, file, actor=actor, dry_run=dry_run, as_of=as_of))
    if not report.ok:
        for line in report.error_lines():
            click.echo(line, err=True)
        click.echo(report.summary(), err=True)
        sys.exit(1)
    click.echo(report.summary())


def _command(kind: str, help_text: str, *, gias: bool = False) -> click.Command:
    @click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Check the file and count the changes; write nothing.")
    @click.option("--progress/--no-progress", "show_progress", default=None, help="Show a progress bar.")
    def command(
        file: Path, dry_run: bool, show_progress: bool | None, as_of: dt.datetime | None = None
    ) -> None:
        _run(kind, file, dry_run, show_progress, as_of.date() if as_of else None)

    if gias:
        command = click.option(
            "--as-of",
            type=click.DateTime(formats=["%Y-%m-%d"]),
            default=None,
            help="Date trust memberships change on (default: YYYYMMDD in the file name, else today).",
        )(command)
    return click.command(name=kind, help=help_text)(command)


for _kind, _help in (
    (
        "gias",
        "Import a GIAS establishment extract: regions, local authorities, schools, trusts, memberships.",
    ),
    ("staff", "Import staff: one row per employment (staff id, names, TRN, school or trust, role, ...)."),
    ("qualifications", "Import qualifications (NPQ for SENCOs, NASENCO, NPQH, MQs ...) of existing staff."),
    ("cpd", "Import CPD records of existing staff."),
    ("placements", "Import ITT/ECF placements of existing staff."),
    ("governance", "Import governors and trustees, with their SEND responsibility."),
):
    import_group.add_command(_command(_kind, _help, gias=_kind == "gias"))

commands = [import_group]

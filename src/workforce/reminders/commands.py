"""`workforce reminders send`: email each lead and member of staff what is due soon (see services)."""

from __future__ import annotations

import datetime as dt

import click

from workforce.cli import run_async


@click.group()
def reminders() -> None:
    """Reminders of what is due soon."""


@reminders.command("send")
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Judge what is due soon on this date (YYYY-MM-DD; default today).",
)
@click.option("--dry-run", is_flag=True, help="Show who would get what, without sending or recording anything.")
def send(as_of: dt.datetime | None, dry_run: bool) -> None:
    """Email a digest of items due soon to each recipient, at most once per item a month."""
    from workforce.reminders.services import reminders_send

    report = run_async(reminders_send(as_of=as_of.date() if as_of else None, dry_run=dry_run))
    verb = "Would send" if dry_run else "Sent"
    for digest in report.digests:
        click.echo(f"{verb} {len(digest.items)} item(s) to {digest.recipient} ({digest.scope_label})")
    emails = "email" if report.emails_sent == 1 else "emails"
    click.echo(
        f"{verb} {report.emails_sent} {emails} with {report.items_sent} item(s) for {report.period}; "
        f"{report.items_already_sent} item(s) already sent this period were skipped."
    )
    for recipient, error in report.failures:
        click.echo(f"Not sent to {recipient}: {error}", err=True)
    if report.failures:
        raise SystemExit(1)


commands = [reminders]

"""`workforce standards list|show` and `workforce evaluate`: the standards and the engine from the command line.

Gaps are findings, not errors: `evaluate` exits 0 whatever it finds. An unknown standard, school, trust
or parameter exits 1 with one line saying what was wrong.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys

import click

from workforce.standards import (
    StandardError,
    apply_overrides,
    format_date,
    list_standards,
    load_standard,
    params_json,
    parse_override_assignments,
    summarise,
)
from workforce.standards.dates import parse_iso_date

CSV_COLUMNS = ("rule", "subject", "urn", "trust_uid", "person_id", "outcome", "basis", "due", "reason")


def _fail(message: str) -> click.ClickException:
    return click.ClickException(message.replace("\n", " "))


@click.group("standards")
def standards() -> None:
    """The standards the workforce is checked against (the files in standards/)."""


@standards.command("list")
def standards_list() -> None:
    """List the standards: id, version, status, number of rules and title."""
    try:
        found = list_standards()
    except StandardError as exc:
        raise _fail(str(exc)) from None
    rows = [("ID", "VERSION", "STATUS", "RULES", "TITLE")]
    rows += [(s.id, s.version, s.status, str(len(s.rules)), s.title) for s in found]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row[:4], widths, strict=True)) + "  " + row[4])


@standards.command("show")
@click.argument("standard_id")
def standards_show(standard_id: str) -> None:
    """Show a standard: its sources, and each rule with its basis, scope and parameters."""
    try:
        standard = load_standard(standard_id)
    except StandardError as exc:
        raise _fail(str(exc)) from None
    click.echo(f"{standard.title}")
    click.echo(f"id {standard.id}, version {standard.version}, {standard.status}")
    if standard.extends:
        click.echo(f"includes every rule of {standard.extends}")
    if standard.summary:
        click.echo("")
        click.echo(standard.summary)
    click.echo("")
    click.echo("Sources:")
    for source in standard.sources:
        click.echo(f"  - {source.title}" + (f" <{source.url}>" if source.url else ""))
    for number, rule in enumerate(standard.rules, start=1):
        click.echo("")
        click.echo(f"{number}. {rule.id}: {rule.title}")
        click.echo(f"   basis: {rule.basis}" + (f" ({rule.source})" if rule.source else ""))
        if rule.scope.required:
            click.echo(f"   required for: {', '.join(rule.scope.required)}")
        if rule.scope.advisory:
            click.echo(f"   advisory for: {', '.join(rule.scope.advisory)}")
        for group, reason in rule.scope.not_applicable.items():
            click.echo(f"   not applicable to {group}: {reason}")
        for name, value in params_json(rule).items():
            click.echo(f"   {rule.id}.{name} = {json.dumps(value)}")


def _render_table(standard, findings, as_of: dt.date, scope_text: str) -> str:
    out = [f"{standard.title} (version {standard.version}), {scope_text}, as of {format_date(as_of)}"]
    if standard.overrides:
        out.append("What-if: " + ", ".join(f"{k}={json.dumps(v)}" for k, v in standard.overrides.items()))
    counts = summarise(findings)
    for rule in standard.rules:
        rule_findings = [f for f in findings if f.rule == rule.id]
        if not rule_findings:
            continue
        tally = ", ".join(f"{n} {outcome}" for outcome, n in counts[rule.id].items() if n)
        out.append("")
        out.append(f"{rule.id} [{rule.basis}]: {rule.title} ({tally})")
        for f in rule_findings:
            where = f"URN {f.urn}" if f.urn is not None else f"trust {f.trust_uid}"
            who = f" person {f.person_id}" if f.person_id is not None else ""
            due = f" (due {format_date(f.due)})" if f.due else ""
            out.append(f"  {f.outcome.upper():<15}{where}{who}{due}: {f.reason}")
    gaps = sum(1 for f in findings if f.outcome == "gap")
    due_soon = sum(1 for f in findings if f.outcome == "due-soon")
    out.append("")
    out.append(f"{len(findings)} findings: {gaps} gaps, {due_soon} due soon.")
    return "\n".join(out)


def _render_csv(findings) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for f in findings:
        data = f.to_json()
        writer.writerow(["" if data[c] is None else data[c] for c in CSV_COLUMNS])
    return buffer.getvalue()


@click.command("evaluate")
@click.option("--standard", "standard_id", required=True, metavar="ID", help="The standard, e.g. proposed-2025.")
@click.option("--as-of", "as_of_text", metavar="YYYY-MM-DD", help="The date to judge on (default: today).")
@click.option("--school", "school_urn", type=int, metavar="URN", help="One school (default: the whole country).")
@click.option("--trust", "trust_uid", metavar="UID", help="One trust, by GIAS group UID.")
@click.option(
    "--set",
    "assignments",
    multiple=True,
    metavar="RULE.PARAM=VALUE",
    help="What-if: override a parameter of the standard, e.g. senco-capacity.min_fte_per_100_sen=0.6 (repeatable).",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option("--save", is_flag=True, help="Save the result as a dated snapshot (for certificates and trends).")
def evaluate_command(
    standard_id: str,
    as_of_text: str | None,
    school_urn: int | None,
    trust_uid: str | None,
    assignments: tuple[str, ...],
    fmt: str,
    save: bool,
) -> None:
    """Judge a school, a trust or the whole country against a standard and print the findings.

    Gaps are reported, not treated as errors: the command exits 0 whatever it finds.
    """
    from workforce.cli import run_async
    from workforce.compliance.evaluation import evaluate_scope, scope_of
    from workforce.compliance.facts import ScopeError
    from workforce.compliance.snapshots import snapshot_create

    if school_urn is not None and trust_uid is not None:
        raise _fail("give --school or --trust, not both")
    try:
        as_of = parse_iso_date(as_of_text) if as_of_text else dt.date.today()
    except ValueError as exc:
        raise _fail(f"--as-of: {exc}") from None
    try:
        overrides = parse_override_assignments(list(assignments))
        apply_overrides(load_standard(standard_id), overrides)  # fail fast, before any query
    except StandardError as exc:
        raise _fail(str(exc)) from None
    scope, scope_ref = scope_of(school_urn=school_urn, trust_uid=trust_uid)

    async def work():
        standard, findings = await evaluate_scope(
            standard_id=standard_id, as_of=as_of, school_urn=school_urn, trust_uid=trust_uid, overrides=overrides
        )
        snapshot = None
        if save:
            snapshot = await snapshot_create(
                standard=standard,
                as_of=as_of,
                findings=findings,
                scope=scope,
                scope_ref=scope_ref,
                params=standard.overrides,
                actor="cli:evaluate",
            )
        return standard, findings, snapshot

    try:
        standard, findings, snapshot = run_async(work())
    except ScopeError as exc:
        raise _fail(str(exc)) from None

    if fmt == "json":
        document = {
            "standard": standard.id,
            "title": standard.title,
            "version": standard.version,
            "status": standard.status,
            "as_of": as_of.isoformat(),
            "scope": {"kind": scope, "ref": scope_ref},
            "params": standard.overrides,
            "summary": summarise(findings),
            "findings": [f.to_json() for f in findings],
            "snapshot": {"id": snapshot.id, "content_hash": snapshot.content_hash} if snapshot else None,
        }
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(_render_csv(findings), nl=False)
    else:
        scope_text = {"national": "all schools", "trust": f"trust {scope_ref}", "school": f"school {scope_ref}"}[scope]
        click.echo(_render_table(standard, findings, as_of, scope_text))
    if snapshot is not None:
        click.echo(f"Saved snapshot {snapshot.id} (sha256 {snapshot.content_hash}).", err=True)
    sys.stdout.flush()


commands = [standards, evaluate_command]

"""`workforce users ...`: create the first accounts of a fresh install without a web form."""

from __future__ import annotations

import sys

import click

from workforce.cli import run_async
from workforce.people import accounts


@click.group()
def users() -> None:
    """Manage the accounts that can sign in."""


@users.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(accounts.ROLES), help="What the account may do.")
@click.option("--school", "school_urn", metavar="URN", help="The school (URN) of a school lead or teacher.")
@click.option("--trust", "trust_uid", metavar="UID", help="The trust (GIAS group UID) of an HR lead.")
@click.option("--staff-id", "staff_ref", metavar="STAFF_REF", help="The member of staff a teacher account belongs to.")
@click.option("--name", "display_name", default="", help="Name shown on the pages.")
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="Read the password from standard input (first line), so it never appears in the process list.",
)
def create(
    email: str,
    role: str,
    school_urn: str | None,
    trust_uid: str | None,
    staff_ref: str | None,
    display_name: str,
    password_stdin: bool,
) -> None:
    """Create an account that signs in with EMAIL."""
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise click.ClickException("No password on standard input")
    try:
        account = run_async(
            accounts.user_create(
                email=email,
                role=role,
                password=password,
                school_urn=school_urn,
                trust_uid=trust_uid,
                staff_ref=staff_ref,
                display_name=display_name,
                actor="cli:users create",
            )
        )
    except accounts.AccountError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Created {account.role} account {account.email}.")


@users.command("list")
def list_() -> None:
    """List every account with its role and scope."""
    rows = run_async(accounts.user_list())
    if not rows:
        click.echo("No accounts yet. Create one with: workforce users create EMAIL --role ROLE --password-stdin")
        return
    for row in rows:
        scope = ""
        if row["school_urn"] is not None:
            scope = f"school {row['school_urn']} {row['school_name']}"
        elif row["trust_uid"]:
            scope = f"trust {row['trust_uid']} {row['trust_name']}"
        if row["staff_ref"]:
            scope = (scope + f" staff {row['staff_ref']}").strip()
        status = "active" if row["active"] else "disabled"
        last = row["last_login_at"].strftime("%Y-%m-%d %H:%M") if row["last_login_at"] else "never signed in"
        click.echo(f"{row['email']}\t{row['role']}\t{status}\t{scope or '-'}\t{last}")


@users.command("disable")
@click.argument("email")
def disable(email: str) -> None:
    """Stop EMAIL signing in and end its sessions."""
    try:
        account = run_async(accounts.user_disable(email=email, actor="cli:users disable"))
    except accounts.AccountError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Disabled {account.email}; its sessions have ended.")


commands = [users]

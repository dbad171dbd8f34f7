"""`workforce tokens ...`: API tokens for DfE analysts (the JSON API at /api/v1/)."""

from __future__ import annotations

import click

from workforce.cli import run_async
from workforce.monitoring import tokens as token_service


@click.group()
def tokens() -> None:
    """Issue, list and revoke API tokens for the DfE monitoring API."""


@tokens.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, to tell tokens apart.")
@click.option(
    "--days",
    default=token_service.DEFAULT_DAYS,
    show_default=True,
    type=click.IntRange(1, token_service.MAX_DAYS),
    help="Days until the token expires.",
)
def create(email: str, name: str, days: int) -> None:
    """Issue a token for the analyst EMAIL. The token is shown once: copy it now."""
    try:
        issued = run_async(
            token_service.api_token_create(email=email, name=name, days=days, actor="cli:tokens create")
        )
    except token_service.TokenError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Created API token {issued.id} ({issued.name}), expires {issued.expires_at:%Y-%m-%d %H:%M} UTC.")
    click.echo("Copy it now: it is not stored and cannot be shown again.")
    click.echo(issued.token)


@tokens.command("list")
@click.argument("email")
def list_(email: str) -> None:
    """List the tokens of EMAIL (never the secrets)."""
    try:
        rows = run_async(token_service.api_tokens_list(email=email))
    except token_service.TokenError as exc:
        raise click.ClickException(exc.message) from exc
    if not rows:
        click.echo(f"No API tokens for {email}.")
        return
    for row in rows:
        used = row["last_used_at"].strftime("%Y-%m-%d %H:%M") if row["last_used_at"] else "never used"
        click.echo(
            f"{row['id']}\t{row['token_prefix']}…\t{row['name']}\t{row['status']}\t"
            f"expires {row['expires_at']:%Y-%m-%d}\t{used}"
        )


@tokens.command("revoke")
@click.argument("token_id", metavar="ID", type=int)
def revoke(token_id: int) -> None:
    """Revoke the token with this ID (from `workforce tokens list`)."""
    try:
        row = run_async(token_service.api_token_revoke(token_id=token_id, actor="cli:tokens revoke"))
    except token_service.TokenError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Revoked API token {row['id']} ({row['name']}).")


commands = [tokens]

"""CLI: `workforce seed demo`, `workforce seed logins`."""

from __future__ import annotations

import click


@click.group()
def seed() -> None:
    """Load demo or synthetic data."""


@seed.command("demo")
def seed_demo_command() -> None:
    """Load the demo trust, schools, staff, training and one account per role (safe to run again)."""
    from workforce.cli import run_async
    from workforce.seeding.demo import seed_demo

    run_async(seed_demo(progress=click.echo))


@seed.command("logins")
def seed_logins_command() -> None:
    """Print the demo accounts and what each can see."""
    from workforce.seeding.demo import demo_logins_table

    click.echo(demo_logins_table())


commands = [seed]

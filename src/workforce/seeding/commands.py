"""CLI: `workforce seed demo`, `workforce seed national`, `workforce seed logins`."""

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


@seed.command("national")
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(min=0.001, max=5.0),
    help="1.0 is England (about 21,600 schools, 1.1 million staff records); 0.01 is a quick version.",
)
@click.option(
    "--seed",
    "seed_value",
    default=42,
    show_default=True,
    type=int,
    help="The same seed and scale always give the same data.",
)
@click.option("--reset", is_flag=True, help="Empty every table first (otherwise existing records are kept).")
@click.option("--checksum", is_flag=True, help="Print a checksum per kind of record after loading.")
def seed_national_command(scale: float, seed_value: int, reset: bool, checksum: bool) -> None:
    """Load the deterministic national-scale synthetic data set through the importers."""
    from workforce.cli import run_async
    from workforce.seeding.national import NationalSeedError, national_checksum, seed_national

    async def run() -> None:
        await seed_national(scale=scale, seed=seed_value, reset=reset, progress=click.echo)
        if checksum:
            for name, (count, digest) in (await national_checksum()).items():
                click.echo(f"  {name:<18} {count:>10,}  {digest[:16]}")

    try:
        run_async(run())
    except NationalSeedError as exc:
        raise click.ClickException(str(exc)) from exc


@seed.command("logins")
def seed_logins_command() -> None:
    """Print the demo accounts and what each can see."""
    from workforce.seeding.demo import demo_logins_table

    click.echo(demo_logins_table())


commands = [seed]

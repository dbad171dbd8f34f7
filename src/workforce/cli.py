"""The `workforce` command.

Each domain contributes its commands through a ``commands`` list in its ``commands`` module;
this file only assembles them, so a newcomer finds a command next to the feature it serves.
"""

from __future__ import annotations

import asyncio
import importlib
import sys

import click

import workforce  # noqa: F401  (sets PICCOLO_CONF)
from workforce.config import ConfigError, get_settings

# Modules whose ``commands`` list is added to the top-level group.
COMMAND_MODULES = [
    "workforce.imports.commands",
    "workforce.compliance.commands",
    "workforce.people.commands",
    "workforce.seeding",
    "workforce.certificates.commands",
    "workforce.monitoring.commands",
    "workforce.reminders.commands",
]


def run_async(coro):
    """Run a coroutine for a CLI command with the database pool open."""
    from workforce.database import close_pool, open_pool

    async def wrapper():
        await open_pool()
        try:
            return await coro
        finally:
            await close_pool()

    return asyncio.run(wrapper())


@click.group()
@click.version_option(workforce.__version__, prog_name="workforce")
def main() -> None:
    """SEND Workforce: record and check the SEND skills of the school workforce."""
    try:
        get_settings()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from exc


@main.command()
def migrate() -> None:
    """Bring the configured database to the latest schema."""
    from workforce.database import migrate as do_migrate

    settings = get_settings()
    run_async(do_migrate())
    where = "PostgreSQL" if settings.database_url else f"SQLite at {settings.sqlite_path}"
    click.echo(f"Database is up to date ({where}).")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=1, show_default=True, type=int, help="Worker processes.")
def serve(host: str, port: int, workers: int) -> None:
    """Serve the web app with uvicorn (a production ASGI server)."""
    import uvicorn

    uvicorn.run(
        "workforce.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        server_header=False,
        log_level="info",
    )


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        for command in getattr(module, "commands", []):
            main.add_command(command)


_register()

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

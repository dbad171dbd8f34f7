"""A real `workforce serve` on a free loopback port, with its own fresh database and data folder.

Shared by the browser journeys, the API fuzzing, the load test and the crash test (they import it as
``browser.live_server``). The server runs in a child process with an environment built here, so it never shares
a database, a data folder or a secret with the test process:

- SQLite: a new file in a new temporary data folder;
- PostgreSQL (``TEST_DATABASE_URL`` is set): a database of its own, ``<test database>_<suffix>``, dropped and
  created afresh, so the integration suite's database is never touched.

``LiveServer.cli(...)`` runs any ``workforce`` command against the same database (migrate, seed, tokens...).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse, urlunparse

SECRET_KEY = "live-server-secret-key-" + "s" * 32
DEMO_PASSWORD = "demo-password-2026"  # workforce.seeding.demo.DEMO_PASSWORD (checked by the browser conftest)
STARTUP_SECONDS = 60.0


def free_port() -> int:
    """A TCP port nobody listens on right now (the server binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_base_url() -> str | None:
    """The PostgreSQL URL the run was given (TEST_DATABASE_URL), or None on SQLite."""
    url = os.environ.get("TEST_DATABASE_URL", "").strip()
    return url if url.startswith(("postgres://", "postgresql://")) else None


def engine_name() -> str:
    return "postgres" if postgres_base_url() else "sqlite"


async def _recreate_database(admin_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


async def _drop_database(admin_url: str, name: str) -> None:
    import asyncpg

    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


def _run(coro) -> None:
    """Run a coroutine to completion from synchronous code, even one called while an event loop runs."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coro).result()


def fresh_postgres_database(suffix: str) -> str:
    """Create an empty database next to TEST_DATABASE_URL's and return its URL."""
    base = postgres_base_url()
    if base is None:
        raise RuntimeError("fresh_postgres_database needs TEST_DATABASE_URL=postgresql://...")
    parsed = urlparse(base)
    name = f"{(parsed.path or '/postgres').lstrip('/') or 'postgres'}_{suffix}"
    if not name.replace("_", "").isalnum():
        raise ValueError(f"unsafe database name {name!r}")
    admin = urlunparse(parsed._replace(path="/postgres"))
    _run(_recreate_database(admin, name))
    return urlunparse(parsed._replace(path="/" + name))


def drop_postgres_database(url: str) -> None:
    parsed = urlparse(url)
    _run(_drop_database(urlunparse(parsed._replace(path="/postgres")), parsed.path.lstrip("/")))


@dataclass
class LiveServer:
    """One app server process. ``start()`` it, use ``url(...)``, ``kill()`` or ``stop()`` it, ``start()`` again."""

    data_dir: Path
    database_url: str = ""  # "" means SQLite in data_dir
    environment: str = "test"
    port: int = field(default_factory=free_port)
    extra_env: dict[str, str] = field(default_factory=dict)
    process: subprocess.Popen | None = None
    starts: int = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "workforce.sqlite"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    @property
    def engine(self) -> str:
        return "postgres" if self.database_url else "sqlite"

    def env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("WORKFORCE_", "TEST_", "PICCOLO_"))
            and key not in {"DATABASE_URL", "SECRET_KEY"}
        }
        env.update(
            WORKFORCE_ENV=self.environment,
            WORKFORCE_DATA_DIR=str(self.data_dir),
            DATABASE_URL=self.database_url,
            SECRET_KEY=SECRET_KEY,
            BASE_URL=self.base_url,
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        return env

    # ------------------------------------------------------------------ commands

    def cli(self, *args: str, input: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
        """Run ``workforce ARGS`` against this server's database; raise with its output if it fails."""
        result = subprocess.run(
            [sys.executable, "-m", "workforce.cli", *args],
            check=False,  # the output goes into the error below
            env=self.env(),
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            cwd=self.data_dir,
        )
        if result.returncode != 0:
            raise RuntimeError(
                f"workforce {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
            )
        return result

    def prepare(self, *, demo: bool = True) -> None:
        """Migrate the database and (by default) load the demo data and demo accounts."""
        self.cli("migrate")
        if demo:
            self.cli("seed", "demo")

    # ------------------------------------------------------------------ process

    def start(self, *, workers: int = 1) -> None:
        if self.process is not None and self.process.poll() is None:
            raise RuntimeError("the server is already running")
        self.starts += 1
        log = self.log_path.open("ab")
        log.write(f"\n===== start {self.starts} on port {self.port} =====\n".encode())
        log.flush()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "workforce.cli",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(workers),
            ],
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=self.data_dir,
            start_new_session=True,  # its own process group: kill() reaches uvicorn's workers too
        )
        log.close()
        self.wait_until_ready()

    def wait_until_ready(self, timeout: float = STARTUP_SECONDS) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"the server exited while starting:\n{self.log_tail()}")
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not answer /healthz within {timeout:.0f}s:\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL the whole process group: no shutdown hooks, no flushing, like a power cut for the app."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(timeout=30)
        self.process = None

    def stop(self) -> None:
        """A clean shutdown (SIGTERM, then SIGKILL if it does not stop within 20 s)."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            self.kill()
        self.process = None

    def log_tail(self, lines: int = 60) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])


def make_server(
    suffix: str, *, environment: str = "test", extra_env: dict[str, str] | None = None
) -> LiveServer:
    """A server on the run's engine: a new data folder, and on PostgreSQL a new database ``<db>_<suffix>``."""
    data_dir = Path(tempfile.mkdtemp(prefix=f"workforce-{suffix}-"))
    database_url = fresh_postgres_database(suffix) if postgres_base_url() else ""
    return LiveServer(
        data_dir=data_dir, database_url=database_url, environment=environment, extra_env=dict(extra_env or {})
    )


def dispose_server(server: LiveServer) -> None:
    """Stop the server and remove its database and data folder (WORKFORCE_KEEP_TEST_DATA=1 keeps the folder)."""
    server.stop()
    if server.database_url:
        drop_postgres_database(server.database_url)
    if os.environ.get("WORKFORCE_KEEP_TEST_DATA") != "1":
        shutil.rmtree(server.data_dir, ignore_errors=True)


# ---------------------------------------------------------------------------------------- HTTP as a browser would

_CSRF_FIELD = re.compile(r'name="_csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = _CSRF_FIELD.search(html)
    if match is None:
        raise AssertionError("the page has no form with a CSRF token")
    return match.group(1)


def http_sign_in(client, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign an ``httpx.Client`` (with ``base_url`` set to the server) in through the real sign-in form."""
    page = client.get("/sign-in")
    page.raise_for_status()
    response = client.post(
        "/sign-in",
        data={"email": email, "password": password, "next": "/", "_csrf_token": csrf_token(page.text)},
        follow_redirects=False,
    )
    if response.status_code != 303:
        raise AssertionError(f"signing in as {email} answered {response.status_code}")


def create_teacher(server: LiveServer, email: str, staff_ref: str, password: str = DEMO_PASSWORD) -> None:
    """A teacher account for an existing member of staff (``workforce users create``)."""
    server.cli(
        "users",
        "create",
        email,
        "--role",
        "teacher",
        "--staff-id",
        staff_ref,
        "--password-stdin",
        input=password + "\n",
    )


@contextmanager
def http_client(server: LiveServer, email: str | None = None, password: str = DEMO_PASSWORD):
    """``with http_client(server, email) as client``: an ``httpx.Client`` for the server, signed in when asked."""
    import httpx

    with httpx.Client(base_url=server.base_url, timeout=120) as client:
        if email:
            http_sign_in(client, email, password)
        yield client


# ---------------------------------------------------------------------------------------- reading the database


async def _pg_fetch(url: str, sql: str) -> list[tuple]:
    import asyncpg

    connection = await asyncpg.connect(url)
    try:
        return [tuple(row) for row in await connection.fetch(sql)]
    finally:
        await connection.close()


def db_query(server: LiveServer, sql: str) -> list[tuple]:
    """Rows of a read-only query on the server's database, from outside the app (portable SQL, no parameters)."""
    if server.database_url:
        with ThreadPoolExecutor(max_workers=1) as pool:
            return pool.submit(asyncio.run, _pg_fetch(server.database_url, sql)).result()
    import sqlite3

    connection = sqlite3.connect(f"file:{server.sqlite_path}?mode=ro", uri=True, timeout=30)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


# ---------------------------------------------------------------------------------------- run summary

SUMMARY_LINES: list[str] = []


def summary_line(text: str) -> None:
    """A result line shown at the end of the pytest run, even when output is captured (load and crash tests)."""
    SUMMARY_LINES.append(text)
    print(text)


def write_summary(terminalreporter) -> None:
    """For a conftest's ``pytest_terminal_summary``: print the collected lines once."""
    if SUMMARY_LINES:
        terminalreporter.section("results")
        for line in SUMMARY_LINES:
            terminalreporter.write_line(line)
        SUMMARY_LINES.clear()

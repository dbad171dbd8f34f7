"""What every benchmark shares: where its databases live, child processes per engine, the machine, printing.

A benchmark runs once per engine in a child process (settings are read once per process, so each child
gets its own ``DATABASE_URL``/``WORKFORCE_DATA_DIR``). Children print ``RESULT {json}`` lines; the parent
collects them and prints a table with the ratio to the floor measured in the same run.

Databases (kept between runs, so the national set is generated once per scale and seed):

- SQLite: ``var/bench/sqlite/<dataset>/workforce.sqlite``;
- PostgreSQL: the database in ``BENCH_POSTGRES_URL`` (default ``postgresql://postgres@127.0.0.1:5432/wf_bench``),
  one schema per dataset (``public`` for the national set at scale 1.0 and seed 42).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
PYTHON = sys.executable
DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/wf_bench"
ENGINES = ("sqlite", "postgres")
SECRET_KEY = "bench-secret-key-" + "b" * 32
RESULT_PREFIX = "RESULT "


def postgres_url() -> str:
    return os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def scale_name(scale: float) -> str:
    return f"{scale:g}".replace(".", "_")


@dataclass(frozen=True)
class Dataset:
    """One database a benchmark reads or writes, on one engine."""

    engine: str
    name: str  # e.g. "national-1-seed42", "import"

    @property
    def schema(self) -> str:
        if self.name == "national-1-seed42":
            return "public"
        return "bench_" + "".join(c if c.isalnum() else "_" for c in self.name)

    @property
    def data_dir(self) -> Path:
        return BENCH_DIR / self.engine / self.name

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            WORKFORCE_ENV="test",
            SECRET_KEY=SECRET_KEY,
            WORKFORCE_DATA_DIR=str(self.data_dir),
            PICCOLO_CONF="workforce.piccolo_conf",
            BENCH_SCHEMA=self.schema if self.engine == "postgres" else "",
            DATABASE_URL=postgres_url() if self.engine == "postgres" else "",
            PYTHONPATH=str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        )
        return env


def national_dataset(engine: str, scale: float, seed: int) -> Dataset:
    return Dataset(engine, f"national-{scale_name(scale)}-seed{seed}")


# ----------------------------------------------------------------------------------------- in a child
def child_setup(*, create_schema: bool = True) -> None:
    """In a child process, before any query: point PostgreSQL connections at the dataset's schema."""
    schema = os.environ.get("BENCH_SCHEMA", "")
    if not schema or not os.environ.get("DATABASE_URL"):
        return
    from workforce.piccolo_conf import DB

    if create_schema:
        _create_schema(DB, schema)
    DB.config["server_settings"] = {"search_path": schema}


def _create_schema(DB, schema: str) -> None:
    import asyncpg

    async def create() -> None:
        connection = await asyncpg.connect(**DB.config)
        try:
            await connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        finally:
            await connection.close()

    import asyncio

    asyncio.run(create())


async def dataset_ready(*, scale: float, seed: int) -> bool:
    """Whether the national set of this scale and seed is completely loaded (boards are loaded last)."""
    from workforce.organisations.tables import School
    from workforce.people.tables import GovernanceRole
    from workforce.seeding.national import NationalPlan

    try:
        schools = await School.count()
        boards = await GovernanceRole.count()
    except Exception:  # noqa: BLE001 - no tables yet
        return False
    return schools == len(NationalPlan(scale=scale, seed=seed).schools) and boards > 0


async def migrate() -> None:
    """``workforce migrate`` for the dataset (in its own schema on PostgreSQL).

    Piccolo looks for its ``migration`` table in the ``public`` schema only: it is created in the dataset's
    schema first, so a schema's migrations are recorded in that schema.
    """
    from piccolo.apps.migrations.tables import Migration

    from workforce import database

    if os.environ.get("BENCH_SCHEMA") and os.environ.get("DATABASE_URL"):
        await Migration.create_table(if_not_exists=True)
    await database.migrate()


async def ensure_national(*, scale: float, seed: int, reseed: bool = False) -> None:
    """Migrate, and load the national set unless it is already there (``reseed`` forces a fresh load)."""
    from workforce.seeding.national import seed_national

    await migrate()
    if not reseed and await dataset_ready(scale=scale, seed=seed):
        return
    began = time.perf_counter()
    summary = await seed_national(scale=scale, seed=seed, reset=True, progress=lambda line: log(line))
    emit("seed", scale=scale, seed=seed, seconds=round(time.perf_counter() - began, 1), rows=summary.rows)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def emit(kind: str, **values) -> None:
    """Report one result to the parent process."""
    print(RESULT_PREFIX + json.dumps({"kind": kind, **values}, default=str), flush=True)


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports kilobytes)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024, 1)


# ---------------------------------------------------------------------------------------- in the parent
def run_child(
    module: str, args: Iterable[str], dataset: Dataset, *, timeout: float | None = None
) -> list[dict]:
    """Run ``python -m bench.<module> <args>`` for one dataset; its stderr streams through, results come back."""
    dataset.data_dir.mkdir(parents=True, exist_ok=True)
    command = [PYTHON, "-m", f"bench.{module}", "--child", *args]
    process = subprocess.Popen(
        command, cwd=ROOT, env=dataset.env(), stdout=subprocess.PIPE, text=True, bufsize=1
    )
    results = []
    assert process.stdout is not None
    for line in process.stdout:
        if line.startswith(RESULT_PREFIX):
            results.append(json.loads(line[len(RESULT_PREFIX) :]))
        else:
            sys.stdout.write(line)
    code = process.wait(timeout=timeout)
    if code != 0:
        raise SystemExit(f"bench.{module} on {dataset.engine} failed (exit {code})")
    return results


def save(name: str, results: list[dict]) -> Path:
    """Keep a run's results (var/bench/results/<name>-<time>.json) with the machine they ran on."""
    folder = BENCH_DIR / "results"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"machine": machine(), "results": results}, indent=1, default=str))
    print(f"  (saved to {path.relative_to(ROOT)})")
    return path


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ratio(value: float, floor: float) -> str:
    if not floor:
        return "n/a"
    return f"{value / floor:.2f}x"


def table(headers: list[str], rows: list[list]) -> str:
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def machine() -> dict[str, str]:
    """The machine and versions the figures were measured on."""
    info: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        info["cpu"] = platform.processor()
    info["cores"] = str(os.cpu_count())
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["ram"] = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    info["load average"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    info["os"] = platform.platform()
    info["python"] = platform.python_version()
    import sqlite3

    info["sqlite"] = sqlite3.sqlite_version
    try:
        version = subprocess.run(
            ["psql", postgres_url(), "-tAc", "SHOW server_version"],
            check=False,
            capture_output=True,
            text=True,
            timeout=10,
        )
        info["postgresql"] = version.stdout.strip() or "unavailable"
    except (OSError, subprocess.SubprocessError):
        info["postgresql"] = "unavailable"
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    for package in ("litestar", "piccolo", "asyncpg", "aiosqlite", "uvicorn", "weasyprint"):
        try:
            info[package] = package_version(package)
        except PackageNotFoundError:
            pass
    return info


def print_machine() -> None:
    print("machine: " + "; ".join(f"{k} {v}" for k, v in machine().items()), flush=True)

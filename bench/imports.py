"""Import throughput and peak memory: 1 million staff rows through the importer vs a bare insert.

The staff file comes from the national generator (the same rows ``workforce seed national`` loads). Each
measurement runs in a fresh process on a database holding only the schools and trusts (GIAS), so its peak
resident memory (``ru_maxrss``) is the import's own; on SQLite a large file's rows are parsed in a second
process (``workforce.imports.worker``), whose peak is shown beside it ("parser MB"; it counts the pages it
shares with the importer too). Floors, on the same tables and the same rows:

- SQLite: ``executemany`` of the staff members, then of their employments, in one transaction;
- PostgreSQL: ``COPY`` (asyncpg ``copy_records_to_table``) and ``executemany``, the same way.

The importer is also run on a quarter of the rows, to show that its memory does not grow with the file.

    python -m bench imports [--scale 0.01] [--engine both] [--repeat 1]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import io
import os
import resource
import time
from pathlib import Path

from bench.common import (
    BENCH_DIR,
    ENGINES,
    Dataset,
    child_setup,
    current_rss_mb,
    emit,
    log,
    migrate,
    peak_rss_mb,
    print_machine,
    ratio,
    run_child,
    save,
    table,
)

FULL_ROWS = 1_000_000
FILES_DIR = BENCH_DIR / "files"
STAFF_TABLES = ("audit_entry", "senco_exemption", "employment", "staff_member")


def staff_file(rows: int) -> Path:
    return FILES_DIR / f"staff-{rows}.csv"


# ------------------------------------------------------------------------------------------ the child
async def prepare(rows_wanted: list[int]) -> None:
    """Schools and trusts of the national set (scale 1.0), and staff files of the sizes wanted."""
    from workforce.database import truncate_all
    from workforce.imports import import_file
    from workforce.seeding.national import STAFF_COLUMNS, NationalPlan

    await migrate()
    await truncate_all()
    plan = NationalPlan(scale=1.0, seed=42)
    report = await import_file("gias", plan.gias_csv(), actor="bench")
    assert report.applied, report.error_lines()
    FILES_DIR.mkdir(parents=True, exist_ok=True)
    for wanted in rows_wanted:
        path = staff_file(wanted)
        if path.exists():
            continue
        log(f"writing {path.name}")
        written, seen, last_ref, done = 0, set(), None, False
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(STAFF_COLUMNS)
            for part in plan.parts():
                reader = csv.reader(io.StringIO(part.staff_csv().decode("utf-8")))
                next(reader)
                for row in reader:
                    key = (row[0], row[6], row[7], row[8], row[10])  # a shared SENCO's rows come again
                    if key in seen:
                        continue
                    if written >= wanted and row[0] != last_ref:  # whole people only
                        done = True
                        break
                    seen.add(key)
                    writer.writerow(row)
                    written, last_ref = written + 1, row[0]
                part.mark_emitted()
                if done:
                    break
    emit("prepared", files={n: staff_file(n).stat().st_size for n in rows_wanted})


async def empty_staff() -> None:
    from workforce.database import engine
    from workforce.db import is_postgres

    db = engine()
    if is_postgres(db):
        await db.run_ddl(f"TRUNCATE {', '.join(STAFF_TABLES)} RESTART IDENTITY CASCADE")
    else:
        async with db.transaction():
            for name in STAFF_TABLES:
                await db.run_ddl(f"DELETE FROM {name}")


async def run_import(path: Path) -> None:
    from workforce.imports import import_file
    from workforce.people.tables import AuditEntry, Employment, StaffMember

    await empty_staff()
    baseline = current_rss_mb()
    when = _when()
    began = time.perf_counter()
    report = await import_file("staff", path, actor="bench")
    seconds = time.perf_counter() - began
    assert report.applied, report.error_lines()[:5]
    emit(
        "import",
        file=path.name,
        rows=report.rows_read,
        seconds=round(seconds, 2),
        rows_per_s=round(report.rows_read / seconds),
        baseline_rss_mb=baseline,
        peak_rss_mb=peak_rss_mb(),
        parser_peak_rss_mb=_children_peak_rss_mb(),
        staff=await StaffMember.count(),
        employments=await Employment.count(),
        audit_entries=await AuditEntry.count(),
        **when,
    )


def _children_peak_rss_mb() -> float:
    """The peak resident memory of the import's parser process (SQLite, large files), if it had one."""
    return round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)


def _when() -> dict:
    """When a measurement started, and the machine's load then (it is shared: ratios are what count)."""
    return {"started": time.strftime("%H:%M:%S"), "load": round(os.getloadavg()[0], 1)}


def _rows(path: Path):
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        index = {name: i for i, name in enumerate(header)}
        for row in reader:
            yield index, row


def _date(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _float(text: str) -> float | None:
    return float(text) if text else None


async def run_floor(path: Path, method: str) -> None:
    """Insert the file's staff members and employments with no validation: one transaction, chunks of 10,000."""
    from workforce.database import engine
    from workforce.db import is_postgres

    await empty_staff()
    db = engine()
    now = dt.datetime.now(dt.UTC)
    staff_columns = (
        "staff_ref",
        "trn",
        "title",
        "first_name",
        "last_name",
        "email",
        "qts",
        "created_at",
        "updated_at",
    )
    employment_columns = (
        "staff",
        "school",
        "trust",
        "role",
        "fte",
        "start_date",
        "end_date",
        "senior_leader",
        "senco_fte",
        "sensory_class",
        "sensory_class_since",
        "updated_at",
    )

    def people():
        seen = set()
        for index, row in _rows(path):
            ref = row[index["staff_id"]]
            if ref in seen:
                continue
            seen.add(ref)
            yield (
                ref,
                row[index["trn"]] or None,
                row[index["title"]],
                row[index["first_name"]],
                row[index["last_name"]],
                None,
                row[index["qts"]] == "yes",
                now,
                now,
            )

    def employments(staff_ids, school_ids, trust_ids):
        for index, row in _rows(path):
            start = _date(row[index["start_date"]])
            sensory = row[index["sensory_class"]] or None
            yield (
                staff_ids[row[index["staff_id"]]],
                school_ids.get(row[index["school_urn"]]),
                trust_ids.get(row[index["trust_uid"]]),
                row[index["role"]],
                float(row[index["fte"]] or 1),
                start,
                _date(row[index["end_date"]]),
                row[index["senior_leader"]] == "yes",
                _float(row[index["senco_fte"]]),
                sensory,
                start if sensory else None,
                now,
            )

    def chunks(iterable, size=10_000):
        chunk = []
        for item in iterable:
            chunk.append(item)
            if len(chunk) == size:
                yield chunk
                chunk = []
        if chunk:
            yield chunk

    rows = sum(1 for _ in _rows(path))
    baseline = current_rss_mb()
    when = _when()
    began = time.perf_counter()
    if is_postgres(db):
        import asyncpg

        connection = await asyncpg.connect(**db.config)
        try:
            async with connection.transaction():
                schools = {
                    str(r["urn"]): r["id"] for r in await connection.fetch("SELECT id, urn FROM school")
                }
                trusts = {r["uid"]: r["id"] for r in await connection.fetch("SELECT id, uid FROM trust")}
                staff_sql = (
                    f"INSERT INTO staff_member ({', '.join(staff_columns)}) VALUES "
                    f"({', '.join(f'${i + 1}' for i in range(len(staff_columns)))})"
                )
                employment_sql = (
                    f"INSERT INTO employment ({', '.join(employment_columns)}) VALUES "
                    f"({', '.join(f'${i + 1}' for i in range(len(employment_columns)))})"
                )
                for chunk in chunks(people()):
                    if method == "copy":
                        await connection.copy_records_to_table(
                            "staff_member", records=chunk, columns=staff_columns
                        )
                    else:
                        await connection.executemany(staff_sql, chunk)
                staff_ids = {
                    r["staff_ref"]: r["id"]
                    for r in await connection.fetch("SELECT id, staff_ref FROM staff_member")
                }
                for chunk in chunks(employments(staff_ids, schools, trusts)):
                    if method == "copy":
                        await connection.copy_records_to_table(
                            "employment", records=chunk, columns=employment_columns
                        )
                    else:
                        await connection.executemany(employment_sql, chunk)
        finally:
            await connection.close()
    else:
        import sqlite3

        from workforce.config import get_settings

        connection = sqlite3.connect(get_settings().sqlite_path)
        try:
            with connection:
                schools = {str(urn): id_ for id_, urn in connection.execute("SELECT id, urn FROM school")}
                trusts = {uid: id_ for id_, uid in connection.execute("SELECT id, uid FROM trust")}
                connection.executemany(
                    f"INSERT INTO staff_member ({', '.join(staff_columns)}) VALUES ({', '.join('?' * len(staff_columns))})",
                    ((*p[:7], p[7].isoformat(), p[8].isoformat()) for p in people()),
                )
                staff_ids = {
                    ref: id_ for id_, ref in connection.execute("SELECT id, staff_ref FROM staff_member")
                }
                connection.executemany(
                    f"INSERT INTO employment ({', '.join(employment_columns)}) VALUES "
                    f"({', '.join('?' * len(employment_columns))})",
                    ((*e[:11], e[11].isoformat()) for e in employments(staff_ids, schools, trusts)),
                )
        finally:
            connection.close()
    seconds = time.perf_counter() - began
    emit(
        "floor",
        method=method,
        file=path.name,
        rows=rows,
        seconds=round(seconds, 2),
        rows_per_s=round(rows / seconds),
        baseline_rss_mb=baseline,
        peak_rss_mb=peak_rss_mb(),
        **when,
    )


async def child_main(args) -> None:
    from workforce.database import close_pool, open_pool

    await open_pool()
    try:
        if args.prepare:
            await prepare([int(n) for n in args.prepare.split(",")])
        elif args.floor:
            await run_floor(staff_file(args.rows), args.floor)
        else:
            await run_import(staff_file(args.rows))
    finally:
        await close_pool()


# ----------------------------------------------------------------------------------------- the parent
def run(*, engines=ENGINES, scale: float = 0.01, repeat: int = 1) -> list[dict]:
    full = max(1_000, round(FULL_ROWS * scale))
    quarter = full // 4
    results = []
    for engine in engines:
        dataset = Dataset(engine, "import")
        run_child("imports", ["--prepare", f"{quarter},{full}"], dataset)
        floors = ["executemany"] if engine == "sqlite" else ["copy", "executemany"]
        # Floors and importer take turns, ``repeat`` times: on a shared machine the load moves between runs,
        # and the fastest run of each is the one least disturbed.
        for _ in range(repeat):
            for method in floors:
                results += [
                    dict(r, engine=engine)
                    for r in run_child("imports", ["--rows", str(full), "--floor", method], dataset)
                ]
            for rows in (quarter, full):
                results += [
                    dict(r, engine=engine) for r in run_child("imports", ["--rows", str(rows)], dataset)
                ]
    report(results)
    save("imports", results)
    return results


def _fastest(runs: list[dict]) -> dict:
    best = min(runs, key=lambda r: r["seconds"])
    return dict(
        best,
        runs=len(runs),
        peak_rss_mb=max(r["peak_rss_mb"] for r in runs),
        parser_peak_rss_mb=max(r.get("parser_peak_rss_mb", 0) for r in runs),
    )


def report(results: list[dict]) -> None:
    """One line per measurement: the fastest of its runs (peak memory: the highest of its runs)."""
    lines = []
    for engine in dict.fromkeys(r["engine"] for r in results):
        mine = [r for r in results if r["engine"] == engine]
        floors: dict[str, list[dict]] = {}
        imports: dict[int, list[dict]] = {}
        for r in mine:
            if r["kind"] == "floor":
                floors.setdefault(r["method"], []).append(r)
            elif r["kind"] == "import":
                imports.setdefault(r["rows"], []).append(r)
        best_imports = [_fastest(imports[rows]) for rows in sorted(imports)]
        for r in best_imports:
            lines.append(
                [
                    engine,
                    "importer",
                    r["rows"],
                    f"{r['seconds']:.1f}",
                    r["rows_per_s"],
                    r["peak_rss_mb"],
                    r["parser_peak_rss_mb"] or "",
                    r["baseline_rss_mb"],
                    "",
                    r["runs"],
                    r.get("started", ""),
                    r.get("load", ""),
                ]
            )
        full = best_imports[-1] if best_imports else None
        for method, runs in floors.items():
            r = _fastest(runs)
            lines.append(
                [
                    engine,
                    f"floor: {method}",
                    r["rows"],
                    f"{r['seconds']:.1f}",
                    r["rows_per_s"],
                    r["peak_rss_mb"],
                    "",
                    r["baseline_rss_mb"],
                    ratio(full["seconds"], r["seconds"]) if full and full["rows"] == r["rows"] else "",
                    r["runs"],
                    r.get("started", ""),
                    r.get("load", ""),
                ]
            )
    print("\nStaff import vs a bare insert of the same rows (ratio = importer time / floor time)")
    print(
        table(
            [
                "engine",
                "what",
                "rows",
                "seconds",
                "rows/s",
                "peak MB",
                "parser MB",
                "start MB",
                "ratio",
                "runs",
                "started",
                "load",
            ],
            lines,
        )
    )


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench imports",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    parser.add_argument("--floor", choices=["copy", "executemany"], help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=0.01, help="1.0 imports 1,000,000 rows")
    parser.add_argument("--engine", choices=[*ENGINES, "both"], default="both")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs of each measurement, taking turns; the fastest is shown"
    )
    args = parser.parse_args(argv)
    if args.child:
        child_setup()
        asyncio.run(child_main(args))
        return
    print_machine()
    run(engines=ENGINES if args.engine == "both" else (args.engine,), scale=args.scale, repeat=args.repeat)


if __name__ == "__main__":
    main()

"""National evaluation (facts_gather + evaluate for the whole country) vs the raw SQL it depends on.

The floor: the very statements ``facts_gather`` runs (captured as it runs them), replayed bare on a plain
driver connection (asyncpg / sqlite3), fetching every row and doing nothing with it. The ratio is
(facts_gather + evaluate) / floor, both measured in the same process, best of ``--repeat`` runs.

    python -m bench evaluation [--scale 0.01] [--engine both] [--repeat 2]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import time

from bench.common import (
    ENGINES,
    child_setup,
    emit,
    ensure_national,
    log,
    national_dataset,
    peak_rss_mb,
    print_machine,
    ratio,
    run_child,
    save,
    table,
)

STANDARD = "proposed-2025"


# ------------------------------------------------------------------------------------------ the child
class StatementRecorder:
    """Records the SQL (and arguments) the Piccolo engine runs, compiled for that engine."""

    def __init__(self, db):
        self.db = db
        self.statements: list[tuple[str, tuple]] = []
        self._class = type(db)
        self._original = self._class.run_querystring

    def __enter__(self):
        recorder = self
        original = self._original

        async def recording(engine, querystring, *args, **kwargs):
            sql, values = querystring.compile_string(engine_type=engine.engine_type)
            recorder.statements.append((sql, tuple(values)))
            return await original(engine, querystring, *args, **kwargs)

        self._class.run_querystring = recording
        return self

    def __exit__(self, *exc):
        self._class.run_querystring = self._original


async def bare_replay(statements: list[tuple[str, tuple]]) -> tuple[float, int]:
    """Run the statements on a plain driver connection, fetching all rows; (seconds, rows)."""
    from workforce.database import engine
    from workforce.db import is_postgres

    db = engine()
    rows = 0
    if is_postgres(db):
        import asyncpg

        connection = await asyncpg.connect(**db.config)
        try:
            began = time.perf_counter()
            for sql, values in statements:
                rows += len(await connection.fetch(sql, *values))
            return time.perf_counter() - began, rows
        finally:
            await connection.close()
    import sqlite3

    from workforce.config import get_settings

    connection = sqlite3.connect(get_settings().sqlite_path)
    try:
        began = time.perf_counter()
        for sql, values in statements:
            rows += len(connection.execute(sql, values).fetchall())
        return time.perf_counter() - began, rows
    finally:
        connection.close()


async def child_main(args) -> None:
    from workforce.compliance.facts import facts_gather
    from workforce.database import close_pool, engine, open_pool
    from workforce.seeding.national import REFERENCE_DATE
    from workforce.standards import evaluate, load_standard
    from workforce.standards.context import Context
    from workforce.standards.facts import gc_paused
    from workforce.standards.rules import CHECKS

    await open_pool()
    try:
        await ensure_national(scale=args.scale, seed=args.seed, reseed=args.reseed)
        as_of = REFERENCE_DATE
        standard = load_standard(STANDARD)
        log("warming up (one untimed evaluation, capturing its statements)")
        with StatementRecorder(engine()) as recorder:
            facts = await facts_gather(as_of=as_of)
        statements = recorder.statements
        counts = {
            "schools": len(facts.schools),
            "people": len(facts.people),
            "posts": len(facts.posts),
            "cpd_tallies": len(facts.cpd),
            "qualifications": len(facts.qualifications),
            "statements": len(statements),
        }
        del facts
        gc.collect()
        await bare_replay(statements)  # warm the same pages for the floor
        runs = []
        for n in range(args.repeat):
            floor, rows = await bare_replay(statements)
            began = time.perf_counter()
            facts = await facts_gather(as_of=as_of)
            gathered = time.perf_counter()
            findings = evaluate(standard, facts, as_of)
            finished = time.perf_counter()
            runs.append(
                {
                    "floor_s": floor,
                    "rows": rows,
                    "gather_s": gathered - began,
                    "evaluate_s": finished - gathered,
                    "total_s": finished - began,
                    "findings": len(findings),
                }
            )
            log(
                f"run {n + 1}: floor {floor:.2f} s, facts_gather {gathered - began:.2f} s, "
                f"evaluate {finished - gathered:.2f} s"
            )
            if n + 1 < args.repeat:
                del facts, findings
                gc.collect()
        # where evaluate's time goes, rule by rule (same work as evaluate(), timed per check; a rule is also
        # charged with the shared indexes it is the first to read)
        context = Context(standard, facts, as_of)
        per_rule = {}
        with gc_paused():  # as in evaluate()
            for rule in standard.rules:
                began = time.perf_counter()
                CHECKS[rule.check].run(rule, context)
                per_rule[rule.id] = round(time.perf_counter() - began, 3)
        best = min(runs, key=lambda r: r["total_s"])
        emit(
            "evaluation",
            scale=args.scale,
            as_of=as_of.isoformat(),
            **counts,
            rows=best["rows"],
            findings=best["findings"],
            floor_s=round(min(r["floor_s"] for r in runs), 3),
            gather_s=round(best["gather_s"], 3),
            evaluate_s=round(best["evaluate_s"], 3),
            total_s=round(best["total_s"], 3),
            runs=[{k: round(v, 3) if isinstance(v, float) else v for k, v in r.items()} for r in runs],
            per_rule_s=per_rule,
            peak_rss_mb=peak_rss_mb(),
        )
    finally:
        await close_pool()


# ----------------------------------------------------------------------------------------- the parent
def run(
    *, engines=ENGINES, scale: float = 0.01, seed: int = 42, repeat: int = 2, reseed: bool = False
) -> list[dict]:
    results = []
    for engine in engines:
        dataset = national_dataset(engine, scale, seed)
        args = ["--scale", str(scale), "--seed", str(seed), "--repeat", str(repeat)] + (
            ["--reseed"] if reseed else []
        )
        for result in run_child("evaluation", args, dataset):
            result["engine"] = engine
            results.append(result)
    report(results)
    save("evaluation", results)
    return results


def report(results: list[dict]) -> None:
    rows = []
    for r in results:
        if r["kind"] == "seed":
            print(f"  (loaded the national set on {r['engine']} in {r['seconds']} s)")
            continue
        rows.append(
            [
                r["engine"],
                r["schools"],
                r["people"],
                r["rows"],
                r["statements"],
                f"{r['floor_s']:.2f}",
                f"{r['gather_s']:.2f}",
                f"{r['evaluate_s']:.2f}",
                f"{r['total_s']:.2f}",
                ratio(r["total_s"], r["floor_s"]),
                r["peak_rss_mb"],
            ]
        )
    print("\nNational evaluation (facts_gather + evaluate) vs the raw SQL floor")
    print(
        table(
            [
                "engine",
                "schools",
                "staff",
                "rows",
                "queries",
                "floor s",
                "gather s",
                "evaluate s",
                "total s",
                "ratio",
                "peak MB",
            ],
            rows,
        )
    )
    for r in results:
        if r["kind"] == "evaluation":
            slowest = sorted(r["per_rule_s"].items(), key=lambda kv: -kv[1])[:4]
            print(f"  {r['engine']}: evaluate by rule: " + ", ".join(f"{k} {v:.2f} s" for k, v in slowest))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench evaluation",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--scale", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--reseed", action="store_true", help="load the national set again even if present")
    parser.add_argument("--engine", choices=[*ENGINES, "both"], default="both")
    args = parser.parse_args(argv)
    if args.child:
        child_setup()
        asyncio.run(child_main(args))
        return
    print_machine()
    run(
        engines=ENGINES if args.engine == "both" else (args.engine,),
        scale=args.scale,
        seed=args.seed,
        repeat=args.repeat,
        reseed=args.reseed,
    )


if __name__ == "__main__":
    main()

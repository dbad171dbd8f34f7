"""The web app served as `workforce serve` serves it, for a benchmark dataset.

    python -m bench.serve --port 8765 [--workers 1]     (environment from bench.common.Dataset.env())

The same uvicorn settings as ``workforce serve`` (see ``workforce.cli.serve``); the app factory only first
points PostgreSQL connections at the dataset's schema (each worker process does it for itself). With the
national set at scale 1.0 (schema ``public``) ``workforce serve`` itself gives the same server.
"""

from __future__ import annotations

import argparse
import os

from bench.common import child_setup


def create_app():
    child_setup(create_schema=False)  # search_path for the dataset's schema (PostgreSQL); nothing on SQLite
    if os.environ.get("BENCH_CACHE_NATIONAL_FIGURES"):
        cache_national_figures()
    from workforce.app import create_app as workforce_app

    return workforce_app()


def cache_national_figures(seconds: float = 300.0) -> None:
    """Experiment (``--cache-national-figures``), not the product: keep the national figures for a few minutes
    instead of running their two whole-database queries on every page, to measure what that would save."""
    import time

    from workforce.compliance import facts

    original = facts.national_figures_gather
    kept: dict = {}

    async def cached(*, as_of):
        found = kept.get(as_of)
        if found is None or time.monotonic() - found[0] > seconds:
            found = kept[as_of] = (time.monotonic(), await original(as_of=as_of))
        return found[1]

    facts.national_figures_gather = cached


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--cache-national-figures", action="store_true", help="an experiment: see above")
    args = parser.parse_args()
    if args.cache_national_figures:
        os.environ["BENCH_CACHE_NATIONAL_FIGURES"] = "1"  # read by each worker's create_app
    import uvicorn

    uvicorn.run(
        "bench.serve:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        server_header=False,
        log_level="info",
    )


if __name__ == "__main__":
    main()

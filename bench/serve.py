"""The web app served as `workforce serve` serves it, for a benchmark dataset.

    python -m bench.serve --port 8765 [--workers 1]     (environment from bench.common.Dataset.env())

The same uvicorn settings as ``workforce serve`` (see ``workforce.cli.serve``); the app factory only first
points PostgreSQL connections at the dataset's schema (each worker process does it for itself). With the
national set at scale 1.0 (schema ``public``) ``workforce serve`` itself gives the same server.
"""

from __future__ import annotations

import argparse

from bench.common import child_setup


def create_app():
    child_setup(create_schema=False)  # search_path for the dataset's schema (PostgreSQL); nothing on SQLite
    from workforce.app import create_app as workforce_app

    return workforce_app()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
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

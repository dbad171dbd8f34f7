"""The one Litestar app factory."""

from __future__ import annotations

from litestar import Litestar, get

import workforce  # noqa: F401  (sets PICCOLO_CONF)
from workforce.config import get_settings
from workforce.database import close_pool, engine, open_pool


@get("/healthz", sync_to_thread=False, opt={"public": True})
async def healthz() -> dict[str, str]:
    """Liveness and database check for load balancers."""
    db = engine()
    await db.run_ddl("SELECT 1")
    return {"status": "ok", "database": db.engine_type}


def create_app() -> Litestar:
    settings = get_settings()
    return Litestar(
        route_handlers=[healthz],
        on_startup=[open_pool],
        on_shutdown=[close_pool],
        debug=not settings.is_production and settings.environment == "development",
    )

"""Database fixtures: one migrated database per run, emptied before every test."""

from __future__ import annotations

import pytest

from workforce import database
from workforce.db import is_postgres


async def _drop_everything() -> None:
    db = database.engine()
    if is_postgres(db):
        await db.run_ddl("DROP SCHEMA public CASCADE")
        await db.run_ddl("CREATE SCHEMA public")


@pytest.fixture(scope="session")
async def migrated_db():
    await _drop_everything()
    await database.migrate()
    await database.open_pool()
    yield database.engine()
    await database.close_pool()


@pytest.fixture(autouse=True)
async def clean_db(migrated_db):
    await database.truncate_all()
    yield migrated_db

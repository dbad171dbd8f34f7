import os

from workforce import database
from workforce.organisations.tables import School


async def test_suite_runs_on_the_engine_it_was_asked_for(migrated_db):
    expected = "postgres" if os.environ.get("TEST_DATABASE_URL") else "sqlite"
    assert migrated_db.engine_type == expected


async def test_migrate_is_idempotent():
    await database.migrate()
    await database.migrate()
    assert await School.count() == 0


async def test_tables_start_empty_for_each_test_part_one():
    await School.insert(School(urn=100000, name="A", type_code=1))
    assert await School.count() == 1


async def test_tables_start_empty_for_each_test_part_two():
    assert await School.count() == 0

"""`workforce import ...` through click: exit codes, summary on stdout, one line per problem on stderr.

These tests are synchronous: the command runs its own event loop (``workforce.cli.run_async``), which opens
and closes the database pool itself, so the test suite's pool is set aside while it runs.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from import_helpers import GIAS_SAMPLE, csv_bytes, fixture

from workforce.cli import main, run_async
from workforce.database import engine
from workforce.organisations.tables import School
from workforce.people.tables import StaffMember


@pytest.fixture
def cli():
    db = engine()
    saved = getattr(db, "pool", None)
    if saved is not None:
        db.pool = None
    runner = CliRunner()
    yield lambda *args: runner.invoke(main, ["import", *map(str, args)], catch_exceptions=False)
    if saved is not None:
        db.pool = saved


def test_gias_then_staff_from_the_command_line(cli):
    first = cli("gias", GIAS_SAMPLE)
    assert first.exit_code == 0, first.stderr
    assert first.stdout.startswith("gias import applied: 99 rows read;")
    assert "schools: 99 created" in first.stdout
    assert run_async(School.count()) == 99

    second = cli("gias", GIAS_SAMPLE)
    assert second.exit_code == 0
    assert (
        "0 created, 0 updated" in second.stdout
        and "schools: 0 created, 0 updated, 99 unchanged" in second.stdout
    )
    assert run_async(School.count()) == 99


def test_rejected_file_exits_1_with_one_line_per_problem_on_stderr(cli, tmp_path):
    assert cli("gias", fixture("gias_small.csv")).exit_code == 0
    bad = tmp_path / "staff.csv"
    header = ["staff_id", "trn", "first_name", "last_name", "school_urn", "role", "start_date"]
    bad.write_bytes(
        csv_bytes(
            header,
            ["S1", "1234567", "Ann", "Ray", "140001", "teacher", "2024-09-01"],
            ["S2", "12345", "Bob", "Fox", "140001", "teacher", "2024-09-01"],
            ["S3", "", "Cy", "Lee", "140001", "janitor", "2024-09-01"],
        )
    )
    result = cli("staff", bad)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "row 3, column trn: TRN must be exactly 7 digits, got '12345'",
        "row 4, column role: unknown role 'janitor'; expected one of: teacher, ta, senco, headteacher, "
        "deputy-head, assistant-head, trust-leader, other",
        "staff import rejected: 2 errors in 2 rows (3 rows read); nothing was written.",
    ]
    assert run_async(StaffMember.count()) == 0


def test_dry_run_writes_nothing_and_progress_bar_runs(cli):
    result = cli("gias", GIAS_SAMPLE, "--dry-run", "--progress")
    assert result.exit_code == 0, result.stderr
    assert "dry run, nothing written" in result.stdout and "schools: 99 created" in result.stdout
    assert "Importing gias_sample_npq.csv" in result.stderr
    assert run_async(School.count()) == 0


def test_gias_as_of_option(cli, tmp_path):
    assert cli("gias", fixture("gias_subset_itt.csv"), "--as-of", "2025-01-31").exit_code == 0
    bad = cli("gias", fixture("gias_subset_itt.csv"), "--as-of", "31/01/2025")
    assert bad.exit_code == 2 and "--as-of" in bad.stderr

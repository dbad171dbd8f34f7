"""`workforce standards ...` and `workforce evaluate ...` run as a user would run them (a real process)."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

from workforce.compliance.tables import EvaluationSnapshot


def workforce(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "workforce.cli", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=120,
    )


async def test_evaluate_json_lists_gaps_with_reasons(dataset):
    result = workforce("evaluate", "--standard", "proposed-2025", "--as-of", "2026-11-23", "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["standard"] == "proposed-2025"
    assert document["version"] == "2025.1"
    assert document["as_of"] == "2026-11-23"
    assert document["scope"] == {"kind": "national", "ref": None}
    assert document["params"] == {}
    assert document["snapshot"] is None
    for finding in document["findings"]:
        assert {"rule", "subject", "urn", "trust_uid", "person_id", "outcome", "basis", "due", "reason"} <= set(finding)
    gaps = [f for f in document["findings"] if f["outcome"] == "gap"]
    khan = next(f for f in gaps if f["rule"] == "senco-qualification" and f["urn"] == 100001)
    assert khan["reason"].startswith("Ms A Khan became SENCO on 3 January 2023 and has no passed NPQ for SENCOs")
    assert khan["due"] == "2026-01-03"
    assert khan["person_id"] == dataset.staff["khan"].id
    assert khan["subject"] == "person" and khan["basis"] == "law" and khan["trust_uid"] == "TR01"
    assert document["summary"]["senco-qualification"]["gap"] >= 1
    assert await EvaluationSnapshot.count() == 0


async def test_evaluate_a_trust_with_a_what_if_and_save_it(dataset):
    result = workforce(
        "evaluate", "--standard", "proposed-2025", "--as-of", "2026-11-23", "--trust", "TR01",
        "--set", "senco-capacity.min_fte_per_100_sen=0.6", "--set", "send-cpd-annual.effective_from=2025-09-01",
        "--format", "json", "--save",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["params"] == {"send-cpd-annual.effective_from": "2025-09-01", "senco-capacity.min_fte_per_100_sen": 0.6}
    assert {f["urn"] for f in document["findings"] if f["urn"]} == {100001, 100002, 100005}
    capacity = next(f for f in document["findings"] if f["rule"] == "senco-capacity" and f["urn"] == 100001)
    assert capacity["metrics"]["min_fte_per_100_sen"] == 0.6
    assert capacity["metrics"]["required_fte"] == 0.45  # 75 pupils with SEN x 0.6 / 100
    snapshot = await EvaluationSnapshot.objects().first()
    assert document["snapshot"] == {"id": snapshot.id, "content_hash": snapshot.content_hash}
    assert snapshot.scope == "trust" and snapshot.scope_ref == "TR01" and snapshot.created_by == "cli:evaluate"
    assert "Saved snapshot" in result.stderr


async def test_evaluate_csv_and_table(dataset):
    result = workforce("evaluate", "--standard", "statutory-2024", "--as-of", "2026-11-23", "--school", "100004", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert list(rows[0]) == ["rule", "subject", "urn", "trust_uid", "person_id", "outcome", "basis", "due", "reason"]
    moved = next(r for r in rows if r["rule"] == "senco-qualification")
    assert moved["outcome"] == "gap" and moved["due"] == "2023-09-01"
    assert "Mr B Jones became SENCO on 1 September 2020 (first appointed at another school)" in moved["reason"]
    table = workforce("evaluate", "--standard", "statutory-2024", "--as-of", "2026-11-23", "--school", "100004")
    assert table.returncode == 0, table.stderr
    assert "senco-qualification [law]" in table.stdout
    assert "GAP" in table.stdout and "(due 1 September 2023)" in table.stdout


async def test_bad_input_exits_non_zero_with_one_clear_line(dataset):
    cases = [
        (("evaluate", "--standard", "nope"), "unknown standard 'nope' (available: proposed-2025, statutory-2024)"),
        (("evaluate", "--standard", "proposed-2025", "--school", "999999"), "unknown school URN 999999"),
        (("evaluate", "--standard", "proposed-2025", "--trust", "TR99"), "unknown trust UID 'TR99'"),
        (("evaluate", "--standard", "proposed-2025", "--set", "senco-capacity.nope=1"), "has no parameter 'nope'"),
        (("evaluate", "--standard", "proposed-2025", "--set", "nope.x=1"), "has no rule 'nope'"),
        (("evaluate", "--standard", "proposed-2025", "--as-of", "23/11/2026"), "--as-of: expected a date as YYYY-MM-DD"),
        (("evaluate", "--standard", "proposed-2025", "--school", "100001", "--trust", "TR01"), "not both"),
        (("standards", "show", "nope"), "unknown standard 'nope'"),
    ]
    for args, message in cases:
        result = workforce(*args)
        assert result.returncode != 0, args
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1, (args, result.stderr)
        assert message in lines[0], (args, lines[0])
        assert result.stdout == ""


def test_standards_list_and_show():
    listed = workforce("standards", "list")
    assert listed.returncode == 0, listed.stderr
    assert "proposed-2025" in listed.stdout and "statutory-2024" in listed.stdout
    shown = workforce("standards", "show", "proposed-2025")
    assert shown.returncode == 0, shown.stderr
    assert "includes every rule of statutory-2024" in shown.stdout
    assert "senco-capacity.min_fte_per_100_sen = 0.5" in shown.stdout
    assert "send-cpd-annual.effective_from = \"2026-09-01\"" in shown.stdout

"""Saved evaluations: reproducible, atomic, and the latest published one is easy to find."""

from __future__ import annotations

import pytest

from compliance_data import D
from workforce.compliance.evaluation import evaluate_scope
from workforce.compliance.snapshots import (
    snapshot_create,
    snapshot_findings,
    snapshot_get,
    snapshot_latest,
    snapshot_list,
    snapshot_take,
)
from workforce.compliance.tables import EvaluationSnapshot, SnapshotFinding
from workforce.standards import Finding, StandardError, UnknownStandardError, findings_hash, load_standard
from workforce.compliance.facts import ScopeError

AS_OF = D(2026, 11, 23)


async def test_a_snapshot_stores_the_findings_exactly(dataset):
    standard, findings = await evaluate_scope(standard_id="proposed-2025", as_of=AS_OF, trust_uid="TR01")
    assert any(f.metrics for f in findings) and any(f.due for f in findings)
    snapshot = await snapshot_create(
        standard=standard, as_of=AS_OF, findings=findings, scope="trust", scope_ref="TR01", params={}, actor="test"
    )
    stored = await snapshot_get(snapshot.id)
    assert stored.standard_id == "proposed-2025" and stored.standard_version == "2025.1"
    assert stored.as_of == AS_OF and stored.scope == "trust" and stored.scope_ref == "TR01"
    assert stored.finding_count == len(findings)
    assert stored.content_hash == findings_hash(findings)
    assert stored.created_by == "test"
    restored = await snapshot_findings(snapshot.id)
    assert restored == findings
    assert findings_hash(restored) == stored.content_hash


async def test_findings_are_inserted_in_chunks_in_order():
    standard = load_standard("statutory-2024")
    findings = [
        Finding(standard.id, "senco-designated", "school", "gap", "law", f"Reason {i}", urn=100000 + i)
        for i in range(4500)
    ]
    snapshot = await snapshot_create(
        standard=standard, as_of=AS_OF, findings=findings, scope="national", scope_ref=None, params=None, actor="test"
    )
    assert await SnapshotFinding.count().where(SnapshotFinding.snapshot == snapshot.id) == 4500
    assert await snapshot_findings(snapshot.id) == findings


async def test_a_failed_save_leaves_nothing_behind():
    standard = load_standard("statutory-2024")
    good = [Finding(standard.id, "senco-designated", "school", "met", "law", f"Reason {i}", urn=i) for i in range(2500)]
    bad = Finding(standard.id, "senco-designated", "school", "met", "law", None, urn=9)  # reason is required
    with pytest.raises(Exception):
        await snapshot_create(
            standard=standard, as_of=AS_OF, findings=[*good, bad], scope="national", scope_ref=None, params={}, actor="t"
        )
    assert await EvaluationSnapshot.count() == 0
    assert await SnapshotFinding.count() == 0


async def test_invalid_snapshots_are_refused():
    standard = load_standard("statutory-2024")
    with pytest.raises(ValueError, match="scope must be one of"):
        await snapshot_create(standard=standard, as_of=AS_OF, findings=[], scope="region", scope_ref="H", params={}, actor="t")
    with pytest.raises(ValueError, match="needs one"):
        await snapshot_create(standard=standard, as_of=AS_OF, findings=[], scope="school", scope_ref=None, params={}, actor="t")
    other = [Finding("proposed-2025", "senco-designated", "school", "met", "law", "x", urn=1)]
    with pytest.raises(ValueError, match="cannot be saved as a snapshot of statutory-2024"):
        await snapshot_create(standard=standard, as_of=AS_OF, findings=other, scope="national", scope_ref=None, params={}, actor="t")


async def test_the_latest_published_snapshot_supersedes_earlier_ones(dataset):
    first = await snapshot_take(standard_id="proposed-2025", as_of=AS_OF, school_urn=100001, actor="test")
    assert first.scope == "school" and first.scope_ref == "100001"
    assert (await snapshot_latest(standard_id="proposed-2025", scope="school", scope_ref="100001")).id == first.id
    what_if = await snapshot_take(
        standard_id="proposed-2025",
        as_of=AS_OF,
        school_urn=100001,
        actor="test",
        overrides={"senco-capacity.min_fte_per_100_sen": 0.6},
    )
    assert what_if.params in ({"senco-capacity.min_fte_per_100_sen": 0.6}, '{"senco-capacity.min_fte_per_100_sen": 0.6}')
    assert (await snapshot_latest(standard_id="proposed-2025", scope="school", scope_ref="100001")).id == first.id
    latest_any = await snapshot_latest(standard_id="proposed-2025", scope="school", scope_ref="100001", published_only=False)
    assert latest_any.id == what_if.id
    second = await snapshot_take(standard_id="proposed-2025", as_of=AS_OF, school_urn=100001, actor="test")
    assert (await snapshot_latest(standard_id="proposed-2025", scope="school", scope_ref="100001")).id == second.id
    assert second.content_hash == first.content_hash  # same data, same findings, same hash
    assert await snapshot_latest(standard_id="proposed-2025", scope="school", scope_ref="100002") is None
    assert await snapshot_latest(standard_id="statutory-2024", scope="school", scope_ref="100001") is None
    national = await snapshot_take(standard_id="proposed-2025", as_of=AS_OF, actor="test")
    assert (await snapshot_latest(standard_id="proposed-2025", scope="national")).id == national.id
    assert [s.id for s in await snapshot_list(standard_id="proposed-2025")] == [national.id, second.id, what_if.id, first.id]


async def test_evaluate_scope_checks_its_inputs_before_querying(dataset, query_counter):
    with pytest.raises(UnknownStandardError):
        await evaluate_scope(standard_id="nope", as_of=AS_OF)
    with pytest.raises(StandardError, match="has no parameter"):
        await evaluate_scope(standard_id="proposed-2025", as_of=AS_OF, overrides={"senco-capacity.x": 1})
    assert query_counter.count == 0
    with pytest.raises(ScopeError):
        await evaluate_scope(standard_id="proposed-2025", as_of=AS_OF, school_urn=999999)
    with pytest.raises(ValueError):
        await evaluate_scope(standard_id="proposed-2025", as_of=AS_OF, school_urn=100001, trust_uid="TR01")
    standard, findings = await evaluate_scope(
        standard_id="proposed-2025", as_of=AS_OF, school_urn=100001, overrides={"send-cpd-annual.min_hours": "6"}
    )
    assert standard.overrides == {"send-cpd-annual.min_hours": 6.0}
    assert {f.urn for f in findings} == {100001}
    assert not [f for f in findings if f.subject == "trust"]

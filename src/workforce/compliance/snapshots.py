"""Saved evaluations: a dated, reproducible snapshot of a standard's findings for a scope.

Certificates refer to a snapshot (and are "superseded" when a newer published snapshot of the same
scope and standard exists); DfE trends read the series of snapshots. ``content_hash`` is the sha256 of
the canonical findings JSON, so the same findings always give the same hash.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any

from workforce.compliance.evaluation import (
    SCOPE_NATIONAL,
    SCOPE_SCHOOL,
    SCOPE_TRUST,
    evaluate_scope,
    scope_of,
)
from workforce.compliance.tables import EvaluationSnapshot, SnapshotFinding
from workforce.database import write_transaction
from workforce.standards import Finding, Standard, findings_hash

__all__ = [
    "evaluate_scope",
    "snapshot_create",
    "snapshot_findings",
    "snapshot_get",
    "snapshot_latest",
    "snapshot_list",
    "snapshot_take",
]

SCOPES = (SCOPE_NATIONAL, SCOPE_TRUST, SCOPE_SCHOOL)
_COLUMNS = ("snapshot", "rule", "subject", "urn", "trust_uid", "person_id", "outcome", "basis", "due", "reason", "metrics")
CHUNK_ROWS = 2000  # 11 parameters a row: 22,000 per statement, under both engines' limits


async def snapshot_create(
    *,
    standard: Standard,
    as_of: dt.date,
    findings: Sequence[Finding],
    scope: str,
    scope_ref: str | None,
    params: Mapping[str, Any] | None,
    actor: str,
) -> EvaluationSnapshot:
    """Save findings as a snapshot, all or nothing (findings are inserted in chunks in one transaction).

    ``params`` are the what-if overrides the findings were computed with (``{}`` or None for the
    published standard; ``standard.overrides`` gives them in JSON form).
    """
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}, got {scope!r}")
    if (scope == SCOPE_NATIONAL) != (scope_ref is None):
        raise ValueError("a national snapshot has no scope_ref; a school or trust snapshot needs one")
    findings = list(findings)
    foreign = {f.standard for f in findings} - {standard.id}
    if foreign:
        raise ValueError(f"findings of {', '.join(sorted(foreign))} cannot be saved as a snapshot of {standard.id}")
    snapshot = EvaluationSnapshot(
        standard_id=standard.id,
        standard_version=standard.version,
        as_of=as_of,
        scope=scope,
        scope_ref=scope_ref,
        params=json.dumps(dict(params or {}), sort_keys=True, default=str),
        finding_count=len(findings),
        content_hash=findings_hash(findings),
        created_at=dt.datetime.now(dt.UTC),
        created_by=actor,
    )
    async with write_transaction():
        await snapshot.save()
        for start in range(0, len(findings), CHUNK_ROWS):
            chunk = findings[start : start + CHUNK_ROWS]
            placeholders = ", ".join(["(" + ", ".join(["{}"] * len(_COLUMNS)) + ")"] * len(chunk))
            values: list[Any] = []
            for f in chunk:
                values.extend(
                    (
                        snapshot.id,
                        f.rule,
                        f.subject,
                        f.urn,
                        f.trust_uid,
                        f.person_id,
                        f.outcome,
                        f.basis,
                        f.due,
                        f.reason,
                        json.dumps(f.metrics, sort_keys=True) if f.metrics is not None else None,
                    )
                )
            await SnapshotFinding.raw(
                f"INSERT INTO snapshot_finding ({', '.join(_COLUMNS)}) VALUES {placeholders}", *values
            )
    return snapshot


async def snapshot_take(
    *,
    standard_id: str,
    as_of: dt.date,
    actor: str,
    school_urn: int | None = None,
    trust_uid: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> EvaluationSnapshot:
    """Evaluate a school, a trust or the country now and save the result as a snapshot."""
    scope, scope_ref = scope_of(school_urn=school_urn, trust_uid=trust_uid)
    standard, findings = await evaluate_scope(
        standard_id=standard_id, as_of=as_of, school_urn=school_urn, trust_uid=trust_uid, overrides=overrides
    )
    return await snapshot_create(
        standard=standard,
        as_of=as_of,
        findings=findings,
        scope=scope,
        scope_ref=scope_ref,
        params=standard.overrides,
        actor=actor,
    )


async def snapshot_get(snapshot_id: int) -> EvaluationSnapshot | None:
    return await EvaluationSnapshot.objects().where(EvaluationSnapshot.id == snapshot_id).first()


async def snapshot_findings(snapshot_id: int) -> list[Finding]:
    """The saved findings, in the order the engine produced them (their hash equals the snapshot's)."""
    snapshot = await EvaluationSnapshot.select(EvaluationSnapshot.standard_id).where(
        EvaluationSnapshot.id == snapshot_id
    ).first()
    if snapshot is None:
        raise LookupError(f"no snapshot {snapshot_id}")
    rows = (
        await SnapshotFinding.select(*[getattr(SnapshotFinding, c) for c in _COLUMNS[1:]])
        .where(SnapshotFinding.snapshot == snapshot_id)
        .order_by(SnapshotFinding.id)
        .output(load_json=True)
    )
    return [
        Finding(
            standard=snapshot["standard_id"],
            rule=row["rule"],
            subject=row["subject"],
            outcome=row["outcome"],
            basis=row["basis"],
            reason=row["reason"],
            urn=row["urn"],
            trust_uid=row["trust_uid"],
            person_id=row["person_id"],
            due=row["due"],
            metrics=row["metrics"],
        )
        for row in rows
    ]


def _params(value: Any) -> dict:
    if isinstance(value, str):
        value = json.loads(value or "{}")
    return value or {}


async def snapshot_list(
    *,
    standard_id: str | None = None,
    scope: str | None = None,
    scope_ref: str | None = None,
    published_only: bool = False,
    limit: int = 100,
) -> list[EvaluationSnapshot]:
    """Snapshots, newest first (by creation), optionally of one standard and scope; what-ifs excluded with
    ``published_only``."""
    query = EvaluationSnapshot.objects()
    if standard_id is not None:
        query = query.where(EvaluationSnapshot.standard_id == standard_id)
    if scope is not None:
        query = query.where(EvaluationSnapshot.scope == scope)
        query = query.where(
            EvaluationSnapshot.scope_ref.is_null() if scope_ref is None else EvaluationSnapshot.scope_ref == scope_ref
        )
    query = query.order_by(EvaluationSnapshot.created_at, ascending=False).order_by(EvaluationSnapshot.id, ascending=False)
    found = []
    for snapshot in await query:
        if published_only and _params(snapshot.params):
            continue
        found.append(snapshot)
        if len(found) >= limit:
            break
    return found


async def snapshot_latest(
    *, standard_id: str, scope: str, scope_ref: str | None = None, published_only: bool = True
) -> EvaluationSnapshot | None:
    """The newest snapshot of a scope and standard (published, i.e. without what-if overrides, by default).

    A certificate is superseded when this is not the snapshot it was issued from.
    """
    found = await snapshot_list(
        standard_id=standard_id, scope=scope, scope_ref=scope_ref, published_only=published_only, limit=1
    )
    return found[0] if found else None

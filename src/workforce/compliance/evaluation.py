"""Evaluate a school, a trust or the whole country against a standard (a read: nothing is saved)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from workforce.compliance.facts import facts_gather
from workforce.standards import Finding, Standard, apply_overrides, evaluate, load_standard

SCOPE_NATIONAL = "national"
SCOPE_TRUST = "trust"
SCOPE_SCHOOL = "school"


def scope_of(*, school_urn: int | None = None, trust_uid: str | None = None) -> tuple[str, str | None]:
    """``("school", "100001")``, ``("trust", "TR01")`` or ``("national", None)``: how snapshots name a scope."""
    if school_urn is not None and trust_uid is not None:
        raise ValueError("give a school or a trust, not both")
    if school_urn is not None:
        return SCOPE_SCHOOL, str(int(school_urn))
    if trust_uid is not None:
        return SCOPE_TRUST, trust_uid
    return SCOPE_NATIONAL, None


async def evaluate_scope(
    *,
    standard_id: str,
    as_of: dt.date,
    school_urn: int | None = None,
    trust_uid: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> tuple[Standard, list[Finding]]:
    """Gather the facts of one school, one trust or (neither given) the country, and judge them.

    Returns the standard as applied (with ``overrides``; its ``overrides`` attribute records them) and
    the findings. Raises ``UnknownStandardError``/``StandardError`` (bad standard or override) before any
    query, and ``ScopeError`` for an unknown URN or trust UID.
    """
    scope_of(school_urn=school_urn, trust_uid=trust_uid)
    standard = apply_overrides(load_standard(standard_id), overrides)
    facts = await facts_gather(
        as_of=as_of,
        school_urns=[int(school_urn)] if school_urn is not None else None,
        trust_uid=trust_uid,
    )
    return standard, evaluate(standard, facts, as_of)

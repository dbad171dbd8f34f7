"""Writes to organisation records outside the GIAS import (which does its own set-based writes).

Trust memberships follow one rule everywhere: a school belongs to a trust on date D when
``joined_on`` is empty or on/before D, and ``left_on`` is empty or after D (``left_on`` is the first day
the school is no longer in the trust). A move on date D ends the old membership with ``left_on = D`` and
opens the new one with ``joined_on = D``.
"""

from __future__ import annotations

import datetime as dt

from workforce.compliance.summaries import records_changed
from workforce.database import write_transaction
from workforce.organisations.tables import School, TrustMembership


class UnknownSchool(LookupError):
    pass


async def school_opted_in_set(*, urn: int, opted_in: bool) -> bool:
    """Include (or exclude again) an out-of-scope establishment in the checks; True when it changed."""
    school = await School.select(School.id, School.opted_in).where(School.urn == urn).first()
    if school is None:
        raise UnknownSchool(f"no school has URN {urn}")
    if school["opted_in"] == opted_in:
        return False
    async with write_transaction():
        await School.update({School.opted_in: opted_in, School.updated_at: dt.datetime.now(dt.UTC)}).where(
            School.id == school["id"]
        )
        await records_changed(school_ids=[school["id"]])
    return True


async def trust_membership_move(*, school_id: int, trust_id: int | None, on: dt.date) -> bool:
    """Make ``trust_id`` (None: no trust) the school's trust from ``on``; True when anything changed.

    Open memberships of other trusts end on ``on``; a new membership starts on ``on`` unless the school is
    already in that trust.
    """
    async with write_transaction():
        current = await TrustMembership.select(TrustMembership.id, TrustMembership.trust).where(
            (TrustMembership.school == school_id) & TrustMembership.left_on.is_null()
        )
        stale = [m["id"] for m in current if m["trust"] != trust_id]
        if stale:
            await TrustMembership.update({TrustMembership.left_on: on}).where(TrustMembership.id.is_in(stale))
        if trust_id is None or any(m["trust"] == trust_id for m in current):
            if stale:
                await records_changed(school_ids=[school_id])
            return bool(stale)
        await TrustMembership.insert(
            TrustMembership(trust=trust_id, school=school_id, joined_on=on, left_on=None)
        )
        await records_changed(school_ids=[school_id])
        return True

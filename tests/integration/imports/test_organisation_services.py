"""organisations.services: opting an establishment in, and moving a school between trusts."""

from __future__ import annotations

import datetime as dt

import pytest
from import_helpers import GIAS_SUBSET, must_import

from workforce.organisations.services import UnknownSchool, school_opted_in_set, trust_membership_move
from workforce.organisations.tables import School, Trust, TrustMembership


async def test_opt_in_an_out_of_scope_school():
    await must_import("gias", GIAS_SUBSET)
    assert await school_opted_in_set(urn=101173, opted_in=True) is True  # independent special school
    assert await school_opted_in_set(urn=101173, opted_in=True) is False
    assert (await School.select(School.opted_in).where(School.urn == 101173).first())["opted_in"] is True
    # A later GIAS import does not undo the choice.
    await must_import("gias", GIAS_SUBSET)
    assert (await School.select(School.opted_in).where(School.urn == 101173).first())["opted_in"] is True
    with pytest.raises(UnknownSchool):
        await school_opted_in_set(urn=999999, opted_in=True)


async def test_trust_membership_move():
    await must_import("gias", GIAS_SUBSET)
    school = (await School.select(School.id).where(School.urn == 137666).first())["id"]
    trusts = {t["uid"]: t["id"] for t in await Trust.select(Trust.uid, Trust.id)}
    on = dt.date(2025, 9, 1)

    assert await trust_membership_move(school_id=school, trust_id=trusts["3104"], on=on) is False
    assert await trust_membership_move(school_id=school, trust_id=trusts["1579"], on=on) is True
    assert await trust_membership_move(school_id=school, trust_id=None, on=dt.date(2026, 1, 1)) is True
    rows = (
        await TrustMembership.select(
            TrustMembership.trust.uid, TrustMembership.joined_on, TrustMembership.left_on
        )
        .where(TrustMembership.school == school)
        .order_by(TrustMembership.id)
    )
    assert rows == [
        {"trust.uid": "3104", "joined_on": dt.date(2011, 11, 1), "left_on": on},
        {"trust.uid": "1579", "joined_on": on, "left_on": dt.date(2026, 1, 1)},
    ]

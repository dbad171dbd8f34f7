"""Inspector access: time-limited, read-only grants to one school or trust, and the log of what was seen.

- ``inspector_grant_create(email=, school_urn= | trust_uid=, days=, actor=)`` -> (grant, token): the token
  goes into the invitation link once; only its SHA-256 is stored.
- ``inspector_grant_accept(token=, user_id=)``: an inspector account takes up an invitation addressed to its
  email; expired, revoked or unknown invitations are refused.
- ``inspector_grant_revoke(grant_id=, actor=)``.
- ``inspector_access_allowed(user, kind, key)``: registered with ``web.security.register_inspector_access``
  so the scope checks (``can_see_school``/``can_see_trust``) let an inspector in while an accepted grant is
  live. Inspectors never see individual staff records.
- ``inspector_access_record(user=, kind=, key=, action=, path=)``: log a view or download under the live
  grant.

Inspectors are read-only by role: no write route lets the ``inspector`` role in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from workforce.audit import audit_entry
from workforce.certificates.tables import InspectorAccessLog, InspectorGrant
from workforce.organisations.tables import School, Trust, TrustMembership
from workforce.people.tables import AuditEntry, UserAccount
from workforce.web.security import register_inspector_access

DEFAULT_DAYS = 14
MAX_DAYS = 90


class GrantError(RuntimeError):
    """The grant cannot be created, accepted or revoked (message fit for the user)."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def inspector_grant_create(
    *,
    email: str,
    actor: str,
    school_urn: int | None = None,
    trust_uid: str | None = None,
    days: int = DEFAULT_DAYS,
) -> tuple[InspectorGrant, str]:
    email = (email or "").strip().lower()
    if "@" not in email or len(email) > 255:
        raise GrantError("Enter the inspector's email address")
    if (school_urn is None) == (trust_uid is None):
        raise GrantError("Grant access to exactly one school or one trust")
    if not 1 <= days <= MAX_DAYS:
        raise GrantError(f"Access can last from 1 to {MAX_DAYS} days")
    school = trust = None
    if school_urn is not None:
        school = await School.select(School.id).where(School.urn == school_urn).first()
        if school is None:
            raise GrantError(f"No school with URN {school_urn}")
    else:
        trust = await Trust.select(Trust.id).where(Trust.uid == trust_uid).first()
        if trust is None:
            raise GrantError(f"No trust with UID {trust_uid}")
    token = secrets.token_urlsafe(32)
    now = _now()
    grant = InspectorGrant(
        email=email,
        school=school["id"] if school else None,
        trust=trust["id"] if trust else None,
        token_hash=token_hash(token),
        created_at=now,
        expires_at=now + dt.timedelta(days=days),
        granted_by=actor,
    )
    async with InspectorGrant._meta.db.transaction():
        await grant.save()
        await AuditEntry.insert(
            audit_entry(
                actor=actor,
                action="grant",
                entity="inspector_grant",
                entity_id=grant.id,
                after={
                    "email": email,
                    "school_urn": school_urn,
                    "trust_uid": trust_uid,
                    "expires_at": grant.expires_at.isoformat(),
                },
            )
        )
    return grant, token


async def inspector_grant_accept(*, token: str, user_id: int) -> InspectorGrant:
    grant = await InspectorGrant.objects().where(InspectorGrant.token_hash == token_hash(token or "")).first()
    if grant is None:
        raise GrantError("This invitation link is not valid")
    if grant.revoked_at is not None:
        raise GrantError("This invitation has been withdrawn")
    if grant.expires_at <= _now():
        raise GrantError("This invitation has expired: ask the school or trust for a new one")
    user = (
        await UserAccount.select(UserAccount.email, UserAccount.role).where(UserAccount.id == user_id).first()
    )
    if user is None or user["role"] != "inspector":
        raise GrantError("Only an inspector's account can accept an invitation")
    if user["email"].lower() != grant.email:
        raise GrantError("This invitation was sent to another email address")
    if grant.user is not None and grant.user != user_id:
        raise GrantError("This invitation has already been accepted")
    if grant.accepted_at is None:
        grant.accepted_at = _now()
        grant.user = user_id
        await InspectorGrant.update(
            {InspectorGrant.accepted_at: grant.accepted_at, InspectorGrant.user: user_id}
        ).where(InspectorGrant.id == grant.id)
    return grant


async def inspector_grant_revoke(*, grant_id: int, actor: str) -> None:
    now = _now()
    async with InspectorGrant._meta.db.transaction():
        updated = (
            await InspectorGrant.update({InspectorGrant.revoked_at: now})
            .where((InspectorGrant.id == grant_id) & InspectorGrant.revoked_at.is_null())
            .returning(InspectorGrant.id)
        )
        if not updated:
            raise GrantError("No such grant, or it was already withdrawn")
        await AuditEntry.insert(
            audit_entry(
                actor=actor,
                action="revoke",
                entity="inspector_grant",
                entity_id=grant_id,
                after={"revoked_at": now.isoformat()},
            )
        )


@dataclass(frozen=True)
class LiveGrant:
    id: int
    school_urn: int | None
    trust_uid: str | None
    trust_id: int | None


async def live_grants(user_id: int) -> list[LiveGrant]:
    """The user's accepted grants that are neither expired nor revoked."""
    rows = await InspectorGrant.select(
        InspectorGrant.id,
        InspectorGrant.expires_at,
        InspectorGrant.school.urn.as_alias("school_urn"),
        InspectorGrant.trust.as_alias("trust_id"),
        InspectorGrant.trust.uid.as_alias("trust_uid"),
    ).where(
        (InspectorGrant.user == user_id)
        & InspectorGrant.accepted_at.is_not_null()
        & InspectorGrant.revoked_at.is_null()
    )
    now = _now()
    return [
        LiveGrant(row["id"], row["school_urn"], row["trust_uid"], row["trust_id"])
        for row in rows
        if row["expires_at"] > now
    ]


async def _grant_covering(user_id: int, kind: str, key) -> LiveGrant | None:
    if kind not in ("school", "trust"):
        return None  # inspectors never see individual staff records
    grants = await live_grants(user_id)
    for grant in grants:
        if kind == "trust" and grant.trust_uid is not None and grant.trust_uid == str(key):
            return grant
        if kind == "school" and grant.school_urn is not None and grant.school_urn == int(key):
            return grant
    if kind == "school":
        trust_ids = [g.trust_id for g in grants if g.trust_id is not None]
        if trust_ids:
            today = dt.date.today()
            rows = await TrustMembership.select(TrustMembership.trust).where(
                TrustMembership.trust.is_in(trust_ids)
                & (TrustMembership.school.urn == int(key))
                & (TrustMembership.joined_on.is_null() | (TrustMembership.joined_on <= today))
                & (TrustMembership.left_on.is_null() | (TrustMembership.left_on >= today))
            )
            member_of = {row["trust"] for row in rows}
            for grant in grants:
                if grant.trust_id in member_of:
                    return grant
    return None


async def inspector_access_allowed(user, kind: str, key) -> bool:
    """The hook for ``web.security``: may this inspector see this school or trust now?"""
    if getattr(user, "role", None) != "inspector":
        return False
    return await _grant_covering(user.id, kind, key) is not None


async def inspector_access_record(*, user, kind: str, key, action: str, path: str = "") -> None:
    """Log what an inspector opened (a no-op for other roles)."""
    if getattr(user, "role", None) != "inspector":
        return
    grant = await _grant_covering(user.id, kind, key)
    if grant is None:
        return
    await InspectorAccessLog.insert(
        InspectorAccessLog(grant=grant.id, at=_now(), action=action[:32], path=path[:255])
    )


# Importing this module (the certificate routes do) lets inspectors in through their live grants.
register_inspector_access(inspector_access_allowed)

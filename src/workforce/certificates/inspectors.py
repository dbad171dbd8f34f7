"""Inspector access: time-limited, read-only grants to one school or trust, and the log of what was seen.

Writes:

- ``inspector_grant_create(email=, school_urn= | trust_uid=, days=, actor=)`` -> (grant, token): the token
  goes into the invitation link once; only its SHA-256 is stored. Access lasts 1 to 60 days.
- ``inspector_grant_accept(token=, user_id=)``: an inspector account takes up an invitation addressed to its
  email; expired, withdrawn, used or unknown invitations are refused (``GrantError.kind`` says which).
- ``inspector_grant_revoke(grant_id=, actor=)`` (withdraw).
- ``inspector_access_allowed(user, kind, key)``: registered with ``web.security.register_inspector_access``
  so the scope checks (``can_see_school``/``can_see_trust``) let an inspector in while an accepted grant is
  live. Inspectors never see individual staff records.
- ``inspector_access_record(user=, kind=, key=, action=, path=)``: log a view or download under the live
  grant.

Reads (for the pages):

- ``inspector_invitation_check(token=, user_id=)``: the grant an invitation link stands for, if this user may
  accept it (``GrantError`` otherwise); writes nothing.
- ``grants_for_lead(user)`` / ``grants_of_inspector(user_id)`` / ``grant_view(grant_id)``: grants with their
  status (pending, accepted, expired, withdrawn); ``grant_manageable(user, grant)``; ``grant_scope_choices(user)``.
- ``access_log_for_lead(user)``: what inspectors opened, as the school or trust may see it.

Inspectors are read-only by role: no write route lets the ``inspector`` role in (except accepting their own
invitation).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from workforce.audit import audit_entry
from workforce.certificates.tables import InspectorAccessLog, InspectorGrant
from workforce.database import write_transaction
from workforce.organisations.tables import School, Trust, TrustMembership
from workforce.people.tables import AuditEntry, UserAccount
from workforce.web.security import register_inspector_access, trust_school_ids

DEFAULT_DAYS = 14
MAX_DAYS = 60
ACCESS_LOG_SHOWN = 200

# Why an invitation is refused (``GrantError.kind``): the pages answer 404 / 410 / 403 accordingly.
UNKNOWN, WITHDRAWN, EXPIRED, USED, WRONG_ACCOUNT, INVALID = (
    "unknown",
    "withdrawn",
    "expired",
    "used",
    "wrong-account",
    "invalid",
)


class GrantError(RuntimeError):
    """The grant cannot be created, accepted or revoked (message fit for the user)."""

    def __init__(self, message: str, kind: str = INVALID) -> None:
        super().__init__(message)
        self.kind = kind


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
    async with write_transaction():
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


async def inspector_invitation_check(*, token: str, user_id: int) -> InspectorGrant:
    """The grant behind an invitation link, if the user ``user_id`` may accept it (or already has).

    Raises ``GrantError`` (with ``kind``) for an unknown, withdrawn, expired or already used link, or an
    account that is not the invited inspector's. Writes nothing.
    """
    grant = await InspectorGrant.objects().where(InspectorGrant.token_hash == token_hash(token or "")).first()
    if grant is None:
        raise GrantError("This invitation link is not valid", UNKNOWN)
    if grant.revoked_at is not None:
        raise GrantError("This invitation has been withdrawn", WITHDRAWN)
    if grant.expires_at <= _now():
        raise GrantError("This invitation has expired: ask the school or trust for a new one", EXPIRED)
    user = (
        await UserAccount.select(UserAccount.email, UserAccount.role).where(UserAccount.id == user_id).first()
    )
    if user is None or user["role"] != "inspector":
        raise GrantError("Only an inspector's account can accept an invitation", WRONG_ACCOUNT)
    if grant.user is not None and grant.user != user_id:
        raise GrantError("This invitation has already been accepted", USED)
    if user["email"].lower() != grant.email:
        raise GrantError("This invitation was sent to another email address", WRONG_ACCOUNT)
    return grant


async def inspector_grant_accept(*, token: str, user_id: int) -> InspectorGrant:
    """Take up an invitation (accepting it again is harmless). Raises ``GrantError`` as the check does."""
    grant = await inspector_invitation_check(token=token, user_id=user_id)
    if grant.accepted_at is None:
        accepted_at = _now()
        # Only one account can take an invitation up, even if two try at once.
        taken = (
            await InspectorGrant.update(
                {InspectorGrant.accepted_at: accepted_at, InspectorGrant.user: user_id}
            )
            .where(
                (InspectorGrant.id == grant.id)
                & InspectorGrant.accepted_at.is_null()
                & InspectorGrant.revoked_at.is_null()
            )
            .returning(InspectorGrant.id)
        )
        if not taken:
            return await inspector_invitation_check(token=token, user_id=user_id)
        grant.accepted_at = accepted_at
        grant.user = user_id
    return grant


async def inspector_grant_revoke(*, grant_id: int, actor: str) -> None:
    now = _now()
    async with write_transaction():
        updated = (
            await InspectorGrant.update({InspectorGrant.revoked_at: now})
            .where((InspectorGrant.id == grant_id) & InspectorGrant.revoked_at.is_null())
            .returning(InspectorGrant.id)
        )
        if not updated:
            raise GrantError("No such grant, or it was already withdrawn", WITHDRAWN)
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
        InspectorAccessLog(
            grant=grant.id,
            at=_now(),
            action=action[:32],
            path=path[:255],
            scope=kind,
            scope_ref=str(key)[:16],
        )
    )


# ---------------------------------------------------------------- reads for the pages

PENDING, ACCEPTED = "pending", "accepted"
STATUS_LABELS = {PENDING: "Pending", ACCEPTED: "Accepted", EXPIRED: "Expired", WITHDRAWN: "Withdrawn"}


def grant_status(row: dict, now: dt.datetime | None = None) -> str:
    """pending (not yet accepted), accepted (live), expired or withdrawn (withdrawn first, then expired)."""
    now = now or _now()
    if row["revoked_at"] is not None:
        return WITHDRAWN
    if row["expires_at"] <= now:
        return EXPIRED
    return ACCEPTED if row["accepted_at"] is not None else PENDING


@dataclass(frozen=True)
class GrantView:
    """A grant as the pages show it."""

    id: int
    email: str
    scope: str  # school | trust
    scope_ref: str  # URN or trust UID
    school_id: int | None
    trust_id: int | None
    organisation_name: str
    granted_by: str
    created_at: dt.datetime
    expires_at: dt.datetime
    accepted_at: dt.datetime | None
    revoked_at: dt.datetime | None
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def live(self) -> bool:
        return self.status == ACCEPTED

    @property
    def organisation(self) -> str:
        """``Oakfield Primary School (school, URN 100001)``."""
        where = (
            f"school, URN {self.scope_ref}"
            if self.scope == "school"
            else f"trust, group UID {self.scope_ref}"
        )
        return f"{self.organisation_name} ({where})"

    @property
    def inspect_path(self) -> str:
        return (
            f"/inspect/schools/{self.scope_ref}"
            if self.scope == "school"
            else f"/inspect/trusts/{self.scope_ref}"
        )


_GRANT_COLUMNS = (
    InspectorGrant.id,
    InspectorGrant.email,
    InspectorGrant.school.as_alias("school_id"),
    InspectorGrant.school.urn.as_alias("school_urn"),
    InspectorGrant.school.name.as_alias("school_name"),
    InspectorGrant.trust.as_alias("trust_id"),
    InspectorGrant.trust.uid.as_alias("trust_uid"),
    InspectorGrant.trust.name.as_alias("trust_name"),
    InspectorGrant.granted_by,
    InspectorGrant.created_at,
    InspectorGrant.expires_at,
    InspectorGrant.accepted_at,
    InspectorGrant.revoked_at,
)


def _view(row: dict, now: dt.datetime) -> GrantView:
    school = row["school_id"] is not None
    return GrantView(
        id=row["id"],
        email=row["email"],
        scope="school" if school else "trust",
        scope_ref=str(row["school_urn"]) if school else str(row["trust_uid"]),
        school_id=row["school_id"],
        trust_id=row["trust_id"],
        organisation_name=(row["school_name"] if school else row["trust_name"]) or "",
        granted_by=row["granted_by"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        accepted_at=row["accepted_at"],
        revoked_at=row["revoked_at"],
        status=grant_status(row, now),
    )


async def _grant_views(where=None) -> list[GrantView]:
    query = InspectorGrant.select(*_GRANT_COLUMNS).order_by(InspectorGrant.created_at, ascending=False)
    if where is not None:
        query = query.where(where)
    now = _now()
    return [_view(row, now) for row in await query.order_by(InspectorGrant.id, ascending=False)]


async def grant_view(grant_id: int) -> GrantView | None:
    views = await _grant_views(InspectorGrant.id == grant_id)
    return views[0] if views else None


async def invitation_view(token: str) -> GrantView | None:
    """The grant an invitation link stands for (whatever its state), or None for an unknown link."""
    views = await _grant_views(InspectorGrant.token_hash == token_hash(token or ""))
    return views[0] if views else None


async def grants_of_inspector(user_id: int) -> list[GrantView]:
    """The grants this inspector has accepted, newest first (live and ended)."""
    return await _grant_views(InspectorGrant.user == user_id)


async def _lead_trust_ids(user) -> list[int]:
    """Trusts whose grants a school lead sees: the trusts their school belongs to today."""
    if user.school_id is None:
        return []
    today = dt.date.today()
    rows = await TrustMembership.select(TrustMembership.trust).where(
        (TrustMembership.school == user.school_id)
        & (TrustMembership.joined_on.is_null() | (TrustMembership.joined_on <= today))
        & (TrustMembership.left_on.is_null() | (TrustMembership.left_on >= today))
    )
    return [row["trust"] for row in rows]


async def _lead_grant_filter(user):
    """The grants a school lead, HR lead or admin sees (None: all; False: none)."""
    role = getattr(user, "role", None)
    if role == "admin":
        return None
    if role == "school_lead" and user.school_id is not None:
        where = InspectorGrant.school == user.school_id
        trusts = await _lead_trust_ids(user)
        if trusts:
            where = where | InspectorGrant.trust.is_in(trusts)
        return where
    if role == "hr_lead" and user.trust_id is not None:
        where = InspectorGrant.trust == user.trust_id
        schools = await trust_school_ids(user.trust_id)
        if schools:
            where = where | InspectorGrant.school.is_in(sorted(schools))
        return where
    return False


async def grants_for_lead(user) -> list[GrantView]:
    """Grants to the lead's school or trust (a school lead also sees their trust's grants), newest first."""
    where = await _lead_grant_filter(user)
    if where is False:
        return []
    return await _grant_views(where)


async def grant_manageable(user, grant: GrantView) -> bool:
    """May this user withdraw the grant? Admins any; HR leads their trust's and its schools'; school leads
    their school's (not the trust's)."""
    role = getattr(user, "role", None)
    if role == "admin":
        return True
    if role == "school_lead":
        return grant.school_id is not None and grant.school_id == user.school_id
    if role == "hr_lead" and user.trust_id is not None:
        if grant.trust_id is not None:
            return grant.trust_id == user.trust_id
        return grant.school_id in await trust_school_ids(user.trust_id)
    return False


@dataclass(frozen=True)
class ScopeChoice:
    value: str  # "school:100001" | "trust:5001": the form's value
    label: str
    school_urn: int | None = None
    trust_uid: str | None = None


async def grant_scope_choices(user) -> list[ScopeChoice]:
    """What this lead may grant access to: a school lead their school; an HR lead their trust and its schools."""
    role = getattr(user, "role", None)
    if role == "school_lead" and user.school_urn is not None:
        return [
            ScopeChoice(
                f"school:{user.school_urn}", f"{user.school_name} (URN {user.school_urn})", user.school_urn
            )
        ]
    if role == "hr_lead" and user.trust_id is not None:
        choices = [
            ScopeChoice(
                f"trust:{user.trust_uid}",
                f"{user.trust_name}: the whole trust (group UID {user.trust_uid})",
                trust_uid=user.trust_uid,
            )
        ]
        schools = await trust_school_ids(user.trust_id)
        if schools:
            rows = (
                await School.select(School.urn, School.name)
                .where(School.id.is_in(sorted(schools)))
                .order_by(School.name)
            )
            choices += [
                ScopeChoice(
                    f"school:{row['urn']}", f"{row['name']} (URN {row['urn']})", school_urn=row["urn"]
                )
                for row in rows
            ]
        return choices
    return []


@dataclass(frozen=True)
class AccessLogLine:
    at: dt.datetime
    email: str
    action: str
    path: str
    scope: str
    scope_ref: str
    grant_id: int

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)


ACTION_LABELS = {
    "view-compliance": "Viewed the compliance page",
    "view-certificate": "Viewed a certificate",
    "download-certificate": "Downloaded a certificate",
    "download-evidence": "Downloaded an evidence pack",
}


async def access_log_for_lead(user, *, limit: int = ACCESS_LOG_SHOWN) -> list[AccessLogLine]:
    """What inspectors opened under the grants this lead sees, newest first.

    A school lead sees entries under their school's grants, and entries under their trust's grants that are
    about their school or the trust as a whole (not those about the trust's other schools).
    """
    role = getattr(user, "role", None)
    where = None
    if role == "school_lead":
        grants = await grants_for_lead(user)
        own = [g.id for g in grants if g.scope == "school"]
        trust_wide = [g.id for g in grants if g.scope == "trust"]
        where = InspectorAccessLog.grant.is_in(own) if own else None
        if trust_wide:
            about_us = InspectorAccessLog.grant.is_in(trust_wide) & (
                (InspectorAccessLog.scope == "trust")
                | (
                    (InspectorAccessLog.scope == "school")
                    & (InspectorAccessLog.scope_ref == str(user.school_urn))
                )
            )
            where = about_us if where is None else where | about_us
        if where is None:
            return []
    elif role != "admin":
        ids = [g.id for g in await grants_for_lead(user)]
        if not ids:
            return []
        where = InspectorAccessLog.grant.is_in(ids)
    query = InspectorAccessLog.select(
        InspectorAccessLog.at,
        InspectorAccessLog.grant.email.as_alias("email"),
        InspectorAccessLog.action,
        InspectorAccessLog.path,
        InspectorAccessLog.scope,
        InspectorAccessLog.scope_ref,
        InspectorAccessLog.grant.as_alias("grant_id"),
    )
    if where is not None:
        query = query.where(where)
    rows = (
        await query.order_by(InspectorAccessLog.at, ascending=False)
        .order_by(InspectorAccessLog.id, ascending=False)
        .limit(limit)
    )
    return [AccessLogLine(**row) for row in rows]


# Importing this module (the certificate routes do) lets inspectors in through their live grants.
register_inspector_access(inspector_access_allowed)

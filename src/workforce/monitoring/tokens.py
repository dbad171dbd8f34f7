"""API tokens for the DfE monitoring API: issued to analysts, shown once, stored hashed, revocable, expiring.

A token looks like ``wfa_<43 random characters>``. Only its SHA-256 is stored (``people.accounts.token_digest``),
with its first characters so a user can tell their tokens apart. Only ``dfe_analyst`` and ``admin``
accounts may hold tokens, and a token stops working as soon as it expires, is revoked, or its account is
disabled or loses that role.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from workforce.audit import audit_record
from workforce.database import write_transaction
from workforce.monitoring.tables import ApiToken
from workforce.people.accounts import normalise_email, token_digest
from workforce.people.tables import UserAccount

TOKEN_PREFIX = "wfa_"
TOKEN_ROLES = ("dfe_analyst", "admin")
DEFAULT_DAYS = 90
MAX_DAYS = 366
NAME_MAX = 100
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)  # record use at most once a minute per token


class TokenError(ValueError):
    """A token request that cannot be carried out; the message is fit to show to the person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class IssuedToken:
    id: int
    token: str  # the secret: shown once, never stored
    name: str
    expires_at: dt.datetime


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def token_status(row: ApiToken | dict, now: dt.datetime | None = None) -> str:
    """active, expired or revoked."""
    now = now or _now()
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name)
    if get("revoked_at") is not None:
        return "revoked"
    if get("expires_at") <= now:
        return "expired"
    return "active"


async def _token_holder(*, email: str | None = None, user_id: int | None = None) -> UserAccount:
    query = UserAccount.objects()
    if user_id is not None:
        user = await query.where(UserAccount.id == user_id).first()
    else:
        user = await query.where(UserAccount.email == normalise_email(email or "")).first()
    if user is None:
        raise TokenError(f"No account with the email {normalise_email(email or '')}", field="email")
    if not user.active:
        raise TokenError(f"The account {user.email} is disabled", field="email")
    if user.role not in TOKEN_ROLES:
        raise TokenError(
            f"Only DfE analysts and administrators can have API tokens ({user.email} is {user.role})",
            field="email",
        )
    return user


async def api_token_create(
    *,
    actor: str,
    email: str | None = None,
    user_id: int | None = None,
    name: str = "",
    days: int = DEFAULT_DAYS,
    now: dt.datetime | None = None,
) -> IssuedToken:
    """Issue a token for an analyst (by email or account id). The secret is in the result only."""
    name = (name or "").strip()
    if len(name) > NAME_MAX:
        raise TokenError(f"Name must be {NAME_MAX} characters or fewer", field="name")
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= MAX_DAYS:
        raise TokenError(f"Days must be a whole number from 1 to {MAX_DAYS}", field="days")
    user = await _token_holder(email=email, user_id=user_id)
    now = now or _now()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    expires_at = now + dt.timedelta(days=days)
    name = name or f"Token created {now:%Y-%m-%d}"
    async with write_transaction():
        rows = await ApiToken.insert(
            ApiToken(
                token_hash=token_digest(secret),
                token_prefix=secret[: len(TOKEN_PREFIX) + 6],
                user=user.id,
                name=name,
                created_at=now,
                expires_at=expires_at,
            )
        ).returning(ApiToken.id)
        token_id = rows[0]["id"]
        await audit_record(
            actor=actor,
            action="create",
            entity="api_token",
            entity_id=token_id,
            after={"user": user.email, "name": name, "expires_at": expires_at.isoformat()},
            at=now,
        )
    return IssuedToken(id=token_id, token=secret, name=name, expires_at=expires_at)


async def api_tokens_list(*, email: str | None = None, user_id: int | None = None) -> list[dict]:
    """An account's tokens, newest first, without secrets (for `workforce tokens list` and the web page)."""
    if user_id is None:
        user = await UserAccount.objects().where(UserAccount.email == normalise_email(email or "")).first()
        if user is None:
            raise TokenError(f"No account with the email {normalise_email(email or '')}", field="email")
        user_id = user.id
    rows = (
        await ApiToken.select(
            ApiToken.id,
            ApiToken.name,
            ApiToken.token_prefix,
            ApiToken.created_at,
            ApiToken.expires_at,
            ApiToken.last_used_at,
            ApiToken.revoked_at,
        )
        .where(ApiToken.user == user_id)
        .order_by(ApiToken.created_at, ascending=False)
        .order_by(ApiToken.id, ascending=False)
    )
    now = _now()
    for row in rows:
        row["status"] = token_status(row, now)
    return rows


async def api_token_revoke(
    *, token_id: int, actor: str, user_id: int | None = None, now: dt.datetime | None = None
) -> dict:
    """Revoke a token at once. ``user_id`` limits it to that account's own tokens (the web page)."""
    now = now or _now()
    async with write_transaction():
        query = ApiToken.select(ApiToken.id, ApiToken.name, ApiToken.revoked_at, ApiToken.user).where(
            ApiToken.id == token_id
        )
        if user_id is not None:
            query = query.where(ApiToken.user == user_id)
        row = await query.first()
        if row is None:
            raise TokenError(f"No API token with id {token_id}", field="token")
        if row["revoked_at"] is not None:
            return row
        await ApiToken.update({ApiToken.revoked_at: now}).where(ApiToken.id == token_id)
        await audit_record(
            actor=actor,
            action="revoke",
            entity="api_token",
            entity_id=token_id,
            before={"revoked_at": None},
            after={"revoked_at": now.isoformat()},
            at=now,
        )
    row["revoked_at"] = now
    return row


async def api_token_authenticate(token: str, *, now: dt.datetime | None = None) -> UserAccount | None:
    """The account a bearer token belongs to, or None if it is unknown, expired, revoked or not allowed."""
    if not token or not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    now = now or _now()
    row = await ApiToken.select().where(ApiToken.token_hash == token_digest(token)).first()
    if row is None or token_status(row, now) != "active":
        return None
    user = await UserAccount.objects().where(UserAccount.id == row["user"]).first()
    if user is None or not user.active or user.role not in TOKEN_ROLES:
        return None
    last = row["last_used_at"]
    if last is None or now - last >= LAST_USED_RESOLUTION:
        await ApiToken.update({ApiToken.last_used_at: now}).where(ApiToken.id == row["id"])
    return user

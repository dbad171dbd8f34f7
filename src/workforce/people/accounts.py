"""User accounts: who can sign in, with which role and scope, and their passwords.

Services (writes) are keyword-only ``user_<action>`` functions; selectors (reads) return rows.
Passwords are hashed with argon2id in a worker thread, never on the event loop.

Roles and what each is scoped to:

- ``teacher``: their own records (linked to a member of staff, or at least to a school);
- ``school_lead``: one school (head teacher or SENCO);
- ``hr_lead``: every school of one trust;
- ``inspector``: read-only, only where a time-limited grant lets them;
- ``dfe_analyst``: national aggregates only, never named people;
- ``admin``: runs the service.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

import anyio.to_thread
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from workforce.audit import audit_record
from workforce.database import write_transaction
from workforce.organisations.tables import School, Trust
from workforce.people.tables import StaffMember, UserAccount
from workforce.web.tables import PasswordResetToken, WebSession

ROLES: tuple[str, ...] = ("teacher", "school_lead", "hr_lead", "inspector", "dfe_analyst", "admin")
ROLE_LABELS = {
    "teacher": "Teacher or teaching assistant",
    "school_lead": "School lead (head teacher or SENCO)",
    "hr_lead": "Trust HR lead",
    "inspector": "Inspector",
    "dfe_analyst": "DfE analyst",
    "admin": "Administrator",
}

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 256
RESET_TOKEN_MINUTES = 60

# argon2id with the RFC 9106 low-memory profile (t=3, 64 MiB, p=4): about 0.1 s per hash here.
password_hasher = PasswordHasher()

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """An account request that cannot be carried out; the message is fit to show to the person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def token_digest(token: str) -> str:
    """How a secret token is stored: its sha256, so a copy of the database cannot be replayed."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- passwords


def password_problem(password: str, *, email: str = "") -> str | None:
    """Why a new password is not acceptable, or None."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"Password must be {PASSWORD_MIN_LENGTH} characters or more"
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"Password must be {PASSWORD_MAX_LENGTH} characters or fewer"
    if email and password.strip().lower() == normalise_email(email):
        return "Password must not be your email address"
    return None


async def password_hash(password: str) -> str:
    return await anyio.to_thread.run_sync(password_hasher.hash, password)


def _verify(hashed: str, password: str) -> bool:
    try:
        return password_hasher.verify(hashed, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


async def password_verify(hashed: str, password: str) -> bool:
    return await anyio.to_thread.run_sync(_verify, hashed, password[:PASSWORD_MAX_LENGTH])


_DUMMY_HASH: str | None = None


async def _dummy_verify(password: str) -> None:
    """Spend the time a real check would, so an unknown email cannot be told from a wrong password."""
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = await password_hash(secrets.token_urlsafe(16))
    await password_verify(_DUMMY_HASH, password)


# ---------------------------------------------------------------- selectors


async def user_get(user_id: int) -> UserAccount | None:
    return await UserAccount.objects().where(UserAccount.id == user_id).first()


async def user_get_by_email(email: str) -> UserAccount | None:
    return await UserAccount.objects().where(UserAccount.email == normalise_email(email)).first()


async def user_list() -> list[dict]:
    """Every account with its scope, for `workforce users list` and the admin pages."""
    return await UserAccount.select(
        UserAccount.id,
        UserAccount.email,
        UserAccount.role,
        UserAccount.display_name,
        UserAccount.active,
        UserAccount.created_at,
        UserAccount.last_login_at,
        UserAccount.school.urn.as_alias("school_urn"),
        UserAccount.school.name.as_alias("school_name"),
        UserAccount.trust.uid.as_alias("trust_uid"),
        UserAccount.trust.name.as_alias("trust_name"),
        UserAccount.staff.staff_ref.as_alias("staff_ref"),
    ).order_by(UserAccount.email)


# ---------------------------------------------------------------- services


async def _resolve_scope(
    *,
    role: str,
    school_urn: int | str | None,
    trust_uid: str | None,
    staff_id: int | None,
    staff_ref: str | None,
) -> tuple[int | None, int | None, int | None]:
    if role not in ROLES:
        raise AccountError(f"Role must be one of: {', '.join(ROLES)} (got {role!r})", field="role")
    if staff_id is not None and staff_ref:
        raise AccountError("Give a staff id or a staff reference, not both", field="staff")
    if school_urn not in (None, "") and trust_uid:
        raise AccountError("An account is scoped to a school or to a trust, not both", field="school")

    school_pk = trust_pk = staff_pk = None
    if school_urn not in (None, ""):
        try:
            urn = int(str(school_urn).strip())
        except ValueError:
            raise AccountError(f"School URN must be a number, got {school_urn!r}", field="school") from None
        row = await School.select(School.id).where(School.urn == urn).first()
        if row is None:
            raise AccountError(f"No school with URN {urn}: import GIAS data first", field="school")
        school_pk = row["id"]
    if trust_uid:
        row = await Trust.select(Trust.id).where(Trust.uid == str(trust_uid).strip()).first()
        if row is None:
            raise AccountError(f"No trust with UID {trust_uid}: import GIAS data first", field="trust")
        trust_pk = row["id"]
    if staff_ref:
        row = await StaffMember.select(StaffMember.id).where(StaffMember.staff_ref == staff_ref.strip()).first()
        if row is None:
            raise AccountError(f"No member of staff with reference {staff_ref!r}", field="staff")
        staff_pk = row["id"]
    elif staff_id is not None:
        row = await StaffMember.select(StaffMember.id).where(StaffMember.id == staff_id).first()
        if row is None:
            raise AccountError(f"No member of staff with id {staff_id}", field="staff")
        staff_pk = row["id"]

    if role == "teacher":
        if staff_pk is None and school_pk is None:
            raise AccountError(
                "A teacher account needs the member of staff it belongs to (--staff-id) or at least a school",
                field="staff",
            )
        if trust_pk is not None:
            raise AccountError("A teacher account is not scoped to a trust", field="trust")
    elif role == "school_lead":
        if trust_pk is not None:
            raise AccountError("A school lead account is scoped to one school, not a trust", field="trust")
        if school_pk is None:
            raise AccountError("A school lead account needs a school (--school URN)", field="school")
    elif role == "hr_lead":
        if school_pk is not None:
            raise AccountError("An HR lead account is scoped to a trust (--trust UID), not a school", field="school")
        if trust_pk is None:
            raise AccountError("An HR lead account needs a trust (--trust UID)", field="trust")
    elif school_pk is not None or trust_pk is not None:
        raise AccountError(
            f"A {role} account is not scoped to a school or a trust (its access is set by its role)",
            field="school" if school_pk is not None else "trust",
        )
    if staff_pk is not None and role not in ("teacher", "school_lead", "hr_lead"):
        raise AccountError(f"A {role} account is not linked to a member of staff", field="staff")
    return school_pk, trust_pk, staff_pk


async def user_create(
    *,
    email: str,
    role: str,
    password: str,
    school_urn: int | str | None = None,
    trust_uid: str | None = None,
    staff_id: int | None = None,
    staff_ref: str | None = None,
    display_name: str = "",
    actor: str = "system",
) -> UserAccount:
    """Create an account. Raises AccountError with a clear message when any detail is wrong."""
    email = normalise_email(email)
    if not _EMAIL.match(email) or len(email) > 255:
        raise AccountError("Enter an email address in the correct format, like name@example.org", field="email")
    problem = password_problem(password, email=email)
    if problem:
        raise AccountError(problem, field="password")
    school_pk, trust_pk, staff_pk = await _resolve_scope(
        role=role, school_urn=school_urn, trust_uid=trust_uid, staff_id=staff_id, staff_ref=staff_ref
    )
    hashed = await password_hash(password)
    async with write_transaction():
        if await UserAccount.exists().where(UserAccount.email == email):
            raise AccountError(f"An account with the email {email} already exists", field="email")
        account = UserAccount(
            email=email,
            password_hash=hashed,
            role=role,
            school=school_pk,
            trust=trust_pk,
            staff=staff_pk,
            display_name=display_name.strip()[:200],
            active=True,
            created_at=_now(),
        )
        await account.save()
        await audit_record(
            actor=actor,
            action="create",
            entity="user_account",
            entity_id=account.id,
            staff_id=staff_pk,
            after={"email": email, "role": role, "school": school_pk, "trust": trust_pk, "staff": staff_pk},
        )
    return account


async def user_authenticate(*, email: str, password: str) -> UserAccount | None:
    """The active account with this email and password, or None (taking the same time either way)."""
    account = await user_get_by_email(email)
    if account is None or not account.active:
        await _dummy_verify(password)
        return None
    if not await password_verify(account.password_hash, password):
        return None
    if password_hasher.check_needs_rehash(account.password_hash):
        account.password_hash = await password_hash(password)
        await UserAccount.update({UserAccount.password_hash: account.password_hash}).where(
            UserAccount.id == account.id
        )
    return account


async def user_record_sign_in(*, user_id: int) -> None:
    await UserAccount.update({UserAccount.last_login_at: _now()}).where(UserAccount.id == user_id)


async def user_end_sessions(*, user_id: int) -> int:
    """Sign the account out everywhere. Returns how many sessions ended."""
    ended = await WebSession.delete().where(WebSession.user == user_id).returning(WebSession.id)
    return len(ended)


async def user_disable(*, email: str, actor: str = "system") -> UserAccount:
    """Stop an account signing in and end its sessions (the record is kept for the audit log)."""
    account = await user_get_by_email(email)
    if account is None:
        raise AccountError(f"No account with the email {normalise_email(email)}", field="email")
    async with write_transaction():
        await UserAccount.update({UserAccount.active: False}).where(UserAccount.id == account.id)
        await WebSession.delete().where(WebSession.user == account.id)
        await audit_record(
            actor=actor,
            action="disable",
            entity="user_account",
            entity_id=account.id,
            staff_id=account.staff,
            before={"active": account.active},
            after={"active": False},
        )
    account.active = False
    return account


async def user_set_password(*, user_id: int, password: str, actor: str) -> None:
    """Set a new password and end every session of the account."""
    account = await user_get(user_id)
    if account is None:
        raise AccountError("No such account")
    problem = password_problem(password, email=account.email)
    if problem:
        raise AccountError(problem, field="password")
    hashed = await password_hash(password)
    async with write_transaction():
        await _store_password(account, hashed, actor=actor)


async def _store_password(account: UserAccount, hashed: str, *, actor: str) -> None:
    await UserAccount.update({UserAccount.password_hash: hashed}).where(UserAccount.id == account.id)
    await WebSession.delete().where(WebSession.user == account.id)
    await audit_record(
        actor=actor,
        action="set-password",
        entity="user_account",
        entity_id=account.id,
        staff_id=account.staff,
        after={"password": "changed"},
    )


# ---------------------------------------------------------------- password reset


async def password_reset_token_create(*, email: str) -> tuple[UserAccount, str] | None:
    """A single-use reset token for an active account (None for unknown or disabled emails).

    Only the token's sha256 is stored; the token itself goes in the emailed link.
    """
    account = await user_get_by_email(email)
    if account is None or not account.active:
        return None
    token = secrets.token_urlsafe(32)
    await PasswordResetToken.insert(
        PasswordResetToken(
            token_hash=token_digest(token),
            user=account.id,
            expires_at=_now() + dt.timedelta(minutes=RESET_TOKEN_MINUTES),
            used_at=None,
        )
    )
    return account, token


async def password_reset_account(token: str) -> UserAccount | None:
    """The account a reset token is for, if the token is unused, unexpired and the account active."""
    row = await PasswordResetToken.select().where(PasswordResetToken.token_hash == token_digest(token)).first()
    if row is None or row["used_at"] is not None or row["expires_at"] <= _now():
        return None
    account = await user_get(row["user"])
    if account is None or not account.active:
        return None
    return account


async def password_reset_complete(*, token: str, password: str) -> UserAccount:
    """Use a reset token once to set a new password. Ends every session of the account."""
    account = await password_reset_account(token)
    if account is None:
        raise AccountError("This password reset link has expired or has already been used", field="token")
    problem = password_problem(password, email=account.email)
    if problem:
        raise AccountError(problem, field="password")
    hashed = await password_hash(password)
    now = _now()
    async with write_transaction():
        claimed = (
            await PasswordResetToken.update({PasswordResetToken.used_at: now})
            .where(
                (PasswordResetToken.token_hash == token_digest(token))
                & PasswordResetToken.used_at.is_null()
                & (PasswordResetToken.expires_at > now)
            )
            .returning(PasswordResetToken.id)
        )
        if not claimed:
            raise AccountError("This password reset link has expired or has already been used", field="token")
        # Any other outstanding links for the account stop working too.
        await PasswordResetToken.update({PasswordResetToken.used_at: now}).where(
            (PasswordResetToken.user == account.id) & PasswordResetToken.used_at.is_null()
        )
        await _store_password(account, hashed, actor=f"password-reset:{account.email}")
    return account

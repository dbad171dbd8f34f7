"""Web sessions (server-side, shared by all app instances), login throttling, password resets, reminders."""

from piccolo.columns import JSON, ForeignKey, Timestamptz, Varchar
from piccolo.columns import OnDelete
from piccolo.table import Table

from workforce.people.tables import UserAccount


class WebSession(Table, tablename="web_session"):
    session_key = Varchar(length=128, unique=True)  # sha256 of the cookie value
    data = JSON(default="{}")
    # The signed-in account, so that disabling it or resetting its password ends all its sessions.
    user = ForeignKey(references=UserAccount, null=True, default=None, on_delete=OnDelete.cascade, index=True)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    expires_at = Timestamptz(index=True)


class LoginAttempt(Table, tablename="login_attempt"):
    key = Varchar(length=255, index=True)  # normalised email (and separately the client address)
    attempted_at = Timestamptz(index=True)
    succeeded = Varchar(length=1, default="n")


class PasswordResetToken(Table, tablename="password_reset_token"):
    token_hash = Varchar(length=128, unique=True)
    user = ForeignKey(references=UserAccount, on_delete=OnDelete.cascade)
    expires_at = Timestamptz()
    used_at = Timestamptz(null=True, default=None)


class ReminderSent(Table, tablename="reminder_sent"):
    """One row per (item, period) so the digest never sends the same reminder twice."""

    item_key = Varchar(length=255)
    period = Varchar(length=32)
    recipient = Varchar(length=255)
    sent_at = Timestamptz()

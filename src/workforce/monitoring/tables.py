"""DfE monitoring: API tokens issued to analysts.

Table definitions only; the token service lives in ``monitoring/tokens.py``.
"""

from piccolo.columns import ForeignKey, OnDelete, Timestamptz, Varchar
from piccolo.table import Table

from workforce.people.tables import UserAccount


class ApiToken(Table, tablename="api_token"):
    """A bearer token for the JSON API. Only its SHA-256 is stored; the token itself is shown once."""

    token_hash = Varchar(length=64, unique=True)  # sha256 hex of the whole token
    token_prefix = Varchar(length=16, default="")  # first characters, so a user can tell tokens apart
    user = ForeignKey(references=UserAccount, null=False, on_delete=OnDelete.cascade, index=True)
    name = Varchar(length=100, default="")
    created_at = Timestamptz()
    expires_at = Timestamptz()
    last_used_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)

"""Certificates: issued compliance certificates, their rendered PDFs, verifications and inspector access.

Table definitions only; logic lives in ``services.py`` (writes) and ``selectors.py`` (reads).
"""

from piccolo.columns import Bytea, Date, ForeignKey, Integer, OnDelete, Text, Timestamptz, Varchar
from piccolo.table import Table

from workforce.compliance.tables import EvaluationSnapshot
from workforce.organisations.tables import School, Trust
from workforce.people.tables import UserAccount


class Certificate(Table, tablename="certificate"):
    """A signed statement that a school or trust had these findings against a standard on a date."""

    code = Varchar(length=24, unique=True)  # e.g. SWC-7K3M-Q9TD-XH4P: printed, in the QR code and the URL
    # A certified snapshot is evidence: it cannot be deleted while a certificate points at it.
    snapshot = ForeignKey(references=EvaluationSnapshot, on_delete=OnDelete.restrict, index=True)
    scope = Varchar(length=16)  # school | trust
    scope_ref = Varchar(length=16, index=True)  # school URN or trust UID
    organisation_name = Varchar(length=255)  # as it was at issue
    standard_id = Varchar(length=64)
    standard_version = Varchar(length=32)
    as_of = Date()
    snapshot_hash = Varchar(length=64)
    key_id = Varchar(length=16)  # which signing key (fingerprint of its public key)
    signature = Text()  # base64 Ed25519 signature of the canonical payload
    pdf_sha256 = Varchar(length=64)  # the issued PDF, byte for byte
    issued_at = Timestamptz(index=True)
    issued_by = Varchar(length=255)
    revoked_at = Timestamptz(null=True, default=None)
    revoked_reason = Text(default="")
    revoked_by = Varchar(length=255, default="")


class CertificateRender(Table, tablename="certificate_render"):
    """Rendered PDFs, addressed by the hash of the HTML they were rendered from (the render cache)."""

    html_sha256 = Varchar(length=64, unique=True)
    pdf_sha256 = Varchar(length=64, index=True)
    content = Bytea()
    render_ms = Integer(default=0)
    rendered_at = Timestamptz()


class VerificationLog(Table, tablename="verification_log"):
    """Every check of a certificate, by its public page, an uploaded file or the command line."""

    code = Varchar(length=24, index=True)  # as presented, normalised; may match no certificate
    at = Timestamptz(index=True)
    channel = Varchar(length=8)  # web | pdf | cli
    outcome = Varchar(length=16)  # current | superseded | revoked | unknown | tampered | forged | unreadable
    client = Varchar(length=120, default="")  # the client's user agent, truncated; no IP address


class InspectorGrant(Table, tablename="inspector_grant"):
    """Time-limited, read-only access for an inspector to one school or one trust (an invitation link)."""

    email = Varchar(length=255, index=True)
    user = ForeignKey(references=UserAccount, null=True, on_delete=OnDelete.set_null, index=True)
    school = ForeignKey(references=School, null=True, on_delete=OnDelete.cascade, index=True)
    trust = ForeignKey(references=Trust, null=True, on_delete=OnDelete.cascade, index=True)
    token_hash = Varchar(length=64, unique=True)  # sha256 of the invitation token; the token is never stored
    created_at = Timestamptz()
    expires_at = Timestamptz(index=True)
    granted_by = Varchar(length=255)
    accepted_at = Timestamptz(null=True, default=None)
    revoked_at = Timestamptz(null=True, default=None)


class InspectorAccessLog(Table, tablename="inspector_access_log"):
    """What an inspector looked at or downloaded under a grant (visible to the school)."""

    grant = ForeignKey(references=InspectorGrant, on_delete=OnDelete.cascade, index=True)
    at = Timestamptz(index=True)
    # view-compliance | view-certificate | download-certificate | download-evidence
    action = Varchar(length=32)
    path = Varchar(length=255, default="")
    # What was opened: a school (URN) or a trust (UID); a trust grant reaches the trust's schools, and a school
    # sees the entries about itself.
    scope = Varchar(length=8, default="")
    scope_ref = Varchar(length=16, default="", index=True)

"""Certificate writes: issue, render (cached), verify, revoke; every verification is logged.

- ``certificate_issue(snapshot_id=, actor=)``: sign and render a certificate for a saved school or trust
  snapshot (an unrevoked certificate of the same snapshot is returned instead of a second one).
- ``certificate_pdf(code)``: the issued PDF, byte for byte, from the render store.
- ``pdf_render_cached(html)``: any certificate HTML rendered once, then served from the render store.
- ``certificate_status(code)``: current / superseded / revoked / unknown (a read; not logged).
- ``certificate_check_code(code, channel=, client=)``: the status, logged (the public verify page).
- ``certificate_verify_pdf(pdf_bytes, channel=, client=)``: checks a PDF's embedded code and signature
  and its bytes against the issued record (a changed byte or a forged code fails), logged.
- ``certificate_revoke(code=, reason=, actor=)``.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import time
from dataclasses import dataclass

from workforce.audit import audit_entry
from workforce.certificates import rendering
from workforce.certificates.selectors import (
    OUTCOME_LABELS,
    CertificateContent,
    CertificateInputError,
    certificate_content,
    certificate_for_snapshot,
    certificate_get,
    newer_snapshot,
    snapshot_get,
)
from workforce.certificates.signing import canonical_payload, sign, signing_key, verify_signature
from workforce.certificates.tables import Certificate, CertificateRender, VerificationLog
from workforce.config import get_settings
from workforce.database import write_transaction
from workforce.people.tables import AuditEntry

CODE_PREFIX = "SWC"
# No 0/O, 1/I/L or U: a code read aloud or typed from paper has one spelling.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS = 3
CODE_GROUP_SIZE = 4


class CertificateError(RuntimeError):
    """A certificate operation cannot be done (message fit for the user)."""


class CertificateNotFound(CertificateError):
    pass


# --- codes -------------------------------------------------------------------------------------------


def code_generate() -> str:
    groups = [
        "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP_SIZE)) for _ in range(CODE_GROUPS)
    ]
    return "-".join([CODE_PREFIX, *groups])


def code_normalise(text: str) -> str | None:
    """``SWC-XXXX-XXXX-XXXX`` from what a person typed (any case, spaces or dashes), or None if malformed."""
    if not text or len(text) > 64:
        return None
    compact = "".join(ch for ch in text.upper() if ch.isalnum())
    body_length = CODE_GROUPS * CODE_GROUP_SIZE
    if not compact.startswith(CODE_PREFIX) or len(compact) != len(CODE_PREFIX) + body_length:
        return None
    body = compact[len(CODE_PREFIX) :]
    if any(ch not in CODE_ALPHABET for ch in body):
        return None
    groups = [body[i : i + CODE_GROUP_SIZE] for i in range(0, body_length, CODE_GROUP_SIZE)]
    return "-".join([CODE_PREFIX, *groups])


def verify_url(code: str) -> str:
    return f"{get_settings().base_url}/verify/{code}"


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- payload and document -------------------------------------------------------------------------------


def certificate_payload(cert: Certificate) -> bytes:
    """The canonical signed payload of a stored certificate."""
    return canonical_payload(
        code=cert.code,
        scope=cert.scope,
        scope_ref=cert.scope_ref,
        organisation_name=cert.organisation_name,
        standard_id=cert.standard_id,
        standard_version=cert.standard_version,
        as_of=cert.as_of,
        snapshot_hash=cert.snapshot_hash,
        issued_at=cert.issued_at,
    )


def certificate_html(content: CertificateContent, cert: Certificate) -> str:
    """The certificate's HTML: everything printed comes from the snapshot content and the signed record."""
    url = verify_url(cert.code)
    payload = certificate_payload(cert)
    context = {
        "c": content,
        "code": cert.code,
        "issued_at": cert.issued_at,
        "issued_on": cert.issued_at.astimezone(dt.UTC).date(),
        "verify_url": url,
        "verify_base": f"{get_settings().base_url}/verify",
        "qr_svg": rendering.qr_svg(url, title=f"QR code for {url}"),
        "key_id": cert.key_id,
        "signature": cert.signature,
        "payload_b64": base64.b64encode(payload).decode("ascii"),
        "outcome_labels": OUTCOME_LABELS,
        "meta": {
            "code": rendering.META_CODE,
            "signature": rendering.META_SIGNATURE,
            "payload": rendering.META_PAYLOAD,
            "key_id": rendering.META_KEY_ID,
        },
    }
    return rendering.render_html(context)


async def pdf_render_cached(html: str) -> tuple[bytes, str]:
    """(PDF, its SHA-256) for ``html``: from the render store when the same HTML was rendered before, else
    rendered off the event loop (``rendering.render_pdf_async``) and stored. bench/ times it cold and cached."""
    html_hash = sha256_hex(html.encode("utf-8"))
    row = (
        await CertificateRender.select(CertificateRender.content, CertificateRender.pdf_sha256)
        .where(CertificateRender.html_sha256 == html_hash)
        .first()
    )
    if row is not None:
        return bytes(row["content"]), row["pdf_sha256"]
    started = time.perf_counter()
    pdf = await rendering.render_pdf_async(html)
    elapsed_ms = int((time.perf_counter() - started) * 1000)
    pdf_hash = sha256_hex(pdf)
    await CertificateRender.insert(
        CertificateRender(
            html_sha256=html_hash,
            pdf_sha256=pdf_hash,
            content=pdf,
            render_ms=elapsed_ms,
            rendered_at=dt.datetime.now(dt.UTC),
        )
    ).on_conflict(target=CertificateRender.html_sha256, action="DO NOTHING")
    return pdf, pdf_hash


# --- issue ---------------------------------------------------------------------------------------------


async def certificate_issue(*, snapshot_id: int, actor: str, reuse: bool = True) -> Certificate:
    """Sign and render a certificate for a saved school or trust snapshot.

    With ``reuse`` (the default) an unrevoked certificate already issued for the same snapshot is
    returned, so the same evidence has one code and is rendered once.
    Raises ``CertificateInputError`` when the snapshot cannot be certified.
    """
    content = await certificate_content(snapshot_id)
    if reuse:
        existing = await certificate_for_snapshot(snapshot_id)
        if existing is not None:
            return existing
    key = signing_key()
    for _ in range(5):
        code = code_generate()
        if await Certificate.count().where(Certificate.code == code) == 0:
            break
    else:  # pragma: no cover - 59 bits of randomness
        raise CertificateError("could not pick an unused certificate code")
    cert = Certificate(
        code=code,
        snapshot=content.snapshot_id,
        scope=content.scope,
        scope_ref=content.scope_ref,
        organisation_name=content.organisation_name,
        standard_id=content.standard_id,
        standard_version=content.standard_version,
        as_of=content.as_of,
        snapshot_hash=content.snapshot_hash,
        key_id=key.key_id,
        issued_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
        issued_by=actor,
    )
    cert.signature = sign(certificate_payload(cert), key)
    # Render outside any transaction: it takes a while and touches no table but the render store.
    _pdf, pdf_hash = await pdf_render_cached(certificate_html(content, cert))
    cert.pdf_sha256 = pdf_hash
    async with write_transaction():
        await cert.save()
        await AuditEntry.insert(
            audit_entry(
                actor=actor,
                action="issue",
                entity="certificate",
                entity_id=cert.id,
                after={
                    "code": cert.code,
                    "snapshot": content.snapshot_id,
                    "scope": cert.scope,
                    "scope_ref": cert.scope_ref,
                    "standard": f"{cert.standard_id} {cert.standard_version}",
                    "as_of": cert.as_of.isoformat(),
                    "pdf_sha256": cert.pdf_sha256,
                },
            )
        )
    return cert


async def certificate_issue_for_scope(
    *, scope: str, scope_ref: str, standard_id: str, actor: str, as_of: dt.date | None = None
) -> tuple[Certificate, str]:
    """Evaluate a school or trust against a published standard now, save the snapshot and certify it.

    Returns the certificate and a sentence saying what was evaluated. Raises ``CertificateInputError`` for an
    unknown standard, school or trust.
    """
    from workforce.compliance.facts import ScopeError
    from workforce.compliance.snapshots import snapshot_take

    if scope not in ("school", "trust"):
        raise CertificateInputError("Only a school or a trust can be certified")
    as_of = as_of or dt.date.today()
    try:
        snapshot = await snapshot_take(
            standard_id=standard_id,
            as_of=as_of,
            actor=actor,
            school_urn=int(scope_ref) if scope == "school" else None,
            trust_uid=scope_ref if scope == "trust" else None,
        )
    except (ScopeError, ValueError) as exc:  # StandardError is a ValueError
        raise CertificateInputError(f"Cannot evaluate {scope} {scope_ref}: {exc}") from None
    cert = await certificate_issue(snapshot_id=snapshot.id, actor=actor)
    how = (
        f"Evaluated {scope} {scope_ref} against {standard_id} as of {as_of.isoformat()} "
        f"({snapshot.finding_count} findings, snapshot {snapshot.id})."
    )
    return cert, how


# --- render ------------------------------------------------------------------------------------------


async def certificate_pdf(code: str) -> bytes:
    """The issued PDF of a certificate, byte for byte (rendered once, then served from the store)."""
    cert = await certificate_get(code)
    if cert is None:
        raise CertificateNotFound(f"No certificate {code}")
    row = (
        await CertificateRender.select(CertificateRender.content)
        .where(CertificateRender.pdf_sha256 == cert.pdf_sha256)
        .first()
    )
    if row is not None and sha256_hex(bytes(row["content"])) == cert.pdf_sha256:
        return bytes(row["content"])
    # The stored copy is gone: render again from the snapshot; it must be the same document.
    content = await certificate_content(cert.snapshot)
    pdf, pdf_hash = await pdf_render_cached(certificate_html(content, cert))
    if pdf_hash != cert.pdf_sha256:
        raise CertificateError(
            f"The stored PDF of {code} is missing and a new rendering differs from the one issued; "
            "issue a new certificate"
        )
    return pdf


# --- status and verification ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CertificateStatus:
    code: str
    state: str  # current | superseded | revoked | unknown
    certificate: Certificate | None = None
    revoked_reason: str = ""
    revoked_at: dt.datetime | None = None
    superseded_as_of: dt.date | None = None

    @property
    def known(self) -> bool:
        return self.certificate is not None


async def certificate_status(code: str) -> CertificateStatus:
    """current, superseded (a newer evaluation of the same scope and standard exists), revoked or unknown."""
    normalised = code_normalise(code) or code
    cert = await certificate_get(normalised) if code_normalise(code) else None
    if cert is None:
        return CertificateStatus(code=normalised, state="unknown")
    if cert.revoked_at is not None:
        return CertificateStatus(
            code=cert.code,
            state="revoked",
            certificate=cert,
            revoked_reason=cert.revoked_reason,
            revoked_at=cert.revoked_at,
        )
    snapshot = await snapshot_get(cert.snapshot)
    newer = await newer_snapshot(snapshot) if snapshot else None
    if newer is not None:
        return CertificateStatus(
            code=cert.code, state="superseded", certificate=cert, superseded_as_of=newer["as_of"]
        )
    return CertificateStatus(code=cert.code, state="current", certificate=cert)


async def _log_verification(*, code: str, channel: str, outcome: str, client: str) -> None:
    await VerificationLog.insert(
        VerificationLog(
            code=(code or "")[:24],
            at=dt.datetime.now(dt.UTC),
            channel=channel[:8],
            outcome=outcome[:16],
            client=(client or "")[:120],
        )
    )


async def certificate_check_code(code: str, *, channel: str = "web", client: str = "") -> CertificateStatus:
    """The status of a code someone presented (the public verify page); the check is logged."""
    status = await certificate_status(code)
    shown = status.code if code_normalise(code) else "".join(ch for ch in code if ch.isprintable())
    await _log_verification(code=shown, channel=channel, outcome=status.state, client=client)
    return status


@dataclass(frozen=True)
class VerifyResult:
    outcome: str  # current | superseded | revoked | unknown | tampered | forged | unreadable
    authentic: bool  # the file is, byte for byte, a certificate this service issued
    code: str | None
    message: str
    status: CertificateStatus | None = None

    @property
    def ok(self) -> bool:
        """Authentic and current: the only result a holder can rely on as it stands."""
        return self.authentic and self.outcome == "current"


def _status_message(status: CertificateStatus) -> str:
    cert = status.certificate
    assert cert is not None
    about = (
        f"{cert.organisation_name}, {cert.standard_id} version {cert.standard_version}, "
        f"as of {cert.as_of.isoformat()}"
    )
    if status.state == "revoked":
        return f"Genuine certificate {cert.code} ({about}) but REVOKED: {status.revoked_reason}"
    if status.state == "superseded":
        return (
            f"Genuine certificate {cert.code} ({about}) but SUPERSEDED: a newer evaluation as of "
            f"{status.superseded_as_of.isoformat()} exists"
        )
    return f"Valid and current: certificate {cert.code} ({about})"


async def certificate_verify_pdf(pdf: bytes, *, channel: str = "pdf", client: str = "") -> VerifyResult:
    """Check a certificate PDF: its embedded code and signature, and its bytes against the issued record."""
    result = await _verify_pdf(pdf)
    await _log_verification(code=result.code or "", channel=channel, outcome=result.outcome, client=client)
    return result


async def _verify_pdf(pdf: bytes) -> VerifyResult:
    if not pdf.startswith(b"%PDF-"):
        return VerifyResult("unreadable", False, None, "Not a PDF file")
    embedded = rendering.read_embedded_metadata(pdf)
    code = code_normalise(embedded.get(rendering.META_CODE, ""))
    signature = embedded.get(rendering.META_SIGNATURE)
    payload_b64 = embedded.get(rendering.META_PAYLOAD)
    if not code or not signature or not payload_b64:
        return VerifyResult(
            "unreadable",
            False,
            code,
            "No certificate code and signature found: "
            "not a SEND Workforce certificate, or the file is damaged",
        )
    try:
        payload = base64.b64decode(payload_b64, validate=True)
        payload_fields = json.loads(payload)
    except ValueError:
        return VerifyResult("forged", False, code, f"The signed data in the file is malformed ({code})")
    if not verify_signature(payload, signature):
        return VerifyResult(
            "forged", False, code, f"The signature in the file is not this service's signature ({code})"
        )
    if payload_fields.get("code") != code:
        return VerifyResult(
            "forged", False, code, f"The code in the file ({code}) is not the code that was signed"
        )
    cert = await certificate_get(code)
    if cert is None:
        return VerifyResult("unknown", False, code, f"No certificate {code} was issued by this service")
    if cert.signature != signature or certificate_payload(cert) != payload:
        return VerifyResult(
            "forged", False, code, f"The file's signed data does not match certificate {code} as issued"
        )
    if sha256_hex(pdf) != cert.pdf_sha256:
        return VerifyResult(
            "tampered",
            False,
            code,
            f"The file has been changed since certificate {code} was issued (its contents do not match)",
        )
    status = await certificate_status(code)
    return VerifyResult(status.state, True, code, _status_message(status), status)


# --- revoke ------------------------------------------------------------------------------------------


async def certificate_revoke(*, code: str, reason: str, actor: str) -> Certificate:
    """Revoke a certificate with a reason shown on its public verify page."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise CertificateError(
            "Give a reason for revoking the certificate: it is shown to anyone who checks it"
        )
    if len(reason) > 500:
        raise CertificateError("The reason must be 500 characters or fewer")
    normalised = code_normalise(code)
    cert = await certificate_get(normalised) if normalised else None
    if cert is None:
        raise CertificateNotFound(f"No certificate {code}")
    if cert.revoked_at is not None:
        raise CertificateError(
            f"Certificate {cert.code} was already revoked on {cert.revoked_at.date().isoformat()}"
        )
    now = dt.datetime.now(dt.UTC)
    async with write_transaction():
        await Certificate.update(
            {Certificate.revoked_at: now, Certificate.revoked_reason: reason, Certificate.revoked_by: actor}
        ).where(Certificate.id == cert.id, Certificate.revoked_at.is_null())
        await AuditEntry.insert(
            audit_entry(
                actor=actor,
                action="revoke",
                entity="certificate",
                entity_id=cert.id,
                before={"code": cert.code, "revoked_at": None},
                after={"code": cert.code, "revoked_at": now.isoformat(), "reason": reason},
            )
        )
    cert.revoked_at, cert.revoked_reason, cert.revoked_by = now, reason, actor
    return cert

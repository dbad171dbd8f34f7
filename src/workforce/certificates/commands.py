"""`workforce certificate issue|verify|revoke|public-key|keygen`.

``verify`` exit codes: 0 genuine and current; 1 not genuine (changed, forged, unknown or unreadable);
3 genuine but superseded by a newer evaluation; 4 genuine but revoked.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

import click

EXIT_NOT_GENUINE = 1
EXIT_SUPERSEDED = 3
EXIT_REVOKED = 4


@click.group(name="certificate")
def certificate() -> None:
    """Issue, verify and revoke SEND workforce compliance certificates (PDF)."""


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@certificate.command("issue")
@click.option("--school", "urn", type=int, help="The school's URN.")
@click.option("--trust", "uid", help="The trust's GIAS group UID.")
@click.option("--standard", "standard_id", required=True, help="Standard id, e.g. statutory-2024.")
@click.option("--as-of", type=click.DateTime(formats=["%Y-%m-%d"]), help="Evaluation date (default: today).")
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the PDF.",
)
def issue(urn: int | None, uid: str | None, standard_id: str, as_of: dt.datetime | None, out: Path) -> None:
    """Evaluate a school or a trust now, save the snapshot, and write its signed certificate (PDF)."""
    from workforce.certificates import rendering
    from workforce.certificates.selectors import CertificateInputError
    from workforce.certificates.services import (
        CertificateError,
        certificate_issue_for_scope,
        certificate_pdf,
        verify_url,
    )
    from workforce.cli import run_async

    if (urn is None) == (uid is None):
        raise click.UsageError("Give exactly one of --school URN or --trust UID")
    scope, scope_ref = ("school", str(urn)) if urn is not None else ("trust", uid)
    rendering.set_render_mode("thread")  # one document: no worker process to start

    async def go():
        cert, how = await certificate_issue_for_scope(
            scope=scope,
            scope_ref=scope_ref,
            standard_id=standard_id,
            actor="cli:certificate issue",
            as_of=as_of.date() if as_of else None,
        )
        return cert, how, await certificate_pdf(cert.code)

    try:
        cert, how, pdf = run_async(go())
    except (CertificateInputError, CertificateError) as exc:
        raise click.ClickException(str(exc)) from None
    _write_atomically(out, pdf)
    click.echo(how)
    click.echo(
        f"Certificate {cert.code} for {cert.organisation_name} ({cert.standard_id} "
        f"version {cert.standard_version}, as of {cert.as_of.isoformat()}) written to {out}"
    )
    click.echo(f"Check it at {verify_url(cert.code)}")


@certificate.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def verify(file: Path) -> None:
    """Check a certificate PDF: embedded code and signature, unchanged bytes, current status."""
    from workforce.certificates.services import certificate_verify_pdf
    from workforce.cli import run_async

    result = run_async(
        certificate_verify_pdf(file.read_bytes(), channel="cli", client="workforce certificate verify")
    )
    if result.ok:
        click.echo(f"VALID: {result.message}")
        return
    if not result.authentic:
        click.echo(f"NOT VALID ({result.outcome}): {result.message}", err=True)
        sys.exit(EXIT_NOT_GENUINE)
    click.echo(f"NOT CURRENT ({result.outcome}): {result.message}", err=True)
    sys.exit(EXIT_REVOKED if result.outcome == "revoked" else EXIT_SUPERSEDED)


@certificate.command("revoke")
@click.argument("code")
@click.option("--reason", required=True, help="Shown to anyone who checks the certificate.")
def revoke(code: str, reason: str) -> None:
    """Revoke a certificate (its verification page then says so, with the reason)."""
    from workforce.certificates.services import CertificateError, certificate_revoke
    from workforce.cli import run_async

    try:
        cert = run_async(certificate_revoke(code=code, reason=reason, actor="cli:certificate revoke"))
    except CertificateError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Certificate {cert.code} revoked: {cert.revoked_reason}")


@certificate.command("public-key")
def public_key() -> None:
    """Print the public key that checks certificate signatures (PEM)."""
    from workforce.certificates.signing import signing_key
    from workforce.config import ConfigError

    try:
        key = signing_key()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(key.public_key_pem(), nl=False)
    click.echo(f"key id: {key.key_id}", err=True)


@certificate.command("keygen")
def keygen() -> None:
    """Print a new private signing key for SIGNING_KEY (keep it secret; nothing is stored)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from workforce.certificates.signing import key_id_of, raw_private_key_b64

    key = Ed25519PrivateKey.generate()
    click.echo(raw_private_key_b64(key))
    click.echo(f"Set SIGNING_KEY to the line above (key id {key_id_of(key.public_key())}).", err=True)


commands = [certificate]

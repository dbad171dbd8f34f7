"""Sending email through the configured SMTP server (SMTP_HOST, SMTP_PORT, MAIL_FROM).

smtplib blocks, so it runs in a worker thread. Used for password reset links, and by the reminder digest.
"""

from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import make_msgid

import anyio.to_thread

from workforce.config import get_settings

SMTP_TIMEOUT_SECONDS = 20


class MailError(RuntimeError):
    """The SMTP server could not be reached or refused the message."""


def build_message(*, to: str, subject: str, body: str, sender: str | None = None) -> EmailMessage:
    settings = get_settings()
    message = EmailMessage()
    message["From"] = sender or settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain=(sender or settings.mail_from).rpartition("@")[2] or None)
    message.set_content(body)
    return message


def _send(message: EmailMessage, host: str, port: int) -> None:
    try:
        with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(f"could not send email through {host}:{port}: {exc}") from exc


async def send_email(*, to: str, subject: str, body: str) -> None:
    """Send one plain-text email. Raises MailError when it cannot be delivered to the SMTP server."""
    settings = get_settings()
    message = build_message(to=to, subject=subject, body=body)
    await anyio.to_thread.run_sync(_send, message, settings.smtp_host, settings.smtp_port)

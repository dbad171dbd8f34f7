"""The reminder digest: one email per recipient listing what is due soon, never the same item twice a period.

Who gets what (accounts must be active):

- a school lead: the items of their school (the school's own and its staff's);
- an HR lead: the items of every school in their trust, and the trust's own;
- a member of staff: their own items, at the email of their teacher account, or else the email on their
  staff record.

A reminder is one (item, period, recipient); the period is the calendar month of the run's date
(``2026-11``), so a weekly or daily run reminds each recipient about an item at most once a month. Each
reminder is recorded in ``reminder_sent`` *before* its email is sent (in a transaction that holds the table,
so two runs at once cannot both claim it); if the email cannot be delivered its records are removed
again, so the next run retries them.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from workforce.config import get_settings
from workforce.database import engine, write_transaction
from workforce.db import is_postgres
from workforce.people.tables import StaffMember, UserAccount
from workforce.reminders.selectors import DueItem, due_soon_everywhere
from workforce.standards.dates import format_date
from workforce.web.mail import MailError, send_email
from workforce.web.tables import ReminderSent

log = logging.getLogger("workforce.reminders")


def reminder_period(as_of: dt.date) -> str:
    """The period a reminder belongs to: the calendar month, ``YYYY-MM``."""
    return f"{as_of.year:04d}-{as_of.month:02d}"


@dataclass
class Digest:
    """One recipient's email: who, why (their role and scope), and the items."""

    recipient: str
    kind: str  # school_lead | hr_lead | staff
    scope_label: str  # "Oak Academy (URN 100001)", "Oak Learning Trust", or the person's name
    link_path: str
    items: list[DueItem] = field(default_factory=list)


@dataclass
class SendReport:
    as_of: dt.date
    period: str
    dry_run: bool
    emails_sent: int = 0
    items_sent: int = 0
    items_already_sent: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)  # (recipient, error)
    digests: list[Digest] = field(default_factory=list)  # those sent (or, in a dry run, that would be)

    @property
    def ok(self) -> bool:
        return not self.failures


async def digests_build(items: list[DueItem], *, as_of: dt.date) -> list[Digest]:
    """Every recipient's digest for these items (before removing what was already sent)."""
    by_urn: dict[int, list[DueItem]] = defaultdict(list)
    by_trust: dict[str, list[DueItem]] = defaultdict(list)
    by_person: dict[int, list[DueItem]] = defaultdict(list)
    for item in items:
        if item.urn is not None:
            by_urn[item.urn].append(item)
        if item.trust_uid:
            by_trust[item.trust_uid].append(item)
        if item.person_id is not None:
            by_person[item.person_id].append(item)
    digests: dict[tuple[str, str, str], Digest] = {}

    def add(recipient: str, kind: str, label: str, link: str, found: list[DueItem]) -> None:
        key = (recipient.lower(), kind, label)
        digest = digests.setdefault(key, Digest(recipient=recipient, kind=kind, scope_label=label, link_path=link))
        digest.items.extend(found)

    active = UserAccount.active == True
    if by_urn:
        leads = await UserAccount.select(
            UserAccount.email, UserAccount.school.urn.as_alias("urn"), UserAccount.school.name.as_alias("name")
        ).where(active & (UserAccount.role == "school_lead") & UserAccount.school.urn.is_in(list(by_urn)))
        for lead in leads:
            add(lead["email"], "school_lead", f"{lead['name']} (URN {lead['urn']})",
                f"/reminders/schools/{lead['urn']}", by_urn[lead["urn"]])
    if by_trust:
        leads = await UserAccount.select(
            UserAccount.email, UserAccount.trust.uid.as_alias("uid"), UserAccount.trust.name.as_alias("name")
        ).where(active & (UserAccount.role == "hr_lead") & UserAccount.trust.uid.is_in(list(by_trust)))
        for lead in leads:
            add(lead["email"], "hr_lead", lead["name"], f"/reminders/trusts/{lead['uid']}", by_trust[lead["uid"]])
    if by_person:
        accounts = await UserAccount.select(UserAccount.email, UserAccount.staff).where(
            active & (UserAccount.role == "teacher") & UserAccount.staff.is_in(list(by_person))
        )
        by_account = {a["staff"]: a["email"] for a in accounts}
        people = await StaffMember.select(
            StaffMember.id, StaffMember.email, StaffMember.first_name, StaffMember.last_name
        ).where(StaffMember.id.is_in(list(by_person)))
        for person in people:
            address = by_account.get(person["id"]) or (person["email"] or "").strip()
            if address:
                name = f"{person['first_name']} {person['last_name']}".strip()
                add(address, "staff", name, "/my-cpd/requirements", by_person[person["id"]])
    out = []
    for digest in digests.values():
        unique = {item.item_key: item for item in digest.items}
        digest.items = sorted(unique.values(), key=lambda i: (i.due or dt.date.max, i.where, i.title, i.person_name))
        out.append(digest)
    return sorted(out, key=lambda d: (d.recipient.lower(), d.kind, d.scope_label))


def digest_subject(digest: Digest) -> str:
    count = len(digest.items)
    things = "1 item" if count == 1 else f"{count} items"
    return f"SEND Workforce: {things} due soon for {digest.scope_label}"


def digest_body(digest: Digest, *, as_of: dt.date) -> str:
    """The plain-text email."""
    base_url = get_settings().base_url
    if digest.kind == "staff":
        intro = "These SEND workforce requirements about you are due soon."
        why = "You get this email because your school records your SEND training in SEND Workforce."
    elif digest.kind == "school_lead":
        intro = f"These SEND workforce requirements at {digest.scope_label} are due soon."
        why = "You get this email because you lead this school in SEND Workforce."
    else:
        intro = f"These SEND workforce requirements in {digest.scope_label} are due soon."
        why = "You get this email because you are an HR lead of this trust in SEND Workforce."
    lines = [f"{intro} Checked on {format_date(as_of)}.", ""]
    for number, item in enumerate(digest.items, start=1):
        due = f"due by {format_date(item.due)}" if item.due else "due soon"
        lines.append(f"{number}. {item.title} ({due})")
        where = [part for part in (item.person_name, item.where if digest.kind != "school_lead" else "") if part]
        if where:
            lines.append(f"   {', '.join(where)}")
        lines.append(f"   {item.reason}")
        lines.append("")
    lines.append(f"See the full list: {base_url}{digest.link_path}")
    lines.append("")
    lines.append(f"{why} We remind you about each item at most once a month.")
    return "\n".join(lines) + "\n"


async def _claim(digest: Digest, period: str, now: dt.datetime) -> tuple[list[DueItem], list[int]]:
    """Record the digest's items not yet sent to this recipient this period; returns them and the row ids."""
    async with write_transaction():
        db = engine()
        if is_postgres(db):
            # Two runs at once wait for each other here instead of both sending.
            await db.run_ddl("LOCK TABLE reminder_sent IN SHARE ROW EXCLUSIVE MODE")
        keys = [item.item_key for item in digest.items]
        sent = {
            row["item_key"]
            for row in await ReminderSent.select(ReminderSent.item_key).where(
                (ReminderSent.period == period)
                & (ReminderSent.recipient == digest.recipient.lower())
                & ReminderSent.item_key.is_in(keys)
            )
        }
        fresh = [item for item in digest.items if item.item_key not in sent]
        ids: list[int] = []
        if fresh:
            rows = [
                ReminderSent(item_key=item.item_key, period=period, recipient=digest.recipient.lower(), sent_at=now)
                for item in fresh
            ]
            result = await ReminderSent.insert(*rows).returning(ReminderSent.id)
            ids = [row["id"] for row in result]
        return fresh, ids


async def _already_sent(digest: Digest, period: str) -> set[str]:
    keys = [item.item_key for item in digest.items]
    rows = await ReminderSent.select(ReminderSent.item_key).where(
        (ReminderSent.period == period)
        & (ReminderSent.recipient == digest.recipient.lower())
        & ReminderSent.item_key.is_in(keys)
    )
    return {row["item_key"] for row in rows}


async def reminders_send(*, as_of: dt.date | None = None, dry_run: bool = False) -> SendReport:
    """Email every recipient the items due soon that they have not been reminded of this period.

    ``dry_run``: work out the digests without sending or recording anything.
    """
    as_of = as_of or dt.date.today()
    period = reminder_period(as_of)
    report = SendReport(as_of=as_of, period=period, dry_run=dry_run)
    items = await due_soon_everywhere(as_of=as_of)
    if not items:
        return report
    now = dt.datetime.now(dt.UTC)
    for digest in await digests_build(items, as_of=as_of):
        if dry_run:
            sent = await _already_sent(digest, period)
            fresh, ids = [item for item in digest.items if item.item_key not in sent], []
        else:
            fresh, ids = await _claim(digest, period, now)
        report.items_already_sent += len(digest.items) - len(fresh)
        if not fresh:
            continue
        digest.items = fresh
        if not dry_run:
            try:
                await send_email(
                    to=digest.recipient, subject=digest_subject(digest), body=digest_body(digest, as_of=as_of)
                )
            except MailError as exc:
                await ReminderSent.delete().where(ReminderSent.id.is_in(ids))
                report.failures.append((digest.recipient, str(exc)))
                log.warning("reminder digest to %s not sent: %s", digest.recipient, exc)
                continue
        report.emails_sent += 1
        report.items_sent += len(fresh)
        report.digests.append(digest)
    return report

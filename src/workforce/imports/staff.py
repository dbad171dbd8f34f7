"""`workforce import staff`: one row per employment; the person's details repeat on each of their rows.

Keys: a person is their staff id; an employment is staff + school (or trust) + role + start date;
a SENCO exemption is one per person. See docs/formats.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial

from workforce.imports.base import Importer
from workforce.imports.parsing import (
    FieldError,
    RowCells,
    choice,
    email,
    number,
    parse_bool,
    parse_date,
    text,
    trust_uid,
    urn,
)
from workforce.imports.records import (
    UNKNOWN_SCHOOL,
    UNKNOWN_TRUST,
    Wanted,
    apply_records,
    school_ids,
    trust_ids,
)
from workforce.imports.seen import Seen
from workforce.imports.sql import CreateAudit
from workforce.imports.vocabulary import ROLES, SENSORY_CLASS_ALIASES, SENSORY_CLASSES
from workforce.people.tables import Employment, SencoExemption, StaffMember
from workforce.people.validation import InvalidTRN, normalise_trn

EXEMPTION_CUTOFF = dt.date(2009, 9, 1)

# Cell parsers, built once (not once per row). Those whose cells repeat from row to row (dates, roles, URNs,
# yes/no, FTE) remember their last results: a bounded cache (parsers are pure; bad values raise, and are
# not cached), so memory stays flat.
_STAFF_ID = text(64)
_NAME = text(100)
_TITLE = text(20)
_NOTE = text(2000)
_ROLE = lru_cache(maxsize=256)(choice(ROLES, what="role"))
_FTE = lru_cache(maxsize=1024)(number(minimum=0, maximum=1))
_SENSORY = lru_cache(maxsize=64)(choice(SENSORY_CLASSES, SENSORY_CLASS_ALIASES, what="sensory class"))
_DATE = lru_cache(maxsize=8192)(parse_date)
_BOOL = lru_cache(maxsize=64)(parse_bool)
_URN = lru_cache(maxsize=32768)(urn)
_TRUST_UID = lru_cache(maxsize=4096)(trust_uid)

PERSON_DEFAULTS = {"trn": None, "title": "", "email": None, "qts": False}
# Columns of bulk-created rows, and the fields of their audit entries (in the order the entries list them).
PERSON_COLUMNS = (
    "staff_ref",
    "trn",
    "title",
    "first_name",
    "last_name",
    "email",
    "qts",
    "created_at",
    "updated_at",
)
PERSON_AUDIT_FIELDS = ("staff_ref", "trn", "title", "email", "qts", "first_name", "last_name")
EMPLOYMENT_AUDIT_FIELDS = (
    "staff",
    "school",
    "trust",
    "role",
    "start_date",
    "fte",
    "end_date",
    "senior_leader",
    "senco_fte",
    "sensory_class",
    "sensory_class_since",
)
EMPLOYMENT_COLUMNS = (*EMPLOYMENT_AUDIT_FIELDS, "updated_at")
EMPLOYMENT_DEFAULTS = {
    "fte": 1.0,
    "end_date": None,
    "senior_leader": False,
    "senco_fte": None,
    "sensory_class": None,
    "sensory_class_since": None,
}


@dataclass(slots=True)
class StaffRow:
    row: int
    staff_ref: str
    person: dict
    signature: int  # hash of the person's details (and exemption): the same on every row of one person
    first: bool  # the first row for this staff id in the file: it creates/updates the person
    exemption: dict | None
    urn: int | None
    trust_uid: str | None
    role: str
    start_date: dt.date
    employment: dict


class StaffImporter(Importer):
    kind = "staff"
    # Staff files are the large ones (a trust's whole workforce, a million rows nationally): bigger chunks
    # mean fewer statements (each chunk costs about ten, whatever its size) for the same rows.
    chunk_rows = 5000
    parse_in_worker = True  # a large file is parsed in a second process on SQLite (imports/worker.py)
    required_columns = ("staff_id", "first_name", "last_name", "role", "start_date")
    optional_columns = (
        "trn",
        "title",
        "email",
        "qts",
        "school_urn",
        "trust_uid",
        "fte",
        "end_date",
        "senior_leader",
        "senco_fte",
        "sensory_class",
        "sensory_class_since",
        "senco_exempt",
        "senco_served_from",
        "senco_served_to",
        "senco_exemption_note",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The rules that span the file (one set of personal details per staff id, one staff id per TRN, each
        # employment once) need the keys met on earlier rows: they are kept in the database, in a temporary
        # table of the import's transaction, so memory does not grow with the file (see imports/seen.py).
        # TRNs this file takes away from someone (staff id before): still theirs for the TRN rule, so the
        # outcome does not depend on whether that person's row was already written in an earlier chunk.
        # Only TRN corrections are kept here (a handful per file), not a row's worth of state per row.
        self.released_trns: dict[str, str] = {}
        # URN / UID -> id of the schools and trusts the file names: bounded by the GIAS data, not the file.
        self.school_cache: dict[int, int] = {}
        self.trust_cache: dict[str, int] = {}

    async def start(self) -> None:
        await self.start_seen()

    async def finish(self) -> None:
        await self.seen.finish()

    def check_columns(self, index: dict[str, int]) -> None:
        if "school_urn" not in index and "trust_uid" not in index:
            self.report.add_error(
                1, "school_urn", "the header needs a school_urn column, a trust_uid column or both"
            )
        if "senco_exempt" not in index:
            for column in ("senco_served_from", "senco_served_to", "senco_exemption_note"):
                if column in index:
                    self.report.add_error(1, column, "needs the senco_exempt column too")

    # -- one row
    def parse(self, cells: RowCells) -> StaffRow | None:
        # ``raw`` is the row's stripped cells by column (only the file's columns): read directly, as this
        # runs once per row of files of a million rows; ``cells.get`` parses and reports a bad cell.
        raw = cells.cells
        get = cells.get
        staff_ref = get("staff_id", _STAFF_ID, required=True)
        person: dict = {
            "first_name": get("first_name", _NAME, required=True),
            "last_name": get("last_name", _NAME, required=True),
        }
        if "title" in raw:
            person["title"] = get("title", _TITLE, default="")
        if "trn" in raw:
            try:
                person["trn"] = normalise_trn(raw["trn"])
            except InvalidTRN as exc:
                cells.error("trn", str(exc))
        if "email" in raw:
            person["email"] = get("email", email)
        if "qts" in raw:
            person["qts"] = get("qts", _BOOL, default=False)

        school_raw, trust_raw = raw.get("school_urn", ""), raw.get("trust_uid", "")
        school = get("school_urn", _URN) if school_raw else None
        trust = get("trust_uid", _TRUST_UID) if trust_raw else None
        if school_raw and trust_raw:
            cells.error(
                "trust_uid",
                "give school_urn for a post at a school or trust_uid for a trust-level post, not both",
            )
        elif not school_raw and not trust_raw:
            column = "school_urn" if "school_urn" in raw else "trust_uid"
            cells.error(column, "give school_urn for a post at a school, or trust_uid for a trust-level post")

        role = get("role", _ROLE, required=True)
        start = get("start_date", _DATE, required=True)
        employment: dict = {}
        if "fte" in raw:
            employment["fte"] = get("fte", _FTE, default=1.0)
        if "end_date" in raw:
            end = employment["end_date"] = get("end_date", _DATE) if raw["end_date"] else None
            if end and start and end < start:
                cells.error(
                    "end_date", f"end date {end.isoformat()} is before the start date {start.isoformat()}"
                )
        if "senior_leader" in raw:
            employment["senior_leader"] = get("senior_leader", _BOOL, default=False)
        if "senco_fte" in raw:
            senco_fte = employment["senco_fte"] = get("senco_fte", _FTE) if raw["senco_fte"] else None
            fte = employment.get("fte", 1.0)
            if senco_fte is not None and fte is not None and senco_fte > fte:
                cells.error("senco_fte", f"SENCO time {senco_fte:g} FTE is more than the post's FTE {fte:g}")
        if "sensory_class" in raw:
            sensory = employment["sensory_class"] = (
                get("sensory_class", _SENSORY) if raw["sensory_class"] else None
            )
            since = get("sensory_class_since", _DATE) if raw.get("sensory_class_since") else None
            if since and not raw["sensory_class"]:
                cells.error("sensory_class_since", "a date is given but sensory_class is empty")
            # Without its own date, the sensory class is taken to have started with the post.
            employment["sensory_class_since"] = (since or start) if sensory else None
        elif raw.get("sensory_class_since"):
            cells.error("sensory_class_since", "needs the sensory_class column too")

        exemption = self._exemption(cells) if "senco_exempt" in raw else None
        if not cells.ok:
            return None

        signature = hash((tuple(sorted(person.items())), tuple(sorted((exemption or {}).items()))))
        return StaffRow(
            cells.row, staff_ref, person, signature, False, exemption, school, trust, role, start, employment
        )

    def row_parser(self, index: dict[str, int]) -> Callable[[int, list[str]], StaffRow | None]:
        """``parse`` for a row whose every cell is good and that claims no SENCO exemption (nearly every row
        of a large file), straight from the row's values; None for any other row, which ``parse`` then
        checks cell by cell and reports. The tests check that both give the same rows."""
        at = index.get
        staff_id, first_name, last_name, role_at, start_at = (at(c) for c in self.required_columns)
        title_at, trn_at, email_at, qts_at = at("title"), at("trn"), at("email"), at("qts")
        school_at, trust_at, fte_at, end_at = at("school_urn"), at("trust_uid"), at("fte"), at("end_date")
        senior_at, senco_at, sensory_at, since_at = (
            at("senior_leader"),
            at("senco_fte"),
            at("sensory_class"),
            at("sensory_class_since"),
        )
        exempt_at = at("senco_exempt")
        exemption_at = [
            p
            for p in map(at, ("senco_served_from", "senco_served_to", "senco_exemption_note"))
            if p is not None
        ]
        width = max(index.values()) + 1

        def parse_row(row: int, values: list[str]) -> StaffRow | None:
            if len(values) < width:
                return None
            staff_ref = values[staff_id].strip()
            first, last = values[first_name].strip(), values[last_name].strip()
            school_raw = values[school_at].strip() if school_at is not None else ""
            trust_raw = values[trust_at].strip() if trust_at is not None else ""
            role_raw, start_raw = values[role_at].strip(), values[start_at].strip()
            if (
                not (staff_ref and first and last and role_raw and start_raw)
                or len(staff_ref) > 64
                or len(first) > 100
                or len(last) > 100
                or bool(school_raw) == bool(trust_raw)
            ):
                return None
            person = {"first_name": first, "last_name": last}
            employment: dict = {}
            try:
                if title_at is not None:
                    title = values[title_at].strip()
                    if len(title) > 20:
                        return None
                    person["title"] = title
                if trn_at is not None:
                    person["trn"] = normalise_trn(values[trn_at])
                if email_at is not None:
                    address = values[email_at].strip()
                    person["email"] = email(address) if address else None
                if qts_at is not None:
                    qts = values[qts_at].strip()
                    person["qts"] = _BOOL(qts) if qts else False
                school = _URN(school_raw) if school_raw else None
                trust = _TRUST_UID(trust_raw) if trust_raw else None
                role = _ROLE(role_raw)
                start = _DATE(start_raw)
                if fte_at is not None:
                    fte = values[fte_at].strip()
                    employment["fte"] = _FTE(fte) if fte else 1.0
                if end_at is not None:
                    end = values[end_at].strip()
                    end = employment["end_date"] = _DATE(end) if end else None
                    if end and end < start:
                        return None
                if senior_at is not None:
                    senior = values[senior_at].strip()
                    employment["senior_leader"] = _BOOL(senior) if senior else False
                if senco_at is not None:
                    senco = values[senco_at].strip()
                    senco = employment["senco_fte"] = _FTE(senco) if senco else None
                    if senco is not None and senco > employment.get("fte", 1.0):
                        return None
                since = values[since_at].strip() if since_at is not None else ""
                if sensory_at is not None:
                    sensory = values[sensory_at].strip()
                    if since and not sensory:
                        return None
                    sensory = employment["sensory_class"] = _SENSORY(sensory) if sensory else None
                    since = _DATE(since) if since else None
                    employment["sensory_class_since"] = (since or start) if sensory else None
                elif since:
                    return None
                if exempt_at is not None:
                    exempt = values[exempt_at].strip()
                    if (exempt and _BOOL(exempt)) or any(values[p].strip() for p in exemption_at):
                        return None
            except (FieldError, InvalidTRN):
                return None
            signature = hash((tuple(sorted(person.items())), ()))
            return StaffRow(
                row, staff_ref, person, signature, False, None, school, trust, role, start, employment
            )

        return parse_row

    def pack_rows(self, rows: list[StaffRow]) -> list[tuple]:
        return [
            (
                r.row,
                r.staff_ref,
                r.person,
                r.signature,
                r.first,
                r.exemption,
                r.urn,
                r.trust_uid,
                r.role,
                r.start_date,
                r.employment,
            )
            for r in rows
        ]

    def unpack_rows(self, packed: list[tuple]) -> list[StaffRow]:
        return [StaffRow(*values) for values in packed]

    def _exemption(self, cells: RowCells) -> dict | None:
        if not cells.has("senco_exempt"):
            return None
        exempt = cells.get("senco_exempt", _BOOL, default=False)
        served_from = cells.get("senco_served_from", _DATE) if cells.has("senco_served_from") else None
        served_to = cells.get("senco_served_to", _DATE) if cells.has("senco_served_to") else None
        note = (
            cells.get("senco_exemption_note", _NOTE, default="") if cells.has("senco_exemption_note") else ""
        )
        if not exempt:
            for column in ("senco_served_from", "senco_served_to", "senco_exemption_note"):
                if cells.raw(column):
                    cells.error(column, "only used when senco_exempt is yes")
            return None
        if served_from and served_from >= EXEMPTION_CUTOFF:
            cells.error(
                "senco_served_from",
                f"the exemption is for SENCOs serving before 1 September 2009, got {served_from.isoformat()}",
            )
        if served_from and served_to and served_to < served_from:
            cells.error("senco_served_to", "is before senco_served_from")
        return {"served_from": served_from, "served_to": served_to, "note": note}

    # -- one chunk
    async def _check_in_file(self, rows: list[StaffRow]) -> list[StaffRow]:
        """The rules that span the whole file, row by row in file order; returns the rows that pass.

        Keys met on earlier chunks come from ``self.seen`` (one lookup for the chunk); keys first met in
        this chunk are recorded there afterwards (one bulk insert).
        """
        person_keys = [_person_key(r.staff_ref) for r in rows]
        trn_keys = [_trn_key(r.person["trn"]) for r in rows if r.person.get("trn")]
        earlier = await self.seen.find([*person_keys, *trn_keys])
        new: dict[str, Seen] = {}
        changed: dict[str, Seen] = {}  # people met on earlier chunks given another post in this one
        kept = []
        report = self.report
        for r, key in zip(rows, person_keys, strict=True):
            good = True
            post = _post_key(r)
            person = new.get(key) or changed.get(key) or earlier.get(key)
            r.first = person is None
            if person is None:
                new[key] = _seen((r.row, r.signature, None, f"{post}{_ROW}{r.row}"))
            elif person.sig != r.signature:
                good = False
                report.add_error(
                    r.row,
                    "staff_id",
                    f"staff id {r.staff_ref!r} is on row {person.row} with different personal details; "
                    "every row of one person must repeat the same name, TRN, email, QTS and exemption",
                )
            trn = r.person.get("trn")
            if trn:
                trn_key = _trn_key(trn)
                owner = new.get(trn_key) or earlier.get(trn_key)
                if owner is None:
                    new[trn_key] = _seen((r.row, None, r.staff_ref, None))
                elif owner.owner != r.staff_ref:
                    good = False
                    report.add_error(
                        r.row,
                        "trn",
                        f"TRN {trn} is also given for staff id {owner.owner!r} on row {owner.row}",
                    )
            if person is not None:  # the same employment can only come again for a person met before
                earlier_row = _post_row(person.jobs, post)
                if earlier_row is None:
                    person = person._replace(jobs=f"{person.jobs}{_POSTS}{post}{_ROW}{r.row}")
                    (new if key in new else changed)[key] = person
                else:
                    good = False
                    report.add_error(
                        r.row,
                        "staff_id",
                        "duplicate employment: same staff id, "
                        f"{'school' if r.urn else 'trust'}, role and start date as row {earlier_row}",
                    )
            if good:
                kept.append(r)
        await self.seen.add(new, changed)
        return kept

    async def _school_ids(self, urns: set[int]) -> dict[int, int]:
        missing = urns - self.school_cache.keys()
        if missing:
            self.school_cache.update(await school_ids(self, missing))
        return self.school_cache

    async def _trust_ids(self, uids: set[str]) -> dict[str, int]:
        missing = uids - self.trust_cache.keys()
        if missing:
            self.trust_cache.update(await trust_ids(self, missing))
        return self.trust_cache

    async def process(self, rows: list[StaffRow]) -> None:
        report = self.report
        rows = await self._check_in_file(rows)
        if not rows:
            return
        schools = await self._school_ids({r.urn for r in rows if r.urn})
        trusts = await self._trust_ids({r.trust_uid for r in rows if r.trust_uid})
        # One statement for the people these rows name and the holders of the TRNs they give.
        refs = {r.staff_ref for r in rows}
        trns = {r.person["trn"] for r in rows if r.person.get("trn")}
        by_ref, ref_param = self.sql.in_list("staff_ref", refs)
        by_trn, trn_param = self.sql.in_list("trn", trns)
        stored = await self.sql.fetch(
            "SELECT id, staff_ref, trn, title, first_name, last_name, email, qts FROM staff_member "
            f"WHERE {by_ref} OR {by_trn}",
            ref_param,
            trn_param,
        )
        people = {p["staff_ref"]: p for p in stored if p["staff_ref"] in refs}
        trn_owner = {p["trn"]: p["staff_ref"] for p in stored if p["trn"] in trns}
        for r in rows:
            if r.urn and r.urn not in schools:
                report.add_error(r.row, "school_urn", UNKNOWN_SCHOOL.format(urn=r.urn))
            if r.trust_uid and r.trust_uid not in trusts:
                report.add_error(r.row, "trust_uid", UNKNOWN_TRUST.format(uid=r.trust_uid))
            trn = r.person.get("trn")
            owner = trn_owner.get(trn) or self.released_trns.get(trn) if trn else None
            if owner and owner != r.staff_ref:
                report.add_error(
                    r.row,
                    "trn",
                    f"TRN {trn} already belongs to staff id {owner!r}; a TRN identifies one person",
                )
        for r in rows:
            stored_trn = people[r.staff_ref]["trn"] if r.first and r.staff_ref in people else None
            if stored_trn and "trn" in r.person and r.person["trn"] != stored_trn:
                self.released_trns[stored_trn] = r.staff_ref
        if not self.counting:
            return

        ids = {ref: p["id"] for ref, p in people.items()}
        await self._people(rows, people, ids)
        await self._exemptions(rows, people, ids)
        await self._employments(rows, people, ids, schools, trusts)
        if self.writing:
            await self.flush_audit()

    async def _people(self, rows: list[StaffRow], people: dict, ids: dict[str, int]) -> None:
        # Stored people: compared, updated where they differ (few rows, audited one by one).
        wanted = [Wanted(r.staff_ref, r.person, None) for r in rows if r.first and r.staff_ref in people]
        await apply_records(
            self,
            table=StaffMember,
            label="staff members",
            wanted=wanted,
            existing=people,
            staff_of=lambda record: record["id"],
        )
        # New people: created in bulk, with their audit entries built by the database.
        new = [r for r in rows if r.first and r.staff_ref not in people]
        if not new:
            return
        self.report.count("staff members", "created", len(new))
        if not self.writing:
            return
        now = self.sql.bind_timestamp(self.now)
        records = []
        for r in new:
            person = {**PERSON_DEFAULTS, **r.person}
            records.append(
                (
                    r.staff_ref,
                    person["trn"],
                    person["title"],
                    person["first_name"],
                    person["last_name"],
                    person["email"],
                    person["qts"],
                    now,
                    now,
                )
            )
        new_ids = await self.sql.create(
            StaffMember, PERSON_COLUMNS, records, audit=self._create_audit(PERSON_AUDIT_FIELDS, "id")
        )
        ids.update(zip((r.staff_ref for r in new), new_ids, strict=True))

    def _create_audit(self, fields: tuple[str, ...], staff_column: str) -> CreateAudit:
        return CreateAudit(actor=self.actor, at=self.now, fields=fields, staff_column=staff_column)

    async def _exemptions(self, rows: list[StaffRow], people: dict, ids: dict[str, int]) -> None:
        rows = [r for r in rows if r.first and r.exemption is not None]
        if not rows:
            return
        existing: dict = {}
        stored_rows = await self.sql.select_in(
            SencoExemption,
            "id, staff, served_from, served_to, note",
            "staff",
            {people[r.staff_ref]["id"] for r in rows if r.staff_ref in people},
        )
        for record in sorted(stored_rows, key=lambda e: e["id"]):
            existing.setdefault(record["staff"], record)
        wanted = []
        for r in rows:
            staff_id = ids.get(r.staff_ref)
            insert = {"staff": staff_id, **r.exemption, "recorded_at": self.now} if staff_id else None
            # Key on the stored staff id; a person new to the database has no exemption yet.
            key = people[r.staff_ref]["id"] if r.staff_ref in people else ("new", r.staff_ref)
            wanted.append(Wanted(key, r.exemption, insert))
        await apply_records(
            self, table=SencoExemption, label="SENCO exemptions", wanted=wanted, existing=existing, touch=None
        )

    async def _employments(
        self, rows: list[StaffRow], people: dict, ids: dict[str, int], schools: dict, trusts: dict
    ) -> None:
        # Only people stored before this chunk can have stored employments.
        existing: dict = {}
        known = {p["id"] for p in people.values()}
        for record in sorted(
            await self.sql.select_in(Employment, "*", "staff", known), key=lambda e: e["id"]
        ):
            key = (record["staff"], record["school"], record["trust"], record["role"], record["start_date"])
            existing.setdefault(key, record)
        wanted = []
        records = []
        created = 0
        now = self.sql.bind_timestamp(self.now)
        writing = self.writing
        for r in rows:
            staff_id = ids.get(r.staff_ref)
            school_id = schools.get(r.urn) if r.urn else None
            trust_id = trusts.get(r.trust_uid) if r.trust_uid else None
            key = (staff_id, school_id, trust_id, r.role, r.start_date)
            if staff_id is not None and key in existing:
                wanted.append(Wanted(key, r.employment, None))
                continue
            created += 1
            if writing and staff_id is not None:
                job = {**EMPLOYMENT_DEFAULTS, **r.employment}
                records.append(
                    (
                        staff_id,
                        school_id,
                        trust_id,
                        r.role,
                        r.start_date,
                        job["fte"],
                        job["end_date"],
                        job["senior_leader"],
                        job["senco_fte"],
                        job["sensory_class"],
                        job["sensory_class_since"],
                        now,
                    )
                )
        await apply_records(self, table=Employment, label="employments", wanted=wanted, existing=existing)
        if created:
            self.report.count("employments", "created", created)
        if records:
            await self.sql.create(
                Employment,
                EMPLOYMENT_COLUMNS,
                records,
                audit=self._create_audit(EMPLOYMENT_AUDIT_FIELDS, "staff"),
            )


_seen = partial(tuple.__new__, Seen)  # Seen(row, sig, owner, jobs), made without a Python-level call


def _person_key(staff_ref: str) -> str:
    return "p\x1f" + staff_ref


def _trn_key(trn: str) -> str:
    return "t\x1f" + trn


# A person's posts in the seen table: "post<_ROW>row<_POSTS>post<_ROW>row..."
_ROW = "\x1d"
_POSTS = "\x1e"


def _post_key(r: StaffRow) -> str:
    """The employment key within one person: school (or trust), role and start date."""
    return f"{r.urn or ''}\x1f{r.trust_uid or ''}\x1f{r.role}\x1f{r.start_date.isoformat()}"


def _post_row(jobs: str | None, post: str) -> int | None:
    """The row a person's post was first met on, or None."""
    for item in (jobs or "").split(_POSTS):
        key, _, row = item.rpartition(_ROW)
        if key == post:
            return int(row)
    return None

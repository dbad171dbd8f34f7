"""`workforce import gias`: the GIAS establishment extract (``edubasealldata*.csv``, about 140 columns).

Columns are found by header name, so extracts whose column sets differ import alike; only URN,
EstablishmentName and TypeOfEstablishment (code) are required, and a field whose column is absent is
left as it is. Fills regions (GOR), local authorities (LA), schools, trusts ("Trusts (code)") and trust
memberships. Re-importing the same file changes nothing; a newer file updates schools in place and moves
a school whose trust changed (the old membership ends and a new one starts on the file's date).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from workforce.imports.base import Importer, differences
from workforce.imports.parsing import RowCells, integer, parse_gias_date, text, trust_uid, urn
from workforce.imports.records import Wanted, apply_records
from workforce.organisations.scope import scope_group_for
from workforce.organisations.tables import LocalAuthority, Region, School, Trust, TrustMembership

COLUMNS = {
    # GIAS header -> School field
    "EstablishmentName": "name",
    "TypeOfEstablishment (code)": "type_code",
    "TypeOfEstablishment (name)": "type_name",
    "PhaseOfEducation (name)": "phase",
    "EstablishmentStatus (code)": "status_code",
    "EstablishmentStatus (name)": "status_name",
    "OpenDate": "open_date",
    "CloseDate": "close_date",
    "NumberOfPupils": "number_of_pupils",
    "SENNoStat": "sen_support_pupils",
    "SENStat": "ehc_plan_pupils",
}
RESOURCED_PROVISION = "TypeOfResourcedProvision (name)"
LA_CODE, LA_NAME = "LA (code)", "LA (name)"
GOR_CODE, GOR_NAME = "GOR (code)", "GOR (name)"
TRUST_CODE, TRUST_NAME, TRUST_FLAG = "Trusts (code)", "Trusts (name)", "TrustSchoolFlag (name)"

NO_LA_CODES = frozenset({"", "0", "000"})
NO_REGION_CODES = frozenset({"", "Z"})
NOT_APPLICABLE = frozenset({"does not apply", "not applicable", "not applicable."})

_FILE_DATE = re.compile(r"(20\d{2})(\d{2})(\d{2})")

SCHOOL_DEFAULTS = {
    "type_name": "",
    "phase": "",
    "status_code": 1,
    "status_name": "",
    "open_date": None,
    "close_date": None,
    "number_of_pupils": None,
    "sen_support_pupils": None,
    "ehc_plan_pupils": None,
    "resourced_provision": False,
    "sen_unit": False,
    "local_authority": None,
    "region": None,
    "opted_in": False,
}


def trust_type_for(flag: str) -> str:
    """MAT, SAT or OTHER from GIAS "TrustSchoolFlag (name)" ("Supported by a multi-academy trust", ...)."""
    value = flag.lower()
    if "multi-academy" in value or "multi academy" in value:
        return "MAT"
    if "single-academy" in value or "single academy" in value:
        return "SAT"
    return "OTHER"


def file_date(source: Path | str | bytes, as_of: dt.date | None) -> dt.date:
    """The date memberships change on: ``as_of`` if given, else a YYYYMMDD date in the file name
    (``edubasealldata20250301.csv``), else today (the import date)."""
    if as_of:
        return as_of
    if isinstance(source, (str, Path)):
        for match in _FILE_DATE.finditer(Path(source).name):
            try:
                return dt.date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                continue
    return dt.date.today()


@dataclass(slots=True)
class GiasRow:
    row: int
    urn: int
    school: dict
    la: tuple[str, str] | None  # (code, name)
    region: tuple[str, str] | None
    trust: tuple[str, str, str] | None  # (uid, name, MAT|SAT|OTHER)


class GiasImporter(Importer):
    kind = "gias"
    required_columns = ("URN", "EstablishmentName", "TypeOfEstablishment (code)")
    loose_header = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of: dt.date = self.options["as_of"]
        self.urns: dict[int, int] = {}  # URN -> first row
        self._fake_id = 0  # ids for records a dry run would create
        self.regions: dict[str, dict] = {}
        self.las: dict[str, dict] = {}
        self.trusts: dict[str, dict] = {}
        self.seen: set[tuple[str, str]] = set()
        self.manage_la = self.manage_region = self.manage_trust = False
        self._pending: dict[type, list[dict]] = {}
        self.new_urns: set[int] = set()

    def check_columns(self, index: dict[str, int]) -> None:
        self.manage_la = LA_CODE in index
        self.manage_region = GOR_CODE in index
        self.manage_trust = TRUST_CODE in index

    async def start(self) -> None:
        # Regions, local authorities and trusts number in the hundreds or low thousands: load them once.
        self.regions = {r["code"]: r for r in await self.sql.fetch("SELECT id, code, name FROM region")}
        self.las = {
            la["code"]: la
            for la in await self.sql.fetch("SELECT id, code, name, region FROM local_authority")
        }
        self.trusts = {
            t["uid"]: t for t in await self.sql.fetch("SELECT id, uid, name, trust_type FROM trust")
        }

    # -- one row
    def parse(self, cells: RowCells) -> GiasRow | None:
        school_urn = cells.get("URN", urn, required=True)
        school: dict = {
            "name": cells.get("EstablishmentName", text(255), required=True),
            "type_code": cells.get(
                "TypeOfEstablishment (code)", integer(minimum=0, what="a type code"), required=True
            ),
        }
        for column, field in COLUMNS.items():
            if field in school or not cells.has(column):
                continue
            if field in ("open_date", "close_date"):
                school[field] = cells.get(column, parse_gias_date)
            elif field == "status_code":
                school[field] = cells.get(column, integer(minimum=0, what="a status code"), default=1)
            elif field in ("number_of_pupils", "sen_support_pupils", "ehc_plan_pupils"):
                school[field] = cells.get(column, integer(minimum=0, what="a number of pupils"))
            else:
                school[field] = cells.get(column, text(120 if field == "type_name" else 60), default="")
        if cells.has(RESOURCED_PROVISION):
            provision = cells.raw(RESOURCED_PROVISION).lower()
            school["resourced_provision"] = "resourced provision" in provision
            school["sen_unit"] = "sen unit" in provision
        if school["type_code"] is not None:
            school["scope_group"] = scope_group_for(school["type_code"])

        la = self._named(cells, LA_CODE, LA_NAME, NO_LA_CODES, "local authority")
        region = self._named(cells, GOR_CODE, GOR_NAME, NO_REGION_CODES, "region")
        trust = None
        if cells.has(TRUST_CODE) and cells.raw(TRUST_CODE):
            uid = cells.get(TRUST_CODE, trust_uid)
            name = cells.get(TRUST_NAME, text(255), required=True)
            if uid and name:
                trust = (uid, name, trust_type_for(cells.raw(TRUST_FLAG)))
        if not cells.ok:
            return None
        earlier = self.urns.setdefault(school_urn, cells.row)
        if earlier != cells.row:
            cells.error("URN", f"URN {school_urn} appears again (first on row {earlier})")
            return None
        return GiasRow(cells.row, school_urn, school, la, region, trust)

    @staticmethod
    def _named(cells: RowCells, code_column: str, name_column: str, none_codes, what: str):
        if not cells.has(code_column):
            return None
        code = cells.raw(code_column)
        name = cells.raw(name_column)
        if code in none_codes or name.lower() in NOT_APPLICABLE:
            return None
        if len(code) > 8:
            cells.error(code_column, f"{what} code must be at most 8 characters, got {code!r}")
            return None
        return (code, (name or code)[:100])

    # -- one chunk
    async def process(self, rows: list[GiasRow]) -> None:
        if not self.counting:
            return
        for r in rows:
            if r.region:
                await self._reference(Region, "regions", self.regions, r.region[0], {"name": r.region[1]})
        await self._flush_references()
        for r in rows:
            if r.la:
                wanted = {"name": r.la[1]}
                if self.manage_region:
                    wanted["region"] = self.regions[r.region[0]]["id"] if r.region else None
                await self._reference(LocalAuthority, "local authorities", self.las, r.la[0], wanted)
        await self._flush_references()
        for r in rows:
            if r.trust:
                uid, name, trust_type = r.trust
                await self._reference(
                    Trust,
                    "trusts",
                    self.trusts,
                    uid,
                    {"name": name, "trust_type": trust_type},
                    key_column="uid",
                )
        await self._flush_references()
        school_ids = await self._schools(rows)
        if self.manage_trust:
            await self._memberships(rows, school_ids)

    async def _reference(self, table, label, cache: dict, code: str, wanted: dict, key_column="code") -> None:
        """Create or update a region, local authority or trust the first time the file mentions it."""
        if (label, code) in self.seen:
            return
        self.seen.add((label, code))
        record = cache.get(code)
        if record is None:
            self.report.count(label, "created")
            record = cache[code] = {key_column: code, **wanted, "id": None}
            self._pending.setdefault(table, []).append(record)
            return
        changed = differences(record, wanted)
        if not changed:
            self.report.count(label, "unchanged")
            return
        self.report.count(label, "updated")
        record.update(changed)
        if self.writing:
            update = {"id": record["id"], **changed}
            if table is Trust:
                update["updated_at"] = self.now
            await self.sql.update(table, [update])

    async def _flush_references(self) -> None:
        """Insert the regions, local authorities and trusts first seen in this chunk, and learn their ids."""
        pending, self._pending = self._pending, {}
        for table in (Region, LocalAuthority, Trust):
            records = pending.get(table, [])
            if not records:
                continue
            if not self.writing:
                for record in records:
                    self._fake_id -= 1
                    record["id"] = self._fake_id
                continue
            key = "uid" if table is Trust else "code"
            rows = []
            for record in records:
                row = {k: v for k, v in record.items() if k != "id"}
                if table is LocalAuthority and "region" not in row:
                    row["region"] = None
                if table is Trust:
                    row["updated_at"] = self.now
                rows.append(row)
            created = await self.sql.insert(table, rows, returning=("id", key))
            ids = {c[key]: c["id"] for c in created}
            for record in records:
                record["id"] = ids[record[key]]

    async def _schools(self, rows: list[GiasRow]) -> dict[int, int]:
        existing = {s["urn"]: s for s in await self.sql.select_in(School, "*", "urn", {r.urn for r in rows})}
        self.new_urns = {r.urn for r in rows if r.urn not in existing}
        wanted = []
        for r in rows:
            managed = dict(r.school)
            if self.manage_la:
                managed["local_authority"] = self.las[r.la[0]]["id"] if r.la else None
            if self.manage_region:
                managed["region"] = self.regions[r.region[0]]["id"] if r.region else None
            insert = {"urn": r.urn, **SCHOOL_DEFAULTS, **managed, "updated_at": self.now}
            wanted.append(Wanted(r.urn, managed, insert))
        # Organisation data is not a person's record: school changes are not audited.
        created = await apply_records(
            self, table=School, label="schools", wanted=wanted, existing=existing, audit=False
        )
        ids = {urn_: s["id"] for urn_, s in existing.items()}
        ids.update({s["urn"]: s["id"] for s in created})
        for r in rows:
            if r.urn not in ids:  # dry run: a school that would be created
                self._fake_id -= 1
                ids[r.urn] = self._fake_id
        return ids

    async def _memberships(self, rows: list[GiasRow], school_ids: dict[int, int]) -> None:
        open_by_school: dict[int, list[dict]] = {}
        known = [i for i in school_ids.values() if i > 0]
        if known:
            condition, param = self.sql.in_list("school", known)
            for m in await self.sql.fetch(
                "SELECT id, school, trust, joined_on FROM trust_membership "
                f"WHERE left_on IS NULL AND {condition}",
                param,
            ):
                open_by_school.setdefault(m["school"], []).append(m)
        inserts, ends = [], []
        for r in rows:
            school_id = school_ids[r.urn]
            trust_id = self.trusts[r.trust[0]]["id"] if r.trust else None
            current = open_by_school.get(school_id, [])
            for m in current:
                if m["trust"] != trust_id:
                    self.report.count("trust memberships", "updated")
                    # The membership ends on the file's date: from that day the school is no longer in it.
                    ends.append({"id": m["id"], "left_on": max(self.as_of, m["joined_on"] or self.as_of)})
            if trust_id is None:
                continue
            if any(m["trust"] == trust_id for m in current):
                self.report.count("trust memberships", "unchanged")
                continue
            self.report.count("trust memberships", "created")
            # A school new to the database joined its trust when it opened, as far as GIAS tells us;
            # a known school that moves joins its new trust on the file's date.
            joined = r.school.get("open_date") if r.urn in self.new_urns else self.as_of
            inserts.append({"trust": trust_id, "school": school_id, "joined_on": joined, "left_on": None})
        if self.writing:
            await self.sql.update(TrustMembership, ends)
            await self.sql.insert(TrustMembership, inserts)

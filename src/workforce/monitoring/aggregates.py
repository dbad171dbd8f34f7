"""National workforce aggregates for DfE analysts (selectors: reads only).

Everything is computed with a fixed number of set-based queries, whatever the number of schools:

1. ``SCHOOLS_SQL``   every open, in-scope school with its region, local authority and trust on the as-of date;
2. ``STAFF_SQL``     per school: SENCO and TA headcount and FTE, teachers and TAs with SEND CPD this academic
                     year, SENCOs with a passed NPQ for SENCOs/NASENCO, headteachers with a SEND qualification,
                     early-career teachers with a specialist placement (one GROUP BY over employment, joined to
                     one pre-aggregated row per person of CPD, qualifications and placements);
3. ``SNAPSHOT_SQL``  the latest saved national evaluation of the standard (published parameters only);
4. ``FINDINGS_SQL``  per school and rule of that snapshot: assessed, fell short (skipped without a snapshot).

The per-school rows (about 21,600 for England) are then added up in Python into every breakdown (nation,
region, local authority, phase, school type, trust) so all breakdowns are consistent with each other, and
small counts are suppressed across all of them at once (``suppression.py``).

Counting rules (docs/api.md repeats them for API users):
- a person counts once per school they are employed at on the as-of date (start on or before it, no end date
  or an end date on or after it), so a SENCO shared by two schools counts at both; counts are additive;
- teachers are the roles teacher, senco, headteacher, deputy-head and assistant-head; TAs the role ta;
- SENCO FTE is the SENCO's recorded SENCO time, or the FTE of the SENCO post when none is recorded;
- SEND CPD: a CPD record marked SEND, status verified or self-reported, dated in the academic year
  (1 September - 31 August) containing the as-of date and not after it;
- early-career teachers: teachers with an ITT or ECF placement in the three years up to the as-of date;
  specialist when one of those placements was hosted by a special school (by scope group) or a school with
  resourced provision or an SEN unit;
- pupils with SEN = SEN support + EHC plans (GIAS); pupil numbers are published by GIAS and never suppressed.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from workforce.config import get_settings
from workforce.monitoring.sql import fetch
from workforce.monitoring.suppression import Key, Partition, suppress

TEACHER_ROLES = ("teacher", "senco", "headteacher", "deputy-head", "assistant-head")
TA_ROLES = ("ta",)
SENCO_ROLES = ("senco",)
HEAD_ROLES = ("headteacher",)
SENCO_QUALIFICATIONS = ("npq-senco", "nasenco")
HEAD_SEND_QUALIFICATIONS = ("npq-senco", "nasenco", "send-leadership", "head-send")
CPD_STATUSES = ("verified", "self-reported")
ECT_ROUTES = ("ITT", "ECF")
ECT_YEARS = 3
OPEN_STATUSES = (1, 3)  # GIAS: open, open but proposed to close
OUT_OF_SCOPE = "out-of-scope"
# GIAS type codes of special schools (state and non-maintained), for the "school type" breakdown.
SPECIAL_TYPE_CODES = (7, 8, 10, 12, 33, 36, 44)
# Outcomes that mean a school does not meet a rule (see docs/api.md).
SHORT_OUTCOMES = ("gap", "advisory")
DEFAULT_STANDARD = "proposed-2025"
# How a snapshot of the published standard (no what-if overrides) stores its parameters.
PUBLISHED_PARAMS = ("{}", "", "null")

SCHOOL_TYPES = {
    "mainstream": "Mainstream",
    "resourced-provision": "Mainstream with resourced provision or SEN unit",
    "special": "Special",
    "alternative-provision": "Alternative provision",
}

SCHOOLS_SQL = """
SELECT s.id AS school_id, s.urn, s.name, s.phase, s.type_code, s.scope_group,
       s.resourced_provision, s.sen_unit,
       s.number_of_pupils, s.sen_support_pupils, s.ehc_plan_pupils,
       COALESCE(lr.code, r.code) AS region_code, COALESCE(lr.name, r.name) AS region_name,
       la.code AS la_code, la.name AS la_name,
       t.uid AS trust_uid, t.name AS trust_name
FROM school s
LEFT JOIN region r ON r.id = s.region
LEFT JOIN local_authority la ON la.id = s.local_authority
LEFT JOIN region lr ON lr.id = la.region
LEFT JOIN (
    SELECT m.school AS school_id, MIN(m.trust) AS trust_id
    FROM trust_membership m
    WHERE (m.joined_on IS NULL OR m.joined_on <= :as_of)
      AND (m.left_on IS NULL OR m.left_on > :as_of)
    GROUP BY m.school
) tm ON tm.school_id = s.id
LEFT JOIN trust t ON t.id = tm.trust_id
WHERE s.status_code IN (:open_statuses)
  AND (s.close_date IS NULL OR s.close_date > :as_of)
  AND (s.scope_group <> :out_of_scope OR s.opted_in)
"""

STAFF_SQL = """
SELECT x.school_id,
       SUM(x.is_senco) AS sencos,
       SUM(x.senco_fte) AS senco_fte,
       SUM(x.is_ta) AS tas,
       SUM(x.ta_fte) AS ta_fte,
       SUM(CASE WHEN x.is_teacher = 1 OR x.is_ta = 1 THEN 1 ELSE 0 END) AS staff,
       SUM(CASE WHEN (x.is_teacher = 1 OR x.is_ta = 1) AND x.has_cpd = 1 THEN 1 ELSE 0 END) AS staff_send_cpd,
       SUM(x.is_senco * x.senco_qualified) AS sencos_qualified,
       SUM(x.is_head) AS heads,
       SUM(x.is_head * x.head_qualified) AS heads_send_qualified,
       SUM(x.is_teacher * x.is_ect) AS ects,
       SUM(x.is_teacher * x.is_ect * x.specialist) AS ects_specialist
FROM (
    SELECT e.school AS school_id, e.staff AS staff_id,
           MAX(CASE WHEN e.role IN (:senco_roles) THEN 1 ELSE 0 END) AS is_senco,
           SUM(CASE WHEN e.role IN (:senco_roles)
                    THEN CAST(COALESCE(e.senco_fte, e.fte) AS DOUBLE PRECISION) ELSE 0 END) AS senco_fte,
           MAX(CASE WHEN e.role IN (:ta_roles) THEN 1 ELSE 0 END) AS is_ta,
           SUM(CASE WHEN e.role IN (:ta_roles) THEN CAST(e.fte AS DOUBLE PRECISION) ELSE 0 END) AS ta_fte,
           MAX(CASE WHEN e.role IN (:teacher_roles) THEN 1 ELSE 0 END) AS is_teacher,
           MAX(CASE WHEN e.role IN (:head_roles) THEN 1 ELSE 0 END) AS is_head,
           MAX(CASE WHEN c.staff_id IS NULL THEN 0 ELSE 1 END) AS has_cpd,
           MAX(COALESCE(q.senco_qualified, 0)) AS senco_qualified,
           MAX(COALESCE(q.head_qualified, 0)) AS head_qualified,
           MAX(CASE WHEN p.staff_id IS NULL THEN 0 ELSE 1 END) AS is_ect,
           MAX(COALESCE(p.specialist, 0)) AS specialist
    FROM employment e
    LEFT JOIN (
        SELECT DISTINCT cr.staff AS staff_id
        FROM cpd_record cr
        WHERE cr.is_send AND cr.status IN (:cpd_statuses)
          AND cr.activity_date >= :year_start AND cr.activity_date <= :as_of
    ) c ON c.staff_id = e.staff
    LEFT JOIN (
        SELECT qu.staff AS staff_id,
               MAX(CASE WHEN qu.kind IN (:senco_kinds) THEN 1 ELSE 0 END) AS senco_qualified,
               MAX(CASE WHEN qu.kind IN (:head_kinds) THEN 1 ELSE 0 END) AS head_qualified
        FROM qualification qu
        WHERE qu.status = 'passed' AND qu.kind IN (:all_kinds)
          AND (qu.award_date IS NULL OR qu.award_date <= :as_of)
        GROUP BY qu.staff
    ) q ON q.staff_id = e.staff
    LEFT JOIN (
        SELECT pl.staff AS staff_id,
               MAX(CASE WHEN hs.scope_group = 'special' OR hs.resourced_provision OR hs.sen_unit
                        THEN 1 ELSE 0 END) AS specialist
        FROM placement pl
        LEFT JOIN school hs ON hs.urn = pl.host_urn
        WHERE pl.route IN (:ect_routes)
          AND pl.start_date <= :as_of
          AND COALESCE(pl.end_date, pl.start_date) >= :ect_from
        GROUP BY pl.staff
    ) p ON p.staff_id = e.staff
    WHERE e.school IS NOT NULL
      AND e.start_date <= :as_of
      AND (e.end_date IS NULL OR e.end_date >= :as_of)
    GROUP BY e.school, e.staff
) x
GROUP BY x.school_id
"""

SNAPSHOT_SQL = """
SELECT es.id, es.standard_id, es.standard_version, es.as_of, es.created_at
FROM evaluation_snapshot es
WHERE es.scope = 'national' AND es.standard_id = :standard_id AND es.as_of <= :as_of
  AND CAST(es.params AS TEXT) IN (:published_params)
ORDER BY es.as_of DESC, es.created_at DESC, es.id DESC
LIMIT 1
"""

FINDINGS_SQL = """
SELECT f.urn, f.rule,
       MAX(CASE WHEN f.outcome IN (:short) THEN 1 ELSE 0 END) AS short,
       MAX(CASE WHEN f.outcome <> 'not-applicable' THEN 1 ELSE 0 END) AS assessed
FROM snapshot_finding f
WHERE f.snapshot = :snapshot_id AND f.urn IS NOT NULL
GROUP BY f.urn, f.rule
"""

# ---------------------------------------------------------------------------------------------------
# Columns


@dataclass(frozen=True)
class Count:
    """An additive count that may be suppressed."""

    id: str
    label: str
    parent: str | None = None


# People counts; FTE sums follow the headcount they are summed over.
PEOPLE_COUNTS = (
    Count("staff", "Teachers and TAs"),
    Count("staff_send_cpd", "Teachers and TAs with SEND CPD this year", parent="staff"),
    Count("sencos", "SENCOs"),
    Count("sencos_qualified", "SENCOs with a passed NPQ for SENCOs or NASENCO", parent="sencos"),
    Count("tas", "Teaching assistants"),
    Count("heads", "Headteachers"),
    Count("heads_send_qualified", "Headteachers with a SEND qualification", parent="heads"),
    Count("ects", "Early-career teachers"),
    Count("ects_specialist", "Early-career teachers with a specialist placement", parent="ects"),
)
FTE_OF = {"senco_fte": "sencos", "ta_fte": "tas"}
PUBLIC_COLUMNS = ("schools", "pupils", "sen_pupils")
STAFF_COLUMNS = (
    "sencos",
    "senco_fte",
    "tas",
    "ta_fte",
    "staff",
    "staff_send_cpd",
    "sencos_qualified",
    "heads",
    "heads_send_qualified",
    "ects",
    "ects_specialist",
)


def rule_columns(rule: str) -> tuple[str, str]:
    return f"rule:{rule}:assessed", f"rule:{rule}:met"


# ---------------------------------------------------------------------------------------------------
# Dates


def academic_year_start(as_of: dt.date) -> dt.date:
    """1 September of the academic year (1 September - 31 August) containing ``as_of``."""
    return dt.date(as_of.year if as_of.month >= 9 else as_of.year - 1, 9, 1)


def academic_year_label(as_of: dt.date) -> str:
    start = academic_year_start(as_of)
    return f"{start.year}/{str(start.year + 1)[-2:]}"


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


# ---------------------------------------------------------------------------------------------------
# Per-school rows


@dataclass
class SchoolRow:
    urn: int
    name: str
    phase: str
    school_type: str
    region_code: str
    region_name: str
    la_code: str
    la_name: str
    trust_uid: str | None
    trust_name: str | None
    counts: dict[str, float] = field(default_factory=dict)

    def ratio(self, numerator: str, denominator: str, per: float = 100.0) -> float | None:
        den = self.counts.get(denominator, 0) or 0
        if den <= 0:
            return None
        return (self.counts.get(numerator, 0) or 0) * per / den


def school_type_of(type_code: int | None, scope_group: str, resourced_provision: Any, sen_unit: Any) -> str:
    if (type_code in SPECIAL_TYPE_CODES) or scope_group == "special":
        return "special"
    if scope_group == "alternative-provision":
        return "alternative-provision"
    if bool(resourced_provision) or bool(sen_unit):
        return "resourced-provision"
    return "mainstream"


@dataclass(frozen=True)
class SnapshotInfo:
    id: int
    standard_id: str
    standard_version: str
    as_of: dt.date
    created_at: dt.datetime


async def school_rows(
    *, as_of: dt.date, standard_id: str = DEFAULT_STANDARD
) -> tuple[list[SchoolRow], SnapshotInfo | None, list[str]]:
    """Per-school aggregates on ``as_of`` (four queries at most, whatever the number of schools).

    Returns the rows, the snapshot the rule figures come from (or None) and the rules it covers.
    """
    schools = await fetch(
        SCHOOLS_SQL, as_of=as_of, open_statuses=OPEN_STATUSES, out_of_scope=OUT_OF_SCOPE
    )
    staff = await fetch(
        STAFF_SQL,
        as_of=as_of,
        year_start=academic_year_start(as_of),
        ect_from=years_before(as_of, ECT_YEARS),
        senco_roles=SENCO_ROLES,
        ta_roles=TA_ROLES,
        teacher_roles=TEACHER_ROLES,
        head_roles=HEAD_ROLES,
        cpd_statuses=CPD_STATUSES,
        senco_kinds=SENCO_QUALIFICATIONS,
        head_kinds=HEAD_SEND_QUALIFICATIONS,
        all_kinds=tuple(sorted(set(SENCO_QUALIFICATIONS) | set(HEAD_SEND_QUALIFICATIONS))),
        ect_routes=ECT_ROUTES,
    )
    snapshot_rows = await fetch(
        SNAPSHOT_SQL, standard_id=standard_id, as_of=as_of, published_params=PUBLISHED_PARAMS
    )
    snapshot = None
    findings: list[dict[str, Any]] = []
    if snapshot_rows:
        row = snapshot_rows[0]
        snapshot = SnapshotInfo(
            id=row["id"],
            standard_id=row["standard_id"],
            standard_version=row["standard_version"],
            as_of=_as_date(row["as_of"]),
            created_at=row["created_at"],
        )
        findings = await fetch(FINDINGS_SQL, snapshot_id=snapshot.id, short=SHORT_OUTCOMES)

    staff_by_school = {row["school_id"]: row for row in staff}
    rows: list[SchoolRow] = []
    by_urn: dict[int, SchoolRow] = {}
    for s in schools:
        sen_support = s["sen_support_pupils"] or 0
        ehc = s["ehc_plan_pupils"] or 0
        counts: dict[str, float] = {
            "schools": 1,
            "pupils": s["number_of_pupils"] or 0,
            "sen_pupils": sen_support + ehc,
        }
        st = staff_by_school.get(s["school_id"], {})
        for column in STAFF_COLUMNS:
            counts[column] = _number(st.get(column))
        row = SchoolRow(
            urn=int(s["urn"]),
            name=s["name"],
            phase=(s["phase"] or "").strip() or "Not recorded",
            school_type=school_type_of(s["type_code"], s["scope_group"], s["resourced_provision"], s["sen_unit"]),
            region_code=s["region_code"] or "",
            region_name=s["region_name"] or "Region not recorded",
            la_code=s["la_code"] or "",
            la_name=s["la_name"] or "Local authority not recorded",
            trust_uid=s["trust_uid"],
            trust_name=s["trust_name"],
            counts=counts,
        )
        rows.append(row)
        by_urn[row.urn] = row

    rules: set[str] = set()
    for f in findings:
        target = by_urn.get(f["urn"])
        rule = f["rule"]
        rules.add(rule)
        if target is None or not f["assessed"]:
            continue
        assessed, met = rule_columns(rule)
        target.counts[assessed] = target.counts.get(assessed, 0) + 1
        target.counts[met] = target.counts.get(met, 0) + (0 if f["short"] else 1)
    rule_list = sorted(rules)
    for row in rows:
        for rule in rule_list:
            for column in rule_columns(rule):
                row.counts.setdefault(column, 0)
    rows.sort(key=lambda r: r.urn)
    return rows, snapshot, rule_list


def _number(value: Any) -> float:
    if value is None:
        return 0
    if isinstance(value, float):
        return round(value, 6)
    return int(value)


def _as_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


# ---------------------------------------------------------------------------------------------------
# Roll-up and suppression

NATION: Key = ("nation", "E92000001")
NO_TRUST: Key = ("trust", "")

BREAKDOWNS = {
    "region": "Region",
    "la": "Local authority",
    "phase": "Phase",
    "type": "School type",
    "trust": "Trust",
}


def _keys_of(row: SchoolRow) -> dict[str, Key]:
    return {
        "region": ("region", row.region_code),
        "la": ("la", row.la_code or f"none-{row.region_code}"),
        "phase": ("phase", row.phase),
        "type": ("type", row.school_type),
        "trust": ("trust", row.trust_uid or ""),
    }


@dataclass
class Report:
    """All aggregates for one as-of date, already suppressed; pages, exports and the API read this."""

    as_of: dt.date
    threshold: int
    standard_id: str
    snapshot: SnapshotInfo | None
    rules: list[str]
    schools: list[SchoolRow]
    values: dict[Key, dict[str, float]]
    labels: dict[Key, str]
    children: dict[tuple[str, Key], list[Key]]  # (table, total) -> rows, e.g. ("la", region key)
    parent: dict[Key, Key]
    hidden: dict[str, set[Key]]

    @property
    def academic_year(self) -> str:
        return academic_year_label(self.as_of)

    def is_hidden(self, key: Key, column: str) -> bool:
        if column in FTE_OF:
            column = FTE_OF[column]
        return key in self.hidden.get(column, ())

    def count(self, key: Key, column: str) -> float | None:
        """A count or FTE sum, or None when it is suppressed."""
        if column not in PUBLIC_COLUMNS and self.is_hidden(key, column):
            return None
        return self.values.get(key, {}).get(column, 0)

    def ratio(self, key: Key, numerator: str, denominator: str, per: float = 100.0) -> float | None:
        """numerator per ``per`` of denominator; None when suppressed or the denominator is 0."""
        num = self.count(key, numerator)
        den = self.count(key, denominator)
        if num is None or den is None or den <= 0:
            return None
        return num * per / den

    def exists(self, key: Key) -> bool:
        return key in self.values


def build_report(
    schools: list[SchoolRow],
    *,
    as_of: dt.date,
    threshold: int,
    standard_id: str = DEFAULT_STANDARD,
    snapshot: SnapshotInfo | None = None,
    rules: Iterable[str] = (),
) -> Report:
    """Add the per-school rows up into every breakdown and suppress small counts across all of them."""
    rules = list(rules)
    labels: dict[Key, str] = {NATION: "England"}
    children: dict[tuple[str, Key], dict[Key, None]] = {}  # (table, total) -> rows (an ordered set)
    parent: dict[Key, Key] = {}
    columns = [c for c in schools[0].counts] if schools else list(PUBLIC_COLUMNS + STAFF_COLUMNS)
    vectors: dict[Key, list[list[float]]] = {NATION: []}  # the schools of each cell, as rows of counts
    members: dict[Key, list[int]] = {NATION: []}

    def link(up: Key, down: Key, table: str) -> None:
        children.setdefault((table, up), {})[down] = None

    for row in schools:
        keys = _keys_of(row)
        school_key: Key = ("school", str(row.urn))
        labels[school_key] = f"{row.name} ({row.urn})"
        labels[keys["region"]] = row.region_name
        labels[keys["la"]] = row.la_name
        labels[keys["phase"]] = row.phase
        labels[keys["type"]] = SCHOOL_TYPES[row.school_type]
        labels[keys["trust"]] = row.trust_name or "Not in a trust"
        vector = [row.counts.get(column, 0) for column in columns]
        for key in (NATION, school_key, *keys.values()):
            vectors.setdefault(key, []).append(vector)
            members.setdefault(key, []).append(row.urn)
        link(NATION, keys["region"], "region")
        link(NATION, keys["la"], "la")
        link(NATION, keys["phase"], "phase")
        link(NATION, keys["type"], "type")
        link(NATION, keys["trust"], "trust")
        link(keys["region"], keys["la"], "la")
        link(keys["la"], school_key, "school")
        if row.trust_uid:
            link(keys["trust"], school_key, "school")
        # The drill-down path: nation -> region -> local authority -> school.
        for kind in ("region", "phase", "type", "trust"):
            parent[keys[kind]] = NATION
        parent[keys["la"]] = keys["region"]
        parent[school_key] = keys["la"]

    # Every cell is the sum of its schools (column sums in C: zip and sum).
    values: dict[Key, dict[str, float]] = {
        key: dict(zip(columns, (sum(column) for column in zip(*rows)))) if rows else dict.fromkeys(columns, 0)
        for key, rows in vectors.items()
    }
    ordered_children: dict[tuple[str, Key], list[Key]] = {
        table: sorted(kids, key=lambda k: (labels.get(k, ""), k)) for table, kids in children.items()
    }
    children = ordered_children  # type: ignore[assignment]

    partitions = [Partition(total=up, rows=tuple(kids)) for (_, up), kids in sorted(children.items())]
    counts = list(PEOPLE_COUNTS)
    for rule in rules:
        assessed, met = rule_columns(rule)
        counts.append(Count(assessed, f"Schools assessed on {rule}"))
        counts.append(Count(met, f"Schools meeting {rule}", parent=assessed))
    hidden = suppress(
        values,
        [c.id for c in counts],
        partitions,
        threshold,
        parents={c.id: c.parent for c in counts if c.parent},
        # Cells made of the same schools are the same figure, whatever table they appear in.
        identity={key: frozenset(urns) for key, urns in members.items()},
    )
    return Report(
        as_of=as_of,
        threshold=threshold,
        standard_id=standard_id,
        snapshot=snapshot,
        rules=rules,
        schools=schools,
        values=values,
        labels=labels,
        children=children,
        parent=parent,
        hidden=hidden,
    )


# Dates figures can be built for (the academic year before the earliest must still be a real date).
AS_OF_EARLIEST = dt.date(1900, 1, 1)
AS_OF_LATEST = dt.date(2199, 12, 31)
REPORT_TTL_SECONDS = 300
_report_cache: dict[tuple[dt.date, str, int], tuple[float, Report]] = {}
_report_locks: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # event loop -> lock


def _report_lock() -> asyncio.Lock:
    """One build at a time per event loop, so concurrent first requests wait for one build."""
    loop = asyncio.get_running_loop()
    lock = _report_locks.get(loop)
    if lock is None:
        lock = _report_locks[loop] = asyncio.Lock()
    return lock


def report_cache_clear() -> None:
    """Forget cached reports (tests; or after an import when figures must be fresh at once)."""
    _report_cache.clear()


def as_of_in_range(as_of: dt.date | None) -> bool:
    """Whether figures can be built for ``as_of`` (None: today)."""
    return as_of is None or AS_OF_EARLIEST <= as_of <= AS_OF_LATEST


async def report_get(*, as_of: dt.date | None = None, standard_id: str = DEFAULT_STANDARD) -> Report:
    """The report pages, downloads and the API share: built at most once per ``REPORT_TTL_SECONDS`` for
    each as-of date and standard (building it reads the whole country), with the configured threshold."""
    as_of = as_of or dt.date.today()
    threshold = get_settings().suppression_threshold
    key = (as_of, standard_id, threshold)
    async with _report_lock():
        cached = _report_cache.get(key)
        if cached is not None and time.monotonic() - cached[0] < REPORT_TTL_SECONDS:
            return cached[1]
        report = await report_build(as_of=as_of, threshold=threshold, standard_id=standard_id)
        if len(_report_cache) > 16:
            _report_cache.clear()
        _report_cache[key] = (time.monotonic(), report)
        return report


async def report_build(
    *, as_of: dt.date, threshold: int, standard_id: str = DEFAULT_STANDARD
) -> Report:
    rows, snapshot, rules = await school_rows(as_of=as_of, standard_id=standard_id)
    return build_report(
        rows, as_of=as_of, threshold=threshold, standard_id=standard_id, snapshot=snapshot, rules=rules
    )


# ---------------------------------------------------------------------------------------------------
# Trends across saved snapshots

SNAPSHOTS_SQL = """
SELECT es.id, es.as_of, es.created_at, es.standard_version
FROM evaluation_snapshot es
WHERE es.scope = 'national' AND es.standard_id = :standard_id
  AND CAST(es.params AS TEXT) IN (:published_params)
ORDER BY es.as_of, es.created_at, es.id
"""

TRENDS_SQL = """
SELECT x.snapshot_id, x.rule, SUM(x.assessed) AS assessed, SUM(x.assessed * (1 - x.short)) AS met
FROM (
    SELECT f.snapshot AS snapshot_id, f.urn, f.rule,
           MAX(CASE WHEN f.outcome IN (:short) THEN 1 ELSE 0 END) AS short,
           MAX(CASE WHEN f.outcome <> 'not-applicable' THEN 1 ELSE 0 END) AS assessed
    FROM snapshot_finding f
    WHERE f.snapshot IN (:ids) AND f.urn IS NOT NULL
    GROUP BY f.snapshot, f.urn, f.rule
) x
GROUP BY x.snapshot_id, x.rule
"""


@dataclass(frozen=True)
class TrendPoint:
    snapshot_id: int
    as_of: dt.date
    rule: str
    assessed: int | None  # None: suppressed
    met: int | None

    @property
    def pct(self) -> float | None:
        if self.assessed is None or self.met is None or not self.assessed:
            return None
        return self.met * 100 / self.assessed


async def trends(*, standard_id: str = DEFAULT_STANDARD, threshold: int, limit: int = 12) -> list[TrendPoint]:
    """Schools meeting each rule in the last ``limit`` saved national snapshots (one per as-of date, the
    latest saved), every school each snapshot judged. Two queries. Small counts are suppressed."""
    headers = await fetch(SNAPSHOTS_SQL, standard_id=standard_id, published_params=PUBLISHED_PARAMS)
    latest_by_date: dict[dt.date, dict[str, Any]] = {}
    for row in headers:  # ordered oldest first, so the last one saved for a date wins
        latest_by_date[_as_date(row["as_of"])] = row
    chosen = sorted(latest_by_date.items())[-limit:]
    if not chosen:
        return []
    ids = [row["id"] for _, row in chosen]
    rows = await fetch(TRENDS_SQL, ids=ids, short=SHORT_OUTCOMES)
    date_of = {row["id"]: day for day, row in chosen}
    values: dict[Key, dict[str, float]] = {}
    for row in rows:
        values[(str(row["snapshot_id"]), row["rule"])] = {"assessed": int(row["assessed"]), "met": int(row["met"])}
    hidden = suppress(values, ["assessed", "met"], [], threshold, parents={"met": "assessed"})
    points = [
        TrendPoint(
            snapshot_id=int(key[0]),
            as_of=date_of[int(key[0])],
            rule=key[1],
            assessed=None if key in hidden["assessed"] else int(v["assessed"]),
            met=None if key in hidden["met"] else int(v["met"]),
        )
        for key, v in values.items()
    ]
    points.sort(key=lambda p: (p.rule, p.as_of))
    return points


async def school_regions() -> dict[int, tuple[str, str]]:
    """URN -> (region code, region name) of every school, for scenario breakdowns (one query)."""
    rows = await fetch(
        """
        SELECT s.urn, COALESCE(lr.code, r.code) AS code, COALESCE(lr.name, r.name) AS name
        FROM school s
        LEFT JOIN region r ON r.id = s.region
        LEFT JOIN local_authority la ON la.id = s.local_authority
        LEFT JOIN region lr ON lr.id = la.region
        WHERE COALESCE(lr.code, r.code) IS NOT NULL
        """
    )
    return {int(row["urn"]): (row["code"], row["name"]) for row in rows}

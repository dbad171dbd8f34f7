"""Gather the facts the standards engine judges, with a fixed number of set-based queries.

Whatever the number of schools (one, a trust, the whole country), ``facts_gather`` runs the same
handful of queries: one per kind of fact, each filtered by the same scope expressed in SQL (never
one query per school). CPD is counted per person, academic year and status in the database, so
millions of CPD rows come back as at most a few rows per person. The SQL is plain enough to run
unchanged on SQLite and PostgreSQL; parameters are bound, and the only values written into the SQL
text are URNs after ``int()``.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from piccolo.querystring import QueryString

from workforce.db import ROWS
from workforce.organisations.scope import CLOSED_STATUS, OUT_OF_SCOPE
from workforce.organisations.tables import School
from workforce.standards.dates import academic_year
from workforce.standards.facts import (
    MANY_OBJECTS,
    CpdTally,
    ExemptionFacts,
    Facts,
    GovernorFacts,
    NationalFigures,
    PersonFacts,
    PhasePupils,
    PhaseRoleFte,
    PlacementFacts,
    PostFacts,
    QualificationFacts,
    SchoolFacts,
    TrustFacts,
    fast_constructor,
    gc_paused,
)

CPD_STATUSES = ("verified", "self-reported")  # the statuses a SEND CPD rule may count


class ScopeError(LookupError):
    """The school or trust asked for does not exist (the message says which)."""


async def _fetch(sql: str, *args: Any) -> list[Sequence[Any]]:
    """The rows of one statement, each a sequence of its column values in the SELECT's order.

    Through the engine (so the statement is logged and counted like any other), without a dict per row:
    PostgreSQL gives asyncpg records (dates as dates, booleans as booleans); SQLite plain tuples of the
    stored values (dates as ISO text, booleans as 0/1): see ``workforce.db.ROWS``.
    """
    return await School._meta.db.run_querystring(QueryString(sql, *args, query_type=ROWS))


def _date(value: Any) -> dt.date | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _fte(value: Any) -> float:
    return round(float(value or 0.0), 4)


def _hours(value: Any) -> float:
    return round(float(value or 0.0), 2)


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in {"1", "true", "t"}
    return bool(value)


class _Memo(dict):
    """``memo[value]`` is ``convert(value)``, worked out once per distinct value.

    Hundreds of thousands of rows share a few thousand dates and a handful of FTEs and flags: a dictionary
    lookup replaces a conversion per value (and equal dates become one object).
    """

    __slots__ = ("convert",)

    def __init__(self, convert: Callable[[Any], Any]):
        super().__init__()
        self.convert = convert

    def __missing__(self, value: Any) -> Any:
        result = self[value] = self.convert(value)
        return result


class _Scope:
    """The scope as SQL: common table expressions every query starts with, and their parameters.

    ``scope_school``: the schools judged; ``scope_trust``: their trusts on the as-of date (and the
    trust asked for); ``scope_staff``: everyone with a current post at one of those schools (or a
    trust-level post at one of those trusts, unless only schools were asked for).
    """

    def __init__(self, *, as_of: dt.date, school_urns: list[int] | None, trust_id: int | None):
        self.as_of = as_of
        self.params: list[Any] = []
        current = "e.start_date <= {} AND (e.end_date IS NULL OR e.end_date >= {})"
        if school_urns is not None:
            urns = ", ".join(str(int(urn)) for urn in school_urns) or "NULL"
            school_filter = f"s.urn IN ({urns})"
            school_params: list[Any] = []
        elif trust_id is not None:
            school_filter = (
                "s.status_code <> {} AND s.id IN (SELECT tm.school FROM trust_membership tm WHERE tm.trust = {} "
                "AND (tm.joined_on IS NULL OR tm.joined_on <= {}) AND (tm.left_on IS NULL OR tm.left_on > {}))"
            )
            school_params = [CLOSED_STATUS, trust_id, as_of, as_of]
        else:
            school_filter = "s.status_code <> {} AND (s.scope_group <> {} OR s.opted_in = {})"
            school_params = [CLOSED_STATUS, OUT_OF_SCOPE, True]
        memberships = (
            "SELECT tm.trust FROM trust_membership tm WHERE tm.school IN (SELECT id FROM scope_school) "
            "AND (tm.joined_on IS NULL OR tm.joined_on <= {}) AND (tm.left_on IS NULL OR tm.left_on > {})"
        )
        if trust_id is not None:
            # The trust asked for joined by UNION: with "OR t2.id = <trust>" PostgreSQL expected a thousand trusts
            # and read every placement and governance row of the country for a trust's page (40 ms, 1 ms now).
            scope_trust = f"SELECT tm.trust AS id FROM ({memberships}) tm UNION SELECT CAST({{}} AS INTEGER)"
        else:
            scope_trust = f"SELECT t2.id AS id FROM trust t2 WHERE t2.id IN ({memberships})"
        staff_params = [as_of, as_of]
        # Staff at the schools, and (for a trust or the country) trust-level staff: two halves joined by UNION,
        # each able to use its own index; one OR across e.school and e.trust made PostgreSQL read every
        # employment row for a trust's page (1.4 s at national scale, 0.1 s with the UNION).
        scope_staff = (
            f"SELECT DISTINCT e.staff AS id FROM employment e WHERE {current} "
            "AND e.school IN (SELECT id FROM scope_school)"
        )
        if school_urns is None:
            scope_staff = (
                f"SELECT e.staff AS id FROM employment e WHERE {current} AND e.school IN (SELECT id FROM scope_school) "
                f"UNION SELECT e.staff AS id FROM employment e WHERE {current} AND e.school IS NULL "
                "AND e.trust IN (SELECT id FROM scope_trust)"
            )
            staff_params = [as_of, as_of, as_of, as_of]
        self.cte = (
            f"WITH scope_school AS (SELECT s.id AS id FROM school s WHERE {school_filter}), "
            f"scope_trust AS ({scope_trust}), "
            f"scope_staff AS ({scope_staff}) "
        )
        self.params = [
            *school_params,
            as_of,
            as_of,
            *([trust_id] if trust_id is not None else []),
            *staff_params,
        ]

    async def fetch(self, sql: str, *args: Any) -> list[Sequence[Any]]:
        return await _fetch(self.cte + sql, *self.params, *args)


async def national_figures_gather(*, as_of: dt.date) -> NationalFigures:
    """Pupils and staff FTE per scope group, phase and role over every open school with staff recorded.

    Two queries over the whole database whatever the evaluation's scope (the TA capacity rule compares a
    school with the national figure for its phase).
    """
    current = "e.start_date <= {} AND (e.end_date IS NULL OR e.end_date >= {})"
    pupils = await _fetch(
        "SELECT s.scope_group AS scope_group, s.phase AS phase, COUNT(*) AS schools, "
        "SUM(s.number_of_pupils) AS pupils FROM school s "
        "WHERE s.status_code <> {} AND s.number_of_pupils > 0 AND s.id IN "
        f"(SELECT e.school FROM employment e WHERE e.school IS NOT NULL AND {current}) "
        "GROUP BY s.scope_group, s.phase",
        CLOSED_STATUS,
        as_of,
        as_of,
    )
    fte = await _fetch(
        "SELECT s.scope_group AS scope_group, s.phase AS phase, e.role AS role, "
        "SUM(CAST(e.fte AS DOUBLE PRECISION)) AS fte FROM employment e JOIN school s ON s.id = e.school "
        f"WHERE {current} AND s.status_code <> {{}} AND s.number_of_pupils > 0 "
        "GROUP BY s.scope_group, s.phase, e.role",
        as_of,
        as_of,
        CLOSED_STATUS,
    )
    return NationalFigures(
        pupils=tuple(
            sorted(
                (
                    PhasePupils(scope_group, phase or "", int(schools), int(total or 0))
                    for scope_group, phase, schools, total in pupils
                ),
                key=lambda p: (p.scope_group, p.phase),
            )
        ),
        fte=tuple(
            sorted(
                (
                    PhaseRoleFte(scope_group, phase or "", role, _fte(total))
                    for scope_group, phase, role, total in fte
                ),
                key=lambda p: (p.scope_group, p.phase, p.role),
            )
        ),
    )


def _pick_trusts(rows: Iterable[Sequence[Any]]) -> dict[int, tuple[str, str, str | None]]:
    """The trust each school belonged to on the as-of date (the latest join wins if records overlap).

    ``rows``: (school id, joined on, trust uid, name, type); the answer: school id -> (uid, name, type).
    """
    picked: dict[int, tuple[tuple[dt.date, str], tuple[str, str, str | None]]] = {}
    for school_id, joined_on, uid, name, trust_type in rows:
        key = (_date(joined_on) or dt.date.min, uid)
        current = picked.get(school_id)
        if current is None or key > current[0]:
            picked[school_id] = (key, (uid, name, trust_type))
    return {school_id: trust for school_id, (_key, trust) in picked.items()}


# Builders for the facts that come by the hundred thousand (see fast_constructor).
_make_person = fast_constructor(PersonFacts)
_make_post = fast_constructor(PostFacts)
_make_qualification = fast_constructor(QualificationFacts)
_make_cpd = fast_constructor(CpdTally)
_make_placement = fast_constructor(PlacementFacts)


async def facts_gather(
    *,
    as_of: dt.date,
    school_urns: list[int] | None = None,
    trust_uid: str | None = None,
    national: NationalFigures | None = None,
) -> Facts:
    """The facts for one evaluation: a list of schools (by URN), one trust (by UID), or the whole country.

    The number of queries is fixed (12 at most) whatever the number of schools. ``national`` may pass
    figures already gathered for the same as-of date (they are the same for every scope). Raises
    ``ScopeError`` for an unknown URN or trust UID.
    """
    if school_urns is not None and trust_uid is not None:
        raise ValueError("give school_urns or trust_uid, not both")
    trust_id = None
    requested_trust: TrustFacts | None = None
    if trust_uid is not None:
        rows = await _fetch("SELECT id, uid, name, trust_type FROM trust WHERE uid = {}", trust_uid)
        if not rows:
            raise ScopeError(f"unknown trust UID {trust_uid!r}")
        trust_id, uid, name, trust_type = rows[0]
        requested_trust = TrustFacts(uid, name, trust_type or "MAT")
    if school_urns is not None:
        school_urns = sorted({int(urn) for urn in school_urns})
    scope = _Scope(as_of=as_of, school_urns=school_urns, trust_id=trust_id)

    school_rows = await scope.fetch(
        "SELECT s.id AS id, s.urn AS urn, s.name AS name, s.type_code AS type_code, s.scope_group AS scope_group, "
        "s.status_code AS status_code, s.phase AS phase, s.opted_in AS opted_in, s.number_of_pupils AS number_of_pupils, "
        "s.sen_support_pupils AS sen_support_pupils, s.ehc_plan_pupils AS ehc_plan_pupils, "
        "s.resourced_provision AS resourced_provision, s.sen_unit AS sen_unit "
        "FROM school s WHERE s.id IN (SELECT id FROM scope_school)"
    )
    if school_urns is not None:
        missing = sorted(set(school_urns) - {row[1] for row in school_rows})
        if missing:
            raise ScopeError(f"unknown school URN {', '.join(str(urn) for urn in missing)}")

    membership_rows = await scope.fetch(
        "SELECT tm.school AS school_id, tm.joined_on AS joined_on, t.uid AS uid, t.name AS name, "
        "t.trust_type AS trust_type FROM trust_membership tm JOIN trust t ON t.id = tm.trust "
        "WHERE tm.school IN (SELECT id FROM scope_school) AND (tm.joined_on IS NULL OR tm.joined_on <= {}) "
        "AND (tm.left_on IS NULL OR tm.left_on > {})",
        as_of,
        as_of,
    )
    trust_of = _pick_trusts(membership_rows)
    trusts: dict[str, TrustFacts] = {}
    if requested_trust is not None:
        trusts[requested_trust.uid] = requested_trust
    schools = []
    for (
        school_id,
        urn,
        name,
        type_code,
        scope_group,
        status_code,
        phase,
        opted_in,
        pupils,
        sen_support,
        ehc_plans,
        resourced_provision,
        sen_unit,
    ) in sorted(school_rows, key=lambda r: r[1]):
        trust = trust_of.get(school_id)
        if requested_trust is not None and (trust is None or trust[0] != requested_trust.uid):
            continue  # it overlaps with the trust it has moved to: it counts there
        if trust is not None:
            trusts.setdefault(trust[0], TrustFacts(trust[0], trust[1], trust[2] or "MAT"))
        schools.append(
            SchoolFacts(
                urn=int(urn),
                name=name,
                type_code=int(type_code),
                scope_group=scope_group,
                status_code=int(status_code),
                phase=phase or "",
                opted_in=_bool(opted_in),
                trust_uid=trust[0] if trust else None,
                number_of_pupils=pupils,
                sen_support_pupils=sen_support,
                ehc_plan_pupils=ehc_plans,
                resourced_provision=_bool(resourced_provision),
                sen_unit=_bool(sen_unit),
            )
        )

    # Each kind of fact is built as soon as its rows arrive and the rows are dropped: the driver's rows of one
    # statement are all that is held at a time, and the facts already built are kept out of the collector's
    # way while the next statement's rows come in (_SetAside).
    memo = _Converters()
    aside = _SetAside()

    async def built(build, sql: str, *args: Any):
        """One statement's facts: ``build(rows, memo)`` with the collector paused; the rows go on return."""
        rows = await scope.fetch(sql, *args)
        with gc_paused():
            made = build(rows, memo)
            aside.add()  # before the collector is back on
        return made

    try:
        posts = await built(
            _posts,
            "SELECT e.staff AS staff, e.role AS role, e.start_date AS start_date, e.end_date AS end_date, s.urn AS urn, "
            "t.uid AS trust_uid, CAST(e.fte AS DOUBLE PRECISION) AS fte, e.senior_leader AS senior_leader, "
            "CAST(e.senco_fte AS DOUBLE PRECISION) AS senco_fte, e.sensory_class AS sensory_class, "
            "e.sensory_class_since AS sensory_class_since FROM employment e "
            "LEFT JOIN school s ON s.id = e.school LEFT JOIN trust t ON t.id = e.trust "
            "WHERE e.staff IN (SELECT id FROM scope_staff)",
        )
        people = await built(
            _people,
            "SELECT p.id AS id, p.title AS title, p.first_name AS first_name, p.last_name AS last_name, p.trn AS trn, "
            "p.qts AS qts FROM staff_member p WHERE p.id IN (SELECT id FROM scope_staff)",
        )
        qualifications = await built(
            _qualifications,
            "SELECT q.staff AS staff, q.kind AS kind, q.status AS status, q.start_date AS start_date, "
            "q.award_date AS award_date FROM qualification q WHERE q.staff IN (SELECT id FROM scope_staff)",
        )
        rows = await scope.fetch(
            "SELECT x.staff AS staff, x.served_from AS served_from, x.served_to AS served_to FROM senco_exemption x "
            "WHERE x.staff IN (SELECT id FROM scope_staff)"
        )
        exemptions = tuple(
            ExemptionFacts(staff, memo.day[start], memo.day[end]) for staff, start, end in rows
        )
        del rows
        year = academic_year(as_of)
        previous = year.previous()
        # One row per person: SEND CPD counted and summed per academic year (this one, the one before) and
        # status (verified, self-reported), so millions of records come back as at most one row per person.
        buckets = [
            (label, start, status)
            for label, start in (("y", year.start), ("p", previous.start))
            for status in CPD_STATUSES
        ]
        columns, column_args = [], []
        for label, _start, status in buckets:
            when = f"c.activity_date {'>=' if label == 'y' else '<'} {{}} AND c.status = {{}}"
            name = f"{label}_{status.replace('-', '_')}"
            columns.append(f"SUM(CASE WHEN {when} THEN 1 ELSE 0 END) AS {name}_n")
            columns.append(
                f"SUM(CASE WHEN {when} THEN CAST(c.hours AS DOUBLE PRECISION) ELSE 0 END) AS {name}_h"
            )
            column_args += [year.start, status, year.start, status]
        cpd = await built(
            lambda rows, memo: _cpd(rows, buckets, memo),
            f"SELECT c.staff AS staff, {', '.join(columns)} FROM cpd_record c "
            "WHERE c.is_send = {} AND c.activity_date >= {} AND c.activity_date <= {} "
            "AND c.staff IN (SELECT id FROM scope_staff) GROUP BY c.staff",
            *column_args,
            True,
            previous.start,
            as_of,
        )
        placements = await built(
            _placements,
            "SELECT p.staff AS staff, p.route AS route, p.start_date AS start_date, p.end_date AS end_date, p.days AS days, "
            "p.host_urn AS host_urn, h.name AS host_name, h.scope_group AS host_scope_group, "
            "h.resourced_provision AS host_resourced_provision, h.sen_unit AS host_sen_unit FROM placement p "
            "LEFT JOIN school h ON h.urn = p.host_urn WHERE p.staff IN (SELECT id FROM scope_staff)",
        )
        # Schools' boards and trusts' boards: two halves joined by UNION ALL (disjoint: g.school set or not), each
        # able to use its own index; one OR across them made PostgreSQL read every board member in the country
        # for one trust (27 ms at national scale, under 1 ms apart).
        governor = (
            "SELECT g.full_name AS name, g.role AS role, s.urn AS urn, t.uid AS trust_uid, "
            "g.send_responsibility AS send_responsibility, g.send_expertise AS send_expertise, "
            "g.start_date AS start_date, g.end_date AS end_date FROM governance_role g "
            "LEFT JOIN school s ON s.id = g.school LEFT JOIN trust t ON t.id = g.trust "
            "WHERE {where} AND (g.start_date IS NULL OR g.start_date <= {{}}) "
            "AND (g.end_date IS NULL OR g.end_date >= {{}})"
        )
        rows = await scope.fetch(
            governor.format(where="g.school IN (SELECT id FROM scope_school)")
            + " UNION ALL "
            + governor.format(where="g.school IS NULL AND g.trust IN (SELECT id FROM scope_trust)"),
            as_of,
            as_of,
            as_of,
            as_of,
        )
        governors = _governors(rows, memo)
        del rows
        if national is None:
            national = await national_figures_gather(as_of=as_of)
        return Facts(
            schools=tuple(schools),
            trusts=tuple(sorted(trusts.values(), key=lambda t: t.uid)),
            people=people,
            posts=posts,
            qualifications=qualifications,
            exemptions=exemptions,
            cpd=cpd,
            placements=placements,
            governors=governors,
            national=national,
            evaluate_trusts=school_urns is None,
            as_of=as_of,
        )
    finally:
        aside.release()


class _SetAside:
    """Keeps the facts already built out of the cycle collector's way while more rows arrive.

    A statement brings up to a million rows; as they pile up the collector runs full collections, and each
    walks every object alive, the facts built from the statements before included: 3 to 4 seconds of a
    national gathering. ``add()`` (after each kind of fact is built) moves everything alive to the
    collector's permanent generation (``gc.freeze()``), which collections skip; ``release()`` (at the end)
    moves it back to the oldest generation. Only for many facts (a trust's or a school's are too few to
    matter), and never if the application has frozen objects itself (releasing would undo its freeze).
    """

    __slots__ = ("active", "frozen")

    def __init__(self) -> None:
        self.active = gc.get_freeze_count() == 0
        self.frozen = False

    def add(self) -> None:
        """Call with the collector paused, right after building: the new objects are still uncounted."""
        if self.active and gc.get_count()[0] > MANY_OBJECTS:
            gc.freeze()
            self.frozen = True

    def release(self) -> None:
        if self.frozen:
            gc.unfreeze()


class _Converters:
    """One memo per kind of value that needs converting (see _Memo); asyncpg already gives dates and
    booleans, SQLite gives ISO text and 0/1."""

    __slots__ = ("day", "flag", "fte", "hours")

    def __init__(self) -> None:
        self.day, self.flag, self.fte, self.hours = _Memo(_date), _Memo(_bool), _Memo(_fte), _Memo(_hours)


# Hundreds of thousands of rows each: comprehensions with tuple unpacking, memoised conversions, fast
# constructors (see fast_constructor).


def _posts(rows: Sequence[Sequence[Any]], memo: _Converters) -> tuple[PostFacts, ...]:
    day, flag, fte, make = memo.day, memo.flag, memo.fte, _make_post
    return tuple(
        [
            make(
                staff,
                role,
                day[start],
                day[end],
                urn,
                trust_uid if urn is None else None,
                fte[post_fte],
                flag[senior_leader],
                fte[senco_fte] if senco_fte is not None else None,
                sensory_class or None,
                day[sensory_class_since],
            )
            for (
                staff,
                role,
                start,
                end,
                urn,
                trust_uid,
                post_fte,
                senior_leader,
                senco_fte,
                sensory_class,
                sensory_class_since,
            ) in rows
        ]
    )


def _people(rows: Sequence[Sequence[Any]], memo: _Converters) -> tuple[PersonFacts, ...]:
    flag, make = memo.flag, _make_person
    return tuple(
        [
            make(person_id, first_name or "", last_name or "", title or "", trn, flag[qts])
            for person_id, title, first_name, last_name, trn, qts in rows
        ]
    )


def _qualifications(rows: Sequence[Sequence[Any]], memo: _Converters) -> tuple[QualificationFacts, ...]:
    day, make = memo.day, _make_qualification
    return tuple(
        [make(staff, kind, status, day[start], day[award]) for staff, kind, status, start, award in rows]
    )


def _cpd(
    rows: Sequence[Sequence[Any]], buckets: list[tuple[str, dt.date, str]], memo: _Converters
) -> tuple[CpdTally, ...]:
    """A tally for each person, year and status with at least one activity (the columns follow ``buckets``)."""
    hours, make = memo.hours, _make_cpd
    (y_start, y_status), (y2_start, y2_status), (p_start, p_status), (p2_start, p2_status) = (
        (start, status) for _label, start, status in buckets
    )
    cpd = []
    add = cpd.append
    for staff, y_n, y_h, y2_n, y2_h, p_n, p_h, p2_n, p2_h in rows:
        if y_n:
            add(make(staff, y_start, y_status, int(y_n), hours[y_h]))
        if y2_n:
            add(make(staff, y2_start, y2_status, int(y2_n), hours[y2_h]))
        if p_n:
            add(make(staff, p_start, p_status, int(p_n), hours[p_h]))
        if p2_n:
            add(make(staff, p2_start, p2_status, int(p2_n), hours[p2_h]))
    return tuple(cpd)


def _placements(rows: Sequence[Sequence[Any]], memo: _Converters) -> tuple[PlacementFacts, ...]:
    day, flag, make = memo.day, memo.flag, _make_placement
    return tuple(
        [
            make(
                staff,
                route,
                day[start],
                day[end],
                int(days or 0),
                host_urn,
                host_name or "",
                host_scope_group,
                flag[host_resourced_provision],
                flag[host_sen_unit],
            )
            for (
                staff,
                route,
                start,
                end,
                days,
                host_urn,
                host_name,
                host_scope_group,
                host_resourced_provision,
                host_sen_unit,
            ) in rows
        ]
    )


def _governors(rows: Sequence[Sequence[Any]], memo: _Converters) -> tuple[GovernorFacts, ...]:
    day, flag = memo.day, memo.flag
    return tuple(
        GovernorFacts(
            name=name,
            role=role or "governor",
            urn=urn,
            trust_uid=trust_uid if urn is None else None,
            send_responsibility=flag[send_responsibility],
            send_expertise=send_expertise or "",
            start=day[start],
            end=day[end],
        )
        for name, role, urn, trust_uid, send_responsibility, send_expertise, start, end in rows
    )

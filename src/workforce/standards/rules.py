"""The checks behind the rules of a standard (see docs/standards.md and the standards/*.toml files).

Each check is a pure function ``(rule, context) -> list[Finding]``. Every number, date, window and list
it uses comes from ``rule.params`` (the standard's data file, possibly overridden for a what-if); the
``CHECKS`` registry declares the *type* of each parameter so a file is validated on load.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workforce.organisations.scope import OUT_OF_SCOPE
from workforce.standards.context import Context, join_names, make_finding, person_sort_key
from workforce.standards.dates import (
    AcademicYear,
    academic_year,
    add_months,
    add_years,
    format_date,
    month_day_in_year,
)
from workforce.standards.facts import (
    ExemptionFacts,
    GovernorFacts,
    PersonFacts,
    PlacementFacts,
    PostFacts,
    QualificationFacts,
    SchoolFacts,
)
from workforce.standards.model import (
    ADVISORY,
    DUE_SOON,
    GAP,
    MET,
    NOT_APPLICABLE,
    REQUIRED,
    SUBJECT_PERSON,
    Finding,
    Rule,
)
from workforce.standards.params import (
    Bool,
    Choice,
    Date,
    MonthDay,
    Number,
    NumberMap,
    ParamType,
    TextList,
    TextMap,
)

EPSILON = 1e-6  # FTE and hours are compared with a tolerance (REAL columns are not exact)
ENROLLED = ("registered", "in-progress")
ENDED = ("failed", "withdrawn")
SENSORY_CLASSES = ("hearing", "visual", "multi-sensory")

QUALIFICATION_NAMES = {
    "npq-senco": "NPQ for SENCOs",
    "nasenco": "NASENCO award",
    "send-leadership": "SEND leadership qualification",
    "head-send": "headteacher SEND qualification",
    "npq-headship": "NPQ for Headship",
    "mq-hearing": "mandatory qualification for teachers of pupils with hearing impairment (MQHI)",
    "mq-visual": "mandatory qualification for teachers of pupils with visual impairment (MQVI)",
    "mq-multi-sensory": "mandatory qualification for teachers of pupils with multi-sensory impairment (MQMSI)",
}
SENSORY_LABELS = {
    "hearing": "hearing impairment",
    "visual": "visual impairment",
    "multi-sensory": "multi-sensory impairment",
}


def qualification_name(kind: str) -> str:
    return QUALIFICATION_NAMES.get(kind, kind)


def qualification_list(kinds) -> str:
    names = [qualification_name(kind) for kind in kinds]
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def role_label(role: str) -> str:
    return {"ta": "teaching assistant", "senco": "SENCO"}.get(role, role.replace("-", " ").replace("_", " "))


def number(value: float, places: int = 2) -> str:
    """``0.5``, ``0.75``, ``12`` (no trailing zeros)."""
    text = f"{value:.{places}f}".rstrip("0").rstrip(".")
    return text if text not in ("", "-0") else "0"


fd = format_date


# ======================================================================================= 1 senco-designated
def check_senco_designated(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    roles = ctx.roles("senco")
    for school, treatment in ctx.for_schools(rule, out):
        sencos = ctx.school_people(school, roles)
        if not sencos:
            out.append(
                ctx.school_finding(
                    rule,
                    school,
                    GAP,
                    f"No SENCO is recorded at {school.name} on {fd(ctx.as_of)}; the school must designate a "
                    "qualified teacher working at the school as its SENCO.",
                    treatment=treatment,
                )
            )
            continue
        described = [f"{person.name} (SENCO since {fd(posts[0].start)})" for person, posts in sencos]
        verb = "is the SENCO" if len(sencos) == 1 else "are the SENCOs"
        qualified = [person for person, _ in sencos if person.qts or not rule["require_qts"]]
        if qualified:
            out.append(
                ctx.school_finding(rule, school, MET, f"{join_names(described)} {verb} at {school.name}.")
            )
            continue
        missing = [
            f"{person.name} has a teacher reference number but no QTS recorded"
            if person.trn
            else f"{person.name} has no QTS or teacher reference number recorded"
            for person, _ in sencos
        ]
        verb = "is recorded as SENCO" if len(sencos) == 1 else "are recorded as SENCOs"
        out.append(
            ctx.school_finding(
                rule,
                school,
                GAP,
                f"{join_names(described)} {verb} at {school.name}, but {join_names(missing)}; "
                "the SENCO must be a qualified teacher.",
                treatment=treatment,
            )
        )
    return out


# ======================================================================================= 2 senco-qualification
def _exemption_holds(exemption: ExemptionFacts, served_before: dt.date, min_months: int) -> bool:
    """More than ``min_months`` of SENCO service before ``served_before`` (an undated record is taken as read)."""
    if exemption.served_from is None:
        return True
    if exemption.served_from >= served_before:
        return False
    last_day = served_before - dt.timedelta(days=1)
    if exemption.served_to is not None:
        last_day = min(last_day, exemption.served_to)
    return add_months(exemption.served_from, min_months) <= last_day


def _started_before(q: QualificationFacts, cutoff: dt.date) -> bool:
    if q.start is not None:
        return q.start < cutoff
    return q.award is not None and q.award < cutoff


def _ended_on(q: QualificationFacts) -> str:
    when = q.award or q.start
    return f"{q.status} on {fd(when)}" if when else f"recorded as {q.status}"


def check_senco_qualification(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    roles = ctx.roles("senco")
    for school, treatment in ctx.for_schools(rule, out):
        sencos = ctx.school_people(school, roles)
        if not sencos:
            out.append(
                ctx.school_finding(
                    rule,
                    school,
                    NOT_APPLICABLE,
                    f"No SENCO is recorded at {school.name}, so there is no SENCO qualification to check "
                    "(see the designated SENCO rule).",
                )
            )
            continue
        for person, posts in sencos:
            out.append(_senco_qualification(rule, ctx, school, person, posts, treatment))
    return out


def _senco_qualification(
    rule: Rule, ctx: Context, school: SchoolFacts, person: PersonFacts, posts: list[PostFacts], treatment: str
) -> Finding:
    as_of = ctx.as_of
    roles = ctx.roles("senco")
    first = posts[0]
    if rule["clock"] == "first-appointment":
        first = ctx.first_post(person.id, roles) or first
    appointed = first.start
    deadline = add_years(appointed, rule["qualify_within_years"])
    elsewhere = " (first appointed at another school)" if first.urn not in (None, school.urn) else ""
    became = f"{person.name} became SENCO on {fd(appointed)}{elsewhere}"

    def finding(outcome: str, reason: str, due: dt.date | None = None) -> Finding:
        return ctx.person_finding(rule, school, person, outcome, reason, due=due, treatment=treatment)

    cutoff = rule["exemption_served_before"]
    for exemption in ctx.exemptions_by_person.get(person.id, ()):
        if _exemption_holds(exemption, cutoff, rule["exemption_min_months"]):
            dates = ""
            if exemption.served_from is not None:
                dates = f" (from {fd(exemption.served_from)}" + (
                    f" to {fd(exemption.served_to)})" if exemption.served_to else ")"
                )
            return finding(
                MET,
                f"{person.name} is exempt: served as a SENCO for more than {rule['exemption_min_months']} months "
                f"before {fd(cutoff)}{dates}.",
            )

    main = tuple(rule["qualifications"])
    legacy = tuple(rule["legacy_qualifications"])
    passed = ctx.passed(person.id, main + legacy)
    earlier = [q for q in passed if q.award is not None and q.award < appointed]
    if earlier:
        q = earlier[0]
        return finding(
            MET,
            f"{person.name} is exempt: already held the {qualification_name(q.kind)} (passed {fd(q.award)}) "
            f"before becoming SENCO on {fd(appointed)}.",
        )

    npq_only_from = rule["npq_only_for_appointments_from"]
    legacy_cutoff = rule["legacy_course_started_before"]
    legacy_allowed = appointed < npq_only_from
    counting: list[QualificationFacts] = []
    rejected: list[str] = []
    for q in passed:
        name = qualification_name(q.kind)
        passed_on = f"passed on {fd(q.award)}" if q.award else "passed"
        if q.kind in main:
            counting.append(q)
        elif not legacy_allowed:
            rejected.append(
                f"the {name} ({passed_on}) does not count because only the {qualification_list(main)} counts "
                f"for SENCOs appointed on or after {fd(npq_only_from)}"
            )
        elif not _started_before(q, legacy_cutoff):
            rejected.append(
                f"the {name} ({passed_on}) does not count because the course started on or after {fd(legacy_cutoff)}"
            )
        elif q.award is not None and q.award > deadline:
            rejected.append(
                f"the {name} ({passed_on}) does not count because it was passed after the deadline"
            )
        else:
            counting.append(q)
    if counting:
        q = counting[0]
        when = f"on {fd(q.award)}" if q.award else "(award date not recorded)"
        late = f", after the deadline of {fd(deadline)}" if q.award and q.award > deadline else ""
        return finding(MET, f"{became} and passed the {qualification_name(q.kind)} {when}{late}.")

    eligible = main + (legacy if legacy_allowed else ())
    quals = [q for q in ctx.qualifications_by_person.get(person.id, ()) if q.kind in eligible]
    if legacy_allowed:
        quals = [q for q in quals if q.kind in main or _started_before(q, legacy_cutoff)]
    enrolments = [
        q
        for q in quals
        if q.status in ENROLLED or (q.status == "passed" and q.award is not None and q.award > as_of)
    ]
    ended = [q for q in quals if q.status in ENDED]
    needed = qualification_list(eligible)
    latest_safe = add_months(deadline, -rule["course_max_months"])
    warn_from = deadline - dt.timedelta(days=rule["warning_days"])
    note = ("; " + "; ".join(rejected)) if rejected else ""
    if enrolments:
        e = max(enrolments, key=lambda q: (q.start or dt.date.min, q.kind))
        enrolled = f"is enrolled on the {qualification_name(e.kind)}" + (
            f" (course started {fd(e.start)})" if e.start else ""
        )
    else:
        enrolled = ""
    previous = f" (the last attempt was {_ended_on(ended[-1])})" if ended and not enrolments else ""

    if as_of > deadline:
        extra = f" They are {enrolled.removeprefix('is ')}." if enrolled else ""
        return finding(
            GAP,
            f"{became} and has no passed {needed}{note}; the deadline was {fd(deadline)}.{extra}",
            deadline,
        )
    if not enrolments and ended and add_months(as_of, rule["course_min_months"]) > deadline:
        return finding(
            GAP,
            f"{became}; their {qualification_name(ended[-1].kind)} was {_ended_on(ended[-1])} and there is no new "
            f"enrolment. Courses take at least {rule['course_min_months']} months, so the deadline of "
            f"{fd(deadline)} can no longer be met{note}.",
            deadline,
        )
    if as_of >= warn_from:
        if enrolments:
            reason = (
                f"{became} and {enrolled} but has not yet passed it; the deadline is {fd(deadline)}{note}."
            )
        else:
            reason = f"{became} and is not enrolled on the {needed}{previous}; the deadline is {fd(deadline)}{note}."
        return finding(DUE_SOON, reason, deadline)
    if not enrolments and as_of >= latest_safe:
        tense = "is" if as_of == latest_safe else "was"
        return finding(
            DUE_SOON,
            f"{became} and is not enrolled on the {needed}{previous}; the latest safe date to enrol {tense} "
            f"{fd(latest_safe)} (courses last up to {rule['course_max_months']} months) and the deadline is "
            f"{fd(deadline)}{note}.",
            deadline,
        )
    if enrolments:
        reason = f"{became} and {enrolled}; it must be passed by {fd(deadline)}{note}."
    else:
        reason = (
            f"{became}; the {needed} must be passed by {fd(deadline)} (enrol by {fd(latest_safe)} at the latest)"
            f"{previous}{note}."
        )
    return finding(MET, reason, deadline)


# ======================================================================================= 3 mq-sensory
def check_mq_sensory(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    quals = rule["qualifications"]
    warn = dt.timedelta(days=rule["warning_days"])
    for school, treatment in ctx.for_schools(rule, out):
        posts = [p for p in ctx.current_by_school.get(school.urn, ()) if p.sensory_class]
        if not posts:
            out.append(
                ctx.school_finding(
                    rule,
                    school,
                    NOT_APPLICABLE,
                    f"No teacher of a class of pupils with hearing, visual or multi-sensory impairment is recorded at "
                    f"{school.name}.",
                )
            )
            continue
        by_key: dict[tuple[int, str], list[PostFacts]] = {}
        for post in posts:
            by_key.setdefault((post.person_id, post.sensory_class), []).append(post)
        keyed = sorted(by_key.items(), key=lambda item: (ctx.person(item[0][0]).last_name.lower(), item[0]))
        for (person_id, sensory_class), current in keyed:
            person = ctx.person(person_id)
            label = SENSORY_LABELS.get(sensory_class, sensory_class)
            kinds = quals.get(sensory_class, ())
            needed = qualification_list(kinds) if kinds else f"mandatory qualification for {label}"
            candidates = current
            if rule["clock"] == "first-appointment":
                candidates = [
                    p
                    for p in ctx.posts_by_person.get(person_id, ())
                    if p.sensory_class == sensory_class and p.start <= ctx.as_of
                ] or current
            since = min((p.sensory_class_since or p.start) for p in candidates)
            deadline = add_years(since, rule["qualify_within_years"])
            held = ctx.passed(person_id, kinds)
            teaches = f"{person.name} teaches a class of pupils with {label}"
            if held:
                q = held[0]
                when = f"passed {fd(q.award)}" if q.award else "award date not recorded"
                outcome, reason, due = (
                    MET,
                    f"{teaches} and holds the {qualification_name(q.kind)} ({when}).",
                    None,
                )
            elif ctx.as_of > deadline:
                outcome, reason, due = (
                    GAP,
                    (
                        f"{person.name} has taught a class of pupils with {label} since {fd(since)} without the "
                        f"{needed}; it had to be obtained by {fd(deadline)}."
                    ),
                    deadline,
                )
            elif ctx.as_of >= deadline - warn:
                outcome, reason, due = (
                    DUE_SOON,
                    f"{teaches} (since {fd(since)}) and does not yet hold the {needed}; the deadline is {fd(deadline)}.",
                    deadline,
                )
            else:
                outcome, reason, due = (
                    MET,
                    f"{teaches} (since {fd(since)}); the {needed} must be obtained by {fd(deadline)}.",
                    deadline,
                )
            out.append(
                ctx.person_finding(rule, school, person, outcome, reason, due=due, treatment=treatment)
            )
    return out


# ======================================================================================= 4 send-cpd-annual
@dataclass(frozen=True, slots=True)
class CpdRequirement:
    year: AcademicYear
    start: dt.date  # the first day of the year the requirement covers
    fraction: float
    activities: int
    hours: float
    fte: float

    def describe(self) -> str:
        text = f"{self.activities} SEND CPD {'activity' if self.activities == 1 else 'activities'}"
        if self.hours > 0:
            text += f" and {number(self.hours, 1)} hours"
        notes = []
        if self.start > self.year.start:
            notes.append(f"pro rata from {fd(self.start)}")
        if self.hours > 0 and self.fte < 1 - EPSILON:
            notes.append(f"pro rata for {number(self.fte)} FTE")
        return text + (f" ({', '.join(notes)})" if notes else "")


def _describe_done(activities: int, hours: float, verified_only: bool) -> str:
    kind = "verified SEND CPD" if verified_only else "SEND CPD"
    if activities == 0:
        return f"no {kind}"
    return f"{activities} {kind} {'activity' if activities == 1 else 'activities'} ({number(hours, 1)} hours)"


def _spell_and_fte(
    posts: list[PostFacts], roles: set[str], as_of: dt.date, gap_days: int
) -> tuple[dt.date | None, float]:
    """For one person's posts (sorted by start): the start of their current continuous spell in these roles
    (moving school does not restart it) and the FTE of their current posts in these roles."""
    spell_start = None
    spell_end = -1
    fte = 0
    for post in posts:
        if post.role not in roles or post.start > as_of:
            continue
        start = post.start.toordinal()
        end = post.end.toordinal() if post.end else 10**9
        if spell_start is None or start > spell_end + 1 + gap_days:
            spell_start = post.start
            spell_end = end
        else:
            spell_end = max(spell_end, end)
        if post.end is None or as_of <= post.end:
            fte += post.fte
    return spell_start, fte


def check_send_cpd_annual(rule: Rule, ctx: Context) -> list[Finding]:
    """One finding per current teacher and teaching assistant: the largest rule by far, so its loop is tight.

    Every reason starts with the person's name; the rest of it depends on a handful of values that most
    people share (the requirement, what they have done), so those parts are written once and reused.
    """
    out: list[Finding] = []
    roles = set(ctx.roles("teaching_staff"))
    as_of = ctx.as_of
    year = academic_year(as_of)
    previous = year.previous()
    verified_only = rule["verified_only"]
    statuses = ("verified",) if verified_only else ("verified", "self-reported")
    grace_days = rule["new_starter_grace_days"]
    grace = dt.timedelta(days=grace_days)
    gap_days = rule["continuous_service_gap_days"]
    effective_from = rule["effective_from"]
    min_activities = rule["min_activities"]
    min_hours = rule["min_hours"]
    pro_rata_part_time = rule["pro_rata_part_time"]
    due_soon_from = month_day_in_year(rule["due_soon_from"], year)
    this_year, year_end, last_year = year.label, fd(year.end), previous.describe()

    def requirement(y: AcademicYear, spell_start: dt.date, fte: float) -> tuple[CpdRequirement, str] | None:
        """The requirement of year ``y`` and its description, or None when it does not apply that year."""
        start = max(y.start, spell_start + grace, effective_from)
        if start > y.end:
            return None
        fraction = ((y.end - start).days + 1) / y.days
        activities = math.ceil(min_activities * fraction - EPSILON) if min_activities else 0
        hours = min_hours * fraction
        if pro_rata_part_time and fte < 1:
            hours *= fte
        req = CpdRequirement(y, start, fraction, activities, round(hours, 2), fte)
        return req, req.describe()

    # What each person has done, from the tallies in one pass: [activities, hours per counted status] for this
    # year, then the same for last year. Hours are added per status first, then across statuses in the order
    # above, as they always were (floating-point sums depend on their order; a slot is never -0.0, since
    # 0.0 + -0.0 is 0.0, so a + b below equals 0.0 + a + b).
    width = len(statuses) + 1
    position = {status: index for index, status in enumerate(statuses, start=1)}
    done_by_person: dict[int, list] = {}
    this_start, last_start = year.start, previous.start
    for tally in ctx.facts.cpd:
        index = position.get(tally.status)
        if index is None:
            continue
        if tally.year_start == this_start:
            base = 0
        elif tally.year_start == last_start:
            base = width
        else:
            continue
        slot = done_by_person.get(tally.person_id)
        if slot is None:
            slot = done_by_person[tally.person_id] = [0] + [0.0] * (width - 1) + [0] + [0.0] * (width - 1)
        slot[base] += tally.activities
        slot[base + index] += tally.hours

    # Most people share a few hundred values of these: each is worked out once.
    rounded: dict[float, float] = {}  # hours -> round(hours, 2)
    ftes: dict[float, float] = {}  # FTE of the current posts -> the FTE a requirement is pro rata to
    this_years: dict[tuple[dt.date, float], tuple[CpdRequirement, str] | None] = {}  # (spell start, FTE) ->
    last_years: dict[tuple[dt.date, float], tuple[CpdRequirement, str] | None] = {}
    done_texts: dict[tuple[int, float], str] = {}  # (activities, hours) -> "2 SEND CPD activities (3 hours)"
    missing = object()

    def done_in(slot: list | None, base: int) -> tuple[int, float]:
        if slot is None:
            return 0, 0.0
        hours = slot[base + 1] + slot[base + 2] if width == 3 else slot[base + 1]
        hours_rounded = rounded.get(hours)
        if hours_rounded is None:
            hours_rounded = rounded[hours] = round(hours, 2)
        return slot[base], hours_rounded

    def described(done: tuple[int, float]) -> str:
        text = done_texts.get(done)
        if text is None:
            text = done_texts[done] = _describe_done(*done, verified_only)
        return text

    # The teachers and teaching assistants of each school in name order, for every school at once (what
    # school_people gives, without grouping everyone's posts first: only the people are needed here).
    staff_at: dict[int, list[PersonFacts]] = {}
    people = ctx.people
    for urn, current in ctx.current_by_school.items():
        ids = {post.person_id: None for post in current if post.role in roles}
        if ids:
            staff_at[urn] = sorted([people.get(pid) or ctx.person(pid) for pid in ids], key=person_sort_key)

    posts_by_person = ctx.posts_by_person
    standard_id, rule_id, basis = ctx.standard.id, rule.id, rule.basis
    append = out.append
    for school, treatment in ctx.for_schools(rule, out):
        staff = staff_at.get(school.urn)
        if not staff:
            append(
                ctx.school_finding(
                    rule,
                    school,
                    NOT_APPLICABLE,
                    f"No teachers or teaching assistants are recorded at {school.name}.",
                )
            )
            continue
        urn, trust_uid = school.urn, school.trust_uid
        for person in staff:
            person_id = person.id
            posts = posts_by_person[person_id]  # all their posts, past and current, at any school
            if len(posts) == 1:  # their one post is the current one here, in one of the roles
                spell_start, summed_fte = posts[0].start, 0 + posts[0].fte
            else:
                spell_start, summed_fte = _spell_and_fte(posts, roles, as_of, gap_days)
                if spell_start is None:
                    spell_start = as_of
            judged = False  # a gap or due-soon, which an advisory school turns into advisory
            due = None
            if as_of < spell_start + grace:
                outcome = NOT_APPLICABLE
                reason = (
                    f"{person.name} started on {fd(spell_start)}; no SEND CPD is required in the first "
                    f"{grace_days} days (it is required from {fd(spell_start + grace)})."
                )
            else:
                fte = ftes.get(summed_fte)
                if fte is None:
                    fte = ftes[summed_fte] = round(min(1.0, summed_fte), 4) or 1.0
                key = (spell_start, fte)
                req = this_years.get(key, missing)
                if req is missing:
                    req = this_years[key] = requirement(year, spell_start, fte)
                done = done_by_person.get(person_id)
                done_now = done_in(done, 0)
                if req is None or (
                    done_now[0] >= req[0].activities and done_now[1] + EPSILON >= req[0].hours
                ):
                    outcome = MET
                    needed = f"; {req[1]} required" if req else ""
                    reason = f"{person.name} has completed {described(done_now)} in {this_year}{needed}."
                else:
                    judged = True
                    req_now = req[1]
                    req_before = last_years.get(key, missing)
                    if req_before is missing:
                        req_before = last_years[key] = requirement(previous, spell_start, fte)
                    done_before = done_in(done, width)
                    if req_before is not None and not (
                        done_before[0] >= req_before[0].activities
                        and done_before[1] + EPSILON >= req_before[0].hours
                    ):
                        outcome, due = GAP, previous.end
                        reason = (
                            f"{person.name} completed {described(done_before)} in {last_year}, short of the "
                            f"{req_before[1]} required, and has {described(done_now)} so far in {this_year} "
                            f"({req_now} due by {year_end})."
                        )
                    elif as_of >= due_soon_from:
                        outcome, due = DUE_SOON, year.end
                        reason = (
                            f"{person.name} has {described(done_now)} recorded in {this_year}; {req_now} must be "
                            f"completed by {year_end}."
                        )
                    else:
                        outcome, due = MET, year.end
                        reason = (
                            f"{person.name} has until {year_end} to complete {req_now} in {this_year} "
                            f"({described(done_now)} so far)."
                        )
            if judged and treatment != REQUIRED:
                append(
                    ctx.person_finding(rule, school, person, outcome, reason, due=due, treatment=treatment)
                )
            else:
                append(
                    make_finding(
                        standard_id,
                        rule_id,
                        SUBJECT_PERSON,
                        outcome,
                        basis,
                        reason,
                        urn,
                        trust_uid,
                        person_id,
                        due,
                        None,
                    )
                )
    return out


# ======================================================================================= 5 slt-senco-qualified
def _senior_leaders(ctx: Context, posts, *, roles: set[str], flag_only: bool = False):
    """(person, first senior post) for each senior leader among ``posts``, sorted by name."""
    people: dict[int, PostFacts] = {}
    senior = [post for post in posts if post.senior_leader or (not flag_only and post.role in roles)]
    for post in sorted(senior, key=lambda p: (p.start, p.role)):  # the same order as sorting them all
        people.setdefault(post.person_id, post)
    items = [(ctx.person(pid), post) for pid, post in people.items()]
    items.sort(key=lambda item: (item[0].last_name.lower(), item[0].first_name.lower(), item[0].id))
    return items


def _qualified_leaders(
    ctx: Context, leaders, kinds
) -> list[tuple[PersonFacts, PostFacts, QualificationFacts]]:
    found = []
    for person, post in leaders:
        held = ctx.passed(person.id, kinds)
        if held:
            found.append((person, post, held[0]))
    return found


def _held(q: QualificationFacts) -> str:
    return (
        f"the {qualification_name(q.kind)} (passed {fd(q.award)})"
        if q.award
        else f"the {qualification_name(q.kind)}"
    )


def check_slt_senco_qualified(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    roles = set(ctx.roles("senior_leader"))
    kinds = rule["qualifications"]
    for school, treatment in ctx.for_schools(rule, out):
        leaders = _senior_leaders(ctx, ctx.current_by_school.get(school.urn, ()), roles=roles)
        qualified = _qualified_leaders(ctx, leaders, kinds)
        if qualified:
            person, post, q = qualified[0]
            out.append(
                ctx.school_finding(
                    rule,
                    school,
                    MET,
                    f"{person.name} ({role_label(post.role)}) on the senior leadership team of {school.name} holds "
                    f"{_held(q)}.",
                )
            )
        elif not leaders:
            out.append(
                ctx.school_finding(
                    rule,
                    school,
                    GAP,
                    f"No senior leaders are recorded at {school.name}, so no senior leader holds a SENCO "
                    f"qualification ({qualification_list(kinds)}).",
                    treatment=treatment,
                )
            )
        else:
            names = join_names([f"{p.name} ({role_label(post.role)})" for p, post in leaders])
            out.append(
                ctx.school_finding(
                    rule,
                    school,
                    GAP,
                    f"None of the senior leadership team of {school.name} ({names}) holds a SENCO qualification "
                    f"({qualification_list(kinds)}).",
                    treatment=treatment,
                )
            )
    return out


# ======================================================================================= 6 trust-senco-qualified
def check_trust_senco_qualified(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    kinds = rule["qualifications"]
    roles = set(ctx.roles("senior_leader"))
    single = set(rule["single_academy_types"])
    for trust, schools in ctx.covered_trusts(
        rule, tuple(rule["trust_types"]) + tuple(rule["single_academy_types"])
    ):
        leaders = _senior_leaders(ctx, ctx.current_by_trust.get(trust.uid, ()), roles=roles, flag_only=True)
        qualified = _qualified_leaders(ctx, leaders, kinds)
        if qualified:
            person, post, q = qualified[0]
            out.append(
                ctx.trust_finding(
                    rule,
                    trust,
                    MET,
                    f"{person.name} ({role_label(post.role)}), a trust-level senior leader of {trust.name}, holds "
                    f"{_held(q)}.",
                )
            )
            continue
        if trust.trust_type in single:
            found = None
            for school in schools:
                school_leaders = _senior_leaders(ctx, ctx.current_by_school.get(school.urn, ()), roles=roles)
                at_school = _qualified_leaders(ctx, school_leaders, kinds)
                if at_school:
                    found = (school, *at_school[0])
                    break
            if found:
                school, person, post, q = found
                out.append(
                    ctx.trust_finding(
                        rule,
                        trust,
                        MET,
                        f"{trust.name} is a single-academy trust: {person.name} ({role_label(post.role)}) at "
                        f"{school.name} holds {_held(q)}.",
                    )
                )
            else:
                out.append(
                    ctx.trust_finding(
                        rule,
                        trust,
                        GAP,
                        f"{trust.name} is a single-academy trust and no senior leader of the trust or of "
                        f"{join_names([s.name for s in schools])} holds a SENCO qualification "
                        f"({qualification_list(kinds)}).",
                    )
                )
            continue
        recorded = (
            f" Trust-level senior leaders recorded: {join_names([p.name for p, _ in leaders])}."
            if leaders
            else " No trust-level senior leaders are recorded."
        )
        out.append(
            ctx.trust_finding(
                rule,
                trust,
                GAP,
                f"No trust-level senior leader of {trust.name} holds a SENCO qualification "
                f"({qualification_list(kinds)}).{recorded}",
            )
        )
    return out


# ======================================================================================= 7 senco-capacity
def check_senco_capacity(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    roles = set(ctx.roles("senco"))
    min_fte = rule["min_fte"]
    per_100 = rule["min_fte_per_100_sen"]
    amber = rule["amber_min_fte_per_100_sen"]
    for school, treatment in ctx.for_schools(rule, out):
        posts = [p for p in ctx.current_by_school.get(school.urn, ()) if p.role in roles]
        fte = round(sum(p.senco_fte if p.senco_fte is not None else p.fte for p in posts), 4)
        sen = school.sen_pupils
        metrics: dict[str, Any] = {
            "senco_fte": fte,
            "sen_pupils": sen,
            "min_fte": min_fte,
            "min_fte_per_100_sen": per_100,
            "amber_min_fte_per_100_sen": amber,
        }
        if sen is None:
            out.append(
                ctx.school_finding(
                    rule,
                    school,
                    ADVISORY,
                    f"The number of pupils with SEN at {school.name} is not recorded, so its SENCO time "
                    f"({number(fte)} FTE) cannot be checked.",
                    metrics=metrics,
                )
            )
            continue
        required = round(max(min_fte, per_100 * sen / 100), 4)
        red_line = max(min_fte, amber * sen / 100)
        ratio = round(fte / (sen / 100), 4) if sen else None
        metrics.update(required_fte=required, fte_per_100_sen=ratio)
        basis = f"the larger of {number(min_fte)} FTE and {number(per_100)} FTE per 100 pupils with SEN"
        if fte == 0:
            have = f"No SENCO time is recorded at {school.name} for {sen} pupils with SEN"
        else:
            per = f" ({number(ratio)} FTE per 100)" if ratio is not None else ""
            have = f"SENCO time at {school.name} is {number(fte)} FTE for {sen} pupils with SEN{per}"
        if fte + EPSILON >= required:
            outcome, reason = MET, f"{have}; at least {number(required)} FTE is expected ({basis})."
        elif fte + EPSILON >= red_line:
            outcome, reason = (
                ADVISORY,
                (
                    f"{have}: amber, below the {number(required)} FTE expected ({basis}) but not below "
                    f"{number(amber)} FTE per 100 pupils with SEN."
                ),
            )
        elif fte + EPSILON < min_fte:
            outcome, reason = (
                GAP,
                (
                    f"{have}: below the minimum of {number(min_fte)} FTE; at least {number(required)} FTE is expected "
                    f"({basis})."
                ),
            )
        else:
            outcome, reason = (
                GAP,
                (
                    f"{have}: below {number(amber)} FTE per 100 pupils with SEN and below the {number(required)} FTE "
                    f"expected ({basis})."
                ),
            )
        out.append(ctx.school_finding(rule, school, outcome, reason, metrics=metrics, treatment=treatment))
    return out


# ======================================================================================= 8 ta-capacity
def _ta_phase(rule: Rule, group: str, gias_phase: str) -> str | None:
    by_group = rule["phase_by_group"]
    if group in by_group:
        return by_group[group]
    return rule["phase_map"].get(gias_phase)


def national_ta_figures(rule: Rule, ctx: Context) -> dict[str, dict[str, Any]]:
    """Pupils per TA FTE for each phase: from the loaded data when enough schools have staff, else the fallback."""
    ta_roles = set(ctx.roles("teaching_assistant"))
    pupils: dict[str, list] = {}
    for row in ctx.facts.national.pupils:
        if row.scope_group == OUT_OF_SCOPE:
            continue
        phase = _ta_phase(rule, row.scope_group, row.phase)
        if phase is not None:
            slot = pupils.setdefault(phase, [0, 0])
            slot[0] += row.schools
            slot[1] += row.pupils
    fte: dict[str, float] = {}
    for row in ctx.facts.national.fte:
        if row.scope_group == OUT_OF_SCOPE or row.role not in ta_roles:
            continue
        phase = _ta_phase(rule, row.scope_group, row.phase)
        if phase is not None:
            fte[phase] = fte.get(phase, 0.0) + row.fte
    figures = {}
    for phase, fallback in sorted(rule["fallback_pupils_per_ta_fte"].items()):
        schools, total_pupils = pupils.get(phase, (0, 0))
        total_fte = round(fte.get(phase, 0.0), 4)
        if schools >= rule["min_schools_for_national"] and total_fte > 0 and total_pupils > 0:
            figures[phase] = {
                "value": round(total_pupils / total_fte, 2),
                "source": "data",
                "schools": schools,
            }
        else:
            figures[phase] = {"value": fallback, "source": "fallback", "schools": schools}
    return figures


def check_ta_capacity(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    roles = set(ctx.roles("teaching_assistant"))
    multiplier = rule["multiplier"]
    figures = national_ta_figures(rule, ctx)
    for school, treatment in ctx.for_schools(rule, out):
        phase = _ta_phase(rule, ctx.group_of(school), school.phase)
        if phase is None or phase not in figures:
            out.append(
                ctx.school_finding(
                    rule,
                    school,
                    NOT_APPLICABLE,
                    f"There is no national pupils-per-TA figure for the phase of {school.name} "
                    f"({school.phase or 'phase not recorded'}) to compare with.",
                )
            )
            continue
        figure = figures[phase]
        national = figure["value"]
        limit = round(multiplier * national, 2)
        ta_fte = round(sum(p.fte for p in ctx.current_by_school.get(school.urn, ()) if p.role in roles), 4)
        pupils = school.number_of_pupils
        source = (
            f"national {phase} figure of {number(national, 1)} (from {figure['schools']} schools in the data)"
            if figure["source"] == "data"
            else f"{phase} fallback figure of {number(national, 1)}"
        )
        metrics: dict[str, Any] = {
            "pupils": pupils,
            "ta_fte": ta_fte,
            "phase": phase,
            "national_pupils_per_ta_fte": national,
            "national_source": figure["source"],
            "multiplier": multiplier,
            "limit_pupils_per_ta_fte": limit,
        }
        if not pupils:
            out.append(
                ctx.school_finding(
                    rule,
                    school,
                    ADVISORY,
                    f"The number of pupils at {school.name} is not recorded, so its teaching assistant capacity "
                    f"({number(ta_fte)} FTE) cannot be checked.",
                    metrics=metrics,
                )
            )
            continue
        ratio = round(pupils / ta_fte, 2) if ta_fte > 0 else None
        metrics["pupils_per_ta_fte"] = ratio
        if ratio is None:
            outcome = rule["flag_outcome"]
            reason = (
                f"{school.name} has {pupils} pupils and no teaching assistant FTE recorded; the limit is "
                f"{number(limit, 1)} pupils per TA FTE ({number(multiplier)} x the {source})."
            )
        elif ratio > limit + EPSILON:
            outcome = rule["flag_outcome"]
            reason = (
                f"{school.name} has {pupils} pupils and {number(ta_fte)} teaching assistant FTE: {number(ratio, 1)} "
                f"pupils per TA FTE, more than {number(multiplier)} x the {source} (limit {number(limit, 1)})."
            )
        else:
            outcome = MET
            reason = (
                f"{school.name} has {pupils} pupils and {number(ta_fte)} teaching assistant FTE: {number(ratio, 1)} "
                f"pupils per TA FTE, within {number(multiplier)} x the {source} (limit {number(limit, 1)})."
            )
        out.append(ctx.school_finding(rule, school, outcome, reason, metrics=metrics, treatment=treatment))
    return out


# ======================================================================================= 9 head-send-qualification
def check_head_send_qualification(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    roles = ctx.roles("headteacher")
    kinds = rule["qualifications"]
    appointed_from = rule["appointed_from"]
    warn = dt.timedelta(days=rule["warning_days"])
    for school, treatment in ctx.for_schools(rule, out):
        heads = ctx.school_people(school, roles)
        if not heads:
            out.append(
                ctx.school_finding(
                    rule, school, NOT_APPLICABLE, f"No headteacher is recorded at {school.name}."
                )
            )
            continue
        for person, posts in heads:
            first = posts[0]
            if rule["clock"] == "first-appointment":
                first = ctx.first_post(person.id, roles) or first
            appointed = first.start
            became = f"{person.name} became headteacher on {fd(appointed)}"
            if appointed < appointed_from:
                out.append(
                    ctx.person_finding(
                        rule,
                        school,
                        person,
                        NOT_APPLICABLE,
                        f"{became}, before {fd(appointed_from)}; the rule covers headteachers appointed from that date.",
                    )
                )
                continue
            deadline = add_years(appointed, rule["qualify_within_years"])
            held = ctx.passed(person.id, kinds)
            if held:
                outcome, reason, due = MET, f"{became} and holds {_held(held[0])}.", None
            elif ctx.as_of > deadline:
                outcome, reason, due = (
                    GAP,
                    (
                        f"{became} and holds no SEND qualification ({qualification_list(kinds)}); the deadline was "
                        f"{fd(deadline)}."
                    ),
                    deadline,
                )
            elif ctx.as_of >= deadline - warn:
                outcome, reason, due = (
                    DUE_SOON,
                    (
                        f"{became} and does not yet hold a SEND qualification ({qualification_list(kinds)}); the "
                        f"deadline is {fd(deadline)}."
                    ),
                    deadline,
                )
            else:
                outcome, reason, due = (
                    MET,
                    f"{became}; a SEND qualification ({qualification_list(kinds)}) must be held by {fd(deadline)}.",
                    deadline,
                )
            out.append(
                ctx.person_finding(rule, school, person, outcome, reason, due=due, treatment=treatment)
            )
    return out


# ======================================================================================= 10 specialist-placement
def _is_specialist(rule: Rule, placement: PlacementFacts) -> bool:
    return (
        (placement.host_scope_group is not None and placement.host_scope_group in rule["specialist_groups"])
        or (placement.host_resourced_provision and rule["resourced_provision_counts"])
        or (placement.host_sen_unit and rule["sen_unit_counts"])
    )


def _placement_text(placement: PlacementFacts) -> str:
    host = placement.host_name or (
        f"URN {placement.host_urn}" if placement.host_urn else "an unrecorded school"
    )
    when = f"from {fd(placement.start)}" + (f" to {fd(placement.end)}" if placement.end else "")
    return f"{placement.route} placement at {host} {when}"


def check_specialist_placement(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    roles = set(ctx.roles("teacher"))
    routes = set(rule["routes"])
    since = add_years(ctx.as_of, -rule["lookback_years"])
    placements_by_person = ctx.placements_by_person
    # Only people with a placement can be early-career teachers: the schools where each of them holds a
    # current post in a teacher role, instead of reading everyone at every school (most have no placement).
    as_of = ctx.as_of
    teachers_at: dict[int, set[int]] = {}
    for person_id in placements_by_person:
        for post in ctx.posts_by_person.get(person_id, ()):
            if (
                post.urn is not None
                and post.role in roles
                and post.start <= as_of
                and (post.end is None or as_of <= post.end)
            ):
                teachers_at.setdefault(post.urn, set()).add(person_id)
    for school, treatment in ctx.for_schools(rule, out):
        ects = []
        # in name order, as school_people gives them
        for person in sorted(map(ctx.person, teachers_at.get(school.urn, ())), key=person_sort_key):
            own = placements_by_person[person.id]
            placements = [p for p in own if p.route in routes and p.start <= ctx.as_of]
            recent = [p for p in placements if (p.end or p.start) >= since]
            if recent:
                ects.append((person, placements, recent))
        if not ects:
            out.append(
                ctx.school_finding(
                    rule,
                    school,
                    NOT_APPLICABLE,
                    f"No early-career teachers (ITT or ECF in the last {rule['lookback_years']} years) are recorded "
                    f"at {school.name}.",
                )
            )
            continue
        for person, placements, recent in ects:
            specialist = [p for p in placements if _is_specialist(rule, p)]
            if specialist:
                out.append(
                    ctx.person_finding(
                        rule,
                        school,
                        person,
                        MET,
                        f"{person.name} had a placement in a specialist setting: {_placement_text(specialist[-1])}.",
                    )
                )
                continue
            reason = (
                f"{person.name} is an early-career teacher ({_placement_text(recent[-1])}) and has had no placement "
                "in a specialist setting (a special school, or a school with resourced provision or a SEN unit)."
            )
            if rule["mandatory"]:
                outcome = GAP
            else:
                outcome = ADVISORY
                reason += " For information: such placements are not yet mandatory."
            out.append(ctx.person_finding(rule, school, person, outcome, reason, treatment=treatment))
    return out


# ======================================================================================= 11 governance-send
def check_governance_send(rule: Rule, ctx: Context) -> list[Finding]:
    out: list[Finding] = []
    trust_types = set(rule["trust_types"])

    def qualifies(g: GovernorFacts) -> bool:
        return g.send_responsibility and (
            not rule["require_expertise_recorded"] or bool(g.send_expertise.strip())
        )

    def who(g: GovernorFacts) -> str:
        return f"{g.name} ({role_label(g.role)})"

    for school, treatment in ctx.for_schools(rule, out):
        local = [g for g in ctx.governors_by_school.get(school.urn, ()) if qualifies(g)]
        if local:
            out.append(
                ctx.school_finding(
                    rule,
                    school,
                    MET,
                    f"{who(local[0])} on the governing board of {school.name} has SEND responsibility.",
                )
            )
            continue
        trust = ctx.trust_by_uid.get(school.trust_uid) if school.trust_uid else None
        if rule["academy_may_rely_on_trust_board"] and trust is not None and trust.trust_type in trust_types:
            board = [g for g in ctx.governors_by_trust.get(trust.uid, ()) if qualifies(g)]
            if board:
                out.append(
                    ctx.school_finding(
                        rule,
                        school,
                        MET,
                        f"{school.name} has no local governor with SEND responsibility recorded, but the board of its "
                        f"trust, {trust.name}, has one: {who(board[0])}.",
                    )
                )
                continue
        count = len(ctx.governors_by_school.get(school.urn, ()))
        recorded = (
            f" ({count} current governor{'s' if count != 1 else ''} recorded)"
            if count
            else " (no governors recorded)"
        )
        out.append(
            ctx.school_finding(
                rule,
                school,
                GAP,
                f"No member of the governing board of {school.name} is recorded with SEND responsibility{recorded}.",
                treatment=treatment,
            )
        )
    for trust, _schools in ctx.covered_trusts(rule, tuple(rule["trust_types"])):
        board = [g for g in ctx.governors_by_trust.get(trust.uid, ()) if qualifies(g)]
        if board:
            out.append(
                ctx.trust_finding(
                    rule, trust, MET, f"{who(board[0])} on the board of {trust.name} has SEND responsibility."
                )
            )
        else:
            count = len(ctx.governors_by_trust.get(trust.uid, ()))
            recorded = (
                f" ({count} current trustee{'s' if count != 1 else ''} recorded)"
                if count
                else " (no trustees recorded)"
            )
            out.append(
                ctx.trust_finding(
                    rule,
                    trust,
                    GAP,
                    f"No trustee of {trust.name} is recorded with SEND responsibility{recorded}.",
                )
            )
    return out


# ======================================================================================= registry
@dataclass(frozen=True)
class Check:
    run: Callable[[Rule, Context], list[Finding]]
    level: str  # what its findings are about: school, person, trust, school+trust
    params: dict[str, ParamType]
    roles: tuple[str, ...] = ()  # role groups of the standard's [roles] table it reads
    validate: Callable[[dict[str, Any]], tuple[str, str] | None] | None = None  # (field, message) if invalid
    optional: dict[str, ParamType] = field(default_factory=lambda: {"effective_from": Date()})


CLOCK = Choice("first-appointment", "current-post")
QUALIFICATION_KINDS = TextList()


def _course_lengths(params: dict[str, Any]) -> tuple[str, str] | None:
    if params["course_min_months"] > params["course_max_months"]:
        return "course_min_months", "must not be more than course_max_months"
    return None


def _capacity_thresholds(params: dict[str, Any]) -> tuple[str, str] | None:
    if params["amber_min_fte_per_100_sen"] > params["min_fte_per_100_sen"]:
        return "amber_min_fte_per_100_sen", "must not be more than min_fte_per_100_sen"
    return None


def _phases(params: dict[str, Any]) -> tuple[str, str] | None:
    phases = set(params["fallback_pupils_per_ta_fte"])
    for name in ("phase_map", "phase_by_group"):
        for key, value in params[name].items():
            if value not in phases:
                return f"{name}.{key}", f"{value!r} has no fallback_pupils_per_ta_fte figure"
    return None


CHECKS: dict[str, Check] = {
    "senco-designated": Check(
        run=check_senco_designated, level="school", roles=("senco",), params={"require_qts": Bool()}
    ),
    "senco-qualification": Check(
        run=check_senco_qualification,
        level="person",
        roles=("senco",),
        params={
            "qualify_within_years": Number(integer=True, minimum=1),
            "qualifications": QUALIFICATION_KINDS,
            "legacy_qualifications": TextList(allow_empty=True),
            "npq_only_for_appointments_from": Date(),
            "legacy_course_started_before": Date(),
            "exemption_served_before": Date(),
            "exemption_min_months": Number(integer=True),
            "warning_days": Number(integer=True),
            "course_min_months": Number(integer=True, minimum=1),
            "course_max_months": Number(integer=True, minimum=1),
            "clock": CLOCK,
        },
        validate=_course_lengths,
    ),
    "mq-sensory": Check(
        run=check_mq_sensory,
        level="person",
        params={
            "qualify_within_years": Number(integer=True, minimum=1),
            "warning_days": Number(integer=True),
            "qualifications": TextMap(lists=True, keys=SENSORY_CLASSES),
            "clock": CLOCK,
        },
    ),
    "send-cpd-annual": Check(
        run=check_send_cpd_annual,
        level="person",
        roles=("teaching_staff",),
        params={
            "effective_from": Date(),
            "min_activities": Number(integer=True),
            "min_hours": Number(),
            "verified_only": Bool(),
            "new_starter_grace_days": Number(integer=True),
            "continuous_service_gap_days": Number(integer=True),
            "pro_rata_part_time": Bool(),
            "due_soon_from": MonthDay(),
        },
        optional={},
    ),
    "slt-senco-qualified": Check(
        run=check_slt_senco_qualified,
        level="school",
        roles=("senior_leader",),
        params={"qualifications": QUALIFICATION_KINDS},
    ),
    "trust-senco-qualified": Check(
        run=check_trust_senco_qualified,
        level="trust",
        roles=("senior_leader",),
        params={
            "qualifications": QUALIFICATION_KINDS,
            "trust_types": TextList(),
            "single_academy_types": TextList(allow_empty=True),
        },
    ),
    "senco-capacity": Check(
        run=check_senco_capacity,
        level="school",
        roles=("senco",),
        params={
            "min_fte": Number(),
            "min_fte_per_100_sen": Number(),
            "amber_min_fte_per_100_sen": Number(),
        },
        validate=_capacity_thresholds,
    ),
    "ta-capacity": Check(
        run=check_ta_capacity,
        level="school",
        roles=("teaching_assistant",),
        params={
            "multiplier": Number(minimum=0.01),
            "fallback_pupils_per_ta_fte": NumberMap(minimum=0.01),
            "phase_map": TextMap(),
            "phase_by_group": TextMap(),
            "min_schools_for_national": Number(integer=True, minimum=1),
            "flag_outcome": Choice(ADVISORY, GAP),
        },
        validate=_phases,
    ),
    "head-send-qualification": Check(
        run=check_head_send_qualification,
        level="person",
        roles=("headteacher",),
        params={
            "appointed_from": Date(),
            "qualify_within_years": Number(integer=True, minimum=1),
            "warning_days": Number(integer=True),
            "qualifications": QUALIFICATION_KINDS,
            "clock": CLOCK,
        },
    ),
    "specialist-placement": Check(
        run=check_specialist_placement,
        level="person",
        roles=("teacher",),
        params={
            "lookback_years": Number(integer=True, minimum=1),
            "routes": TextList(),
            "mandatory": Bool(),
            "specialist_groups": TextList(allow_empty=True),
            "resourced_provision_counts": Bool(),
            "sen_unit_counts": Bool(),
        },
    ),
    "governance-send": Check(
        run=check_governance_send,
        level="school+trust",
        params={
            "require_expertise_recorded": Bool(),
            "academy_may_rely_on_trust_board": Bool(),
            "trust_types": TextList(),
        },
    ),
}

"""Workforce-planning projection: SENCOs and headteachers out of compliance in coming academic years.

"If nothing changes" means: the people in post today stay in post (employment ends only where an end
date is already recorded), nobody new is appointed or enrols, and every NPQ (or other qualification)
registration in progress is passed at the latest date the course can end: its start date plus the
standard's longest course length (``senco-qualification.course_max_months``); a registration with no
start date is taken to start on the as-of date. Failed, withdrawn and voided courses stay as they are.

Each year is then judged by the standards engine itself (``evaluate``, the same rules and parameters as
every other page), on 31 August, the last day of the academic year: a SENCO or headteacher is out of
compliance when a finding about them for ``senco-qualification`` or ``head-send-qualification`` is a gap.
A person in post at several schools counts once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from workforce.standards import Facts, Standard, evaluate
from workforce.standards.dates import add_months
from workforce.standards.facts import QualificationFacts
from workforce.standards.model import GAP, NOT_APPLICABLE, SUBJECT_PERSON

SENCO_RULE = "senco-qualification"
HEAD_RULE = "head-send-qualification"
ENROLLED = ("registered", "in-progress")
YEARS = 4


@dataclass(frozen=True)
class ProjectionRow:
    label: str  # "Now" or "2026/27"
    on: dt.date  # the date judged: the as-of date, then each 31 August
    sencos: int  # SENCOs covered by the rule on that date
    sencos_out: int  # ... with a gap
    heads: int  # headteachers the rule covers on that date (appointed on or after its start date)
    heads_out: int


def projected_facts(facts: Facts, as_of: dt.date, course_months: int) -> Facts:
    """The facts with every registration in progress passed at the latest date its course can end."""
    changed: list[QualificationFacts] = []
    for q in facts.qualifications:
        if q.status in ENROLLED:
            start = q.start or as_of
            changed.append(replace(q, status="passed", award=add_months(start, course_months)))
        else:
            changed.append(q)
    return replace(facts, qualifications=tuple(changed))


def academic_years_ahead(as_of: dt.date, years: int = YEARS) -> list[tuple[str, dt.date]]:
    """The next ``years`` academic years after the one containing ``as_of``: (label, 31 August)."""
    first_end = as_of.year + 1 if as_of.month >= 9 else as_of.year  # the end of the current year
    result = []
    for offset in range(1, years + 1):
        end_year = first_end + offset
        result.append((f"{end_year - 1}/{str(end_year)[-2:]}", dt.date(end_year, 8, 31)))
    return result


def _rules(standard: Standard) -> Standard:
    wanted = [rule for rule in standard.rules if rule.id in (SENCO_RULE, HEAD_RULE)]
    return replace(standard, rules=tuple(wanted))


def _count(findings, rule: str) -> tuple[int, int]:
    covered: set[int] = set()
    out: set[int] = set()
    for f in findings:
        if f.rule != rule or f.subject != SUBJECT_PERSON or f.person_id is None:
            continue
        if f.outcome != NOT_APPLICABLE:
            covered.add(f.person_id)
        if f.outcome == GAP:
            out.add(f.person_id)
    return len(covered), len(out)


def project(standard: Standard, facts: Facts, as_of: dt.date, *, years: int = YEARS) -> list[ProjectionRow]:
    """Now, then each of the next ``years`` academic years (pure: no database)."""
    subset = _rules(standard)
    if not subset.rules:
        raise ValueError(f"standard {standard.id!r} has neither {SENCO_RULE} nor {HEAD_RULE}")
    course_months = 22
    for rule in subset.rules:
        if rule.id == SENCO_RULE:
            course_months = rule.params["course_max_months"]
    future = projected_facts(facts, as_of, course_months)
    rows = []
    for label, on, source in [("Now", as_of, facts)] + [(lbl, end, future) for lbl, end in academic_years_ahead(as_of, years)]:
        findings = evaluate(subset, source, on)
        sencos, sencos_out = _count(findings, SENCO_RULE)
        heads, heads_out = _count(findings, HEAD_RULE)
        rows.append(ProjectionRow(label, on, sencos, sencos_out, heads, heads_out))
    return rows


# ---------------------------------------------------------------------------------------- from the database

PROJECTION_COUNTS = ("sencos", "sencos_out", "heads", "heads_out")
PROJECTION_PARENTS = {"sencos_out": "sencos", "heads_out": "heads"}


@dataclass(frozen=True)
class ProjectionFigure:
    """A projection row as published: None for a suppressed count."""

    label: str
    on: dt.date
    sencos: int | None
    sencos_out: int | None
    heads: int | None
    heads_out: int | None

    @staticmethod
    def _pct(part: int | None, whole: int | None) -> float | None:
        if part is None or whole is None or not whole:
            return None
        return part * 100 / whole

    @property
    def sencos_out_pct(self) -> float | None:
        return self._pct(self.sencos_out, self.sencos)

    @property
    def heads_out_pct(self) -> float | None:
        return self._pct(self.heads_out, self.heads)


def projection_suppressed(rows: list[ProjectionRow], threshold: int) -> list[ProjectionFigure]:
    """Each year's counts with small counts (and their complements) hidden; years are not added up."""
    from workforce.monitoring.suppression import suppress

    values = {("year", row.label): {c: getattr(row, c) for c in PROJECTION_COUNTS} for row in rows}
    hidden = suppress(values, PROJECTION_COUNTS, [], threshold, parents=PROJECTION_PARENTS)
    return [
        ProjectionFigure(
            row.label,
            row.on,
            *(None if ("year", row.label) in hidden[c] else getattr(row, c) for c in PROJECTION_COUNTS),
        )
        for row in rows
    ]


async def projection_build(*, as_of: dt.date, standard_id: str, threshold: int) -> list[ProjectionFigure]:
    """Gather the country's facts (a fixed number of queries) and project; small counts suppressed."""
    from workforce.compliance.facts import facts_gather
    from workforce.standards import load_standard

    standard = load_standard(standard_id)
    facts = await facts_gather(as_of=as_of)
    return projection_suppressed(project(standard, facts, as_of), threshold)

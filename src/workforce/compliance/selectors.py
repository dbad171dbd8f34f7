"""What the school and trust compliance pages show, read with a fixed number of queries.

``school_compliance`` and ``trust_compliance`` gather the engine's facts once (``facts_gather``: the same
handful of set-based queries whatever the number of schools or staff) and evaluate them, then arrange the
findings for the pages and the CSV exports:

- the **matrix**: one row per member of staff with a current post at the school on the as-of date, one
  column per rule that judges people (SENCO qualification, SEND CPD, ...), each cell the finding(s) for that
  person and rule (the worst outcome first);
- the school's own findings (a SENCO designated, capacity ratios, governance, ...) and the trust's;
- the SENCO and TA ratios with the thresholds they are judged against (from the findings' metrics);
- per school and rule, counts of each outcome (for the trust overview).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from markupsafe import Markup

from workforce.compliance.facts import facts_gather
from workforce.compliance.national import national_figures
from workforce.compliance.summaries import school_facts, school_summary_state
from workforce.standards import (
    ADVISORY,
    DUE_SOON,
    GAP,
    MET,
    NOT_APPLICABLE,
    Facts,
    Finding,
    Rule,
    Standard,
    evaluate,
    list_standards,
    load_standard,
)
from workforce.standards.facts import SchoolFacts

DEFAULT_STANDARD = "proposed-2025"
SENCO_RATIO_RULE = "senco-capacity"
TA_RATIO_RULE = "ta-capacity"

# Worst first: the order a reader needs to act on.
SEVERITY = {GAP: 4, DUE_SOON: 3, ADVISORY: 2, MET: 1, NOT_APPLICABLE: 0}
OUTCOME_LABELS = {
    GAP: "Gap",
    DUE_SOON: "Due soon",
    ADVISORY: "Advisory",
    MET: "Met",
    NOT_APPLICABLE: "Not applicable",
}
OUTCOME_CHOICES = (GAP, DUE_SOON, ADVISORY, MET, NOT_APPLICABLE)
BASIS_LABELS = {
    "law": "Law",
    "guidance": "Statutory guidance",
    "committee": "Education Committee recommendation",
    "project-default": "Project default (no official figure yet)",
}
EMPLOYMENT_ROLE_LABELS = {
    "teacher": "Teacher",
    "ta": "Teaching assistant",
    "senco": "SENCO",
    "headteacher": "Headteacher",
    "deputy-head": "Deputy headteacher",
    "assistant-head": "Assistant headteacher",
    "trust-leader": "Trust leader",
    "other": "Other",
}


OUTCOME_COLOURS = {GAP: "red", DUE_SOON: "orange", ADVISORY: "purple", MET: "green", NOT_APPLICABLE: "grey"}


def outcome_tag(outcome: str | None, label: str | None = None) -> Markup:
    """A GOV.UK tag with the outcome's word (never colour alone): a template global, called for every cell of a
    school's matrix, so plain Python rather than a template macro."""
    return Markup('<strong class="govuk-tag govuk-tag--{}">{}</strong>').format(
        OUTCOME_COLOURS.get(outcome or "", "grey"), label or OUTCOME_LABELS.get(outcome or "", outcome or "")
    )


def outcome_label(outcome: str | None) -> str:
    return OUTCOME_LABELS.get(outcome or "", outcome or "")


def role_label(role: str) -> str:
    return EMPLOYMENT_ROLE_LABELS.get(role, role)


def worst(outcomes: Iterable[str]) -> str | None:
    """The outcome that most needs attention (gap, then due soon, advisory, met, not applicable)."""
    found = list(outcomes)
    return max(found, key=lambda o: SEVERITY.get(o, -1)) if found else None


@dataclass(frozen=True)
class StandardChoice:
    id: str
    title: str
    status: str


@lru_cache(maxsize=1)
def standard_choices() -> tuple[StandardChoice, ...]:
    """The standards a page may evaluate against (the default first)."""
    found = [StandardChoice(s.id, s.title, s.status) for s in list_standards()]
    return tuple(sorted(found, key=lambda c: (c.id != DEFAULT_STANDARD, c.id)))


# ---------------------------------------------------------------- shapes


@dataclass
class OutcomeCounts:
    """How many findings of each outcome (for one school and rule, a school, or a trust)."""

    counts: Counter = field(default_factory=Counter)

    def add(self, outcome: str) -> None:
        self.counts[outcome] += 1

    def __getitem__(self, outcome: str) -> int:
        return self.counts.get(outcome, 0)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def worst(self) -> str | None:
        return worst(o for o, n in self.counts.items() if n)

    def text(self) -> str:
        """``2 gaps, 1 due soon, 8 met`` (outcomes with none left out)."""
        parts = []
        for outcome in OUTCOME_CHOICES:
            n = self[outcome]
            if n:
                label = outcome_label(outcome).lower()
                if outcome == GAP and n != 1:
                    label = "gaps"
                parts.append(f"{n} {label}")
        return ", ".join(parts) or "nothing judged"


@dataclass(frozen=True)
class Cell:
    rule: str
    findings: tuple[Finding, ...]

    @property
    def outcome(self) -> str | None:
        return worst(f.outcome for f in self.findings)

    @property
    def due(self) -> dt.date | None:
        dates = [f.due for f in self.findings if f.due is not None]
        return min(dates) if dates else None

    @property
    def reason(self) -> str:
        return " ".join(f.reason for f in self.findings)


@dataclass(frozen=True)
class MatrixRow:
    person_id: int
    name: str  # "Anna Khan"
    roles: tuple[str, ...]  # current post roles at the school
    cells: dict[str, Cell]
    urn: int
    on_staff: bool = True  # has a post at the school today or later (so their page can be opened)

    def outcome(self, rule: str) -> str | None:
        cell = self.cells.get(rule)
        return cell.outcome if cell else None

    @property
    def role_text(self) -> str:
        return ", ".join(role_label(r) for r in self.roles)


@dataclass(frozen=True)
class Ratio:
    """A capacity ratio and what it is judged against, from a finding's metrics."""

    rule: str
    outcome: str
    reason: str
    metrics: dict[str, Any]

    def get(self, key: str) -> Any:
        return self.metrics.get(key)


@dataclass
class SchoolView:
    """One school's findings arranged for its page (and its row on the trust overview)."""

    school: SchoolFacts
    findings: list[Finding]  # the school's and its people's, in engine order
    rows: list[MatrixRow]
    columns: list[Rule]  # rules with findings about people at this school
    per_rule: dict[str, OutcomeCounts]
    totals: OutcomeCounts
    senco_ratio: Ratio | None
    ta_ratio: Ratio | None

    @property
    def school_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.subject == "school"]

    @property
    def person_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.subject == "person"]


@dataclass
class Evaluation:
    standard: Standard
    as_of: dt.date
    facts: Facts
    findings: list[Finding]

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.standard.rules

    def rule_title(self, rule_id: str) -> str:
        for rule in self.standard.rules:
            if rule.id == rule_id:
                return rule.title
        return rule_id

    def person_names(self) -> dict[int, str]:
        return {p.id: f"{p.first_name} {p.last_name}".strip() or p.name for p in self.facts.people}


@dataclass
class SchoolCompliance(Evaluation):
    view: SchoolView = None  # type: ignore[assignment]
    cache_key: tuple | None = None  # what it was built from (see ``school_compliance``); None: not kept


@dataclass
class TrustCompliance(Evaluation):
    trust_uid: str = ""
    trust_name: str = ""
    schools: list[SchoolView] = field(default_factory=list)
    trust_findings: list[Finding] = field(default_factory=list)

    @property
    def totals(self) -> OutcomeCounts:
        counts = OutcomeCounts()
        for finding in self.findings:
            counts.add(finding.outcome)
        return counts


# ---------------------------------------------------------------- building


async def _evaluate(
    *, standard_id: str, as_of: dt.date, trust_uid: str
) -> tuple[Standard, Facts, list[Finding]]:
    standard = load_standard(standard_id)
    national = await national_figures(as_of=as_of)
    facts = await facts_gather(as_of=as_of, trust_uid=trust_uid, national=national)
    return standard, facts, evaluate(standard, facts, as_of)


def _ratio(findings: Sequence[Finding], rule: str) -> Ratio | None:
    for finding in findings:
        if finding.rule == rule and finding.subject == "school" and finding.metrics is not None:
            return Ratio(
                rule=rule, outcome=finding.outcome, reason=finding.reason, metrics=dict(finding.metrics)
            )
    return None


def _school_view(
    school: SchoolFacts, standard: Standard, facts: Facts, findings: list[Finding], as_of: dt.date
) -> SchoolView:
    people = {p.id: p for p in facts.people}
    today = dt.date.today()
    roles: dict[int, list[str]] = {}
    on_staff: set[int] = set()
    for post in facts.posts:
        if post.urn != school.urn:
            continue
        if post.end is None or post.end >= today:
            on_staff.add(post.person_id)
        if post.current(as_of):
            held = roles.setdefault(post.person_id, [])
            if post.role not in held:
                held.append(post.role)
    by_person: dict[int, dict[str, list[Finding]]] = {}
    per_rule: dict[str, OutcomeCounts] = {rule.id: OutcomeCounts() for rule in standard.rules}
    totals = OutcomeCounts()
    for finding in findings:
        per_rule.setdefault(finding.rule, OutcomeCounts()).add(finding.outcome)
        totals.add(finding.outcome)
        if finding.subject == "person" and finding.person_id is not None:
            by_person.setdefault(finding.person_id, {}).setdefault(finding.rule, []).append(finding)
    column_ids = {f.rule for f in findings if f.subject == "person"}
    columns = [rule for rule in standard.rules if rule.id in column_ids]
    rows = []
    for person_id in set(roles) | set(by_person):
        person = people.get(person_id)
        name = f"{person.first_name} {person.last_name}".strip() if person else f"Person {person_id}"
        cells = {rule: Cell(rule, tuple(found)) for rule, found in by_person.get(person_id, {}).items()}
        rows.append(
            MatrixRow(
                person_id=person_id,
                name=name,
                roles=tuple(roles.get(person_id, ())),
                cells=cells,
                urn=school.urn,
                on_staff=person_id in on_staff,
            )
        )
    rows.sort(key=lambda r: (_last_name(people, r.person_id), r.name.lower(), r.person_id))
    return SchoolView(
        school=school,
        findings=findings,
        rows=rows,
        columns=columns,
        per_rule=per_rule,
        totals=totals,
        senco_ratio=_ratio(findings, SENCO_RATIO_RULE),
        ta_ratio=_ratio(findings, TA_RATIO_RULE),
    )


def _last_name(people: dict, person_id: int) -> str:
    person = people.get(person_id)
    return (person.last_name or "").lower() if person else ""


COMPLIANCE_CACHE_SIZE = 64  # about 100 KB each for 50 staff, 500 KB for 270
_school_compliance_kept: OrderedDict[tuple, SchoolCompliance] = OrderedDict()


async def school_compliance(*, urn: int, standard_id: str, as_of: dt.date) -> SchoolCompliance:
    """One school evaluated on a date (raises ``ScopeError`` for an unknown URN, ``UnknownStandardError``).

    The school's facts come from its stored summary while no record they include has changed
    (``summaries.school_facts``); the standard and the national figures are applied afresh. What was built
    from stored facts is kept in this process (the last ``COMPLIANCE_CACHE_SIZE``), under everything it
    depends on: the stored facts' identity, the standard, the national figures and today's date
    (``cache_key``).
    """
    standard = load_standard(standard_id)
    national = await national_figures(as_of=as_of)
    state = await school_summary_state(urn=urn, as_of=as_of)
    key = None
    if state is not None and state.stored_key is not None:
        key = (
            urn,
            as_of,
            standard.id,
            standard.version,
            id(standard),
            national,
            dt.date.today(),
            state.stored_key,
        )
        kept = _school_compliance_kept.get(key)
        if kept is not None:
            _school_compliance_kept.move_to_end(key)
            return kept
    facts = await school_facts(urn=urn, as_of=as_of, national=national, state=state)
    findings = evaluate(standard, facts, as_of)
    school = next(s for s in facts.schools if s.urn == urn)
    view = _school_view(school, standard, facts, [f for f in findings if f.urn == urn], as_of)
    compliance = SchoolCompliance(
        standard=standard, as_of=as_of, facts=facts, findings=findings, view=view, cache_key=key
    )
    if key is not None:
        _school_compliance_kept[key] = compliance
        if len(_school_compliance_kept) > COMPLIANCE_CACHE_SIZE:
            _school_compliance_kept.popitem(last=False)
    return compliance


async def trust_compliance(*, uid: str, standard_id: str, as_of: dt.date) -> TrustCompliance:
    """A trust's schools (on the as-of date) and the trust itself, evaluated on a date."""
    standard, facts, findings = await _evaluate(standard_id=standard_id, as_of=as_of, trust_uid=uid)
    by_urn: dict[int, list[Finding]] = {}
    trust_findings = []
    for finding in findings:
        if finding.subject == "trust":
            trust_findings.append(finding)
        elif finding.urn is not None:
            by_urn.setdefault(finding.urn, []).append(finding)
    schools = [_school_view(s, standard, facts, by_urn.get(s.urn, []), as_of) for s in facts.schools]
    schools.sort(key=lambda v: (v.school.name.lower(), v.school.urn))
    trust = next((t for t in facts.trusts if t.uid == uid), None)
    return TrustCompliance(
        standard=standard,
        as_of=as_of,
        facts=facts,
        findings=findings,
        trust_uid=uid,
        trust_name=trust.name if trust else uid,
        schools=schools,
        trust_findings=trust_findings,
    )


# ---------------------------------------------------------------- filters


@dataclass(frozen=True)
class MatrixFilter:
    role: str = ""
    outcome: str = ""
    rule: str = ""

    @property
    def active(self) -> bool:
        return bool(self.role or self.outcome or self.rule)

    def params(self) -> dict[str, str]:
        return {k: v for k, v in (("role", self.role), ("outcome", self.outcome), ("rule", self.rule)) if v}


def matrix_filter_clean(raw: dict[str, Any], *, rules: Sequence[Rule]) -> MatrixFilter:
    """Only known values are kept (an unknown value is ignored rather than an error: filters are links)."""
    role = str(raw.get("role") or "")
    outcome = str(raw.get("outcome") or "")
    rule = str(raw.get("rule") or "")
    return MatrixFilter(
        role=role if role in EMPLOYMENT_ROLE_LABELS else "",
        outcome=outcome if outcome in OUTCOME_LABELS else "",
        rule=rule if rule in {r.id for r in rules} else "",
    )


def matrix_rows(rows: Sequence[MatrixRow], chosen: MatrixFilter) -> list[MatrixRow]:
    """Rows with the role; with an outcome, rows where the rule (or any rule) has that outcome."""
    kept = []
    for row in rows:
        if chosen.role and chosen.role not in row.roles:
            continue
        if chosen.outcome:
            rules = [chosen.rule] if chosen.rule else list(row.cells)
            if not any(row.outcome(rule) == chosen.outcome for rule in rules):
                continue
        kept.append(row)
    return kept


def matrix_columns(columns: Sequence[Rule], chosen: MatrixFilter) -> list[Rule]:
    return [rule for rule in columns if not chosen.rule or rule.id == chosen.rule]


def findings_filtered(findings: Iterable[Finding], chosen: MatrixFilter) -> list[Finding]:
    """Findings of the rule and outcome chosen (the role filter applies to the matrix only)."""
    return [
        f
        for f in findings
        if (not chosen.rule or f.rule == chosen.rule) and (not chosen.outcome or f.outcome == chosen.outcome)
    ]


def findings_by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Gaps first, then due soon, advisory, met, not applicable; engine order within each."""
    indexed = list(enumerate(findings))
    indexed.sort(key=lambda pair: (-SEVERITY.get(pair[1].outcome, -1), pair[0]))
    return [f for _, f in indexed]

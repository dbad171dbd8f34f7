"""What a loaded standard looks like, and what the engine says about it (findings)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field, replace
from typing import Any

from workforce.standards.dates import iso_date

# Outcomes, from best to worst for a reader; pages colour them but always show the word too.
MET = "met"
GAP = "gap"
DUE_SOON = "due-soon"
ADVISORY = "advisory"
NOT_APPLICABLE = "not-applicable"
OUTCOMES = (MET, DUE_SOON, ADVISORY, GAP, NOT_APPLICABLE)

# Where a rule's figure comes from; pages show it next to each finding.
BASES = ("law", "guidance", "committee", "project-default")
STATUSES = ("statutory", "proposed")

SUBJECT_SCHOOL = "school"
SUBJECT_TRUST = "trust"
SUBJECT_PERSON = "person"
SUBJECTS = (SUBJECT_SCHOOL, SUBJECT_TRUST, SUBJECT_PERSON)

# How a rule treats a scope group of schools.
REQUIRED = "required"
ADVISORY_SCOPE = "advisory"
TREATMENTS = (REQUIRED, ADVISORY_SCOPE, NOT_APPLICABLE)
OPTED_IN = "opted-in"  # pseudo group: an out-of-scope establishment a user opted in


class StandardError(ValueError):
    """A standard file, a rule parameter or an override is not valid (the message names what and where)."""


class UnknownStandardError(StandardError):
    """No standard file has the requested id."""


@dataclass(frozen=True, slots=True)
class Source:
    title: str
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class RuleScope:
    """Which schools a rule covers, by scope group; groups not named are not evaluated at all."""

    required: tuple[str, ...] = ()
    advisory: tuple[str, ...] = ()
    not_applicable: dict[str, str] = field(default_factory=dict)  # group -> the reason shown

    def treatment(self, group: str) -> str | None:
        if group in self.required:
            return REQUIRED
        if group in self.advisory:
            return ADVISORY_SCOPE
        if group in self.not_applicable:
            return NOT_APPLICABLE
        return None

    @property
    def covered(self) -> tuple[str, ...]:
        return self.required + self.advisory

    def to_json(self) -> dict:
        return {
            "required": list(self.required),
            "advisory": list(self.advisory),
            "not-applicable": dict(self.not_applicable),
        }


@dataclass(frozen=True)
class Rule:
    id: str
    check: str  # the engine check that implements it (usually the same as id)
    title: str
    basis: str
    description: str
    scope: RuleScope
    params: dict[str, Any]
    origin: str  # id of the standard file that defines it
    source: str | None = None  # citation, e.g. "SEND Regulations 2014, regulation 49"

    def __getitem__(self, name: str) -> Any:
        return self.params[name]


@dataclass(frozen=True)
class Standard:
    id: str
    title: str
    version: str
    status: str
    summary: str
    sources: tuple[Source, ...]
    roles: dict[str, tuple[str, ...]]
    rules: tuple[Rule, ...]
    extends: str | None = None
    path: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)  # what-if values applied (JSON form)

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise StandardError(
            f"standard {self.id!r} has no rule {rule_id!r} (rules: {', '.join(r.id for r in self.rules)})"
        )

    def with_rules(self, rules: tuple[Rule, ...], overrides: dict[str, Any]) -> Standard:
        return replace(self, rules=rules, overrides=overrides)


@dataclass(frozen=True, slots=True)
class Finding:
    """One judgement: a rule applied to a school, a trust or a person (at a school)."""

    standard: str
    rule: str
    subject: str  # school | trust | person
    outcome: str  # met | gap | due-soon | advisory | not-applicable
    basis: str  # law | guidance | committee | project-default
    reason: str  # plain English, naming the person, the dates and the rule
    urn: int | None = None
    trust_uid: str | None = None
    person_id: int | None = None
    due: dt.date | None = None
    metrics: dict[str, Any] | None = None  # figures behind a ratio finding (FTE, pupils, thresholds)

    def to_json(self) -> dict[str, Any]:
        """The stable JSON form (see docs/standards.md)."""
        return {
            "standard": self.standard,
            "rule": self.rule,
            "subject": self.subject,
            "urn": self.urn,
            "trust_uid": self.trust_uid,
            "person_id": self.person_id,
            "outcome": self.outcome,
            "basis": self.basis,
            "due": iso_date(self.due),
            "reason": self.reason,
            "metrics": self.metrics,
        }


def canonical_findings_json(findings: list[Finding]) -> str:
    """Findings as canonical JSON (sorted keys, no spaces, in engine order): the input of the content hash."""
    return json.dumps(
        [finding.to_json() for finding in findings], sort_keys=True, separators=(",", ":"), ensure_ascii=False
    )


def findings_hash(findings: list[Finding]) -> str:
    """sha256 of the canonical findings JSON: equal findings always give the same hash."""
    return hashlib.sha256(canonical_findings_json(findings).encode("utf-8")).hexdigest()

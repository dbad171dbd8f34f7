"""``evaluate``: a standard applied to facts on a date. Pure and deterministic: no database, no web, no clock."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from workforce.standards.context import Context
from workforce.standards.facts import Facts, gc_paused
from workforce.standards.loader import apply_overrides
from workforce.standards.model import OUTCOMES, Finding, Standard
from workforce.standards.rules import CHECKS


def evaluate(
    standard: Standard, facts: Facts, as_of: dt.date, overrides: Mapping[str, Any] | None = None
) -> list[Finding]:
    """Judge every school, trust and person in ``facts`` against every rule of ``standard`` on ``as_of``.

    ``overrides`` (``{"senco-capacity.min_fte_per_100_sen": 0.6, ...}``) replace parameters for a
    what-if without touching the files; an unknown rule or parameter raises ``StandardError``.
    Findings come in a stable order: by rule (the standard's order), then school URN, then person name
    (trust findings after the schools of a rule). Equal inputs always give equal output.
    """
    if isinstance(as_of, dt.datetime) or not isinstance(as_of, dt.date):
        raise TypeError(f"as_of must be a datetime.date, got {as_of!r}")
    standard = apply_overrides(standard, overrides)
    context = Context(standard, facts, as_of)
    findings: list[Finding] = []
    with gc_paused():  # a million findings at national scale, and no reference cycles among them
        for rule in standard.rules:
            findings.extend(CHECKS[rule.check].run(rule, context))
    return findings


def summarise(findings: Iterable[Finding]) -> dict[str, dict[str, int]]:
    """Counts of outcomes per rule, in the order rules first appear: ``{"senco-designated": {"met": 3, ...}}``."""
    counts: dict[str, Counter] = {}
    for finding in findings:
        counts.setdefault(finding.rule, Counter())[finding.outcome] += 1
    return {
        rule: {outcome: counter.get(outcome, 0) for outcome in OUTCOMES} for rule, counter in counts.items()
    }

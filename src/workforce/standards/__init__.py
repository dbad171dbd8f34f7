"""Standards: versioned rule sets (``standards/*.toml``) and the pure evaluation engine.

This package never imports the database or the web layer. Public API::

    from workforce.standards import load_standard, evaluate, format_date
    standard = load_standard("proposed-2025")
    findings = evaluate(standard, facts, as_of, overrides={"senco-capacity.min_fte": 0.3})
"""

from workforce.standards.dates import academic_year, format_date, iso_date
from workforce.standards.engine import evaluate, summarise
from workforce.standards.facts import (
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
)
from workforce.standards.loader import (
    apply_overrides,
    list_standards,
    load_standard,
    load_standard_file,
    params_json,
    parse_override_assignments,
    standard_ids,
)
from workforce.standards.model import (
    ADVISORY,
    BASES,
    DUE_SOON,
    GAP,
    MET,
    NOT_APPLICABLE,
    OUTCOMES,
    Finding,
    Rule,
    Standard,
    StandardError,
    UnknownStandardError,
    canonical_findings_json,
    findings_hash,
)

__all__ = [
    "ADVISORY",
    "BASES",
    "DUE_SOON",
    "GAP",
    "MET",
    "NOT_APPLICABLE",
    "OUTCOMES",
    "CpdTally",
    "ExemptionFacts",
    "Facts",
    "Finding",
    "GovernorFacts",
    "NationalFigures",
    "PersonFacts",
    "PhasePupils",
    "PhaseRoleFte",
    "PlacementFacts",
    "PostFacts",
    "QualificationFacts",
    "Rule",
    "SchoolFacts",
    "Standard",
    "StandardError",
    "TrustFacts",
    "UnknownStandardError",
    "academic_year",
    "apply_overrides",
    "canonical_findings_json",
    "evaluate",
    "findings_hash",
    "format_date",
    "iso_date",
    "list_standards",
    "load_standard",
    "load_standard_file",
    "params_json",
    "parse_override_assignments",
    "standard_ids",
    "summarise",
]

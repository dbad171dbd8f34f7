"""Scenarios: candidate thresholds judged by the standards engine's what-if, never by editing a standard file.

An analyst sets candidate thresholds; they become engine overrides (``rule.parameter`` -> value, the same
form as ``workforce evaluate --set rule.parameter=value``), the engine judges every school with and without
them, and the findings are counted:

- schools (and trusts with at least one such school) falling short of each rule: a finding about the school,
  or about someone at it, is a ``gap`` or ``advisory`` (amber);
- extra SENCO FTE: for each school short of ``senco-capacity``, the FTE it needs minus the FTE it has;
- extra TA FTE: for each school short of ``ta-capacity``, pupils / the pupils-per-TA-FTE limit minus its TA FTE;
- training places: for ``send-cpd-annual`` and ``head-send-qualification``, the people whose finding is a gap,
  amber or due soon (each needs a place on a course this year).

Counts are suppressed like every other published figure (``suppression.py``).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from workforce.monitoring.aggregates import AS_OF_EARLIEST, AS_OF_LATEST, as_of_in_range
from workforce.monitoring.suppression import Key, Partition, suppress
from workforce.standards import Facts, Standard, apply_overrides, evaluate
from workforce.standards.model import ADVISORY, DUE_SOON, GAP, NOT_APPLICABLE, OUTCOMES, SUBJECT_TRUST

SCENARIO_RULES = ("senco-capacity", "ta-capacity", "send-cpd-annual", "head-send-qualification")
SHORT = (GAP, ADVISORY)
NEEDS_PLACE = (GAP, ADVISORY, DUE_SOON)
NATION: Key = ("nation", "E92000001")
EXTRA = {
    "senco-capacity": "SENCO FTE",
    "ta-capacity": "TA FTE",
    "send-cpd-annual": "training places",
    "head-send-qualification": "training places",
}
COUNT_COLUMNS = ("schools_assessed", "schools_short", "people_short", "places")
PARENTS = {"schools_short": "schools_assessed"}


@dataclass(frozen=True)
class ScenarioParams:
    """Candidate thresholds; None leaves the standard's own value."""

    senco_min_fte: float | None = None  # senco-capacity.min_fte
    senco_fte_per_100_sen: float | None = None  # senco-capacity.min_fte_per_100_sen
    senco_amber_fte_per_100_sen: float | None = None  # senco-capacity.amber_min_fte_per_100_sen
    ta_multiplier: float | None = None  # ta-capacity.multiplier (x the national pupils per TA FTE)
    cpd_min_activities: int | None = None  # send-cpd-annual.min_activities
    cpd_min_hours: float | None = None  # send-cpd-annual.min_hours
    start_date: dt.date | None = None  # send-cpd-annual.effective_from and head-send-qualification.appointed_from

    def overrides(self, standard: Standard) -> dict[str, Any]:
        """Engine overrides (``rule.parameter`` -> value), as ``workforce evaluate --set`` takes them."""
        result: dict[str, Any] = {}

        def put(key: str, value: Any) -> None:
            if value is not None:
                result[key] = value.isoformat() if isinstance(value, dt.date) else value

        put("senco-capacity.min_fte", self.senco_min_fte)
        put("senco-capacity.min_fte_per_100_sen", self.senco_fte_per_100_sen)
        amber = self.senco_amber_fte_per_100_sen
        if amber is None and self.senco_fte_per_100_sen is not None:
            # The amber line cannot sit above the expected ratio: lower it with the ratio when needed.
            current = standard.rule("senco-capacity").params["amber_min_fte_per_100_sen"]
            if self.senco_fte_per_100_sen < current:
                amber = self.senco_fte_per_100_sen
        put("senco-capacity.amber_min_fte_per_100_sen", amber)
        put("ta-capacity.multiplier", self.ta_multiplier)
        put("send-cpd-annual.min_activities", self.cpd_min_activities)
        put("send-cpd-annual.min_hours", self.cpd_min_hours)
        put("send-cpd-annual.effective_from", self.start_date)
        put("head-send-qualification.appointed_from", self.start_date)
        return result


def set_arguments(overrides: Mapping[str, Any]) -> list[str]:
    """The same scenario as ``workforce evaluate`` arguments: ``["--set", "rule.param=value", ...]``."""
    args: list[str] = []
    for key in sorted(overrides):
        args += ["--set", f"{key}={overrides[key]}"]
    return args


@dataclass
class RuleResult:
    rule: str
    title: str
    extra_unit: str
    outcomes: dict[str, int]  # every finding of the rule by outcome, as `workforce evaluate` lists them
    values: dict[Key, dict[str, float]]  # nation and regions: schools_assessed, schools_short, trusts_short, ...
    hidden: dict[str, set[Key]] = field(default_factory=dict)
    hidden_outcomes: set[str] = field(default_factory=set)

    def value(self, key: Key, column: str) -> float | None:
        """A figure, or None when suppressed."""
        mirror = {"extra_fte": "schools_short"}.get(column, column)
        if key in self.hidden.get(mirror, ()):
            return None
        return self.values.get(key, {}).get(column, 0)

    def outcome(self, name: str) -> int | None:
        return None if name in self.hidden_outcomes else self.outcomes.get(name, 0)

    @property
    def extra_column(self) -> str:
        return "extra_fte" if self.extra_unit.endswith("FTE") else "places"


@dataclass
class ScenarioResult:
    standard_id: str
    standard_version: str
    as_of: dt.date
    overrides: dict[str, Any]
    baseline: list[RuleResult]
    scenario: list[RuleResult]
    regions: list[tuple[Key, str]]  # (key, name), in name order
    threshold: int

    @property
    def set_arguments(self) -> list[str]:
        return set_arguments(self.overrides)

    @property
    def overrides_json(self) -> str:
        return json.dumps(self.overrides, sort_keys=True)


CSV_HEADER = [
    "area",
    "rule",
    "title",
    "schools_assessed",
    "schools_short_now",
    "schools_short_in_scenario",
    "trusts_short_now",
    "trusts_short_in_scenario",
    "needed_now",
    "needed_in_scenario",
    "needed_unit",
]


def scenario_csv_rows(result: ScenarioResult) -> list[list[Any]]:
    """The scenario's figures for England and each region, one row per area and rule; "c" where suppressed."""

    def cell(value: float | None) -> Any:
        if value is None:
            return "c"
        return round(value, 2) if isinstance(value, float) and not value.is_integer() else int(value)

    rows: list[list[Any]] = []
    for key, name in [(NATION, "England"), *result.regions]:
        for base, scen in zip(result.baseline, result.scenario, strict=True):
            rows.append(
                [
                    name,
                    scen.rule,
                    scen.title,
                    cell(scen.value(key, "schools_assessed")),
                    cell(base.value(key, "schools_short")),
                    cell(scen.value(key, "schools_short")),
                    cell(base.value(key, "trusts_short")),
                    cell(scen.value(key, "trusts_short")),
                    cell(base.value(key, base.extra_column)),
                    cell(scen.value(key, scen.extra_column)),
                    scen.extra_unit,
                ]
            )
    return rows


def _rules_subset(standard: Standard) -> Standard:
    return replace(standard, rules=tuple(rule for rule in standard.rules if rule.id in SCENARIO_RULES))


def _tally(
    standard: Standard,
    findings: Iterable,
    facts: Facts,
    regions: Mapping[int, Key],
    threshold: int,
) -> list[RuleResult]:
    trust_of = {s.urn: s.trust_uid for s in facts.schools}
    by_rule: dict[str, list] = {}
    for f in findings:
        by_rule.setdefault(f.rule, []).append(f)
    results = []
    region_keys = sorted(set(regions.values()))
    for rule in standard.rules:
        items = by_rule.get(rule.id, [])
        outcomes = Counter(f.outcome for f in items)
        assessed: set[int] = set()
        short: set[int] = set()
        people_short: dict[int, int] = {}  # person -> urn
        places: dict[int, int] = {}
        extra_by_school: dict[int, float] = {}
        short_trusts: set[str] = set()
        for f in items:
            if f.subject == SUBJECT_TRUST:
                if f.outcome in SHORT and f.trust_uid:
                    short_trusts.add(f.trust_uid)
                continue
            if f.urn is None or f.outcome == NOT_APPLICABLE:
                continue
            assessed.add(f.urn)
            if f.outcome in SHORT:
                short.add(f.urn)
                if f.person_id is not None:
                    people_short.setdefault(f.person_id, f.urn)
                extra = _extra_fte(rule.id, f.metrics)
                if extra:
                    extra_by_school[f.urn] = extra_by_school.get(f.urn, 0.0) + extra
            if f.person_id is not None and f.outcome in NEEDS_PLACE:
                places.setdefault(f.person_id, f.urn)

        values: dict[Key, dict[str, float]] = {NATION: _zero()}
        for key in region_keys:
            values[key] = _zero()

        def add(urn: int, column: str, amount: float = 1, values=values) -> None:
            for key in (NATION, regions.get(urn, ("region", ""))):
                values.setdefault(key, _zero())[column] += amount

        for urn in assessed:
            add(urn, "schools_assessed")
        for urn in short:
            add(urn, "schools_short")
            add(urn, "extra_fte", round(extra_by_school.get(urn, 0.0), 4))
        for urn in people_short.values():
            add(urn, "people_short")
        for urn in places.values():
            add(urn, "places")
        # Trusts with at least one school short (per region: trusts with a short school in that region),
        # and, nationally, trusts a trust-level finding says are short.
        for key in values:
            urns = [u for u in short if key == NATION or regions.get(u, ("region", "")) == key]
            uids = {trust_of[u] for u in urns if trust_of.get(u)}
            if key == NATION:
                uids |= short_trusts
            values[key]["trusts_short"] = len(uids)

        region_rows = tuple(k for k in values if k != NATION)
        hidden = suppress(
            values,
            COUNT_COLUMNS,
            [Partition(total=NATION, rows=region_rows)] if region_rows else [],
            threshold,
            parents=PARENTS,
        )
        # A trust can have schools in several regions, so trust counts do not add up: small ones are hidden.
        hidden.update(suppress(values, ["trusts_short"], [], threshold))
        hidden_outcomes = {name for name, n in outcomes.items() if 0 < n < threshold}
        results.append(
            RuleResult(
                rule=rule.id,
                title=rule.title,
                extra_unit=EXTRA.get(rule.id, ""),
                outcomes={name: outcomes.get(name, 0) for name in OUTCOMES},
                values=values,
                hidden=hidden,
                hidden_outcomes=hidden_outcomes,
            )
        )
    return results


def _zero() -> dict[str, float]:
    return {"schools_assessed": 0, "schools_short": 0, "trusts_short": 0, "people_short": 0, "places": 0, "extra_fte": 0.0}


def _extra_fte(rule: str, metrics: Mapping[str, Any] | None) -> float:
    if not metrics:
        return 0.0
    if rule == "senco-capacity":
        required, have = metrics.get("required_fte"), metrics.get("senco_fte")
        if required is None or have is None:
            return 0.0
        return max(0.0, float(required) - float(have))
    if rule == "ta-capacity":
        pupils, limit, have = metrics.get("pupils"), metrics.get("limit_pupils_per_ta_fte"), metrics.get("ta_fte")
        if not pupils or not limit or have is None:
            return 0.0
        return max(0.0, float(pupils) / float(limit) - float(have))
    return 0.0


def scenario_compare(
    standard: Standard,
    facts: Facts,
    as_of: dt.date,
    params: ScenarioParams,
    regions: Mapping[int, tuple[str, str]],
    *,
    threshold: int,
) -> ScenarioResult:
    """Judge the scenario rules with the published parameters and with the candidate ones (pure).

    ``regions`` maps a school's URN to its region (code, name). Raises ``StandardError`` for a value the
    engine refuses (the message names the parameter).
    """
    subset = _rules_subset(standard)
    overrides = params.overrides(standard)
    candidate = apply_overrides(subset, overrides)  # validates before any work is done
    region_keys = {urn: ("region", code) for urn, (code, _) in regions.items()}
    names = {("region", code): name for code, name in regions.values()}
    if any(s.urn not in regions for s in facts.schools):
        names[("region", "")] = "Region not recorded"
    baseline = _tally(subset, evaluate(subset, facts, as_of), facts, region_keys, threshold)
    scenario = _tally(candidate, evaluate(candidate, facts, as_of), facts, region_keys, threshold)
    return ScenarioResult(
        standard_id=standard.id,
        standard_version=standard.version,
        as_of=as_of,
        overrides=overrides,
        baseline=baseline,
        scenario=scenario,
        regions=sorted(names.items(), key=lambda item: (item[1], item[0])),
        threshold=threshold,
    )


# ---------------------------------------------------------------------------------------- from the database

SCENARIO_TTL_SECONDS = 300
_scenario_cache: dict[tuple, tuple[float, ScenarioResult]] = {}


def scenario_cache_clear() -> None:
    _scenario_cache.clear()


async def scenario_run(
    *, params: ScenarioParams, as_of: dt.date, standard_id: str, threshold: int
) -> ScenarioResult:
    """Gather the country's facts and judge the scenario (cached briefly per date and thresholds).

    Raises ``StandardError`` (unknown standard, or a value the engine refuses) before any query.
    """
    import time

    from workforce.compliance.facts import facts_gather
    from workforce.monitoring.aggregates import school_regions
    from workforce.standards import load_standard

    standard = load_standard(standard_id)
    overrides = params.overrides(standard)
    apply_overrides(_rules_subset(standard), overrides)  # a refused value fails before the queries
    key = (as_of, standard_id, json.dumps(overrides, sort_keys=True), threshold)
    cached = _scenario_cache.get(key)
    if cached is not None and time.monotonic() - cached[0] < SCENARIO_TTL_SECONDS:
        return cached[1]
    facts = await facts_gather(as_of=as_of)
    regions = await school_regions()
    result = scenario_compare(standard, facts, as_of, params, regions, threshold=threshold)
    if len(_scenario_cache) > 32:
        _scenario_cache.clear()
    _scenario_cache[key] = (time.monotonic(), result)
    return result


# ---------------------------------------------------------------------------------------- the form

@dataclass(frozen=True)
class Field:
    name: str
    label: str
    noun: str  # how an error message names it: "Enter {noun} as a number"
    kind: str  # number | whole | date
    override: str | None  # the engine parameter it sets
    hint: str = ""
    minimum: float = 0.0
    above_minimum: bool = False  # strictly greater than ``minimum``


FIELDS = (
    Field("senco_min_fte", "Minimum SENCO time in any school (FTE)", "the minimum SENCO time", "number",
          "senco-capacity.min_fte", "For example, 0.2"),
    Field("senco_fte_per_100_sen", "SENCO time per 100 pupils with SEN (FTE)", "the SENCO time per 100 pupils with SEN",
          "number", "senco-capacity.min_fte_per_100_sen",
          "For example, 0.5: a school with 200 pupils with SEN needs 1 FTE"),
    Field("senco_amber_fte_per_100_sen", "Amber line: SENCO time per 100 pupils with SEN (FTE)", "the amber line",
          "number", "senco-capacity.amber_min_fte_per_100_sen",
          "Below the expected time but not below this is amber"),
    Field("ta_multiplier", "Largest pupils per TA FTE, as a multiple of the national figure for the phase",
          "the multiple of the national pupils per TA FTE", "number", "ta-capacity.multiplier", "For example, 1.5",
          above_minimum=True),
    Field("cpd_min_activities", "SEND CPD activities each year for every teacher and TA",
          "the number of SEND CPD activities", "whole", "send-cpd-annual.min_activities", "For example, 1"),
    Field("cpd_min_hours", "SEND CPD hours each year for every teacher and TA", "the SEND CPD hours", "number",
          "send-cpd-annual.min_hours", "0 means no hours threshold"),
    Field("start_date", "Start date of the new requirements", "the start date", "date",
          "send-cpd-annual.effective_from",
          "Annual SEND CPD, and the SEND qualification for headteachers appointed from this date. "
          "For example, 1 9 2026"),
    Field("as_of", "Judge on this date", "the date to judge on", "date", None,
          "Leave blank for today. For example, 31 8 2027"),
)
FIELD_BY_OVERRIDE = {f.override: f.name for f in FIELDS if f.override}
FIELD_BY_OVERRIDE["head-send-qualification.appointed_from"] = "start_date"


def scenario_form(raw: Mapping[str, str]) -> tuple[ScenarioParams, dt.date | None, dict[str, str]]:
    """Read the scenario form (or API query): candidate thresholds, the as-of date, errors by spec.

    Blank fields keep the standard's own values. Dates are ISO (``YYYY-MM-DD``).
    """
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for spec in FIELDS:
        text = str(raw.get(spec.name) or "").strip()
        if not text:
            continue
        if spec.kind == "date":
            try:
                values[spec.name] = dt.date.fromisoformat(text)
            except ValueError:
                errors[spec.name] = f"Enter {spec.noun} as a real date"
            else:
                if not as_of_in_range(values[spec.name]):
                    errors[spec.name] = f"Enter {spec.noun} from {AS_OF_EARLIEST:%Y} to {AS_OF_LATEST:%Y}"
            continue
        try:
            number = int(text) if spec.kind == "whole" else float(text)
        except ValueError:
            kind = "a whole number" if spec.kind == "whole" else "a number"
            errors[spec.name] = f"Enter {spec.noun} as {kind}"
            continue
        if not math.isfinite(number):
            errors[spec.name] = f"Enter {spec.noun} as a number"
        elif spec.above_minimum and number <= spec.minimum:
            errors[spec.name] = f"{spec.noun[0].upper()}{spec.noun[1:]} must be more than {spec.minimum:g}"
        elif number < spec.minimum:
            errors[spec.name] = f"{spec.noun[0].upper()}{spec.noun[1:]} must be {spec.minimum:g} or more"
        else:
            values[spec.name] = number
    as_of = values.pop("as_of", None)
    return ScenarioParams(**values), as_of, errors


def engine_error_field(message: str) -> str:
    """The form field an engine refusal is about (the message names the parameter)."""
    for override, name in FIELD_BY_OVERRIDE.items():
        if override in message:
            return name
    return "senco_fte_per_100_sen"

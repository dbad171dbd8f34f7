"""Reads for certificates: a snapshot's content as a certificate shows it, certificates and their status.

What a certificate may print about people: names and roles of *leaders* only (SENCOs, headteachers,
senior leaders, governors with SEND responsibility), through the reasons of the rules about them.
Findings about other individual staff (CPD, sensory-impairment qualifications, placements) are counted,
never named.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from workforce.certificates.tables import Certificate
from workforce.compliance.tables import EvaluationSnapshot, SnapshotFinding
from workforce.organisations.tables import School, Trust

CERTIFIABLE_SCOPES = ("school", "trust")

# Rules whose findings are about leaders: their reasons (which name the leader) may be printed.
LEADER_RULES = frozenset(
    {
        "senco-designated",
        "senco-qualification",
        "slt-senco-qualified",
        "trust-senco-qualified",
        "head-send-qualification",
        "governance-send",
    }
)
# Rules whose findings carry the SENCO time and TA ratios of a school.
RATIO_RULES = ("senco-capacity", "ta-capacity")

OUTCOMES = ("met", "gap", "due-soon", "advisory", "not-applicable")
OUTCOME_LABELS = {
    "met": "Met",
    "gap": "Gap",
    "due-soon": "Due soon",
    "advisory": "Advisory",
    "not-applicable": "Not applicable",
}

RULE_TITLES = {
    "senco-designated": "A qualified teacher is designated SENCO",
    "senco-qualification": "SENCO holds the mandatory qualification within 3 years",
    "mq-sensory": "Teachers of classes with sensory impairment hold the mandatory qualification",
    "send-cpd-annual": "Every teacher and teaching assistant completes SEND CPD each year",
    "slt-senco-qualified": "A senior leader holds a SENCO qualification",
    "trust-senco-qualified": "Trust leadership includes a SENCO-qualified person",
    "senco-capacity": "SENCO time matches the number of pupils with SEN",
    "ta-capacity": "Teaching assistant capacity (pupils per TA FTE)",
    "head-send-qualification": "Headteacher holds a SEND qualification within 4 years",
    "specialist-placement": "Early-career teachers have had a specialist placement",
    "governance-send": "The board has a governor or trustee with SEND responsibility",
}


class CertificateInputError(ValueError):
    """The snapshot cannot be certified (clear message for the user)."""


def rule_title(rule: str, titles: dict[str, str] | None = None) -> str:
    """The rule's title from the standard's file when loaded, else the built-in list, else its id."""
    if titles and rule in titles:
        return titles[rule]
    return RULE_TITLES.get(rule, rule)


@dataclass(frozen=True)
class StandardInfo:
    title: str
    rule_titles: dict[str, str]
    rule_order: tuple[str, ...]


def standard_info(standard_id: str) -> StandardInfo | None:
    """Title and rule titles/order from the standards engine's data file, if it can be loaded."""
    try:
        from workforce.standards import load_standard

        standard = load_standard(standard_id)
    except (ImportError, ValueError, OSError):
        return None
    return StandardInfo(
        title=standard.title,
        rule_titles={rule.id: rule.title for rule in standard.rules},
        rule_order=tuple(rule.id for rule in standard.rules),
    )


def _number(value) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


# The figures of a ratio finding worth printing (from the engine's ``metrics``), in order, with labels.
RATIO_FIGURES = {
    "senco-capacity": (
        ("senco_fte", "SENCO FTE"),
        ("sen_pupils", "pupils with SEN"),
        ("fte_per_100_sen", "SENCO FTE per 100 pupils with SEN"),
        ("required_fte", "FTE required"),
    ),
    "ta-capacity": (
        ("pupils", "pupils"),
        ("ta_fte", "TA FTE"),
        ("pupils_per_ta_fte", "pupils per TA FTE"),
        ("limit_pupils_per_ta_fte", "limit"),
        ("national_pupils_per_ta_fte", "national figure"),
    ),
}


def ratio_figures(rule: str, metrics: dict) -> str:
    """``SENCO FTE 0.3; pupils with SEN 120; ...`` from the finding's metrics (known figures only)."""
    parts = [
        f"{label} {_number(metrics[key])}"
        for key, label in RATIO_FIGURES.get(rule, ())
        if metrics.get(key) is not None
    ]
    return "; ".join(parts)


@dataclass
class RuleSummary:
    rule: str
    title: str
    basis: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class FindingLine:
    place: str  # the school or trust it is about
    rule: str
    title: str
    outcome: str
    due: dt.date | None
    text: str


@dataclass
class RatioLine:
    place: str
    urn: int | None
    rule: str
    title: str
    outcome: str
    text: str
    figures: str = ""


@dataclass
class CertificateContent:
    """Everything a certificate shows, read from one snapshot (no signing data yet)."""

    snapshot_id: int
    scope: str
    scope_ref: str
    organisation_name: str
    organisation_label: str
    standard_title: str
    standard_id: str
    standard_version: str
    as_of: dt.date
    evaluated_at: dt.datetime
    snapshot_hash: str
    rules: list[RuleSummary]
    gaps: list[FindingLine]
    due_soon: list[FindingLine]
    ratios: list[RatioLine]
    schools: list[dict]
    totals: dict[str, int]


def _finding_data(row: dict) -> dict:
    """The figures a finding carries (the engine's ``metrics`` JSON), if the snapshot stored them."""
    for key in ("metrics", "data", "detail"):
        value = row.get(key)
        if isinstance(value, str) and value.strip().startswith("{"):
            import json

            try:
                value = json.loads(value)
            except ValueError:
                value = None
        if isinstance(value, dict) and value:
            return value
    return {}


async def organisation_name(scope: str, scope_ref: str) -> str | None:
    if scope == "school":
        try:
            urn = int(scope_ref)
        except (TypeError, ValueError):
            return None
        row = await School.select(School.name).where(School.urn == urn).first()
    elif scope == "trust":
        row = await Trust.select(Trust.name).where(Trust.uid == str(scope_ref)).first()
    else:
        return None
    return row["name"] if row else None


async def snapshot_get(snapshot_id: int) -> dict | None:
    return await EvaluationSnapshot.select().where(EvaluationSnapshot.id == snapshot_id).first()


def _is_what_if(params) -> bool:
    if params in (None, "", "{}"):
        return False
    if isinstance(params, str):
        import json

        try:
            params = json.loads(params)
        except ValueError:
            return True
    return bool(params)


async def certificate_content(snapshot_id: int) -> CertificateContent:
    """The certificate's content for a saved snapshot; ``CertificateInputError`` if it can't be certified."""
    snapshot = await snapshot_get(snapshot_id)
    if snapshot is None:
        raise CertificateInputError(f"No evaluation snapshot with id {snapshot_id}")
    if snapshot["scope"] not in CERTIFIABLE_SCOPES:
        raise CertificateInputError(
            f"Only a school's or a trust's evaluation can be certified, not a {snapshot['scope']} one"
        )
    if _is_what_if(snapshot["params"]):
        raise CertificateInputError("A what-if scenario cannot be certified: evaluate the published standard")
    scope, scope_ref = snapshot["scope"], str(snapshot["scope_ref"] or "")
    name = await organisation_name(scope, scope_ref)
    if name is None:
        raise CertificateInputError(f"The snapshot's {scope} {scope_ref!r} is not in the database")
    findings = await SnapshotFinding.select().where(SnapshotFinding.snapshot == snapshot_id)
    return content_build(
        rows=findings,
        school_names=await school_names_of(row["urn"] for row in findings),
        snapshot_id=snapshot["id"],
        scope=scope,
        scope_ref=scope_ref,
        organisation_name=name,
        standard_id=snapshot["standard_id"],
        standard_version=snapshot["standard_version"],
        as_of=snapshot["as_of"],
        evaluated_at=snapshot["created_at"],
        snapshot_hash=snapshot["content_hash"],
    )


async def school_names_of(urns: Iterable[int | None]) -> dict[int, str]:
    """URN -> school name for the URNs given (None skipped)."""
    wanted = sorted({urn for urn in urns if urn is not None})
    if not wanted:
        return {}
    rows = await School.select(School.urn, School.name).where(School.urn.is_in(wanted))
    return {row["urn"]: row["name"] for row in rows}


def finding_rows(findings: Iterable) -> list[dict]:
    """Engine findings (``standards.Finding``) as rows shaped like ``SnapshotFinding`` rows (``id``: position)."""
    return [
        {
            "id": n,
            "rule": f.rule,
            "subject": f.subject,
            "urn": f.urn,
            "trust_uid": f.trust_uid,
            "person_id": f.person_id,
            "outcome": f.outcome,
            "basis": f.basis,
            "due": f.due,
            "reason": f.reason,
            "metrics": f.metrics,
        }
        for n, f in enumerate(findings, start=1)
    ]


def withheld(row: dict) -> bool:
    """Is this finding about a member of staff who is not a leader (so its reason, which names them, is
    not shown on certificates, evidence packs or inspectors' pages)?"""
    return row["subject"] == "person" and row["rule"] not in LEADER_RULES


def content_build(
    *,
    rows: Sequence[dict],
    school_names: dict[int, str],
    snapshot_id: int,
    scope: str,
    scope_ref: str,
    organisation_name: str,
    standard_id: str,
    standard_version: str,
    as_of: dt.date,
    evaluated_at: dt.datetime,
    snapshot_hash: str,
    withheld_note: str = "names are not printed on certificates",
) -> CertificateContent:
    """What a certificate (or an inspector's read-only page) shows of a set of findings; no database access.

    ``rows`` are finding rows (``SnapshotFinding`` rows, or ``finding_rows()`` of a live evaluation).
    """
    name = organisation_name
    info = standard_info(standard_id)
    titles = info.rule_titles if info else {}
    order_of_rules = list(info.rule_order) if info else list(RULE_TITLES)

    def position(rule: str) -> tuple[int, str]:
        """Rules in the standard's order, unknown ones last, alphabetically."""
        return (order_of_rules.index(rule) if rule in order_of_rules else len(order_of_rules), rule)

    findings = rows
    urns = sorted({row["urn"] for row in findings if row["urn"] is not None})

    def place(row: dict) -> str:
        if row["urn"] is not None:
            return f"{school_names.get(row['urn'], 'School')} (URN {row['urn']})"
        return name

    counts: dict[str, Counter] = defaultdict(Counter)
    basis: dict[str, str] = {}
    order: list[str] = []
    gaps: list[FindingLine] = []
    due_soon: list[FindingLine] = []
    ratios: list[RatioLine] = []
    withheld_counts: Counter = Counter()  # (place, rule, outcome) -> staff count, names withheld
    totals: Counter = Counter()

    for row in sorted(findings, key=lambda r: (r["rule"], r["urn"] or 0, r["subject"], r["id"])):
        rule, outcome = row["rule"], row["outcome"]
        if rule not in counts:
            order.append(rule)
        counts[rule][outcome] += 1
        totals[outcome] += 1
        basis.setdefault(rule, row["basis"])
        if rule in RATIO_RULES and row["subject"] != "person":
            ratios.append(
                RatioLine(
                    place=place(row),
                    urn=row["urn"],
                    rule=rule,
                    title=rule_title(rule, titles),
                    outcome=outcome,
                    text=row["reason"],
                    figures=ratio_figures(rule, _finding_data(row)),
                )
            )
        if outcome not in ("gap", "due-soon"):
            continue
        if withheld(row):
            withheld_counts[(place(row), rule, outcome, row["due"] if outcome == "due-soon" else None)] += 1
            continue
        line = FindingLine(
            place=place(row),
            rule=rule,
            title=rule_title(rule, titles),
            outcome=outcome,
            due=row["due"],
            text=row["reason"],
        )
        (gaps if outcome == "gap" else due_soon).append(line)

    for (where, rule, outcome, due), count in sorted(withheld_counts.items(), key=lambda kv: str(kv[0])):
        staff = "1 member of staff" if count == 1 else f"{count} members of staff"
        if outcome == "gap":
            verb = "does not meet" if count == 1 else "do not meet"
        else:
            verb = "must soon meet"
        line = FindingLine(
            place=where,
            rule=rule,
            title=rule_title(rule, titles),
            outcome=outcome,
            due=due,
            text=f"{staff} {verb} this rule ({withheld_note}).",
        )
        (gaps if outcome == "gap" else due_soon).append(line)

    sort_key = lambda line: (line.place, line.rule, line.due or dt.date.max, line.text)
    gaps.sort(key=sort_key)
    due_soon.sort(key=sort_key)
    ratios.sort(key=lambda line: (line.place, line.rule))

    rules = [
        RuleSummary(
            rule=rule,
            title=rule_title(rule, titles),
            basis=basis[rule],
            counts={o: counts[rule].get(o, 0) for o in OUTCOMES}
            | {o: n for o, n in counts[rule].items() if o not in OUTCOMES},
        )
        for rule in sorted(order, key=position)
    ]
    label = f"School, URN {scope_ref}" if scope == "school" else f"Trust, group UID {scope_ref}"
    return CertificateContent(
        snapshot_id=snapshot_id,
        scope=scope,
        scope_ref=scope_ref,
        organisation_name=name,
        organisation_label=label,
        standard_title=info.title if info else "",
        standard_id=standard_id,
        standard_version=standard_version,
        as_of=as_of,
        evaluated_at=evaluated_at,
        snapshot_hash=snapshot_hash,
        rules=rules,
        gaps=gaps,
        due_soon=due_soon,
        ratios=ratios,
        schools=[{"urn": urn, "name": school_names.get(urn, "")} for urn in urns],
        totals={o: totals.get(o, 0) for o in OUTCOMES},
    )


# --- certificates ------------------------------------------------------------------------------------


async def certificate_get(code: str) -> Certificate | None:
    return await Certificate.objects().where(Certificate.code == code).first()


async def certificate_for_snapshot(snapshot_id: int) -> Certificate | None:
    """The latest unrevoked certificate already issued for a snapshot, if any."""
    return (
        await Certificate.objects()
        .where(Certificate.snapshot == snapshot_id, Certificate.revoked_at.is_null())
        .order_by(Certificate.issued_at, ascending=False)
        .first()
    )


async def newer_snapshot(snapshot: dict) -> dict | None:
    """The latest published-standard snapshot for the same scope and standard that is newer than this one.

    Newer means a later as-of date, or the same as-of date evaluated later. What-if scenarios never count.
    """
    candidates = (
        await EvaluationSnapshot.select(
            EvaluationSnapshot.id,
            EvaluationSnapshot.as_of,
            EvaluationSnapshot.created_at,
            EvaluationSnapshot.params,
            EvaluationSnapshot.standard_version,
        )
        .where(
            EvaluationSnapshot.scope == snapshot["scope"],
            EvaluationSnapshot.scope_ref == snapshot["scope_ref"],
            EvaluationSnapshot.standard_id == snapshot["standard_id"],
            EvaluationSnapshot.as_of >= snapshot["as_of"],
            EvaluationSnapshot.id != snapshot["id"],
        )
        .order_by(EvaluationSnapshot.as_of, ascending=False)
        .order_by(EvaluationSnapshot.created_at, ascending=False)
    )
    for row in candidates:
        if _is_what_if(row["params"]):
            continue
        if row["as_of"] > snapshot["as_of"] or row["created_at"] > snapshot["created_at"]:
            return row
    return None


async def certificates_for_scope(scope: str, scope_ref: str, *, limit: int = 20) -> list[Certificate]:
    """Certificates issued for a school (URN) or trust (UID), newest first."""
    return (
        await Certificate.objects()
        .where((Certificate.scope == scope) & (Certificate.scope_ref == str(scope_ref)))
        .order_by(Certificate.issued_at, ascending=False)
        .order_by(Certificate.id, ascending=False)
        .limit(limit)
    )

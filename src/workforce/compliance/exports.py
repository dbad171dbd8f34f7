"""CSV exports of the compliance matrix and of the findings, for a school or a trust.

The rows come from the same evaluation the pages show (``compliance.selectors``), and are written by the one
formula-safe writer (``workforce.csv_export``). Dates are ISO; outcomes, bases and rule ids are the stable
values of the JSON output (docs/standards.md), so a spreadsheet can filter on them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from workforce.compliance.selectors import Evaluation, SchoolView, role_label
from workforce.people.tables import StaffMember
from workforce.standards import Finding, Rule

IDS_PER_QUERY = 5000

FINDING_COLUMNS = [
    "standard",
    "standard_version",
    "as_of",
    "rule",
    "rule_title",
    "basis",
    "subject",
    "urn",
    "school",
    "trust_uid",
    "staff_id",
    "person",
    "outcome",
    "due",
    "reason",
    "metrics",
]


async def staff_refs(person_ids: Iterable[int]) -> dict[int, str]:
    """The employer's staff id of each person (one query per 5,000 people)."""
    ids = sorted({int(i) for i in person_ids})
    found: dict[int, str] = {}
    for start in range(0, len(ids), IDS_PER_QUERY):
        chunk = ids[start : start + IDS_PER_QUERY]
        rows = await StaffMember.select(StaffMember.id, StaffMember.staff_ref).where(
            StaffMember.id.is_in(chunk)
        )
        found.update({row["id"]: row["staff_ref"] for row in rows})
    return found


def matrix_header(columns: Sequence[Rule]) -> list[str]:
    header = ["urn", "school", "staff_id", "name", "roles"]
    for rule in columns:
        header += [rule.id, f"{rule.id} due"]
    return header


def matrix_rows(
    views: Sequence[SchoolView], columns: Sequence[Rule], refs: dict[int, str]
) -> list[list[Any]]:
    """One row per person and school; an empty cell where the rule does not judge that person."""
    rows = []
    for view in views:
        for row in view.rows:
            line: list[Any] = [
                view.school.urn,
                view.school.name,
                refs.get(row.person_id, ""),
                row.name,
                "; ".join(role_label(r) for r in row.roles),
            ]
            for rule in columns:
                cell = row.cells.get(rule.id)
                line += [cell.outcome if cell else "", cell.due if cell else None]
            rows.append(line)
    return rows


def matrix_columns_of(views: Sequence[SchoolView], rules: Sequence[Rule]) -> list[Rule]:
    """The rules judging people anywhere in ``views``, in the standard's order."""
    used = {rule.id for view in views for rule in view.columns}
    return [rule for rule in rules if rule.id in used]


def finding_rows(
    evaluation: Evaluation, findings: Iterable[Finding], refs: dict[int, str], school_names: dict[int, str]
) -> list[list[Any]]:
    names = evaluation.person_names()
    rows = []
    for f in findings:
        rows.append(
            [
                evaluation.standard.id,
                evaluation.standard.version,
                evaluation.as_of,
                f.rule,
                evaluation.rule_title(f.rule),
                f.basis,
                f.subject,
                f.urn,
                school_names.get(f.urn, "") if f.urn is not None else "",
                f.trust_uid,
                refs.get(f.person_id, "") if f.person_id is not None else "",
                names.get(f.person_id, "") if f.person_id is not None else "",
                f.outcome,
                f.due,
                f.reason,
                json.dumps(f.metrics, sort_keys=True) if f.metrics is not None else "",
            ]
        )
    return rows

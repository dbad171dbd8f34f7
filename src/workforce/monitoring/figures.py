"""The published tables: which figures each table shows, and their CSV and JSON forms.

Pages, downloads and the JSON API all build their tables here from one suppressed ``Report``, so a
figure hidden on a page is hidden in every export and API response too.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from workforce.monitoring.aggregates import (
    BREAKDOWNS,
    NATION,
    Key,
    Report,
    rule_columns,
)

SUPPRESSED_CSV = "c"  # confidential: hidden to protect individuals (the DfE's own symbol)
NOT_APPLICABLE_CSV = "z"  # nothing to divide by


@dataclass(frozen=True)
class Measure:
    id: str
    label: str
    unit: str  # count | fte | ratio | percent
    compute: Callable[[Report, Key], tuple[float | None, bool]]  # (value, suppressed)
    public: bool = False  # published elsewhere (GIAS pupil numbers): never suppressed


def _count(column: str) -> Callable[[Report, Key], tuple[float | None, bool]]:
    def compute(report: Report, key: Key) -> tuple[float | None, bool]:
        value = report.count(key, column)
        return value, value is None

    return compute


def _ratio(numerator: str, denominator: str, per: float) -> Callable[[Report, Key], tuple[float | None, bool]]:
    def compute(report: Report, key: Key) -> tuple[float | None, bool]:
        num = report.count(key, numerator)
        den = report.count(key, denominator)
        if num is None or den is None:
            return None, True
        if not den:
            return None, False
        return num * per / den, False

    return compute


WORKFORCE = (
    Measure("schools", "Schools", "count", _count("schools"), public=True),
    Measure("pupils", "Pupils", "count", _count("pupils"), public=True),
    Measure("sen_pupils", "Pupils with SEN", "count", _count("sen_pupils"), public=True),
    Measure("senco_fte", "SENCO FTE", "fte", _count("senco_fte")),
    Measure("senco_fte_per_100_pupils", "SENCO FTE per 100 pupils", "ratio", _ratio("senco_fte", "pupils", 100)),
    Measure(
        "senco_fte_per_100_sen", "SENCO FTE per 100 pupils with SEN", "ratio", _ratio("senco_fte", "sen_pupils", 100)
    ),
    Measure("ta_fte", "TA FTE", "fte", _count("ta_fte")),
    Measure("ta_fte_per_100_pupils", "TA FTE per 100 pupils", "ratio", _ratio("ta_fte", "pupils", 100)),
    Measure("ta_fte_per_100_sen", "TA FTE per 100 pupils with SEN", "ratio", _ratio("ta_fte", "sen_pupils", 100)),
)

TRAINING = (
    Measure("staff", "Teachers and TAs", "count", _count("staff")),
    Measure("staff_send_cpd", "With SEND CPD this year", "count", _count("staff_send_cpd")),
    Measure("staff_send_cpd_pct", "% with SEND CPD", "percent", _ratio("staff_send_cpd", "staff", 100)),
    Measure("sencos", "SENCOs", "count", _count("sencos")),
    Measure("sencos_qualified", "With NPQ for SENCOs or NASENCO", "count", _count("sencos_qualified")),
    Measure("sencos_qualified_pct", "% of SENCOs qualified", "percent", _ratio("sencos_qualified", "sencos", 100)),
    Measure("heads", "Headteachers", "count", _count("heads")),
    Measure("heads_send_qualified", "With a SEND qualification", "count", _count("heads_send_qualified")),
    Measure(
        "heads_send_qualified_pct",
        "% of heads with a SEND qualification",
        "percent",
        _ratio("heads_send_qualified", "heads", 100),
    ),
    Measure("ects", "Early-career teachers", "count", _count("ects")),
    Measure("ects_specialist", "With a specialist placement", "count", _count("ects_specialist")),
    Measure(
        "ects_specialist_pct", "% with a specialist placement", "percent", _ratio("ects_specialist", "ects", 100)
    ),
)


def compliance_measures(rule: str) -> tuple[Measure, ...]:
    assessed, met = rule_columns(rule)
    return (
        Measure("schools_assessed", "Schools assessed", "count", _count(assessed)),
        Measure("schools_meeting", "Schools meeting the rule", "count", _count(met)),
        Measure("schools_meeting_pct", "% of schools meeting the rule", "percent", _ratio(met, assessed, 100)),
    )


TABLES = {
    "workforce": "SENCO and TA capacity",
    "training": "SEND training and qualifications",
    "compliance": "Schools meeting a rule",
}


@dataclass
class Cell:
    value: float | None
    suppressed: bool

    @property
    def available(self) -> bool:
        return self.value is not None


@dataclass
class FigureRow:
    key: Key
    label: str
    cells: dict[str, Cell]
    is_total: bool = False


@dataclass
class FigureTable:
    id: str
    title: str
    caption: str
    measures: tuple[Measure, ...]
    rows: list[FigureRow]
    total: FigureRow | None
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def has_suppressed(self) -> bool:
        return any(c.suppressed for r in self.all_rows for c in r.cells.values())

    @property
    def all_rows(self) -> list[FigureRow]:
        return [*self.rows, *([self.total] if self.total else [])]


class UnknownTable(LookupError):
    pass


def _row(report: Report, key: Key, measures: tuple[Measure, ...], *, is_total: bool = False) -> FigureRow:
    cells = {}
    for m in measures:
        value, suppressed = m.compute(report, key)
        if m.public:
            suppressed = False
        cells[m.id] = Cell(value=value, suppressed=suppressed)
    return FigureRow(key=key, label=report.labels.get(key, key[1]), cells=cells, is_total=is_total)


def measures_for(table_id: str, rule: str | None = None) -> tuple[Measure, ...]:
    if table_id == "workforce":
        return WORKFORCE
    if table_id == "training":
        return TRAINING
    if table_id == "compliance":
        if not rule:
            raise UnknownTable("the compliance table needs a rule")
        return compliance_measures(rule)
    raise UnknownTable(f"no table called {table_id!r}")


def breakdown_table(
    report: Report,
    table_id: str,
    breakdown: str,
    parent: Key = NATION,
    *,
    rule: str | None = None,
) -> FigureTable:
    """One published table: the rows of ``breakdown`` under ``parent`` (England unless drilling down).

    ``breakdown`` is one of region, la, phase, type, trust, or school (under a local authority or trust).
    """
    if breakdown not in BREAKDOWNS and breakdown != "school":
        raise UnknownTable(f"no breakdown called {breakdown!r}")
    if rule is not None and rule not in report.rules:
        raise UnknownTable(f"no rule called {rule!r} in the latest snapshot")
    measures = measures_for(table_id, rule)
    rows_keys = report.children.get((breakdown, parent))
    if rows_keys is None:
        if not report.exists(parent):
            raise UnknownTable(f"nothing recorded for {parent[0]} {parent[1]!r}")
        rows_keys = []
    rows = [_row(report, key, measures) for key in rows_keys]
    total = _row(report, parent, measures, is_total=True)
    title = TABLES[table_id] + (f": {rule}" if rule else "")
    by = BREAKDOWNS.get(breakdown, "School").lower()
    caption = f"{title}, by {by}, {report.labels.get(parent, parent[1])}, {report.as_of.isoformat()}"
    return FigureTable(
        id=table_id,
        title=title,
        caption=caption,
        measures=measures,
        rows=rows,
        total=total,
        meta={
            "breakdown": breakdown,
            "parent": {"kind": parent[0], "code": parent[1], "name": report.labels.get(parent, parent[1])},
            "rule": rule,
        },
    )


def rules_table(report: Report, key: Key = NATION) -> FigureTable:
    """Every rule of the snapshot for one group: schools assessed, meeting, and the share meeting."""
    measures = compliance_measures("")
    rows = []
    for rule in report.rules:
        cells = {}
        for template, measure in zip(compliance_measures(rule), measures, strict=True):
            value, suppressed = template.compute(report, key)
            cells[measure.id] = Cell(value=value, suppressed=suppressed)
        rows.append(FigureRow(key=("rule", rule), label=rule, cells=cells))
    name = report.labels.get(key, key[1])
    return FigureTable(
        id="rules",
        title="Schools meeting each rule",
        caption=f"Schools meeting each rule, {name}, {report.as_of.isoformat()}",
        measures=measures,
        rows=rows,
        total=None,
        meta={"parent": {"kind": key[0], "code": key[1], "name": name}, "rule": None, "breakdown": "rule"},
    )


# ---------------------------------------------------------------------------------------------------
# Formats

_DECIMALS = {"count": 0, "fte": 1, "ratio": 2, "percent": 1}
_EXPORT_DECIMALS = {"count": 0, "fte": 2, "ratio": 3, "percent": 1}


def rounded(measure: Measure, value: float | None, *, export: bool = False) -> float | int | None:
    if value is None:
        return None
    places = (_EXPORT_DECIMALS if export else _DECIMALS)[measure.unit]
    if places == 0 and measure.unit == "count":
        return round(value)
    return round(value, places)


def display(measure: Measure, cell: Cell) -> str:
    """A cell as shown in a page (the template marks suppressed cells accessibly)."""
    if cell.suppressed:
        return "[c]"
    if cell.value is None:
        return "–"
    value = rounded(measure, cell.value)
    if measure.unit == "count":
        return f"{value:,}"
    places = _DECIMALS[measure.unit]
    text = f"{value:,.{places}f}"
    return text + "%" if measure.unit == "percent" else text


def to_csv(table: FigureTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["kind", "code", "name", *[m.id for m in table.measures]])
    for row in table.all_rows:
        values = []
        for m in table.measures:
            cell = row.cells[m.id]
            if cell.suppressed:
                values.append(SUPPRESSED_CSV)
            elif cell.value is None:
                values.append(NOT_APPLICABLE_CSV)
            else:
                values.append(rounded(m, cell.value, export=True))
        writer.writerow(["total" if row.is_total else row.key[0], row.key[1], _csv_safe(row.label), *values])
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Neutralise spreadsheet formulas in names (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def to_json(table: FigureTable, report: Report) -> dict[str, Any]:
    def row_json(row: FigureRow) -> dict[str, Any]:
        return {
            "kind": row.key[0],
            "code": row.key[1],
            "name": row.label,
            "values": {m.id: rounded(m, row.cells[m.id].value, export=True) for m in table.measures},
            "suppressed": [m.id for m in table.measures if row.cells[m.id].suppressed],
        }

    return {
        "table": table.id,
        "title": table.title,
        "as_of": report.as_of.isoformat(),
        "academic_year": report.academic_year,
        "suppression_threshold": report.threshold,
        "snapshot": snapshot_json(report),
        **table.meta,
        "measures": [{"id": m.id, "label": m.label, "unit": m.unit} for m in table.measures],
        "rows": [row_json(r) for r in table.rows],
        "total": row_json(table.total) if table.total else None,
    }


def snapshot_json(report: Report) -> dict[str, Any] | None:
    s = report.snapshot
    if s is None:
        return None
    return {
        "id": s.id,
        "standard": s.standard_id,
        "version": s.standard_version,
        "as_of": s.as_of.isoformat(),
    }

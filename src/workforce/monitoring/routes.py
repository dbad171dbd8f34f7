"""DfE monitoring pages (role ``dfe_analyst``, and ``admin``): aggregates only, never a named person.

- ``GET /dfe``                               England: key figures, regions, rules, charts
- ``GET /dfe/breakdowns/{breakdown}``        England by local authority, phase, school type or trust
- ``GET /dfe/regions/{code}``                a region's local authorities
- ``GET /dfe/local-authorities/{code}``      a local authority's schools (school-level aggregates)
- ``GET /dfe/trusts/{uid}``                  a trust's schools (school-level aggregates)
- ``GET /dfe/trends``                        schools meeting each rule across saved national evaluations
- ``GET /dfe/download``                      any table above as CSV or JSON (the same suppressed figures)
- ``GET/POST /dfe/api-tokens``, ``POST /dfe/api-tokens/{token_id}/revoke``   the analyst's API tokens
Plus the JSON API (``api.py``) under ``/api/v1``.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from litestar import Request, Response, get, post
from litestar.exceptions import NotFoundException, ValidationException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template
from litestar.status_codes import HTTP_422_UNPROCESSABLE_ENTITY

from workforce.config import get_settings
from workforce.csv_export import csv_response
from workforce.monitoring import charts, figures
from workforce.monitoring import projection as projection_service
from workforce.monitoring import scenarios as scenario_service
from workforce.monitoring import tokens as token_service
from workforce.monitoring.aggregates import (
    AS_OF_EARLIEST,
    AS_OF_LATEST,
    BREAKDOWNS,
    DEFAULT_STANDARD,
    NATION,
    Key,
    Report,
    as_of_in_range,
    report_get,
    trends,
)
from workforce.monitoring.api import API_PREFIX, BREAKDOWN_SLUGS, SCHEMA_PATH, api_handlers
from workforce.web.navigation import NavItem
from workforce.web.security import CurrentUser, current_user, requires_role

ANALYST_ROLES = ("dfe_analyst", "admin")
PAGE_ROWS = 100
analyst = requires_role(*ANALYST_ROLES)
SLUG_OF = {name: slug for slug, name in BREAKDOWN_SLUGS.items()}
ROW_HEADERS = {
    "region": "Region",
    "la": "Local authority",
    "phase": "Phase",
    "type": "School type",
    "trust": "Trust",
    "school": "School",
    "rule": "Rule",
}
HISTOGRAMS = (
    ("ta_fte", "pupils", "TA FTE per 100 pupils", "ta-per-100-pupils"),
    ("senco_fte", "sen_pupils", "SENCO FTE per 100 pupils with SEN", "senco-per-100-sen"),
)


@dataclass
class PageTable:
    """A figures table as a page shows it: drill-down links and download links."""

    table: figures.FigureTable
    id: str
    row_header: str
    links: dict[Key, str] = field(default_factory=dict)
    downloads: dict[str, str] = field(default_factory=dict)
    page: int = 1  # long tables (trusts, local authorities, schools) are shown a page at a time
    page_href: str = ""  # the page's URL with ``page=`` last, for the pagination links

    def link(self, key: Key) -> str:
        return self.links.get(key, "")

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.table.rows) // PAGE_ROWS))

    @property
    def visible_rows(self) -> list[figures.FigureRow]:
        """This page's rows, then the total (suppression was decided on the whole table)."""
        rows = self.table.rows[(self.page - 1) * PAGE_ROWS : self.page * PAGE_ROWS]
        return [*rows, *([self.table.total] if self.table.total else [])]


def _href(key: Key) -> str:
    kind, code = key
    if kind == "region":
        return f"/dfe/regions/{code}" if code else ""
    if kind == "la":
        return f"/dfe/local-authorities/{code}"
    if kind == "trust":
        return f"/dfe/trusts/{code}" if code else ""
    return ""


def _download(table_id: str, breakdown: str, parent: Key, fmt: str, report: Report, rule: str | None) -> str:
    query = {
        "table": table_id,
        "breakdown": breakdown,
        "parent": f"{parent[0]}:{parent[1]}",
        "format": fmt,
        "as_of": report.as_of.isoformat(),
        "standard": report.standard_id,
    }
    if rule:
        query["rule"] = rule
    return "/dfe/download?" + urlencode(query)


def page_table(
    report: Report, table_id: str, breakdown: str, parent: Key = NATION, *, rule: str | None = None
) -> PageTable:
    try:
        if breakdown == "rule":
            table = figures.rules_table(report, parent)
        else:
            table = figures.breakdown_table(report, table_id, breakdown, parent, rule=rule)
    except figures.UnknownTable as exc:
        raise NotFoundException(str(exc)) from exc
    links = {row.key: _href(row.key) for row in table.rows if _href(row.key)}
    return PageTable(
        table=table,
        id=f"table-{table_id}-{breakdown}",
        row_header=ROW_HEADERS[breakdown],
        links=links,
        downloads={
            fmt.upper(): _download(table_id, breakdown, parent, fmt, report, rule) for fmt in ("csv", "json")
        },
    )


def cell_text(measure: figures.Measure, cell: figures.Cell) -> str:
    return figures.display(measure, cell)


def _rule_choice(report: Report, rule: str | None) -> str | None:
    if rule and rule not in report.rules:
        raise NotFoundException(f"No rule called {rule!r} in the latest national evaluation")
    return rule or (report.rules[0] if report.rules else None)


def compliance_bars(report: Report, rule: str, breakdown: str, parent: Key, chart_id: str) -> str:
    table = figures.breakdown_table(report, "compliance", breakdown, parent, rule=rule)
    bars = []
    for row in table.rows:
        pct = row.cells["schools_meeting_pct"]
        assessed = row.cells["schools_assessed"]
        note = f"of {int(assessed.value):,} schools" if assessed.value is not None and not assessed.suppressed else ""
        missing = "suppressed" if pct.suppressed else "no schools assessed"
        bars.append(charts.Bar(row.label, pct.value, note=note, missing_text=missing))
    place = report.labels.get(parent, parent[1])
    return charts.bars_svg(
        bars,
        title=f"Schools meeting {rule}, by {ROW_HEADERS[breakdown].lower()}, {place}",
        desc=(
            f"Horizontal bars: the percentage of schools meeting the rule {rule} in each "
            f"{ROW_HEADERS[breakdown].lower()}; the same figures are in the table below."
        ),
        id_prefix=chart_id,
    )


def histograms(report: Report, schools: list) -> list[dict]:
    result = []
    for numerator, denominator, label, chart_id in HISTOGRAMS:
        values = [row.ratio(numerator, denominator) for row in schools]
        values = [v for v in values if v is not None]
        bins = charts.bin_values(values, bins=10, high=charts.histogram_top(values))
        svg = charts.histogram_svg(
            bins,
            title=f"{label}: how many schools have each ratio",
            desc=(
                f"Histogram of {label} across {len(values):,} schools with pupils recorded; each bar counts "
                "the schools in a band of the ratio. The table below lists the same bands."
            ),
            x_label=label,
            id_prefix=f"histogram-{chart_id}",
        )
        result.append({"id": chart_id, "label": label, "svg": svg, "bins": bins, "schools": len(values)})
    return result


async def _report(as_of: dt.date | None, standard: str | None) -> Report:
    if not as_of_in_range(as_of):
        raise ValidationException(f"as_of must be a date from {AS_OF_EARLIEST} to {AS_OF_LATEST}")
    return await report_get(as_of=as_of, standard_id=standard or DEFAULT_STANDARD)


def _context(report: Report, **extra) -> dict:
    return {
        "report": report,
        "threshold": report.threshold,
        "cell_text": cell_text,
        "personal_data": False,
        "api_prefix": API_PREFIX,
        "schema_path": SCHEMA_PATH,
        "breakdown_slugs": SLUG_OF,
        "breakdown_names": BREAKDOWNS,
        **extra,
    }


# ---------------------------------------------------------------------------------------- pages


@get("/dfe", guards=[analyst])
async def dfe_dashboard(
    as_of: FromQuery[dt.date | None] = None,
    rule: FromQuery[str | None] = None,
    standard: FromQuery[str | None] = None,
) -> Template:
    report = await _report(as_of, standard)
    rule = _rule_choice(report, rule)
    tables = [page_table(report, "workforce", "region"), page_table(report, "training", "region")]
    rules = page_table(report, "rules", "rule") if report.rules else None
    by_region = page_table(report, "compliance", "region", rule=rule) if rule else None
    return Template(
        template_name="monitoring/dashboard.html",
        context=_context(
            report,
            tables=tables,
            rules=rules,
            rule=rule,
            by_region=by_region,
            bars=compliance_bars(report, rule, "region", NATION, "bars-region") if rule else "",
            histograms=histograms(report, report.schools),
            nation_workforce=tables[0].table.total,
            nation_training=tables[1].table.total,
            workforce_measures={m.id: m for m in figures.WORKFORCE},
            training_measures={m.id: m for m in figures.TRAINING},
        ),
    )


def _paged(request: Request, tables: list[PageTable], page: int) -> list[PageTable]:
    query = {k: v for k, v in request.query_params.items() if k != "page"}
    base = request.url.path + "?" + urlencode({**query, "page": ""})
    for pt in tables:
        pt.page = min(max(page, 1), pt.pages)
        pt.page_href = base
    return tables


@get("/dfe/breakdowns/{breakdown:str}", guards=[analyst])
async def dfe_breakdown(
    request: Request,
    breakdown: FromPath[str],
    as_of: FromQuery[dt.date | None] = None,
    rule: FromQuery[str | None] = None,
    standard: FromQuery[str | None] = None,
    page: FromQuery[int] = 1,
) -> Template:
    if breakdown not in BREAKDOWN_SLUGS:
        raise NotFoundException(f"No breakdown called {breakdown!r}")
    name = BREAKDOWN_SLUGS[breakdown]
    report = await _report(as_of, standard)
    rule = _rule_choice(report, rule)
    tables = [page_table(report, "workforce", name), page_table(report, "training", name)]
    if rule:
        tables.append(page_table(report, "compliance", name, rule=rule))
    _paged(request, tables, page)
    return Template(
        template_name="monitoring/breakdown.html",
        context=_context(
            report,
            heading=f"England by {BREAKDOWNS[name].lower()}",
            caption="National SEND workforce",
            breadcrumbs=[("National SEND workforce", "/dfe")],
            tables=tables,
            rule=rule,
            rule_form_action=f"/dfe/breakdowns/{breakdown}",
            bars=compliance_bars(report, rule, name, NATION, f"bars-{breakdown}") if rule and name != "trust" else "",
        ),
    )


async def _drill(
    request: Request,
    kind: str,
    code: FromPath[str],
    breakdown: FromPath[str],
    as_of: dt.date | None,
    rule: str | None,
    standard: str | None,
    page: int,
) -> Template:
    report = await _report(as_of, standard)
    key: Key = (kind, code)
    if not report.exists(key) or (kind == "trust" and not code):
        raise NotFoundException(f"No figures for {kind} {code!r} on {report.as_of.isoformat()}")
    rule = _rule_choice(report, rule)
    tables = [page_table(report, "workforce", breakdown, key), page_table(report, "training", breakdown, key)]
    if rule:
        tables.append(page_table(report, "compliance", breakdown, key, rule=rule))
    _paged(request, tables, page)
    name = report.labels.get(key, code)
    crumbs = [("National SEND workforce", "/dfe")]
    up = report.parent.get(key)
    if kind == "la" and up is not None and up != NATION and _href(up):
        crumbs.append((report.labels.get(up, up[1]), _href(up)))
    if kind == "trust":
        crumbs.append(("England by trust", "/dfe/breakdowns/trust"))
    kind_label = {"region": "Region", "la": "Local authority", "trust": "Trust"}[kind]
    return Template(
        template_name="monitoring/breakdown.html",
        context=_context(
            report,
            heading=name,
            caption=kind_label,
            breadcrumbs=crumbs,
            tables=tables,
            rule=rule,
            rule_form_action=request.url.path,
            bars=compliance_bars(report, rule, breakdown, key, f"bars-{kind}") if rule else "",
            rules=page_table(report, "rules", "rule", key) if report.rules else None,
        ),
    )


@get("/dfe/regions/{code:str}", guards=[analyst])
async def dfe_region(
    request: Request,
    code: FromPath[str],
    as_of: FromQuery[dt.date | None] = None,
    rule: FromQuery[str | None] = None,
    standard: FromQuery[str | None] = None,
    page: FromQuery[int] = 1,
) -> Template:
    return await _drill(request, "region", code, "la", as_of, rule, standard, page)


@get("/dfe/local-authorities/{code:str}", guards=[analyst])
async def dfe_local_authority(
    request: Request,
    code: FromPath[str],
    as_of: FromQuery[dt.date | None] = None,
    rule: FromQuery[str | None] = None,
    standard: FromQuery[str | None] = None,
    page: FromQuery[int] = 1,
) -> Template:
    return await _drill(request, "la", code, "school", as_of, rule, standard, page)


@get("/dfe/trusts/{uid:str}", guards=[analyst])
async def dfe_trust(
    request: Request,
    uid: FromPath[str],
    as_of: FromQuery[dt.date | None] = None,
    rule: FromQuery[str | None] = None,
    standard: FromQuery[str | None] = None,
    page: FromQuery[int] = 1,
) -> Template:
    return await _drill(request, "trust", uid, "school", as_of, rule, standard, page)


@get("/dfe/trends", guards=[analyst])
async def dfe_trends(standard: FromQuery[str | None] = None) -> Template:
    standard_id = standard or DEFAULT_STANDARD
    threshold = get_settings().suppression_threshold
    points = await trends(standard_id=standard_id, threshold=threshold)
    dates = sorted({p.as_of for p in points})
    rules = sorted({p.rule for p in points})
    by = {(p.rule, p.as_of): p for p in points}
    series = [
        charts.Series(
            rule,
            tuple(
                (day.isoformat(), by[(rule, day)].pct if (rule, day) in by else None) for day in dates
            ),
        )
        for rule in rules
    ]
    svg = (
        charts.line_svg(
            series,
            title=f"Schools meeting each rule of {standard_id} over time",
            desc=(
                "One line per rule: the percentage of schools meeting it in each saved national evaluation. "
                "The table below has the same figures."
            ),
            id_prefix="trend",
        )
        if points
        else ""
    )
    return Template(
        template_name="monitoring/trends.html",
        context={
            "standard_id": standard_id,
            "dates": dates,
            "rules": rules,
            "points": by,
            "svg": svg,
            "threshold": threshold,
            "personal_data": False,
        },
    )


def _parse_parent(raw: str) -> Key:
    kind, sep, code = raw.partition(":")
    if not sep or kind not in {"nation", "region", "la", "trust"}:
        raise ValidationException("parent must be nation:CODE, region:CODE, la:CODE or trust:UID")
    return (kind, code)


@get("/dfe/download", guards=[analyst])
async def dfe_download(
    table: FromQuery[str],
    breakdown: FromQuery[str] = "region",
    parent: FromQuery[str] = f"{NATION[0]}:{NATION[1]}",
    rule: FromQuery[str | None] = None,
    format: FromQuery[str] = "csv",
    as_of: FromQuery[dt.date | None] = None,
    standard: FromQuery[str | None] = None,
) -> Response:
    """Any page table as CSV or JSON: the same suppressed figures as the page."""
    if format not in ("csv", "json"):
        raise NotFoundException("Downloads are CSV or JSON")
    report = await _report(as_of, standard)
    key = _parse_parent(parent)
    pt = page_table(report, table, breakdown, key, rule=rule if table == "compliance" else None)
    stem = f"send-workforce-{table}-{breakdown}-{key[0]}-{key[1] or 'none'}-{report.as_of.isoformat()}"
    if rule and table == "compliance":
        stem += f"-{rule}"
    if format == "csv":
        return Response(
            content=figures.to_csv(pt.table),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{stem}.csv"'},
        )
    return Response(
        content=json.dumps(figures.to_json(pt.table, report), indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{stem}.json"'},
    )


# ---------------------------------------------------------------------------------------- scenarios, projection

DATE_PARTS = ("day", "month", "year")


def _date_from_parts(query, name: str) -> tuple[str, dict[str, str]]:
    """A GOV.UK date input's three fields as an ISO date ("" when all blank, "invalid" when not a date)."""
    parts = {part: str(query.get(f"{name}-{part}", "")).strip() for part in DATE_PARTS}
    if not any(parts.values()):
        return "", parts
    try:
        return dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"])).isoformat(), parts
    except ValueError:
        return "invalid", parts


def _standard_values(standard_id: str) -> dict[str, str]:
    """Each scenario field's value in the published standard, to show beside the field."""
    from workforce.standards import StandardError, load_standard

    standard = load_standard(standard_id)
    shown: dict[str, str] = {}
    for f in scenario_service.FIELDS:
        if not f.override:
            continue
        rule_id, _, param = f.override.partition(".")
        try:
            value = standard.rule(rule_id).params[param]
        except (StandardError, KeyError):  # a standard without the rule shows no current value
            shown.pop(f.name, None)
            continue
        if isinstance(value, dt.date):
            shown[f.name] = f"{value.day} {value:%B %Y}"
        elif isinstance(value, (int, float)):
            shown[f.name] = f"{value:g}"
        else:
            shown[f.name] = str(value)
    return shown


@get("/dfe/scenarios", guards=[analyst])
async def dfe_scenarios(request: Request) -> Template | Response:
    """Candidate thresholds (a GET form: judging changes nothing) and what they would mean.

    ``format=csv`` downloads the same figures (England and each region, suppressed alike)."""
    from workforce.standards import StandardError

    query = request.query_params
    standard_id = DEFAULT_STANDARD
    raw: dict[str, str] = {}
    dates: dict[str, dict[str, str]] = {}
    for f in scenario_service.FIELDS:
        if f.kind == "date":
            raw[f.name], dates[f.name] = _date_from_parts(query, f.name)
        else:
            raw[f.name] = str(query.get(f.name, "")).strip()
    submitted = "run" in query
    context = {
        "fields": scenario_service.FIELDS,
        "values": raw,
        "dates": dates,
        "current": _standard_values(standard_id),
        "standard_id": standard_id,
        "errors": {},
        "result": None,
        "csv_href": "",
        "personal_data": False,
    }
    if not submitted:
        return Template(template_name="monitoring/scenarios.html", context=context)
    params, as_of, errors = scenario_service.scenario_form(raw)
    result = None
    if not errors:
        try:
            result = await scenario_service.scenario_run(
                params=params,
                as_of=as_of or dt.date.today(),
                standard_id=standard_id,
                threshold=get_settings().suppression_threshold,
            )
        except StandardError as exc:
            errors[scenario_service.engine_error_field(str(exc))] = str(exc)
    if result is not None and query.get("format") == "csv":
        return csv_response(
            filename=f"scenario-{result.standard_id}-{result.as_of.isoformat()}.csv",
            header=scenario_service.CSV_HEADER,
            rows=scenario_service.scenario_csv_rows(result),
        )
    query_without_format = [(k, v) for k, v in query.multi_items() if k != "format"]
    context.update(errors=errors, result=result, csv_href="/dfe/scenarios?" + urlencode(
        [*query_without_format, ("format", "csv")]
    ))
    return Template(
        template_name="monitoring/scenarios.html",
        context=context,
        status_code=HTTP_422_UNPROCESSABLE_ENTITY if errors else 200,
    )


@get("/dfe/projection", guards=[analyst])
async def dfe_projection(
    as_of: FromQuery[dt.date | None] = None, standard: FromQuery[str | None] = None
) -> Template:
    standard_id = standard or DEFAULT_STANDARD
    if not as_of_in_range(as_of):
        raise ValidationException(f"as_of must be a date from {AS_OF_EARLIEST} to {AS_OF_LATEST}")
    day = as_of or dt.date.today()
    rows = await projection_service.projection_build(
        as_of=day, standard_id=standard_id, threshold=get_settings().suppression_threshold
    )
    return Template(
        template_name="monitoring/projection.html",
        context={
            "rows": rows,
            "as_of": day,
            "standard_id": standard_id,
            "threshold": get_settings().suppression_threshold,
            "personal_data": False,
        },
    )


# ---------------------------------------------------------------------------------------- API tokens


def _user(request: Request) -> CurrentUser:
    user = current_user(request)
    assert user is not None  # the guard let the request in
    return user


async def _tokens_page(user: CurrentUser, *, errors=None, values=None, issued=None, status_code=200) -> Template:
    return Template(
        template_name="monitoring/api_tokens.html",
        context={
            "tokens": await token_service.api_tokens_list(user_id=user.id),
            "errors": errors or {},
            "values": values or {"name": "", "days": str(token_service.DEFAULT_DAYS)},
            "issued": issued,
            "max_days": token_service.MAX_DAYS,
            "api_prefix": API_PREFIX,
            "schema_path": SCHEMA_PATH,
            "personal_data": False,
        },
        status_code=status_code,
    )


@get("/dfe/api-tokens", guards=[analyst])
async def dfe_api_tokens(request: Request) -> Template:
    return await _tokens_page(_user(request))


@post("/dfe/api-tokens", guards=[analyst])
async def dfe_api_token_create(request: Request) -> Template:
    """Issue a token and show it once (the page is not cached, and the token is never stored)."""
    user = _user(request)
    form = await request.form()
    name = str(form.get("name", "")).strip()
    days_raw = str(form.get("days", "")).strip()
    errors: dict[str, str] = {}
    days = 0
    if not days_raw:
        errors["days"] = "Enter how many days the token should last"
    else:
        try:
            days = int(days_raw)
        except ValueError:
            errors["days"] = f"Days must be a whole number from 1 to {token_service.MAX_DAYS}"
        else:
            if not 1 <= days <= token_service.MAX_DAYS:
                errors["days"] = f"Days must be a whole number from 1 to {token_service.MAX_DAYS}"
    if len(name) > token_service.NAME_MAX:
        errors["name"] = f"Name must be {token_service.NAME_MAX} characters or fewer"
    values = {"name": name, "days": days_raw}
    if errors:
        return await _tokens_page(user, errors=errors, values=values, status_code=HTTP_422_UNPROCESSABLE_ENTITY)
    try:
        issued = await token_service.api_token_create(user_id=user.id, name=name, days=days, actor=user.email)
    except token_service.TokenError as exc:
        return await _tokens_page(
            user, errors={exc.field or "name": exc.message}, values=values, status_code=HTTP_422_UNPROCESSABLE_ENTITY
        )
    return await _tokens_page(user, issued=issued)


@post("/dfe/api-tokens/{token_id:int}/revoke", guards=[analyst])
async def dfe_api_token_revoke(request: Request, token_id: FromPath[int]) -> Redirect:
    user = _user(request)
    try:
        await token_service.api_token_revoke(token_id=token_id, user_id=user.id, actor=user.email)
    except token_service.TokenError as exc:
        raise NotFoundException(exc.message) from exc
    return Redirect(path="/dfe/api-tokens", status_code=303)


route_handlers = [
    dfe_dashboard,
    dfe_breakdown,
    dfe_region,
    dfe_local_authority,
    dfe_trust,
    dfe_trends,
    dfe_download,
    dfe_scenarios,
    dfe_projection,
    dfe_api_tokens,
    dfe_api_token_create,
    dfe_api_token_revoke,
    *api_handlers,
]

nav_items = [
    NavItem(
        label="National figures",
        href="/dfe",
        roles=frozenset(ANALYST_ROLES),
        description="SENCO and TA capacity, SEND training and compliance across England, aggregated only.",
        order=50,
    ),
    NavItem(
        label="API tokens",
        href="/dfe/api-tokens",
        roles=frozenset(ANALYST_ROLES),
        description="Tokens for the JSON API of the national figures.",
        order=55,
        in_header=False,
    ),
]

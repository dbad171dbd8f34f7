"""The versioned JSON API for DfE analysts: ``/api/v1/...``, documented by OpenAPI at ``/schema``.

Every endpoint is a GET, authenticated by ``Authorization: Bearer <token>`` (``workforce tokens create EMAIL``
or the "API tokens" page); without a valid token the answer is 401 with a JSON body, never a page. It returns
the same suppressed aggregates as the pages and their downloads (``figures.py``); no endpoint names a person.
docs/api.md describes the endpoints, the figures and the suppression method.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Router, get
from litestar.connection import ASGIConnection
from litestar.exceptions import NotAuthorizedException, NotFoundException, ValidationException
from litestar.handlers.base import BaseRouteHandler
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin, OpenAPIRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme, Tag
from litestar.params import FromPath, QueryParameter

from workforce.monitoring import figures
from workforce.monitoring.aggregates import (
    AS_OF_EARLIEST,
    AS_OF_LATEST,
    DEFAULT_STANDARD,
    NATION,
    Report,
    as_of_in_range,
    report_get,
    trends,
)
from workforce.monitoring.tokens import TOKEN_ROLES, api_token_authenticate
from workforce.web.security import PUBLIC

API_PREFIX = "/api/v1"
SCHEMA_PATH = "/schema"
BEARER_SCHEME = "bearerToken"
TOKEN_REQUIRED = "A valid API token is required: send the header Authorization: Bearer <token>"

# URL names of the breakdowns -> the names the aggregates use.
BREAKDOWN_SLUGS = {
    "region": "region",
    "local-authority": "la",
    "phase": "phase",
    "school-type": "type",
    "trust": "trust",
}
TableName = Literal["workforce", "training", "compliance"]
BreakdownName = Literal["region", "local-authority", "phase", "school-type", "trust"]


# ---------------------------------------------------------------------------------------- authentication


async def requires_api_token(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """A guard: the request carries a valid bearer token of an active analyst or administrator."""
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    user = None
    if scheme.lower() == "bearer" and token.strip():
        user = await api_token_authenticate(token.strip())
    if user is None:
        raise NotAuthorizedException(TOKEN_REQUIRED, headers={"WWW-Authenticate": 'Bearer realm="api"'})
    connection.state.api_user = user


requires_api_token.roles = frozenset(TOKEN_ROLES)  # type: ignore[attr-defined]  # who can hold a token


# ---------------------------------------------------------------------------------------- response shapes


class Snapshot(msgspec.Struct):
    id: int
    standard: str
    version: str
    as_of: dt.date


class Measure(msgspec.Struct):
    id: str
    label: str
    unit: Literal["count", "fte", "ratio", "percent"]


class Row(msgspec.Struct):
    kind: str
    code: str
    name: str
    values: dict[str, float | int | None]
    suppressed: list[str]


class Parent(msgspec.Struct):
    kind: str
    code: str
    name: str


class Table(msgspec.Struct):
    """One published table: figures for each row and the total; ``null`` values are suppressed (listed in
    the row's ``suppressed``) or have nothing to divide by."""

    table: str
    title: str
    as_of: dt.date
    academic_year: str
    suppression_threshold: int
    snapshot: Snapshot | None
    breakdown: str
    parent: Parent
    rule: str | None
    measures: list[Measure]
    rows: list[Row]
    total: Row | None


class Summary(msgspec.Struct):
    as_of: dt.date
    academic_year: str
    suppression_threshold: int
    snapshot: Snapshot | None
    workforce: Row
    training: Row
    rules: Table
    breakdowns: list[str]


class TrendPoint(msgspec.Struct):
    snapshot_id: int
    as_of: dt.date
    rule: str
    schools_assessed: int | None
    schools_meeting: int | None
    schools_meeting_pct: float | None


class Trends(msgspec.Struct):
    standard: str
    suppression_threshold: int
    points: list[TrendPoint]


def table_out(table: figures.FigureTable, report: Report) -> Table:
    return msgspec.convert(figures.to_json(table, report), Table)


# ---------------------------------------------------------------------------------------- endpoints

AsOf = Annotated[
    dt.date | None,
    QueryParameter(description="The date the figures are for (YYYY-MM-DD); today when left out."),
]
StandardQuery = Annotated[
    str | None,
    QueryParameter(description="The standard whose latest saved national evaluation gives the rule figures."),
]
TableQuery = Annotated[TableName, QueryParameter(description="Which figures: workforce, training or compliance.")]
RuleQuery = Annotated[
    str | None, QueryParameter(description="The rule of the compliance table (ids from /api/v1/rules).")
]


async def _report(as_of: dt.date | None, standard: str | None) -> Report:
    if not as_of_in_range(as_of):
        raise ValidationException(f"as_of must be a date from {AS_OF_EARLIEST} to {AS_OF_LATEST}")
    return await report_get(as_of=as_of, standard_id=standard or DEFAULT_STANDARD)


def _table(report: Report, table: str, breakdown: str, parent=NATION, rule: str | None = None) -> Table:
    if table == "compliance" and not rule:
        raise ValidationException("The compliance table needs a rule: add ?rule=<rule id> (see /api/v1/rules)")
    try:
        return table_out(figures.breakdown_table(report, table, breakdown, parent, rule=rule), report)
    except figures.UnknownTable as exc:
        raise NotFoundException(str(exc)) from exc


@get(f"{API_PREFIX}/summary", guards=[requires_api_token], tags=["aggregates"])
async def api_summary(
    as_of: AsOf = None, standard: StandardQuery = None
) -> Summary:
    """National figures: capacity, training and the share of schools meeting each rule, for England."""
    report = await _report(as_of, standard)

    def total(table_id: str) -> Row:
        table = figures.breakdown_table(report, table_id, "region")
        return msgspec.convert(figures.to_json(table, report)["total"], Row)

    return Summary(
        as_of=report.as_of,
        academic_year=report.academic_year,
        suppression_threshold=report.threshold,
        snapshot=msgspec.convert(figures.snapshot_json(report), Snapshot | None),
        workforce=total("workforce"),
        training=total("training"),
        rules=table_out(figures.rules_table(report), report),
        breakdowns=list(BREAKDOWN_SLUGS),
    )


@get(f"{API_PREFIX}/rules", guards=[requires_api_token], tags=["aggregates"])
async def api_rules(as_of: AsOf = None, standard: StandardQuery = None) -> Table:
    """Schools assessed and meeting each rule in England (latest saved national evaluation)."""
    report = await _report(as_of, standard)
    return table_out(figures.rules_table(report), report)


@get(f"{API_PREFIX}/breakdowns/{{breakdown:str}}", guards=[requires_api_token], tags=["aggregates"])
async def api_breakdown(
    breakdown: FromPath[BreakdownName],
    table: TableQuery = "workforce",
    rule: RuleQuery = None,
    as_of: AsOf = None,
    standard: StandardQuery = None,
) -> Table:
    """A table for England broken down by region, local authority, phase, school type or trust."""
    report = await _report(as_of, standard)
    return _table(report, table, BREAKDOWN_SLUGS[breakdown], rule=rule)


@get(f"{API_PREFIX}/regions/{{code:str}}/local-authorities", guards=[requires_api_token], tags=["drill-down"])
async def api_region(
    code: FromPath[str],
    table: TableQuery = "workforce",
    rule: RuleQuery = None,
    as_of: AsOf = None,
    standard: StandardQuery = None,
) -> Table:
    """The local authorities of a region (GIAS region code, e.g. ``H``)."""
    report = await _report(as_of, standard)
    return _table(report, table, "la", ("region", code), rule)


@get(f"{API_PREFIX}/local-authorities/{{code:str}}/schools", guards=[requires_api_token], tags=["drill-down"])
async def api_local_authority(
    code: FromPath[str],
    table: TableQuery = "workforce",
    rule: RuleQuery = None,
    as_of: AsOf = None,
    standard: StandardQuery = None,
) -> Table:
    """School-level aggregates in a local authority (GIAS LA code, e.g. ``202``)."""
    report = await _report(as_of, standard)
    return _table(report, table, "school", ("la", code), rule)


@get(f"{API_PREFIX}/trusts/{{uid:str}}/schools", guards=[requires_api_token], tags=["drill-down"])
async def api_trust(
    uid: FromPath[str],
    table: TableQuery = "workforce",
    rule: RuleQuery = None,
    as_of: AsOf = None,
    standard: StandardQuery = None,
) -> Table:
    """School-level aggregates in a trust (GIAS group UID)."""
    report = await _report(as_of, standard)
    return _table(report, table, "school", ("trust", uid), rule)


@get(f"{API_PREFIX}/trends", guards=[requires_api_token], tags=["trends"])
async def api_trends(standard: StandardQuery = None) -> Trends:
    """Schools meeting each rule in each of the last twelve saved national evaluations."""
    from workforce.config import get_settings

    threshold = get_settings().suppression_threshold
    points = await trends(standard_id=standard or DEFAULT_STANDARD, threshold=threshold)
    return Trends(
        standard=standard or DEFAULT_STANDARD,
        suppression_threshold=threshold,
        points=[
            TrendPoint(
                snapshot_id=p.snapshot_id,
                as_of=p.as_of,
                rule=p.rule,
                schools_assessed=p.assessed,
                schools_meeting=p.met,
                schools_meeting_pct=round(p.pct, 1) if p.pct is not None else None,
            )
            for p in points
        ],
    )


class ScenarioFigures(msgspec.Struct):
    schools_assessed: int | None
    schools_short: int | None
    trusts_short: int | None
    people_short: int | None
    training_places: int | None
    extra_fte: float | None


class ScenarioRule(msgspec.Struct):
    rule: str
    title: str
    extra_unit: str
    published: ScenarioFigures
    scenario: ScenarioFigures
    scenario_outcomes: dict[str, int | None]
    scenario_by_region: dict[str, ScenarioFigures]


class Scenario(msgspec.Struct):
    """A scenario judged by the engine: ``overrides`` are what ``workforce evaluate --set`` would take."""

    standard: str
    version: str
    as_of: dt.date
    suppression_threshold: int
    overrides: dict[str, Any]
    evaluate_arguments: list[str]
    regions: dict[str, str]
    rules: list[ScenarioRule]


class ProjectionYear(msgspec.Struct):
    label: str
    judged_on: dt.date
    sencos: int | None
    sencos_out_of_compliance: int | None
    heads: int | None
    heads_out_of_compliance: int | None


class Projection(msgspec.Struct):
    standard: str
    as_of: dt.date
    suppression_threshold: int
    years: list[ProjectionYear]


def _figures(result, key) -> ScenarioFigures:
    def whole(column: str) -> int | None:
        value = result.value(key, column)
        return None if value is None else int(value)

    extra = result.value(key, "extra_fte")
    return ScenarioFigures(
        schools_assessed=whole("schools_assessed"),
        schools_short=whole("schools_short"),
        trusts_short=whole("trusts_short"),
        people_short=whole("people_short"),
        training_places=whole("places"),
        extra_fte=None if extra is None else round(float(extra), 2),
    )


def _query_value(value: float | dt.date | None) -> str:
    return "" if value is None else str(value)


@get(f"{API_PREFIX}/scenarios", guards=[requires_api_token], tags=["scenarios"])
async def api_scenario(
    senco_min_fte: Annotated[float | None, QueryParameter(description="senco-capacity.min_fte")] = None,
    senco_fte_per_100_sen: Annotated[
        float | None, QueryParameter(description="senco-capacity.min_fte_per_100_sen")
    ] = None,
    senco_amber_fte_per_100_sen: Annotated[
        float | None, QueryParameter(description="senco-capacity.amber_min_fte_per_100_sen")
    ] = None,
    ta_multiplier: Annotated[float | None, QueryParameter(description="ta-capacity.multiplier")] = None,
    cpd_min_activities: Annotated[int | None, QueryParameter(description="send-cpd-annual.min_activities")] = None,
    cpd_min_hours: Annotated[float | None, QueryParameter(description="send-cpd-annual.min_hours")] = None,
    start_date: Annotated[
        dt.date | None,
        QueryParameter(description="send-cpd-annual.effective_from and head-send-qualification.appointed_from"),
    ] = None,
    as_of: AsOf = None,
) -> Scenario:
    """Candidate thresholds judged by the engine with and without them: schools and trusts short, by region,
    extra SENCO/TA FTE and training places. Left-out thresholds keep the standard's values."""
    from workforce.config import get_settings
    from workforce.monitoring import scenarios
    from workforce.standards import StandardError

    raw = {
        "senco_min_fte": _query_value(senco_min_fte),
        "senco_fte_per_100_sen": _query_value(senco_fte_per_100_sen),
        "senco_amber_fte_per_100_sen": _query_value(senco_amber_fte_per_100_sen),
        "ta_multiplier": _query_value(ta_multiplier),
        "cpd_min_activities": _query_value(cpd_min_activities),
        "cpd_min_hours": _query_value(cpd_min_hours),
        "start_date": _query_value(start_date),
        "as_of": _query_value(as_of),
    }
    params, day, errors = scenarios.scenario_form(raw)
    if errors:
        raise ValidationException("; ".join(f"{field}: {message}" for field, message in errors.items()))
    try:
        result = await scenarios.scenario_run(
            params=params,
            as_of=day or dt.date.today(),
            standard_id=DEFAULT_STANDARD,
            threshold=get_settings().suppression_threshold,
        )
    except StandardError as exc:
        raise ValidationException(str(exc)) from exc
    nation = scenarios.NATION
    rules = []
    for base, scen in zip(result.baseline, result.scenario, strict=True):
        rules.append(
            ScenarioRule(
                rule=scen.rule,
                title=scen.title,
                extra_unit=scen.extra_unit,
                published=_figures(base, nation),
                scenario=_figures(scen, nation),
                scenario_outcomes={name: scen.outcome(name) for name in scen.outcomes},
                scenario_by_region={key[1]: _figures(scen, key) for key, _ in result.regions},
            )
        )
    return Scenario(
        standard=result.standard_id,
        version=result.standard_version,
        as_of=result.as_of,
        suppression_threshold=result.threshold,
        overrides=result.overrides,
        evaluate_arguments=result.set_arguments,
        regions={key[1]: name for key, name in result.regions},
        rules=rules,
    )


@get(f"{API_PREFIX}/projection", guards=[requires_api_token], tags=["scenarios"])
async def api_projection(as_of: AsOf = None, standard: StandardQuery = None) -> Projection:
    """SENCOs and headteachers out of compliance now and on 31 August of each of the next four academic
    years, if nothing changes (courses in progress end at the latest date they can)."""
    from workforce.config import get_settings
    from workforce.monitoring.projection import projection_build
    from workforce.standards import StandardError

    threshold = get_settings().suppression_threshold
    if not as_of_in_range(as_of):
        raise ValidationException(f"as_of must be a date from {AS_OF_EARLIEST} to {AS_OF_LATEST}")
    day = as_of or dt.date.today()
    try:
        rows = await projection_build(as_of=day, standard_id=standard or DEFAULT_STANDARD, threshold=threshold)
    except StandardError as exc:
        raise NotFoundException(str(exc)) from exc
    return Projection(
        standard=standard or DEFAULT_STANDARD,
        as_of=day,
        suppression_threshold=threshold,
        years=[
            ProjectionYear(
                label=r.label,
                judged_on=r.on,
                sencos=r.sencos,
                sencos_out_of_compliance=r.sencos_out,
                heads=r.heads,
                heads_out_of_compliance=r.heads_out,
            )
            for r in rows
        ],
    )


api_handlers = [
    api_summary,
    api_rules,
    api_breakdown,
    api_region,
    api_local_authority,
    api_trust,
    api_trends,
    api_scenario,
    api_projection,
]


# ---------------------------------------------------------------------------------------- OpenAPI at /schema


def _api_only(schema: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document of the JSON API alone (the app's HTML pages are not an API)."""
    document = dict(schema)
    document["paths"] = {path: item for path, item in schema.get("paths", {}).items() if path.startswith("/api/")}
    return document


class ApiJsonRenderPlugin(JsonRenderPlugin):
    """``/schema/openapi.json``: the OpenAPI document of ``/api/v1``."""

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        return super().render(request, _api_only(openapi_schema))


def _schema_text(schema: dict[str, Any]) -> str:
    """A parameter's schema in words: ``string (date), or null``, ``one of: a, b; default a``."""
    options = schema.get("oneOf") or schema.get("anyOf") or [schema]
    kinds = []
    for option in options:
        kind = option.get("type", "any")
        if option.get("format"):
            kind += f" ({option['format']})"
        if option.get("enum"):
            kind = "one of: " + ", ".join(str(v) for v in option["enum"])
        kinds.append(kind)
    text = ", or ".join(kinds)
    if "default" in schema:
        text += f"; default {schema['default']}"
    return text


class ApiDocsRenderPlugin(OpenAPIRenderPlugin):
    """``/schema``: the API reference as a GOV.UK page rendered on the server (no JavaScript, no CDN)."""

    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        from litestar.utils.scope.state import ScopeState

        document = _api_only(openapi_schema)
        operations = []
        for path, item in sorted(document["paths"].items()):
            for method, op in item.items():
                if not isinstance(op, dict) or "responses" not in op:
                    continue
                operations.append(
                    {
                        "method": method.upper(),
                        "path": path,
                        "summary": op.get("summary") or "",
                        "description": op.get("description") or "",
                        "parameters": [
                            {
                                "name": p.get("name"),
                                "where": p.get("in"),
                                "required": p.get("required", False),
                                "description": p.get("description") or "",
                                "schema": _schema_text(p.get("schema", {})),
                            }
                            for p in op.get("parameters", [])
                        ],
                        "responses": sorted(op.get("responses", {})),
                    }
                )
        token = ScopeState.from_scope(request.scope).csrf_token or ""
        template = request.app.template_engine.get_template("monitoring/api_docs.html")
        page = template.render(
            request=request,
            csrf_input=f'<input type="hidden" name="_csrf_token" value="{html.escape(token)}" />',
            info=document.get("info", {}),
            operations=operations,
            json_path=f"{SCHEMA_PATH}/openapi.json",
            personal_data=False,
        )
        return page.encode("utf-8")


def openapi_config() -> OpenAPIConfig:
    """Litestar's OpenAPI for the JSON API, served publicly at /schema (documentation holds no data)."""
    return OpenAPIConfig(
        title="SEND Workforce monitoring API",
        version="1.0.0",
        description=(
            "Aggregated, small-count-suppressed figures on England's SEND workforce for DfE analysts. "
            "Authenticate with `Authorization: Bearer <token>` (tokens from `workforce tokens create EMAIL` "
            "or the API tokens page). See docs/api.md for the figures and the suppression method."
        ),
        components=Components(
            security_schemes={
                BEARER_SCHEME: SecurityScheme(type="http", scheme="bearer", description="An API token (wfa_...)")
            }
        ),
        security=[{BEARER_SCHEME: []}],
        use_handler_docstrings=True,
        tags=[
            Tag(name="aggregates", description="National figures and breakdowns"),
            Tag(name="drill-down", description="Region, local authority and trust drill-down"),
            Tag(name="trends", description="Saved national evaluations over time"),
            Tag(name="scenarios", description="Candidate thresholds and the four-year projection"),
        ],
        render_plugins=[ApiDocsRenderPlugin(path="/"), ApiJsonRenderPlugin(path="/openapi.json")],
        openapi_router=Router(SCHEMA_PATH, route_handlers=[], include_in_schema=False, opt=dict(PUBLIC)),
    )

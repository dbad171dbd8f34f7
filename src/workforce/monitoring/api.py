"""The versioned JSON API for DfE analysts: ``/api/v1/...``, documented by OpenAPI at ``/schema``.

Every endpoint is a GET, authenticated by ``Authorization: Bearer <token>`` (``workforce tokens create EMAIL``
or the "API tokens" page); without a valid token the answer is 401 with a JSON body, never a page. It returns
the same suppressed aggregates as the pages and their downloads (``figures.py``); no endpoint names a person.
docs/api.md describes the endpoints, the figures and the suppression method.
"""

from __future__ import annotations

import datetime as dt
import html
import json
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
from workforce.monitoring.aggregates import DEFAULT_STANDARD, NATION, Report, report_get, trends
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


api_handlers = [api_summary, api_rules, api_breakdown, api_region, api_local_authority, api_trust, api_trends]


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
                                "schema": json.dumps(p.get("schema", {}), sort_keys=True),
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
        tags=[
            Tag(name="aggregates", description="National figures and breakdowns"),
            Tag(name="drill-down", description="Region, local authority and trust drill-down"),
            Tag(name="trends", description="Saved national evaluations over time"),
        ],
        render_plugins=[ApiDocsRenderPlugin(path="/"), ApiJsonRenderPlugin(path="/openapi.json")],
        openapi_router=Router(SCHEMA_PATH, route_handlers=[], include_in_schema=False, opt=dict(PUBLIC)),
    )

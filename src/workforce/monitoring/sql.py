"""Raw SQL for monitoring, written once for SQLite and PostgreSQL.

Queries use ``:name`` parameters; a tuple or list value expands to a comma-separated list (for ``IN``).
Piccolo's ``raw`` placeholders (``{}``) are produced here so the SQL text itself stays readable.
"""

from __future__ import annotations

import re
from typing import Any

from workforce.database import engine

_PARAM = re.compile(r":([a-z_][a-z0-9_]*)")


def compile_sql(sql: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
    args: list[Any] = []
    used: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in params:
            raise KeyError(f"SQL parameter :{name} has no value")
        used.add(name)
        value = params[name]
        if isinstance(value, (tuple, list, frozenset, set)):
            items = sorted(value) if isinstance(value, (set, frozenset)) else list(value)
            if not items:
                raise ValueError(f"SQL parameter :{name} is an empty list")
            args.extend(items)
            return ", ".join("{}" for _ in items)
        args.append(value)
        return "{}"

    if "{" in sql or "}" in sql:
        raise ValueError("braces are placeholders for the engine: pass literal values as :parameters")
    text = _PARAM.sub(replace, sql)
    unused = set(params) - used
    if unused:
        raise KeyError(f"SQL parameters not used: {', '.join(sorted(unused))}")
    return text, args


async def fetch(sql: str, **params: Any) -> list[dict[str, Any]]:
    """Run one read query on the configured engine and return its rows as dicts."""
    from piccolo.querystring import QueryString

    text, args = compile_sql(sql, params)
    db = engine()
    rows = await db.run_querystring(QueryString(text, *args))
    return [dict(row) for row in rows]

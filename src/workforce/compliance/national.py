"""The national staffing figures, kept in the database so pages do not aggregate the whole country each time.

A school's TA capacity rule compares the school with the national figure for its phase
(``facts.national_figures_gather``: two queries over every open school and every current employment in the
country: 0.3 s on PostgreSQL, several seconds on SQLite at national scale, on every school and trust page).
A national average does not move with one person's record, so pages read it from
``national_figures_summary``: one row per as-of date, recomputed when it is older than ``MAX_AGE`` (by the
first page that needs it; every app instance shares the row). Evaluations that are saved or certified
(snapshots, certificates, the API, the command line) still gather the figures afresh.
"""

from __future__ import annotations

import datetime as dt
import json

from workforce.compliance.facts import national_figures_gather
from workforce.compliance.tables import NationalFiguresSummary
from workforce.standards.facts import NationalFigures, PhasePupils, PhaseRoleFte

MAX_AGE = dt.timedelta(minutes=10)
KEEP = dt.timedelta(days=1)  # rows for other as-of dates are dropped once this old


def figures_to_json(figures: NationalFigures) -> str:
    return json.dumps(
        {
            "pupils": [[p.scope_group, p.phase, p.schools, p.pupils] for p in figures.pupils],
            "fte": [[f.scope_group, f.phase, f.role, f.fte] for f in figures.fte],
        },
        separators=(",", ":"),
    )


def figures_from_json(text: str | dict) -> NationalFigures:
    data = json.loads(text) if isinstance(text, str) else text
    return NationalFigures(
        pupils=tuple(PhasePupils(str(g), str(p), int(n), int(pupils)) for g, p, n, pupils in data["pupils"]),
        fte=tuple(PhaseRoleFte(str(g), str(p), str(role), float(fte)) for g, p, role, fte in data["fte"]),
    )


async def national_figures(*, as_of: dt.date, now: dt.datetime | None = None) -> NationalFigures:
    """The national figures for ``as_of``: the stored row while it is fresh, else gathered and stored."""
    now = now or dt.datetime.now(dt.UTC)
    row = (
        await NationalFiguresSummary.select(
            NationalFiguresSummary.figures, NationalFiguresSummary.computed_at
        )
        .where(NationalFiguresSummary.as_of == as_of)
        .first()
    )
    if row is not None and now - row["computed_at"] < MAX_AGE:
        return _decoded(as_of, row["computed_at"], row["figures"])
    return await national_figures_refresh(as_of=as_of, now=now)


_DECODED_KEPT = 8
_decoded_rows: dict[tuple, NationalFigures] = {}


def _decoded(as_of: dt.date, computed_at: dt.datetime, text: str | dict) -> NationalFigures:
    """The figures of a stored row, decoded once per row (as of date and time of computing) in this process:
    pages read the row on every request, and the same figures object keeps the pages' caches keyed on it."""
    key = (as_of, computed_at)
    figures = _decoded_rows.get(key)
    if figures is None:
        if len(_decoded_rows) >= _DECODED_KEPT:
            _decoded_rows.pop(next(iter(_decoded_rows)))
        figures = _decoded_rows[key] = figures_from_json(text)
    return figures


async def national_figures_refresh(*, as_of: dt.date, now: dt.datetime | None = None) -> NationalFigures:
    """Gather the national figures for ``as_of`` now and store them (replacing the stored row)."""
    now = now or dt.datetime.now(dt.UTC)
    figures = await national_figures_gather(as_of=as_of)
    await NationalFiguresSummary.delete().where(NationalFiguresSummary.computed_at < now - KEEP)
    await NationalFiguresSummary.insert(
        NationalFiguresSummary(as_of=as_of, figures=figures_to_json(figures), computed_at=now)
    ).on_conflict(
        target=NationalFiguresSummary.as_of,
        action="DO UPDATE",
        values=[NationalFiguresSummary.figures, NationalFiguresSummary.computed_at],
    )
    return figures

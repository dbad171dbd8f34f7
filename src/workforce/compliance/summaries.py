"""One stored row per school: the facts its page is judged on, so a school's page reads one row.

Gathering one school's facts takes a dozen queries (``facts.facts_gather``: its staff, their posts,
qualifications, CPD tallies, placements, governors, ...), most of a school page's time. The facts only change
when somebody changes a record, so the school page keeps them in ``school_summary`` (JSON, with the as-of
date they were gathered for) and re-judges them each time (the standards engine takes a millisecond or two
for a school; the standard and the national figures are applied afresh, so neither is ever stale here).

Fresh or stale is decided by a counter, never by age:

- every write that can change what a school's facts say calls ``records_changed`` in its own transaction
  (the staff, CPD, qualification and placement services, trust moves, the opt-in switch) with the people,
  schools or trusts it touched; that adds one to ``version`` for every school whose facts may include them
  (a person's facts appear on the page of every school where they have or had a post, and of every school of
  a trust where they hold a trust-level post). An applied import, which can touch anything, calls it with
  ``everywhere=True``: that adds one to the single ``school_summary_epoch`` row instead (one row, whatever
  the number of schools);
- the page reads ``version`` and the epoch before gathering and stores the facts with them
  (``facts_version``, ``facts_epoch``): a write that commits while the page gathers leaves them different, so
  the next page gathers again. Facts are used only when both match and the as-of date is the one asked for.

Storing is best effort: a page that cannot take the write lock at once (SQLite while an import runs) shows
what it gathered and leaves the row for the next page. See docs/performance.md ("School and trust pages").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import logging
import sqlite3
import typing
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from piccolo.querystring import QueryString

from workforce.compliance.facts import facts_gather
from workforce.database import engine
from workforce.db import is_postgres
from workforce.standards.facts import (
    CpdTally,
    ExemptionFacts,
    Facts,
    GovernorFacts,
    NationalFigures,
    PersonFacts,
    PlacementFacts,
    PostFacts,
    QualificationFacts,
    SchoolFacts,
    TrustFacts,
)

log = logging.getLogger(__name__)

CODEC_VERSION = 1  # stored in the JSON: rows written by another layout are gathered again, never misread
STORE_WAIT_S = 0.2  # how long a page waits for SQLite's write lock to store a row before giving up
PARTS: dict[str, type] = {
    "schools": SchoolFacts,
    "trusts": TrustFacts,
    "people": PersonFacts,
    "posts": PostFacts,
    "qualifications": QualificationFacts,
    "exemptions": ExemptionFacts,
    "cpd": CpdTally,
    "placements": PlacementFacts,
    "governors": GovernorFacts,
}


# ---------------------------------------------------------------- facts as JSON


@functools.cache
def _date_positions(cls: type) -> tuple[int, ...]:
    """Which fields of a facts class hold dates (``dt.date`` or ``dt.date | None``)."""
    hints = typing.get_type_hints(cls)
    positions = []
    for position, f in enumerate(dataclasses.fields(cls)):
        hint = hints[f.name]
        if hint is dt.date or dt.date in typing.get_args(hint):
            positions.append(position)
    return tuple(positions)


def _encode(item: Any) -> list[Any]:
    values = [getattr(item, f.name) for f in dataclasses.fields(item)]
    for position in _date_positions(type(item)):
        if values[position] is not None:
            values[position] = values[position].isoformat()
    return values


def _decode(cls: type, values: list[Any]) -> Any:
    for position in _date_positions(cls):
        if values[position] is not None:
            values[position] = dt.date.fromisoformat(values[position])
    return cls(*values)


def facts_to_json(facts: Facts) -> str:
    """A school's facts as compact JSON (each fact a list of its fields in declaration order; the national
    figures are left out: they are read afresh for every page)."""
    data: dict[str, Any] = {"codec": CODEC_VERSION}
    for name in PARTS:
        data[name] = [_encode(item) for item in getattr(facts, name)]
    data["evaluate_trusts"] = facts.evaluate_trusts
    data["as_of"] = facts.as_of.isoformat() if facts.as_of else None
    return json.dumps(data, separators=(",", ":"))


def facts_from_json(text: str, *, national: NationalFigures) -> Facts | None:
    """The facts ``facts_to_json`` wrote, with these national figures (None for another codec's layout)."""
    data = json.loads(text)
    if data.get("codec") != CODEC_VERSION:
        return None
    parts = {name: tuple(_decode(cls, values) for values in data[name]) for name, cls in PARTS.items()}
    as_of = dt.date.fromisoformat(data["as_of"]) if data["as_of"] else None
    return Facts(**parts, national=national, evaluate_trusts=data["evaluate_trusts"], as_of=as_of)


# ---------------------------------------------------------------- the page's read


@dataclass(frozen=True)
class SummaryState:
    """A school's stored summary as read at the start of a page: which state of the records it is at
    (``version``, ``epoch``) and, when they are current for the as-of date asked for, the stored facts."""

    school_id: int
    version: int
    epoch: int
    facts_json: str | None
    computed_at: Any = None  # when the stored facts were gathered (None when they are not current)

    @property
    def stored_key(self) -> tuple | None:
        """What identifies the stored facts (None when they are not current): a database emptied and loaded
        again starts versions at 0 again, but never stores facts at the same instant."""
        if self.facts_json is None:
            return None
        return (self.school_id, self.version, self.epoch, str(self.computed_at))


async def school_summary_state(*, urn: int, as_of: dt.date) -> SummaryState | None:
    """The school's summary row (one statement; None for an unknown URN)."""
    rows = await engine().run_querystring(
        QueryString(
            "SELECT s.id AS school, ss.version AS version, ss.facts_version AS facts_version, "
            "ss.facts_epoch AS facts_epoch, ss.as_of AS as_of, ss.facts AS facts, ss.computed_at AS computed_at, "
            "(SELECT MAX(e.value) FROM school_summary_epoch e) AS epoch "
            "FROM school s LEFT JOIN school_summary ss ON ss.school = s.id WHERE s.urn = {}",
            int(urn),
        )
    )
    if not rows:
        return None
    row = rows[0]
    version, epoch = row["version"] or 0, row["epoch"] or 0
    current = (row["facts_version"], row["facts_epoch"]) == (version, epoch) and _same_date(
        row["as_of"], as_of
    )
    if not current:
        return SummaryState(row["school"], version, epoch, None)
    return SummaryState(row["school"], version, epoch, row["facts"], row["computed_at"])


async def school_facts(
    *, urn: int, as_of: dt.date, national: NationalFigures, state: SummaryState | None = None
) -> Facts:
    """One school's facts on ``as_of``: its stored row when current, else gathered (and stored).

    ``state``: the summary as already read by the caller (``school_summary_state``), to read it only once.
    Raises ``facts.ScopeError`` for an unknown URN, as ``facts_gather`` does.
    """
    if state is None:
        state = await school_summary_state(urn=urn, as_of=as_of)
    if state is not None and state.facts_json is not None:
        facts = facts_from_json(state.facts_json, national=national)
        if facts is not None:
            return facts
    facts = await facts_gather(as_of=as_of, school_urns=[urn], national=national)
    if state is not None:  # an unknown URN has raised ScopeError above
        await _store(
            school_id=state.school_id,
            version=state.version,
            epoch=state.epoch,
            as_of=as_of,
            text=facts_to_json(facts),
        )
    return facts


def _same_date(stored: Any, as_of: dt.date) -> bool:
    return stored == as_of or stored == as_of.isoformat()


_STORE_SQL = (
    "INSERT INTO school_summary (school, version, facts_version, facts_epoch, as_of, facts, computed_at) "
    "VALUES ({}, {}, {}, {}, {}, {}, {}) ON CONFLICT (school) DO UPDATE SET "
    "facts_version = excluded.facts_version, facts_epoch = excluded.facts_epoch, as_of = excluded.as_of, "
    "facts = excluded.facts, computed_at = excluded.computed_at"
)


async def _store(*, school_id: int, version: int, epoch: int, as_of: dt.date, text: str) -> None:
    """Keep the facts gathered with the version and epoch read before gathering them (best effort: see the
    module)."""
    now = dt.datetime.now(dt.UTC)
    statement = QueryString(_STORE_SQL, school_id, version, version, epoch, as_of, text, now)
    db = engine()
    if is_postgres(db):
        await db.run_querystring(statement)
        return
    import aiosqlite

    sql, args = statement.compile_string(engine_type="sqlite")
    options = {**db.connection_kwargs, "timeout": STORE_WAIT_S}
    try:
        async with aiosqlite.connect(**options) as connection:
            await connection.execute(sql, args)
            await connection.commit()
    except sqlite3.OperationalError as exc:  # the write lock is held (an import): the next page stores it
        log.info("school summary for school %s not stored: %s", school_id, exc)


# ---------------------------------------------------------------- writes


async def records_changed(
    *,
    staff_ids: Iterable[int] = (),
    school_ids: Iterable[int] = (),
    trust_ids: Iterable[int] = (),
    everywhere: bool = False,
) -> None:
    """Mark the stored facts of every school these people, schools or trusts appear in as out of date.

    Call it in the transaction of the change (after the change, with the ids of the rows as they were before
    it too when a post moves or is removed). ``everywhere``: every school (after an import: one row written).
    """
    db = engine()
    # Rows are taken in one order (by id), so two changes at the same schools never wait for each other in turn.
    upsert = (
        "INSERT INTO school_summary (school, version, facts_version) SELECT id, 1, 0 FROM school WHERE {} "
        "ORDER BY id ON CONFLICT (school) DO UPDATE SET version = school_summary.version + 1"
    )
    if everywhere:
        await db.run_querystring(
            QueryString(
                "INSERT INTO school_summary_epoch (id, value) VALUES (1, 1) "
                "ON CONFLICT (id) DO UPDATE SET value = school_summary_epoch.value + 1"
            )
        )
        return
    staff = sorted({int(i) for i in staff_ids})
    schools = sorted({int(i) for i in school_ids})
    trusts = sorted({int(i) for i in trust_ids})
    if not (staff or schools or trusts):
        return
    ors = []
    if staff:
        people = ", ".join(str(i) for i in staff)
        ors.append(f"id IN (SELECT e.school FROM employment e WHERE e.staff IN ({people}))")
        ors.append(
            "id IN (SELECT tm.school FROM trust_membership tm WHERE tm.trust IN "
            f"(SELECT e.trust FROM employment e WHERE e.staff IN ({people}) AND e.school IS NULL))"
        )
    if schools:
        ors.append(f"id IN ({', '.join(str(i) for i in schools)})")
    if trusts:
        ors.append(
            f"id IN (SELECT tm.school FROM trust_membership tm WHERE tm.trust IN ({', '.join(str(i) for i in trusts)}))"
        )
    await db.run_querystring(QueryString(upsert.replace("{}", " OR ".join(ors))))

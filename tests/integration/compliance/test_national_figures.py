"""The national figures a page reads are stored once per as-of date and recomputed when older than MAX_AGE."""

from __future__ import annotations

import datetime as dt

from compliance_data import D, add_post, add_staff

from workforce.compliance import national
from workforce.compliance.facts import facts_gather, national_figures_gather
from workforce.compliance.national import MAX_AGE, figures_from_json, figures_to_json, national_figures
from workforce.compliance.tables import NationalFiguresSummary

AS_OF = D(2026, 11, 23)
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


async def test_the_figures_survive_the_round_trip_through_json(dataset):
    figures = await national_figures_gather(as_of=AS_OF)
    assert figures.pupils and figures.fte
    assert figures_from_json(figures_to_json(figures)) == figures


async def test_a_page_reads_the_stored_row_while_it_is_fresh(dataset, monkeypatch):
    gathered = []
    original = national.national_figures_gather

    async def counting(*, as_of):
        gathered.append(as_of)
        return await original(as_of=as_of)

    monkeypatch.setattr(national, "national_figures_gather", counting)
    first = await national_figures(as_of=AS_OF, now=NOW)
    assert gathered == [AS_OF]
    assert await NationalFiguresSummary.count() == 1

    # a new TA changes the national figure, but not before the stored row is MAX_AGE old
    newcomer = await add_staff("NEW-TA", "New", "Assistant", "Ms")
    await add_post(newcomer, "ta", D(2024, 9, 1), school=dataset.schools["oak"], fte=1.0)
    fresh = await national_figures(as_of=AS_OF, now=NOW + MAX_AGE - dt.timedelta(seconds=1))
    assert fresh == first
    assert gathered == [AS_OF]

    again = await national_figures(as_of=AS_OF, now=NOW + MAX_AGE - dt.timedelta(seconds=1))
    assert again is fresh  # the stored row is decoded once per row in this process

    later = await national_figures(as_of=AS_OF, now=NOW + MAX_AGE)
    assert gathered == [AS_OF, AS_OF]
    assert later == await national_figures_gather(as_of=AS_OF)
    assert later != first
    assert await NationalFiguresSummary.count() == 1  # replaced, not added
    # the replaced row (computed later) is read and decoded, not the first row's figures kept from before
    stored = await national_figures(as_of=AS_OF, now=NOW + MAX_AGE + dt.timedelta(seconds=1))
    assert stored == later and stored != first


async def test_each_as_of_date_has_its_own_row(dataset):
    now = dt.datetime.now(dt.UTC)
    this_year = await national_figures(as_of=AS_OF, now=now)
    long_ago = await national_figures(as_of=D(2010, 1, 1), now=now)
    assert this_year != long_ago
    assert long_ago == await national_figures_gather(as_of=D(2010, 1, 1))
    assert await NationalFiguresSummary.count() == 2


async def test_an_evaluation_with_stored_figures_is_the_evaluation_with_fresh_ones(dataset):
    stored = await national_figures(as_of=AS_OF)
    assert await facts_gather(as_of=AS_OF, school_urns=[100001], national=stored) == await facts_gather(
        as_of=AS_OF, school_urns=[100001]
    )

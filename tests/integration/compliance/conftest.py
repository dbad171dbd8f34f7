"""Fixtures for the compliance tests: a small hand-built data set and a query counter."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from compliance_data import (
    D,
    add_cpd,
    add_exemption,
    add_governor,
    add_membership,
    add_placement,
    add_post,
    add_qualification,
    add_school,
    add_staff,
    add_trust,
)
from workforce import database


@dataclass
class Dataset:
    trusts: dict = field(default_factory=dict)
    schools: dict = field(default_factory=dict)
    staff: dict = field(default_factory=dict)


@pytest.fixture
async def dataset() -> Dataset:
    """Three trusts, seven establishments (one closed, one independent) and nine people.

    - Ash Academy (100002) left Old Trust (TR03) for Oak Learning Trust (TR01) on 1 September 2024;
    - Ms A Khan is SENCO of both Oak Academy and Ash Academy;
    - Mr B Jones was SENCO at Closed Primary (100006) before moving to Birch Primary (100004);
    - Mrs C Lee (TA, 0.6 FTE) has SEND CPD this year, last year, years ago, non-SEND CPD and a future record;
    - Dr D Patel is a trust-level senior leader of TR01 with a NASENCO award.
    """
    data = Dataset()
    t = data.trusts
    t["oak"] = await add_trust("TR01", "Oak Learning Trust", "MAT")
    t["elm"] = await add_trust("TR02", "Elm Academy Trust", "SAT")
    t["old"] = await add_trust("TR03", "Old Trust", "MAT")
    s = data.schools
    s["oak"] = await add_school(100001, "Oak Academy", "mainstream-academy", number_of_pupils=400, sen_support_pupils=60, ehc_plan_pupils=15)
    s["ash"] = await add_school(100002, "Ash Academy", "mainstream-academy", number_of_pupils=300)
    s["elm"] = await add_school(100003, "Elm Academy", "mainstream-academy", number_of_pupils=200)
    s["birch"] = await add_school(100004, "Birch Primary", number_of_pupils=250, sen_support_pupils=30, ehc_plan_pupils=5)
    s["beech"] = await add_school(100005, "Beech Special", "special", phase="Not applicable", number_of_pupils=80, sen_unit=True)
    s["closed"] = await add_school(100006, "Closed Primary", number_of_pupils=100, status_code=2)
    s["lime"] = await add_school(100007, "Lime Independent", "out-of-scope", number_of_pupils=150)
    await add_membership(t["oak"], s["oak"], D(2018, 9, 1))
    await add_membership(t["old"], s["ash"], D(2015, 9, 1), D(2024, 9, 1))
    await add_membership(t["oak"], s["ash"], D(2024, 9, 1))
    await add_membership(t["elm"], s["elm"], D(2019, 9, 1))
    await add_membership(t["oak"], s["beech"], D(2020, 9, 1))

    p = data.staff
    p["khan"] = await add_staff("S1", "Aisha", "Khan", "Ms", qts=True, trn="1234567")
    await add_post(p["khan"], "senco", D(2023, 1, 3), school=s["oak"], fte=0.5, senco_fte=0.4)
    await add_post(p["khan"], "senco", D(2023, 1, 3), school=s["ash"], fte=0.5)
    await add_qualification(p["khan"], "npq-senco", "in-progress", D(2024, 10, 1))

    p["jones"] = await add_staff("S2", "Ben", "Jones", "Mr", qts=True)
    await add_post(p["jones"], "senco", D(2020, 9, 1), school=s["closed"], end_date=D(2023, 8, 31))
    await add_post(p["jones"], "senco", D(2023, 9, 1), school=s["birch"])

    p["lee"] = await add_staff("S3", "Carol", "Lee", "Mrs")
    await add_post(p["lee"], "ta", D(2019, 1, 7), school=s["oak"], fte=0.6)
    await add_cpd(p["lee"], D(2026, 10, 1), 2.0)
    await add_cpd(p["lee"], D(2026, 10, 2), 0.5, status="self-reported")
    await add_cpd(p["lee"], D(2025, 11, 1), 1.5, status="self-reported")
    await add_cpd(p["lee"], D(2024, 5, 1), 3.0)
    await add_cpd(p["lee"], D(2026, 10, 5), 1.0, is_send=False, title="Fire safety")
    await add_cpd(p["lee"], D(2027, 1, 10), 1.0)

    p["patel"] = await add_staff("S4", "Dev", "Patel", "Dr", qts=True)
    await add_post(p["patel"], "trust-leader", D(2021, 1, 1), trust=t["oak"], senior_leader=True)
    await add_qualification(p["patel"], "nasenco", "passed", D(2010, 9, 1), D(2012, 7, 1))

    p["stone"] = await add_staff("S5", "Eve", "Stone", "Miss", qts=True)
    await add_post(p["stone"], "teacher", D(2025, 9, 1), school=s["oak"], sensory_class="hearing", sensory_class_since=D(2025, 9, 1))
    await add_placement(p["stone"], "ITT", 100005, D(2024, 1, 8), D(2024, 3, 22), 50)

    p["old"] = await add_staff("S6", "Frank", "Old", "Mr")
    await add_post(p["old"], "teacher", D(2010, 9, 1), school=s["closed"])

    p["gone"] = await add_staff("S7", "Gina", "Gone", "Ms")
    await add_post(p["gone"], "teacher", D(2015, 9, 1), school=s["oak"], end_date=D(2020, 8, 31))

    p["head"] = await add_staff("S8", "Harry", "Head", "Mr", qts=True)
    await add_post(p["head"], "headteacher", D(2026, 9, 1), school=s["birch"], senior_leader=True)

    p["iris"] = await add_staff("S9", "Iris", "Veteran", "Mrs", qts=True)
    await add_post(p["iris"], "senco", D(2008, 1, 1), school=s["elm"])
    await add_exemption(p["iris"], D(2008, 1, 1), D(2009, 8, 31))

    await add_governor("Dr R Patel", school=s["birch"], send_responsibility=True, start_date=D(2022, 1, 1))
    await add_governor("Mr T Green", school=s["birch"], end_date=D(2025, 7, 31), send_responsibility=True)
    await add_governor("Mrs L Brown", trust=t["oak"], role="trustee", send_responsibility=True, send_expertise="Parent")
    await add_governor("Mr Q Future", school=s["oak"], start_date=D(2027, 1, 1), send_responsibility=True)
    return data


class QueryCounter:
    """Counts the statements sent through the engine (every Piccolo query goes through run_querystring)."""

    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()


@pytest.fixture
def query_counter(monkeypatch) -> QueryCounter:
    # The engine classes use __slots__, so the method is wrapped on the class (undone after the test).
    engine_class = type(database.engine())
    original = engine_class.run_querystring
    counter = QueryCounter()

    async def counted(self, querystring, *args, **kwargs):
        counter.statements.append(str(querystring)[:200])
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(engine_class, "run_querystring", counted)
    return counter

"""The national generator without a database: deterministic output and national proportions."""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import itertools
from dataclasses import dataclass

import pytest

from workforce.seeding.national import (
    PHASES,
    NationalPlan,
    Part,
    local_authorities,
)


def _parts(plan: NationalPlan, count: int) -> list[Part]:
    return list(itertools.islice(plan.parts(staff_rows_per_part=2_000), count))


def _rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


@pytest.fixture(scope="module")
def england() -> NationalPlan:
    return NationalPlan(scale=1.0, seed=42)


@dataclass
class PartFiles:
    staff: list[dict[str, str]]
    qualifications: list[dict[str, str]]
    cpd: list[dict[str, str]]
    placements: list[dict[str, str]]


@pytest.fixture(scope="module")
def staffed() -> tuple[NationalPlan, list[PartFiles]]:
    """A 5% country (about 55,000 staff), its files made part by part as the seed command makes them."""
    plan = NationalPlan(scale=0.05, seed=7)
    parts = []
    for part in plan.parts():
        parts.append(
            PartFiles(
                _rows(part.staff_csv()),
                _rows(part.qualifications_csv()),
                _rows(part.cpd_csv()),
                _rows(part.placements_csv()),
            )
        )
        part.mark_emitted()
    return plan, parts


def test_the_same_seed_gives_the_same_files_and_another_seed_does_not():
    first, again, other = (NationalPlan(scale=0.01, seed=s) for s in (42, 42, 43))
    assert first.gias_csv() == again.gias_csv()
    assert first.governance_csv() == again.governance_csv()
    for a, b in zip(_parts(first, 3), _parts(again, 3), strict=True):
        assert a.staff_csv() == b.staff_csv()
        assert a.qualifications_csv() == b.qualifications_csv()
        assert a.cpd_csv() == b.cpd_csv()
        assert a.placements_csv() == b.placements_csv()
    assert first.gias_csv() != other.gias_csv()
    assert _parts(first, 2)[1].staff_csv() != _parts(other, 2)[1].staff_csv()


def test_dates_come_from_the_reference_date_not_from_today():
    early = NationalPlan(scale=0.01, seed=42, reference_date=dt.date(2025, 3, 1))
    staff = _rows(_parts(early, 2)[1].staff_csv())
    assert max(row["start_date"] for row in staff) <= "2025-03-01"
    cpd = _rows(_parts(early, 2)[1].cpd_csv())
    assert cpd and max(row["date"] for row in cpd) <= "2025-03-03"  # a weekend day moves to the Monday


def test_england_has_the_national_numbers_of_schools_regions_and_authorities(england):
    open_schools = england.open_schools
    assert 21_000 <= len(open_schools) <= 22_200
    by_phase = collections.Counter(s.phase.key for s in open_schools)
    for phase in PHASES:
        assert by_phase[phase.key] == phase.schools
    assert {s.la.region_code for s in open_schools} == {"A", "B", "D", "E", "F", "G", "H", "J", "K"}
    assert len({s.la.code for s in open_schools}) >= 150
    assert len(local_authorities()) == 153
    assert len({s.urn for s in england.schools}) == len(england.schools)
    assert all(100_000 <= s.urn <= 999_999 for s in england.schools)
    closed = [s for s in england.schools if s.status_code == 2]
    assert 50 <= len(closed) <= 200 and all(s.trust is None for s in closed)


def test_england_has_realistic_trusts(england):
    kinds = collections.Counter(t.trust_type for t in england.trusts)
    assert kinds["MAT"] == 1_320
    assert kinds["SAT"] == 1_000
    assert 2_300 <= len(england.trusts) <= 2_700
    sizes = [len(t.schools) for t in england.trusts if t.trust_type == "MAT"]
    assert 6.5 <= sum(sizes) / len(sizes) <= 8.5
    assert max(sizes) == 90
    assert sum(2 <= n <= 9 for n in sizes) / len(sizes) == pytest.approx(0.75, abs=0.02)
    academies = [s for s in england.schools if s.academy]
    assert 9_800 <= len(academies) <= 11_600
    assert all(s.trust is not None and s.trust.trust_type in ("MAT", "SAT") for s in academies)
    assert all(s.phase.key == "16-19" or not s.academy or s.trust for s in england.schools)
    assert len({t.uid for t in england.trusts}) == len(england.trusts)


def test_england_has_the_national_pupil_and_sen_proportions(england):
    schools = england.open_schools
    pupils = sum(s.pupils for s in schools)
    assert 8_300_000 <= pupils <= 9_500_000
    ehc = sum(s.ehc for s in schools) / pupils
    support = sum(s.sen_support for s in schools) / pupils
    assert ehc == pytest.approx(0.053, abs=0.008)
    assert support == pytest.approx(0.142, abs=0.015)
    special = [s for s in schools if s.phase.key == "special"]
    assert sum(s.ehc for s in special) / sum(s.pupils for s in special) > 0.9
    mainstream = [s for s in schools if s.phase.key in ("primary", "secondary")]
    assert sum(s.resourced_provision for s in mainstream) == pytest.approx(1_217, rel=0.1)
    assert sum(s.sen_unit for s in mainstream) == pytest.approx(449, rel=0.15)


def test_staff_proportions_follow_the_national_workforce(staffed):
    plan, parts = staffed
    fte: collections.Counter = collections.Counter()
    heads: collections.Counter = collections.Counter()
    people = set()
    rows = cpd = 0
    for part in parts:
        for row in part.staff:
            rows += 1
            people.add(row["staff_id"])
            if row["end_date"]:
                continue
            fte[row["role"]] += float(row["fte"])
            heads[row["role"]] += 1
        cpd += len(part.cpd)
    scale = plan.scale
    teacher_fte = sum(fte[r] for r in ("teacher", "headteacher", "deputy-head", "assistant-head"))
    # Nov 2024: teachers 468,258 FTE, TAs 288,812 FTE (401,892 headcount); about 1.1 million staff records
    assert teacher_fte / scale == pytest.approx(468_258, rel=0.12)
    assert fte["ta"] / scale == pytest.approx(288_812, rel=0.15)
    assert heads["ta"] / scale == pytest.approx(401_892, rel=0.15)
    assert rows / scale == pytest.approx(1_100_000, rel=0.12)
    assert len(people) / scale == pytest.approx(1_090_000, rel=0.12)
    assert 3_000_000 <= cpd / scale <= 6_000_000
    open_schools = len(plan.open_schools)
    assert heads["headteacher"] == open_schools
    assert 0.8 <= heads["senco"] / open_schools <= 1.0


def test_pupil_teacher_ratios_by_phase(staffed):
    plan, parts = staffed
    by_urn = {s.urn: s for s in plan.schools}
    teacher_fte: collections.Counter = collections.Counter()
    teaching = {"teacher", "headteacher", "deputy-head", "assistant-head"}
    for part in parts:
        for row in part.staff:
            if row["school_urn"] and not row["end_date"] and row["role"] in teaching:
                teacher_fte[by_urn[int(row["school_urn"])].phase.key] += float(row["fte"])
    pupils = collections.Counter()
    for school in plan.open_schools:
        pupils[school.phase.key] += school.pupils
    # STANDARDS.md: pupil-teacher ratio primary 20.8, secondary 16.7, special 6.6
    assert pupils["primary"] / teacher_fte["primary"] == pytest.approx(20.8, rel=0.15)
    assert pupils["secondary"] / teacher_fte["secondary"] == pytest.approx(16.7, rel=0.15)
    assert pupils["special"] / teacher_fte["special"] == pytest.approx(6.6, rel=0.2)


def test_qualifications_and_training_are_plausible(staffed):
    plan, parts = staffed
    quals = collections.Counter()
    npq_starts_2024 = 0
    cpd_send = cpd_total = placements = 0
    for part in parts:
        for row in part.qualifications:
            quals[row["qualification"]] += 1
            if row["qualification"] == "npq-senco" and "2024-09-01" <= row["start_date"] <= "2025-08-31":
                npq_starts_2024 += 1
            if row["status"] == "passed":
                assert row["award_date"], row
        for row in part.cpd:
            cpd_total += 1
            cpd_send += row["send"] == "yes"
        placements += len(part.placements)
    assert {"npq-senco", "nasenco", "npq-headship", "mq-hearing"} <= set(quals)
    # NPQ for SENCOs: 10,537 starts in 2024/25 (SENCOs and aspiring SENCOs)
    assert npq_starts_2024 / plan.scale == pytest.approx(10_537, rel=0.35)
    assert 0.7 <= cpd_send / cpd_total <= 0.95
    assert placements > 0


def test_scale_is_checked():
    with pytest.raises(ValueError):
        NationalPlan(scale=0, seed=1)

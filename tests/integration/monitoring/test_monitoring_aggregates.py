"""Aggregates against the hand-built data set (monitoring_dataset.py), on both engines."""

from __future__ import annotations

import datetime as dt

import pytest
from monitoring_dataset import AS_OF, NOW, Builder, build_dataset, snapshot

from workforce.database import engine
from workforce.monitoring.aggregates import NATION, build_report, report_build, school_rows
from workforce.monitoring.figures import breakdown_table, rules_table, to_csv, to_json

EXPECTED_SCHOOLS = {
    # urn: (pupils, sen, sencos, senco_fte, tas, ta_fte, staff, cpd, sencos_q, heads, heads_q, ects, ects_spec)
    100001: (200, 25, 1, 0.5, 6, 3.0, 14, 10, 1, 1, 0, 2, 1),
    100002: (1000, 120, 1, 1.0, 10, 10.0, 30, 27, 0, 1, 1, 3, 0),
    100003: (100, 100, 0, 0.0, 12, 9.6, 18, 18, 0, 1, 1, 0, 0),
    100004: (400, 50, 1, 0.6, 4, 4.0, 14, 7, 1, 1, 0, 1, 1),
    100007: (300, 30, 0, 0.0, 2, 1.0, 5, 2, 0, 1, 0, 0, 0),
}
COLUMNS = (
    "pupils", "sen_pupils", "sencos", "senco_fte", "tas", "ta_fte", "staff", "staff_send_cpd",
    "sencos_qualified", "heads", "heads_send_qualified", "ects", "ects_specialist",
)


async def test_per_school_figures_are_exact(dataset):
    rows, snap, rules = await school_rows(as_of=AS_OF)
    assert snap is None and rules == []
    got = {r.urn: tuple(round(r.counts[c], 6) for c in COLUMNS) for r in rows}
    assert got == EXPECTED_SCHOOLS  # closed S5 and independent S6 are left out
    by_urn = {r.urn: r for r in rows}
    assert (by_urn[100001].trust_uid, by_urn[100004].trust_uid, by_urn[100007].trust_uid) == ("5001", "5002", None)
    assert [by_urn[u].school_type for u in sorted(by_urn)] == [
        "mainstream", "resourced-provision", "special", "mainstream", "mainstream",
    ]


async def test_employment_and_cpd_dates_follow_the_as_of_date(dataset):
    # A day after the leaver's last day and before the starter's first: same as the main figures.
    rows, _, _ = await school_rows(as_of=dt.date(2026, 2, 1))
    assert {r.urn: r.counts["staff"] for r in rows}[100001] == 14
    # On 1 April 2026 the TA who starts that day counts; the teacher who left in January still does not.
    rows, _, _ = await school_rows(as_of=dt.date(2026, 4, 1))
    assert {r.urn: r.counts["staff"] for r in rows}[100001] == 15
    # In a new academic year nobody has SEND CPD yet (every record is from 2025/26 or earlier).
    rows, _, _ = await school_rows(as_of=dt.date(2026, 9, 1))
    assert sum(r.counts["staff_send_cpd"] for r in rows) == 0
    # On 1 May 2026 the three S2 teachers' May CPD counts.
    rows, _, _ = await school_rows(as_of=dt.date(2026, 5, 1))
    assert {r.urn: r.counts["staff_send_cpd"] for r in rows}[100002] == 30


async def test_national_totals_without_suppression(dataset):
    report = await report_build(as_of=AS_OF, threshold=1)
    nation = report.values[NATION]
    assert nation["schools"] == 5 and nation["pupils"] == 2000 and nation["sen_pupils"] == 325
    assert nation["staff"] == 81 and nation["staff_send_cpd"] == 64
    assert round(nation["senco_fte"], 6) == 2.1 and round(nation["ta_fte"], 6) == 27.6
    assert (nation["sencos"], nation["sencos_qualified"], nation["heads"], nation["heads_send_qualified"]) == (3, 2, 5, 2)
    assert (nation["ects"], nation["ects_specialist"]) == (6, 2)
    assert round(report.ratio(NATION, "senco_fte", "sen_pupils"), 6) == round(2.1 * 100 / 325, 6)
    assert report.values[("region", "A")]["staff"] == 62
    assert report.values[("la", "391")]["staff"] == 44
    assert report.values[("trust", "5001")]["staff"] == 44
    assert report.values[("trust", "")]["staff"] == 23  # S3 and S7 are not in a trust on the as-of date
    assert report.values[("phase", "Primary")]["staff"] == 33
    assert report.values[("type", "special")]["staff"] == 18


async def test_training_by_region_is_suppressed_exactly(dataset):
    report = await report_build(as_of=AS_OF, threshold=5)
    csv_text = to_csv(breakdown_table(report, "training", "region"))
    assert csv_text.splitlines() == [
        "kind,code,name,staff,staff_send_cpd,staff_send_cpd_pct,sencos,sencos_qualified,sencos_qualified_pct,"
        "heads,heads_send_qualified,heads_send_qualified_pct,ects,ects_specialist,ects_specialist_pct",
        # London: 9 of 19 with CPD is hidden as a secondary (London is Camden, whose S7 has 2 of 5)
        "region,H,London,19,c,c,c,c,c,c,c,c,c,c,c",
        "region,A,North East,62,c,c,c,c,c,c,c,c,c,c,c",
        "total,E92000001,England,81,64,79.0,c,c,c,5,c,c,6,c,c",
    ]


async def test_workforce_by_region_shows_ta_ratios_and_hides_senco_time(dataset):
    report = await report_build(as_of=AS_OF, threshold=5)
    table = to_json(breakdown_table(report, "workforce", "region"), report)
    rows = {r["code"]: r for r in [*table["rows"], table["total"]]}
    assert rows["A"]["values"] == {
        "schools": 3, "pupils": 1300, "sen_pupils": 245, "senco_fte": None, "senco_fte_per_100_pupils": None,
        "senco_fte_per_100_sen": None, "ta_fte": 22.6, "ta_fte_per_100_pupils": 1.738, "ta_fte_per_100_sen": 9.224,
    }
    assert rows["A"]["suppressed"] == ["senco_fte", "senco_fte_per_100_pupils", "senco_fte_per_100_sen"]
    assert rows["H"]["values"]["ta_fte"] == 5.0 and rows["H"]["values"]["ta_fte_per_100_sen"] == 6.25
    assert rows["E92000001"]["values"]["ta_fte_per_100_pupils"] == 1.38
    assert rows["E92000001"]["values"]["ta_fte_per_100_sen"] == 8.492
    assert rows["E92000001"]["suppressed"] == ["senco_fte", "senco_fte_per_100_pupils", "senco_fte_per_100_sen"]
    assert table["suppression_threshold"] == 5


async def test_drill_down_to_schools_hides_the_same_cells_everywhere(dataset):
    report = await report_build(as_of=AS_OF, threshold=5)
    camden = breakdown_table(report, "workforce", "school", ("la", "202"))
    assert [r.label for r in camden.rows] == ["S4 School (100004)", "S7 School (100007)"]
    # S4 has 4 TAs and S7 2: both hidden; Camden's 6 TAs are shown.
    assert [r.cells["ta_fte"].suppressed for r in camden.all_rows] == [True, True, False]
    # S4 is the only school of Camden Trust on the as-of date: the trust hides what S4 hides.
    trust = breakdown_table(report, "workforce", "trust")
    by_code = {r.key[1]: r for r in trust.rows}
    assert by_code["5002"].cells["ta_fte"].suppressed
    # "Not in a trust" (S3 12 TAs + S7 2 TAs) is hidden as the secondary of Camden Trust.
    assert by_code[""].cells["ta_fte"].suppressed and not by_code["5001"].cells["ta_fte"].suppressed
    training = breakdown_table(report, "training", "school", ("la", "391"))
    # S1: 10 of 14 (4 without), S2: 27 of 30 (3 without): both hidden by the complement rule.
    assert [r.cells["staff_send_cpd"].suppressed for r in training.rows] == [True, True]
    # LA 391 = Riverside Trust (the same two schools): hidden as a secondary, so hidden in the trust table too.
    assert training.total.cells["staff_send_cpd"].suppressed
    assert {r.key[1]: r.cells["staff_send_cpd"].suppressed for r in breakdown_table(report, "training", "trust").rows}[
        "5001"
    ]
    # No partition anywhere has exactly one hidden figure (checked on every table the report publishes).
    for (table, parent), rows in report.children.items():
        for column, hidden in report.hidden.items():
            members = [*rows, parent]
            idents = {frozenset(_schools_of(report, m)) for m in members if m in hidden}
            if len(rows) > 1:
                assert len(idents) != 1 or _single_figure(report, rows, parent, hidden), (table, parent, column)


def _schools_of(report, key):
    return {r.urn for r in report.schools if _in(report, r, key)}


def _in(report, row, key):
    kind, code = key
    return {
        "nation": True,
        "region": row.region_code == code,
        "la": row.la_code == code,
        "phase": row.phase == code,
        "type": row.school_type == code,
        "trust": (row.trust_uid or "") == code,
        "school": str(row.urn) == code,
    }[kind]


def _single_figure(report, rows, parent, hidden):
    # One hidden figure is fine when it appears as both a row and the total (the same schools).
    hidden_members = [m for m in [*rows, parent] if m in hidden]
    return len({frozenset(_schools_of(report, m)) for m in hidden_members}) == 1 and len(hidden_members) > 1


async def test_rule_shares_come_from_the_latest_published_national_snapshot(dataset):
    findings = [
        ("senco-designated", 100001, "met"), ("senco-designated", 100002, "met"),
        ("senco-designated", 100003, "not-applicable"), ("senco-designated", 100004, "met"),
        ("senco-designated", 100007, "gap"),
        ("send-cpd-annual", 100001, "met"), ("send-cpd-annual", 100001, "gap"),  # one person short
        ("send-cpd-annual", 100002, "due-soon"), ("send-cpd-annual", 100003, "met"),
        ("send-cpd-annual", 100004, "advisory"), ("send-cpd-annual", 100005, "gap"),  # closed school
        ("send-cpd-annual", 100007, "met"),
    ]
    await snapshot("proposed-2025", dt.date(2025, 9, 1), [("senco-designated", 100007, "met")],
                   created_at=NOW - dt.timedelta(days=200))
    latest = await snapshot("proposed-2025", dt.date(2026, 3, 1), findings)
    await snapshot("proposed-2025", dt.date(2026, 3, 2), [("ta-capacity", 100001, "gap")],
                   params='{"senco-capacity.ratio": 0.9}')  # a what-if: not published figures
    await snapshot("statutory-2024", dt.date(2026, 3, 10), [("mq-sensory", 100001, "gap")])
    await snapshot("proposed-2025", dt.date(2026, 4, 1), [("governance-send", 100001, "gap")])  # after as-of
    await snapshot("proposed-2025", dt.date(2026, 3, 1), [("governance-send", None, "gap")], subject="trust",
                   created_at=NOW - dt.timedelta(days=1))  # same date, saved earlier

    report = await report_build(as_of=AS_OF, threshold=1)
    assert report.snapshot.id == latest.id
    assert report.rules == ["senco-designated", "send-cpd-annual"]
    rows = {r.label: r for r in rules_table(report).rows}
    assert [rows["senco-designated"].cells[c].value for c in ("schools_assessed", "schools_meeting")] == [4, 3]
    assert [rows["send-cpd-annual"].cells[c].value for c in ("schools_assessed", "schools_meeting")] == [5, 3]
    by_region = breakdown_table(report, "compliance", "region", rule="send-cpd-annual")
    assert [(r.label, r.cells["schools_assessed"].value, r.cells["schools_meeting"].value) for r in by_region.rows] == [
        ("London", 2, 1), ("North East", 3, 2),
    ]
    assert by_region.total.cells["schools_meeting_pct"].value == 60.0

    suppressed = build_report(report.schools, as_of=AS_OF, threshold=5, snapshot=report.snapshot, rules=report.rules)
    rows = {r.label: r for r in rules_table(suppressed).rows}
    # 5 assessed is shown; 3 meeting is small (and so is 2 short): hidden with its percentage.
    assert rows["send-cpd-annual"].cells["schools_assessed"].value == 5
    assert rows["send-cpd-annual"].cells["schools_meeting"].suppressed
    assert rows["send-cpd-annual"].cells["schools_meeting_pct"].suppressed
    assert rows["senco-designated"].cells["schools_assessed"].suppressed


async def test_aggregates_use_a_fixed_number_of_queries(dataset, monkeypatch):
    db = engine()
    calls = []
    original = type(db).run_querystring

    async def counting(self, querystring, *args, **kwargs):
        calls.append(str(querystring)[:40])
        return await original(self, querystring, *args, **kwargs)

    monkeypatch.setattr(type(db), "run_querystring", counting)
    await snapshot("proposed-2025", dt.date(2026, 3, 1), [("senco-designated", 100001, "met")])
    calls.clear()
    await report_build(as_of=AS_OF, threshold=5)
    small = len(calls)

    # Nine times as many schools, staff and findings: the same number of queries.
    b = Builder()
    async with db.transaction():
        region = await b.region("K", "South West")
        la = await b.la("800", "Somerset", region)
        for i in range(40):
            school = await b.school(f"X{i}", 200000 + i, la, region, number_of_pupils=100)
            await b.staff(school, "teacher", 3, cpd=1)
            await b.staff(school, "senco", 1)
    await snapshot("proposed-2025", dt.date(2026, 3, 2), [("senco-designated", 200000 + i, "met") for i in range(40)])
    calls.clear()
    report = await report_build(as_of=AS_OF, threshold=5)
    assert report.values[NATION]["schools"] == 45
    assert len(calls) == small == 4


@pytest.mark.parametrize("breakdown", ["region", "la", "phase", "type", "trust"])
async def test_every_breakdown_adds_up_to_the_nation(dataset, breakdown):
    report = await report_build(as_of=AS_OF, threshold=1)
    table = breakdown_table(report, "training", breakdown)
    assert sum(r.cells["staff"].value for r in table.rows) == table.total.cells["staff"].value == 81


async def test_empty_database_gives_an_empty_report():
    report = await report_build(as_of=AS_OF, threshold=5)
    assert report.values[NATION]["schools"] == 0
    table = breakdown_table(report, "workforce", "region")
    assert table.rows == [] and table.total.cells["pupils"].value == 0


async def test_dataset_is_rebuilt_per_test():
    b = await build_dataset()
    assert len(b.schools) == 7


async def test_trends_take_the_last_published_snapshot_of_each_date():
    from workforce.monitoring.aggregates import trends

    await snapshot("proposed-2025", dt.date(2025, 9, 1),
                   [("senco-designated", 100001, "met"), ("senco-designated", 100002, "gap")])
    await snapshot("proposed-2025", dt.date(2026, 1, 1), [("senco-designated", 100001, "gap")],
                   created_at=NOW - dt.timedelta(days=5))
    later = await snapshot("proposed-2025", dt.date(2026, 1, 1), [
        ("senco-designated", 100001, "met"), ("senco-designated", 100002, "met"),
        ("senco-designated", 100003, "not-applicable"), ("send-cpd-annual", 100001, "advisory"),
    ])
    await snapshot("proposed-2025", dt.date(2026, 2, 1), [("senco-designated", 100001, "gap")],
                   params='{"ta-capacity.multiplier": 2}')
    await snapshot("statutory-2024", dt.date(2026, 2, 1), [("senco-designated", 100001, "gap")])

    points = await trends(threshold=1)
    assert [(p.rule, p.as_of, p.assessed, p.met, p.pct) for p in points] == [
        ("senco-designated", dt.date(2025, 9, 1), 2, 1, 50.0),
        ("senco-designated", dt.date(2026, 1, 1), 2, 2, 100.0),
        ("send-cpd-annual", dt.date(2026, 1, 1), 1, 0, 0.0),
    ]
    assert {p.snapshot_id for p in points if p.as_of == dt.date(2026, 1, 1)} == {later.id}
    assert [(p.as_of, p.rule) for p in await trends(threshold=1, limit=1)] == [
        (dt.date(2026, 1, 1), "senco-designated"), (dt.date(2026, 1, 1), "send-cpd-annual"),
    ]
    # With the default threshold every one of these small counts is hidden.
    assert all(p.assessed is None and p.met is None for p in await trends(threshold=5))
    assert await trends(standard_id="no-such-standard", threshold=5) == []

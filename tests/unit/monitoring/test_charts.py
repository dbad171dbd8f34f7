"""Server-side SVG charts: structure, proportions, accessibility and escaping (parsed with xml.etree)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from workforce.monitoring.charts import Bar, Bin, Series, bars_svg, bin_values, histogram_svg, line_svg

NS = {"svg": "http://www.w3.org/2000/svg"}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars_of(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:rect[@class='app-chart__bar']", NS)


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def assert_accessible(root: ET.Element, title: str) -> None:
    assert root.get("role") == "img"
    title_el = root.find("svg:title", NS)
    desc_el = root.find("svg:desc", NS)
    assert title_el is not None and title_el.text == title
    assert desc_el is not None and desc_el.text
    assert root.get("aria-labelledby") == f"{title_el.get('id')} {desc_el.get('id')}"


def test_bin_values_counts_every_value_once_in_round_bins():
    bins = bin_values([0, 0.5, 1.0, 1.9, 2.0, 9.99], bins=5)
    assert [b.count for b in bins] == [4, 1, 0, 0, 1]  # width 2: [0,2) [2,4) ... [8,10)
    assert (bins[0].low, bins[0].high, bins[-1].high) == (0, 2, 10)
    assert sum(b.count for b in bins) == 6


def test_bin_values_with_a_top_puts_larger_values_in_the_open_last_bin():
    bins = bin_values([0.1, 0.6, 0.6, 3.0, 50.0], bins=4, high=2.0)
    assert [b.count for b in bins] == [1, 2, 0, 2]  # 0.6 is in [0.5, 1.0) despite 0.6 / 0.5 rounding
    assert bins[-1].open_ended and bins[-1].label == "1.5 and over"
    assert bins[0].label == "0 to under 0.5"


def test_bin_values_refuses_negative_values_and_ignores_missing_ones():
    with pytest.raises(ValueError):
        bin_values([-1.0])
    assert sum(b.count for b in bin_values([None, 1.0, float("nan")])) == 1


def test_histogram_bar_heights_are_proportional_to_counts():
    bins = [Bin(0, 1, 4), Bin(1, 2, 8), Bin(2, 3, 0), Bin(3, 4, 2)]
    root = parse(histogram_svg(bins, title="TA FTE per 100 pupils", desc="Schools by ratio", x_label="Ratio"))
    assert_accessible(root, "TA FTE per 100 pupils")
    rects = bars_of(root)
    assert len(rects) == 4
    heights = [float(r.get("height")) for r in rects]
    assert heights[2] == 0
    assert heights[1] == pytest.approx(2 * heights[0], abs=0.1)
    assert heights[0] == pytest.approx(2 * heights[3], abs=0.1)
    # bars stand on the same baseline
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 1) for r in rects}
    assert len(bottoms) == 1
    # every count is written as text, not only drawn
    values = root.findall(".//svg:text[@class='app-chart__value']", NS)
    assert [v.text for v in values] == ["4", "8", "0", "2"]


def test_bars_are_proportional_and_suppressed_values_have_no_bar():
    bars = [Bar("North East", 50.0), Bar("London", 100.0), Bar("South West", None), Bar("East", 25.0)]
    root = parse(bars_svg(bars, title="Schools meeting the rule", desc="By region"))
    assert_accessible(root, "Schools meeting the rule")
    rects = bars_of(root)
    assert len(rects) == 3
    widths = {r.find("svg:title", NS).text.split(":")[0]: float(r.get("width")) for r in rects}
    assert widths["London"] == pytest.approx(2 * widths["North East"], abs=0.1)
    assert widths["North East"] == pytest.approx(2 * widths["East"], abs=0.1)
    assert "suppressed" in texts(root)
    assert "50%" in texts(root) and "100%" in texts(root)


def test_labels_are_escaped():
    evil = '<script>alert("x")</script> & "Sons"'
    svg = bars_svg([Bar(evil, 10.0)], title=f"Title {evil}", desc="d & <b>")
    root = parse(svg)  # would raise on unescaped markup
    assert "<script>" not in svg
    assert root.find("svg:title", NS).text == f"Title {evil}"
    assert root.find(".//svg:script", NS) is None
    line = line_svg([Series(evil, (("2025-09-01", 10.0),))], title="t", desc="d")
    assert parse(line).find(".//svg:g[@class='app-chart__series']", NS).get("data-series") == evil


def test_line_chart_has_one_series_per_rule_distinguished_without_colour():
    series = [
        Series("senco-designated", (("2025-09-01", 80.0), ("2026-01-01", 90.0), ("2026-03-01", 95.0))),
        Series("send-cpd-annual", (("2025-09-01", 20.0), ("2026-01-01", None), ("2026-03-01", 60.0))),
    ]
    root = parse(line_svg(series, title="Trend", desc="Share of schools meeting each rule"))
    assert_accessible(root, "Trend")
    groups = root.findall(".//svg:g[@class='app-chart__series']", NS)
    assert [g.get("data-series") for g in groups] == ["senco-designated", "send-cpd-annual"]
    # the first series is one polyline of 3 points; the second has a gap, so no line through the missing point
    first_lines = groups[0].findall("svg:polyline", NS)
    assert len(first_lines) == 1 and len(first_lines[0].get("points").split()) == 3
    assert groups[1].findall("svg:polyline", NS) == []
    # different marker shapes and dash patterns, not just colours
    assert groups[0].find("svg:circle", NS) is not None and groups[1].find("svg:rect", NS) is not None
    # higher values are drawn higher (smaller y)
    ys = [float(p.split(",")[1]) for p in first_lines[0].get("points").split()]
    assert ys[0] > ys[1] > ys[2]
    # each series is named at its end and each value is written
    assert "senco-designated" in texts(root) and "95" in texts(root) and "60" in texts(root)


def test_histogram_top_keeps_outliers_from_squashing_the_rest():
    from workforce.monitoring.charts import histogram_top

    values = [1.0 + i / 100 for i in range(95)] + [40.0, 55.0, 60.0, 70.0, 80.0]
    top = histogram_top(values)
    assert top == 2.0  # the 95th percentile is about 1.94: ten bins of 0.2
    bins = bin_values(values, bins=10, high=top)
    assert bins[-1].open_ended and bins[-1].count == 5 + sum(1 for v in values if 1.8 <= v < 2.0)
    assert sum(b.count for b in bins) == 100
    assert histogram_top([]) is None and histogram_top([0.0, 0.0]) is None

"""Pieces of the certificate's content that need no database."""

from __future__ import annotations

from workforce.certificates.selectors import ratio_figures, rule_title, standard_info


def test_ratio_figures_print_the_engines_metrics_in_order():
    metrics = {
        "senco_fte": 0.3,
        "sen_pupils": 120,
        "min_fte": 0.2,
        "fte_per_100_sen": 0.25,
        "required_fte": 0.6,
    }
    assert ratio_figures("senco-capacity", metrics) == (
        "SENCO FTE 0.3; pupils with SEN 120; SENCO FTE per 100 pupils with SEN 0.25; FTE required 0.6"
    )
    ta = {
        "pupils": 428,
        "ta_fte": 20.0,
        "pupils_per_ta_fte": 21.4,
        "limit_pupils_per_ta_fte": 37.5,
        "national_pupils_per_ta_fte": 25.0,
        "phase": "primary",
    }
    assert ratio_figures("ta-capacity", ta) == (
        "pupils 428; TA FTE 20; pupils per TA FTE 21.4; limit 37.5; national figure 25"
    )
    assert ratio_figures("ta-capacity", {"pupils": None, "ta_fte": 3}) == "TA FTE 3"
    assert ratio_figures("senco-designated", metrics) == ""


def test_rule_titles_and_order_come_from_the_standard_file():
    info = standard_info("proposed-2025")
    assert info is not None and info.title
    assert "senco-designated" in info.rule_order and "ta-capacity" in info.rule_order
    assert rule_title("ta-capacity", info.rule_titles) == info.rule_titles["ta-capacity"]
    assert standard_info("no-such-standard") is None
    assert rule_title("senco-capacity") == "SENCO time matches the number of pupils with SEN"
    assert rule_title("made-up-rule") == "made-up-rule"

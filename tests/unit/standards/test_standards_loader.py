"""Standard files: the shipped ones validate; a broken one fails naming the file, rule and field."""

import shutil

import pytest

from workforce.paths import STANDARDS_DIR
from workforce.standards import (
    BASES,
    StandardError,
    UnknownStandardError,
    list_standards,
    load_standard,
    load_standard_file,
    params_json,
    parse_override_assignments,
)
from workforce.standards.rules import CHECKS


def test_the_shipped_standards_load_and_describe_themselves():
    standards = {s.id: s for s in list_standards()}
    assert set(standards) == {"statutory-2024", "proposed-2025"}
    statutory, proposed = standards["statutory-2024"], standards["proposed-2025"]
    assert statutory.status == "statutory" and proposed.status == "proposed"
    assert proposed.extends == "statutory-2024"
    assert statutory.version and proposed.version
    assert len(proposed.sources) == len(statutory.sources) + 3
    for rule in proposed.rules:
        assert rule.basis in BASES
        assert rule.title and rule.description
        assert set(CHECKS[rule.check].params) <= set(rule.params)
    assert [r.id for r in proposed.rules if r.origin == "statutory-2024"] == [r.id for r in statutory.rules]


def test_every_default_lives_in_the_files():
    proposed = load_standard("proposed-2025")
    assert proposed.rule("senco-qualification")["qualify_within_years"] == 3
    assert proposed.rule("senco-capacity").params == {"min_fte": 0.2, "min_fte_per_100_sen": 0.5, "amber_min_fte_per_100_sen": 0.35}
    assert proposed.rule("ta-capacity")["fallback_pupils_per_ta_fte"] == {"primary": 25, "secondary": 60, "special": 3}
    assert params_json(proposed.rule("send-cpd-annual"))["effective_from"] == "2026-09-01"
    assert params_json(proposed.rule("send-cpd-annual"))["due_soon_from"] == "06-01"
    assert proposed.rule("head-send-qualification")["qualifications"] == ("npq-senco", "nasenco", "send-leadership")


def test_an_unknown_standard_lists_the_ones_available():
    with pytest.raises(UnknownStandardError, match=r"unknown standard 'nope' \(available: proposed-2025, statutory-2024\)"):
        load_standard("nope")
    with pytest.raises(UnknownStandardError):
        load_standard("../etc/passwd")


@pytest.fixture
def folder(tmp_path):
    for name in ("statutory-2024.toml", "proposed-2025.toml"):
        shutil.copy(STANDARDS_DIR / name, tmp_path / name)
    return tmp_path


def edit(folder, name, old, new):
    path = folder / name
    text = path.read_text()
    assert old in text, f"{old!r} not in {name}"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("name", "old", "new", "message"),
    [
        (
            "proposed-2025.toml",
            "min_fte = 0.2",
            'min_fte = "a fifth"',
            "proposed-2025.toml: rule 'senco-capacity': field 'params.min_fte': expected a number >= 0, got 'a fifth'",
        ),
        (
            "proposed-2025.toml",
            "min_fte = 0.2\n",
            "",
            "proposed-2025.toml: rule 'senco-capacity': field 'params.min_fte': is missing",
        ),
        (
            "proposed-2025.toml",
            "multiplier = 1.5",
            "multiplier = 1.5\nmultiplyer = 2",
            "rule 'ta-capacity': field 'params.multiplyer': unknown parameter",
        ),
        (
            "statutory-2024.toml",
            'basis = "law"',
            'basis = "folklore"',
            "statutory-2024.toml: rule 'senco-designated': field 'basis': must be one of law, guidance, committee, project-default",
        ),
        (
            "statutory-2024.toml",
            'advisory = ["alternative-provision", "opted-in"]',
            'advisory = ["pupil-referral"]',
            "rule 'senco-designated': field 'scope.advisory': unknown scope group 'pupil-referral'",
        ),
        (
            "statutory-2024.toml",
            'advisory = ["alternative-provision", "opted-in"]',
            'advisory = ["special"]',
            "rule 'senco-designated': field 'scope.not-applicable.special': scope group is also listed under advisory",
        ),
        (
            "statutory-2024.toml",
            "npq_only_for_appointments_from = 2024-09-01",
            'npq_only_for_appointments_from = "September 2024"',
            "rule 'senco-qualification': field 'params.npq_only_for_appointments_from': expected a date as YYYY-MM-DD",
        ),
        (
            "statutory-2024.toml",
            "course_min_months = 18",
            "course_min_months = 30",
            "rule 'senco-qualification': field 'params.course_min_months': must not be more than course_max_months",
        ),
        (
            "proposed-2025.toml",
            'due_soon_from = "06-01"',
            'due_soon_from = "06-31"',
            "rule 'send-cpd-annual': field 'params.due_soon_from': expected a day of the year as MM-DD",
        ),
        (
            "proposed-2025.toml",
            'id = "send-cpd-annual"',
            'id = "senco-designated"',
            "rule 'senco-designated': field 'id': is already defined by 'statutory-2024'",
        ),
        (
            "proposed-2025.toml",
            'id = "ta-capacity"',
            'id = "ta-capacity"\ncheck = "ta-ratio"',
            "rule 'ta-capacity': field 'check': unknown check 'ta-ratio'",
        ),
        ("proposed-2025.toml", 'id = "proposed-2025"', 'id = "proposed-2026"', "field 'id': 'proposed-2026' does not match"),
        ("proposed-2025.toml", 'extends = "statutory-2024"', 'extends = "statutory-1999"', "field 'extends': no standard 'statutory-1999'"),
        ("proposed-2025.toml", 'status = "proposed"', 'status = "rumoured"', "field 'status': must be one of statutory, proposed"),
        ("statutory-2024.toml", 'teaching_assistant = ["ta"]\n', "", "rule 'ta-capacity': field 'roles.teaching_assistant': is missing"),
        ("statutory-2024.toml", "[[rules]]\nid = \"senco-designated\"", "[[rules]\nid = \"senco-designated\"", "statutory-2024.toml: not valid TOML"),
    ],
)
def test_a_broken_file_fails_naming_the_file_rule_and_field(folder, name, old, new, message):
    edit(folder, name, old, new)
    with pytest.raises(StandardError) as caught:
        load_standard_file(folder / "proposed-2025.toml")
    assert message in str(caught.value)


def test_circular_extends_is_refused(folder):
    edit(folder, "statutory-2024.toml", 'status = "statutory"', 'status = "statutory"\nextends = "proposed-2025"')
    with pytest.raises(StandardError, match="circular"):
        load_standard_file(folder / "proposed-2025.toml")


def test_a_new_standard_is_a_new_file(folder):
    (folder / "scenario-2027.toml").write_text(
        (folder / "proposed-2025.toml").read_text().split("# ----")[0]
        .replace('id = "proposed-2025"', 'id = "scenario-2027"')
    )
    standard = load_standard("scenario-2027", directory=folder)
    assert [r.id for r in standard.rules] == ["senco-designated", "senco-qualification", "mq-sensory"]


def test_set_assignments_are_parsed_and_checked():
    assert parse_override_assignments(["senco-capacity.min_fte=0.3", " a.b = c "]) == {"senco-capacity.min_fte": "0.3", "a.b": "c"}
    with pytest.raises(StandardError, match="expected rule.param=value"):
        parse_override_assignments(["senco-capacity.min_fte"])

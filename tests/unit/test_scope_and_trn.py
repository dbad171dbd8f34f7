import pytest

from workforce.organisations.scope import OUT_OF_SCOPE, scope_group_for
from workforce.people.validation import InvalidTRN, normalise_trn


@pytest.mark.parametrize(
    ("code", "group"),
    [
        (1, "mainstream-maintained"),
        (15, "maintained-nursery"),
        (34, "mainstream-academy"),
        (7, "special"),
        (44, "special"),
        (14, "alternative-provision"),
        (45, "16-19"),
        (8, OUT_OF_SCOPE),  # non-maintained special
        (10, OUT_OF_SCOPE),  # independent special
        (11, OUT_OF_SCOPE),
        (30, OUT_OF_SCOPE),  # Welsh establishment
        (None, OUT_OF_SCOPE),
    ],
)
def test_scope_group_from_gias_type_code(code, group):
    assert scope_group_for(code) == group


@pytest.mark.parametrize("raw", ["1234567", " 0012345 "])
def test_valid_trns_are_kept_as_seven_digit_text(raw):
    assert normalise_trn(raw) == raw.strip()


@pytest.mark.parametrize("raw", [None, "", "   "])
def test_empty_trn_means_none(raw):
    assert normalise_trn(raw) is None


@pytest.mark.parametrize("raw", ["123456", "12345678", "12345a7", "RP12345", "0000000", "123 4567"])
def test_invalid_trns_are_refused_with_a_reason(raw):
    with pytest.raises(InvalidTRN, match="TRN"):
        normalise_trn(raw)

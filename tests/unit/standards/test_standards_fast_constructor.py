"""``fast_constructor`` builds the very same frozen facts as the dataclass's own constructor."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from workforce.standards.facts import CpdTally, PersonFacts, PostFacts, fast_constructor
from workforce.standards.model import Finding


def test_instances_are_equal_frozen_and_hashable():
    values = (7, "senco", dt.date(2021, 9, 1), None, 100001, None, 0.6, True, 0.4, "visual", dt.date(2022, 1, 4))
    made = fast_constructor(PostFacts)(*values)
    plain = PostFacts(*values)
    assert type(made) is PostFacts and isinstance(made, PostFacts)
    assert made == plain and hash(made) == hash(plain) and repr(made) == repr(plain)
    assert dataclasses.astuple(made) == values
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.role = "teacher"  # type: ignore[misc]
    assert dataclasses.replace(made, role="teacher").role == "teacher"
    assert fast_constructor(PersonFacts)(1, "Aisha", "Khan", "Ms", None, True).name == "Ms A Khan"
    assert fast_constructor(CpdTally)(1, dt.date(2026, 9, 1), "verified", 2, 3.5) == CpdTally(
        1, dt.date(2026, 9, 1), "verified", 2, 3.5
    )
    finding = fast_constructor(Finding)("s", "r", "person", "met", "law", "Fine.", 1, None, 2, None, None)
    assert finding == Finding("s", "r", "person", "met", "law", "Fine.", 1, None, 2)


def test_every_field_is_required_in_order():
    make = fast_constructor(CpdTally)
    with pytest.raises(TypeError):
        make(1, dt.date(2026, 9, 1), "verified", 2)  # no defaults


def test_only_slots_dataclasses():
    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        value: int

    with pytest.raises(TypeError):
        fast_constructor(NoSlots)

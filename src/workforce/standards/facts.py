"""The facts the engine judges: plain, immutable data with no database or web behind it.

``workforce.compliance.facts.facts_gather`` fills these from the database with a fixed number of
set-based queries; tests build them by hand. Every date is a ``datetime.date``; employment end dates
are inclusive (the last day worked), trust membership is already resolved to the trust a school
belonged to on the as-of date.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

T = TypeVar("T")


def fast_constructor(cls: type[T]) -> Callable[..., T]:
    """A positional constructor for a frozen slots dataclass, for building millions of instances.

    ``make = fast_constructor(PostFacts)``; ``make(*values)`` equals ``PostFacts(*values)``: every field, in
    declaration order, no defaults, no ``__post_init__``. A frozen dataclass's own ``__init__`` sets each
    field through ``object.__setattr__`` (about 0.1 us a field); this one stores the fields on a mutable twin
    with the very same slots, then turns it into a ``cls`` (same layout, so Python allows the ``__class__``
    assignment). The result is an ordinary ``cls`` instance: frozen, equal and hashable like any other.
    """
    names = tuple(f.name for f in fields(cls))  # type: ignore[arg-type]
    if getattr(cls, "__slots__", None) != names or hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__} must be a slots dataclass without __post_init__")
    arguments = ", ".join(names)
    source = (
        f"def __init__(self, {arguments}):\n"
        + "".join(f"    self.{name} = {name}\n" for name in names)
        + "    self.__class__ = cls\n"
    )
    namespace: dict[str, Any] = {"cls": cls}
    exec(source, namespace)  # noqa: S102 - the source is built from the dataclass's own field names
    return type(f"_{cls.__name__}Twin", (), {"__slots__": names, "__init__": namespace["__init__"]})


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building (or judging) a whole country's facts.

    The collector runs every few hundred allocations and, as the objects that survive pile up, walks every
    one of them again and again: a third of the time of building a million facts and findings, which
    hold no reference cycles for it to find. The block must not await, so nothing else runs meanwhile.

    At the end the collector is switched back on (if it was on). The objects made meanwhile would all be
    walked by its very next (youngest-generation) collection, a second or two for a whole country: when
    there are many (a national evaluation, not a school's), they are first moved to the oldest generation
    instead (``gc.freeze()`` then ``gc.unfreeze()``, two list splices), which it walks only when that
    generation has grown by a quarter.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            # never undo a freeze the application made itself
            if gc.get_count()[0] > MANY_OBJECTS and not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


MANY_OBJECTS = 100_000  # more new objects than this and they skip the collector's youngest generation


@dataclass(frozen=True, slots=True)
class SchoolFacts:
    urn: int
    name: str
    type_code: int
    scope_group: str  # from workforce.organisations.scope.scope_group_for(type_code)
    status_code: int = 1  # GIAS: 1 open, 2 closed, 3 open but proposed to close, 4 proposed to open
    phase: str = ""  # GIAS "PhaseOfEducation (name)", e.g. "Primary"
    opted_in: bool = False  # an out-of-scope establishment a user chose to include
    trust_uid: str | None = None  # the trust the school belonged to on the as-of date
    number_of_pupils: int | None = None
    sen_support_pupils: int | None = None
    ehc_plan_pupils: int | None = None
    resourced_provision: bool = False
    sen_unit: bool = False

    @property
    def sen_pupils(self) -> int | None:
        """Pupils with SEN (SEN support + EHC plans); None when neither figure is recorded."""
        if self.sen_support_pupils is None and self.ehc_plan_pupils is None:
            return None
        return (self.sen_support_pupils or 0) + (self.ehc_plan_pupils or 0)


@dataclass(frozen=True, slots=True)
class TrustFacts:
    uid: str
    name: str
    trust_type: str = "MAT"  # MAT | SAT | OTHER


@dataclass(frozen=True, slots=True)
class PersonFacts:
    id: int
    first_name: str
    last_name: str
    title: str = ""
    trn: str | None = None
    qts: bool = False

    @property
    def name(self) -> str:
        """How a head teacher refers to a colleague in writing: ``Ms A Khan``."""
        title, initial, last = self.title.strip(), self.first_name.strip()[:1].upper(), self.last_name.strip()
        if title and initial and last:  # the usual case, without building a list
            return f"{title} {initial} {last}"
        return " ".join(part for part in (title, initial, last) if part) or f"Person {self.id}"


@dataclass(frozen=True, slots=True)
class PostFacts:
    """One employment record (past, current or future) of a person in scope."""

    person_id: int
    role: str
    start: dt.date
    end: dt.date | None = None  # inclusive; None = continuing
    urn: int | None = None  # the school, or None for a trust-level post
    trust_uid: str | None = None  # the trust, for trust-level (central) posts
    fte: float = 1.0
    senior_leader: bool = False
    senco_fte: float | None = None
    sensory_class: str | None = None  # hearing | visual | multi-sensory
    sensory_class_since: dt.date | None = None

    def current(self, on: dt.date) -> bool:
        return self.start <= on and (self.end is None or on <= self.end)


@dataclass(frozen=True, slots=True)
class QualificationFacts:
    person_id: int
    kind: str  # npq-senco | nasenco | send-leadership | mq-hearing | ...
    status: str  # registered | in-progress | passed | failed | withdrawn | voided
    start: dt.date | None = None
    award: dt.date | None = None


@dataclass(frozen=True, slots=True)
class ExemptionFacts:
    """A record that the person served as SENCO for more than 12 months before 1 September 2009."""

    person_id: int
    served_from: dt.date | None = None
    served_to: dt.date | None = None


@dataclass(frozen=True, slots=True)
class CpdTally:
    """SEND CPD of one person in one academic year with one status, counted in the database."""

    person_id: int
    year_start: dt.date  # 1 September of the academic year
    status: str  # verified | self-reported
    activities: int
    hours: float


@dataclass(frozen=True, slots=True)
class PlacementFacts:
    person_id: int
    route: str  # ITT | ECF
    start: dt.date
    end: dt.date | None = None
    days: int = 0
    host_urn: int | None = None
    host_name: str = ""
    host_scope_group: str | None = None
    host_resourced_provision: bool = False
    host_sen_unit: bool = False


@dataclass(frozen=True, slots=True)
class GovernorFacts:
    name: str
    role: str = "governor"  # governor | trustee | chair
    urn: int | None = None  # a school's governing board ...
    trust_uid: str | None = None  # ... or a trust's board
    send_responsibility: bool = False
    send_expertise: str = ""
    start: dt.date | None = None
    end: dt.date | None = None  # inclusive

    def current(self, on: dt.date) -> bool:
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


@dataclass(frozen=True, slots=True)
class PhasePupils:
    """Open schools of one scope group and GIAS phase that have staff recorded, with their pupils."""

    scope_group: str
    phase: str
    schools: int
    pupils: int


@dataclass(frozen=True, slots=True)
class PhaseRoleFte:
    """Current FTE in one role across the schools counted by the matching ``PhasePupils``."""

    scope_group: str
    phase: str
    role: str
    fte: float


@dataclass(frozen=True, slots=True)
class NationalFigures:
    """Whole-database staffing totals (whatever the evaluation's scope), for national comparisons."""

    pupils: tuple[PhasePupils, ...] = ()
    fte: tuple[PhaseRoleFte, ...] = ()


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything one evaluation needs. ``evaluate_trusts`` is False for a school-only evaluation."""

    schools: tuple[SchoolFacts, ...]
    trusts: tuple[TrustFacts, ...] = ()
    people: tuple[PersonFacts, ...] = ()
    posts: tuple[PostFacts, ...] = ()
    qualifications: tuple[QualificationFacts, ...] = ()
    exemptions: tuple[ExemptionFacts, ...] = ()
    cpd: tuple[CpdTally, ...] = ()
    placements: tuple[PlacementFacts, ...] = ()
    governors: tuple[GovernorFacts, ...] = ()
    national: NationalFigures = field(default_factory=NationalFigures)
    evaluate_trusts: bool = True
    as_of: dt.date | None = None  # the date the facts were gathered for (information only)

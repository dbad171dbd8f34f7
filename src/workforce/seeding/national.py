"""The national data set: a deterministic, England-sized synthetic copy of the school workforce.

    workforce seed national --scale 1.0 --seed 42 [--reset]

About 21,600 open state-funded schools in 9 regions and 153 local authorities, about 2,500 trusts (1,320
multi-academy trusts of realistic sizes, 1,000 single-academy trusts, some foundation trusts), pupils with
SEN support and EHC plans, about 1.1 million staff records with FTE (teachers, teaching assistants, SENCOs,
heads, senior leaders, trust leaders, and staff who left), about 4 million CPD records, qualifications
(NPQ for SENCOs, NASENCO, NPQH, mandatory qualifications for sensory impairment), ITT/ECF placements and
governing boards. Proportions follow the national figures in STANDARDS.md; ``--scale 0.01`` is a small
version (about 216 schools) for tests.

Deterministic: the same seed and scale give the same rows (every random choice comes from a generator
seeded with the seed and the school or trust it is about; dates are counted from a fixed reference date,
not from today).

Loaded through the import pipeline (``workforce.imports.import_file``), the same validated, set-based,
all-or-nothing path as a trust's own CSV files: the generator writes CSV text for one part of the country
at a time (a few hundred schools), in memory, and imports it. Memory stays flat whatever the scale, and a
second run with the same seed changes nothing (every record is found ``unchanged``).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache, lru_cache

from workforce.imports import import_file
from workforce.paths import SEED_DIR

NATIONAL_DIR = SEED_DIR / "national"
ACTOR = "cli:seed national"
REFERENCE_DATE = dt.date(2026, 11, 23)  # every generated date is counted back from this day
STAFF_ROWS_PER_PART = 40_000  # staff CSV rows (employments) per imported part

FIRST_URN = 200_000  # clear of real-looking URNs used by the demo data set
FIRST_TRUST_UID = 20_001
FIRST_TRN = 3_000_001


# ------------------------------------------------------------------------------------------ phases
@dataclass(frozen=True)
class Phase:
    """One kind of school with its national count and staffing proportions."""

    key: str
    schools: int  # open schools at scale 1.0
    gias_phase: str  # GIAS "PhaseOfEducation (name)"
    maintained_types: tuple[tuple[int, float], ...]  # (type code, weight)
    academy_types: tuple[tuple[int, float], ...]
    academy_weight: float  # relative chance of being an academy
    pupils_median: float
    pupils_sigma: float
    pupils_range: tuple[int, int]
    ehc_rate: float  # pupils with an EHC plan
    sen_support_rate: float
    pupils_per_teacher: float  # FTE; STANDARDS.md: primary 20.8, secondary 16.7, special 6.6
    pupils_per_ta: float  # FTE; STANDARDS.md fallbacks: primary 25, secondary 60, special 3
    name_suffix: tuple[str, str]  # (maintained, academy)


MAINSTREAM_MAINTAINED = ((1, 0.55), (2, 0.24), (3, 0.13), (5, 0.08))
# fmt: off
PHASES: tuple[Phase, ...] = (
    Phase("primary", schools=16_300, gias_phase="Primary", maintained_types=MAINSTREAM_MAINTAINED,
          academy_types=((34, 0.66), (28, 0.26), (35, 0.08)), academy_weight=0.44,
          pupils_median=280, pupils_sigma=0.45, pupils_range=(25, 950), ehc_rate=0.04, sen_support_rate=0.15,
          pupils_per_teacher=20.8, pupils_per_ta=25, name_suffix=("Primary School", "Primary Academy")),
    Phase("secondary", schools=3_400, gias_phase="Secondary", maintained_types=MAINSTREAM_MAINTAINED,
          academy_types=((34, 0.6), (28, 0.3), (35, 0.07), (40, 0.02), (41, 0.01)), academy_weight=1.5,
          pupils_median=1_000, pupils_sigma=0.35, pupils_range=(150, 2_400), ehc_rate=0.038,
          sen_support_rate=0.135,
          pupils_per_teacher=16.7, pupils_per_ta=60, name_suffix=("School", "Academy")),
    Phase("nursery", schools=380, gias_phase="Nursery", maintained_types=((15, 1.0),),
          academy_types=(), academy_weight=0.0,
          pupils_median=95, pupils_sigma=0.35, pupils_range=(20, 250), ehc_rate=0.02, sen_support_rate=0.09,
          pupils_per_teacher=14, pupils_per_ta=18, name_suffix=("Nursery School", "Nursery School")),
    Phase("special", schools=1_000, gias_phase="Not applicable", maintained_types=((7, 0.85), (12, 0.15)),
          academy_types=((33, 0.3), (44, 0.5), (36, 0.2)), academy_weight=0.45,
          pupils_median=110, pupils_sigma=0.45, pupils_range=(15, 400), ehc_rate=0.97, sen_support_rate=0.03,
          pupils_per_teacher=6.6, pupils_per_ta=3, name_suffix=("Special School", "Special Academy")),
    Phase("alternative-provision", schools=350, gias_phase="Not applicable", maintained_types=((14, 1.0),),
          academy_types=((42, 0.45), (43, 0.35), (38, 0.2)), academy_weight=0.40,
          pupils_median=40, pupils_sigma=0.6, pupils_range=(5, 200), ehc_rate=0.16, sen_support_rate=0.55,
          pupils_per_teacher=5, pupils_per_ta=8,
          name_suffix=("Pupil Referral Unit", "Alternative Provision Academy")),
    Phase("16-19", schools=170, gias_phase="16 plus", maintained_types=(),
          academy_types=((45, 0.5), (46, 0.2), (39, 0.3)), academy_weight=1e9,  # always academies
          pupils_median=450, pupils_sigma=0.5, pupils_range=(80, 2_000), ehc_rate=0.025,
          sen_support_rate=0.08,
          pupils_per_teacher=17, pupils_per_ta=150, name_suffix=("Sixth Form College", "Sixth Form Academy")),
)
# fmt: on
PHASE_BY_KEY = {phase.key: phase for phase in PHASES}

TYPE_NAMES = {
    1: "Community school",
    2: "Voluntary aided school",
    3: "Voluntary controlled school",
    5: "Foundation school",
    7: "Community special school",
    12: "Foundation special school",
    14: "Pupil referral unit",
    15: "Local authority nursery school",
    28: "Academy sponsor led",
    33: "Academy special sponsor led",
    34: "Academy converter",
    35: "Free schools",
    36: "Free schools special",
    38: "Free schools alternative provision",
    39: "Free schools 16 to 19",
    40: "University technical college",
    41: "Studio schools",
    42: "Academy alternative provision converter",
    43: "Academy alternative provision sponsor led",
    44: "Academy special converter",
    45: "Academy 16-19 converter",
    46: "Academy 16 to 19 sponsor led",
}
FAITH_TYPES = frozenset({2, 3})

# Multi-academy trusts by number of schools at scale 1.0 (1,320 trusts, 75% with 2-9 schools, largest 90).
MAT_SIZES: tuple[tuple[int, int, int], ...] = (
    # (smallest, largest, trusts)
    (1, 1, 100),
    (2, 2, 160),
    (3, 3, 170),
    (4, 4, 160),
    (5, 5, 140),
    (6, 6, 110),
    (7, 7, 95),
    (8, 8, 85),
    (9, 9, 70),
    (10, 14, 110),
    (15, 19, 50),
    (20, 29, 40),
    (30, 39, 15),
    (40, 59, 10),
    (60, 79, 4),
    (90, 90, 1),
)
SINGLE_ACADEMY_TRUSTS = 1_000
FOUNDATION_TRUSTS = 180  # trusts supporting maintained (foundation and voluntary controlled) schools
CLOSED_SHARE = 0.005  # closed establishments kept in the extract (never judged)
RESOURCED_PROVISION_SHARE = 1_217 / 19_700  # of mainstream schools (STANDARDS.md, 2025)
SEN_UNIT_SHARE = 449 / 19_700
LEAVER_SHARE = 0.12  # staff whose post ended in the last two years, per current headcount
NPQ_SENCO_ASPIRING = 0.016  # teachers and leaders (not SENCOs) starting the NPQ for SENCOs, per year

NPQ_PROVIDERS = (
    "Ambition Institute",
    "Best Practice Network",
    "Church of England",
    "Education Development Trust",
    "National Institute of Teaching",
    "Teacher Development Trust",
    "UCL Institute of Education",
)
NASENCO_PROVIDERS = (
    "University of Birmingham",
    "Bath Spa University",
    "University of Northampton",
    "Manchester Metropolitan University",
    "University of East London",
    "Leeds Beckett University",
)
MQ_PROVIDERS = ("University of Birmingham", "University of Leeds", "University of Edinburgh", "Mary Hare")
SENSORY_CLASSES = (("hearing", 0.5), ("visual", 0.3), ("multi-sensory", 0.2))


# ------------------------------------------------------------------------------------ reference data
@dataclass(frozen=True)
class LocalAuthorityRow:
    code: str
    name: str
    region_code: str
    region_name: str
    weight: float


@lru_cache(maxsize=1)
def local_authorities() -> tuple[LocalAuthorityRow, ...]:
    with (NATIONAL_DIR / "local_authorities.csv").open(encoding="utf-8", newline="") as f:
        return tuple(
            LocalAuthorityRow(
                r["la_code"], r["la_name"], r["region_code"], r["region_name"], float(r["weight"])
            )
            for r in csv.DictReader(f)
        )


@cache
def _names(file: str) -> tuple[str, ...]:
    lines = (NATIONAL_DIR / file).read_text(encoding="utf-8").splitlines()
    return tuple(dict.fromkeys(line.strip() for line in lines if line.strip()))


@dataclass(frozen=True)
class CpdActivity:
    title: str
    send: bool
    area: str
    hours: float


@lru_cache(maxsize=1)
def cpd_activities() -> tuple[tuple[CpdActivity, ...], tuple[CpdActivity, ...]]:
    """(SEND activities, other activities)."""
    with (NATIONAL_DIR / "cpd_activities.csv").open(encoding="utf-8", newline="") as f:
        rows = [
            CpdActivity(r["title"], r["send"] == "yes", r["send_area"], float(r["typical_hours"]))
            for r in csv.DictReader(f)
        ]
    return tuple(a for a in rows if a.send), tuple(a for a in rows if not a.send)


# ------------------------------------------------------------------------------------------ the plan
@dataclass(slots=True, eq=False)
class TrustPlan:
    uid: str
    name: str
    trust_type: str  # MAT | SAT | OTHER
    schools: list[SchoolPlan] = field(default_factory=list)


@dataclass(slots=True, eq=False)
class SchoolPlan:
    urn: int
    name: str
    phase: Phase
    type_code: int
    academy: bool
    la: LocalAuthorityRow
    pupils: int
    ehc: int
    sen_support: int
    resourced_provision: bool
    sen_unit: bool
    open_date: dt.date
    status_code: int = 1
    close_date: dt.date | None = None
    trust: TrustPlan | None = None
    rng_key: str = ""


def _weighted(rng: random.Random, options: tuple[tuple[int, float], ...]) -> int:
    values = [value for value, _ in options]
    weights = [weight for _, weight in options]
    return rng.choices(values, weights)[0]


def _lognormal(rng: random.Random, median: float, sigma: float) -> float:
    return median * math.exp(sigma * rng.gauss(0.0, 1.0))


def _mean_one(rng: random.Random, sigma: float) -> float:
    """A positive noise factor with mean 1."""
    return math.exp(sigma * rng.gauss(0.0, 1.0) - sigma * sigma / 2)


def _poisson(rng: random.Random, mean: float) -> int:
    limit = math.exp(-mean)
    count, product = 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _scaled(count: int, scale: float, minimum: int = 0) -> int:
    return max(minimum, round(count * scale))


class NationalPlan:
    """The schools and trusts of the data set (a few tens of thousands of small objects)."""

    def __init__(self, *, scale: float, seed: int, reference_date: dt.date = REFERENCE_DATE):
        if not 0 < scale <= 5:
            raise ValueError(f"scale must be above 0 and at most 5, got {scale}")
        self.scale = scale
        self.seed = seed
        self.reference_date = reference_date
        rng = random.Random(f"{seed}:plan")
        las = local_authorities()
        self.schools: list[SchoolPlan] = []
        # 1. where the schools are: each phase spread over the local authorities by their size
        placed: list[tuple[LocalAuthorityRow, Phase]] = []
        la_weights = [la.weight for la in las]
        for phase in PHASES:
            count = _scaled(phase.schools, scale, minimum=1)
            placed.extend((la, phase) for la in rng.choices(las, la_weights, k=count))
        la_order = {la.code: i for i, la in enumerate(las)}
        phase_order = {phase.key: i for i, phase in enumerate(PHASES)}
        keyed = [(la_order[la.code], phase_order[phase.key], rng.random(), la, phase) for la, phase in placed]
        keyed.sort(key=lambda item: item[:3])
        # 2. the trusts decide how many schools are academies
        mat_sizes = self._mat_sizes(rng)
        sats = _scaled(SINGLE_ACADEMY_TRUSTS, scale, minimum=1)
        academies_wanted = sum(mat_sizes) + sats
        eligible = [i for i, item in enumerate(keyed) if item[4].academy_weight > 0]
        # weighted sampling without replacement (Efraimidis-Spirakis): key = u ** (1 / weight)
        ranked = sorted(
            eligible, key=lambda i: rng.random() ** (1.0 / keyed[i][4].academy_weight), reverse=True
        )
        academy_indexes = set(ranked[:academies_wanted])
        urn = FIRST_URN
        for i, (_, _, _, la, phase) in enumerate(keyed):
            urn += 1 + rng.randrange(3)
            self.schools.append(self._school(urn, la, phase, academy=i in academy_indexes))
        mainstream = [s for s in self.schools if s.phase.key in ("primary", "secondary")]
        for school in mainstream:
            r = random.Random(school.rng_key + ":provision")
            school.resourced_provision = r.random() < RESOURCED_PROVISION_SHARE
            school.sen_unit = r.random() < SEN_UNIT_SHARE
        # 3. trusts: single-academy trusts, then multi-academy trusts over neighbouring academies
        self.trusts: list[TrustPlan] = []
        academies = [s for s in self.schools if s.academy]
        single_weights = {"secondary": 3.0, "16-19": 2.0}
        single = set(
            sorted(
                range(len(academies)),
                key=lambda i: rng.random() ** (1.0 / single_weights.get(academies[i].phase.key, 1.0)),
                reverse=True,
            )[:sats]
        )
        in_mats = [s for i, s in enumerate(academies) if i not in single]
        uid = FIRST_TRUST_UID
        for i in sorted(single):
            school = academies[i]
            trust = TrustPlan(str(uid), f"{school.name} Trust", "SAT", [school])
            school.trust = trust
            self.trusts.append(trust)
            uid += 1
        rng.shuffle(mat_sizes)
        start = 0
        place_names = _names("place_names.txt")
        for n, size in enumerate(mat_sizes):
            members = in_mats[start : start + size]
            start += size
            anchor = members[0]
            word = ("Learning", "Education", "Academy", "Schools", "Partnership", "Community")[n % 6]
            name = f"{place_names[(n * 7) % len(place_names)]} {anchor.la.name.split(',')[0]} {word} Trust"
            trust = TrustPlan(str(uid), name, "MAT", members)
            for school in members:
                school.trust = trust
            self.trusts.append(trust)
            uid += 1
        foundation = [s for s in self.schools if not s.academy and s.type_code in (3, 5)]
        for n in range(min(_scaled(FOUNDATION_TRUSTS, scale), len(foundation))):
            pick = foundation[(n * 7919) % len(foundation)]
            if pick.trust is not None:
                continue
            members = [s for s in foundation if s.la is pick.la and s.trust is None][: 1 + n % 4]
            trust = TrustPlan(
                str(uid), f"{pick.la.name.split(',')[0]} Foundation Trust {n + 1}", "OTHER", members
            )
            for school in members:
                school.trust = trust
            self.trusts.append(trust)
            uid += 1
        # 4. a few closed establishments stay in the extract, as in GIAS (never judged, no staff)
        for n in range(_scaled(len(self.schools), CLOSED_SHARE)):
            la, phase = placed[(n * 104_729) % len(placed)]
            urn += 1 + rng.randrange(3)
            school = self._school(urn, la, phase, academy=False)
            school.status_code = 2
            school.close_date = dt.date(2019 + n % 7, 8, 31)
            self.schools.append(school)

    # -- helpers
    def _mat_sizes(self, rng: random.Random) -> list[int]:
        """Sizes of the multi-academy trusts: the national distribution, sampled evenly at smaller scales."""
        sizes = []
        for smallest, largest, trusts in MAT_SIZES:
            sizes.extend(rng.randint(smallest, largest) for _ in range(trusts))
        sizes.sort()
        wanted = _scaled(len(sizes), self.scale, minimum=1)
        if wanted >= len(sizes):
            return [sizes[int(i * len(sizes) / wanted)] for i in range(wanted)]
        return [sizes[int((i + 0.5) * len(sizes) / wanted)] for i in range(wanted)]

    def _school(self, urn: int, la: LocalAuthorityRow, phase: Phase, *, academy: bool) -> SchoolPlan:
        key = f"{self.seed}:school:{urn}"
        r = random.Random(key)
        type_code = _weighted(r, phase.academy_types if academy else phase.maintained_types)
        low, high = phase.pupils_range
        pupils = int(min(high, max(low, round(_lognormal(r, phase.pupils_median, phase.pupils_sigma)))))
        ehc_rate = min(1.0, phase.ehc_rate * _mean_one(r, 0.35)) if phase.ehc_rate < 0.5 else phase.ehc_rate
        ehc = min(pupils, round(pupils * ehc_rate))
        sen_support = min(pupils - ehc, round(pupils * phase.sen_support_rate * _mean_one(r, 0.3)))
        place = _names("place_names.txt")[r.randrange(len(_names("place_names.txt")))]
        if type_code in FAITH_TYPES and not place.startswith(("St ", "Holy", "Christ", "Our", "All")):
            place = f"{place} {r.choice(('CE', 'Catholic', 'Church of England'))}"
        name = f"{place} {phase.name_suffix[1 if academy else 0]}"
        if academy:
            open_date = dt.date(
                r.randint(2011, min(2025, self.reference_date.year - 1)), r.choice((4, 9, 9, 9, 1)), 1
            )
        else:
            open_date = dt.date(r.randint(1950, 2005), 9, 1)
        return SchoolPlan(
            urn,
            name,
            phase,
            type_code,
            academy,
            la,
            pupils,
            ehc,
            sen_support,
            False,
            False,
            open_date,
            rng_key=key,
        )

    @property
    def open_schools(self) -> list[SchoolPlan]:
        return [s for s in self.schools if s.status_code != 2]

    # -- CSV text for the importers
    def gias_csv(self) -> bytes:
        columns = [
            "URN",
            "LA (code)",
            "LA (name)",
            "EstablishmentName",
            "TypeOfEstablishment (code)",
            "TypeOfEstablishment (name)",
            "EstablishmentStatus (code)",
            "EstablishmentStatus (name)",
            "OpenDate",
            "CloseDate",
            "PhaseOfEducation (name)",
            "NumberOfPupils",
            "TrustSchoolFlag (name)",
            "Trusts (code)",
            "Trusts (name)",
            "TypeOfResourcedProvision (name)",
            "GOR (code)",
            "GOR (name)",
            "SENStat",
            "SENNoStat",
        ]
        flags = {
            "MAT": "Supported by a multi-academy trust",
            "SAT": "Supported by a single-academy trust",
            "OTHER": "Supported by a trust",
        }
        out = _CsvText(columns)
        for s in self.schools:
            provision = (
                " and ".join(
                    label
                    for label, on in (
                        ("Resourced provision", s.resourced_provision),
                        ("SEN unit", s.sen_unit),
                    )
                    if on
                )
                or "Not applicable"
            )
            out.row(
                [
                    s.urn,
                    s.la.code,
                    s.la.name,
                    s.name,
                    s.type_code,
                    TYPE_NAMES[s.type_code],
                    s.status_code,
                    "Closed" if s.status_code == 2 else "Open",
                    _gias_date(s.open_date),
                    _gias_date(s.close_date),
                    s.phase.gias_phase,
                    s.pupils,
                    flags[s.trust.trust_type] if s.trust else "Not applicable",
                    s.trust.uid if s.trust else "",
                    s.trust.name if s.trust else "",
                    provision,
                    s.la.region_code,
                    s.la.region_name,
                    s.ehc,
                    s.sen_support,
                ]
            )
        return out.bytes()

    def governance_csv(self) -> bytes:
        out = _CsvText(
            ["name", "school_urn", "trust_uid", "role", "send_responsibility", "send_expertise", "start_date"]
        )
        ref = self.reference_date
        for s in self.open_schools:
            r = random.Random(s.rng_key + ":governors")
            names = _distinct_names(r, 3)
            send = r.random() < 0.8
            for n, (name, role) in enumerate(zip(names, ("chair", "governor", "governor"))):
                responsible = send and n == 1
                expertise = (
                    r.choice(
                        (
                            "Parent of a child with an EHC plan",
                            "Retired SENCO",
                            "Educational psychologist",
                            "Speech and language therapist",
                        )
                    )
                    if responsible
                    else ""
                )
                out.row(
                    [
                        name,
                        s.urn,
                        "",
                        role,
                        _yes(responsible),
                        expertise,
                        (ref - dt.timedelta(days=r.randint(60, 2_500))).isoformat(),
                    ]
                )
        for t in self.trusts:
            if t.trust_type == "OTHER":
                continue
            r = random.Random(f"{self.seed}:trust:{t.uid}:board")
            names = _distinct_names(r, 3)
            send = r.random() < (0.6 if t.trust_type == "MAT" else 0.5)
            for n, (name, role) in enumerate(zip(names, ("chair", "trustee", "trustee"))):
                responsible = send and n == 2
                out.row(
                    [
                        name,
                        "",
                        t.uid,
                        role,
                        _yes(responsible),
                        "Trustee for SEND; parent of a young person with SEND" if responsible else "",
                        (ref - dt.timedelta(days=r.randint(60, 2_500))).isoformat(),
                    ]
                )
        return out.bytes()

    def parts(self, staff_rows_per_part: int = STAFF_ROWS_PER_PART) -> Iterator[Part]:
        """The staff and training of the whole country, a few hundred schools at a time, in a fixed order."""
        people = _PeopleGenerator(self)
        yield people.trust_part()
        batch: list[Person] = []
        rows = 0
        schools = 0
        for school in self.open_schools:
            staff = people.school_people(school)
            batch.extend(staff)
            rows += sum(len(p.posts) for p in staff)
            schools += 1
            if rows >= staff_rows_per_part:
                yield Part(f"{schools} schools", batch)
                batch, rows, schools = [], 0, 0
        if batch:
            yield Part(f"{schools} schools", batch)


# ------------------------------------------------------------------------------------------ people
@dataclass(slots=True)
class Post:
    urn: int | None
    trust_uid: str | None
    role: str
    start: dt.date
    end: dt.date | None = None
    fte: float = 1.0
    senior: bool = False
    senco_fte: float | None = None
    sensory_class: str | None = None


@dataclass(slots=True, eq=False)
class Person:
    ref: str
    trn: str
    title: str
    first: str
    last: str
    qts: bool
    posts: list[Post] = field(default_factory=list)
    exempt: tuple[dt.date, dt.date] | None = None
    qualifications: list[tuple] = field(default_factory=list)  # (kind, status, provider, start, award)
    cpd: list[tuple] = field(default_factory=list)  # (date, activity, hours, status, provider, mandatory)
    placements: list[tuple] = field(default_factory=list)  # (route, host urn, start, end, days)
    emitted: bool = False  # its qualifications and training were already written (a shared SENCO)


STAFF_COLUMNS = [
    "staff_id",
    "trn",
    "title",
    "first_name",
    "last_name",
    "qts",
    "school_urn",
    "trust_uid",
    "role",
    "fte",
    "start_date",
    "end_date",
    "senior_leader",
    "senco_fte",
    "sensory_class",
    "senco_exempt",
    "senco_served_from",
    "senco_served_to",
]


@dataclass
class Part:
    """One part of the country: its staff (with their posts) and their training, as CSV for the importers."""

    label: str
    people: list[Person]

    @property
    def staff_rows(self) -> int:
        return sum(len(p.posts) for p in self.people)

    def staff_csv(self) -> bytes:
        out = _CsvText(STAFF_COLUMNS)
        for p in self.people:
            exempt = p.exempt
            for post in p.posts:
                out.row(
                    [
                        p.ref,
                        p.trn,
                        p.title,
                        p.first,
                        p.last,
                        _yes(p.qts),
                        post.urn or "",
                        post.trust_uid or "",
                        post.role,
                        _number(post.fte),
                        post.start.isoformat(),
                        post.end.isoformat() if post.end else "",
                        _yes(post.senior),
                        _number(post.senco_fte) if post.senco_fte is not None else "",
                        post.sensory_class or "",
                        _yes(exempt is not None),
                        exempt[0].isoformat() if exempt else "",
                        exempt[1].isoformat() if exempt else "",
                    ]
                )
        return out.bytes()

    def qualifications_csv(self) -> bytes:
        out = _CsvText(["staff_id", "qualification", "status", "provider", "start_date", "award_date"])
        for p in self.people:
            if p.emitted:
                continue
            for kind, status, provider, start, award in p.qualifications:
                out.row(
                    [
                        p.ref,
                        kind,
                        status,
                        provider,
                        start.isoformat() if start else "",
                        award.isoformat() if award else "",
                    ]
                )
        return out.bytes()

    def cpd_csv(self) -> bytes:
        out = _CsvText(
            [
                "staff_id",
                "title",
                "date",
                "hours",
                "send",
                "send_area",
                "status",
                "provider",
                "mandatory_module",
            ]
        )
        for p in self.people:
            if p.emitted:
                continue
            for day, activity, hours, status, provider, mandatory in p.cpd:
                out.row(
                    [
                        p.ref,
                        activity.title,
                        day.isoformat(),
                        _number(hours),
                        _yes(activity.send),
                        activity.area,
                        status,
                        provider,
                        _yes(mandatory),
                    ]
                )
        return out.bytes()

    def placements_csv(self) -> bytes:
        out = _CsvText(["staff_id", "route", "host_urn", "start_date", "end_date", "days"])
        for p in self.people:
            if p.emitted:
                continue
            for route, host, start, end, days in p.placements:
                out.row([p.ref, route, host, start.isoformat(), end.isoformat(), days])
        return out.bytes()

    def mark_emitted(self) -> None:
        for p in self.people:
            p.emitted = True


class _PeopleGenerator:
    def __init__(self, plan: NationalPlan):
        self.plan = plan
        self.ref = plan.reference_date
        self.year_start = _academic_year_start(self.ref)
        self.trn = FIRST_TRN
        self.female = _names("first_names_female.txt")
        self.male = _names("first_names_male.txt")
        self.last = _names("last_names.txt")
        self.send_cpd, self.other_cpd = cpd_activities()
        self.providers = _names("cpd_providers.txt")
        open_schools = plan.open_schools
        self.hosts_special = [s.urn for s in open_schools if s.phase.key == "special"]
        self.hosts_provision = [s.urn for s in open_schools if s.resourced_provision or s.sen_unit]
        self.hosts_mainstream = [s.urn for s in open_schools if s.phase.key in ("primary", "secondary")]
        self.shared_senco: dict[str, Person] = {}  # trust UID -> a SENCO who can also serve a small school

    # -- one person
    def person(self, r: random.Random, ref: str, *, qts: bool, female_share: float) -> Person:
        female = r.random() < female_share
        first = r.choice(self.female if female else self.male)
        if r.random() < 0.04:
            title = "Dr"
        elif female:
            title = r.choice(("Mrs", "Mrs", "Ms", "Miss"))
        else:
            title = "Mr"
        trn = ""
        if qts:
            trn = str(self.trn)
            self.trn += 1
        return Person(ref, trn, title, first, r.choice(self.last), qts)

    def _start(
        self, r: random.Random, mean_years: float, school: SchoolPlan | None, *, earliest=None
    ) -> dt.date:
        years = min(35.0, r.expovariate(1.0 / mean_years))  # careers do not go back further
        day = self.ref - dt.timedelta(days=int(years * 365.25))
        month = r.choices((9, 1, 4), (0.75, 0.15, 0.10))[0]
        year = day.year if (day.month, day.day) >= (month, 1) else day.year - 1
        start = dt.date(year, month, 1)
        if start > self.ref:
            start = dt.date(start.year - 1, start.month, 1)
        if school is not None and school.academy and start < school.open_date:
            start = school.open_date
        if earliest and start < earliest:
            start = earliest
        return start

    def _fte(self, r: random.Random, part_time_share: float) -> float:
        if r.random() >= part_time_share:
            return 1.0
        return r.choice((0.4, 0.5, 0.6, 0.6, 0.7, 0.8, 0.8))

    # -- a trust's central team
    def trust_part(self) -> Part:
        people: list[Person] = []
        for t in self.plan.trusts:
            if t.trust_type != "MAT":
                continue
            r = random.Random(f"{self.plan.seed}:trust:{t.uid}:staff")
            size = len(t.schools)
            posts = [("chief executive", True, True)]
            if size >= 3:
                posts.append(("finance", False, False))
            if size >= 5:
                posts.append(("education", True, True))
            send_lead = size >= 10 or r.random() < 0.3
            if send_lead:
                posts.append(("send", True, True))
            for n, (what, senior, qts) in enumerate(posts, start=1):
                p = self.person(r, f"T{t.uid}-{n:02d}", qts=qts, female_share=0.6)
                start = self._start(r, 5, None, earliest=dt.date(2012, 9, 1))
                p.posts.append(
                    Post(
                        None, t.uid, "trust-leader", start, fte=1.0 if what != "send" else 0.8, senior=senior
                    )
                )
                if what == "send" and r.random() < 0.75:
                    self._senco_qualification_held(r, p, before=start)
                elif what == "chief executive":
                    if r.random() < 0.08:
                        self._senco_qualification_held(r, p, before=start)
                    if r.random() < 0.6:
                        award = start - dt.timedelta(days=r.randint(400, 3_000))
                        p.qualifications.append(
                            (
                                "npq-headship",
                                "passed",
                                r.choice(NPQ_PROVIDERS),
                                award - dt.timedelta(days=540),
                                award,
                            )
                        )
                people.append(p)
        return Part("trust central teams", people)

    # -- a school's staff
    def school_people(self, school: SchoolPlan) -> list[Person]:
        r = random.Random(school.rng_key + ":staff")
        phase = school.phase
        people: list[Person] = []
        counter = iter(range(1, 100_000))

        def new(role_qts: bool, female_share: float) -> Person:
            p = self.person(r, f"N{school.urn}-{next(counter):04d}", qts=role_qts, female_share=female_share)
            people.append(p)
            return p

        teacher_fte_target = school.pupils / phase.pupils_per_teacher * _mean_one(r, 0.12)
        teacher_fte = 0.0
        # head teacher
        head = new(True, 0.7 if phase.key != "secondary" else 0.45)
        head_start = self.year_start if r.random() < 0.07 else self._start(r, 7, school)  # new this year
        head.posts.append(Post(school.urn, None, "headteacher", head_start, senior=True))
        teacher_fte += 1.0
        self._head_qualifications(r, head, head_start)
        # deputies and assistant heads
        leaders: list[Person] = []
        deputies, assistants = _leadership_team(r, school)
        for role, count in (("deputy-head", deputies), ("assistant-head", assistants)):
            for _ in range(count):
                p = new(True, 0.68)
                start = self._start(r, 6, school)
                p.posts.append(Post(school.urn, None, role, start, senior=True))
                teacher_fte += 1.0
                leaders.append(p)
                if r.random() < 0.08:
                    self._senco_qualification_held(r, p, before=start)  # a former SENCO
        # SENCO
        self._senco(r, school, head, leaders, people, new)
        # sensory-impairment classes
        sensory_teachers = 0
        if phase.key == "special" and r.random() < 0.3:
            sensory_teachers = r.choice((1, 1, 2))
        elif school.resourced_provision and r.random() < 0.25:
            sensory_teachers = 1
        # classroom teachers
        while teacher_fte + 0.5 < teacher_fte_target or sensory_teachers:
            p = new(True, 0.76)
            fte = self._fte(r, 0.25)
            start = self._start(r, 11, school)
            sensory = None
            if sensory_teachers:
                sensory_teachers -= 1
                sensory = _weighted_str(r, SENSORY_CLASSES)
                self._mq(r, p, sensory, start)
            p.posts.append(Post(school.urn, None, "teacher", start, fte=fte, sensory_class=sensory))
            teacher_fte += fte
            if start >= self.ref - dt.timedelta(days=3 * 365) and r.random() < 0.6:
                self._placements(r, p, start)
            if r.random() < NPQ_SENCO_ASPIRING * 2:
                self._npq_senco_aspiring(r, p)
        # teaching assistants
        ta_fte_target = school.pupils / phase.pupils_per_ta * _mean_one(r, 0.38)
        ta_fte = 0.0
        while ta_fte + 0.35 < ta_fte_target:
            p = new(False, 0.9)
            fte = self._fte(r, 0.7)
            p.posts.append(Post(school.urn, None, "ta", self._start(r, 8, school), fte=fte))
            ta_fte += fte
        # CPD for everyone in post
        for p in people:
            self._cpd(r, p)
        for p in leaders:
            if r.random() < NPQ_SENCO_ASPIRING * 2:
                self._npq_senco_aspiring(r, p)
        # staff who left in the last two years
        leavers = round(len(people) * LEAVER_SHARE * _mean_one(r, 0.3))
        for _ in range(leavers):
            teacher = r.random() < 0.6
            p = new(teacher, 0.8)
            end = self.ref - dt.timedelta(days=r.randint(30, 700))
            start = min(end - dt.timedelta(days=200), self._start(r, 6, school))
            p.posts.append(
                Post(
                    school.urn,
                    None,
                    "teacher" if teacher else "ta",
                    start,
                    end=end,
                    fte=self._fte(r, 0.3 if teacher else 0.7),
                )
            )
        return people

    def _senco(
        self,
        r: random.Random,
        school: SchoolPlan,
        head: Person,
        leaders: list[Person],
        people: list[Person],
        new,
    ) -> None:
        phase = school.phase
        chance = {"special": 0.4, "alternative-provision": 0.7, "16-19": 0.3}.get(phase.key, 0.96)
        if r.random() >= chance:
            return
        sen_pupils = school.ehc + school.sen_support
        needed = max(0.2, 0.5 * sen_pupils / 100)
        senco_fte = round(min(1.0, max(0.1, needed * _mean_one(r, 0.35))), 1)
        trust = school.trust
        if (
            trust is not None
            and trust.trust_type == "MAT"
            and school.pupils < 150
            and trust.uid in self.shared_senco
            and r.random() < 0.4
        ):
            shared = self.shared_senco[trust.uid]
            first_post = shared.posts[0]
            shared.posts.append(
                Post(
                    school.urn,
                    None,
                    "senco",
                    first_post.start,
                    fte=0.4,
                    senco_fte=min(0.4, senco_fte),
                    senior=first_post.senior,
                )
            )
            if (
                shared.emitted
            ):  # loaded with an earlier part: its rows go again (found unchanged) with the new post
                people.append(shared)
            return
        if phase.key == "primary" and school.pupils < 200 and r.random() < 0.3:
            holder = head if r.random() < 0.6 or not leaders else leaders[0]
            start = holder.posts[0].start
            senco_fte = min(senco_fte, 0.4)
            holder.posts.append(
                Post(school.urn, None, "senco", start, fte=senco_fte, senco_fte=senco_fte, senior=True)
            )
            self._senco_qualifications(r, holder, start)
            return
        p = new(r.random() < 0.97, 0.85)
        start = self._start(r, 7, school)
        fte = max(senco_fte, self._fte(r, 0.35))
        p.posts.append(
            Post(school.urn, None, "senco", start, fte=fte, senco_fte=senco_fte, senior=r.random() < 0.5)
        )
        self._senco_qualifications(r, p, start)
        if trust is not None and trust.trust_type == "MAT" and fte >= 0.8:
            self.shared_senco.setdefault(trust.uid, p)

    # -- qualifications
    def _senco_qualification_held(self, r: random.Random, p: Person, *, before: dt.date) -> None:
        award = before - dt.timedelta(days=r.randint(100, 2_500))
        if award >= dt.date(2024, 7, 1) and r.random() < 0.7:
            p.qualifications.append(
                ("npq-senco", "passed", r.choice(NPQ_PROVIDERS), award - dt.timedelta(days=600), award)
            )
        else:
            p.qualifications.append(
                (
                    "nasenco",
                    "passed",
                    r.choice(NASENCO_PROVIDERS),
                    award - dt.timedelta(days=r.randint(300, 700)),
                    award,
                )
            )

    def _senco_qualifications(self, r: random.Random, p: Person, appointed: dt.date) -> None:
        ref = self.ref
        if appointed < dt.date(2008, 9, 1) and r.random() < 0.5:
            p.exempt = (appointed, dt.date(2009, 8, 31))
            return
        roll = r.random()
        if appointed < dt.date(2021, 9, 1):
            if roll < 0.88:
                award = appointed + dt.timedelta(days=r.randint(300, 1_050))
                p.qualifications.append(
                    (
                        "nasenco",
                        "passed",
                        r.choice(NASENCO_PROVIDERS),
                        award - dt.timedelta(days=r.randint(300, 600)),
                        award,
                    )
                )
            elif roll < 0.94:
                self._npq_senco_course(r, p, dt.date(2023, 10, 1))  # qualified late
            return  # else: no qualification recorded (a gap)
        if appointed < dt.date(2024, 9, 1):
            if roll < 0.55:
                start = appointed + dt.timedelta(days=r.randint(20, 300))
                start = min(start, dt.date(2024, 8, 1))
                award = start + dt.timedelta(days=r.randint(380, 700))
                if award <= ref:
                    p.qualifications.append(("nasenco", "passed", r.choice(NASENCO_PROVIDERS), start, award))
                else:
                    p.qualifications.append(
                        ("nasenco", "in-progress", r.choice(NASENCO_PROVIDERS), start, None)
                    )
                return
            if roll < 0.93:
                self._npq_senco_course(r, p, _next_cohort(appointed + dt.timedelta(days=r.randint(10, 400))))
            return
        if roll < 0.75:
            self._npq_senco_course(r, p, _next_cohort(appointed + dt.timedelta(days=r.randint(10, 250))))

    def _npq_senco_course(self, r: random.Random, p: Person, start: dt.date) -> None:
        ref = self.ref
        if start > ref:
            p.qualifications.append(("npq-senco", "registered", r.choice(NPQ_PROVIDERS), start, None))
            return
        months = r.randint(18, 22)
        finish = start + dt.timedelta(days=int(months * 30.4))
        if finish <= ref:
            outcome = r.random()
            if outcome < 0.88:
                p.qualifications.append(("npq-senco", "passed", r.choice(NPQ_PROVIDERS), start, finish))
            elif outcome < 0.94:
                p.qualifications.append(("npq-senco", "failed", r.choice(NPQ_PROVIDERS), start, None))
            else:
                p.qualifications.append(("npq-senco", "withdrawn", r.choice(NPQ_PROVIDERS), start, None))
        else:
            p.qualifications.append(("npq-senco", "in-progress", r.choice(NPQ_PROVIDERS), start, None))

    def _npq_senco_aspiring(self, r: random.Random, p: Person) -> None:
        if any(q[0] == "npq-senco" for q in p.qualifications):
            return
        cohort_year = r.choice((2024, 2025))
        start = dt.date(cohort_year, 10, 1) if r.random() < 0.7 else dt.date(cohort_year + 1, 2, 1)
        self._npq_senco_course(r, p, start)

    def _head_qualifications(self, r: random.Random, head: Person, appointed: dt.date) -> None:
        if r.random() < 0.45:
            award = appointed - dt.timedelta(days=r.randint(100, 2_000))
            head.qualifications.append(
                ("npq-headship", "passed", r.choice(NPQ_PROVIDERS), award - dt.timedelta(days=540), award)
            )
        if r.random() < 0.1:
            self._senco_qualification_held(r, head, before=appointed)
        if r.random() < 0.05:
            start = appointed + dt.timedelta(days=r.randint(30, 400))
            kind = r.choice(("head-send", "send-leadership"))
            finish = start + dt.timedelta(days=365)
            if finish <= self.ref:
                head.qualifications.append((kind, "passed", "SEND leadership programme", start, finish))
            elif start <= self.ref:
                head.qualifications.append((kind, "in-progress", "SEND leadership programme", start, None))

    def _mq(self, r: random.Random, p: Person, sensory: str, since: dt.date) -> None:
        roll = r.random()
        kind = f"mq-{sensory}"
        provider = r.choice(MQ_PROVIDERS)
        if roll < 0.55:
            award = since + dt.timedelta(days=r.randint(-1_000, 1_000))
            if award > self.ref:
                award = self.ref - dt.timedelta(days=r.randint(30, 300))
            p.qualifications.append((kind, "passed", provider, award - dt.timedelta(days=720), award))
        elif roll < 0.8:
            start = max(since, self.ref - dt.timedelta(days=700)) + dt.timedelta(days=r.randint(0, 200))
            if start <= self.ref:
                p.qualifications.append((kind, "in-progress", provider, start, None))

    # -- placements (early-career teachers)
    def _placements(self, r: random.Random, p: Person, first_post: dt.date) -> None:
        training_year = first_post.year - 1 if first_post.month >= 9 else first_post.year - 2
        for month in (10, 2):
            year = training_year if month >= 9 else training_year + 1
            start = dt.date(year, month, 1) + dt.timedelta(days=r.randint(0, 20))
            days = r.randint(25, 40)
            p.placements.append(("ITT", self._host(r), start, start + dt.timedelta(days=days * 7 // 5), days))
        if r.random() < 0.15:
            start = first_post + dt.timedelta(days=r.randint(60, 400))
            if start <= self.ref:
                host = (
                    r.choice(self.hosts_special) if self.hosts_special and r.random() < 0.5 else self._host(r)
                )
                days = r.randint(3, 10)
                p.placements.append(("ECF", host, start, start + dt.timedelta(days=days * 7 // 5), days))

    def _host(self, r: random.Random) -> int:
        roll = r.random()
        if roll < 0.06 and self.hosts_special:
            return r.choice(self.hosts_special)
        if roll < 0.12 and self.hosts_provision:
            return r.choice(self.hosts_provision)
        return r.choice(self.hosts_mainstream)

    # -- CPD
    def _cpd(self, r: random.Random, p: Person) -> None:
        post = p.posts[0]
        if post.end is not None:
            return
        this_year = self.year_start
        years = (
            (dt.date(this_year.year - 2, 9, 1), dt.date(this_year.year - 1, 8, 31), 1.2),
            (dt.date(this_year.year - 1, 9, 1), dt.date(this_year.year, 8, 31), 1.8),
            (this_year, self.ref, 0.7),
        )
        seen: set[tuple] = set()
        for first, last, mean in years:
            first = max(first, post.start)
            if first > last:
                continue
            span = (last - first).days + 1
            for send in (True, False):
                count = _poisson(r, mean if send else 0.3)
                for _ in range(count):
                    day = _weekday(first + dt.timedelta(days=r.randrange(span)))
                    if day > last:
                        continue
                    activity = r.choice(self.send_cpd if send else self.other_cpd)
                    if (day, activity.title) in seen:
                        continue
                    seen.add((day, activity.title))
                    verified = 0.3 if first >= this_year else 0.45
                    p.cpd.append(
                        (
                            day,
                            activity,
                            activity.hours * r.choice((0.5, 1, 1, 1.5)),
                            "verified" if r.random() < verified else "self-reported",
                            r.choice(self.providers),
                            send and r.random() < 0.08,
                        )
                    )


def _leadership_team(r: random.Random, school: SchoolPlan) -> tuple[int, int]:
    pupils = school.pupils
    key = school.phase.key
    if key == "primary":
        deputies = 0 if pupils < 180 and r.random() < 0.6 else (2 if pupils >= 600 else 1)
        assistants = 0 if pupils < 250 else (1 if pupils < 450 else 2)
    elif key == "secondary":
        deputies = 2 + (pupils > 1_200)
        assistants = 3 + pupils // 500
    elif key == "special" or key == "16-19":
        deputies, assistants = 1, r.choice((1, 2))
    elif key == "alternative-provision":
        deputies, assistants = r.choice((0, 1)), r.choice((0, 1))
    else:
        deputies, assistants = 0, 0
    return deputies, assistants


def _weighted_str(r: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    return r.choices([o for o, _ in options], [w for _, w in options])[0]


def _next_cohort(day: dt.date) -> dt.date:
    """NPQ courses start in autumn (October) or spring (February) cohorts."""
    for candidate in (dt.date(day.year, 2, 1), dt.date(day.year, 10, 1), dt.date(day.year + 1, 2, 1)):
        if candidate >= day:
            return candidate
    raise AssertionError("unreachable")


def _weekday(day: dt.date) -> dt.date:
    weekday = day.weekday()
    return day + dt.timedelta(days=7 - weekday) if weekday >= 5 else day


def _academic_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 9 else day.year - 1, 9, 1)


def _distinct_names(r: random.Random, count: int) -> list[str]:
    names: list[str] = []
    female, male, last = (
        _names("first_names_female.txt"),
        _names("first_names_male.txt"),
        _names("last_names.txt"),
    )
    while len(names) < count:
        first = r.choice(female if r.random() < 0.55 else male)
        name = f"{first} {r.choice(last)}"
        if name not in names:
            names.append(name)
    return names


def _gias_date(day: dt.date | None) -> str:
    return day.strftime("%d-%m-%Y") if day else ""


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


class _CsvText:
    """CSV text built in memory for one import (one part of the country at a time)."""

    def __init__(self, header: list[str]):
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, lineterminator="\n")
        self._writer.writerow(header)
        self.rows = 0
        self.row = self._add

    def _add(self, values: list) -> None:
        self._writer.writerow(values)
        self.rows += 1

    def bytes(self) -> bytes:
        return self._buffer.getvalue().encode("utf-8")


# ------------------------------------------------------------------------------------------ loading
@dataclass
class NationalSummary:
    scale: float
    seed: int
    seconds: float
    rows: dict[str, int]  # CSV rows imported per kind
    created: dict[str, int]  # records created per kind of import


class NationalSeedError(RuntimeError):
    """The importer refused a generated file (a bug in the generator); nothing of that part was written."""


async def seed_national(
    *,
    scale: float = 1.0,
    seed: int = 42,
    reset: bool = False,
    reference_date: dt.date = REFERENCE_DATE,
    staff_rows_per_part: int = STAFF_ROWS_PER_PART,
    progress: Callable[[str], None] = print,
) -> NationalSummary:
    """Generate the national data set and load it through the importers, one part of the country at a time.

    ``reset`` empties every table first. Without it, loading the same seed and scale again changes nothing.
    Ends with ``ANALYZE``: straight after a bulk load the query planner's statistics describe empty tables
    (on PostgreSQL the whole-country evaluation's SQL ran 2-5 times slower until autovacuum caught up).
    Raises ``NationalSeedError`` if the importer refuses a generated file.
    """
    from workforce.database import engine, truncate_all

    began = time.perf_counter()
    if reset:
        await truncate_all()
        progress("emptied every table")
    plan = NationalPlan(scale=scale, seed=seed, reference_date=reference_date)
    rows: dict[str, int] = {}
    created: dict[str, int] = {}

    async def load(kind: str, data: bytes, label: str) -> None:
        lap = time.perf_counter()
        report = await import_file(kind, data, actor=ACTOR)
        if not report.applied:
            raise NationalSeedError(
                f"the generated {kind} file ({label}) was refused:\n" + "\n".join(report.error_lines()[:20])
            )
        rows[kind] = rows.get(kind, 0) + report.rows_read
        created[kind] = created.get(kind, 0) + report.created
        progress(
            f"  {kind:<15} {report.rows_read:>9,} rows  {report.created:>9,} created  "
            f"{time.perf_counter() - lap:6.1f} s  ({label})"
        )

    progress(
        f"national data set: scale {scale:g}, seed {seed}, {len(plan.schools):,} schools, "
        f"{len(plan.trusts):,} trusts, dates up to {reference_date.isoformat()}"
    )
    await load("gias", plan.gias_csv(), "schools and trusts")
    for number, part in enumerate(plan.parts(staff_rows_per_part), start=1):
        label = f"part {number}: {part.label}"
        await load("staff", part.staff_csv(), label)
        await load("qualifications", part.qualifications_csv(), label)
        await load("cpd", part.cpd_csv(), label)
        await load("placements", part.placements_csv(), label)
        part.mark_emitted()
    await load("governance", plan.governance_csv(), "governing boards and trust boards")
    lap = time.perf_counter()
    await engine().run_ddl("ANALYZE")
    progress(f"  refreshed the query planner's statistics (ANALYZE) in {time.perf_counter() - lap:.1f} s")
    summary = NationalSummary(scale, seed, time.perf_counter() - began, rows, created)
    progress(f"loaded in {summary.seconds:,.1f} s")
    return summary


# ------------------------------------------------------------------------------------------ checking
# Each: (the table whose ids are walked, a query over it). A few identifying columns per kind of record.
CHECKSUM_QUERIES = {
    "schools": (
        "school",
        (
            "SELECT x.urn, x.name, x.type_code, x.number_of_pupils, x.sen_support_pupils, "
            "x.ehc_plan_pupils FROM school x"
        ),
    ),
    "trust memberships": (
        "trust_membership",
        (
            "SELECT t.uid, t.trust_type, s.urn FROM trust_membership x "
            "JOIN trust t ON t.id = x.trust JOIN school s ON s.id = x.school"
        ),
    ),
    "staff": (
        "staff_member",
        "SELECT x.staff_ref, x.trn, x.first_name, x.last_name, x.qts FROM staff_member x",
    ),
    "employments": (
        "employment",
        (
            "SELECT p.staff_ref, x.role, x.fte, x.senco_fte, x.start_date, x.end_date, s.urn "
            "FROM employment x JOIN staff_member p ON p.id = x.staff "
            "LEFT JOIN school s ON s.id = x.school"
        ),
    ),
    "cpd": (
        "cpd_record",
        (
            "SELECT p.staff_ref, x.activity_date, x.title, x.hours, x.status, x.is_send "
            "FROM cpd_record x JOIN staff_member p ON p.id = x.staff"
        ),
    ),
    "qualifications": (
        "qualification",
        (
            "SELECT p.staff_ref, x.kind, x.status, x.start_date, x.award_date "
            "FROM qualification x JOIN staff_member p ON p.id = x.staff"
        ),
    ),
    "placements": (
        "placement",
        (
            "SELECT p.staff_ref, x.route, x.host_urn, x.start_date, x.days "
            "FROM placement x JOIN staff_member p ON p.id = x.staff"
        ),
    ),
    "governance": (
        "governance_role",
        "SELECT x.full_name, x.role, x.send_responsibility FROM governance_role x",
    ),
}
CHECKSUM_WINDOW = 100_000  # rows read per query


def _canonical(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


async def national_checksum() -> dict[str, tuple[int, str]]:
    """(row count, checksum) per kind of record, over a few identifying columns, whatever the engine.

    The checksum is the sum of one SHA-256 per row (modulo 2**256), so it does not depend on row order,
    ids or timestamps: two loads of the same seed give equal checksums, on SQLite and PostgreSQL alike.
    Rows are read a window of ids at a time, so memory stays small at national scale.
    """
    from workforce.organisations.tables import School

    out = {}
    for name, (table, query) in CHECKSUM_QUERIES.items():
        total, count = 0, 0
        top = (await School.raw(f"SELECT MAX(id) AS top FROM {table}"))[0]["top"] or 0
        for low in range(0, top, CHECKSUM_WINDOW):
            for row in await School.raw(
                f"{query} WHERE x.id > {{}} AND x.id <= {{}}", low, low + CHECKSUM_WINDOW
            ):
                line = "|".join(_canonical(v) for v in row.values()).encode()
                total = (total + int.from_bytes(hashlib.sha256(line).digest(), "big")) % (1 << 256)
                count += 1
        out[name] = (count, f"{total:064x}")
    return out

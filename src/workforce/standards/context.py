"""The evaluation context: indexes over the facts and the helpers every check shares.

A check asks the context which schools a rule covers (emitting ``not-applicable`` findings for the
groups the rule excludes), who holds which post on the as-of date, and builds findings with the rule's
basis. Indexes are built lazily, so a check only pays for what it reads.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import Any

from workforce.organisations.scope import CLOSED_STATUS, OUT_OF_SCOPE, SCOPE_LABELS
from workforce.standards.dates import format_date
from workforce.standards.facts import (
    Facts,
    GovernorFacts,
    PersonFacts,
    PostFacts,
    QualificationFacts,
    SchoolFacts,
    TrustFacts,
    fast_constructor,
)
from workforce.standards.model import (
    ADVISORY,
    ADVISORY_SCOPE,
    DUE_SOON,
    GAP,
    NOT_APPLICABLE,
    OPTED_IN,
    REQUIRED,
    SUBJECT_PERSON,
    SUBJECT_SCHOOL,
    SUBJECT_TRUST,
    Finding,
    Rule,
    Standard,
)

make_finding = fast_constructor(Finding)  # positional, every field: an evaluation makes a million of them
SCOPE_GROUP_LABELS = {**SCOPE_LABELS, OPTED_IN: "an establishment opted in to these rules"}


def join_names(names: list[str]) -> str:
    """``A``, ``A and B``, ``A, B and C``."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def person_sort_key(person: PersonFacts) -> tuple:
    return (person.last_name.lower(), person.first_name.lower(), person.id)


class Context:
    def __init__(self, standard: Standard, facts: Facts, as_of: dt.date):
        self.standard = standard
        self.facts = facts
        self.as_of = as_of
        self._by_role: dict[str, dict[int, list[PostFacts]]] = {}

    # ----------------------------------------------------------------------------------- indexes
    @cached_property
    def schools(self) -> list[SchoolFacts]:
        """Schools evaluated: closed establishments (GIAS status 2) are never judged."""
        return sorted((s for s in self.facts.schools if s.status_code != CLOSED_STATUS), key=lambda s: s.urn)

    @cached_property
    def school_by_urn(self) -> dict[int, SchoolFacts]:
        return {school.urn: school for school in self.schools}

    @cached_property
    def trusts(self) -> list[TrustFacts]:
        return sorted(self.facts.trusts, key=lambda t: t.uid)

    @cached_property
    def trust_by_uid(self) -> dict[str, TrustFacts]:
        return {trust.uid: trust for trust in self.facts.trusts}

    @cached_property
    def schools_by_trust(self) -> dict[str, list[SchoolFacts]]:
        index: dict[str, list[SchoolFacts]] = defaultdict(list)
        for school in self.schools:
            if school.trust_uid is not None:
                index[school.trust_uid].append(school)
        return index

    @cached_property
    def people(self) -> dict[int, PersonFacts]:
        return {person.id: person for person in self.facts.people}

    @cached_property
    def posts_by_person(self) -> dict[int, list[PostFacts]]:
        index: dict[int, list[PostFacts]] = {}
        for post in self.facts.posts:
            posts = index.get(post.person_id)
            if posts is None:
                index[post.person_id] = [post]
            else:
                posts.append(post)
        for posts in index.values():
            if len(posts) > 1:
                posts.sort(
                    key=lambda p: (p.start, p.end or dt.date.max, p.role, p.urn or 0, p.trust_uid or "")
                )
        return index

    @cached_property
    def current_by_school(self) -> dict[int, list[PostFacts]]:
        index: dict[int, list[PostFacts]] = {}
        as_of = self.as_of
        for post in self.facts.posts:  # post.current(as_of), inline: this runs once per post in scope
            if post.urn is not None and post.start <= as_of and (post.end is None or as_of <= post.end):
                posts = index.get(post.urn)
                if posts is None:
                    index[post.urn] = [post]
                else:
                    posts.append(post)
        return index

    @cached_property
    def current_by_trust(self) -> dict[str, list[PostFacts]]:
        """Current trust-level (central) posts."""
        index: dict[str, list[PostFacts]] = defaultdict(list)
        for post in self.facts.posts:
            if post.urn is None and post.trust_uid is not None and post.current(self.as_of):
                index[post.trust_uid].append(post)
        return index

    @cached_property
    def qualifications_by_person(self) -> dict[int, list[QualificationFacts]]:
        index: dict[int, list[QualificationFacts]] = defaultdict(list)
        for qualification in self.facts.qualifications:
            index[qualification.person_id].append(qualification)
        for items in index.values():
            items.sort(key=lambda q: (q.award or dt.date.max, q.start or dt.date.max, q.kind, q.status))
        return index

    @cached_property
    def exemptions_by_person(self):
        index = defaultdict(list)
        for exemption in self.facts.exemptions:
            index[exemption.person_id].append(exemption)
        for items in index.values():
            items.sort(key=lambda e: (e.served_from or dt.date.min, e.served_to or dt.date.max))
        return index

    @cached_property
    def cpd_by_person(self) -> dict[int, dict[tuple[dt.date, str], tuple[int, float]]]:
        """SEND CPD per person: ``{(year_start, status): (activities, hours)}``."""
        index: dict[int, dict[tuple[dt.date, str], tuple[int, float]]] = {}
        for tally in self.facts.cpd:
            slot = index.get(tally.person_id)
            if slot is None:
                slot = index[tally.person_id] = {}
            key = (tally.year_start, tally.status)
            before = slot.get(key)
            if before is None:
                slot[key] = (tally.activities, 0.0 + tally.hours)
            else:
                slot[key] = (before[0] + tally.activities, before[1] + tally.hours)
        return index

    @cached_property
    def placements_by_person(self):
        index = defaultdict(list)
        for placement in self.facts.placements:
            index[placement.person_id].append(placement)
        for items in index.values():
            items.sort(key=lambda p: (p.start, p.end or dt.date.max, p.route, p.host_urn or 0))
        return index

    @cached_property
    def governors_by_school(self) -> dict[int, list[GovernorFacts]]:
        index: dict[int, list[GovernorFacts]] = defaultdict(list)
        for governor in self.facts.governors:
            if governor.urn is not None and governor.current(self.as_of):
                index[governor.urn].append(governor)
        for items in index.values():
            items.sort(key=lambda g: (g.name.lower(), g.role))
        return index

    @cached_property
    def governors_by_trust(self) -> dict[str, list[GovernorFacts]]:
        index: dict[str, list[GovernorFacts]] = defaultdict(list)
        for governor in self.facts.governors:
            if governor.urn is None and governor.trust_uid is not None and governor.current(self.as_of):
                index[governor.trust_uid].append(governor)
        for items in index.values():
            items.sort(key=lambda g: (g.name.lower(), g.role))
        return index

    # ----------------------------------------------------------------------------------- helpers
    def roles(self, group: str) -> tuple[str, ...]:
        return self.standard.roles[group]

    def person(self, person_id: int) -> PersonFacts:
        person = self.people.get(person_id)
        if person is None:  # a post without its person: still judge it, under a neutral name
            person = PersonFacts(id=person_id, first_name="", last_name=f"(staff record {person_id})")
        return person

    @cached_property
    def people_at_school(self) -> dict[int, list[tuple[PersonFacts, list[PostFacts]]]]:
        """For each school, the people with a current post there (sorted by name), each with those posts."""
        index: dict[int, list[tuple[PersonFacts, list[PostFacts]]]] = {}
        person = self.person
        for urn, posts in self.current_by_school.items():
            by_person: dict[int, list[PostFacts]] = {}
            for post in posts:
                items = by_person.get(post.person_id)
                if items is None:
                    by_person[post.person_id] = [post]
                else:
                    items.append(post)
            people = [
                (person(pid), items if len(items) == 1 else sorted(items, key=lambda p: (p.start, p.role)))
                for pid, items in by_person.items()
            ]
            people.sort(key=lambda item: (item[0].last_name.lower(), item[0].first_name.lower(), item[0].id))
            index[urn] = people  # (person_sort_key, inline: a million calls saved)
        return index

    def _current_in_role(self, role: str) -> dict[int, list[PostFacts]]:
        """Current posts at schools in one role, by school (worked out once per role)."""
        index = self._by_role.get(role)
        if index is None:
            index = self._by_role[role] = {}
            for urn, posts in self.current_by_school.items():
                found = [post for post in posts if post.role == role]
                if found:
                    index[urn] = found
        return index

    def school_people(
        self, school: SchoolFacts, roles: Iterable[str]
    ) -> list[tuple[PersonFacts, list[PostFacts]]]:
        """People with a current post at the school in one of ``roles``, sorted by name, with those posts."""
        wanted = roles if isinstance(roles, (set, frozenset)) else set(roles)
        if len(wanted) == 1:  # the SENCOs, the head: from their few posts instead of reading everyone
            (role,) = wanted
            by_person: dict[int, list[PostFacts]] = {}
            for post in self._current_in_role(role).get(school.urn, ()):
                by_person.setdefault(post.person_id, []).append(post)
            people = [
                (
                    self.person(pid),
                    posts if len(posts) == 1 else sorted(posts, key=lambda p: (p.start, p.role)),
                )
                for pid, posts in by_person.items()
            ]
            people.sort(key=lambda item: person_sort_key(item[0]))
            return people
        found = []
        for item in self.people_at_school.get(school.urn, ()):
            posts = item[1]
            if len(posts) == 1:  # most people hold one post at a school: keep the pair as it is
                if posts[0].role in wanted:
                    found.append(item)
                continue
            matching = [post for post in posts if post.role in wanted]
            if matching:
                found.append((item[0], matching))
        return found

    def first_post(self, person_id: int, roles: Iterable[str]) -> PostFacts | None:
        """The person's earliest post (started by the as-of date) in one of ``roles``."""
        wanted = set(roles)
        for post in self.posts_by_person.get(person_id, ()):
            if post.role in wanted and post.start <= self.as_of:
                return post
        return None

    def passed(self, person_id: int, kinds: Iterable[str]) -> list[QualificationFacts]:
        """Passed qualifications of these kinds, awarded by the as-of date (undated awards count)."""
        wanted = set(kinds)
        return [
            q
            for q in self.qualifications_by_person.get(person_id, ())
            if q.kind in wanted and q.status == "passed" and (q.award is None or q.award <= self.as_of)
        ]

    def group_of(self, school: SchoolFacts) -> str:
        if school.scope_group == OUT_OF_SCOPE:
            return OPTED_IN if school.opted_in else OUT_OF_SCOPE
        return school.scope_group

    def for_schools(self, rule: Rule, out: list[Finding]) -> Iterator[tuple[SchoolFacts, str]]:
        """The schools a rule judges, with their treatment (required or advisory).

        Schools whose group the rule excludes get one ``not-applicable`` finding with the file's
        reason; before the rule's ``effective_from`` every covered school gets one saying so.
        """
        effective_from = rule.params.get("effective_from")
        for school in self.schools:
            group = self.group_of(school)
            treatment = rule.scope.treatment(group)
            if treatment is None:
                continue
            if treatment == NOT_APPLICABLE:
                out.append(
                    self.school_finding(rule, school, NOT_APPLICABLE, rule.scope.not_applicable[group])
                )
                continue
            if effective_from is not None and self.as_of < effective_from:
                out.append(
                    self.school_finding(
                        rule,
                        school,
                        NOT_APPLICABLE,
                        f"This rule applies from {format_date(effective_from)}.",
                        due=effective_from,
                    )
                )
                continue
            yield school, treatment

    def covered_trusts(
        self, rule: Rule, trust_types: Iterable[str]
    ) -> Iterator[tuple[TrustFacts, list[SchoolFacts]]]:
        """Trusts judged by a trust-level rule: of the given types, with at least one covered school."""
        if not self.facts.evaluate_trusts:
            return
        types = set(trust_types)
        covered = set(rule.scope.covered)
        effective_from = rule.params.get("effective_from")
        if effective_from is not None and self.as_of < effective_from:
            return
        for trust in self.trusts:
            if trust.trust_type not in types:
                continue
            schools = [s for s in self.schools_by_trust.get(trust.uid, ()) if self.group_of(s) in covered]
            if schools:
                yield trust, schools

    # ----------------------------------------------------------------------------------- findings
    def _adjust(self, outcome: str, reason: str, treatment: str, group: str | None) -> tuple[str, str]:
        if treatment != REQUIRED and treatment == ADVISORY_SCOPE and outcome in (GAP, DUE_SOON):
            label = SCOPE_GROUP_LABELS.get(group or "", "this type of school")
            article = "" if label.startswith("an ") else "a "
            return (
                ADVISORY,
                f"{reason} This is good practice for {article}{label[0].lower()}{label[1:]}, not a requirement.",
            )
        return outcome, reason

    def school_finding(
        self,
        rule: Rule,
        school: SchoolFacts,
        outcome: str,
        reason: str,
        *,
        due: dt.date | None = None,
        metrics: dict[str, Any] | None = None,
        treatment: str = REQUIRED,
    ) -> Finding:
        outcome, reason = self._adjust(outcome, reason, treatment, self.group_of(school))
        return make_finding(
            self.standard.id,
            rule.id,
            SUBJECT_SCHOOL,
            outcome,
            rule.basis,
            reason,
            school.urn,
            school.trust_uid,
            None,
            due,
            metrics,
        )

    def person_finding(
        self,
        rule: Rule,
        school: SchoolFacts,
        person: PersonFacts,
        outcome: str,
        reason: str,
        *,
        due: dt.date | None = None,
        treatment: str = REQUIRED,
    ) -> Finding:
        if treatment != REQUIRED:
            outcome, reason = self._adjust(outcome, reason, treatment, self.group_of(school))
        return make_finding(
            self.standard.id,
            rule.id,
            SUBJECT_PERSON,
            outcome,
            rule.basis,
            reason,
            school.urn,
            school.trust_uid,
            person.id,
            due,
            None,
        )

    def trust_finding(
        self, rule: Rule, trust: TrustFacts, outcome: str, reason: str, *, due: dt.date | None = None
    ) -> Finding:
        return make_finding(
            self.standard.id,
            rule.id,
            SUBJECT_TRUST,
            outcome,
            rule.basis,
            reason,
            None,
            trust.uid,
            None,
            due,
            None,
        )

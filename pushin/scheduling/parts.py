"""Independent parts of a scenario: providers linked by a child on both their caseloads.

Providers who share no child share nothing the rules care about (docs/scenario-format.md,
rules 1-9), so `solve()` plans such parts one after another, each as a problem of its own,
and the district plan (district.py) starts from each provider alone.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from .plan import Plan
from .scenario import Interval, Scenario, Student


def person_of(student: Student) -> str:
    return student.person or student.id


def person_entries(scenario: Scenario) -> dict[str, tuple[str, ...]]:
    """Person -> their student entries, for persons with more than one."""
    entries: dict[str, list[str]] = defaultdict(list)
    for student in scenario.students:
        entries[person_of(student)].append(student.id)
    return {person: tuple(ids) for person, ids in entries.items() if len(ids) > 1}


def provider_components(scenario: Scenario) -> tuple[tuple[str, ...], ...]:
    """Providers linked by shared persons, in the scenario's provider order."""
    order = {provider.id: index for index, provider in enumerate(scenario.providers)}
    parent = {provider.id: provider.id for provider in scenario.providers}

    def root(item: str) -> str:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for entries in person_entries(scenario).values():
        providers = [scenario.student_by_id[entry].provider for entry in entries]
        for other in providers[1:]:
            a, b = root(providers[0]), root(other)
            if a != b:
                parent[max(a, b, key=order.__getitem__)] = min(a, b, key=order.__getitem__)
    groups: dict[str, list[str]] = defaultdict(list)
    for provider in scenario.providers:
        groups[root(provider.id)].append(provider.id)
    return tuple(tuple(group) for group in sorted(groups.values(), key=lambda g: order[g[0]]))


def part_scenario(
    scenario: Scenario,
    providers: Collection[str],
    *,
    unavailable: Mapping[str, Sequence[Interval]] | None = None,
) -> Scenario:
    """The scenario of some providers alone: their students, their part of the previous
    plan and pins, and `unavailable` added to their students' own unavailable time."""
    extra = unavailable or {}
    students = tuple(
        dataclasses.replace(student, unavailable=(*student.unavailable, *extra.get(student.id, ())))
        if extra.get(student.id)
        else student
        for student in scenario.students
        if student.provider in providers
    )
    previous_plan = scenario.previous_plan
    pinned: tuple[str, ...] = ()
    if previous_plan is not None:
        mine = tuple(s for s in previous_plan.sessions if s.provider in providers)
        previous_plan = Plan(status=previous_plan.status, sessions=mine)
        ids = {session.id for session in mine}
        pinned = tuple(pin for pin in scenario.pinned if pin in ids)
    return dataclasses.replace(
        scenario,
        providers=tuple(p for p in scenario.providers if p.id in providers),
        students=students,
        previous_plan=previous_plan,
        pinned=pinned,
    )

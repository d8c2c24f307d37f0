"""The director's capacity view: who is over capacity, and what one more provider would
change.

**Over capacity** is the plan pages' test (`capacity.provider_capacity`): mandated direct
minutes a week (push-in and pull-out mandates in force) plus the travel of the weekly
schedule in force, above the contracted week.

**One more provider** is a simple model, computed from the same figures, never solved:

1. The new provider has the default contract (`Provider.contracted_minutes_per_week`'s
   default, 37 h 30 min) and the discipline of the provider most over capacity; they take
   students only from over-capacity providers of the same service (an OT and a COTA serve
   OT mandates; a PT's students cannot go to an OT).
2. Over-capacity providers are taken most over first. From each, the new provider takes
   students at the provider's school with the most of their mandated direct minutes, then
   the next school, largest mandates first, until the provider is within their contract.
   A student whose minutes (with the drive to a school the new provider does not go to
   yet) would put the new provider over their own contract is left where they are.
3. Figures after: the provider's direct minutes less those taken; their travel is the
   weekly schedule's without the sessions at schools none of their students are left at
   (a school partly taken keeps its drives: an upper bound, as the schedule stays as it
   is). The new provider's travel is estimated as one drive a week from each school they
   take to the next, in the order taken, as if they spent whole days at a school: a
   planned week may need more.

Aggregates only: counts of students and minutes, never a student's name.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from pushin.caseload.models import IEP, Student
from pushin.district.models import District, Provider, School, TravelTime
from pushin.district.selectors import DIRECT_DELIVERIES, SERVICE_DISCIPLINE
from pushin.vocabulary import Discipline
from pushin.workload.capacity import Capacity, provider_capacity
from pushin.workload.selectors import weekly_travel

NEW_PROVIDER = "One more provider"


def default_contract() -> int:
    """The contract a new provider row gets: the model field's default."""
    default = Provider._meta.get_field("contracted_minutes_per_week").default
    return int(default)


def service_of(provider: Provider) -> str:
    """The IEP service a provider delivers (an assistant: their therapist's)."""
    return str(SERVICE_DISCIPLINE.get(Discipline(provider.discipline), provider.discipline))


@dataclass(frozen=True)
class StudentLoad:
    """One student's mandated direct minutes a week with one provider, and their school."""

    student: int
    school: int
    minutes: int


def caseload_loads(provider: Provider, *, on: dt.date) -> list[StudentLoad]:
    """Each active student's direct minutes for `provider` on `on`, counted as the district
    dashboard counts them (`district.selectors.provider_load`): their sum is the
    provider's mandated direct minutes."""
    service = service_of(provider)
    students = (
        Student.objects.filter(providers=provider, active=True)
        .select_related("classroom")
        .prefetch_related("ieps__services__versions")
        .order_by("pk")
    )
    loads = []
    for student in students:
        minutes = 0
        for iep in student.ieps.all():
            if not iep.is_in_force(on):
                continue
            minutes += _direct_minutes(iep, service, on)
        if minutes:
            loads.append(StudentLoad(student.pk, student.classroom.school_id, minutes))
    return loads


def _direct_minutes(iep: IEP, service: str, on: dt.date) -> int:
    weeks = max((iep.end - iep.start).days / 7, 1.0)
    total = 0
    for line in iep.services.all():
        if line.discipline != service:
            continue
        version = line.version_on(on)
        if version is not None and version.delivery in DIRECT_DELIVERIES:
            total += version.weekly_minutes(iep_weeks=weeks)
    return total


@dataclass(frozen=True)
class Load:
    """A provider's week in the model: contracted, mandated direct and travel minutes."""

    name: str
    contracted: int
    direct: int
    travel: int | None
    students: int

    @property
    def needed(self) -> int:
        return self.direct + (self.travel or 0)

    @property
    def over_by(self) -> int:
        return max(0, self.needed - self.contracted)

    @property
    def exceeds(self) -> bool:
        return self.needed > self.contracted

    @property
    def left(self) -> int:
        """What the contracted week leaves for indirect work (documentation, meetings...)."""
        return max(0, self.contracted - self.needed)

    @property
    def percent(self) -> int | None:
        return round(100 * self.needed / self.contracted) if self.contracted else None


@dataclass(frozen=True)
class Move:
    """Students the new provider takes from one provider at one school."""

    provider: Provider
    school: School
    students: int
    minutes: int
    whole_school: bool  # none of the provider's students is left at that school


@dataclass(frozen=True)
class StaffingRow:
    provider: Provider
    before: Capacity
    after: Load
    students_before: int

    @property
    def changed(self) -> bool:
        return self.after.direct != self.before.direct or self.after.travel != self.before.travel


@dataclass
class Staffing:
    on: dt.date
    rows: list[StaffingRow]
    new: Load | None  # None when nobody is over capacity: nothing to take
    discipline: str = ""
    moves: list[Move] = field(default_factory=list)

    @property
    def over_before(self) -> list[StaffingRow]:
        return [row for row in self.rows if row.before.exceeds]

    @property
    def over_after(self) -> list[StaffingRow]:
        return [row for row in self.rows if row.after.exceeds]

    @property
    def minutes_over_before(self) -> int:
        return sum(row.before.over_by for row in self.rows)

    @property
    def minutes_over_after(self) -> int:
        return sum(row.after.over_by for row in self.rows) + (self.new.over_by if self.new else 0)

    @property
    def moved_students(self) -> int:
        return sum(move.students for move in self.moves)


def _travel_between(district: District) -> dict[frozenset[int], int]:
    return {
        frozenset((t.from_school_id, t.to_school_id)): t.minutes
        for t in TravelTime.objects.filter(from_school__district=district)
    }


def district_staffing(district: District, *, on: dt.date) -> Staffing:
    """Every provider's capacity on `on`, and the one-more-provider model above."""
    providers = list(
        Provider.objects.filter(district=district)
        .select_related("user", "district")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    capacities = {p.pk: provider_capacity(p, on=on) for p in providers}
    loads = {p.pk: caseload_loads(p, on=on) for p in providers}
    over = sorted(
        (p for p in providers if capacities[p.pk].exceeds),
        key=lambda p: (-capacities[p.pk].over_by, p.pk),
    )
    moves: list[Move] = []
    taken: dict[int, set[int]] = defaultdict(set)  # provider pk -> student pks taken
    new: Load | None = None
    discipline = ""
    if over:
        discipline = service_of(over[0])
        moves, taken, new = _take(
            [p for p in over if service_of(p) == discipline],
            capacities=capacities,
            loads=loads,
            between=_travel_between(district),
        )
    rows = []
    for provider in providers:
        before = capacities[provider.pk]
        mine = loads[provider.pk]
        gone = taken.get(provider.pk, set())
        left = [load for load in mine if load.student not in gone]
        moved = sum(load.minutes for load in mine if load.student in gone)
        after_travel = before.travel
        emptied = {m.school.pk for m in moves if m.provider.pk == provider.pk and m.whole_school}
        if emptied and before.travel is not None:
            after_travel = weekly_travel(provider, on=on, without_schools=emptied)
        rows.append(
            StaffingRow(
                provider=provider,
                before=before,
                students_before=len(mine),
                after=Load(
                    name=provider.user.display_name,
                    contracted=before.contracted,
                    direct=before.direct - moved,
                    travel=after_travel,
                    students=len(left),
                ),
            )
        )
    return Staffing(on=on, rows=rows, new=new, discipline=discipline, moves=moves)


def _take(
    over: Sequence[Provider],
    *,
    capacities: dict[int, Capacity],
    loads: dict[int, list[StudentLoad]],
    between: dict[frozenset[int], int],
) -> tuple[list[Move], dict[int, set[int]], Load]:
    """The new provider's students, provider by provider (most over first)."""
    contract = default_contract()
    direct = travel = 0
    schools: list[int] = []  # in the order taken: the travel estimate follows it
    moves: list[Move] = []
    taken: dict[int, set[int]] = defaultdict(set)
    school_rows = {s.pk: s for s in School.objects.filter(pk__in=_schools_of(loads, over))}
    for provider in over:
        excess = capacities[provider.pk].over_by
        by_school: dict[int, list[StudentLoad]] = defaultdict(list)
        for load in loads[provider.pk]:
            by_school[load.school].append(load)
        order = sorted(by_school, key=lambda pk: (-sum(x.minutes for x in by_school[pk]), pk))
        for school in order:
            if excess <= 0:
                break
            count = minutes = 0
            for load in sorted(by_school[school], key=lambda x: (-x.minutes, x.student)):
                if excess <= 0:
                    break
                drive = (
                    0
                    if school in schools or not schools
                    else between.get(frozenset((schools[-1], school)), 0)
                )
                if direct + travel + drive + load.minutes > contract:
                    continue  # the new provider has no room for this one
                if school not in schools:
                    schools.append(school)
                    travel += drive
                direct += load.minutes
                excess -= load.minutes
                taken[provider.pk].add(load.student)
                count += 1
                minutes += load.minutes
            if count:
                moves.append(
                    Move(
                        provider=provider,
                        school=school_rows[school],
                        students=count,
                        minutes=minutes,
                        whole_school=count == len(by_school[school]),
                    )
                )
    new = Load(
        name=NEW_PROVIDER,
        contracted=contract,
        direct=direct,
        travel=travel,
        students=sum(len(s) for s in taken.values()),
    )
    return moves, taken, new


def _schools_of(loads: dict[int, list[StudentLoad]], providers: Sequence[Provider]) -> set[int]:
    return {load.school for p in providers for load in loads[p.pk]}

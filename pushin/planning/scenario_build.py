"""Database -> pushin-scenario/1: the one place the web app describes a week to the engine.

Ids are opaque strings built from primary keys: "sch<pk>" (school), "p<pk>" (provider),
"c<pk>" (classroom), "b<pk>" (activity block), "x<pk>" (a block that exists only because
of a dated timetable exception), "st<pk>" (student), "g<pk>" (goal). No student name ever
goes into a scenario: the web layer maps ids back to names, for the eyes of people
allowed to see them, through the `IdMap` returned beside the scenario.

Goal fit overrides. The format's `fit` table is per goal *domain*, but a district lets a
provider override the fit of one goal ("this handwriting goal is about copying in math").
Writing the override into the domain's row would change the fit of every other student's
goal of that domain. So a goal with overrides gets a synthetic domain of its own,
"goal-<pk>", whose fit row is the effective row of its real domain (engine default, then
the district's edits) with the goal's overrides on top. The real domain stays in the
database; `IdMap.synthetic_domains` says which goal each synthetic domain stands for.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from pushin.caseload.fit import district_fit_edits, fit_table_for, goal_fit
from pushin.caseload.models import IEP, Goal, Student
from pushin.district.models import (
    ActivityBlock,
    Availability,
    BusyTime,
    Closure,
    District,
    ExceptionKind,
    TimetableException,
    TravelTime,
)
from pushin.district.models import Classroom as ClassroomRow
from pushin.district.models import Provider as ProviderRow
from pushin.district.models import School as SchoolRow
from pushin.scheduling import timeutil
from pushin.scheduling.scenario import (
    Block,
    Classroom,
    Interval,
    Provider,
    Scenario,
    School,
    TravelLeg,
    Window,
)
from pushin.scheduling.scenario import (
    Goal as ScenarioGoal,
)
from pushin.scheduling.scenario import (
    Student as ScenarioStudent,
)
from pushin.timespans import minutes_of, monday_of
from pushin.vocabulary import WEEKDAY_BY_ISO, Delivery, Discipline

DAYS = timeutil.DAYS
MAX_SESSIONS_PER_WEEK = len(DAYS)  # the format allows one session a day per student

# Which IEP service line a provider delivers: an assistant delivers their therapist's service.
DISCIPLINE_FAMILY: dict[str, str] = {
    Discipline.OT: "OT",
    Discipline.COTA: "OT",
    Discipline.PT: "PT",
    Discipline.PTA: "PT",
    Discipline.SLP: "SLP",
    Discipline.SLPA: "SLP",
}


class Excluded:
    """Why a student on a provider's caseload is not in the scenario (codes)."""

    CONSULT = "consult"  # consult time is with the teacher, not a session with the student
    NO_IEP = "no_iep"
    NO_SERVICE = "no_service"
    NO_MANDATE = "no_mandate"
    NO_GOALS = "no_goals"


EXCLUDED_WORDS: dict[str, str] = {
    Excluded.CONSULT: "consult mandate (time with the teacher, not a session)",
    Excluded.NO_IEP: "no IEP in force",
    Excluded.NO_SERVICE: "no service of this discipline on the IEP",
    Excluded.NO_MANDATE: "no mandate in force yet",
    Excluded.NO_GOALS: "the IEP has no goals",
}


@dataclass
class IdMap:
    """Scenario ids -> database keys (and what was left out), stored beside each run."""

    week_of: dt.date | None = None
    schools: dict[str, int] = field(default_factory=dict)
    providers: dict[str, int] = field(default_factory=dict)
    classrooms: dict[str, int] = field(default_factory=dict)
    # Piece of a block -> ActivityBlock pk; None for a block made by a dated exception.
    blocks: dict[str, int | None] = field(default_factory=dict)
    students: dict[str, int] = field(default_factory=dict)
    student_provider: dict[str, int] = field(default_factory=dict)
    goals: dict[str, int] = field(default_factory=dict)
    synthetic_domains: dict[str, int] = field(default_factory=dict)  # "goal-<pk>" -> goal pk
    excluded: list[tuple[int, int, str]] = field(default_factory=list)  # student, provider, code
    capped: dict[str, int] = field(default_factory=dict)  # student id -> minutes not plannable
    closed_days: list[str] = field(default_factory=list)

    def student_key(self, student_pk: int, provider_pk: int) -> str | None:
        """The scenario id of a student's entry for one provider."""
        for key, pk in self.students.items():
            if pk == student_pk and self.student_provider.get(key) == provider_pk:
                return key
        return None

    def to_json(self) -> dict[str, Any]:
        return {
            "week_of": self.week_of.isoformat() if self.week_of else None,
            "schools": self.schools,
            "providers": self.providers,
            "classrooms": self.classrooms,
            "blocks": self.blocks,
            "students": self.students,
            "student_provider": self.student_provider,
            "goals": self.goals,
            "synthetic_domains": self.synthetic_domains,
            "excluded": [list(item) for item in self.excluded],
            "capped": self.capped,
            "closed_days": self.closed_days,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> IdMap:
        week = data.get("week_of")
        return cls(
            week_of=dt.date.fromisoformat(week) if week else None,
            schools=dict(data.get("schools", {})),
            providers=dict(data.get("providers", {})),
            classrooms=dict(data.get("classrooms", {})),
            blocks=dict(data.get("blocks", {})),
            students=dict(data.get("students", {})),
            student_provider=dict(data.get("student_provider", {})),
            goals=dict(data.get("goals", {})),
            synthetic_domains=dict(data.get("synthetic_domains", {})),
            excluded=[(int(a), int(b), str(c)) for a, b, c in data.get("excluded", [])],
            capped=dict(data.get("capped", {})),
            closed_days=list(data.get("closed_days", [])),
        )


def reference_date(district: District, week_of: dt.date | None) -> dt.date:
    """The day whose IEPs and mandates are in force. For a week: today while the week is
    under way (a student whose IEP began on Tuesday is in Wednesday's re-plan), else its
    Monday. Without a week: today, within the school year (planning in August uses
    September's mandates)."""
    today = timezone.localdate()
    if week_of is not None:
        monday = monday_of(week_of)
        return today if monday <= today <= monday + dt.timedelta(days=4) else monday
    return min(max(today, district.school_year_start), district.school_year_end)


def closed_days_of(district: District, monday: dt.date) -> list[str]:
    friday = monday + dt.timedelta(days=4)
    closures = list(Closure.objects.filter(district=district, start__lte=friday, end__gte=monday))
    closed = []
    for offset, day in enumerate(DAYS):
        date = monday + dt.timedelta(days=offset)
        if any(closure.covers(date) for closure in closures):
            closed.append(day)
    return closed


@dataclass
class _Piece:
    """A span of a classroom's week while exceptions are applied."""

    day: str
    start: int
    end: int
    activity: str
    preference: str | None
    block_pk: int | None
    exception_pk: int | None = None


def week_pieces(
    blocks: Iterable[ActivityBlock],
    exceptions: Iterable[TimetableException],
    closed_days: Sequence[str] = (),
) -> list[_Piece]:
    """A classroom's blocks for one week: dated exceptions replace the part of a block
    they overlap (an activity exception adds its own block; a cancelled one removes the
    time), and closure days have no blocks."""
    pieces = [
        _Piece(
            day=block.day,
            start=minutes_of(block.start),
            end=minutes_of(block.end),
            activity=block.activity,
            preference=block.teacher_preference or None,
            block_pk=block.pk,
        )
        for block in blocks
        if block.day not in closed_days
    ]
    for exception in sorted(exceptions, key=lambda e: (e.date, e.pk)):
        day = WEEKDAY_BY_ISO.get(exception.date.isoweekday())
        if day is None or day in closed_days:
            continue
        start, end = minutes_of(exception.start), minutes_of(exception.end)
        kept: list[_Piece] = []
        for piece in pieces:
            if piece.day != day or piece.end <= start or end <= piece.start:
                kept.append(piece)
                continue
            if piece.start < start:
                kept.append(_replace_span(piece, piece.start, start))
            if end < piece.end:
                kept.append(_replace_span(piece, end, piece.end))
        if exception.kind == ExceptionKind.ACTIVITY and exception.activity:
            kept.append(
                _Piece(day, start, end, exception.activity, None, None, exception_pk=exception.pk)
            )
        pieces = kept
    return pieces


def _replace_span(piece: _Piece, start: int, end: int) -> _Piece:
    return _Piece(
        piece.day,
        start,
        end,
        piece.activity,
        piece.preference,
        piece.block_pk,
        piece.exception_pk,
    )


def _piece_blocks(pieces: list[_Piece], id_map: IdMap) -> tuple[Block, ...]:
    """Blocks with stable ids: a block's first piece keeps "b<pk>", later ones "b<pk>.2"..."""
    order = {day: index for index, day in enumerate(DAYS)}
    seen: dict[int, int] = defaultdict(int)
    result = []
    for piece in sorted(pieces, key=lambda p: (order[p.day], p.start)):
        if piece.block_pk is not None:
            seen[piece.block_pk] += 1
            count = seen[piece.block_pk]
            ident = f"b{piece.block_pk}" if count == 1 else f"b{piece.block_pk}.{count}"
        else:
            ident = f"x{piece.exception_pk}"
        id_map.blocks[ident] = piece.block_pk
        result.append(
            Block(
                id=ident,
                day=piece.day,
                start=piece.start,
                end=piece.end,
                activity=piece.activity,
                teacher_preference=piece.preference,
            )
        )
    return tuple(result)


def synthetic_domain(goal_pk: int) -> str:
    return f"goal-{goal_pk}"


@dataclass
class _Entry:
    """One student served by one provider, with the terms in force."""

    student: Student
    provider: ProviderRow
    iep: IEP
    weekly_minutes: int
    session_minutes: int
    delivery: str
    grouping: str
    max_group: int


def _entries(
    district: District, providers: Sequence[ProviderRow], on: dt.date, id_map: IdMap
) -> list[_Entry]:
    by_pk = {provider.pk: provider for provider in providers}
    students = (
        Student.objects.filter(district=district, active=True, providers__in=list(by_pk))
        .distinct()
        .order_by("pk")
        .prefetch_related(
            "providers",
            "unavailable",
            Prefetch(
                "ieps",
                queryset=IEP.objects.prefetch_related("services__versions").prefetch_related(
                    Prefetch("goals", queryset=Goal.objects.prefetch_related("fit_overrides"))
                ),
            ),
        )
    )
    entries: list[_Entry] = []
    for student in students:
        in_force = [iep for iep in student.ieps.all() if iep.is_in_force(on)]
        for provider in sorted(student.providers.all(), key=lambda p: p.pk):
            if provider.pk not in by_pk:
                continue
            entry, reason = _entry_for(student, by_pk[provider.pk], in_force, on)
            if entry is None:
                id_map.excluded.append((student.pk, provider.pk, reason))
            else:
                entries.append(entry)
    return entries


def _entry_for(
    student: Student, provider: ProviderRow, in_force: list[IEP], on: dt.date
) -> tuple[_Entry | None, str]:
    if not in_force:
        return None, Excluded.NO_IEP
    iep = max(in_force, key=lambda i: (i.start, i.pk))
    family = DISCIPLINE_FAMILY.get(provider.discipline, provider.discipline)
    services = [
        s for s in iep.services.all() if DISCIPLINE_FAMILY.get(s.discipline, s.discipline) == family
    ]
    if not services:
        return None, Excluded.NO_SERVICE
    version = services[0].version_on(on)
    if version is None:
        return None, Excluded.NO_MANDATE
    if version.delivery == Delivery.CONSULT:
        return None, Excluded.CONSULT
    if not list(iep.goals.all()):
        return None, Excluded.NO_GOALS
    iep_weeks = max((iep.end - iep.start).days / 7, 1.0)
    return (
        _Entry(
            student=student,
            provider=provider,
            iep=iep,
            weekly_minutes=version.weekly_minutes(iep_weeks=iep_weeks),
            session_minutes=version.session_minutes,
            delivery=version.delivery,
            grouping=version.grouping,
            max_group=version.max_group,
        ),
        "",
    )


def scenario_build(
    *,
    district: District,
    providers: Sequence[ProviderRow],
    week_of: dt.date | None = None,
    days_done: Sequence[str] = (),
    on: dt.date | None = None,
) -> tuple[Scenario, IdMap]:
    """The scenario for `providers`' caseloads: their usual week, or with `week_of` given,
    that week with its dated timetable exceptions applied and closure days left out.
    `days_done` (a one-week re-plan) leaves out the days of that week that are over, like
    closure days: nothing can be placed on them any more. `on` is the day whose IEPs and
    mandates are in force (default: `reference_date`; makeups give their first day)."""
    monday = monday_of(week_of) if week_of is not None else None
    id_map = IdMap(week_of=monday)
    on = on if on is not None else reference_date(district, monday)
    closed = closed_days_of(district, monday) if monday is not None else []
    closed = [*closed, *(day for day in days_done if day not in closed)]
    id_map.closed_days = closed
    providers = sorted(providers, key=lambda p: p.pk)

    entries = _entries(district, providers, on, id_map)
    schools = list(SchoolRow.objects.filter(district=district).order_by("pk"))
    for school in schools:
        id_map.schools[f"sch{school.pk}"] = school.pk

    room_pks = sorted({entry.student.classroom_id for entry in entries})
    rooms = list(
        ClassroomRow.objects.filter(pk__in=room_pks)
        .select_related("teacher")
        .prefetch_related("blocks")
        .order_by("pk")
    )
    exceptions: dict[int, list[TimetableException]] = defaultdict(list)
    if monday is not None:
        for exception in TimetableException.objects.filter(
            classroom_id__in=room_pks,
            date__gte=monday,
            date__lte=monday + dt.timedelta(days=4),
        ):
            exceptions[exception.classroom_id].append(exception)
    classrooms = []
    for room in rooms:
        id_map.classrooms[f"c{room.pk}"] = room.pk
        pieces = week_pieces(room.blocks.all(), exceptions.get(room.pk, []), closed)
        teacher = room.teacher.display_name if room.teacher else room.name
        classrooms.append(
            Classroom(
                id=f"c{room.pk}",
                school=f"sch{room.school_id}",
                teacher=teacher,
                blocks=_piece_blocks(pieces, id_map),
            )
        )

    # The district's edits go in as they are; a goal with its own overrides gets a
    # synthetic domain whose row is its full effective row (see the module docstring).
    fit: dict[str, dict[str, float]] = defaultdict(dict)
    for (domain, activity), weight in sorted(district_fit_edits(district).items()):
        fit[domain][activity] = weight
    table = fit_table_for(district)
    in_run = {provider.pk for provider in providers}
    colleagues = colleague_time(
        # Only students someone outside the run also serves (their providers are prefetched).
        students=sorted(
            {
                entry.student.pk
                for entry in entries
                if any(p.pk not in in_run for p in entry.student.providers.all())
            }
        ),
        providers=providers,
        monday=monday,
        closed=closed,
    )
    scenario_students = []
    counts: dict[int, int] = defaultdict(int)
    for entry in entries:
        counts[entry.student.pk] += 1
    for entry in entries:
        student, provider = entry.student, entry.provider
        key = f"st{student.pk}"
        if counts[student.pk] > 1:
            key = f"st{student.pk}-p{provider.pk}"
        id_map.students[key] = student.pk
        id_map.student_provider[key] = provider.pk
        goals = []
        for goal in entry.iep.goals.all():
            id_map.goals[f"g{goal.pk}"] = goal.pk
            domain = goal.domain
            if goal.fit_overrides.all():
                domain = synthetic_domain(goal.pk)
                fit[domain] = goal_fit(goal, table)
                id_map.synthetic_domains[domain] = goal.pk
            goals.append(ScenarioGoal(id=f"g{goal.pk}", domain=domain))
        weekly = entry.weekly_minutes
        most = MAX_SESSIONS_PER_WEEK * entry.session_minutes
        if weekly > most:
            id_map.capped[key] = weekly - most
            weekly = most
        scenario_students.append(
            ScenarioStudent(
                id=key,
                classroom=f"c{student.classroom_id}",
                provider=f"p{provider.pk}",
                goals=tuple(goals),
                minutes_per_week=weekly,
                session_minutes=entry.session_minutes,
                delivery=entry.delivery,
                grouping=entry.grouping,
                max_group=entry.max_group,
                comfort=student.comfort or None,
                unavailable=(
                    *(
                        Interval(u.day, minutes_of(u.start), minutes_of(u.end))
                        for u in student.unavailable.all()
                    ),
                    *_colleague_intervals(
                        colleagues.get(student.pk, []),
                        pull_out=entry.delivery == Delivery.PULL_OUT,
                        one_pull_out_a_day=district.one_pull_out_a_day,
                    ),
                ),
                # One child on several caseloads of this run: one person (rule 9).
                person=f"st{student.pk}" if counts[student.pk] > 1 else None,
            )
        )

    scenario_providers = _providers(
        providers, closed, id_map, lesson_busy(providers=providers, monday=monday, closed=closed)
    )
    travel = tuple(
        TravelLeg(f"sch{leg.from_school_id}", f"sch{leg.to_school_id}", leg.minutes)
        for leg in TravelTime.objects.filter(
            from_school__district=district, to_school__district=district
        ).order_by("from_school_id", "to_school_id")
    )
    scenario = Scenario(
        schools=tuple(School(f"sch{s.pk}", s.name) for s in schools),
        providers=scenario_providers,
        classrooms=tuple(classrooms),
        students=tuple(scenario_students),
        travel=travel,
        fit=dict(fit),
        one_pull_out_a_day=district.one_pull_out_a_day,
        # The district's minimum fit (docs/scenario-format.md, min_fit).
        min_fit=district.min_fit,
    )
    return scenario, id_map


def colleague_time(
    *,
    students: Sequence[int],
    providers: Sequence[ProviderRow],
    monday: dt.date | None,
    closed: Sequence[str] = (),
) -> dict[int, list[tuple[str, int, int, str]]]:
    """Student pk -> (day, start, end, delivery) of their sessions with providers outside
    this run (docs/scenario-format.md, "Several providers"): a plan of one provider never
    puts a child where another provider already sees them. For a dated week, that week's
    sessions not called off; for the usual week, the other providers' active schedules."""
    from pushin.planning.models import ScheduledSessionStudent
    from pushin.sessions.models import SessionStudent

    pks = [provider.pk for provider in providers]
    found: set[tuple[int, str, int, int, str]] = set()
    if not students:
        return {}
    if monday is not None:
        rows = (
            SessionStudent.objects.filter(
                student_id__in=students,
                session__date__gte=monday,
                session__date__lte=monday + dt.timedelta(days=4),
                session__cancel_reason="",
            )
            .exclude(session__provider_id__in=pks)
            .values_list(
                "student_id", "session__date", "session__start", "session__end", "session__delivery"
            )
        )
        for student_pk, date, start, end, delivery in rows:
            weekday = WEEKDAY_BY_ISO.get(date.isoweekday())
            if weekday is not None and weekday not in closed:
                found.add((student_pk, str(weekday), minutes_of(start), minutes_of(end), delivery))
    else:
        standing = (
            ScheduledSessionStudent.objects.filter(
                student_id__in=students, session__schedule__active=True
            )
            .exclude(session__schedule__provider_id__in=pks)
            .values_list(
                "student_id", "session__day", "session__start", "session__end", "session__delivery"
            )
        )
        for student_pk, day, start, end, delivery in standing:
            found.add((student_pk, day, minutes_of(start), minutes_of(end), delivery))
    result: dict[int, list[tuple[str, int, int, str]]] = defaultdict(list)
    for who, weekday_name, first, last, how in sorted(found):
        result[who].append((weekday_name, first, last, how))
    return result


def _colleague_intervals(
    sessions: Sequence[tuple[str, int, int, str]], *, pull_out: bool, one_pull_out_a_day: bool
) -> list[Interval]:
    """The student's time with other providers as unavailable time; with the district's
    one pull-out a day, a pull-out entry loses the whole day of another pull-out."""
    result = []
    for day, start, end, delivery in sessions:
        if one_pull_out_a_day and pull_out and delivery == Delivery.PULL_OUT:
            result.append(Interval(day, 0, 24 * 60))
        else:
            result.append(Interval(day, start, end))
    return result


def lesson_busy(
    *, providers: Sequence[ProviderRow], monday: dt.date | None, closed: Sequence[str] = ()
) -> dict[int, list[Interval]]:
    """The provider's whole-class lessons as busy time (docs/lessons.md): a lesson is a
    session with the whole room that the planner must not overlap. For a dated week, the
    lessons of that week that were not called off; for the usual week, every lesson still
    to come (a one-off lesson placed ahead keeps its weekday's time free until it is over)
    and the provider's active weekly lessons."""
    from pushin.lessons.models import ClassLesson, WeeklyLesson

    pks = [provider.pk for provider in providers]
    rows = ClassLesson.objects.filter(
        session__provider_id__in=pks, session__cancel_reason=""
    ).values_list("session__provider_id", "session__date", "session__start", "session__end")
    if monday is not None:
        rows = rows.filter(
            session__date__gte=monday, session__date__lte=monday + dt.timedelta(days=4)
        )
    else:
        rows = rows.filter(session__date__gte=timezone.localdate())
    spans: set[tuple[int, str, int, int]] = set()
    for provider_pk, date, start, end in rows:
        weekday = WEEKDAY_BY_ISO.get(date.isoweekday())
        if weekday is not None and weekday not in closed:
            spans.add((provider_pk, str(weekday), minutes_of(start), minutes_of(end)))
    weekly = WeeklyLesson.objects.in_force(
        start=monday or timezone.localdate(),
        end=monday + dt.timedelta(days=4) if monday is not None else None,
    ).filter(provider_id__in=pks)
    for provider_pk, day, start, end in weekly.values_list("provider_id", "day", "start", "end"):
        if day not in closed:
            spans.add((provider_pk, day, minutes_of(start), minutes_of(end)))
    busy: dict[int, list[Interval]] = defaultdict(list)
    for who, name, first, last in sorted(spans, key=lambda s: (s[0], DAYS.index(s[1]), s[2])):
        busy[who].append(Interval(name, first, last))
    return busy


def _providers(
    providers: Sequence[ProviderRow],
    closed: Sequence[str],
    id_map: IdMap,
    lessons: dict[int, list[Interval]] | None = None,
) -> tuple[Provider, ...]:
    pks = [provider.pk for provider in providers]
    windows: dict[int, list[Availability]] = defaultdict(list)
    for window in Availability.objects.filter(provider_id__in=pks).order_by("day", "start"):
        windows[window.provider_id].append(window)
    busy: dict[int, list[BusyTime]] = defaultdict(list)
    for item in BusyTime.objects.filter(provider_id__in=pks).order_by("day", "start"):
        busy[item.provider_id].append(item)
    user_field = ProviderRow._meta.get_field("user")
    missing = [p.pk for p in providers if not user_field.is_cached(p)]
    names = {
        p.pk: p.user.display_name
        for p in ProviderRow.objects.filter(pk__in=missing).select_related("user")
    }
    names.update({p.pk: p.user.display_name for p in providers if p.pk not in names})
    result = []
    for provider in providers:
        id_map.providers[f"p{provider.pk}"] = provider.pk
        result.append(
            Provider(
                id=f"p{provider.pk}",
                name=names.get(provider.pk, f"p{provider.pk}"),
                role=provider.discipline,
                available=tuple(
                    Window(
                        w.day,
                        minutes_of(w.start),
                        minutes_of(w.end),
                        f"sch{w.school_id}" if w.school_id is not None else None,
                    )
                    for w in windows[provider.pk]
                    if w.day not in closed
                ),
                busy=(
                    *(
                        Interval(b.day, minutes_of(b.start), minutes_of(b.end))
                        for b in busy[provider.pk]
                    ),
                    *(lessons or {}).get(provider.pk, []),
                ),
                max_direct_minutes_per_day=provider.max_direct_minutes_per_day,
            )
        )
    return tuple(result)

"""The provider's calendar: dated sessions stored ahead from the schedules in force.

A standing schedule is in force over a range of dates (`StandingSchedule.effective_from`
to `effective_to`). `calendar_sync` makes the provider's stored dated sessions, from now
to the end of the school year, match the schedules in force on each school day. It runs
inside the actions that change what should happen (accepting a plan, moving a weekly
session, a closure, a change of school-year dates, a student leaving the caseload) and
from the `calendar_sync` management command; never on a page read, so reading a page
never writes.

What it may touch is only what has not happened yet:
- a session that has started (dated before today, or today at or after its start), a
  logged or signed one, one called off in advance, a makeup, a one-day override and an
  imported record are the record and are never created, moved or deleted here;
- so a past occurrence nobody logged stays "planned" (not logged) at its original time,
  and before the first schedule's effective date there are no sessions at all.

A weekly session occurs once a week. An occurrence held by the record (logged, called off,
moved for one day) is not created again that week, even on another day; and a one-day
override, that week's decision for its students, also holds the week's occurrence of a
newer schedule's weekly session with those students.

The sync is idempotent (a second call writes nothing) and re-points an occurrence to the
new schedule's weekly session when nothing about it changes, so accepting a re-plan that
keeps most sessions rewrites only what moved.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Prefetch, Q
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.district.models import Closure, District, Provider
from pushin.planning.models import ScheduledSession, ScheduledSessionStudent, StandingSchedule
from pushin.sessions.models import DatedSession, SessionStatus, SessionStudent
from pushin.timespans import monday_of, spans_overlap
from pushin.vocabulary import WEEKDAY_BY_ISO


def school_days(district: District, start: dt.date, end: dt.date) -> list[dt.date]:
    """Monday to Friday in [start, end], inside the school year, outside every closure."""
    first = max(start, district.school_year_start)
    last = min(end, district.school_year_end)
    if last < first:
        return []
    closures = list(Closure.objects.filter(district=district, start__lte=last, end__gte=first))
    days = []
    day = first
    while day <= last:
        if day.isoweekday() <= 5 and not any(c.covers(day) for c in closures):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def is_school_day(district: District, day: dt.date) -> bool:
    return bool(school_days(district, day, day))


def follows_schedule(session: DatedSession, now: dt.datetime) -> bool:
    """Whether the calendar may still replace or remove this stored session: a planned
    weekly occurrence that has not started, was not called off, moved for one day,
    made up or imported."""
    return (
        session.standing_id is not None
        and session.status == SessionStatus.PLANNED
        and not (session.is_makeup or session.is_override or session.is_imported)
        and not session.cancel_reason
        and not session.has_started(now)
    )


def schedules_in_force(
    provider_id: int, start: dt.date, end: dt.date | None = None
) -> list[StandingSchedule]:
    """The provider's schedules whose range meets [start, end], oldest first, with their
    weekly sessions and (active) students."""
    rows = StandingSchedule.objects.filter(provider_id=provider_id).filter(
        Q(effective_to__isnull=True) | Q(effective_to__gte=start)
    )
    if end is not None:
        rows = rows.filter(effective_from__lte=end)
    weekly = ScheduledSession.objects.select_related("block").prefetch_related(
        Prefetch(
            "members",
            queryset=ScheduledSessionStudent.objects.filter(student__active=True).order_by("pk"),
        )
    )
    schedules = [
        s
        for s in rows.prefetch_related(Prefetch("sessions", queryset=weekly)).order_by(
            "effective_from", "pk"
        )
        if not s.never_in_force
    ]
    return schedules


def schedule_on(schedules: Sequence[StandingSchedule], day: dt.date) -> StandingSchedule | None:
    found = [s for s in schedules if s.in_force_on(day)]
    return found[-1] if found else None


def _activity(weekly: ScheduledSession) -> str:
    return weekly.block.activity if weekly.block is not None else ""


def _signature(
    classroom_id: int, start: dt.time, end: dt.time, delivery: str, students: Iterable[int]
) -> tuple[object, ...]:
    return (classroom_id, start, end, delivery, frozenset(students))


def _weekly_signature(weekly: ScheduledSession) -> tuple[object, ...]:
    return _signature(
        weekly.classroom_id,
        weekly.start,
        weekly.end,
        weekly.delivery,
        (m.student_id for m in weekly.members.all()),
    )


def _dated_signature(dated: DatedSession) -> tuple[object, ...]:
    return _signature(
        dated.classroom_id,
        dated.start,
        dated.end,
        dated.delivery,
        (m.student_id for m in dated.members.all()),
    )


@dataclass(frozen=True)
class SyncResult:
    created: int
    removed: int
    updated: int

    @property
    def changed(self) -> bool:
        return bool(self.created or self.removed or self.updated)


@transaction.atomic
def calendar_sync(*, provider: Provider, actor: User | None) -> SyncResult:
    """Make the provider's stored dated sessions from now to the school-year end match the
    schedules in force (see the module docstring for what is never touched)."""
    # One sync at a time per provider: two actions at once must not both create a session.
    locked = Provider.objects.select_for_update().select_related("district").get(pk=provider.pk)
    district = locked.district
    now = timezone.localtime()
    today = now.date()
    days = school_days(district, today, district.school_year_end)
    day_set = set(days)
    schedules = schedules_in_force(provider.pk, today)
    weekly_by_pk = {w.pk: w for s in schedules for w in s.sessions.all()}

    existing = list(
        # What this week already holds counts too: an override moved earlier in its week,
        # or one whose days are over, still holds its weekly occurrence of the week.
        DatedSession.objects.filter(provider_id=provider.pk)
        .filter(Q(date__gte=today) | Q(original_date__gte=monday_of(today)))
        .prefetch_related("members")
        .order_by("date", "start", "pk")
    )
    kept: list[DatedSession] = []
    stale: list[DatedSession] = []
    changed: list[DatedSession] = []
    for dated in existing:
        if not follows_schedule(dated, now):
            kept.append(dated)
            continue
        schedule = schedule_on(schedules, dated.date) if dated.date in day_set else None
        source = _matching_weekly(dated, schedule, weekly_by_pk)
        if source is None:
            stale.append(dated)
            continue
        kept.append(dated)
        if dated.standing_id != source.pk or dated.activity != _activity(source):
            dated.standing_id = source.pk
            dated.activity = _activity(source)
            changed.append(dated)

    # A weekly session occurs once a week: an occurrence held by a session that no longer
    # follows it (logged, called off, moved for the day) is not created again that week,
    # even on another day (the weekly session was moved since).
    occupied = {
        (d.standing_id, monday_of(d.original_date or d.date)) for d in kept if d.standing_id
    }
    # A session the provider already holds at that time (logged, called off, moved for the
    # day, a makeup) keeps its place: the weekly occurrence overlapping it is not created.
    held: dict[dt.date, list[DatedSession]] = defaultdict(list)
    for dated in kept:
        if not follows_schedule(dated, now):
            held[dated.date].append(dated)
    # A one-day override (moved to another day, or called off, by a one-week re-plan) is
    # that week's decision for its students. Under a newer schedule it stands for the
    # week's occurrence of the newer weekly session with those students, or the week would
    # get both.
    overrides: dict[dt.date, list[DatedSession]] = defaultdict(list)
    for dated in kept:
        if dated.is_override and dated.standing_id and dated.original_date:
            overrides[monday_of(dated.original_date)].append(dated)
    taken: dict[tuple[dt.date, int], set[int]] = {}

    to_create: list[tuple[DatedSession, ScheduledSession]] = []
    for day in days:
        schedule = schedule_on(schedules, day)
        if schedule is None:
            continue
        weekday = WEEKDAY_BY_ISO[day.isoweekday()]
        week = monday_of(day)
        if (week, schedule.pk) not in taken:
            taken[week, schedule.pk] = _taken_by_overrides(schedule, overrides.get(week, []))
        for weekly in schedule.sessions.all():
            if weekly.day != weekday or not weekly.members.all():
                continue
            if (weekly.pk, week) in occupied or weekly.pk in taken[week, schedule.pk]:
                continue
            candidate = DatedSession(
                provider_id=provider.pk,
                classroom_id=weekly.classroom_id,
                date=day,
                original_date=day,
                start=weekly.start,
                end=weekly.end,
                activity=_activity(weekly),
                delivery=weekly.delivery,
                standing=weekly,
            )
            if candidate.has_started(now):
                continue
            if any(
                spans_overlap(d.start, d.end, weekly.start, weekly.end) for d in held.get(day, [])
            ):
                continue
            to_create.append((candidate, weekly))

    if changed:
        DatedSession.objects.bulk_update(changed, ["standing", "activity"])
    if stale:
        # Only planned sessions that nothing happened in are stale; their (empty) student
        # rows go first, by name: records are PROTECTed from any cascade, and one that
        # holds data or an amendment stops the sync rather than vanish.
        stale_pks = [d.pk for d in stale]
        SessionStudent.objects.filter(session_id__in=stale_pks).delete()
        DatedSession.objects.filter(pk__in=stale_pks).delete()
        _audit_by_student(actor, stale, AuditAction.DELETE)
    if to_create:
        created = DatedSession.objects.bulk_create([d for d, _ in to_create])
        records = [
            SessionStudent(session=d, student_id=m.student_id, focus_goal_id=m.focus_goal_id)
            for d, (_, w) in zip(created, to_create, strict=True)
            for m in w.members.all()
        ]
        SessionStudent.objects.bulk_create(records)
        _audit_by_student(
            actor,
            created,
            AuditAction.CREATE,
            members={
                d.pk: [m.student_id for m in w.members.all()]
                for d, (_, w) in zip(created, to_create, strict=True)
            },
        )
    return SyncResult(created=len(to_create), removed=len(stale), updated=len(changed))


def _taken_by_overrides(schedule: StandingSchedule, overrides: Sequence[DatedSession]) -> set[int]:
    """The weekly sessions of `schedule` whose occurrence in a week is held by one of that
    week's overrides of another schedule's weekly sessions (see `calendar_sync`): each
    override holds one, the one with the same students, else the one sharing the most of
    them (on the override's original weekday first)."""
    weekly = list(schedule.sessions.all())
    own = {w.pk for w in weekly}
    taken: set[int] = set()
    for dated in overrides:
        if dated.standing_id in own:
            continue  # it holds its own weekly session's occurrence (`occupied`)
        students = {m.student_id for m in dated.members.all()}
        assert dated.original_date is not None
        weekday = WEEKDAY_BY_ISO[dated.original_date.isoweekday()]
        ranked = [
            ((group == students, len(group & students), w.day == weekday, -w.pk), w.pk)
            for w in weekly
            if w.pk not in taken and students & (group := {m.student_id for m in w.members.all()})
        ]
        if ranked:
            taken.add(max(ranked)[1])
    return taken


def _matching_weekly(
    dated: DatedSession,
    schedule: StandingSchedule | None,
    weekly_by_pk: dict[int, ScheduledSession],
) -> ScheduledSession | None:
    """The weekly session of the schedule in force that this occurrence still is: its own,
    or one with the same room, time, delivery and students (a re-accepted schedule)."""
    if schedule is None:
        return None
    weekday = WEEKDAY_BY_ISO.get(dated.date.isoweekday())
    own = weekly_by_pk.get(dated.standing_id) if dated.standing_id else None
    signature = _dated_signature(dated)
    if (
        own is not None
        and own.schedule_id == schedule.pk
        and own.day == weekday
        and _weekly_signature(own) == signature
    ):
        return own
    for weekly in schedule.sessions.all():
        if weekly.day == weekday and _weekly_signature(weekly) == signature:
            return weekly
    return None


def calendar_sync_district(*, district: District, actor: User | None) -> int:
    """Sync every provider of the district (after a closure or school-year change)."""
    providers = Provider.objects.filter(district=district, standing_schedules__isnull=False)
    count = 0
    for provider in providers.distinct().order_by("pk"):
        if calendar_sync(provider=provider, actor=actor).changed:
            count += 1
    return count


def _audit_by_student(
    actor: User | None,
    sessions: Iterable[DatedSession],
    action: AuditAction,
    *,
    members: dict[int, list[int]] | None = None,
) -> None:
    """One audit entry per student whose session records were created or removed (ids only)."""
    touched: dict[int, list[int]] = defaultdict(list)
    first: dict[int, DatedSession] = {}
    for session in sessions:
        ids = (members or {}).get(session.pk) or [m.student_id for m in session.members.all()]
        for student_id in ids:
            touched[student_id].append(session.pk)
            first.setdefault(student_id, session)
    for student_id, session_ids in sorted(touched.items()):
        audit_record(
            actor=actor,
            action=action,
            obj=first[student_id],
            student_id=student_id,
            detail={"sessions": session_ids, "by": "calendar"},
        )

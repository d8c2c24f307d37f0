"""Weekly lessons: the provider's own standing lesson ("Room 2-A, writing block, weekly,
30 min") and its dated occurrences (docs/lessons.md).

Like the standing schedule's calendar (`sessions/calendar.py`), a weekly lesson's
occurrences are stored ahead, from today to the end of the school year, on the school days
of its weekday in its range: each a dated session with a `ClassLesson` row (`weekly` set)
and a record for each of the provider's caseload students of the room. The record rules of
docs/record.md hold: nothing dated before today, or started, is created, moved or deleted
here; ending a weekly lesson removes only the occurrences that have not started and that
nothing happened in (planned, not called off). An occurrence is not created on a day the
provider already holds a session at that time (the session keeps its place).

Every function writes in one transaction and audits what it changed (ids only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.district.models import Classroom, District, Provider
from pushin.lessons.models import ClassLesson, Topic, WeeklyLesson
from pushin.lessons.services import free_lesson_slot, lesson_students
from pushin.planning.models import ScheduledSession
from pushin.sessions.calendar import school_days
from pushin.sessions.models import DatedSession, SessionStatus, SessionStudent
from pushin.timespans import spans_overlap
from pushin.vocabulary import WEEKDAY_BY_ISO


@dataclass(frozen=True)
class WeeklySync:
    created: int
    removed: int


def _unopened(session: DatedSession, now: dt.datetime) -> bool:
    """An occurrence the calendar of lessons may still remove: planned, not called off,
    not started (so nothing was logged in it)."""
    return (
        session.status == SessionStatus.PLANNED
        and not session.cancel_reason
        and not (session.is_makeup or session.is_override or session.is_imported)
        and not session.has_started(now)
    )


def _remove(actor: User | None, sessions: list[DatedSession]) -> None:
    for session in sessions:
        members = list(SessionStudent.objects.filter(session=session))
        for member in members:
            audit_record(
                actor=actor,
                action=AuditAction.DELETE,
                obj=member,
                student_id=member.student_id,
                detail={"session": session.pk, "by": "weekly lesson"},
            )
        SessionStudent.objects.filter(session=session).delete()
        ClassLesson.objects.filter(session=session).delete()
        DatedSession.objects.filter(pk=session.pk).delete()


@transaction.atomic
def weekly_lessons_sync(*, provider: Provider, actor: User | None) -> WeeklySync:
    """Make the stored occurrences of the provider's weekly lessons, from now to the end of
    the school year, match the weekly lessons in force (see the module docstring)."""
    locked = Provider.objects.select_for_update().select_related("district").get(pk=provider.pk)
    district = locked.district
    now = timezone.localtime()
    today = now.date()
    days = school_days(district, today, district.school_year_end)
    weekly = list(
        WeeklyLesson.objects.filter(provider=locked).select_related("classroom").order_by("pk")
    )
    stored = list(
        DatedSession.objects.filter(
            provider=locked, date__gte=today, class_lesson__weekly__isnull=False
        ).select_related("class_lesson")
    )
    by_pk = {w.pk: w for w in weekly}
    stale = []
    have: set[tuple[int, dt.date]] = set()
    for session in stored:
        lesson = by_pk[session.class_lesson.weekly_id]  # type: ignore[index]
        wanted = (
            session.date in days
            and WEEKDAY_BY_ISO[session.date.isoweekday()] == lesson.day
            and lesson.effective_from <= session.date
            and (lesson.effective_to is None or session.date <= lesson.effective_to)
        )
        if not wanted and _unopened(session, now):
            stale.append(session)
        else:
            have.add((lesson.pk, session.date))
    _remove(actor, stale)
    held = list(
        DatedSession.objects.filter(provider=locked, date__gte=today, cancel_reason="")
        .exclude(pk__in=[s.pk for s in stale])
        .values_list("date", "start", "end")
    )
    created = 0
    for lesson in weekly:
        students = lesson_students(locked, lesson.classroom)
        for day in days:
            if (
                WEEKDAY_BY_ISO[day.isoweekday()] != lesson.day
                or day < lesson.effective_from
                or (lesson.effective_to is not None and day > lesson.effective_to)
                or (lesson.pk, day) in have
            ):
                continue
            if day == today and now.time() >= lesson.start:
                continue  # started: the past is the record
            if any(d == day and spans_overlap(s, e, lesson.start, lesson.end) for d, s, e in held):
                continue
            session = DatedSession.objects.create(
                provider=locked,
                classroom=lesson.classroom,
                date=day,
                start=lesson.start,
                end=lesson.end,
                activity=lesson.activity,
            )
            ClassLesson.objects.create(
                session=session,
                classroom=lesson.classroom,
                topic=lesson.topic,
                plan=lesson.plan,
                weekly=lesson,
                created_by=actor,
            )
            for student in students:
                record = SessionStudent.objects.create(session=session, student=student)
                audit_record(
                    actor=actor,
                    action=AuditAction.CREATE,
                    obj=record,
                    student_id=student.pk,
                    detail={"session": session.pk, "weekly_lesson": lesson.pk},
                )
            held.append((day, lesson.start, lesson.end))
            created += 1
    return WeeklySync(created=created, removed=len(stale))


def weekly_lessons_sync_district(*, district: District, actor: User | None) -> int:
    """Sync the weekly lessons of every provider of the district who has one in force
    (after a closure or a change of school-year dates); the number of providers changed."""
    pks = (
        WeeklyLesson.objects.in_force(start=timezone.localdate())
        .filter(provider__district=district)
        .values_list("provider_id", flat=True)
        .distinct()
        .order_by("provider_id")
    )
    count = 0
    for provider in Provider.objects.filter(pk__in=list(pks)).order_by("pk"):
        result = weekly_lessons_sync(provider=provider, actor=actor)
        count += bool(result.created or result.removed)
    return count


@transaction.atomic
def weekly_lesson_create(
    *,
    actor: User,
    provider: Provider,
    classroom: Classroom,
    date: dt.date,
    start: dt.time,
    end: dt.time,
    topic: str,
    plan: str = "",
) -> WeeklyLesson:
    """A lesson at this block of the room every week from `date` on: the first date must be
    one of `lesson_slots` (a free block of the room), and no weekly session of the
    provider's schedule or other weekly lesson may overlap it on that weekday."""
    locked = Provider.objects.select_for_update().select_related("district").get(pk=provider.pk)
    if classroom.school.district_id != locked.district_id:
        raise ValidationError("That classroom is not in your district.")
    if topic not in Topic.values:
        raise ValidationError("Choose a topic.")
    chosen = free_lesson_slot(provider=locked, classroom=classroom, date=date, start=start, end=end)
    day = WEEKDAY_BY_ISO[date.isoweekday()]
    weekly_sessions = ScheduledSession.objects.filter(
        schedule__provider=locked, schedule__active=True, day=day
    ).values_list("start", "end")
    if any(spans_overlap(s, e, start, end) for s, e in weekly_sessions):
        raise ValidationError(
            "One of your weekly sessions is at that time every week: choose another block."
        )
    others = (
        WeeklyLesson.objects.in_force(start=date)
        .filter(provider=locked, day=day)
        .values_list("start", "end")
    )
    if any(spans_overlap(s, e, start, end) for s, e in others):
        raise ValidationError("Another weekly lesson of yours is at that time: choose another.")
    lesson = WeeklyLesson.objects.create(
        provider=locked,
        classroom=classroom,
        day=day,
        start=start,
        end=end,
        activity=chosen.activity,
        topic=topic,
        plan=plan.strip(),
        effective_from=date,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=lesson,
        detail={"classroom": classroom.pk, "topic": topic, "day": day},
    )
    weekly_lessons_sync(provider=locked, actor=actor)
    return lesson


@transaction.atomic
def weekly_lesson_end(*, actor: User, lesson: WeeklyLesson) -> WeeklyLesson:
    """End a weekly lesson from now on: its last day is yesterday (or it never began), and
    its occurrences that have not started and hold nothing are removed; the past ones, and
    one that has started, stay as the record."""
    locked = WeeklyLesson.objects.select_for_update().get(pk=lesson.pk)
    if not locked.active:
        raise ValidationError("This weekly lesson has ended already.")
    today = timezone.localdate()
    locked.effective_to = max(today, locked.effective_from) - dt.timedelta(days=1)
    locked.save(update_fields=["effective_to"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        detail={"effective_to": locked.effective_to.isoformat()},
    )
    weekly_lessons_sync(provider=locked.provider, actor=actor)
    return locked

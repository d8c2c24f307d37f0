"""Whole-class lessons: placing one at a room's block, teachers' requests and their
answers, whether lessons count towards a mandate, and float support (docs/lessons.md).

Every function writes in one transaction and audits what it changed (ids only).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.caseload.models import Service, Student
from pushin.collaboration.models import Notification
from pushin.collaboration.services import classroom_providers
from pushin.district.models import ActivityBlock, Classroom, ExceptionKind, Provider
from pushin.lessons.models import (
    ClassLesson,
    LessonCredit,
    LessonRequest,
    RequestStatus,
    SessionSupport,
    SupportStyle,
    Topic,
)
from pushin.sessions.calendar import school_days
from pushin.sessions.conflicts import Span, provider_spans
from pushin.sessions.models import DatedSession, SessionStudent
from pushin.timespans import spans_overlap
from pushin.vocabulary import WEEKDAY_BY_ISO, Activity

NOTE_MAX = 300


@dataclass(frozen=True)
class Slot:
    """A block of the room on a date where the provider is free: a lesson can go there."""

    date: dt.date
    start: dt.time
    end: dt.time
    activity: str

    @property
    def value(self) -> str:
        """The slot as a form value: dates and times, no ids."""
        return f"{self.date:%Y-%m-%d} {self.start:%H:%M} {self.end:%H:%M}"

    @property
    def words(self) -> str:
        label = dict(Activity.choices).get(self.activity, self.activity)
        return f"{self.date:%a %b} {self.date.day}, {self.start:%H:%M}-{self.end:%H:%M} ({label})"


def _covered(windows: list[Span], busy: list[Span], day: str, school: int, slot: Slot) -> bool:
    """The rule of `conflicts.session_is_free`: a window of the day covers the slot whole
    (at its school or any school) and no busy time overlaps it."""
    covered = any(
        w.day == day
        and w.start <= slot.start
        and slot.end <= w.end
        and w.school_id in (None, school)
        for w in windows
    )
    return covered and not any(
        b.day == day and spans_overlap(b.start, b.end, slot.start, slot.end) for b in busy
    )


def lesson_slots(
    *, provider: Provider, classroom: Classroom, monday: dt.date, now: dt.datetime | None = None
) -> list[Slot]:
    """The room's blocks in the week of `monday` that have not started, on school days,
    not changed that day to a test or cancelled, inside the provider's weekly hours, and
    overlapping none of the provider's sessions still standing that day (any room)."""
    moment = timezone.localtime(now)
    district = classroom.school.district
    days = [
        d
        for d in school_days(district, monday, monday + dt.timedelta(days=4))
        if d >= moment.date()
    ]
    if not days:
        return []
    blocks = list(ActivityBlock.objects.filter(classroom=classroom).order_by("day", "start"))
    changes = list(classroom.exceptions.filter(date__in=days))
    taken = list(
        DatedSession.objects.filter(provider=provider, date__in=days, cancel_reason="").values_list(
            "date", "start", "end"
        )
    )
    windows, busy = provider_spans(provider)
    slots = []
    for day in days:
        weekday = WEEKDAY_BY_ISO[day.isoweekday()]
        for block in blocks:
            if block.day != weekday or block.activity == Activity.TEST:
                continue
            slot = Slot(day, block.start, block.end, block.activity)
            if (day, block.start) <= (moment.date(), moment.time()):
                continue  # started: the past is the record
            changed = [
                c
                for c in changes
                if c.date == day and spans_overlap(c.start, c.end, block.start, block.end)
            ]
            if any(
                c.kind == ExceptionKind.CANCELLED or c.activity == Activity.TEST for c in changed
            ):
                continue
            if not _covered(windows, busy, weekday, classroom.school_id, slot):
                continue
            if any(d == day and spans_overlap(s, e, block.start, block.end) for d, s, e in taken):
                continue
            slots.append(slot)
    return sorted(slots, key=lambda s: (s.date, s.start))


def free_lesson_slot(
    *, provider: Provider, classroom: Classroom, date: dt.date, start: dt.time, end: dt.time
) -> Slot:
    """The room's block at `date` `start`-`end`, if it is still one of `lesson_slots`;
    else a ValidationError that says why it may not be."""
    monday = date - dt.timedelta(days=date.weekday())
    for slot in lesson_slots(provider=provider, classroom=classroom, monday=monday):
        if (slot.date, slot.start, slot.end) == (date, start, end):
            return slot
    raise ValidationError(
        f"{date:%a %b} {date.day} {start:%H:%M}-{end:%H:%M} is not a free block of this "
        "room any more (it has started, or you have a session then): choose another."
    )


def parse_slot(value: str) -> tuple[dt.date, dt.time, dt.time]:
    try:
        date, start, end = value.split()
        return (
            dt.date.fromisoformat(date),
            dt.time.fromisoformat(start),
            dt.time.fromisoformat(end),
        )
    except ValueError:
        raise ValidationError("Choose one of the room's free blocks.") from None


def _notify(recipient: User | None, text: str, link: str) -> None:
    if recipient is not None and recipient.is_active:
        Notification.objects.create(recipient=recipient, text=text[:300], link=link)


def _portal_link(classroom: Classroom) -> str:
    return reverse("collaboration:portal", args=[classroom.pk]) + "#lessons"


def lesson_students(provider: Provider, classroom: Classroom) -> list[Student]:
    """Who a lesson in the room has a record for: the provider's active caseload students
    of the room."""
    return list(
        Student.objects.filter(classroom=classroom, providers=provider, active=True).order_by("pk")
    )


@transaction.atomic
def lesson_schedule(
    *,
    actor: User,
    provider: Provider,
    classroom: Classroom,
    date: dt.date,
    start: dt.time,
    end: dt.time,
    topic: str,
    plan: str = "",
    request: LessonRequest | None = None,
) -> ClassLesson:
    """Place a whole-class lesson at a free block of the room (one of `lesson_slots`, checked
    again under a lock of the provider's row): a dated session with a record for each of the
    provider's caseload students of the room. With `request`, the teacher's request is
    accepted by it and the teacher is told."""
    locked = Provider.objects.select_for_update().select_related("district").get(pk=provider.pk)
    if classroom.school.district_id != locked.district_id:
        raise ValidationError("That classroom is not in your district.")
    if topic not in Topic.values:
        raise ValidationError("Choose a topic.")
    if request is not None:
        request = LessonRequest.objects.select_for_update().get(pk=request.pk)
        if request.status != RequestStatus.OPEN:
            raise ValidationError("This request was answered already.")
        if request.classroom_id != classroom.pk:
            raise ValidationError("This request is for another classroom.")
    chosen = free_lesson_slot(provider=locked, classroom=classroom, date=date, start=start, end=end)
    session = DatedSession.objects.create(
        provider=locked,
        classroom=classroom,
        date=date,
        start=start,
        end=end,
        activity=chosen.activity,
    )
    lesson = ClassLesson.objects.create(
        session=session, classroom=classroom, topic=topic, plan=plan.strip(), created_by=actor
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=lesson,
        detail={"session": session.pk, "classroom": classroom.pk, "topic": topic},
    )
    for student in lesson_students(locked, classroom):
        record = SessionStudent.objects.create(session=session, student=student)
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=record,
            student_id=student.pk,
            detail={"session": session.pk, "lesson": lesson.pk},
        )
    if request is not None:
        request.status = RequestStatus.ACCEPTED
        request.decided_by = actor
        request.decided_at = timezone.now()
        request.lesson = lesson
        request.save(update_fields=["status", "decided_by", "decided_at", "lesson"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=request,
            detail={"status": request.status, "lesson": lesson.pk},
        )
        _notify(
            request.requested_by,
            f"Your {Topic(topic).label.lower()} lesson request for {classroom.name} is "
            f"scheduled: {date:%a %b} {date.day} {start:%H:%M}-{end:%H:%M}.",
            _portal_link(classroom),
        )
    return lesson


@transaction.atomic
def lesson_request_create(
    *, actor: User, classroom: Classroom, topic: str, by_when: dt.date, note: str = ""
) -> LessonRequest:
    """A teacher asks for a lesson; the providers who work in the room are told."""
    if topic not in Topic.values:
        raise ValidationError({"topic": "Choose a topic."})
    if by_when < timezone.localdate():
        raise ValidationError({"by_when": "Choose a day from today on."})
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"At most {NOTE_MAX} characters."})
    request = LessonRequest.objects.create(
        classroom=classroom, requested_by=actor, topic=topic, by_when=by_when, note=note
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=request,
        detail={"classroom": classroom.pk, "topic": topic},
    )
    for provider in classroom_providers(classroom):
        _notify(
            provider.user,
            f"The teacher of {classroom.name} asks for a {Topic(topic).label.lower()} lesson "
            f"by {by_when:%a %b} {by_when.day}.",
            reverse("lessons:home"),
        )
    return request


@transaction.atomic
def lesson_request_decline(*, actor: User, request: LessonRequest, note: str) -> LessonRequest:
    """Decline a teacher's open request with a note they will read."""
    note = note.strip()
    if not note:
        raise ValidationError({"note": "Say why, for the teacher."})
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"At most {NOTE_MAX} characters."})
    locked = (
        LessonRequest.objects.select_for_update().select_related("classroom").get(pk=request.pk)
    )
    if locked.status != RequestStatus.OPEN:
        raise ValidationError("This request was answered already.")
    locked.status = RequestStatus.DECLINED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"status": "declined"})
    _notify(
        locked.requested_by,
        f"Your {locked.get_topic_display().lower()} lesson request for "
        f"{locked.classroom.name} was declined: see the note.",
        _portal_link(locked.classroom),
    )
    return locked


def _ledger_touch(student_id: int) -> None:
    """A ledger input changed: the cached ledgers of the student are stale (when the
    ledger cache is there, `sessions/ledger_stamps.py`)."""
    try:
        from pushin.sessions import ledger_stamps
    except ImportError:  # pragma: no cover - without the ledger cache nothing is kept
        return
    ledger_stamps.ledger_touch(student_ids=[student_id])


@transaction.atomic
def lesson_credit_set(*, actor: User, service: Service, counts: bool) -> LessonCredit:
    """Whether whole-class lessons count towards the service's mandate (from the next
    ledger read on: the ledger is computed, so past lesson minutes follow the setting)."""
    credit, _ = LessonCredit.objects.update_or_create(
        service=service, defaults={"counts": counts, "set_by": actor}
    )
    student_id = service.iep.student_id
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=credit,
        student_id=student_id,
        detail={"service": service.pk, "counts": counts},
    )
    _ledger_touch(student_id)
    return credit


@transaction.atomic
def session_support_set(
    *, actor: User, session: DatedSession, style: str, focus_student_id: int | None
) -> SessionSupport | None:
    """Record how support looks in a session: float (around the whole room, focusing on
    one of the session's students) or the usual (no row). A signed session is the record:
    refused."""
    locked = DatedSession.objects.select_for_update().get(pk=session.pk)
    if locked.is_signed:
        raise ValidationError("This session is signed: its record changes only by amendment.")
    if style == "":
        SessionSupport.objects.filter(session=locked).delete()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, detail={"support": ""})
        return None
    if style not in SupportStyle.values:
        raise ValidationError("Choose how support looks.")
    members = set(
        SessionStudent.objects.filter(session=locked).values_list("student_id", flat=True)
    )
    if focus_student_id is not None and focus_student_id not in members:
        raise ValidationError("The focus student must be one of the session's students.")
    support, _ = SessionSupport.objects.update_or_create(
        session=locked,
        defaults={"style": style, "focus_student_id": focus_student_id, "set_by": actor},
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        student_id=focus_student_id,
        detail={"support": style},
    )
    return support


def provider_rooms(provider: Provider) -> list[Classroom]:
    """The rooms where the provider works: their active students' rooms and the rooms of
    their weekly sessions (as `classroom_providers`, the other way round)."""
    return list(
        Classroom.objects.filter(
            Q(students__providers=provider, students__active=True)
            | Q(
                scheduled_sessions__schedule__provider=provider,
                scheduled_sessions__schedule__active=True,
            ),
            school__district_id=provider.district_id,
        )
        .select_related("school")
        .distinct()
        .order_by("school__name", "name")
    )

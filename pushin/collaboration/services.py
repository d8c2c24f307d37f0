"""Changes to the strategy library, students' strategies and their uses, teachers' reports.

Keyword-only and atomic; a refused change raises `ValidationError` with field keys that
match the forms. Every change of a student's strategy record writes an audit entry with
ids only. A teacher's report of a changed timetable goes through the district services
(which record who changed what) and then notifies the classroom's providers: the text
names the room and the times, never a student.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, AuditEntry, Role, User
from pushin.caseload.models import Student
from pushin.collaboration.models import (
    Notification,
    Outcome,
    Strategy,
    StrategyUse,
    StudentStrategy,
)
from pushin.collaboration.starter_strategies import PAPER_KINDS, STARTERS
from pushin.district import services as district_services
from pushin.district.models import (
    ActivityBlock,
    Classroom,
    District,
    ExceptionKind,
    Provider,
    TeacherPreference,
    TimetableException,
)
from pushin.planning.models import ScheduledSession
from pushin.sessions.models import DatedSession, SessionStudent
from pushin.timespans import monday_of, spans_overlap
from pushin.vocabulary import WEEKDAY_BY_ISO, Activity, Domain, Weekday, in_week_order

NOTE_MAX = 200
PAPER_KIND_IDS = {kind for kind, _ in PAPER_KINDS}


# --- The library --------------------------------------------------------------------------


@transaction.atomic
def strategies_seed(*, district: District) -> int:
    """Give `district` its own copy of every starter strategy it does not have yet.

    Runs when a district is created (collaboration/signals.py), never on a page read.
    Idempotent: a starter whose name the district already uses is left as it is (a
    provider may have edited the copy). Returns how many strategies were created.
    """
    have = set(Strategy.objects.filter(district=district).values_list("name", flat=True))
    missing = [
        Strategy(
            district=district,
            name=starter.name,
            how_to=starter.how_to,
            when_to_use=starter.when_to_use,
            materials=starter.materials,
            domains=list(starter.domains),
            printable=starter.printable,
            is_starter=True,
        )
        for starter in STARTERS
        if starter.name not in have
    ]
    # ignore_conflicts: two first visits at once must not both fail on the unique name.
    Strategy.objects.bulk_create(missing, ignore_conflicts=True)
    return len(missing)


def _clean_strategy_fields(
    *, name: str, how_to: str, domains: Sequence[str], printable: str
) -> tuple[str, str, list[str]]:
    name = name.strip()
    how_to = how_to.strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = "Give the strategy a short name."
    if not how_to:
        errors["how_to"] = "Write the steps a teacher or para follows."
    unknown = [d for d in domains if d not in Domain.values]
    if not domains:
        errors["domains"] = "Choose at least one goal domain the strategy serves."
    elif unknown:
        errors["domains"] = f"Unknown goal domains: {', '.join(unknown)}."
    if printable and printable not in PAPER_KIND_IDS:
        errors["printable"] = "Choose one of the paper kinds, or none."
    if errors:
        raise ValidationError(errors)
    ordered = [d for d in Domain.values if d in set(domains)]
    return name, how_to, ordered


def _check_name_free(district: District, name: str, exclude_pk: int | None) -> None:
    clash = Strategy.objects.filter(district=district, name__iexact=name)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"The library already has a strategy called “{name}”."})


@transaction.atomic
def strategy_create(
    *,
    actor: User,
    district: District,
    name: str,
    how_to: str,
    domains: Sequence[str],
    when_to_use: str = "",
    materials: str = "",
    printable: str = "",
) -> Strategy:
    name, how_to, ordered = _clean_strategy_fields(
        name=name, how_to=how_to, domains=domains, printable=printable
    )
    _check_name_free(district, name, None)
    strategy = Strategy(
        district=district,
        name=name,
        how_to=how_to,
        when_to_use=when_to_use.strip(),
        materials=materials.strip(),
        domains=ordered,
        printable=printable,
        created_by=actor,
        is_starter=False,
    )
    strategy.full_clean()
    try:
        with transaction.atomic():
            strategy.save()
    except IntegrityError:
        raise ValidationError(
            {"name": f"The library already has a strategy called “{name}”."}
        ) from None
    return strategy


@transaction.atomic
def strategy_update(
    *,
    actor: User,
    strategy: Strategy,
    name: str,
    how_to: str,
    domains: Sequence[str],
    when_to_use: str = "",
    materials: str = "",
    printable: str = "",
) -> Strategy:
    name, how_to, ordered = _clean_strategy_fields(
        name=name, how_to=how_to, domains=domains, printable=printable
    )
    _check_name_free(strategy.district, name, strategy.pk)
    strategy.name = name
    strategy.how_to = how_to
    strategy.when_to_use = when_to_use.strip()
    strategy.materials = materials.strip()
    strategy.domains = ordered
    strategy.printable = printable
    strategy.full_clean()
    strategy.save()
    return strategy


@transaction.atomic
def strategy_delete(*, actor: User, strategy: Strategy) -> None:
    """Remove a strategy nobody uses; one chosen for a student is retired there instead."""
    if StudentStrategy.objects.filter(strategy=strategy).exists():
        raise ValidationError(
            "Students have this strategy (now or in their history): it stays in the library. "
            "Retire it on the student's page instead."
        )
    strategy.delete()


# --- A student's strategies ---------------------------------------------------------------


def _audit_link(actor: User, action: AuditAction, link: StudentStrategy, **detail: object) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=link,
        student_id=link.student_id,
        detail={"strategy": link.strategy_id, **detail},
    )


def _clean_note(value: str, field: str = "notes") -> str:
    value = value.strip()
    if len(value) > NOTE_MAX:
        raise ValidationError({field: f"Keep it under {NOTE_MAX} characters."})
    return value


@transaction.atomic
def student_strategy_add(
    *,
    actor: User,
    student: Student,
    strategy: Strategy,
    carryover: bool = True,
    notes: str = "",
) -> StudentStrategy:
    """Choose a strategy for a student; choosing a retired one again brings it back."""
    if strategy.district_id != student.district_id:
        raise ValidationError({"strategy": "Choose a strategy from this district's library."})
    notes = _clean_note(notes)
    link = StudentStrategy.objects.select_for_update().filter(student=student, strategy=strategy)
    existing = link.first()
    if existing is not None:
        if existing.active:
            raise ValidationError(
                {"strategy": f"{strategy.name} is already one of this student's strategies."}
            )
        existing.active = True
        existing.carryover = carryover
        existing.notes = notes
        existing.save(update_fields=["active", "carryover", "notes"])
        _audit_link(actor, AuditAction.UPDATE, existing, fields=["active", "carryover", "notes"])
        return existing
    created = StudentStrategy.objects.create(
        student=student, strategy=strategy, carryover=carryover, notes=notes, added_by=actor
    )
    _audit_link(actor, AuditAction.CREATE, created)
    return created


@transaction.atomic
def student_strategy_update(
    *, actor: User, link: StudentStrategy, carryover: bool, notes: str
) -> StudentStrategy:
    notes = _clean_note(notes)
    changed = [
        name
        for name, value in (("carryover", carryover), ("notes", notes))
        if getattr(link, name) != value
    ]
    if changed:
        link.carryover = carryover
        link.notes = notes
        link.save(update_fields=changed)
        _audit_link(actor, AuditAction.UPDATE, link, fields=changed)
    return link


@transaction.atomic
def student_strategy_set_active(
    *, actor: User, link: StudentStrategy, active: bool
) -> StudentStrategy:
    """Retire a strategy (kept with its history) or bring a retired one back."""
    if link.active != active:
        link.active = active
        link.save(update_fields=["active"])
        _audit_link(actor, AuditAction.UPDATE, link, fields=["active"], active=active)
    return link


def _session_record_on(link: StudentStrategy, actor: User, day: dt.date) -> SessionStudent | None:
    """The actor's own session with the student that day, if there was one."""
    if actor.role != Role.PROVIDER:
        return None
    return (
        SessionStudent.objects.filter(
            student_id=link.student_id, session__date=day, session__provider__user=actor
        )
        .order_by("-session__start", "-pk")
        .first()
    )


@transaction.atomic
def strategy_use_log(
    *,
    actor: User,
    link: StudentStrategy,
    outcome: str,
    used_on: dt.date | None = None,
    session_record: SessionStudent | None = None,
    note: str = "",
) -> StrategyUse:
    """One use of a student's strategy and how the student responded.

    A para's two-tap log is today's use with the outcome. A provider's use links to the
    session record whose data shows the outcome: the one given, or else the provider's
    own session with the student that day.
    """
    today = timezone.localdate()
    used_on = used_on or today
    errors: dict[str, str] = {}
    if not link.active:
        errors["outcome"] = "This strategy is retired for the student; bring it back first."
    if outcome not in Outcome.values:
        errors["outcome"] = "Tap how the student responded: worked, partly or did not work."
    if used_on > today:
        errors["used_on"] = "A use is logged on or after the day it happened, not before."
    elif problem := district_services.school_day_problem(link.student.district, used_on):
        errors["used_on"] = f"Uses are logged on school days. {problem}"
    if session_record is not None and session_record.student_id != link.student_id:
        errors["session_record"] = "Choose one of this student's sessions."
    if errors:
        raise ValidationError(errors)
    note = _clean_note(note, "note")
    if session_record is None:
        session_record = _session_record_on(link, actor, used_on)
    use = StrategyUse.objects.create(
        student_strategy=link,
        used_on=used_on,
        used_by=actor,
        outcome=outcome,
        session_record=session_record,
        note=note,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=use,
        student_id=link.student_id,
        detail={
            "student_strategy": link.pk,
            "session_record": session_record.pk if session_record is not None else None,
        },
    )
    return use


def student_strategies_read_audit(
    *, actor: User, student: Student, links: Iterable[StudentStrategy], page: str
) -> None:
    """One audit entry for a page that shows a student's strategy records (ids only)."""
    AuditEntry.objects.create(
        actor=actor if actor.is_authenticated else None,
        action=AuditAction.READ,
        object_type=StudentStrategy._meta.label_lower,
        object_id=str(student.pk),
        student_id=student.pk,
        detail={"page": page, "student_strategies": [link.pk for link in links]},
    )


def carryover_read_audit(*, actor: User, links: Sequence[StudentStrategy], page: str) -> None:
    """One audit entry per student whose carryover cards a page shows (a single insert)."""
    by_student: dict[int, list[int]] = {}
    for link in links:
        by_student.setdefault(link.student_id, []).append(link.pk)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor,
            action=AuditAction.READ,
            object_type=StudentStrategy._meta.label_lower,
            object_id=str(student_id),
            student_id=student_id,
            detail={"page": page, "student_strategies": pks},
        )
        for student_id, pks in sorted(by_student.items())
    )


# --- Teachers report changes; providers are told ------------------------------------------


def classroom_providers(classroom: Classroom) -> list[Provider]:
    """The providers who serve students in the room or hold weekly sessions there."""
    return list(
        Provider.objects.filter(
            Q(students__classroom=classroom, students__active=True)
            | Q(
                standing_schedules__active=True,
                standing_schedules__sessions__classroom=classroom,
            )
        )
        .select_related("user")
        .distinct()
        .order_by("pk")
    )


def _span(start: dt.time, end: dt.time) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"


def _room(classroom: Classroom) -> str:
    return f"{classroom.name}, {classroom.school.name}"


def _weekly_sessions(classroom: Classroom) -> list[ScheduledSession]:
    return list(
        in_week_order(
            ScheduledSession.objects.filter(
                classroom=classroom, schedule__active=True
            ).select_related("schedule")
        )
    )


@dataclass(frozen=True)
class ChangeReport:
    """What a teacher's report did: the change and who was told."""

    notifications: list[Notification]
    affected: dict[int, list[str]]  # provider pk -> spans of their sessions the change touches


def _notify(
    *,
    classroom: Classroom,
    text: str,
    affected: dict[int, list[str]],
    week_of: dt.date | None,
    actor: User | None = None,
) -> ChangeReport:
    rows = []
    for provider in classroom_providers(classroom):
        if actor is not None and provider.user_id == actor.pk:
            continue  # their own change is no news to them
        spans = affected.get(provider.pk, [])
        line = text
        if spans:
            line += f" Your session{'s' if len(spans) > 1 else ''} {', '.join(spans)} "
            line += "may be affected: see the flags."
        link = reverse("planning:provider", args=[provider.pk])
        if week_of is not None:
            link += f"?week={week_of:%Y-%m-%d}"
        rows.append(Notification(recipient=provider.user, text=line[:300], link=link))
    created = Notification.objects.bulk_create(rows)
    return ChangeReport(notifications=created, affected=affected)


@transaction.atomic
def teacher_dated_change_report(
    *,
    actor: User,
    classroom: Classroom,
    date: dt.date,
    start: dt.time,
    end: dt.time,
    kind: str,
    activity: str = "",
    note: str = "",
) -> tuple[TimetableException, ChangeReport]:
    """'Thursday 10:00-10:45 is a test': a dated exception, and the room's providers told.
    A day that has passed is refused (nothing recorded, nobody told): the past is kept."""
    if date < timezone.localdate():
        raise ValidationError(
            {
                "date": f"{date:%a %b} {date.day} has passed: report a change for today or "
                "a school day ahead."
            }
        )
    exception = district_services.timetable_exception_create(
        actor=actor,
        classroom=classroom,
        date=date,
        start=start,
        end=end,
        kind=kind,
        activity=activity,
        note=note,
    )
    weekday = WEEKDAY_BY_ISO[date.isoweekday()]
    affected: dict[int, list[str]] = {}
    for weekly in _weekly_sessions(classroom):
        if weekly.day == weekday and spans_overlap(weekly.start, weekly.end, start, end):
            affected.setdefault(weekly.schedule.provider_id, []).append(
                _span(weekly.start, weekly.end)
            )
    for dated in DatedSession.objects.filter(
        classroom=classroom, date=date, standing__isnull=True, start__lt=end, end__gt=start
    ):
        affected.setdefault(dated.provider_id, []).append(_span(dated.start, dated.end))
    what = (
        "no class activity (cancelled)"
        if kind == ExceptionKind.CANCELLED
        else Activity(activity).label
    )
    text = (
        f"{_room(classroom)}: {date:%a %b} {date.day} {_span(start, end)} is {what}, "
        f"reported by {actor.display_name}."
    )
    monday = monday_of(date)
    return exception, _notify(classroom=classroom, text=text, affected=affected, week_of=monday)


def _block_words(day: str, start: dt.time, end: dt.time, activity: str) -> str:
    return f"{Activity(activity).label} {Weekday(day).label[:3]} {_span(start, end)}"


@transaction.atomic
def teacher_weekly_change_report(
    *,
    actor: User,
    block: ActivityBlock,
    day: str,
    start: dt.time,
    end: dt.time,
    activity: str,
) -> tuple[ActivityBlock, ChangeReport]:
    """'Writing moved to after lunch': the weekly block changes, the providers are told."""
    before = (block.day, block.start, block.end, block.activity)
    affected = _sessions_in_block(block)
    updated = district_services.block_update(
        actor=actor,
        block=block,
        day=day,
        start=start,
        end=end,
        activity=activity,
        teacher_preference=block.teacher_preference,
    )
    after = (updated.day, updated.start, updated.end, updated.activity)
    if after == before:
        return updated, ChangeReport(notifications=[], affected={})
    text = _moved_words(actor, block.classroom, before, after)
    return updated, _notify(classroom=block.classroom, text=text, affected=affected, week_of=None)


@transaction.atomic
def timetable_block_edit(
    *,
    actor: User,
    block: ActivityBlock,
    day: str,
    start: dt.time,
    end: dt.time,
    activity: str,
    teacher_preference: str,
    version: int | None = None,
) -> tuple[ActivityBlock, list[Notification]]:
    """A weekly block edited on the timetable page, by the room's teacher, a provider or an
    administrator: one change, and the room's other providers told of the move and of the
    preference as a portal report would, the weekly sessions it may break named. Refused
    (EditConflict) when the block changed since its form was drawn at `version`."""
    before = (block.day, block.start, block.end, block.activity)
    preference_before = block.teacher_preference
    affected = _sessions_in_block(block)
    updated = district_services.block_update(
        actor=actor,
        block=block,
        day=day,
        start=start,
        end=end,
        activity=activity,
        teacher_preference=teacher_preference,
        version=version,
    )
    told: list[Notification] = []
    after = (updated.day, updated.start, updated.end, updated.activity)
    if after != before:
        text = _moved_words(actor, block.classroom, before, after)
        told += _notify(
            classroom=block.classroom, text=text, affected=affected, week_of=None, actor=actor
        ).notifications
    if teacher_preference != preference_before:
        text = _preference_words(actor, updated, teacher_preference)
        told += _notify(
            classroom=block.classroom,
            text=text,
            affected=_sessions_in_block(updated),
            week_of=None,
            actor=actor,
        ).notifications
    return updated, told


@transaction.atomic
def timetable_block_delete(
    *, actor: User, block: ActivityBlock, version: int | None = None
) -> list[Notification]:
    """A weekly block deleted on the timetable page: the room's other providers are told,
    the weekly sessions that lose it named (they show in the planning flags). Refused
    (EditConflict) when the block changed since its form was drawn at `version`."""
    classroom = block.classroom
    words = _block_words(block.day, block.start, block.end, block.activity)
    affected = _sessions_in_block(block)
    district_services.block_delete(actor=actor, block=block, version=version)
    text = f"{_room(classroom)}: every week, {words} was deleted by {actor.display_name}."
    return _notify(
        classroom=classroom, text=text, affected=affected, week_of=None, actor=actor
    ).notifications


def _moved_words(
    actor: User,
    classroom: Classroom,
    before: tuple[str, dt.time, dt.time, str],
    after: tuple[str, dt.time, dt.time, str],
) -> str:
    return (
        f"{_room(classroom)}: every week, {_block_words(*before)} is now "
        f"{_block_words(*after)}, changed by {actor.display_name}."
    )


def _preference_words(actor: User, block: ActivityBlock, preference: str) -> str:
    said = {
        "good": "a good time for push-in",
        "bad": "a bad time for push-in",
    }.get(preference, "no longer marked good or bad for push-in")
    return (
        f"{_room(block.classroom)}: {actor.display_name} says "
        f"{_block_words(block.day, block.start, block.end, block.activity)} is {said}."
    )


def _sessions_in_block(block: ActivityBlock) -> dict[int, list[str]]:
    affected: dict[int, list[str]] = {}
    for weekly in _weekly_sessions(block.classroom):
        inside = weekly.block_id == block.pk or (
            weekly.day == block.day
            and spans_overlap(weekly.start, weekly.end, block.start, block.end)
        )
        if inside:
            affected.setdefault(weekly.schedule.provider_id, []).append(
                f"{Weekday(weekly.day).label[:3]} {_span(weekly.start, weekly.end)}"
            )
    return affected


@transaction.atomic
def teacher_preference_set(
    *, actor: User, block: ActivityBlock, preference: str
) -> tuple[ActivityBlock, ChangeReport]:
    """The teacher marks a weekly block as a good or bad time for push-in (or clears it)."""
    if preference not in ("", *TeacherPreference.values):
        raise ValidationError({"teacher_preference": "Choose good, bad or no preference."})
    if block.teacher_preference == preference:
        return block, ChangeReport(notifications=[], affected={})
    updated = district_services.block_update(
        actor=actor,
        block=block,
        day=block.day,
        start=block.start,
        end=block.end,
        activity=block.activity,
        teacher_preference=preference,
    )
    text = _preference_words(actor, block, preference)
    return updated, _notify(
        classroom=block.classroom, text=text, affected=_sessions_in_block(block), week_of=None
    )


# --- Notifications ------------------------------------------------------------------------


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now()
    )

"""Changes to the district: timetables, schools and travel, provider weeks, the calendar.

Every function is keyword-only and atomic, and raises `ValidationError` (with field keys
matching the forms) when a rule refuses the change. District objects are not student
records, so no audit entry is required; timetable changes still record who made them
(`created_by` on exceptions, an id-only audit entry for weekly blocks) because a teacher
and a provider both edit the same week.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.urls import reverse

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.collaboration.models import Notification
from pushin.concurrency import version_claim
from pushin.district.models import (
    SESSION_IDLE_MAX_MINUTES,
    SESSION_IDLE_MIN_MINUTES,
    ActivityBlock,
    Availability,
    BusyTime,
    Classroom,
    Closure,
    District,
    ExceptionKind,
    MakeupPolicy,
    ProgressPeriod,
    Provider,
    School,
    TimetableException,
    TravelTime,
    records_start_problem,
)
from pushin.sessions.conflicts import (
    SessionsHit,
    Span,
    provider_spans,
    sessions_hit,
    sessions_words,
)
from pushin.sessions.models import DatedSession
from pushin.vocabulary import DEFAULT_OWED

MAX_TRAVEL_MINUTES = 240


def _span(start: dt.time, end: dt.time) -> str:
    return f"{start:%H:%M}-{end:%H:%M}"


def _check_end_after_start(start: dt.time, end: dt.time) -> None:
    if end <= start:
        raise ValidationError({"end": "The end must be after the start."})


# What changed under a stale block form, in the conflict message (pushin/concurrency.py).
BLOCK = "This block"


def _lock_classroom(classroom: Classroom) -> None:
    # Serialises concurrent edits of one room's week so two overlapping blocks cannot
    # both pass the overlap check (a no-op on SQLite, which locks the whole database).
    Classroom.objects.select_for_update().filter(pk=classroom.pk).first()


def _check_block_overlap(
    *, classroom: Classroom, day: str, start: dt.time, end: dt.time, exclude_pk: int | None
) -> None:
    clashes = ActivityBlock.objects.filter(
        classroom=classroom, day=day, start__lt=end, end__gt=start
    )
    if exclude_pk is not None:
        clashes = clashes.exclude(pk=exclude_pk)
    clash = clashes.order_by("start").first()
    if clash is not None:
        raise ValidationError(
            f"This overlaps the block {clash} in the same classroom. "
            "Change the times or edit that block first."
        )


# --- Weekly timetable -------------------------------------------------------------------


@transaction.atomic
def block_create(
    *,
    actor: User,
    classroom: Classroom,
    day: str,
    start: dt.time,
    end: dt.time,
    activity: str,
    teacher_preference: str = "",
) -> ActivityBlock:
    _check_end_after_start(start, end)
    _lock_classroom(classroom)
    _check_block_overlap(classroom=classroom, day=day, start=start, end=end, exclude_pk=None)
    block = ActivityBlock(
        classroom=classroom,
        day=day,
        start=start,
        end=end,
        activity=activity,
        teacher_preference=teacher_preference,
    )
    block.full_clean()
    block.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=block, detail={"classroom": classroom.pk}
    )
    return block


@transaction.atomic
def block_update(
    *,
    actor: User,
    block: ActivityBlock,
    day: str,
    start: dt.time,
    end: dt.time,
    activity: str,
    teacher_preference: str = "",
    version: int | None = None,
) -> ActivityBlock:
    """Change a weekly block; refused (EditConflict) when it changed since its form was
    drawn at `version`."""
    _check_end_after_start(start, end)
    _lock_classroom(block.classroom)
    version_claim(ActivityBlock.objects, pk=block.pk, expected=version, what=BLOCK)
    _check_block_overlap(
        classroom=block.classroom, day=day, start=start, end=end, exclude_pk=block.pk
    )
    changed = [
        name
        for name, value in (
            ("day", day),
            ("start", start),
            ("end", end),
            ("activity", activity),
            ("teacher_preference", teacher_preference),
        )
        if getattr(block, name) != value
    ]
    block.day = day
    block.start = start
    block.end = end
    block.activity = activity
    block.teacher_preference = teacher_preference
    block.full_clean()
    # Not the version: the claim moved it on in the database.
    block.save(update_fields=["day", "start", "end", "activity", "teacher_preference"])
    block.version = ActivityBlock.objects.values_list("version", flat=True).get(pk=block.pk)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=block,
        detail={"classroom": block.classroom_id, "fields": changed},
    )
    return block


@transaction.atomic
def block_delete(*, actor: User, block: ActivityBlock, version: int | None = None) -> None:
    version_claim(ActivityBlock.objects, pk=block.pk, expected=version, what=BLOCK)
    audit_record(
        actor=actor, action=AuditAction.DELETE, obj=block, detail={"classroom": block.classroom_id}
    )
    block.delete()


def school_day_problem(district: District, day: dt.date) -> str:
    """Why `day` is not a school day of `district` (a weekend, outside the school year, a
    closure), as a sentence a form can show; "" when it is one."""
    if day.isoweekday() > 5:
        return "That is a weekend: pick a school day (Monday to Friday)."
    if not district.school_year_start <= day <= district.school_year_end:
        return (
            f"That date is outside the school year "
            f"({district.school_year_start:%b %d, %Y} to {district.school_year_end:%b %d, %Y})."
        )
    closure = district.closures.filter(start__lte=day, end__gte=day).first()
    if closure is not None:
        return f"There is no school that day: {closure}."
    return ""


def _check_school_day(district: District, day: dt.date) -> None:
    problem = school_day_problem(district, day)
    if problem:
        raise ValidationError({"date": problem})


@transaction.atomic
def timetable_exception_create(
    *,
    actor: User,
    classroom: Classroom,
    date: dt.date,
    start: dt.time,
    end: dt.time,
    kind: str,
    activity: str = "",
    note: str = "",
) -> TimetableException:
    _check_end_after_start(start, end)
    _check_school_day(classroom.school.district, date)
    if kind == ExceptionKind.CANCELLED:
        activity = ""
    elif not activity:
        raise ValidationError({"activity": "Say which activity replaces the usual one."})
    _lock_classroom(classroom)
    clash = (
        TimetableException.objects.filter(
            classroom=classroom, date=date, start__lt=end, end__gt=start
        )
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            f"This overlaps the exception {clash} already recorded for this room. "
            "Delete that one first."
        )
    exception = TimetableException(
        classroom=classroom,
        date=date,
        start=start,
        end=end,
        kind=kind,
        activity=activity,
        note=note,
        created_by=actor,
    )
    exception.full_clean()
    exception.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=exception,
        detail={"classroom": classroom.pk},
    )
    return exception


@transaction.atomic
def timetable_exception_delete(*, actor: User, exception: TimetableException) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=exception,
        detail={"classroom": exception.classroom_id},
    )
    exception.delete()


# --- Schools and travel -----------------------------------------------------------------


def classroom_teacher_notify(
    *, actor: User, classroom: Classroom, before: User | None
) -> list[Notification]:
    """A room's teacher changed (only an administrator changes it): the teacher who lost the
    room learns why its students are gone from their pages, and the new one where to find
    them. The room and who changed it, never a student."""
    after = classroom.teacher
    if after == before:
        return []
    room = f"{classroom.name}, {classroom.school.name}"
    rows = []
    if before is not None:
        text = (
            f"{room}: {actor.display_name} made another teacher this room's teacher. You no "
            "longer see its students, their strategies or the providers' visits there."
        )
        rows.append(Notification(recipient=before, text=text[:300]))
    if after is not None:
        text = (
            f"{room}: {actor.display_name} made you this room's teacher. Its students' "
            "strategies, the providers' visits and follow-ups are in My classroom."
        )
        link = reverse("collaboration:portal", args=[classroom.pk])
        rows.append(Notification(recipient=after, text=text[:300], link=link))
    return Notification.objects.bulk_create(rows)


@transaction.atomic
def school_create(*, actor: User, district: District, name: str, code: str) -> School:
    name = name.strip()
    code = code.strip().lower()
    if School.objects.filter(district=district, code=code).exists():
        raise ValidationError({"code": f"Another school already uses the code “{code}”."})
    school = School(district=district, name=name, code=code)
    school.full_clean()
    school.save()
    return school


@transaction.atomic
def travel_minutes_set(*, actor: User, a: School, b: School, minutes: int) -> TravelTime:
    """Store the minutes between two schools once, as the pair (lower pk, higher pk)."""
    if a.pk == b.pk:
        raise ValidationError("A school is 0 minutes from itself; pick two different schools.")
    if a.district_id != b.district_id:
        raise ValidationError("Both schools must be in the same district.")
    if not 0 <= minutes <= MAX_TRAVEL_MINUTES:
        raise ValidationError(
            {"minutes": f"Travel time must be between 0 and {MAX_TRAVEL_MINUTES} minutes."}
        )
    low, high = (a, b) if a.pk < b.pk else (b, a)
    travel, _ = TravelTime.objects.update_or_create(
        from_school=low, to_school=high, defaults={"minutes": minutes}
    )
    return travel


# --- A provider's week ------------------------------------------------------------------


def _lock_provider(provider: Provider) -> None:
    Provider.objects.select_for_update().filter(pk=provider.pk).first()


@transaction.atomic
def availability_create(
    *,
    actor: User,
    provider: Provider,
    day: str,
    start: dt.time,
    end: dt.time,
    school: School | None = None,
) -> Availability:
    _check_end_after_start(start, end)
    if school is not None and school.district_id != provider.district_id:
        raise ValidationError({"school": "That school is not in the provider's district."})
    _lock_provider(provider)
    clash = (
        provider.availability.filter(day=day, start__lt=end, end__gt=start)
        .order_by("start")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            f"This overlaps the window {clash} on the same day. "
            "Change the times or delete that window first."
        )
    window = Availability(provider=provider, day=day, start=start, end=end, school=school)
    window.full_clean()
    window.save()
    return window


def _sessions_hit_record(
    *, actor: User, provider: Provider, change: str, hits: list[DatedSession]
) -> None:
    """A change saved anyway over upcoming sessions: audited (ids only), and the provider
    told when someone else made it. The availability page lists the sessions to re-plan."""
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=provider,
        detail={"week_change": change, "sessions_hit": [s.pk for s in hits]},
    )
    if actor.pk != provider.user_id:
        text = (
            f"{actor.display_name} changed your week ({change}): "
            f"{sessions_words(hits)}. Re-plan them."
        )
        Notification.objects.create(
            recipient=provider.user,
            text=text[:300],
            link=reverse("district:availability", args=[provider.pk]),
        )


@transaction.atomic
def availability_delete(
    *, actor: User, window: Availability, confirm: bool = False
) -> list[DatedSession]:
    """Delete a window. Refused (`SessionsHit`) when it leaves upcoming sessions outside
    the provider's hours, unless `confirm`; returns the sessions it left outside."""
    provider = window.provider
    _lock_provider(provider)
    _, busy = provider_spans(provider)
    remaining = [
        Span(w.day, w.start, w.end, w.school_id)
        for w in provider.availability.exclude(pk=window.pk)
    ]
    hits = sessions_hit(provider, windows=remaining, busy=busy)
    if hits and not confirm:
        raise SessionsHit(
            f"Deleting this window leaves {sessions_words(hits)} outside the available hours.",
            hits,
        )
    if hits:
        _sessions_hit_record(
            actor=actor, provider=provider, change=f"window {window} deleted", hits=hits
        )
    window.delete()
    return hits


@transaction.atomic
def busy_time_create(
    *,
    actor: User,
    provider: Provider,
    day: str,
    start: dt.time,
    end: dt.time,
    label: str = "",
    confirm: bool = False,
) -> tuple[BusyTime, list[DatedSession]]:
    """Add a weekly busy time. Refused (`SessionsHit`) when it overlaps upcoming sessions,
    unless `confirm`; returns the busy time and the sessions it overlaps."""
    _check_end_after_start(start, end)
    _lock_provider(provider)
    windows, busy_now = provider_spans(provider)
    hits = sessions_hit(provider, windows=windows, busy=[*busy_now, Span(day, start, end)])
    if hits and not confirm:
        raise SessionsHit(f"This busy time overlaps {sessions_words(hits)}.", hits)
    busy = BusyTime(provider=provider, day=day, start=start, end=end, label=label.strip())
    busy.full_clean()
    busy.save()
    if hits:
        _sessions_hit_record(
            actor=actor,
            provider=provider,
            change=f"busy time {busy.get_day_display()} {_span(start, end)} added",
            hits=hits,
        )
    return busy, hits


@transaction.atomic
def busy_time_delete(*, actor: User, busy: BusyTime) -> None:
    busy.delete()


@transaction.atomic
def provider_hours_update(
    *,
    actor: User,
    provider: Provider,
    contracted_minutes_per_week: int,
    max_direct_minutes_per_day: int | None,
) -> Provider:
    if (
        max_direct_minutes_per_day is not None
        and max_direct_minutes_per_day > contracted_minutes_per_week
    ):
        raise ValidationError(
            {
                "max_direct_minutes_per_day": "The daily direct maximum cannot exceed "
                "the contracted minutes for the whole week."
            }
        )
    provider.contracted_minutes_per_week = contracted_minutes_per_week
    provider.max_direct_minutes_per_day = max_direct_minutes_per_day
    provider.full_clean()
    provider.save(update_fields=["contracted_minutes_per_week", "max_direct_minutes_per_day"])
    return provider


# --- The district calendar and policy ---------------------------------------------------


def _outside(start: dt.date, end: dt.date, year_start: dt.date, year_end: dt.date) -> bool:
    return start < year_start or end > year_end


@transaction.atomic
def school_year_update(*, actor: User, district: District, start: dt.date, end: dt.date) -> None:
    if end <= start:
        raise ValidationError({"end": "The school year must end after it starts."})
    stray = [
        str(period)
        for period in district.progress_periods.all()
        if _outside(period.start, period.end, start, end)
    ] + [
        str(closure)
        for closure in district.closures.all()
        if _outside(closure.start, closure.end, start, end)
    ]
    stray += [
        f"the records start {label} ({day:%b %d, %Y})"
        for label, day in _records_starts(district)
        if day > end
    ]
    if stray:
        raise ValidationError(
            "These fall outside the new school year; move or delete them first: "
            + "; ".join(stray)
            + "."
        )
    district.school_year_start = start
    district.school_year_end = end
    district.full_clean()
    district.save(update_fields=["school_year_start", "school_year_end"])
    _calendars_follow(district=district, actor=actor)


def _check_inside_year(district: District, start: dt.date, end: dt.date) -> None:
    if _outside(start, end, district.school_year_start, district.school_year_end):
        raise ValidationError(
            f"The dates must be inside the school year "
            f"({district.school_year_start:%b %d, %Y} to {district.school_year_end:%b %d, %Y})."
        )


@transaction.atomic
def closure_create(
    *, actor: User, district: District, name: str, start: dt.date, end: dt.date
) -> Closure:
    if end < start:
        raise ValidationError({"end": "The last day cannot be before the first day."})
    _check_inside_year(district, start, end)
    closure = Closure(district=district, name=name.strip(), start=start, end=end)
    closure.full_clean()
    closure.save()
    _calendars_follow(district=district, actor=actor)
    return closure


@transaction.atomic
def closure_delete(*, actor: User, closure: Closure) -> None:
    district = closure.district
    closure.delete()
    _calendars_follow(district=district, actor=actor)


def _calendars_follow(*, district: District, actor: User) -> None:
    """The providers' stored sessions from now on follow the changed school days (the
    past stays as it was: see pushin/sessions/calendar.py)."""
    # Imported here: the calendar sits above the district app in the data flow.
    from pushin.lessons.weekly import weekly_lessons_sync_district
    from pushin.sessions.calendar import calendar_sync_district

    calendar_sync_district(district=district, actor=actor)
    weekly_lessons_sync_district(district=district, actor=actor)


@transaction.atomic
def makeup_policy_set(*, actor: User, district: District, owed: dict[str, bool]) -> None:
    """One row per miss or cut-short reason: whether the minutes lost to it are owed."""
    unknown = set(owed) - set(DEFAULT_OWED)
    if unknown:
        raise ValidationError({NON_FIELD_ERRORS: f"Unknown reasons: {sorted(unknown)}"})
    for reason, is_owed in owed.items():
        MakeupPolicy.objects.update_or_create(
            district=district, reason=reason, defaults={"owed": is_owed}
        )


@transaction.atomic
def progress_period_create(
    *, actor: User, district: District, name: str, start: dt.date, end: dt.date
) -> ProgressPeriod:
    if end <= start:
        raise ValidationError({"end": "The period must end after it starts."})
    _check_inside_year(district, start, end)
    clash = district.progress_periods.filter(start__lte=end, end__gte=start).first()
    if clash is not None:
        raise ValidationError(
            f"This overlaps the period {clash} ({clash.start:%b %d} to {clash.end:%b %d})."
        )
    period = ProgressPeriod(district=district, name=name.strip(), start=start, end=end)
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def progress_period_delete(*, actor: User, period: ProgressPeriod) -> None:
    """Delete a period no progress report was written for (a report is a record)."""
    reports = period.reports.count()
    if reports:
        raise ValidationError(
            f"{period.name} has {reports} progress report{'s' if reports != 1 else ''}: "
            "a period with reports is kept."
        )
    period.delete()


# --- Records start (adopting Push-In mid-year) ------------------------------------------


def _records_starts(district: District) -> list[tuple[str, dt.date]]:
    """The district's records start and its providers' own, labelled without names."""
    starts: list[tuple[str, dt.date]] = []
    if district.records_start is not None:
        starts.append(("of the district", district.records_start))
    for pk, day in (
        district.providers.filter(records_start__isnull=False)
        .order_by("pk")
        .values_list("pk", "records_start")
    ):
        if day is not None:
            starts.append((f"of provider {pk}", day))
    return starts


def _check_records_start(district: District, day: dt.date | None) -> None:
    problem = records_start_problem(district, day)
    if problem:
        raise ValidationError({"records_start": problem})


@transaction.atomic
def district_records_start_set(
    *, actor: User, district: District, records_start: dt.date | None
) -> District:
    """Set (or clear) the day the district's records start: before it the minutes ledger
    counts nothing as owed or never scheduled, and lapse alerts count from it."""
    _check_records_start(district, records_start)
    district.records_start = records_start
    district.save(update_fields=["records_start"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=district,
        detail={"records_start": records_start.isoformat() if records_start else None},
    )
    return district


@transaction.atomic
def district_session_idle_set(
    *, actor: User, district: District, session_idle_minutes: int
) -> District:
    """Set how long a person may be idle before a request signs them out."""
    if not SESSION_IDLE_MIN_MINUTES <= session_idle_minutes <= SESSION_IDLE_MAX_MINUTES:
        raise ValidationError(
            {
                "session_idle_minutes": (
                    f"The idle sign-out must be between {SESSION_IDLE_MIN_MINUTES} and "
                    f"{SESSION_IDLE_MAX_MINUTES} minutes."
                )
            }
        )
    district.session_idle_minutes = session_idle_minutes
    district.save(update_fields=["session_idle_minutes"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=district,
        detail={"session_idle_minutes": session_idle_minutes},
    )
    return district


@transaction.atomic
def district_planning_rules_set(
    *,
    actor: User,
    district: District,
    one_pull_out_a_day: bool,
    min_fit: float | None = None,
) -> District:
    """Set the rules every plan of the district follows (passed to the engine by
    planning/scenario_build.py); plans already accepted are not changed. `min_fit` None
    keeps the district's minimum fit."""
    district.one_pull_out_a_day = one_pull_out_a_day
    detail: dict[str, bool | float] = {"one_pull_out_a_day": one_pull_out_a_day}
    if min_fit is not None:
        if not 0.0 <= min_fit <= 1.0:
            raise ValidationError({"min_fit": "The minimum fit is between 0 and 1."})
        district.min_fit = round(min_fit, 2)
        detail["min_fit"] = district.min_fit
    district.save(update_fields=["one_pull_out_a_day", "min_fit"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=district, detail=detail)
    return district


@transaction.atomic
def provider_records_start_set(
    *, actor: User, provider: Provider, records_start: dt.date | None
) -> Provider:
    """Set (or clear, to follow the district's) a provider's own records start."""
    _check_records_start(provider.district, records_start)
    provider.records_start = records_start
    provider.save(update_fields=["records_start"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=provider,
        detail={"records_start": records_start.isoformat() if records_start else None},
    )
    return provider

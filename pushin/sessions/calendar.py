"""The provider's calendar: the active standing schedule turned into dated sessions.

Materialized on demand. The Today page and the week view call `sessions_materialize` for
the days they show, right before they read them. There is no nightly job to create the
year's sessions ahead of time, because:

- the dated sessions are then always consistent with the schedule as it is *now*: accept
  a new plan or move a session at 10:00 and the afternoon on the Today page already shows
  the new times, with nothing to re-run and no window where the two disagree;
- a closure (snow day) or a change of school-year dates entered today takes effect for the
  days shown, without a job to clean up sessions created weeks ago;
- nothing runs for days nobody opens (a far-away week), and no worker has to be up.

The expansion is idempotent: a second call with the same schedule writes nothing.
What a provider already recorded is never touched: only *planned* occurrences (status
planned, nothing logged) are created, replaced or removed. Makeup sessions belong to the
minutes ledger and are left alone.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Prefetch

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.district.models import Closure, District, Provider
from pushin.planning.models import ScheduledSession, ScheduledSessionStudent, StandingSchedule
from pushin.sessions.models import DatedSession, SessionStatus, SessionStudent
from pushin.timespans import spans_overlap
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


def _student_ids(session: ScheduledSession | DatedSession) -> set[int]:
    return {m.student_id for m in session.members.all()}


def _still_matches(dated: DatedSession, weekly: ScheduledSession) -> bool:
    """The planned occurrence is what the weekly session would create on that date."""
    return (
        WEEKDAY_BY_ISO.get(dated.date.isoweekday()) == weekly.day
        and (dated.classroom_id, dated.start, dated.end, dated.delivery)
        == (weekly.classroom_id, weekly.start, weekly.end, weekly.delivery)
        and _student_ids(dated) == _student_ids(weekly)
    )


def _activity(weekly: ScheduledSession) -> str:
    return weekly.block.activity if weekly.block is not None else ""


@transaction.atomic
def sessions_materialize(
    *, provider: Provider, start: dt.date, end: dt.date, actor: User | None = None
) -> list[DatedSession]:
    """The provider's dated sessions for every school day in [start, end], made to match
    the active standing schedule.

    - creates the occurrences the schedule calls for that do not exist yet, each with a
      SessionStudent per (active) student carrying the standing focus goal;
    - replaces planned occurrences that no longer match their weekly session (moved,
      other students) and keeps their class activity in step with the block;
    - removes planned occurrences of an older schedule, or on a day that is no longer a
      school day (a closure was added);
    - never touches a logged or signed occurrence, nor a makeup. A logged occurrence of
      an older schedule keeps its time: the new schedule's session overlapping it that
      day is not created.

    Returns the sessions of the range, in date and time order.
    """
    if end < start:
        raise ValueError("the range ends before it starts")
    # One expansion at a time per provider: two pages opened together must not both
    # create the same occurrence.
    locked = Provider.objects.select_for_update().select_related("district").get(pk=provider.pk)
    district = locked.district
    days = set(school_days(district, start, end))
    schedule = StandingSchedule.objects.filter(provider_id=provider.pk, active=True).first()
    weekly: list[ScheduledSession] = []
    if schedule is not None:
        weekly = list(
            schedule.sessions.select_related("block").prefetch_related(
                Prefetch(
                    "members",
                    queryset=ScheduledSessionStudent.objects.filter(student__active=True).order_by(
                        "pk"
                    ),
                )
            )
        )
    weekly_by_pk = {w.pk: w for w in weekly}

    existing = list(
        DatedSession.objects.filter(provider_id=provider.pk, date__gte=start, date__lte=end)
        .prefetch_related("members")
        .order_by("date", "start", "pk")
    )
    kept: list[DatedSession] = []
    stale: list[DatedSession] = []
    relabel: list[DatedSession] = []
    for dated in existing:
        if dated.status != SessionStatus.PLANNED or dated.is_makeup:
            kept.append(dated)
            continue
        source = weekly_by_pk.get(dated.standing_id) if dated.standing_id else None
        if source is None or dated.date not in days or not _still_matches(dated, source):
            stale.append(dated)
        else:
            kept.append(dated)
            activity = _activity(source)
            if dated.activity != activity:  # the teacher changed the block's activity
                dated.activity = activity
                relabel.append(dated)

    occupied = {(d.standing_id, d.date) for d in kept if d.standing_id is not None}
    recorded_elsewhere: dict[dt.date, list[DatedSession]] = defaultdict(list)
    for dated in kept:
        if dated.status != SessionStatus.PLANNED and not dated.is_makeup:
            recorded_elsewhere[dated.date].append(dated)

    by_day: dict[str, list[ScheduledSession]] = defaultdict(list)
    for w in weekly:
        if w.members.all():
            by_day[w.day].append(w)
    to_create: list[tuple[DatedSession, ScheduledSession]] = []
    for day in sorted(days):
        for w in by_day.get(WEEKDAY_BY_ISO[day.isoweekday()], []):
            if (w.pk, day) in occupied:
                continue
            if any(
                d.standing_id != w.pk and spans_overlap(d.start, d.end, w.start, w.end)
                for d in recorded_elsewhere[day]
            ):
                continue
            to_create.append(
                (
                    DatedSession(
                        provider_id=provider.pk,
                        classroom_id=w.classroom_id,
                        date=day,
                        start=w.start,
                        end=w.end,
                        activity=_activity(w),
                        delivery=w.delivery,
                        standing=w,
                    ),
                    w,
                )
            )

    if relabel:
        DatedSession.objects.bulk_update(relabel, ["activity"])
    if stale:
        DatedSession.objects.filter(pk__in=[d.pk for d in stale]).delete()
        _audit_by_student(actor, stale, AuditAction.DELETE)
    created: list[DatedSession] = []
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
    return sorted([*kept, *created], key=lambda d: (d.date, d.start, d.pk))


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
        ids = (members or {}).get(session.pk) or list(_student_ids(session))
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

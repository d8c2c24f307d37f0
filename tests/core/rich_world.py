"""A test world with something on every page: schedules old and new, dated sessions in the
past, today and ahead, a signed session with an amendment, makeups, plan and makeup runs
(finished and queued), follow-ups, strategies and their uses, notifications, closures,
timetable changes, and a row in every table the Django admin shows.

Built for the "reading never writes" walk (tests/core/test_get_never_writes.py), which
requests every GET route as every persona against it. Every name here is made up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.models import Role, User
from pushin.caseload.models import (
    FitWeight,
    Goal,
    GoalFitOverride,
    MandateVersion,
    Service,
    Student,
    StudentUnavailability,
)
from pushin.collaboration.models import (
    FollowUp,
    FollowUpReply,
    FollowUpStatus,
    Notification,
    Outcome,
    Strategy,
    StrategyUse,
    StudentStrategy,
)
from pushin.district.models import (
    ActivityBlock,
    Availability,
    BusyTime,
    Classroom,
    Closure,
    ExceptionKind,
    MakeupPolicy,
    ProgressPeriod,
    Provider,
    TeacherPreference,
    TimetableException,
)
from pushin.lessons.models import LessonRequest, Topic, WeeklyLesson
from pushin.planning.models import (
    PlanRun,
    ScheduledSession,
    ScheduledSessionStudent,
    StandingSchedule,
)
from pushin.planning.services import plan_run_create
from pushin.progress.models import ProgressReport
from pushin.progress.reports.services import report_draft, report_share, report_sign
from pushin.sessions.calendar import calendar_sync
from pushin.sessions.makeups import makeup_run_create
from pushin.sessions.models import (
    Amendment,
    Attendance,
    DataKind,
    DataPoint,
    DatedSession,
    MakeupRun,
    SessionStatus,
    SessionStudent,
)
from pushin.vocabulary import Activity, Comfort, Delivery, Domain, Grouping, MissReason, Weekday
from pushin.watchlist.models import WatchEntry
from pushin.workload.models import IndirectKind, IndirectTime, WhatIfKind, WhatIfRun
from pushin.workload.whatif import whatif_run_create
from tests.factories import World, make_user, make_world
from tests.watchlist.helpers import make_entry

# The frozen today of the suite is Wednesday 2026-12-02 (tests/conftest.py).
OLD_FROM = dt.date(2026, 10, 5)  # the first schedule, replaced on NEW_FROM
NEW_FROM = dt.date(2026, 11, 16)  # the schedule in force now
PAST_MONDAY = dt.date(2026, 11, 16)
BEFORE_ANY_SCHEDULE = dt.date(2026, 9, 8)
NEXT_WEEK = dt.date(2026, 12, 7)
LATER = dt.date(2027, 2, 10)

IMMEDIATE_TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": ["default", "solver"],
    }
}
DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "solver"]}
}

Capture = Callable[..., AbstractContextManager[Any]]


@dataclass
class RichWorld:
    world: World
    superuser: User
    math_block: ActivityBlock
    mon_block: ActivityBlock
    schedule: StandingSchedule
    old_schedule: StandingSchedule
    weekly: ScheduledSession
    signed: DatedSession  # Mon Nov 16, delivered, signed, then amended
    signed_record: SessionStudent
    missed: DatedSession  # Thu Nov 19, provider absent (owed)
    unlogged: DatedSession  # Mon Nov 23, nobody logged it
    logged: DatedSession  # Mon Nov 30, delivered, not signed; the follow-ups' session
    logged_record: SessionStudent
    makeup: DatedSession  # Tue Dec 1, a makeup of an earlier miss, delivered
    ahead: DatedSession  # the next stored session of the provider
    other_session: DatedSession  # the other provider's, Thu Nov 19
    service: Service
    goal: Goal
    exception: TimetableException
    strategy: Strategy  # the provider's own strategy
    starter: Strategy
    link: StudentStrategy  # the student's slant board
    draft: FollowUp
    sent: FollowUp
    notification: Notification
    run: PlanRun  # finished, not decided
    queued_run: PlanRun
    makeup_run: MakeupRun  # finished
    queued_makeup_run: MakeupRun
    indirect: IndirectTime  # the provider's documentation time, Mon Nov 30
    report: ProgressReport  # the student's Q2 progress report, signed, shared with the teacher
    draft_report: ProgressReport  # the student's Q1 progress report, a draft
    whatif_run: WhatIfRun  # the provider's capacity what-if, finished
    queued_whatif_run: WhatIfRun
    lesson_request: LessonRequest  # the teacher asks for a scissor-skills lesson (open)
    weekly_lesson: WeeklyLesson  # the provider's weekly keyboarding lesson in Room 2A (Fri)
    watch_entry: WatchEntry  # a classmate on the watch list of Room 2A (the teacher's, 3 notes)

    @property
    def provider(self) -> Provider:
        return self.world.provider


def _hours(world: World) -> None:
    for provider in (world.provider, world.other_provider):
        Availability.objects.bulk_create(
            Availability(provider=provider, day=day, start=dt.time(8), end=dt.time(15))
            for day in Weekday.values
        )
    BusyTime.objects.create(
        provider=world.provider, day=Weekday.FRI, start=dt.time(12), end=dt.time(13), label="IEP"
    )


def _calendar(world: World) -> None:
    district = world.district
    Closure.objects.create(
        district=district,
        name="Thanksgiving",
        start=dt.date(2026, 11, 26),
        end=dt.date(2026, 11, 27),
    )
    Closure.objects.create(
        district=district, name="Winter break", start=dt.date(2026, 12, 21), end=dt.date(2027, 1, 1)
    )
    ProgressPeriod.objects.create(
        district=district, name="Q1", start=dt.date(2026, 8, 31), end=dt.date(2026, 11, 6)
    )
    ProgressPeriod.objects.create(
        district=district, name="Q2", start=dt.date(2026, 11, 9), end=dt.date(2027, 1, 29)
    )
    MakeupPolicy.objects.create(district=district, reason=MissReason.STUDENT_ABSENT, owed=False)


def _weekly(
    schedule: StandingSchedule,
    *,
    code: str,
    classroom: Classroom,
    day: str,
    start: dt.time,
    end: dt.time,
    students: list[Student],
    block: ActivityBlock | None,
    pinned: bool = False,
) -> ScheduledSession:
    weekly = ScheduledSession.objects.create(
        schedule=schedule,
        plan_session_id=code,
        classroom=classroom,
        block=block,
        day=day,
        start=start,
        end=end,
        delivery=Delivery.PUSH_IN,
        pinned=pinned,
    )
    for student in students:
        goal = Goal.objects.filter(iep__student=student).order_by("pk").first()
        ScheduledSessionStudent.objects.create(session=weekly, student=student, focus_goal=goal)
    return weekly


def _dated(
    weekly: ScheduledSession | None,
    *,
    provider: Provider,
    date: dt.date,
    students: list[Student],
    attendance: str = "",
    minutes: int | None = None,
    status: str = SessionStatus.PLANNED,
    classroom: Classroom | None = None,
    start: dt.time | None = None,
    end: dt.time | None = None,
    makeup_for: SessionStudent | None = None,
) -> tuple[DatedSession, list[SessionStudent]]:
    """A stored dated session (the past is written directly: the calendar never does)."""
    room = classroom or (weekly.classroom if weekly is not None else students[0].classroom)
    session = DatedSession.objects.create(
        provider=provider,
        classroom=room,
        date=date,
        start=start or (weekly.start if weekly is not None else dt.time(13)),
        end=end or (weekly.end if weekly is not None else dt.time(13, 30)),
        activity=(weekly.block.activity if weekly is not None and weekly.block else "math"),
        standing=weekly,
        is_makeup=makeup_for is not None,
        status=status,
    )
    records = [
        SessionStudent.objects.create(
            session=session,
            student=student,
            focus_goal=Goal.objects.filter(iep__student=student).order_by("pk").first(),
            attendance=attendance,
            minutes_delivered=minutes,
            makeup_for=makeup_for,
        )
        for student in students
    ]
    return session, records


def _admin_rows(world: World, superuser: User) -> None:
    """One row in each admin-registered table no page creates."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django_tasks_db.models import DBTaskResult

    group = Group.objects.create(name="Therapists (test)")
    superuser.groups.add(group)
    now = timezone.now()
    seen = {"user_agent": "test", "ip_address": "127.0.0.1", "http_accept": "text/html"}
    AccessAttempt.objects.create(
        username="nobody", path_info="/login/", attempt_time=now, get_data="", post_data="",
        failures_since_start=1, **seen,
    )  # fmt: skip
    AccessLog.objects.create(username="provider", path_info="/login/", attempt_time=now, **seen)
    AccessFailureLog.objects.create(
        username="nobody", path_info="/login/", attempt_time=now, locked_out=False, **seen
    )
    if not DBTaskResult.objects.exists():
        raise AssertionError("the queued runs should have left task rows")


def rich_world(capture: Capture) -> RichWorld:
    """Build the world; `capture` is pytest-django's django_capture_on_commit_callbacks."""
    world = make_world()
    district = world.district
    superuser = make_user("root", Role.ADMIN, district, is_superuser=True, is_staff=True)
    _hours(world)
    _calendar(world)

    # The timetable: a Wednesday math block (today's session), a preference, dated changes.
    math_block = ActivityBlock.objects.create(
        classroom=world.classroom,
        day=Weekday.WED,
        start=dt.time(13),
        end=dt.time(13, 45),
        activity=Activity.MATH,
    )
    mon_block = ActivityBlock.objects.get(classroom=world.classroom, day=Weekday.MON)
    mon_block.teacher_preference = TeacherPreference.GOOD
    mon_block.save(update_fields=["teacher_preference"])
    thu_block = ActivityBlock.objects.get(classroom=world.classroom, day=Weekday.THU)
    exception = TimetableException.objects.create(
        classroom=world.classroom,
        date=dt.date(2026, 12, 10),
        start=dt.time(10),
        end=dt.time(10, 45),
        kind=ExceptionKind.ACTIVITY,
        activity=Activity.TEST,
        note="Unit test",
        created_by=world.teacher,
    )
    TimetableException.objects.create(
        classroom=world.classroom,
        date=dt.date(2026, 11, 12),
        start=dt.time(9),
        end=dt.time(9, 45),
        kind=ExceptionKind.CANCELLED,
        created_by=world.teacher,
    )

    # The caseload: an amended mandate, a goal's own fit, a district fit edit, a pull-out.
    student = world.student
    service = Service.objects.get(iep__student=student)
    MandateVersion.objects.create(
        service=service,
        effective_from=dt.date(2026, 11, 2),
        minutes=90,
        session_minutes=30,
        delivery=Delivery.PUSH_IN,
        grouping=Grouping.GROUP_OK,
    )
    goal = Goal.objects.filter(iep__student=student).order_by("pk").first()
    assert goal is not None
    GoalFitOverride.objects.create(goal=goal, activity=Activity.MATH, weight=0.9)
    FitWeight.objects.create(
        district=district, domain=Domain.HANDWRITING, activity=Activity.SCIENCE, weight=0.5
    )
    StudentUnavailability.objects.create(
        student=student, day=Weekday.TUE, start=dt.time(10), end=dt.time(10, 30), reason="Speech"
    )
    student.comfort = Comfort.SMALL_GROUP
    student.comfort_asked_on = dt.date(2026, 10, 1)
    student.save(update_fields=["comfort", "comfort_asked_on"])

    # Two schedules: the first in force Oct 5 - Nov 15, the active one from Nov 16.
    old_schedule = StandingSchedule.objects.create(
        provider=world.provider,
        accepted_by=world.provider.user,
        active=False,
        effective_from=OLD_FROM,
        effective_to=NEW_FROM - dt.timedelta(days=1),
    )
    _weekly(
        old_schedule, code="old-mon", classroom=world.classroom, day=Weekday.MON,
        start=dt.time(9, 15), end=dt.time(9, 45), students=[student], block=mon_block,
    )  # fmt: skip
    schedule = StandingSchedule.objects.create(
        provider=world.provider,
        accepted_by=world.provider.user,
        active=True,
        effective_from=NEW_FROM,
    )
    weekly = _weekly(
        schedule, code="mon", classroom=world.classroom, day=Weekday.MON,
        start=dt.time(9), end=dt.time(9, 30), students=[student], block=mon_block, pinned=True,
    )  # fmt: skip
    thursday = _weekly(
        schedule, code="thu", classroom=world.classroom, day=Weekday.THU,
        start=dt.time(10), end=dt.time(10, 30), students=[student], block=thu_block,
    )  # fmt: skip
    _weekly(
        schedule, code="wed", classroom=world.classroom, day=Weekday.WED,
        start=dt.time(13), end=dt.time(13, 30), students=[student], block=math_block,
    )  # fmt: skip
    other_schedule = StandingSchedule.objects.create(
        provider=world.other_provider, active=True, effective_from=NEW_FROM
    )
    other_weekly = _weekly(
        other_schedule, code="k1", classroom=world.other_classroom, day=Weekday.THU,
        start=dt.time(10), end=dt.time(10, 30), students=[world.other_student],
        block=ActivityBlock.objects.get(classroom=world.other_classroom, day=Weekday.THU),
    )  # fmt: skip

    # The past, as it was logged.
    provider_user = world.provider.user
    _, (early_record,) = _dated(
        None, provider=world.provider, date=dt.date(2026, 11, 9), students=[student],
        attendance=Attendance.PROVIDER_CONFLICT, minutes=0, status=SessionStatus.LOGGED,
        start=dt.time(9, 15), end=dt.time(9, 45),
    )  # fmt: skip
    signed, (signed_record,) = _dated(
        weekly, provider=world.provider, date=PAST_MONDAY, students=[student],
        attendance=Attendance.DELIVERED, minutes=25, status=SessionStatus.SIGNED,
    )  # fmt: skip
    signed.signed_by = provider_user
    signed.signed_at = timezone.now() - dt.timedelta(days=15)
    signed.save(update_fields=["signed_by", "signed_at"])
    signed_record.note = "Tripod grasp held for the whole sentence."
    signed_record.save(update_fields=["note"])
    Amendment.objects.create(
        record=signed_record,
        field="minutes_delivered",
        old_value=30,
        new_value=25,
        reason="Left five minutes early for a fire drill.",
        made_by=provider_user,
    )
    DataPoint.objects.bulk_create(
        DataPoint(
            record=signed_record, goal=goal, kind=DataKind.TRIAL, correct=i < 7,
            recorded_by=provider_user,
        )
        for i in range(10)
    )  # fmt: skip
    missed, _ = _dated(
        thursday, provider=world.provider, date=dt.date(2026, 11, 19), students=[student],
        attendance=Attendance.PROVIDER_ABSENT, minutes=0, status=SessionStatus.LOGGED,
    )  # fmt: skip
    unlogged, _ = _dated(
        weekly, provider=world.provider, date=dt.date(2026, 11, 23), students=[student]
    )
    logged, (logged_record,) = _dated(
        weekly, provider=world.provider, date=dt.date(2026, 11, 30), students=[student],
        attendance=Attendance.DELIVERED, minutes=30, status=SessionStatus.LOGGED,
    )  # fmt: skip
    DataPoint.objects.create(
        record=logged_record, goal=goal, kind=DataKind.NARRATIVE, text="Spaced words well.",
        recorded_by=provider_user,
    )  # fmt: skip
    makeup, _ = _dated(
        None, provider=world.provider, date=dt.date(2026, 12, 1), students=[student],
        attendance=Attendance.DELIVERED, minutes=30, status=SessionStatus.LOGGED,
        makeup_for=early_record, start=dt.time(10), end=dt.time(10, 30),
    )  # fmt: skip
    other_session, _ = _dated(
        other_weekly, provider=world.other_provider, date=dt.date(2026, 11, 19),
        students=[world.other_student], attendance=Attendance.DELIVERED, minutes=30,
        status=SessionStatus.LOGGED,
    )  # fmt: skip

    # What happens next, stored ahead by the calendar (today's 13:00 session included).
    calendar_sync(provider=world.provider, actor=provider_user)
    calendar_sync(provider=world.other_provider, actor=world.other_provider.user)
    ahead = DatedSession.objects.filter(
        provider=world.provider, date__gt=timezone.localdate(), is_makeup=False
    ).first()
    assert ahead is not None, "the calendar stores the sessions ahead"
    DatedSession.objects.filter(pk=ahead.pk).update(cancel_reason="Provider at a training")

    # Strategies: the starter library, the provider's own one, the student's cards, uses.
    starter = Strategy.objects.get(district=district, name="Slant board")
    strategy = Strategy.objects.create(
        district=district,
        name="Tape the page corners",
        how_to="Tape two corners of the page to the desk.",
        domains=[Domain.HANDWRITING],
        created_by=provider_user,
    )
    link = StudentStrategy.objects.create(
        student=student, strategy=starter, added_by=provider_user, notes="During writing"
    )
    StudentStrategy.objects.create(
        student=student, strategy=strategy, added_by=provider_user, active=False
    )
    StrategyUse.objects.create(
        student_strategy=link, used_on=dt.date(2026, 11, 30), used_by=provider_user,
        outcome=Outcome.WORKED, session_record=logged_record,
    )  # fmt: skip
    StrategyUse.objects.create(
        student_strategy=link, used_on=dt.date(2026, 12, 1), used_by=world.para,
        outcome=Outcome.PARTLY,
    )  # fmt: skip

    # Follow-ups: one sent (with a reply), one draft; notifications read and unread.
    sent = FollowUp.objects.create(
        session=logged,
        author=provider_user,
        teacher=world.teacher,
        subject="OT follow-up: Room 2A",
        body="The slant board helped; try it again on Thursday.",
        status=FollowUpStatus.SENT,
        attempts=1,
        sent_at=timezone.now() - dt.timedelta(days=1),
    )
    FollowUpReply.objects.create(followup=sent, author=world.teacher, body="Will do.")
    draft = FollowUp.objects.create(
        session=signed,
        author=provider_user,
        teacher=world.teacher,
        subject="OT follow-up: Room 2A (draft)",
        body="Draft text.",
    )
    notification = Notification.objects.create(
        recipient=provider_user, text="Room 2A: Thursday Dec 10 10:00-10:45 is a test.",
        link=reverse("planning:provider", args=[world.provider.pk]),
    )  # fmt: skip
    Notification.objects.create(
        recipient=provider_user, text="A teacher replied.", read_at=timezone.now()
    )
    Notification.objects.create(recipient=world.teacher, text="A follow-up from the provider.")

    world.provider.calendar_token = "t" * 40
    world.provider.save(update_fields=["calendar_token"])

    # Runs: a finished plan and makeup run (solved inline), a queued one of each.
    with override_settings(TASKS=IMMEDIATE_TASKS), capture(execute=True):
        run = plan_run_create(
            user=provider_user, district=district, providers=[world.provider], time_limit=2.0
        )
        makeup_run = makeup_run_create(actor=provider_user, provider=world.provider, days=5)
        whatif_run = whatif_run_create(
            actor=provider_user, provider=world.provider, kind=WhatIfKind.INDIVIDUAL, time_limit=2.0
        )
    with override_settings(TASKS=DATABASE_TASKS), capture(execute=True):
        queued_run = plan_run_create(
            user=provider_user, district=district, providers=[world.provider], time_limit=2.0
        )
        queued_makeup_run = makeup_run_create(actor=provider_user, provider=world.provider, days=5)
        queued_whatif_run = whatif_run_create(
            actor=provider_user, provider=world.provider, kind=WhatIfKind.INDIVIDUAL, time_limit=2.0
        )
    run.refresh_from_db()
    # The queued run has a best plan so far (as a round of "keep improving" waits with
    # one): its page shows that plan's figures and grid.
    PlanRun.objects.filter(pk=queued_run.pk).update(best_plan=run.plan)
    queued_run.refresh_from_db()
    makeup_run.refresh_from_db()
    whatif_run.refresh_from_db()
    assert run.is_finished
    assert makeup_run.is_finished
    assert whatif_run.is_finished
    _admin_rows(world, superuser)
    indirect = IndirectTime.objects.create(
        provider=world.provider,
        date=dt.date(2026, 11, 30),
        kind=IndirectKind.DOCUMENTATION,
        minutes=45,
        note="Weekly notes",
    )

    # Progress reports: Q2 signed and shared with the teacher (not the paras), Q1 a draft.
    q1 = ProgressPeriod.objects.get(district=district, name="Q1")
    q2 = ProgressPeriod.objects.get(district=district, name="Q2")
    report, _ = report_draft(
        actor=provider_user, provider=world.provider, student=student, period=q2
    )
    report = report_sign(actor=provider_user, report=report)
    report_share(actor=provider_user, report=report, teacher=True, paras=False)
    draft_report, _ = report_draft(
        actor=provider_user, provider=world.provider, student=student, period=q1
    )
    lesson_request = LessonRequest.objects.create(
        classroom=world.classroom,
        requested_by=world.teacher,
        topic=Topic.SCISSOR_SKILLS,
        by_when=dt.date(2026, 12, 18),
        note="Before the holiday craft",
    )

    return RichWorld(
        world=world,
        superuser=superuser,
        math_block=math_block,
        mon_block=mon_block,
        schedule=schedule,
        old_schedule=old_schedule,
        weekly=weekly,
        signed=signed,
        signed_record=signed_record,
        missed=missed,
        unlogged=unlogged,
        logged=logged,
        logged_record=logged_record,
        makeup=makeup,
        ahead=ahead,
        other_session=other_session,
        service=service,
        goal=goal,
        exception=exception,
        strategy=strategy,
        starter=starter,
        link=link,
        draft=draft,
        sent=sent,
        notification=notification,
        run=run,
        queued_run=queued_run,
        makeup_run=makeup_run,
        queued_makeup_run=queued_makeup_run,
        indirect=indirect,
        report=report,
        draft_report=draft_report,
        whatif_run=whatif_run,
        queued_whatif_run=queued_whatif_run,
        lesson_request=lesson_request,
        weekly_lesson=WeeklyLesson.objects.create(
            provider=world.provider,
            classroom=world.classroom,
            day="fri",
            start=dt.time(14),
            end=dt.time(14, 30),
            topic=Topic.KEYBOARDING,
            effective_from=dt.date(2026, 12, 11),
        ),
        watch_entry=make_entry(world),
    )

"""A logged session with strategies, uses and data, for the follow-up tests.

Every name here is made up. The clinical markers below must never reach a follow-up
unless the provider ticks "include clinical detail".
"""

from __future__ import annotations

from pushin.collaboration.models import (
    FollowUp,
    FollowUpStatus,
    Outcome,
    Strategy,
    StrategyUse,
    StudentStrategy,
)
from pushin.sessions.models import (
    Attendance,
    DataKind,
    DataPoint,
    DatedSession,
    SessionStatus,
    SessionStudent,
)
from tests.factories import World
from tests.sessions.factories import dated_session

NOTE = "Tripod grasp fatigued after five minutes (clinical note)"
NARRATIVE = "Letters floated above the line on the second sentence"
GOAL_TEXT = "Writes a sentence with letters on the line."
HOW_TO = "1. Tape the paper to the desk.\n2. Point to the thick line before writing."


def logged_session(world: World) -> DatedSession:
    """Monday's writing session for `world.student`: delivered, raised-line paper worked,
    the slant board partly; 8 of 10 trials correct; a narrative and a note."""
    session = dated_session(world)
    record = SessionStudent.objects.get(session=session, student=world.student)
    record.attendance = Attendance.DELIVERED
    record.minutes_delivered = 30
    record.note = NOTE
    record.strategy_text = "Model the first letter, then fade"
    record.save()
    paper = Strategy.objects.create(
        district=world.district,
        name="Raised-line paper (test)",
        how_to=HOW_TO,
        domains=["handwriting"],
        printable="raised_line",
    )
    slant = Strategy.objects.create(
        district=world.district,
        name="Slant board (test)",
        how_to="Set the slant board under the page.",
        domains=["handwriting"],
    )
    on_paper = StudentStrategy.objects.create(student=world.student, strategy=paper)
    on_slant = StudentStrategy.objects.create(student=world.student, strategy=slant)
    StrategyUse.objects.create(
        student_strategy=on_paper,
        used_on=session.date,
        used_by=world.provider.user,
        outcome=Outcome.WORKED,
        session_record=record,
    )
    StrategyUse.objects.create(
        student_strategy=on_slant,
        used_on=session.date,
        used_by=world.provider.user,
        outcome=Outcome.PARTLY,
        session_record=record,
    )
    goal = record.focus_goal
    assert goal is not None
    DataPoint.objects.bulk_create(
        [DataPoint(record=record, goal=goal, kind=DataKind.TRIAL, correct=i < 8) for i in range(10)]
        + [DataPoint(record=record, goal=goal, kind=DataKind.NARRATIVE, text=NARRATIVE)]
    )
    session.status = SessionStatus.LOGGED
    session.save(update_fields=["status"])
    return session


def sent_followup(
    world: World,
    *,
    include_clinical: bool = False,
    status: str = FollowUpStatus.SENT,
    attempts: int = 1,
    last_error: str = "",
) -> FollowUp:
    """A follow-up of a logged session, already sent to `world.teacher`."""
    session = logged_session(world)
    return FollowUp.objects.create(
        session=session,
        author=world.provider.user,
        teacher=world.teacher,
        subject="OT follow-up: Room 2A",
        body="Hi Teacher, the raised-line paper worked well.",
        include_clinical=include_clinical,
        status=status,
        attempts=attempts,
        last_error=last_error,
    )

"""followup_draft: plain words for the teacher, clinical detail only when chosen."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.collaboration.followups import followup_compose, followup_draft
from pushin.collaboration.models import FollowUp, FollowUpStatus, Strategy, StudentStrategy
from pushin.sessions.models import Attendance, SessionStudent
from tests.collaboration.followup_factories import GOAL_TEXT, NARRATIVE, NOTE, logged_session
from tests.factories import World, make_student
from tests.sessions.factories import add_student, dated_session


def test_a_draft_in_plain_words_without_clinical_detail(world: World) -> None:
    session = logged_session(world)
    followup = followup_draft(session=session, author=world.provider.user)

    assert followup.status == FollowUpStatus.DRAFT
    assert followup.teacher == world.teacher
    assert followup.include_clinical is False
    assert followup.subject == "OT follow-up: Room 2A, Monday 30 November"
    body = followup.body
    assert body.startswith("Hi Teacher,\n\nThank you for having me in Room 2A during writing on")
    assert "Avery\n" in body  # the teacher's own student, by first name
    # The goal's domain in plain words, not the goal's text.
    assert "- What we worked on: handwriting (letter size, spacing and staying on the line)." in (
        body
    )
    assert (
        "- What worked: Raised-line paper (test) worked well; "
        "Slant board (test) helped some of the time." in body
    )
    # The carryover strategy that worked, with the first step of its how-to.
    assert (
        "- One thing to try before next time: Raised-line paper (test). "
        "Tape the paper to the desk." in body
    )
    assert "I'll bring printed raised-line paper (grades 2-3, 5/8 inch lines)" in body
    assert body.rstrip().endswith("Provider Tester\nOT")
    for secret in (GOAL_TEXT, NOTE, NARRATIVE, "8 of 10", "Model the first letter"):
        assert secret not in body


def test_clinical_detail_only_when_the_provider_ticks_it(world: World) -> None:
    session = logged_session(world)
    followup = followup_draft(session=session, author=world.provider.user, include_clinical=True)

    assert followup.include_clinical is True
    assert f"- Goal: {GOAL_TEXT}" in followup.body
    assert f"- Today: 8 of 10 tries correct; {NARRATIVE}." in followup.body
    assert f"- Notes: {NOTE}" in followup.body
    assert "- Plan: Model the first letter, then fade" in followup.body


def test_the_session_plan_strategy_without_a_recorded_outcome(world: World) -> None:
    session = dated_session(world)
    record = SessionStudent.objects.get(session=session)
    record.attendance = Attendance.DELIVERED
    record.save()
    board = Strategy.objects.get(district=world.district, name="Wiggle cushion")  # a starter
    record.strategy = board
    record.save()

    body = followup_compose(session=session, include_clinical=False).body

    assert "- What we used: Wiggle cushion." in body
    assert "What worked" not in body
    assert "One thing to try" not in body  # no carryover strategy on the card yet
    assert "I'll bring" not in body


def test_absent_students_are_named_briefly_and_other_rooms_left_out(world: World) -> None:
    absent = add_student(world, first_name="Casey")
    visitor = make_student(
        ref="S-0009", classroom=world.other_classroom, provider=world.provider, first_name="Drew"
    )
    session = dated_session(world, [world.student, absent])
    SessionStudent.objects.create(session=session, student=visitor)
    SessionStudent.objects.filter(session=session, student=absent).update(
        attendance=Attendance.STUDENT_ABSENT
    )

    body = followup_compose(session=session, include_clinical=False).body

    assert "Casey missed this session; we'll pick it up next time." in body
    assert "Drew" not in body  # another teacher's student
    assert "Avery\n- What we worked on: handwriting" in body


def test_a_carryover_strategy_that_is_off_the_card_is_not_suggested(world: World) -> None:
    session = logged_session(world)
    StudentStrategy.objects.filter(student=world.student).update(carryover=False)

    body = followup_compose(session=session, include_clinical=False).body

    assert "One thing to try" not in body
    assert "What worked: Raised-line paper (test) worked well" in body


def test_a_classroom_without_a_teacher_cannot_get_a_follow_up(world: World) -> None:
    session = logged_session(world)
    world.classroom.teacher = None
    world.classroom.save()

    with pytest.raises(ValidationError, match="Room 2A has no teacher on record"):
        followup_draft(session=session, author=world.provider.user)
    assert not FollowUp.objects.exists()


def test_the_draft_is_audited_per_student_with_ids_only(world: World) -> None:
    session = logged_session(world)
    followup = followup_draft(session=session, author=world.provider.user)

    entry = AuditEntry.objects.get(action=AuditAction.CREATE, object_type="collaboration.followup")
    assert entry.object_id == str(followup.pk)
    assert entry.student_id == world.student.pk
    assert entry.actor == world.provider.user
    assert entry.detail == {"session": session.pk, "include_clinical": False}
    assert "Avery" not in str(entry.detail)

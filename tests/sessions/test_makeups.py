"""Makeup proposals through the real scheduler, accepting them, and who may."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.district.models import Availability
from pushin.sessions.ledger import load_ledgers
from pushin.sessions.makeups import (
    Proposal,
    ProposalMember,
    makeup_accept,
    makeup_owed,
    makeup_propose,
)
from pushin.sessions.models import DatedSession, MakeupRun, SessionStudent
from pushin.vocabulary import MissReason, Weekday
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user
from tests.sessions.ledger_world import day, freeze_today, session_with, start_ieps_on

TODAY = day(1)  # Tuesday Nov 3, 2026
LIMIT = 1.0


@pytest.fixture
def mworld(world, monkeypatch, settings):
    return makeup_world(world, monkeypatch, settings)


def makeup_world(world, monkeypatch, settings):
    """The provider works 08:00-15:00 daily, was absent on Monday Nov 2 (owed 30 min)."""
    settings.PUSHIN_MAKEUP_TIME_LIMIT = LIMIT
    freeze_today(monkeypatch, TODAY)
    start_ieps_on(day(0), world.student, world.other_student)
    for weekday in Weekday.values:
        Availability.objects.create(
            provider=world.provider, day=weekday, start=dt.time(8), end=dt.time(15)
        )
    (world.miss,) = session_with(
        provider=world.provider,
        students=[world.student],
        date=day(0),
        attendance=MissReason.PROVIDER_ABSENT,
    )
    return world


def test_owed_lists_the_miss(mworld) -> None:
    owed, _ = makeup_owed(provider=mworld.provider, today=TODAY)
    assert [(line.record.pk, line.to_plan) for line in owed[mworld.student.pk]] == [
        (mworld.miss.pk, 30)
    ]


def test_proposal_from_the_solver_fits_a_block_and_leaves_no_shortfall(mworld) -> None:
    plan = makeup_propose(provider=mworld.provider, today=TODAY, time_limit=LIMIT)
    assert plan.days[0] == day(2)
    assert len(plan.days) == 10
    assert plan.unplaced == []
    assert plan.errors == []
    (proposal,) = plan.proposals
    # Thursday Nov 5, centers 10:00-10:45: the first fitting block after today.
    assert (proposal.date, proposal.classroom_id, proposal.activity) == (
        day(3),
        mworld.classroom.pk,
        "centers",
    )
    assert proposal.minutes == 30
    assert dt.time(10) <= proposal.start
    assert proposal.end <= dt.time(10, 45)
    (member,) = proposal.members
    assert (member.student_id, member.record_id) == (mworld.student.pk, mworld.miss.pk)


def test_planned_sessions_are_busy_with_travel_time(mworld) -> None:
    # Thursday 10:00-10:30 at the other school: with 15 minutes' travel nothing fits in
    # Room 2A's 10:00-10:45 block, so the makeup moves to Monday Nov 9's writing block.
    session_with(
        provider=mworld.provider,
        students=[mworld.other_student],
        date=day(3),
        start=dt.time(10),
        end=dt.time(10, 30),
        attendance="",
    )
    plan = makeup_propose(provider=mworld.provider, today=TODAY, time_limit=LIMIT)
    (proposal,) = plan.proposals
    assert (proposal.date, proposal.activity) == (day(7), "writing")


def test_stored_sessions_and_makeups_are_busy_and_a_called_off_one_is_not(
    mworld, time_machine
) -> None:
    from pushin.sessions.services import session_call_off
    from tests.sessions.factories import (
        SCHOOL_TZ,
        standing_schedule,
        standing_session,
        stored_ahead,
    )

    time_machine.move_to(dt.datetime.combine(TODAY, dt.time(12), tzinfo=SCHOOL_TZ), tick=False)
    # The provider's weekly Thursday 10:00 at the other school, stored by the calendar.
    standing_session(
        standing_schedule(mworld.provider),
        classroom=mworld.other_classroom,
        day="thu",
        start=dt.time(10),
        end=dt.time(10, 30),
        students=[mworld.other_student],
    )
    stored_ahead(mworld.provider, before=day(2))
    thursday = DatedSession.objects.get(date=day(3))
    assert DatedSession.objects.filter(date=day(10)).exists()

    def first_date() -> dt.date:
        plan = makeup_propose(provider=mworld.provider, today=TODAY, time_limit=LIMIT)
        return plan.proposals[0].date

    assert first_date() == day(7)  # not Thursday Nov 5: Monday Nov 9
    # A makeup at the other school on Monday Nov 9 at 09:00 is busy too (travel included).
    makeup = DatedSession.objects.create(
        provider=mworld.provider,
        classroom=mworld.other_classroom,
        date=day(7),
        start=dt.time(9),
        end=dt.time(9, 30),
        activity="writing",
        is_makeup=True,
    )
    SessionStudent.objects.create(session=makeup, student=mworld.other_student)
    assert first_date() == day(14)  # Thursday Nov 12 is busy too: Monday Nov 16
    # Called off in advance, Thursday Nov 5 is free again.
    session_call_off(
        actor=mworld.provider.user,
        session=thursday,
        attendance=MissReason.STUDENT_UNAVAILABLE,
        reason="Class trip",
    )
    assert first_date() == day(3)


def test_no_time_in_the_window_is_reported_not_placed(mworld) -> None:
    plan = makeup_propose(provider=mworld.provider, today=TODAY, days=1, time_limit=LIMIT)
    assert plan.days == [day(2)]  # Wednesday: Room 2A has no block
    assert plan.proposals == []
    (unplaced,) = plan.unplaced
    assert (unplaced.student_id, unplaced.minutes) == (mworld.student.pk, 30)
    assert unplaced.reasons  # the engine said why


def test_accepting_creates_a_linked_makeup_and_audits_it(mworld) -> None:
    (proposal,) = makeup_propose(provider=mworld.provider, today=TODAY, time_limit=LIMIT).proposals
    (session,) = makeup_accept(
        actor=mworld.provider.user, provider=mworld.provider, proposals=[proposal], today=TODAY
    )
    assert session.is_makeup
    assert session.date == proposal.date
    record = SessionStudent.objects.get(session=session)
    assert (record.student, record.makeup_for) == (mworld.student, mworld.miss)
    entry = AuditEntry.objects.get(action=AuditAction.CREATE, student_id=mworld.student.pk)
    assert entry.detail == {"session": session.pk, "makeup_for": mworld.miss.pk}
    # Planned now: nothing more to propose, and the same proposal cannot be accepted twice.
    assert makeup_owed(provider=mworld.provider, today=TODAY)[0] == {}
    with pytest.raises(ValidationError, match="no longer needed"):
        makeup_accept(
            actor=mworld.provider.user, provider=mworld.provider, proposals=[proposal], today=TODAY
        )


def test_a_delivered_makeup_pays_the_miss_and_a_missed_one_leaves_it_owed(mworld) -> None:
    (proposal,) = makeup_propose(provider=mworld.provider, today=TODAY, time_limit=LIMIT).proposals
    (session,) = makeup_accept(
        actor=mworld.provider.user, provider=mworld.provider, proposals=[proposal], today=TODAY
    )
    record = SessionStudent.objects.get(session=session)
    later = day(8)

    def owed() -> tuple[int, int]:
        book = load_ledgers(district=mworld.district, students=[mworld.student.pk], today=later)
        line = book.ledgers[mworld.student.pk].services[0].misses[0]
        return line.owed, line.to_plan

    record.attendance, record.minutes_delivered = MissReason.STUDENT_UNAVAILABLE, 0
    record.save()
    assert owed() == (30, 30)  # the makeup was missed: still owed, and to plan again
    record.attendance, record.minutes_delivered = "delivered", 30
    record.save()
    assert owed() == (0, 0)


def test_accept_refuses_a_tampered_or_clashing_proposal(mworld) -> None:
    (proposal,) = makeup_propose(provider=mworld.provider, today=TODAY, time_limit=LIMIT).proposals
    with pytest.raises(ValidationError, match="expired or was changed"):
        Proposal.from_token(proposal.token()[:-2] + "xx")
    session_with(
        provider=mworld.provider,
        students=[mworld.other_student],
        date=proposal.date,
        start=proposal.start,
        end=proposal.end,
        attendance="",
    )
    with pytest.raises(ValidationError, match="already have a session"):
        makeup_accept(
            actor=mworld.provider.user, provider=mworld.provider, proposals=[proposal], today=TODAY
        )
    assert not DatedSession.objects.filter(is_makeup=True).exists()


def past_proposal(world) -> Proposal:
    """A proposal for Monday Nov 2, the day before the makeup world's today."""
    return Proposal(
        provider_id=world.provider.pk,
        date=day(0),
        start=dt.time(9),
        end=dt.time(9, 30),
        classroom_id=world.classroom.pk,
        activity="writing",
        delivery="push_in",
        members=(ProposalMember(world.student.pk, world.miss.pk, None),),
    )


PASSED = "This makeup was proposed for Mon Nov 2, which has passed: ask for new proposals."


def test_accept_refuses_a_proposal_dated_in_the_past(mworld) -> None:
    with pytest.raises(ValidationError) as error:
        makeup_accept(
            actor=mworld.provider.user,
            provider=mworld.provider,
            proposals=[past_proposal(mworld)],
            today=TODAY,
        )
    assert error.value.messages == [PASSED]
    assert not DatedSession.objects.filter(is_makeup=True).exists()


def test_accept_view_refuses_a_proposal_dated_in_the_past(mworld, login) -> None:
    response = login(mworld.provider.user).post(
        reverse("minutes:makeup_accept", args=[mworld.provider.pk]),
        {"proposal": past_proposal(mworld).token()},
        follow=True,
    )
    assert PASSED in response.content.decode()
    assert not DatedSession.objects.filter(is_makeup=True).exists()


MAKEUP_GET = {
    "provider": 200,
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": "login",
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_makeup_page_permissions(mworld, login, persona) -> None:
    response = login(persona_user(mworld, persona)).get(
        reverse("minutes:makeups", args=[mworld.provider.pk])
    )
    if MAKEUP_GET[persona] == "login":
        assert is_login_redirect(response)
    else:
        assert response.status_code == MAKEUP_GET[persona]


@pytest.mark.parametrize("persona", PERSONAS)
def test_accept_permissions(mworld, login, persona) -> None:
    url = reverse("minutes:makeup_accept", args=[mworld.provider.pk])
    response = login(persona_user(mworld, persona)).post(url, {})
    if persona == "anonymous":
        assert is_login_redirect(response)
    elif MAKEUP_GET[persona] == 200:  # allowed, but nothing chosen: back with a message
        assert response.status_code == 302
        assert response["Location"] == reverse("minutes:makeups", args=[mworld.provider.pk])
    else:
        assert response.status_code == 404


def test_bad_day_count_is_refused_clearly(mworld, login) -> None:
    client = login(mworld.provider.user)
    response = client.post(reverse("minutes:makeups", args=[mworld.provider.pk]), {"days": 99})
    assert response.status_code == 200
    assert response.context["plan"] is None
    assert "less than or equal to 20" in response.content.decode()
    assert not MakeupRun.objects.exists()

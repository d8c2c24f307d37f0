"""The drafted parent notice promises only what Push-In does: minutes owed for logged
misses are made up; minutes never scheduled are reported, not promised as makeups. And
it reads well ("an occupational therapy session").

The clock is frozen on Wednesday Dec 2, 2026 (tests/conftest.py)."""

from __future__ import annotations

import datetime as dt

from pushin.sessions.compliance import lapse_notice, standings
from pushin.sessions.ledger import load_ledgers
from pushin.vocabulary import MissReason
from tests.conftest import TODAY
from tests.factories import World
from tests.sessions.ledger_world import session_with, start_ieps_on

IEP_START = dt.date(2026, 11, 2)  # a Monday, four school weeks before today


def notice_for(world: World) -> str:
    book = load_ledgers(district=world.district, students=[world.student.pk], today=TODAY)
    (standing,) = standings(book, [world.student])
    notice = lapse_notice(
        student=world.student, ledger=standing.ledger, signer="A. Therapist", today=TODAY
    )
    return notice.body


def test_nothing_ever_scheduled_is_reported_not_promised(world: World) -> None:
    start_ieps_on(IEP_START, world.student)
    body = notice_for(world)
    assert "Avery has not yet had an occupational therapy session under the current IEP" in body
    assert "a occupational" not in body
    assert "which we will make up" not in body
    assert "scheduling the makeup sessions" not in body
    assert "No minutes are owed for missed sessions." in body
    assert (
        "minutes of the occupational therapy time in Avery's IEP were never scheduled. They "
        "are not part of a makeup plan: they are reported to the district in its minutes "
        "compliance figures." in body
    )


def test_owed_misses_are_promised_and_never_scheduled_minutes_kept_apart(world: World) -> None:
    start_ieps_on(IEP_START, world.student)
    session_with(
        provider=world.provider,
        students=[world.student],
        date=dt.date(2026, 11, 5),
        attendance=MissReason.PROVIDER_ABSENT,
    )
    body = notice_for(world)
    assert (
        "Avery is owed 30 minutes of occupational therapy for sessions that did not take "
        "place, which we will make up." in body
    )
    assert "I will schedule the makeup sessions and let you know the dates." in body
    assert "In addition, " in body
    assert "were never scheduled" in body

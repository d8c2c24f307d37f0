"""Two people move one weekly session at once (the provider and the administrator, each
with a client of their own): the first move wins, the second answers 409 with the block
and time they chose still in the form, and the schedule keeps the first move."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from pushin.district.models import ActivityBlock
from pushin.planning.models import ScheduledSession
from pushin.planning.services import active_schedule
from pushin.vocabulary import Weekday
from tests.edit_conflicts import drawn_version, signed_in, text
from tests.factories import World
from tests.planning.helpers import september_schedule, standing

CONFLICT = (
    "This weekly session was changed by someone else a moment ago; your changes were not "
    "saved — reload to see theirs."
)


def centers(world: World) -> ActivityBlock:
    return ActivityBlock.objects.get(classroom=world.classroom, day=Weekday.THU)


def thursday(world: World) -> ScheduledSession:
    schedule = active_schedule(world.provider)
    assert schedule is not None
    return schedule.sessions.get(day=Weekday.THU)


def move(block: ActivityBlock, start: str, version: str) -> dict[str, str]:
    return {"block": str(block.pk), "start": start, "version": version}


def two_people_move(world: World, session: ScheduledSession) -> tuple[int, str]:
    """Both open the move page; the provider moves to 10:15, then the administrator,
    from the page they drew, to 10:05. The administrator's answer."""
    url = reverse("planning:session_move", args=[session.pk])
    provider, admin = signed_in(world.provider.user), signed_in(world.admin)
    [version] = {drawn_version(c.get(url).content.decode(), None) for c in (provider, admin)}
    block = centers(world)
    moved = provider.post(url, move(block, "10:15", version))
    assert moved.status_code == 302
    refused = admin.post(url, move(block, "10:05", version))
    return refused.status_code, text(refused)


def test_two_people_moving_one_weekly_session(pworld: World) -> None:
    standing(pworld)  # accepted from the next school day: moves edit it in place
    session = thursday(pworld)

    status, page = two_people_move(pworld, session)

    assert status == 409
    assert CONFLICT in page
    assert 'value="10:05"' in page  # the time they chose, still in the form
    session.refresh_from_db()
    assert session.start == dt.time(10, 15)


def test_a_move_after_another_move_copied_the_schedule_from_today(pworld: World) -> None:
    """A schedule in force since September is copied from today by the first move; the
    second, posted for the session of the schedule it drew, finds it replaced: 409, not
    a 404, and neither schedule takes the second move."""
    old = september_schedule(pworld).sessions.get(day=Weekday.THU)

    status, page = two_people_move(pworld, old)

    assert status == 409
    assert CONFLICT in page
    assert thursday(pworld).start == dt.time(10, 15)  # the copy, with the first move
    old.refresh_from_db()
    assert old.start == dt.time(10)  # the past keeps its schedule


def test_a_pin_from_a_page_drawn_before_a_move_is_refused(pworld: World) -> None:
    standing(pworld)
    session = thursday(pworld)
    schedule_url = reverse("planning:schedule", args=[pworld.provider.pk])
    pin_url = reverse("planning:session_pin", args=[session.pk])
    provider, admin = signed_in(pworld.provider.user), signed_in(pworld.admin)
    version = drawn_version(admin.get(schedule_url).content.decode(), pin_url)
    move_url = reverse("planning:session_move", args=[session.pk])
    moved = provider.post(move_url, move(centers(pworld), "10:15", str(session.version)))
    assert moved.status_code == 302

    refused = admin.post(pin_url, {"pinned": "on", "version": version}, follow=True)

    assert CONFLICT in text(refused)
    session.refresh_from_db()
    assert (session.start, session.pinned) == (dt.time(10, 15), False)

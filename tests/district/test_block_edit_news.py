"""A change on the timetable page that breaks another provider's weekly sessions tells that
provider, whoever makes it (issue 10): a provider or an administrator moving or deleting a
block, as a teacher's change and a timetable import already did. The one who made the
change is not told of it; the sessions show in the planning flags; no student is named."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.caseload.models import Student
from pushin.collaboration.models import Notification
from pushin.district.models import ActivityBlock
from pushin.planning.models import ScheduledSession
from pushin.planning.selectors import schedule_flags_for
from tests.district.test_import_timetables_authority import shared_room  # noqa: F401
from tests.factories import World

# Room 2A, shared: the other provider holds Mon 09:00-09:30 and Thu 10:00-10:30 there.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shared_room")]

MONDAY_SESSION = "Your session Mon 09:00-09:30 may be affected: see the flags."


def _block(world: World, day: str) -> ActivityBlock:
    return ActivityBlock.objects.get(classroom=world.classroom, day=day)


def _url(world: World, block: ActivityBlock) -> str:
    return reverse("district:block_edit", args=[world.classroom.pk, block.pk])


def _edit(block: ActivityBlock, **changes: str) -> dict[str, str]:
    data = {
        "day": block.day,
        "start": f"{block.start:%H:%M}",
        "end": f"{block.end:%H:%M}",
        "activity": block.activity,
        "teacher_preference": block.teacher_preference,
        "version": str(block.version),
    }
    return {**data, **changes}


def _told(world: World) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for note in Notification.objects.order_by("pk"):
        found.setdefault(note.recipient_id, []).append(note.text)
    return found


def _flagged(world: World) -> list[str]:
    """The other provider's weekly sessions their planning flags show, as day and start."""
    flags = schedule_flags_for(world.other_provider, None)
    idents = [f.session.ident for f in flags.timetable_flags if f.session]
    sessions = ScheduledSession.objects.filter(plan_session_id__in=idents)
    return [f"{s.day} {s.start:%H:%M}" for s in sessions]


def test_a_provider_moving_a_block_tells_the_other_provider(world: World, login) -> None:
    student = Student.objects.get(ref="S-0003")
    assert _flagged(world) == []
    monday = _block(world, "mon")
    response = login(world.provider.user).post(
        _url(world, monday), _edit(monday, start="13:00", end="13:45")
    )
    assert response.status_code == 302
    told = _told(world)
    assert set(told) == {world.other_provider.user_id}  # not the provider who moved it
    (text,) = told[world.other_provider.user_id]
    assert text == (
        "Room 2A, Maple Elementary: every week, Writing Mon 09:00-09:45 is now Writing Mon "
        f"13:00-13:45, changed by Provider Tester. {MONDAY_SESSION}"
    )
    assert student.first_name not in text
    assert student.last_name not in text
    assert _flagged(world) == ["mon 09:00"]


def test_an_administrator_deleting_a_block_tells_its_providers(world: World, login) -> None:
    thursday = _block(world, "thu")
    response = login(world.admin).post(
        _url(world, thursday), {"action": "delete", "version": str(thursday.version)}
    )
    assert response.status_code == 302
    assert not ActivityBlock.objects.filter(pk=thursday.pk).exists()
    told = _told(world)
    assert told[world.other_provider.user_id] == [
        "Room 2A, Maple Elementary: every week, Literacy centers Thu 10:00-10:45 was "
        "deleted by Admin Tester. Your session Thu 10:00-10:30 may be affected: see the flags."
    ]
    # The provider serving the room without a session there hears of it too, as from a
    # teacher's report.
    assert told[world.provider.user_id] == [
        "Room 2A, Maple Elementary: every week, Literacy centers Thu 10:00-10:45 was "
        "deleted by Admin Tester."
    ]
    assert _flagged(world) == ["thu 10:00"]


def test_a_teacher_deleting_a_block_tells_the_providers(world: World, login) -> None:
    monday = _block(world, "mon")
    login(world.teacher).post(
        _url(world, monday), {"action": "delete", "version": str(monday.version)}
    )
    told = _told(world)
    assert told[world.other_provider.user_id] == [
        "Room 2A, Maple Elementary: every week, Writing Mon 09:00-09:45 was deleted by "
        f"Teacher Tester. {MONDAY_SESSION}"
    ]


def test_a_teachers_move_is_told_once(world: World, login) -> None:
    monday = _block(world, "mon")
    login(world.teacher).post(_url(world, monday), _edit(monday, start="13:00", end="13:45"))
    assert len(_told(world)[world.other_provider.user_id]) == 1


def test_an_edit_that_changes_nothing_tells_nobody(world: World, login) -> None:
    monday = _block(world, "mon")
    login(world.provider.user).post(_url(world, monday), _edit(monday))
    assert not Notification.objects.exists()


def test_a_refused_delete_tells_nobody(world: World, login) -> None:
    monday = _block(world, "mon")
    stale = str(monday.version - 1)
    response = login(world.admin).post(_url(world, monday), {"action": "delete", "version": stale})
    assert response.status_code == 409
    assert ActivityBlock.objects.filter(pk=monday.pk).exists()
    assert not Notification.objects.exists()

"""Who may change what with a timetable import (issue 10, high): only an administrator
changes a room's teacher; a provider's import touches only the rooms where they have
active students; a change that leaves another provider's weekly sessions outside the
room's blocks tells that provider (room and times, no student names) and their planning
flags show the sessions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pushin.collaboration.models import Notification
from pushin.district.models import Classroom
from pushin.planning.selectors import schedule_flags_for
from tests.collaboration.portal_helpers import give_availability
from tests.district.test_import_timetables import make_csv, row, run, snapshot, week
from tests.factories import World, make_student
from tests.sessions.factories import standing_schedule, standing_session

URL = reverse("district:import_timetables")
TEACHER_REFUSED = "only an administrator can change a room's teacher"


def room_refused(number: int, room: str) -> str:
    return (
        f"row {number}, column classroom_code: you have no students in classroom {room}; "
        "ask the district administrator to import its timetable"
    )


def k1(**changes: str) -> dict[str, str]:
    """A row of the other provider's room (cedar/k1), as the file would name it."""
    base = {
        "school_code": "cedar",
        "classroom_code": "k1",
        "classroom_name": "Room K1",
        "grade": "K",
        "teacher_username": "otherteacher",
    }
    return row(**{**base, **changes})


def preview(client, text: str):
    upload = SimpleUploadedFile("t.csv", text.encode("utf-8"), content_type="text/csv")
    return client.post(URL, {"file": upload})


# --- rooms a provider may change ---------------------------------------------------------


def test_a_provider_is_refused_every_row_of_a_room_without_their_students(world: World) -> None:
    before = snapshot()
    result = run(world, make_csv(k1(activity="math"), k1(day="tue")), actor=world.provider.user)
    assert result.error_lines() == [room_refused(2, "cedar/k1"), room_refused(3, "cedar/k1")]
    assert snapshot() == before


def test_a_refused_room_stops_the_whole_file_nothing_is_written(world: World) -> None:
    before = snapshot()
    own_room = row(activity="math")  # maple/2a, where the provider has a student
    result = run(world, make_csv(own_room, k1(activity="art")), actor=world.provider.user)
    assert result.error_lines() == [room_refused(3, "cedar/k1")]
    assert not result.applied
    assert snapshot() == before


def test_a_provider_may_change_the_room_of_their_students(world: World) -> None:
    result = run(world, make_csv(row(activity="math")), actor=world.provider.user)
    assert result.applied, result.error_lines()
    assert week(world.classroom) == [("mon", "09:00", "09:45", "math", "")]
    assert world.other_classroom.blocks.count() == 2


def test_an_inactive_student_does_not_open_the_room(world: World) -> None:
    world.student.active = False
    world.student.save(update_fields=["active"])
    before = snapshot()
    result = run(world, make_csv(row(activity="math")), actor=world.provider.user)
    assert result.error_lines() == [room_refused(2, "maple/2a")]
    assert snapshot() == before


def test_an_administrator_may_change_any_room(world: World) -> None:
    result = run(world, make_csv(k1(activity="art")), actor=world.admin)
    assert result.applied, result.error_lines()
    assert week(world.other_classroom) == [("mon", "09:00", "09:45", "art", "")]


def test_a_provider_may_create_a_new_room_without_a_teacher(world: World) -> None:
    new_room = row(classroom_code="3b", classroom_name="Room 3B", grade="3", teacher_username="")
    result = run(world, make_csv(new_room), actor=world.provider.user)
    assert result.applied, result.error_lines()
    assert Classroom.objects.get(code="3b").teacher is None


# --- the teacher of a room ----------------------------------------------------------------


def test_a_provider_cannot_change_the_teacher_of_a_room(world: World) -> None:
    before = snapshot()
    result = run(
        world,
        make_csv(
            row(teacher_username="otherteacher"), row(day="tue", teacher_username="otherteacher")
        ),
        actor=world.provider.user,
    )
    assert result.error_lines() == [
        f"row 2, column teacher_username: {TEACHER_REFUSED}",
        f"row 3, column teacher_username: {TEACHER_REFUSED}",
    ]
    assert snapshot() == before
    world.classroom.refresh_from_db()
    assert world.classroom.teacher == world.teacher


def test_a_provider_cannot_name_the_teacher_of_a_new_room(world: World) -> None:
    new_room = row(classroom_code="3b", classroom_name="Room 3B", teacher_username="otherteacher")
    before = snapshot()
    result = run(world, make_csv(new_room), actor=world.provider.user)
    assert result.error_lines() == [f"row 2, column teacher_username: {TEACHER_REFUSED}"]
    assert snapshot() == before


def test_a_provider_naming_the_same_teacher_or_none_is_fine(world: World) -> None:
    text = make_csv(row(teacher_username="TEACHER"), row(day="tue", teacher_username="TEACHER"))
    assert run(world, text, actor=world.provider.user).applied
    world.classroom.refresh_from_db()
    assert world.classroom.teacher == world.teacher


def test_an_administrator_changes_the_teacher(world: World) -> None:
    result = run(world, make_csv(row(teacher_username="otherteacher")), actor=world.admin)
    assert result.applied, result.error_lines()
    world.classroom.refresh_from_db()
    assert world.classroom.teacher == world.other_teacher


# --- through the page, as each person ------------------------------------------------------


def test_the_page_shows_the_refusals_to_a_provider_and_offers_no_confirmation(
    world: World, login
) -> None:
    before = snapshot()
    content = preview(
        login(world.provider.user), make_csv(row(teacher_username="otherteacher"), k1())
    ).content.decode()
    escaped = TEACHER_REFUSED.replace("'", "&#x27;")
    assert f"row 2, column teacher_username: {escaped}" in content
    assert room_refused(3, "cedar/k1") in content
    assert "Confirm import" not in content
    # The other provider serves cedar/k1 but not maple/2a.
    content = preview(
        login(world.other_provider.user), make_csv(row(activity="math"))
    ).content.decode()
    assert room_refused(2, "maple/2a") in content
    assert "Confirm import" not in content
    assert snapshot() == before


def test_the_administrator_changes_a_teacher_through_the_page(world: World, login) -> None:
    client = login(world.admin)
    response = preview(client, make_csv(row(teacher_username="otherteacher")))
    assert response.context["result"].ok
    response = client.post(URL, {"payload": response.context["payload"], "confirm": "1"})
    assert response.status_code == 302
    world.classroom.refresh_from_db()
    assert world.classroom.teacher == world.other_teacher


def test_a_teacher_has_no_import_page(world: World, login) -> None:
    before = snapshot()
    response = preview(login(world.teacher), make_csv(row(teacher_username="teacher")))
    assert response.status_code == 404
    assert snapshot() == before


# --- other providers' weekly sessions ------------------------------------------------------


@pytest.fixture
def shared_room(world: World):
    """The other provider also serves a student in Room 2A, on Monday 09:00-09:30
    (writing) and Thursday 10:00-10:30 (centers); the provider serves Room 2A too. Both
    providers work 08:00-15:00, so the planning flags start empty."""
    give_availability(world)
    student = make_student(
        ref="S-0003",
        classroom=world.classroom,
        provider=world.other_provider,
        first_name="Casey",
        last_name="Quill",
    )
    schedule = standing_schedule(world.other_provider)
    monday = standing_session(
        schedule,
        classroom=world.classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        students=[student],
    )
    thursday = standing_session(
        schedule,
        classroom=world.classroom,
        day="thu",
        start=dt.time(10),
        end=dt.time(10, 30),
        students=[student],
    )
    return student, monday, thursday


def test_another_providers_broken_sessions_are_told_and_flagged(world: World, shared_room) -> None:
    student, monday, _thursday = shared_room
    assert schedule_flags_for(world.other_provider, None).flags == []
    # Writing moves from Monday 09:00 to Monday 13:00; Thursday centers stays.
    text = make_csv(
        row(start="13:00", end="13:45"),
        row(day="thu", start="10:00", end="10:45", activity="centers"),
    )
    result = run(world, text, actor=world.provider.user)
    assert result.applied, result.error_lines()

    [note] = Notification.objects.all()
    assert note.recipient == world.other_provider.user
    assert note.text == (
        "Room 2A, Maple Elementary: the usual week was changed by a timetable import by "
        "Provider Tester. Your session Mon 09:00-09:30 lost its block: see the flags."
    )
    assert note.link == reverse("planning:provider", args=[world.other_provider.pk])
    for name in (student.first_name, student.last_name, world.student.first_name):
        assert name not in note.text

    flags = schedule_flags_for(world.other_provider, None)
    assert [f.session.ident for f in flags.timetable_flags if f.session] == [monday.plan_session_id]


def test_a_replaced_block_is_told_and_an_identical_reimport_is_not(
    world: World, shared_room
) -> None:
    # Monday writing grows to 08:45-10:00: the 09:00-09:30 session still lies in it,
    # though its block row is replaced. Thursday is unchanged.
    text = make_csv(
        row(start="08:45", end="10:00"),
        row(day="thu", start="10:00", end="10:45", activity="centers"),
    )
    result = run(world, text, actor=world.provider.user)
    assert result.applied, result.error_lines()
    [note] = Notification.objects.all()  # the replaced block is reported all the same
    assert "Mon 09:00-09:30" in note.text
    assert "Thu" not in note.text
    # Nothing the importer did to the Thursday block: an identical re-import tells nobody.
    Notification.objects.all().delete()
    assert run(world, text, actor=world.provider.user).applied
    assert not Notification.objects.exists()


def test_the_importers_own_sessions_are_not_a_notification(world: World, shared_room) -> None:
    schedule = standing_schedule(world.provider)
    standing_session(
        schedule,
        classroom=world.classroom,
        day="thu",
        start=dt.time(10, 15),
        end=dt.time(10, 45),
        students=[world.student],
    )
    text = make_csv(row())  # Thursday centers goes: both providers' Thursday sessions break
    assert run(world, text, actor=world.provider.user).applied
    [note] = Notification.objects.all()
    assert note.recipient == world.other_provider.user
    assert "Thu 10:00-10:30" in note.text
    assert "10:15" not in note.text


def test_an_administrators_import_tells_every_provider_whose_sessions_break(
    world: World, shared_room
) -> None:
    schedule = standing_schedule(world.provider)
    standing_session(
        schedule,
        classroom=world.classroom,
        day="mon",
        start=dt.time(9, 15),
        end=dt.time(9, 45),
        students=[world.student],
    )
    text = make_csv(row(day="tue"), row(day="thu", start="10:00", end="10:45", activity="centers"))
    assert run(world, text, actor=world.admin).applied
    told = {n.recipient_id: n.text for n in Notification.objects.all()}
    assert set(told) == {world.provider.user_id, world.other_provider.user_id}
    assert "Mon 09:15-09:45" in told[world.provider.user_id]
    assert "Mon 09:00-09:30" in told[world.other_provider.user_id]
    assert "by Admin Tester" in told[world.provider.user_id]


def test_a_preview_tells_nobody_but_says_who_will_be_told(world: World, shared_room) -> None:
    text = make_csv(row(day="tue"), row(day="thu", start="10:00", end="10:45", activity="centers"))
    result = run(world, text, actor=world.provider.user, dry_run=True)
    assert result.ok
    [item] = result.items
    assert (
        "1 weekly session of other providers loses its block; they will be told"
    ) in item.details
    assert not Notification.objects.exists()


def test_an_inactive_schedule_is_not_told(world: World, shared_room) -> None:
    standing_schedule(world.other_provider)  # a newer, empty schedule replaces it
    assert run(world, make_csv(row(day="tue")), actor=world.provider.user).applied
    assert not Notification.objects.exists()

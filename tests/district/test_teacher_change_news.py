"""When an administrator gives a room to another teacher, both teachers are told in the app
(issue 10): the one who no longer has the room's students, and the one who now has them.
The room and who changed it, never a student."""

from __future__ import annotations

import pytest
from django.contrib.admin.sites import site
from django.test import RequestFactory
from django.urls import reverse

from pushin.collaboration.models import Notification
from pushin.district.models import Classroom
from tests.district.test_import_timetables import make_csv, row, run
from tests.factories import World

pytestmark = pytest.mark.django_db


def room_2a(teacher: str) -> str:
    """Room 2A's usual week, unchanged, with `teacher` as its teacher."""
    return make_csv(
        row(teacher_username=teacher),
        row(teacher_username=teacher, day="thu", start="10:00", end="10:45", activity="centers"),
    )


def _no_student_named(world: World, notice: Notification) -> None:
    for student in (world.student, world.other_student):
        assert student.first_name not in notice.text
        assert student.last_name not in notice.text
        assert student.ref not in notice.text


def test_an_import_that_changes_a_rooms_teacher_tells_both_teachers(world: World) -> None:
    result = run(world, room_2a("otherteacher"))
    assert result.applied
    world.classroom.refresh_from_db()
    assert world.classroom.teacher == world.other_teacher
    old = Notification.objects.get(recipient=world.teacher)
    new = Notification.objects.get(recipient=world.other_teacher)
    assert old.text == (
        "Room 2A, Maple Elementary: Admin Tester made another teacher this room's teacher. You no "
        "longer see its students, their strategies or the providers' visits there."
    )
    assert old.link == ""  # the room is no longer theirs to open
    assert new.text == (
        "Room 2A, Maple Elementary: Admin Tester made you this room's teacher. Its students' "
        "strategies, the providers' visits and follow-ups are in My classroom."
    )
    assert new.link == reverse("collaboration:portal", args=[world.classroom.pk])
    for notice in (old, new):
        _no_student_named(world, notice)
    assert Notification.objects.count() == 2  # the providers' blocks did not change


def test_the_preview_says_both_teachers_will_be_told_and_tells_nobody(world: World) -> None:
    result = run(world, room_2a("otherteacher"), dry_run=True)
    (item,) = result.items
    assert "the old and the new teacher will be told" in item.details
    assert not Notification.objects.exists()


@pytest.mark.parametrize("teacher", ["teacher", ""], ids=["same", "left_empty"])
def test_an_import_that_keeps_the_teacher_tells_nobody(world: World, teacher: str) -> None:
    run(world, room_2a(teacher))
    world.classroom.refresh_from_db()
    assert world.classroom.teacher == world.teacher
    assert not Notification.objects.exists()


def test_the_old_teacher_reads_it_and_no_longer_opens_the_room(world: World, login) -> None:
    run(world, room_2a("otherteacher"))
    client = login(world.teacher)
    page = client.get(reverse("collaboration:notifications")).content.decode()
    assert "Admin Tester made another teacher this room&#x27;s teacher" in page
    portal = reverse("collaboration:portal", args=[world.classroom.pk])
    assert client.get(portal).status_code == 404
    assert login(world.other_teacher).get(portal).status_code == 200


def test_a_change_in_the_django_admin_tells_both_teachers(world: World) -> None:
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    request = RequestFactory().post("/")
    request.user = world.admin
    model_admin = site._registry[Classroom]
    room = Classroom.objects.get(pk=world.classroom.pk)
    room.teacher = world.other_teacher
    model_admin.save_model(request, room, form=None, change=True)
    assert set(Notification.objects.values_list("recipient", flat=True)) == {
        world.teacher.pk,
        world.other_teacher.pk,
    }
    room.name = "Room 2A (west)"
    model_admin.save_model(request, room, form=None, change=True)
    assert Notification.objects.count() == 2  # the teacher did not change again

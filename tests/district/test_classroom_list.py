from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.district.models import Classroom
from tests.district.personas import PERSONAS, is_login_redirect, persona_user
from tests.factories import make_student

URL = reverse("district:classrooms")
EXPECTED = {
    "provider": 200,
    "other_provider": 200,
    "teacher": 302,  # one room: straight to its timetable
    "other_teacher": 302,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(URL)
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)


def test_teacher_with_one_room_goes_to_its_timetable(world, login):
    response = login(world.teacher).get(URL)
    assert response["Location"] == reverse("district:timetable", args=[world.classroom.pk])


def test_teacher_with_two_rooms_sees_only_their_own(world, login):
    Classroom.objects.create(
        school=world.other_school, name="Room 3B", code="3b", grade="3", teacher=world.teacher
    )
    response = login(world.teacher).get(URL)
    assert response.status_code == 200
    names = [room.name for group in response.context["groups"] for room in group.rooms]
    assert sorted(names) == ["Room 2A", "Room 3B"]
    assert b"Room K1" not in response.content


def test_teacher_without_a_room_sees_an_empty_list(world, login):
    Classroom.objects.filter(teacher=world.teacher).update(teacher=None)
    response = login(world.teacher).get(URL)
    assert response.status_code == 200
    assert response.context["groups"] == []


def test_grouped_by_school_with_teacher_grade_and_caseload_count(world, login):
    make_student(ref="S-0003", classroom=world.classroom, provider=world.provider)
    response = login(world.provider.user).get(URL)
    groups = response.context["groups"]
    assert [g.school.name for g in groups] == ["Cedar Elementary", "Maple Elementary"]
    maple_room = groups[1].rooms[0]
    assert maple_room.name == "Room 2A"
    assert maple_room.caseload_count == 2
    assert groups[0].rooms[0].caseload_count == 1
    html = response.content.decode()
    assert "Teacher Tester" in html
    assert reverse("district:timetable", args=[world.classroom.pk]) in html


def test_inactive_students_are_not_counted(world, login):
    world.student.active = False
    world.student.save()
    response = login(world.admin).get(URL)
    rooms = {r.pk: r for g in response.context["groups"] for r in g.rooms}
    assert rooms[world.classroom.pk].caseload_count == 0


def test_no_n_plus_one(world, login, django_assert_max_num_queries):
    for index in range(25):
        room = Classroom.objects.create(
            school=world.school, name=f"Room {index}", code=f"r{index}", teacher=world.other_teacher
        )
        make_student(ref=f"N-{index}", classroom=room, provider=world.provider)
    client = login(world.admin)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert sum(len(g.rooms) for g in response.context["groups"]) == 27

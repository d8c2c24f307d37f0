"""The timetable import page: who may use it, preview, confirm, errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pushin.district.models import ActivityBlock, Classroom, Provider
from tests.district.test_import_timetables import BASE, make_csv

URL = reverse("district:import_timetables")
SHIPPED = Path(__file__).resolve().parents[2] / "examples" / "csv" / "timetables.csv"
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "csv" / "timetables.csv"
PERSONAS = ["provider", "other_provider", "teacher", "other_teacher", "para", "admin", "anonymous"]
EXPECTED = {
    "provider": 200,
    "other_provider": 200,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}


def persona(world, name: str):
    if name == "anonymous":
        return None
    person = getattr(world, name)
    return person.user if isinstance(person, Provider) else person


def preview(client, data: bytes | str):
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return client.post(URL, {"file": SimpleUploadedFile("t.csv", raw, content_type="text/csv")})


def blocks() -> list[tuple[int, int, str]]:
    return sorted(ActivityBlock.objects.values_list("pk", "classroom_id", "activity"))


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    client = login(persona(world, name))
    response = client.get(URL)
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert response["Location"].startswith("/login/")
    before = blocks()
    response = preview(client, make_csv({**BASE, "activity": "math"}))
    assert response.status_code == EXPECTED[name]
    assert blocks() == before


def test_example_download(world, login):
    client = login(world.provider.user)
    assert b'href="?example=1"' in client.get(URL).content
    response = client.get(URL, {"example": "1"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == SHIPPED.read_bytes()


def test_preview_then_confirm(world, login):
    client = login(world.admin)
    before = blocks()
    response = preview(client, EXAMPLE.read_bytes())
    result = response.context["result"]
    assert result.ok
    assert result.counts["classrooms_created"] == 1
    content = response.content.decode()
    assert "Preview: nothing has been saved yet" in content
    assert "maple/3b" in content
    assert "+ tue 09:00-09:45 writing (good)" in content
    assert blocks() == before

    response = client.post(URL, {"payload": response.context["payload"], "confirm": "1"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Import done. Classrooms created: 1; Classrooms updated: 2; Classrooms unchanged: 0; "
        "Blocks added: 17; Blocks removed: 3."
    ]
    assert Classroom.objects.filter(code="3b").exists()
    assert ActivityBlock.objects.count() == 18


def test_errors_are_listed_and_nothing_can_be_confirmed(world, login):
    text = make_csv(BASE, {**BASE, "start": "09:30", "end": "10:00"})
    response = preview(login(world.admin), text)
    content = response.content.decode()
    assert "1 problem in the file: nothing was imported" in content
    assert (
        "row 3, column start: mon 09:30-10:00 overlaps row 2 (09:00-09:45) in classroom maple/2a"
    ) in content
    assert "Confirm import" not in content


def test_tampered_payload_is_refused(world, login):
    client = login(world.admin)
    payload = preview(client, EXAMPLE.read_bytes()).context["payload"]
    response = client.post(URL, {"payload": "x" + payload, "confirm": "1"})
    assert response.status_code == 302
    assert not Classroom.objects.filter(code="3b").exists()
    # a provider cannot confirm the administrator's preview
    response = login(world.provider.user).post(URL, {"payload": payload, "confirm": "1"})
    assert response.status_code == 302
    assert not Classroom.objects.filter(code="3b").exists()


def test_teacher_cannot_confirm_a_preview(world, login):
    payload = preview(login(world.admin), EXAMPLE.read_bytes()).context["payload"]
    response = login(world.teacher).post(URL, {"payload": payload, "confirm": "1"})
    assert response.status_code == 404
    assert not Classroom.objects.filter(code="3b").exists()

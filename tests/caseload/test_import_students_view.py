"""The student import page: who may use it, preview, confirm, and what the page shows."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.caseload.models import MandateVersion, Student
from pushin.district.models import Provider
from tests.caseload.test_import_students import BASE, S0001, make_csv

URL = reverse("caseload:import_students")
SHIPPED = Path(__file__).resolve().parents[2] / "examples" / "csv" / "students.csv"
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "csv" / "students.csv"
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


def upload(data: bytes | str, name: str = "students.csv") -> SimpleUploadedFile:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return SimpleUploadedFile(name, raw, content_type="text/csv")


def preview(client, data: bytes | str, effective_from: str = "2026-10-01"):
    return client.post(URL, {"file": upload(data), "effective_from": effective_from})


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    client = login(persona(world, name))
    response = client.get(URL)
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert response["Location"].startswith("/login/")
    before = Student.objects.count()
    response = preview(client, make_csv({**BASE, "provider_username": "provider"}))
    assert response.status_code == EXPECTED[name]
    assert Student.objects.count() == before  # a preview never writes


def test_page_offers_the_example_file(world, login):
    client = login(world.admin)
    page = client.get(URL)
    assert b'href="?example=1"' in page.content
    response = client.get(URL, {"example": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="students.csv"' in response["Content-Disposition"]
    assert response.content == SHIPPED.read_bytes()


def test_preview_then_confirm(world, login):
    client = login(world.admin)
    response = preview(client, EXAMPLE.read_bytes())
    assert response.status_code == 200
    result = response.context["result"]
    assert result.ok
    assert result.dry_run
    assert result.counts["students_created"] == 10
    content = response.content.decode()
    assert "Preview: nothing has been saved yet" in content
    assert "Confirm import" in content
    assert "DEMO-001" in content
    assert not Student.objects.filter(ref__startswith="DEMO-").exists()

    payload = response.context["payload"]
    response = client.post(URL, {"payload": payload, "confirm": "1"})
    assert response.status_code == 302
    assert response["Location"] == URL
    assert Student.objects.filter(ref__startswith="DEMO-").count() == 10
    assert texts(response) == [
        "Import done. Students created: 10; Students updated: 0; Students unchanged: 0; "
        "IEPs created: 10; Mandate versions added: 10; Goals added: 13; Goals updated: 0."
    ]
    assert AuditEntry.objects.filter(action=AuditAction.IMPORT).count() == 10


def test_confirm_uses_the_previewed_effective_date(world, login):
    client = login(world.admin)
    response = preview(client, make_csv({**S0001, "minutes": "90"}), effective_from="2026-11-02")
    assert "Changed mandates take effect from <strong>Nov 2, 2026</strong>" in (
        response.content.decode()
    )
    client.post(URL, {"payload": response.context["payload"], "confirm": "1"})
    latest = MandateVersion.objects.filter(service__iep__student=world.student).latest(
        "effective_from"
    )
    assert (latest.effective_from, latest.minutes) == (dt.date(2026, 11, 2), 90)


def test_preview_of_existing_students_is_audited_as_a_read(world, login):
    client = login(world.provider.user)
    response = preview(client, make_csv(S0001))
    assert response.context["result"].counts["students_unchanged"] == 1
    entry = AuditEntry.objects.get(action=AuditAction.READ)
    assert (entry.actor, entry.student_id) == (world.provider.user, world.student.pk)
    assert "Nothing to import" not in response.content.decode()
    assert "there is nothing to import" in response.content.decode()
    assert "Confirm import" not in response.content.decode()


def test_errors_are_listed_and_nothing_can_be_confirmed(world, login):
    client = login(world.admin)
    text = make_csv(BASE, {**BASE, "student_ref": "T-2", "minutes": "45", "school_code": "oak"})
    response = preview(client, text)
    content = response.content.decode()
    assert "2 problems in the file: nothing was imported" in content
    assert "row 3, column minutes: 45 is not a multiple of session_minutes 30" in content
    assert "row 3, column school_code: unknown school code &#x27;oak&#x27;" in content
    assert "Confirm import" not in content
    assert "payload" not in response.context
    assert "Quinn" not in content
    assert "Zyxwv" not in content


def test_provider_uploading_other_caseloads_gets_row_errors(world, login):
    response = preview(login(world.provider.user), EXAMPLE.read_bytes())
    lines = response.context["result"].error_lines()
    assert len(lines) == 6  # rows 9-14 name otherprovider
    assert lines[0] == (
        "row 9, column provider_username: you may import only your own caseload, "
        "not provider 'otherprovider'"
    )


def test_tampered_or_foreign_payload_is_refused(world, login):
    client = login(world.provider.user)
    payload = preview(client, make_csv(BASE)).context["payload"]
    response = client.post(URL, {"payload": payload[:-2] + "xx", "confirm": "1"})
    assert response.status_code == 302
    assert texts(response) == ["The preview has expired or is not valid; upload the file again."]
    # the provider's preview cannot be confirmed by someone else
    response = login(world.admin).post(URL, {"payload": payload, "confirm": "1"})
    assert response.status_code == 302
    assert not Student.objects.filter(ref=BASE["student_ref"]).exists()


def test_confirm_rechecks_the_file(world, login):
    client = login(world.admin)
    payload = preview(client, make_csv(BASE)).context["payload"]
    world.classroom.code = "2z"  # the classroom changed code meanwhile
    world.classroom.save()
    response = client.post(URL, {"payload": payload, "confirm": "1"})
    assert response.status_code == 200
    assert response.context["result"].error_lines() == [
        "row 2, column classroom_code: no classroom '2a' at school 'maple'"
    ]
    assert not Student.objects.filter(ref=BASE["student_ref"]).exists()


def test_file_that_is_not_utf8_is_refused(world, login):
    response = preview(
        login(world.admin), make_csv({**BASE, "last_name": "Müller"}).encode("latin-1")
    )
    assert response.status_code == 200
    assert "The file is not UTF-8 text" in response.content.decode()
    assert "result" not in response.context


def test_utf8_with_bom_is_accepted(world, login):
    response = preview(login(world.admin), b"\xef\xbb\xbf" + make_csv(BASE).encode("utf-8"))
    assert response.context["result"].ok


def test_missing_date_is_a_form_error(world, login):
    response = login(world.admin).post(URL, {"file": upload(make_csv(BASE))})
    assert response.context["form"].errors == {"effective_from": ["This field is required."]}


def test_preview_page_queries_are_bounded(world, login, django_assert_max_num_queries):
    client = login(world.admin)
    client.post(
        URL, {"payload": preview(client, EXAMPLE.read_bytes()).context["payload"], "confirm": "1"}
    )
    # Ten existing students: the reads do not grow per row; only the audit entry of each
    # student previewed (one insert per student, by design) does.
    with django_assert_max_num_queries(20 + 10):
        response = preview(client, EXAMPLE.read_bytes())
    assert response.context["result"].counts["students_unchanged"] == 10
    assert re.search(r"<td>DEMO-010</td>", response.content.decode())

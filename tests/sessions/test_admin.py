"""Django admin for sessions: lists without names or notes; history is view-only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import Role
from pushin.sessions.models import SessionStudent
from pushin.sessions.services import data_point_add, session_note_set
from tests.factories import make_user
from tests.sessions.factories import dated_session


@pytest.fixture
def superuser_client(world, login):
    root = make_user("root", Role.ADMIN, is_superuser=True, is_staff=True)
    return login(root)


@pytest.fixture
def logged(world):
    session = dated_session(world)
    record = session.members.get()
    data_point_add(actor=world.provider.user, record=record, correct=True)
    session_note_set(actor=world.provider.user, record=record, note="Clinical detail")
    return session


@pytest.mark.parametrize("model", ["datedsession", "sessionstudent", "datapoint", "amendment"])
def test_changelists_load_without_names_or_notes(superuser_client, logged, model):
    response = superuser_client.get(reverse(f"admin:therapy_sessions_{model}_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Avery" not in html
    assert "Clinical detail" not in html


def test_session_change_page_and_read_only_record(superuser_client, logged):
    assert (
        superuser_client.get(
            reverse("admin:therapy_sessions_datedsession_change", args=[logged.pk])
        ).status_code
        == 200
    )
    record = SessionStudent.objects.get(session=logged)
    change = reverse("admin:therapy_sessions_sessionstudent_change", args=[record.pk])
    response = superuser_client.get(change)
    assert response.status_code == 200
    assert "Clinical detail" not in response.content.decode()
    superuser_client.post(change, {"attendance": "student_absent"})
    record.refresh_from_db()
    assert record.attendance == "delivered"
    delete = reverse("admin:therapy_sessions_sessionstudent_delete", args=[record.pk])
    assert superuser_client.post(delete, {"post": "yes"}).status_code == 403


def test_not_for_non_superusers(world, login):
    response = login(world.admin).get(reverse("admin:therapy_sessions_datedsession_changelist"))
    assert response.status_code == 302

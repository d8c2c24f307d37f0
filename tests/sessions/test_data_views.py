"""POST data and undo: one tap adds a data point; undo removes the last."""

from __future__ import annotations

import pytest

from pushin.caseload.models import Goal, Method
from pushin.sessions.models import DataPoint
from pushin.sessions.services import data_point_add
from tests.sessions.factories import dated_session
from tests.sessions.helpers import (
    HTMX,
    PERSONAS,
    POST_EXPECTED,
    is_login_redirect,
    persona_user,
    record_url,
)


@pytest.mark.parametrize("name", PERSONAS)
def test_add_permission_matrix(world, login, name):
    record = dated_session(world).members.get()
    response = login(persona_user(world, name)).post(
        record_url("data_add", record), {"correct": "true"}, **HTMX
    )
    assert response.status_code == POST_EXPECTED[name]
    assert DataPoint.objects.count() == (1 if name == "provider" else 0)
    if name == "provider":
        assert "1/1 = 100%" in response.content.decode()
    if name == "anonymous":
        assert is_login_redirect(response)


@pytest.mark.parametrize("name", PERSONAS)
def test_undo_permission_matrix(world, login, name):
    record = dated_session(world).members.get()
    data_point_add(actor=world.provider.user, record=record, correct=True)
    response = login(persona_user(world, name)).post(record_url("data_undo", record), **HTMX)
    assert response.status_code == POST_EXPECTED[name]
    assert DataPoint.objects.count() == (0 if name == "provider" else 1)
    if name == "anonymous":
        assert is_login_redirect(response)


def test_running_percent_after_each_tap(world, login):
    record = dated_session(world).members.get()
    client = login(world.provider.user)
    seen = []
    for value in ["true", "true", "false", "true"]:
        html = client.post(record_url("data_add", record), {"correct": value}, **HTMX)
        seen.append(html.content.decode())
    assert "1/1 = 100%" in seen[0]
    assert "2/3 = 67%" in seen[2]
    assert "3/4 = 75%" in seen[3]
    undone = client.post(record_url("data_undo", record), **HTMX).content.decode()
    assert "2/3 = 67%" in undone


def test_timer_posts_seconds(world, login):
    Goal.objects.filter(iep__student=world.student).update(method=Method.DURATION)
    record = dated_session(world).members.get()
    response = login(world.provider.user).post(
        record_url("data_add", record), {"value": "84"}, **HTMX
    )
    assert "Last: 1 min 24 s" in response.content.decode()
    assert DataPoint.objects.get().value == 84


def test_frequency_counts_up(world, login):
    Goal.objects.filter(iep__student=world.student).update(method=Method.FREQUENCY)
    record = dated_session(world).members.get()
    client = login(world.provider.user)
    client.post(record_url("data_add", record), {"value": "1"}, **HTMX)
    response = client.post(record_url("data_add", record), {"value": "1"}, **HTMX)
    assert "Count: 2" in response.content.decode()


def test_bad_value_is_explained(world, login):
    Goal.objects.filter(iep__student=world.student).update(method=Method.RUBRIC)
    record = dated_session(world).members.get()
    response = login(world.provider.user).post(
        record_url("data_add", record), {"value": "9"}, **HTMX
    )
    assert "Tap a rubric score from 0 to 4." in response.content.decode()
    assert not DataPoint.objects.exists()


def test_undo_with_nothing(world, login):
    record = dated_session(world).members.get()
    response = login(world.provider.user).post(record_url("data_undo", record), **HTMX)
    assert "There is no data to undo." in response.content.decode()


def test_record_of_another_session_is_404(world, login):
    record = dated_session(world).members.get()
    from django.urls import reverse

    from pushin.sessions.models import DatedSession

    other = DatedSession.objects.create(
        provider=world.provider,
        classroom=world.classroom,
        date=record.session.date,
        start=record.session.end,
        end=record.session.end.replace(hour=record.session.end.hour + 1),
    )
    response = login(world.provider.user).post(
        reverse("sessions:data_add", args=[other.pk, record.pk]), {"correct": "true"}, **HTMX
    )
    assert response.status_code == 404

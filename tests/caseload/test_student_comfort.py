from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.caseload.models import Student
from pushin.vocabulary import Comfort
from tests.caseload.personas import HTMX, PERSONAS, is_login_redirect, persona_user

EXPECTED = {
    "provider": 200,
    "other_provider": 404,
    "teacher": 403,  # sees the student, may not change the preference
    "other_teacher": 404,
    "para": 403,
    "admin": 403,
    "anonymous": 302,
}


def url(student) -> str:
    return reverse("caseload:student_comfort", args=[student.pk])


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).post(
        url(world.student), {"comfort": Comfort.FLOAT, "asked_on": "2026-11-02"}, **HTMX
    )
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    world.student.refresh_from_db()
    assert world.student.comfort == (Comfort.FLOAT if name == "provider" else "")


def test_get_is_not_allowed(world, login):
    assert login(world.provider.user).get(url(world.student)).status_code == 405


def test_htmx_post_saves_returns_the_partial_and_audits(world, login):
    response = login(world.provider.user).post(
        url(world.student), {"comfort": Comfort.SMALL_GROUP, "asked_on": "2026-11-02"}, **HTMX
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="comfort"' in html
    assert "Rather not be singled out" in html
    assert "Nov 2, 2026" in html
    student = Student.objects.get(pk=world.student.pk)
    assert student.comfort == Comfort.SMALL_GROUP
    assert student.comfort_asked_on == dt.date(2026, 11, 2)
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert entry.actor == world.provider.user
    assert entry.student_id == world.student.pk
    assert entry.detail == {"fields": ["comfort", "comfort_asked_on"]}


def test_date_asked_defaults_to_today(world, login):
    login(world.provider.user).post(url(world.student), {"comfort": Comfort.INDIVIDUAL}, **HTMX)
    world.student.refresh_from_db()
    assert world.student.comfort_asked_on == timezone.localdate()


def test_a_future_date_is_refused_with_a_clear_message(world, login):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = login(world.provider.user).post(
        url(world.student), {"comfort": Comfort.FLOAT, "asked_on": tomorrow.isoformat()}, **HTMX
    )
    assert response.status_code == 200
    assert "cannot be in the future" in response.content.decode()
    world.student.refresh_from_db()
    assert world.student.comfort == ""
    assert not AuditEntry.objects.filter(action=AuditAction.UPDATE).exists()


def test_an_unknown_preference_is_refused(world, login):
    response = login(world.provider.user).post(url(world.student), {"comfort": "hide"}, **HTMX)
    assert "Select a valid choice" in response.content.decode()
    world.student.refresh_from_db()
    assert world.student.comfort == ""


def test_clearing_the_preference_clears_the_date(world, login):
    world.student.comfort = Comfort.FLOAT
    world.student.comfort_asked_on = dt.date(2026, 9, 1)
    world.student.save()
    login(world.provider.user).post(url(world.student), {"comfort": ""}, **HTMX)
    world.student.refresh_from_db()
    assert world.student.comfort == ""
    assert world.student.comfort_asked_on is None


def test_without_htmx_it_redirects_to_the_student_page(world, login):
    response = login(world.provider.user).post(url(world.student), {"comfort": Comfort.FLOAT})
    assert response.status_code == 302
    assert response["Location"] == reverse("caseload:student", args=[world.student.pk])
    world.student.refresh_from_db()
    assert world.student.comfort == Comfort.FLOAT

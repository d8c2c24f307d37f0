from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.caseload.models import MandateVersion
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user

EXPECTED_GET = {
    "provider": 200,
    "other_provider": 404,
    "teacher": 403,  # sees the mandate, may not amend it
    "other_teacher": 404,
    "para": 404,  # does not see mandates at all
    "admin": 200,
    "anonymous": 302,
}
EXPECTED_POST = {**EXPECTED_GET, "provider": 302, "admin": 302}
AMEND_ON = dt.date(2027, 1, 11)


def service_of(student):
    return student.ieps.get().services.get()


def url(student) -> str:
    return reverse("caseload:mandate_amend", args=[student.pk, service_of(student).pk])


def amendment(**overrides):
    data = {
        "effective_from": AMEND_ON.isoformat(),
        "minutes": "90",
        "frequency": "week",
        "session_minutes": "30",
        "delivery": "push_in",
        "grouping": "individual",
        "max_group": "1",
        "reason": "Amendment meeting",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize("name", PERSONAS)
def test_get_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(url(world.student))
    assert response.status_code == EXPECTED_GET[name]
    if name == "anonymous":
        assert is_login_redirect(response)


@pytest.mark.parametrize("name", PERSONAS)
def test_post_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).post(url(world.student), amendment())
    assert response.status_code == EXPECTED_POST[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    expected_versions = 2 if name in ("provider", "admin") else 1
    assert service_of(world.student).versions.count() == expected_versions


def test_a_service_of_another_student_is_404(world, login):
    other_service = service_of(world.other_student)
    response = login(world.admin).get(
        reverse("caseload:mandate_amend", args=[world.student.pk, other_service.pk])
    )
    assert response.status_code == 404


def test_form_defaults_to_the_current_terms(world, login):
    form = login(world.provider.user).get(url(world.student)).context["form"]
    assert form.initial["minutes"] == 60
    assert form.initial["session_minutes"] == 30
    assert form.initial["grouping"] == "group_ok"
    assert form.initial["effective_from"] == max(
        timezone.localdate(), world.district.school_year_start + dt.timedelta(days=1)
    )


def test_amendment_adds_a_version_and_keeps_history(world, login):
    service = service_of(world.student)
    original = service.versions.get()
    before = MandateVersion.objects.filter(pk=original.pk).values().get()
    response = login(world.provider.user).post(url(world.student), amendment())
    assert response["Location"] == reverse("caseload:student", args=[world.student.pk])
    versions = list(service.versions.order_by("effective_from"))
    assert [v.effective_from for v in versions] == [world.district.school_year_start, AMEND_ON]
    assert MandateVersion.objects.filter(pk=original.pk).values().get() == before
    new = versions[1]
    assert (new.minutes, new.grouping, new.reason) == (90, "individual", "Amendment meeting")
    assert new.created_by == world.provider.user
    assert service.version_on(AMEND_ON - dt.timedelta(days=1)) == original
    assert service.version_on(AMEND_ON) == new
    entry = AuditEntry.objects.get(action=AuditAction.CREATE)
    assert entry.object_type == "caseload.mandateversion"
    assert entry.object_id == str(new.pk)
    assert entry.student_id == world.student.pk
    assert entry.detail["replaces_version_id"] == original.pk


def test_a_version_on_the_same_date_is_an_error_that_says_so(world, login):
    client = login(world.provider.user)
    client.post(url(world.student), amendment())
    response = client.post(url(world.student), amendment(minutes="120"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "A version already takes effect on Jan 11, 2027" in html
    assert service_of(world.student).versions.count() == 2
    assert service_of(world.student).versions.get(effective_from=AMEND_ON).minutes == 90


def test_a_date_before_the_latest_version_is_refused(world, login):
    client = login(world.provider.user)
    client.post(url(world.student), amendment())
    response = client.post(url(world.student), amendment(effective_from="2026-12-01"))
    assert "an amendment must take effect after it" in response.content.decode()
    assert service_of(world.student).versions.count() == 2


@pytest.mark.parametrize("day", ["2026-08-01", "2027-07-01"])
def test_a_date_outside_the_iep_is_refused(world, login, day):
    response = login(world.provider.user).post(url(world.student), amendment(effective_from=day))
    assert "must fall within the IEP (Aug 31, 2026 to Jun 18, 2027)" in response.content.decode()
    assert service_of(world.student).versions.count() == 1


def test_mandate_shorter_than_a_session_is_refused(world, login):
    response = login(world.provider.user).post(
        url(world.student), amendment(minutes="20", session_minutes="30")
    )
    assert "shorter than one session" in response.content.decode()
    assert service_of(world.student).versions.count() == 1
    assert not AuditEntry.objects.filter(action=AuditAction.CREATE).exists()

"""The records start: the district's in settings (administrator), a provider's own on their
availability page (the provider, the administrator); its rule and messages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.district import services
from pushin.district.models import District, Provider
from tests.district.personas import HTMX, PERSONAS, is_login_redirect, persona_user

pytestmark = pytest.mark.django_db

SETTINGS = reverse("district:settings")
AFTER_THE_YEAR = (
    "The records start must be on or before the last day of the school year "
    "(Jun 18, 2027); Jun 21, 2027 is after it."
)


def availability(world) -> str:
    return reverse("district:availability", args=[world.provider.pk])


@pytest.mark.parametrize("name", PERSONAS)
def test_only_the_administrator_sets_the_districts(world, login, name):
    response = login(persona_user(world, name)).post(
        SETTINGS, {"action": "records_start", "records_start": "2026-11-02"}
    )
    assert response.status_code == (302 if name in ("admin", "anonymous") else 404)
    if name == "anonymous":
        assert is_login_redirect(response)
    world.district.refresh_from_db()
    assert world.district.records_start == (dt.date(2026, 11, 2) if name == "admin" else None)


def test_the_district_settings_page_sets_clears_and_explains_it(world, login):
    client = login(world.admin)
    assert "Not set: the minutes ledger covers the whole school year." in (
        client.get(SETTINGS).content.decode()
    )
    response = client.post(
        SETTINGS, {"action": "records_start", "records_start": "2026-08-03"}, follow=True
    )
    assert "Saved the records start." in response.content.decode()
    assert "Push-In's records start on Aug 3, 2026" in response.content.decode()
    world.district.refresh_from_db()
    assert world.district.records_start == dt.date(2026, 8, 3)  # before the year: allowed
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE, object_type="district.district")
    assert entry.detail == {"records_start": "2026-08-03"}
    client.post(SETTINGS, {"action": "records_start", "records_start": ""})
    world.district.refresh_from_db()
    assert world.district.records_start is None


def test_a_records_start_after_the_school_year_is_refused(world, login):
    response = login(world.admin).post(
        SETTINGS, {"action": "records_start", "records_start": "2027-06-21"}
    )
    assert response.status_code == 200
    assert response.context["records_form"].errors == {"records_start": [AFTER_THE_YEAR]}
    world.district.refresh_from_db()
    assert world.district.records_start is None
    # The school year's last day itself is fine; a future day inside the year too.
    services.district_records_start_set(
        actor=world.admin, district=world.district, records_start=dt.date(2027, 6, 18)
    )
    assert District.objects.get(pk=world.district.pk).records_start == dt.date(2027, 6, 18)


def test_the_school_year_cannot_end_before_a_records_start(world, login):
    services.provider_records_start_set(
        actor=world.admin, provider=world.provider, records_start=dt.date(2027, 5, 3)
    )
    with pytest.raises(ValidationError) as caught:
        services.school_year_update(
            actor=world.admin,
            district=world.district,
            start=dt.date(2026, 8, 31),
            end=dt.date(2027, 4, 30),
        )
    assert caught.value.messages == [
        "These fall outside the new school year; move or delete them first: "
        f"the records start of provider {world.provider.pk} (May 03, 2027)."
    ]


GET_EXPECTED = {
    "provider": 200,
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}


@pytest.mark.parametrize("name", PERSONAS)
def test_a_provider_sets_their_own_and_the_administrator_any(world, login, name):
    response = login(persona_user(world, name)).post(
        availability(world), {"action": "records_start", "records_start": "2026-10-05"}
    )
    assert response.status_code == {**GET_EXPECTED, "provider": 302, "admin": 302}[name]
    world.provider.refresh_from_db()
    expected = dt.date(2026, 10, 5) if name in ("provider", "admin") else None
    assert world.provider.records_start == expected


def test_a_supervising_therapist_reads_but_does_not_set_it(world, login):
    Provider.objects.filter(pk=world.provider.pk).update(supervisor=world.other_provider)
    client = login(world.other_provider.user)
    page = client.get(availability(world)).content.decode()
    assert "Save records start" not in page
    response = client.post(
        availability(world), {"action": "records_start", "records_start": "2026-10-05"}
    )
    assert response.status_code == 403
    world.provider.refresh_from_db()
    assert world.provider.records_start is None


def test_the_availability_page_follows_the_district_until_the_provider_sets_their_own(world, login):
    world.district.records_start = dt.date(2026, 11, 2)
    world.district.save()
    client = login(world.provider.user)
    assert "The district's records start applies: Nov 2, 2026" in (
        client.get(availability(world)).content.decode()
    )
    response = client.post(
        availability(world), {"action": "records_start", "records_start": "2026-11-16"}, **HTMX
    )
    content = response.content.decode()
    assert "Saved the records start: Nov 16, 2026." in content
    assert "This provider's records start on Nov 16, 2026" in content
    response = client.post(
        availability(world), {"action": "records_start", "records_start": ""}, **HTMX
    )
    assert "Cleared your own records start: the district&#x27;s applies." in (
        response.content.decode()
    )
    world.provider.refresh_from_db()
    assert world.provider.records_start is None
    assert world.district.records_start_for(world.provider) == dt.date(2026, 11, 2)


def test_a_providers_records_start_after_the_year_is_refused(world, login):
    response = login(world.provider.user).post(
        availability(world),
        {"action": "records_start", "records_start": "2027-06-21"},
        **HTMX,
    )
    assert response.status_code == 200
    assert response.context["records_form"].errors == {"records_start": [AFTER_THE_YEAR]}
    world.provider.refresh_from_db()
    assert world.provider.records_start is None

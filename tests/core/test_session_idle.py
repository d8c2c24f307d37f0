"""Idle sign-out: a district setting (default 30 minutes) on top of the absolute lifetime
of a sign-in (SESSION_COOKIE_AGE). The clock is moved with time-machine."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.district import services
from pushin.district.models import District
from tests.conftest import NOW
from tests.factories import World

pytestmark = pytest.mark.django_db

TODAY_URL = reverse("sessions:today")
SETTINGS_URL = reverse("district:settings")
IDLE_30 = "You were signed out after 30 minutes without activity. Sign in again to go on."


@pytest.fixture
def clock(time_machine):
    def at(minutes: float) -> None:
        time_machine.move_to(NOW + dt.timedelta(minutes=minutes), tick=False)

    at(0)
    return at


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_a_district_signs_idle_people_out_after_30_minutes_by_default(world: World) -> None:
    district = District.objects.create(
        name="Fresh", school_year_start=dt.date(2026, 8, 31), school_year_end=dt.date(2027, 6, 18)
    )
    assert district.session_idle_minutes == 30
    assert world.district.session_idle_minutes == 30


def test_activity_within_the_idle_time_keeps_the_sign_in(world: World, login, clock) -> None:
    client = login(world.provider.user)
    assert client.get(TODAY_URL).status_code == 200
    for minutes in (29, 58, 87):  # each request is less than 30 minutes after the last
        clock(minutes)
        assert client.get(TODAY_URL).status_code == 200, minutes
    assert _signed_in(client)


def test_a_request_after_the_idle_time_signs_out_and_says_why(world: World, login, clock) -> None:
    client = login(world.provider.user)
    assert client.get(TODAY_URL).status_code == 200
    clock(31)

    response = client.get(TODAY_URL)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={TODAY_URL}"
    assert not _signed_in(client)
    page = client.get(response["Location"])
    assert IDLE_30 in page.content.decode()
    # Signed out for good: the next request is an anonymous one.
    again = client.get(TODAY_URL)
    assert again.status_code == 302
    assert again["Location"].startswith(reverse("login"))


def test_a_signed_in_page_left_open_signs_out_on_its_next_post(world: World, login, clock) -> None:
    client = login(world.admin)
    assert client.get(SETTINGS_URL).status_code == 200
    clock(45)
    response = client.post(SETTINGS_URL, {"action": "session_idle", "session_idle_minutes": "90"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    world.district.refresh_from_db()
    assert world.district.session_idle_minutes == 30  # nothing was changed


def test_an_htmx_request_after_the_idle_time_sends_the_whole_page_to_sign_in(
    world: World, login, clock
) -> None:
    client = login(world.provider.user)
    assert client.get(TODAY_URL).status_code == 200
    clock(40)
    response = client.get(TODAY_URL, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('login')}?next={TODAY_URL}"
    assert not _signed_in(client)


def test_the_district_setting_decides_the_idle_time(world: World, login, clock) -> None:
    world.district.session_idle_minutes = 10
    world.district.save()
    client = login(world.teacher)
    portal = reverse("collaboration:portal_home")
    assert client.get(portal, follow=True).status_code == 200
    clock(9)
    assert client.get(portal, follow=True).status_code == 200
    assert _signed_in(client)
    clock(20)
    response = client.get(portal, follow=True)
    assert not _signed_in(client)
    assert "after 10 minutes without activity" in response.content.decode()


def test_activity_never_stretches_a_sign_in_past_its_absolute_lifetime(
    world: World, login, clock
) -> None:
    lifetime = settings.SESSION_COOKIE_AGE // 60
    assert lifetime == 600
    client = login(world.provider.user)
    assert client.get(TODAY_URL).status_code == 200
    minute = 0
    while minute + 20 < lifetime:
        minute += 20
        clock(minute)
        assert client.get(TODAY_URL).status_code == 200, minute
    clock(lifetime + 1)
    response = client.get(TODAY_URL, follow=True)
    assert not _signed_in(client)
    assert "Sign-ins last 10 hours at most" in response.content.decode()


# --- The setting ------------------------------------------------------------------------------


def test_the_administrator_sets_the_idle_time_in_district_settings(world: World, login) -> None:
    client = login(world.admin)
    page = client.get(SETTINGS_URL).content.decode()
    assert 'name="session_idle_minutes"' in page
    assert 'value="30"' in page

    response = client.post(
        SETTINGS_URL, {"action": "session_idle", "session_idle_minutes": "15"}, follow=True
    )

    page = response.content.decode()
    assert "Saved the idle sign-out." in page
    assert "People are signed out after 15 minutes without activity" in page
    world.district.refresh_from_db()
    assert world.district.session_idle_minutes == 15
    entry = AuditEntry.objects.filter(action=AuditAction.UPDATE).latest("pk")
    assert entry.detail == {"session_idle_minutes": 15}
    assert entry.actor == world.admin


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "Ensure this value is greater than or equal to 5."),
        ("601", "Ensure this value is less than or equal to 600."),
        ("soon", "Enter a whole number."),
    ],
)
def test_an_idle_time_out_of_bounds_is_refused_with_a_clear_message(
    world: World, login, value: str, message: str
) -> None:
    client = login(world.admin)
    response = client.post(SETTINGS_URL, {"action": "session_idle", "session_idle_minutes": value})
    assert response.status_code == 200
    assert message in response.content.decode()
    world.district.refresh_from_db()
    assert world.district.session_idle_minutes == 30


def test_the_service_refuses_an_idle_time_out_of_bounds(world: World) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.district_session_idle_set(
            actor=world.admin, district=world.district, session_idle_minutes=2
        )
    assert refused.value.message_dict == {
        "session_idle_minutes": ["The idle sign-out must be between 5 and 600 minutes."]
    }


@pytest.mark.parametrize("name", ["provider", "teacher", "para"])
def test_only_the_administrator_changes_the_idle_time(world: World, login, name: str) -> None:
    person = getattr(world, name)
    user = getattr(person, "user", person)
    response = login(user).post(
        SETTINGS_URL, {"action": "session_idle", "session_idle_minutes": "300"}
    )
    assert response.status_code == 404
    world.district.refresh_from_db()
    assert world.district.session_idle_minutes == 30


# --- What it costs a page ----------------------------------------------------------------------


def test_signing_in_starts_the_clocks_in_a_process_that_served_no_request() -> None:
    """The receiver that starts the clocks lives in the middleware's module, which Django
    imports only for the first request. Unless the app imports it when ready, a sign-in
    before any request (a test's force_login, a management shell) leaves the session
    without clocks and the first page pays for starting them (a read and a session write)."""
    code = (
        "import django; django.setup()\n"
        "from django.contrib.auth.signals import user_logged_in\n"
        "names = [getattr(e[1](), '__name__', '') for e in user_logged_in.receivers]\n"
        "print('sign_in_started' in names)\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "pushin.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "True"


def test_the_first_page_after_signing_in_costs_no_more_queries_than_the_next(
    world: World, login, clock
) -> None:
    client = login(world.provider.user)
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(TODAY_URL).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]

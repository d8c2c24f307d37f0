"""Crafted dates in a query string (`?date=9999-12-31`, `?week=0001-01-01`, `2026-13-45`)
never give a 500: every page that reads a date from its query string answers a date it
cannot show with a 400 naming the parameter and why (pushin/query.py), and the others
ignore it.

The walk requests every route of the URL configuration (the same routes and ids as
tests/core/test_get_never_writes.py, the Django admin left out) with each crafted value
in every date parameter the pages read, as the personas that can open the date pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pushin.query import EARLIEST, LATEST
from tests.core.rich_world import RichWorld
from tests.core.test_get_never_writes import Case, cases, walker
from tests.factories import World
from tests.signing_in import force_login

pytestmark = pytest.mark.django_db

CRAFTED = ["0001-01-01", "9999-12-31", "2026-13-45", "+99999-01-01"]
PARAMS = ["date", "week", "on", "start", "end"]
PERSONAS = ["provider", "teacher", "admin", "superuser"]


def _crafted(client: Client, walk_cases: list[Case]) -> list[Case]:
    """Each crafted value in every date parameter at once, on the pages this person
    opens (200)."""
    plain = {c.url: c for c in walk_cases if "?" not in c.url and not c.headers}
    return [
        Case(c.route, f"{url}?" + "&".join(f"{param}={value}" for param in PARAMS), {})
        for url, c in plain.items()
        if not url.startswith("/django-admin/") and client.get(url).status_code == 200
        for value in CRAFTED
    ]


def test_no_page_crashes_on_a_crafted_date(rich: RichWorld, client: Client) -> None:
    walk_cases, _ = cases(rich)  # unfilled routes fail in test_get_never_writes
    crashes = []
    opened = 0
    for persona in PERSONAS:
        client.logout()
        user = walker(rich, persona)
        assert user is not None
        force_login(client, user)
        crafted = _crafted(client, walk_cases)
        opened += len(crafted)
        for case in crafted:
            try:
                status = client.get(case.url).status_code
            except Exception as error:  # reported with its route
                crashes.append(f"{case} as {persona} raised {error!r}")
                continue
            if status >= 500:
                crashes.append(f"{case} as {persona} answered {status}")
    assert opened > 100 * len(CRAFTED)  # the pages were reached
    assert not crashes, f"{len(crashes)} crafted dates crashed a page:\n" + "\n".join(crashes)


# --- What the 400 says, page by page ---------------------------------------------------------


def _pages(world: World) -> list[tuple[Any, str, str]]:
    """(who, page, the date parameter it reads)."""
    room = world.classroom.pk
    return [
        (world.provider.user, reverse("sessions:today"), "date"),
        (world.provider.user, reverse("sessions:week"), "date"),
        (world.teacher, reverse("district:timetable", args=[room]), "week"),
        (world.teacher, reverse("collaboration:portal", args=[room]), "week"),
        (world.provider.user, reverse("planning:provider", args=[world.provider.pk]), "week"),
        (world.admin, reverse("district:dashboard"), "on"),
    ]


@pytest.mark.parametrize("value", ["0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01"])
def test_a_date_outside_the_window_is_a_400_naming_the_parameter(
    world: World, login: Any, value: str
) -> None:
    for user, page, param in _pages(world):
        response = login(user).get(f"{page}?{param}={value}")
        assert response.status_code == 400, page
        text = response.content.decode()
        assert f"?{param}=" in text, page
        assert f"between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}" in text, page


@pytest.mark.parametrize("value", ["2026-13-45", "not-a-date", "99999-01-01"])
def test_a_value_that_is_not_a_date_is_a_400_naming_the_parameter(
    world: World, login: Any, value: str
) -> None:
    for user, page, param in _pages(world):
        response = login(user).get(f"{page}?{param}={value}")
        assert response.status_code == 400, page
        text = response.content.decode()
        assert f"?{param}=" in text, page
        assert "YYYY-MM-DD" in text, page
        assert value not in text, page  # the page says why, without echoing the input


def test_the_window_edges_are_shown(world: World, login: Any) -> None:
    for user, page, param in _pages(world):
        for day in (EARLIEST, LATEST, dt.date(2026, 12, 5)):
            response = login(user).get(f"{page}?{param}={day:%Y-%m-%d}")
            assert response.status_code == 200, (page, day)


def test_an_empty_parameter_is_the_default(world: World, login: Any) -> None:
    response = login(world.provider.user).get(reverse("sessions:today") + "?date=")
    assert response.status_code == 200
    assert response.context["page"].day == response.context["page"].today


# --- Dates typed into forms and files: the same window ---------------------------------------


def test_a_typed_date_outside_the_window_is_a_form_error(world: World, login: Any) -> None:
    """A dated change for 9999-12-31 is refused with why (it was stored before)."""
    from pushin.district.models import TimetableException

    url = reverse("district:exception_create", args=[world.classroom.pk])
    change = {"start": "10:00", "end": "10:45", "kind": "activity", "activity": "test"}
    for day in ("9999-12-31", "0001-01-01"):
        response = login(world.teacher).post(url, {**change, "date": day})
        assert response.status_code in (200, 400)
        assert f"Enter a date between {EARLIEST:%Y-%m-%d} and {LATEST:%Y-%m-%d}." in (
            response.content.decode()
        )
    assert not TimetableException.objects.exists()


def test_a_file_date_outside_the_window_names_its_row_and_column(world: World) -> None:
    from pushin.caseload.models import IEP
    from tests.caseload.test_import_students import errors_of, row

    before = IEP.objects.count()
    assert errors_of(world, row(iep_end="9999-12-31", annual_review="9999-12-30")) == [
        "row 2, column iep_end: '9999-12-31' is not a date between 1900-01-01 and 2199-12-31",
        "row 2, column annual_review: '9999-12-30' is not a date between 1900-01-01 and 2199-12-31",
    ]
    assert IEP.objects.count() == before

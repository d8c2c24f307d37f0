"""Crafted dates in a query string (`?date=9999-12-31`, `?week=0001-01-01`, `2026-13-45`)
never give a 500: every page that reads a date from its query string answers a date it
cannot show with a 400 naming the parameter and why (pushin/query.py), and the others
ignore it.

Every page the walk of tests/core/test_get_never_writes.py answered 200 (every route of
the URL configuration, the Django admin left out) and that read one of the date
parameters from its query string, or may have read any (tests/core/query_reads.py), is
requested again with each crafted value in every date parameter, as the personas that can
open the date pages. A page that never looked at them answers the same with them. These
requests are made once per test process, in the walk's world right after the walk
(`walked`, tests/core/conftest.py), which already knows what each persona opens and reads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from pushin.query import EARLIEST, LATEST
from tests.core.query_reads import may_read
from tests.core.rich_world import RichWorld
from tests.core.test_get_never_writes import Case, Walk, walker
from tests.factories import World
from tests.signing_in import force_login

pytestmark = pytest.mark.django_db

CRAFTED = ["0001-01-01", "9999-12-31", "2026-13-45", "+99999-01-01"]
PARAMS = ["date", "week", "on", "start", "end"]
PERSONAS = ["provider", "teacher", "admin", "superuser"]


@dataclass
class CraftedWalk:
    opened: int = 0  # crafted requests made
    routes: set[str] = field(default_factory=set)  # the routes they were made to
    crashes: list[str] = field(default_factory=list)


def crafted_walk(rich: RichWorld, walk: Walk) -> CraftedWalk:
    """Each crafted value in every date parameter at once, on every page the walk
    answered 200 to each of `PERSONAS` and that reads a date parameter (made by `walked`,
    tests/core/conftest.py, in the walk's world, after the walk)."""
    result = CraftedWalk()
    client = Client()
    for persona in PERSONAS:
        client.logout()
        user = walker(rich, persona)
        assert user is not None
        force_login(client, user)
        pages = [
            visit.case
            for visit in walk.visits
            if visit.persona == persona
            and visit.status == 200
            and visit.case.plain
            and not visit.case.url.startswith("/django-admin/")
            and may_read(visit.query_keys, PARAMS)
        ]
        route = {case.url: case.route for case in pages}
        for url in route:
            for value in CRAFTED:
                case = Case(route[url], f"{url}?" + "&".join(f"{p}={value}" for p in PARAMS), {})
                result.opened += 1
                result.routes.add(case.route)
                try:
                    status = client.get(case.url).status_code
                except Exception as error:  # reported with its route
                    result.crashes.append(f"{case} as {persona} raised {error!r}")
                    continue
                if status >= 500:
                    result.crashes.append(f"{case} as {persona} answered {status}")
    return result


def test_no_page_crashes_on_a_crafted_date(walked: Walk) -> None:
    crafted = walked.crafted
    assert crafted is not None
    # Every page known to read a date (the 400s below) was crafted: the walk saw it read.
    assert crafted.routes >= DATE_ROUTES, DATE_ROUTES - crafted.routes
    assert not crafted.crashes, (
        f"{len(crafted.crashes)} crafted dates crashed a page:\n" + "\n".join(crafted.crashes)
    )


# --- What the 400 says, page by page ---------------------------------------------------------

# (who, route, the date parameter it reads)
DATE_PAGES = [
    ("provider", "sessions:today", "date"),
    ("provider", "sessions:week", "date"),
    ("teacher", "district:timetable", "week"),
    ("teacher", "collaboration:portal", "week"),
    ("provider", "planning:provider", "week"),
    ("admin", "district:dashboard", "on"),
]
DATE_ROUTES = {route for _, route, _ in DATE_PAGES}


def _pages(world: World) -> list[tuple[Any, str, str]]:
    """(who, page, the date parameter it reads)."""
    who = {"provider": world.provider.user, "teacher": world.teacher, "admin": world.admin}
    args = {
        "district:timetable": [world.classroom.pk],
        "collaboration:portal": [world.classroom.pk],
        "planning:provider": [world.provider.pk],
    }
    return [
        (who[persona], reverse(route, args=args.get(route)), param)
        for persona, route, param in DATE_PAGES
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

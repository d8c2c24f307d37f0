"""Who gets what from every planning view: the exact outcome for each persona."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.test import Client
from django.urls import reverse

from pushin.accounts.models import User
from pushin.district.models import Provider
from pushin.planning.models import PlanRun, RunDecision, StandingSchedule
from pushin.planning.services import calendar_token_regenerate
from tests.factories import World
from tests.planning.helpers import solved_run, standing

PERSONAS = ("provider", "other_provider", "teacher", "other_teacher", "para", "admin", "anonymous")


def person(world: World, persona: str) -> User | None:
    if persona == "anonymous":
        return None
    if persona in ("provider", "other_provider"):
        provider: Provider = getattr(world, persona)
        return provider.user
    user: User = getattr(world, persona)
    return user


def check_matrix(
    world: World,
    login: Callable[[User | None], Client],
    expected: dict[str, int],
    request: Callable[[Client], Any],
) -> None:
    assert set(expected) == set(PERSONAS)
    for persona in PERSONAS:
        client = login(person(world, persona))
        response = request(client)
        status = response.status_code
        assert status == expected[persona], f"{persona}: {status}, expected {expected[persona]}"
        if persona == "anonymous" and status == 302:
            assert response["Location"].startswith(reverse("login"))


SEE = {  # pages about the provider's week
    "provider": 200,
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}
CHANGE = {**SEE, "provider": 302, "admin": 302}  # actions that redirect when done


def test_planning_home(pworld: World, login) -> None:
    url = reverse("planning:home")
    check_matrix(
        pworld,
        login,
        {**SEE, "provider": 302, "other_provider": 302},
        lambda c: c.get(url),
    )
    response = login(pworld.provider.user).get(url)
    assert response["Location"] == reverse("planning:provider", args=[pworld.provider.pk])


def test_provider_page_and_schedule(pworld: World, login) -> None:
    standing(pworld)
    for name in ("planning:provider", "planning:schedule"):
        url = reverse(name, args=[pworld.provider.pk])
        check_matrix(pworld, login, SEE, partial(Client.get, path=url))


def test_run_create(pworld: World, login) -> None:
    url = reverse("planning:run_create")
    expected = {**CHANGE, "other_provider": 302}  # cannot choose this provider: back home
    check_matrix(pworld, login, expected, lambda c: c.post(url, {"provider": pworld.provider.pk}))
    runs = PlanRun.objects.filter(providers=pworld.provider)
    assert {run.requested_by for run in runs} == {pworld.provider.user, pworld.admin}
    assert not PlanRun.objects.filter(requested_by=pworld.other_provider.user).exists()


def test_run_pages(pworld: World, login) -> None:
    run = solved_run(pworld)
    for name in ("planning:run", "planning:run_progress"):
        url = reverse(name, args=[run.pk])
        check_matrix(pworld, login, SEE, partial(Client.get, path=url))


def test_run_accept_and_reject(pworld: World, login) -> None:
    for name in ("planning:run_accept", "planning:run_reject"):

        def act(client: Client, name: str = name) -> Any:
            run = solved_run(pworld)
            response = client.post(reverse(name, args=[run.pk]), {"effective_from": "2026-12-03"})
            run.refresh_from_db()
            if response.status_code != 302 or response["Location"].startswith(reverse("login")):
                assert run.decision == RunDecision.PENDING
            return response

        check_matrix(pworld, login, CHANGE, act)
    assert StandingSchedule.objects.filter(provider=pworld.provider).count() == 2


def test_replan(pworld: World, login) -> None:
    standing(pworld)
    url = reverse("planning:replan", args=[pworld.provider.pk])
    check_matrix(pworld, login, CHANGE, lambda c: c.post(url))
    assert PlanRun.objects.filter(kind="replan").count() == 2


def test_session_move_and_pin(pworld: World, login) -> None:
    schedule = standing(pworld)
    session = schedule.sessions.first()
    assert session is not None
    move = reverse("planning:session_move", args=[session.pk])
    check_matrix(pworld, login, SEE, lambda c: c.get(move))
    pin = reverse("planning:session_pin", args=[session.pk])
    check_matrix(pworld, login, CHANGE, lambda c: c.post(pin, {"pinned": "on"}))


def test_calendar_settings(pworld: World, login) -> None:
    url = reverse("planning:calendar", args=[pworld.provider.pk])
    check_matrix(pworld, login, SEE, lambda c: c.get(url))
    check_matrix(pworld, login, CHANGE, lambda c: c.post(url, {"action": "regenerate"}))


def test_calendar_feed_needs_only_the_token(pworld: World, login) -> None:
    standing(pworld)
    token = calendar_token_regenerate(provider=pworld.provider, user=pworld.provider.user)
    url = reverse("planning:calendar_feed", args=[token])
    # Calendar apps sign in to nothing: the secret address is the key, for anyone.
    check_matrix(pworld, login, dict.fromkeys(PERSONAS, 200), lambda c: c.get(url))

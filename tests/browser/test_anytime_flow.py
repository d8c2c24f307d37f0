"""Anytime planning in a real browser: the run page follows the best plan so far as the
worker improves it (htmx polling, no reload), and "Accept the best plan now" stops the run
and accepts that plan.

The worker's side (the real solve writing its best plan so far) is tested in
tests/planning/test_anytime.py; here the test writes the run's row as the worker does,
with plans the engine made for this week, so each step happens when the test says."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from pushin.planning.models import PlanRun, RunDecision, RunStatus, StandingSchedule
from pushin.planning.services import plan_run_create
from pushin.planning.tasks import progress_words
from pushin.scheduling.plan import plan_to_dict
from pushin.scheduling.scenario import parse_scenario
from pushin.scheduling.solve import build_plan, solve
from tests.browser.fixtures import assert_fits, screenshot, sign_in
from tests.browser.test_every_page import AXE, RUN_AXE
from tests.factories import World, make_world
from tests.planning.conftest import give_availability

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queued_world(transactional_db: None, settings) -> World:
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "solver"],
        }
    }
    world = make_world()
    give_availability(world)
    return world


def _fits_a_phone(phone: Page, what: str) -> None:
    """No sideways scroll at 375 px, and axe-core finds nothing serious or critical."""
    assert_fits(phone, what, width=375)
    phone.evaluate(AXE)
    assert phone.evaluate(RUN_AXE) == [], what


def _worker_writes(run: PlanRun, plan: dict[str, Any]) -> None:
    """What tasks.BestPlanWriter writes for a new best plan so far."""
    PlanRun.objects.filter(pk=run.pk).update(
        best_plan=plan, best_at=timezone.now(), progress=progress_words(plan, run.time_limit)
    )


def test_the_run_page_follows_the_best_plan_and_accepts_it_now(
    page: Page, phone_page: Page, queued_world: World
) -> None:
    world = queued_world
    run = plan_run_create(
        user=world.provider.user,
        district=world.district,
        providers=[world.provider],
        time_limit=30.0,
    )
    scenario = parse_scenario(run.scenario)
    final = solve(scenario, time_limit=5)
    assert final.stats.shortfall_minutes == 0
    # The first plan the solver has: one of the two sessions, 30 minutes short.
    first = build_plan(
        scenario,
        final.sessions[:1],
        status="feasible",
        seconds=0.5,
        unproven=("shortfall", 0.0),
        extra={"stage_values": {"shortfall": [30.0, 0.0]}},
    )
    PlanRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        claimed_by="worker-in-this-test",
        heartbeat_at=timezone.now(),
    )
    _worker_writes(run, plan_to_dict(first))

    sign_in(page, world.provider.user)
    page.goto(reverse("planning:run", args=[run.pk]))
    figures = page.locator("#best-so-far")
    expect(figures).to_contain_text("0 of 1 student")
    expect(figures).to_contain_text("30 min")
    expect(page.get_by_role("button", name="Accept the best plan now")).to_be_visible()
    screenshot(page, "anytime-running-desktop")

    # The worker finds the full week: the page follows by itself, no reload.
    better = {
        **plan_to_dict(final),
        "status": "feasible",
    }
    better["stats"] = {
        **better["stats"],
        "stage_values": {"shortfall": [0.0, 0.0], "fit_minutes": [final.stats.fit_minutes, 99.0]},
    }
    _worker_writes(run, better)
    expect(figures).to_contain_text("1 of 1 student", timeout=10_000)
    expect(page.locator("#run-progress")).to_contain_text("0 minutes short")

    sign_in(phone_page, world.provider.user)
    phone_page.goto(reverse("planning:run", args=[run.pk]))
    expect(phone_page.locator("#best-so-far")).to_contain_text("1 of 1 student")
    _fits_a_phone(phone_page, "the running plan's page")
    screenshot(phone_page, "anytime-running-phone")

    # The live server shares one in-memory SQLite connection between its threads: no poll
    # from another tab while accepting, and the click just after this tab's poll.
    phone_page.goto("about:blank")
    with page.expect_response(lambda response: "/progress/" in response.url):
        pass
    page.get_by_role("button", name="Accept the best plan now").click()
    page.wait_for_url(f"**{reverse('planning:schedule', args=[world.provider.pk])}")
    expect(page.locator("body")).to_contain_text("Accepted")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE
    assert run.decision == RunDecision.ACCEPTED
    assert run.progress == "Stopped early: the best plan so far"
    schedule = StandingSchedule.objects.get(source_run=run)
    assert schedule.sessions.count() == len(final.sessions)


def test_a_stopped_plan_offers_keep_improving(
    page: Page, phone_page: Page, queued_world: World
) -> None:
    """Stop here: the result page says the plan is not proven and offers more time."""
    world = queued_world
    run = plan_run_create(
        user=world.provider.user, district=world.district, providers=[world.provider]
    )
    scenario = parse_scenario(run.scenario)
    final = solve(scenario, time_limit=5)
    best = {**plan_to_dict(final), "status": "feasible"}
    best["stats"] = {
        **best["stats"],
        "stage_values": {"shortfall": [0.0, 0.0], "fit_minutes": [final.stats.fit_minutes, 99.0]},
    }
    PlanRun.objects.filter(pk=run.pk).update(
        status=RunStatus.RUNNING,
        started_at=timezone.now(),
        claimed_by="worker-in-this-test",
        heartbeat_at=timezone.now(),
    )
    _worker_writes(run, best)
    sign_in(page, world.provider.user)
    page.goto(reverse("planning:run", args=[run.pk]))
    page.get_by_role("button", name="Stop here and review it").click()
    expect(page.locator("#run-proof")).to_contain_text("Not proven optimal")
    expect(
        page.get_by_role("button", name="Keep improving (up to 60 more seconds)")
    ).to_be_visible()
    screenshot(page, "anytime-stopped-desktop")
    sign_in(phone_page, world.provider.user)
    phone_page.goto(reverse("planning:run", args=[run.pk]))
    _fits_a_phone(phone_page, "the stopped plan's page")
    screenshot(phone_page, "anytime-stopped-phone")

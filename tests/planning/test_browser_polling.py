"""The real path in a real browser: enqueue in the database, the page polls with htmx,
`db_worker` solves, the page shows the plan."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import Page, expect

from pushin.planning.models import PlanRun, RunStatus
from tests.browser.fixtures import assert_fits, sign_in
from tests.factories import World, make_world
from tests.planning.conftest import give_availability

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def queue_world(transactional_db: None, settings) -> World:
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "solver"]}
    }
    world = make_world()
    give_availability(world)
    return world


def test_the_run_page_polls_until_the_worker_is_done(page: Page, queue_world: World) -> None:
    world = queue_world
    sign_in(page, world.provider.user)
    page.goto(reverse("planning:provider", args=[world.provider.pk]))
    page.get_by_role("button", name="Plan the week").click()
    expect(page.locator("#run-progress")).to_contain_text("Waiting for a worker")
    run = PlanRun.objects.get()
    assert run.status == RunStatus.QUEUED
    call_command(
        "db_worker", queue_name="*", batch=True, startup_delay=False, reload=False, verbosity=0
    )
    # No reload by hand: htmx polls the progress and refreshes the page when done.
    expect(page.get_by_role("heading", name="Totals")).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Accept as the standing schedule")).to_be_visible()
    assert page.url.endswith(reverse("planning:run", args=[run.pk]))


def test_planning_pages_fit_a_phone(phone_page: Page, queue_world: World) -> None:
    world = queue_world
    sign_in(phone_page, world.provider.user)
    phone_page.goto(reverse("planning:provider", args=[world.provider.pk]))
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text("Plan my week")
    assert_fits(phone_page, "the planning page", width=375)

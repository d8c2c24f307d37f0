"""On a phone: data on two goals in one session, one tap a point; then the goal graphs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect

from pushin.caseload.models import Goal, Method
from pushin.sessions.models import DataPoint, SessionStudent
from tests.browser.fixtures import assert_fits, screenshot, sign_in
from tests.browser.test_content_security_policy import WATCH_VIOLATIONS
from tests.factories import World, make_world
from tests.progress.helpers import percent_sessions
from tests.sessions.factories import MONDAY, dated_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_goal_world(transactional_db: None) -> World:
    world = make_world()
    handwriting = Goal.objects.get(iep__student=world.student)
    Goal.objects.create(
        iep=handwriting.iep,
        domain="self_care",
        text="Unpacks the backpack at arrival following a picture schedule.",
        method=Method.PROMPT_LEVEL,
        baseline="partial physical assistance",
        target="independent with the picture schedule",
        mastery_criterion="in 4 of 5 opportunities",
    )
    # Weeks of earlier data, so the graph has a course to show.
    percent_sessions(
        world.provider, world.student, handwriting, [40, 50, 50, 60, 70, 80], dt.date(2026, 10, 5)
    )
    dated_session(world)  # Monday's session, stored ahead; under the clock it has happened
    return world


def test_data_on_two_goals_in_one_session_on_a_phone(
    phone_page: Page, two_goal_world: World
) -> None:
    world, page = two_goal_world, phone_page
    record = SessionStudent.objects.get(session__date=MONDAY)
    handwriting, self_care = Goal.objects.filter(iep__student=world.student).order_by("pk")
    sign_in(page, world.provider.user)
    page.goto(reverse("sessions:detail", args=[record.session_id]))
    card = page.locator(f"#record-{record.pk}")
    blocks = card.locator(".goal-data")
    expect(blocks).to_have_count(2)
    first, second = blocks.nth(0), blocks.nth(1)
    expect(first).to_contain_text("Handwriting / visual-motor")
    expect(first).to_contain_text("focus")
    expect(second).to_contain_text("Self-care")

    taps = 0

    def tap(target: Locator) -> None:
        nonlocal taps
        taps += 1
        target.tap()

    # One tap per point, on either goal, in any order.
    tap(first.get_by_role("button", name="✓ correct"))
    expect(first.locator(".tally")).to_have_text("1/1 = 100%")
    tap(second.get_by_role("button", name="Verbal"))
    expect(card.locator(".goal-data").nth(1).locator(".tally")).to_contain_text("Last: Verbal")
    tap(card.locator(".goal-data").nth(0).get_by_role("button", name="✗ not yet"))
    expect(card.locator(".goal-data").nth(0).locator(".tally")).to_have_text("1/2 = 50%")
    tap(card.locator(".goal-data").nth(1).get_by_role("button", name="Independent"))
    expect(card.locator(".goal-data").nth(1).locator(".tally")).to_contain_text("Last: Independent")
    assert taps == 4
    assert list(
        DataPoint.objects.filter(record=record).order_by("pk").values_list("goal_id", "kind")
    ) == [
        (handwriting.pk, "trial"),
        (self_care.pk, "prompt"),
        (handwriting.pk, "trial"),
        (self_care.pk, "prompt"),
    ]
    # The list names each point's goal.
    card.locator(".data-list summary").tap()
    items = card.locator(".data-list li")
    expect(items).to_have_count(4)
    expect(items.nth(1)).to_contain_text("Self-care: Verbal")
    expect(items.nth(2)).to_contain_text("Handwriting / visual-motor: ✗ not yet")
    assert_fits(page, width=375)
    screenshot(page, "progress-two-goals-phone")

    # The student's goal progress: a graph per goal that fits the phone, drawn under the
    # Content-Security-Policy (no style element; the style attributes are allowed).
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH_VIOLATIONS)
    page.goto(reverse("progress:student", args=[world.student.pk]))
    graphs = page.locator("svg.chart")
    expect(graphs).to_have_count(2)
    box = graphs.nth(0).bounding_box()
    assert box is not None
    assert box["width"] <= 375
    assert box["height"] > 100  # drawn to scale, not collapsed
    expect(page.locator(".goal-progress").nth(0)).to_contain_text("Not yet")
    page.locator(".goal-progress").nth(0).locator("details.data-table summary").tap()
    expect(page.locator(".goal-progress").nth(0).locator("tbody tr")).to_have_count(7)
    assert_fits(page, width=375)
    screenshot(page, "progress-graphs-phone")
    assert list(page.evaluate("window.__cspViolations")) == []
    assert not [text for text in console if "Content Security Policy" in text]

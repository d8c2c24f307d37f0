"""Whole-class lessons in a real browser: a teacher asks for a scissor-skills lesson in the
portal, the provider accepts it and places it at a free block of the room, and the teacher
then sees the lesson scheduled."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from pushin.lessons.models import ClassLesson, LessonRequest, RequestStatus
from tests.browser.fixtures import screenshot, sign_in
from tests.factories import World, make_world
from tests.lessons.helpers import THURSDAY, working_week

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def lesson_world(transactional_db: None) -> World:
    world = make_world()
    working_week(world)
    return world


def test_a_teacher_asks_the_provider_schedules_the_teacher_sees_it(
    page: Page, lesson_world: World
) -> None:
    world = lesson_world
    portal = reverse("collaboration:portal", args=[world.classroom.pk])

    sign_in(page, world.teacher)
    page.goto(portal + "#lessons")
    ask = page.locator("#ask-lesson")
    expect(ask).to_be_visible()
    ask.locator("select[name=topic]").select_option("scissor_skills")
    ask.locator("input[name=by_when]").fill("2026-12-18")
    ask.locator("input[name=note]").fill("Before the holiday craft")
    ask.get_by_role("button", name="Ask for this lesson").click()
    expect(page.locator(".messages")).to_contain_text("Request sent")
    expect(page.locator("#lessons ~ ul").first).to_contain_text("Waiting for an answer")
    assert LessonRequest.objects.get().status == RequestStatus.OPEN

    page.context.clear_cookies()
    sign_in(page, world.provider.user)
    expect(page.locator(".nav-badge")).to_have_text("1")
    page.goto(reverse("lessons:home"))
    request = page.locator(".lesson-requests li").first
    expect(request).to_contain_text("Scissor skills")
    expect(request).to_contain_text("Before the holiday craft")
    request.get_by_role("link", name="Accept and schedule").click()
    expect(page.locator("#asked")).to_contain_text("scissor skills")
    page.locator("input[name=week]").fill("2026-11-30")
    page.get_by_role("button", name="Show the free blocks").click()
    slot = page.get_by_label("Thu Dec 3, 10:00-10:45 (Literacy centers)", exact=False)
    slot.check()
    page.locator("textarea[name=plan]").fill("Snip strips, then cut along curves")
    page.get_by_role("button", name="Place the lesson").click()
    expect(page.locator(".messages")).to_contain_text("Scissor skills lesson placed in Room 2A")
    lesson = ClassLesson.objects.get()
    assert lesson.session.date == THURSDAY
    screenshot(page, "lessons-provider")

    page.context.clear_cookies()
    sign_in(page, world.teacher)
    page.goto(portal + "?week=2026-11-30")
    section = page.locator("li.lesson").first
    expect(section).to_contain_text("Thu Dec 3 10:00")
    expect(section).to_contain_text("Scissor skills")
    expect(section).to_contain_text("Snip strips")
    expect(page.locator("table.visits")).to_contain_text("Whole-class lesson")
    expect(page.locator("body")).to_contain_text("Scheduled")
    screenshot(page, "lessons-teacher")

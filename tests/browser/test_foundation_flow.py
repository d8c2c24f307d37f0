"""The foundation in a real browser: a provider opens a student, a teacher reports a test."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from pushin.district.models import TimetableException
from pushin.ids import encode_id
from tests.browser.fixtures import assert_fits, screenshot, sign_in
from tests.factories import World, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_world(transactional_db: None) -> World:
    return make_world()


def test_provider_opens_a_student_from_the_caseload(page: Page, browser_world: World) -> None:
    world = browser_world
    sign_in(page, world.provider.user)
    page.get_by_role("link", name="Caseload").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("aseload")
    page.get_by_role("link", name=world.student.full_name).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.student.full_name)
    expect(page.locator("body")).to_contain_text("Writes a sentence with letters on the line.")
    assert page.url.endswith(f"/caseload/students/{encode_id(world.student.pk)}/")
    assert world.student.first_name not in page.url
    screenshot(page, "foundation-student-desktop")


def test_student_page_fits_a_phone(phone_page: Page, browser_world: World) -> None:
    world = browser_world
    sign_in(phone_page, world.provider.user)
    phone_page.goto(reverse("caseload:student", args=[world.student.pk]))
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text(world.student.full_name)
    assert_fits(phone_page, "the student page", width=375)
    screenshot(phone_page, "foundation-student-phone")


def test_teacher_reports_a_test_on_thursday(page: Page, browser_world: World) -> None:
    world = browser_world
    thursday = dt.date(2026, 12, 3)
    sign_in(page, world.teacher)
    page.goto(
        f"{reverse('district:timetable', args=[world.classroom.pk])}?week={thursday.isoformat()}"
    )
    form = page.locator(
        f"form[action='{reverse('district:exception_create', args=[world.classroom.pk])}']"
    )
    form.locator("input[name=date]").fill(thursday.isoformat())
    form.locator("input[name=start]").fill("10:00")
    form.locator("input[name=end]").fill("10:45")
    form.locator("select[name=kind]").select_option("activity")
    form.locator("select[name=activity]").select_option("test")
    form.locator("input[name=note]").fill("Unit 3 math test")
    form.get_by_role("button").click()
    expect(page.locator("#timetable-body")).to_contain_text("Unit 3 math test")
    exception = TimetableException.objects.get(classroom=world.classroom)
    assert (exception.date, exception.start, exception.end, exception.activity) == (
        thursday,
        dt.time(10),
        dt.time(10, 45),
        "test",
    )
    assert exception.created_by == world.teacher
    screenshot(page, "foundation-teacher-exception")

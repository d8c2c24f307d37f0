"""Privacy requests in a browser, on a phone: the administrator finds a student by number,
deactivates them, sees when their records may be deleted, and downloads the export."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from pushin.caseload.models import Student
from tests.browser.fixtures import assert_fits, screenshot, sign_in
from tests.factories import World, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def privacy_world(transactional_db: None) -> World:
    return make_world()


def test_the_administrator_answers_a_request_on_a_phone(
    phone_page: Page, privacy_world: World
) -> None:
    world = privacy_world
    page = phone_page
    sign_in(page, world.admin)
    page.goto(reverse("caseload:privacy"))
    page.get_by_label("Student number").fill("S-0001")
    page.get_by_role("button", name="Open").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("S-0001")
    assert_fits(page, width=375)

    with page.expect_download() as download:
        page.get_by_role("button", name="Download the ZIP").click()
    archive = zipfile.ZipFile(io.BytesIO(download.value.path().read_bytes()))
    assert "records/caseload.student.json" in archive.namelist()

    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text("is now inactive")).to_be_visible()
    expect(page.get_by_text("may be deleted from December 2, 2033")).to_be_visible()
    assert not Student.objects.get(pk=world.student.pk).active
    screenshot(page, "privacy-student-phone")
    assert_fits(page, width=375)

    page.goto(reverse("caseload:privacy"))
    expect(page.get_by_role("link", name="S-0001")).to_be_visible()
    screenshot(page, "privacy-phone")
    assert_fits(page, width=375)

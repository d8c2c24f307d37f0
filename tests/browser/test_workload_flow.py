"""Indirect time in two taps on a phone, then the workload report and its chart."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from pushin.workload.models import IndirectTime
from tests.browser.fixtures import assert_fits, screenshot, sign_in
from tests.factories import World, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def plain_world(transactional_db: None) -> World:
    return make_world()


def test_indirect_time_in_two_taps_on_a_phone(phone_page: Page, plain_world: World) -> None:
    world, page = plain_world, phone_page
    sign_in(page, world.provider.user)
    card = page.locator("#indirect-quick")
    expect(card).to_be_visible()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

    card.get_by_text("Documentation", exact=True).tap()  # tap 1: the kind
    card.get_by_role("button", name="30 min", exact=True).tap()  # tap 2: logs it (htmx)

    expect(page.locator("#indirect-quick .saved")).to_have_text(
        "Logged 30 min of documentation on Wed Dec 2."
    )
    entry = IndirectTime.objects.get()
    assert (entry.kind, entry.minutes) == ("documentation", 30)
    assert entry.provider_id == world.provider.pk
    assert_fits(page, width=375)
    screenshot(page, "workload-quick-add-phone")

    page.goto("/workload/")
    expect(page.locator("h1")).to_contain_text("My workload")
    expect(page.locator("#totals")).to_contain_text("Indirect time")
    expect(page.locator("svg#workload-weeks")).to_be_visible()
    screenshot(page, "workload-report-phone")
    assert not [e for e in errors if "Content Security Policy" in e]

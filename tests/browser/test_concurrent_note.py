"""Two tabs on one session in a real browser: the second tab's note is refused and htmx
swaps the 409 answer into its card (base.html's responseHandling), with the text kept."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from pushin.sessions.models import SessionStudent
from tests.browser.fixtures import sign_in
from tests.factories import make_world
from tests.sessions.factories import dated_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_second_tab_sees_the_conflict_and_keeps_its_note(
    page: Page, transactional_db: None
) -> None:
    world = make_world()
    record = dated_session(world).members.get()
    url = reverse("sessions:detail", args=[record.session_id])
    sign_in(page, world.provider.user)
    first = page
    second = page.context.new_page()
    for tab in (first, second):
        tab.goto(url)
    note = f"#note-{record.pk}"

    first.fill(note, "Used the slant board.")
    first.locator(f"#record-{record.pk} .note-form button").click()
    expect(first.locator(f"#record-{record.pk}")).to_contain_text("Minutes")
    expect(first.locator(note)).to_have_value("Used the slant board.")
    second.fill(note, "Tried the pencil grip.")
    second.locator(f"#record-{record.pk} .note-form button").click()

    card = second.locator(f"#record-{record.pk}")
    expect(card.locator(".conflict")).to_contain_text("changed by someone else a moment ago")
    expect(card.locator(".conflict")).to_contain_text("Tried the pencil grip.")
    expect(second.locator(note)).to_have_value("Used the slant board.")  # theirs, now shown
    assert SessionStudent.objects.get(pk=record.pk).note == "Used the slant board."

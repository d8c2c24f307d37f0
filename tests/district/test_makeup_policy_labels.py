"""Each makeup-policy box in the district settings is labelled with its miss reason and
says what it means as it stands: "Provider absent: owed" ticked, "Student absent: not
owed" unticked (the other word is hidden by the stylesheet, out of the box's name too)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from pushin.vocabulary import MissReason
from tests.browser.fixtures import sign_in
from tests.factories import World, make_world


def label_of(html: str, reason: str) -> str:
    match = re.search(
        rf'<label class="check policy-reason"><input type="checkbox" name="{reason}"[^>]*>'
        r"(.*?)</label>",
        html,
    )
    assert match is not None, reason
    return match.group(1)


def test_every_box_names_its_reason_and_both_states(world: World, login) -> None:
    html = login(world.admin).get(reverse("district:settings")).content.decode()
    for reason, label in MissReason.choices:
        words = label_of(html, reason)
        assert words.strip().startswith(f"<span>{label}: ")
        assert '<span class="if-owed">owed</span>' in words
        assert '<span class="if-not-owed">not owed</span>' in words


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_in_a_browser_each_box_is_named_by_its_state(page: Page, transactional_db: None) -> None:
    world = make_world()
    sign_in(page, world.admin)
    page.goto(reverse("district:settings"))
    absent = page.get_by_role("checkbox", name="Student absent: not owed", exact=True)
    expect(absent).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="Provider absent: owed", exact=True)).to_be_checked()
    absent.check()
    expect(page.get_by_role("checkbox", name="Student absent: owed", exact=True)).to_be_checked()
    # What the eye reads matches: the other word is not displayed.
    assert page.locator("label", has_text="Student absent").inner_text().strip() == (
        "Student absent: owed"
    )

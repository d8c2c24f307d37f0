"""Single sign-on in a real browser: the sign-in page's button, the provider's own sign-in
page (oidc-provider-mock in a thread), and back, signed in or told why not."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.accounts.test_sso import provider, with_email
from tests.browser.fixtures import screenshot
from tests.factories import World, make_world
from tests.signing_in import authenticator_for, current_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_world(transactional_db: None) -> World:
    world = make_world()
    with_email(world.teacher, "j.park@riverbend.example")
    with_email(world.admin, "director@riverbend.example")
    return world


@pytest.fixture
def idp(settings: Any) -> Iterator[str]:
    director = ("director", {"email": "director@riverbend.example", "email_verified": True})
    with provider(settings, people=[director]) as issuer:
        yield issuer


def through_the_provider(page: Page, sub: str) -> None:
    page.goto("/login/")
    screenshot(page, "sso-sign-in-page")
    page.get_by_role("link", name="Sign in with Riverbend Google").click()
    page.fill("input[name=sub]", sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_load_state("networkidle")


def test_a_teacher_signs_in_with_the_district_account(
    page: Page, browser_world: World, idp: str
) -> None:
    through_the_provider(page, "park")
    expect(page.locator("body")).to_contain_text(browser_world.teacher.first_name)
    assert "/login/" not in page.url
    screenshot(page, "sso-signed-in")


def test_an_unknown_person_is_told_whom_to_ask(page: Page, browser_world: World, idp: str) -> None:
    through_the_provider(page, "stranger")
    assert page.url.endswith("/login/")
    expect(page.locator("body")).to_contain_text(
        "No Push-In account has the e-mail address who@else.example"
    )
    screenshot(page, "sso-refused")


def test_the_director_turns_password_sign_in_off(
    page: Page, browser_world: World, idp: str
) -> None:
    device = authenticator_for(browser_world.admin)  # administrators: two-factor by default
    through_the_provider(page, "director")
    # Single sign-on does not stand in for the code.
    expect(page.get_by_role("heading", name="Your sign-in code")).to_be_visible()
    page.goto("/district/settings/")
    assert "/two-factor/code/" in page.url
    page.fill("#id_code", current_code(device))
    page.get_by_role("button", name="Go on").click()
    page.wait_for_url("**/district/settings/")  # the page asked for, once the code is given
    page.get_by_role("link", name="Change how staff sign in").click()
    page.get_by_label("Off: single sign-on only").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("body")).to_contain_text("Staff now sign in with single sign-on only.")
    screenshot(page, "sso-sign-in-settings")
    browser_world.district.refresh_from_db()
    assert not browser_world.district.password_signin

"""Real headless Chromium (Debian's package) driven by Playwright against the live server.

Registered once for the whole suite in tests/conftest.py (`pytest_plugins`): the browser
is session-wide, and a second copy of these fixtures in one process would start a second
Playwright loop. Test modules import only the helpers (`sign_in`, `screenshot`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from pushin.accounts.models import User
from tests.factories import PASSWORD, World, make_world
from tests.planning.conftest import give_availability
from tests.signing_in import authenticator_if_needed, current_code

# Playwright's sync API keeps an event loop running in this thread for the whole session
# (one browser per worker); the ORM calls tests make around it are plain synchronous code.
# Test processes only: the deploy check test strips it from the production environment.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
PHONE: ViewportSize = {"width": 375, "height": 812}
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which("chromium") and not Path(CHROMIUM).exists():
        pytest.fail("Debian chromium is not installed: `make test` installs it with apt")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP, base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def phone_page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(
        viewport=PHONE,
        base_url=live_server.url,
        is_mobile=True,
        has_touch=True,
        device_scale_factor=2,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def planning_world(settings) -> World:
    """The shared world with working hours, where a plan runs inside the request (the
    immediate task backend) with 5 s to solve: where the planning flows start."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "solver"],
        }
    }
    settings.PUSHIN_PLAN_TIME_LIMIT = 5.0
    world = make_world()
    give_availability(world)
    return world


@pytest.fixture
def plan_world(transactional_db: None, settings) -> World:
    return planning_world(settings)


def sign_in(page: Page, user: User) -> None:
    """The sign-in form, then the code of their authenticator where the sign-in asks one
    (an administrator's, by default: tests/signing_in.py)."""
    device = authenticator_if_needed(user)
    page.goto("/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
    if device is not None:
        page.wait_for_url("**/two-factor/code/**")
        page.fill("#id_code", current_code(device))
        page.click("main button[type=submit]")
        page.wait_for_url(lambda url: "/two-factor/" not in url)
        page.wait_for_load_state("networkidle")


def page_width(page: Page) -> int:
    """The page's scroll width once its style sheets have loaded: a heading can be
    visible (and a test go on) before them, and an unstyled page is laid out differently
    (the run page's totals table, not yet in its scrolling box, measured 446 px)."""
    page.wait_for_load_state("load")
    return int(page.evaluate("document.documentElement.scrollWidth"))


def assert_fits(page: Page, what: str = "the page", width: int | None = None) -> None:
    """The page does not scroll sideways at `width` (the viewport's by default), a pixel
    of rounding allowed, measured once its style sheets have loaded (`page_width`)."""
    if width is None:
        assert page.viewport_size is not None
        width = page.viewport_size["width"]
    scroll = page_width(page)
    assert scroll <= width + 1, f"{what} scrolls sideways ({scroll}px in {width}px)"


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

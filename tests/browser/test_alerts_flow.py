"""Caseload alerts in a browser: Today's banner counts them, one tap opens them on the
caseload page, a badge opens the student. On a phone without sideways scrolling, and on a
desktop. The clock is frozen on Wed Dec 2, 2026."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from pushin.caseload.models import IEP
from pushin.district.models import ProgressPeriod
from tests.browser.fixtures import assert_fits, screenshot, sign_in
from tests.factories import World, make_student, make_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def alert_world(transactional_db: None) -> World:
    """Avery's review is due Dec 20 (the IEP's last day); Dana's IEP expired Nov 30; Kit's
    ends Dec 14 with the review held early and overdue since Nov 20."""
    world = make_world()
    IEP.objects.filter(student=world.student).update(
        end=dt.date(2026, 12, 20), annual_review=dt.date(2026, 12, 20)
    )
    dana = make_student(
        ref="S-0003",
        classroom=world.classroom,
        provider=world.provider,
        first_name="Dana",
        last_name="Quill",
    )
    IEP.objects.filter(student=dana).update(
        start=dt.date(2025, 12, 1), end=dt.date(2026, 11, 30), annual_review=dt.date(2026, 11, 30)
    )
    kit = make_student(
        ref="S-0004",
        classroom=world.other_classroom,
        provider=world.provider,
        first_name="Kit",
        last_name="Marsh",
    )
    IEP.objects.filter(student=kit).update(
        start=dt.date(2025, 12, 15), end=dt.date(2026, 12, 14), annual_review=dt.date(2026, 11, 20)
    )
    make_student(ref="S-0005", classroom=world.classroom, provider=world.provider)  # nothing due
    return world


def _flow(page: Page, world: World, name: str, width: int) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, world.provider.user)
    banner = page.locator("#caseload-alerts")
    expect(banner).to_contain_text("Caseload: 3 students to act on")
    expect(banner).to_contain_text(
        "1 IEP expired, 1 annual review overdue, 1 annual review due, 2 IEPs ending"
    )
    assert_fits(page, width=width)
    screenshot(page, f"alerts-today-{name}")

    banner.get_by_role("link", name="See the alerts").click()
    page.wait_for_load_state("networkidle")
    alerts = page.locator("#alerts")
    expect(alerts).to_be_visible()
    rows = alerts.locator(".alert-row")
    expect(rows).to_have_count(3)
    # Late first (expired, then overdue), then what is coming.
    expect(rows.nth(0)).to_contain_text("Dana Quill")
    expect(rows.nth(0)).to_contain_text("IEP expired Nov 30 — no IEP in force")
    expect(rows.nth(1)).to_contain_text("Kit Marsh")
    expect(rows.nth(1)).to_contain_text("Annual review overdue: was due Nov 20")
    expect(rows.nth(1)).to_contain_text("IEP ends in 12 days (Dec 14)")
    expect(rows.nth(2)).to_contain_text("Avery Sample")
    expect(rows.nth(2)).to_contain_text("Annual review due Dec 20")
    assert_fits(page, width=width)
    screenshot(page, f"alerts-caseload-{name}")

    rows.nth(2).get_by_role("link", name="Annual review due Dec 20").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text("Avery Sample")
    assert "Avery" not in page.url
    assert not [e for e in errors if "Content Security Policy" in e]


def test_alerts_on_a_phone(phone_page: Page, alert_world: World) -> None:
    _flow(phone_page, alert_world, "phone", 375)


def test_alerts_on_a_desktop(page: Page, alert_world: World) -> None:
    _flow(page, alert_world, "desktop", 1280)


def test_the_director_sees_them_by_student_number(page: Page, alert_world: World) -> None:
    sign_in(page, alert_world.admin)
    page.goto(reverse("district:dashboard"))
    section = page.locator("#iep-dates")
    expect(section).to_contain_text("S-0003")
    expect(section).to_contain_text("IEP expired Nov 30 — no IEP in force")
    expect(section.locator(".alert-row")).to_have_count(3)
    assert "Dana" not in section.inner_text()
    screenshot(page, "alerts-dashboard-desktop")


def test_progress_reports_to_sign_fold_under_one_line(phone_page: Page, alert_world: World) -> None:
    world, page = alert_world, phone_page
    ProgressPeriod.objects.create(
        district=world.district, name="Q2", start=dt.date(2026, 11, 9), end=dt.date(2026, 12, 18)
    )
    sign_in(page, world.provider.user)
    expect(page.locator("#caseload-alerts")).to_contain_text("4 progress reports to sign")
    page.goto(reverse("caseload:list"))
    folded = page.locator("#alerts-reports")
    expect(folded.locator("summary")).to_have_text(
        "4 progress reports to sign, the first due Dec 18"
    )
    expect(folded.locator(".alert-row").first).not_to_be_visible()
    folded.locator("summary").tap()
    expect(folded.locator(".alert-row")).to_have_count(4)
    expect(folded).to_contain_text("Q2 progress report due Dec 18, not started")
    assert_fits(page, width=375)
    screenshot(page, "alerts-caseload-reports-phone")
    folded.get_by_role("link", name="Q2 progress report due Dec 18, not started").first.tap()
    page.wait_for_load_state("networkidle")
    expect(page.locator("h1")).to_contain_text("Progress reports")

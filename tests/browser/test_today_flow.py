"""The provider's day on a phone: Today, one session, one-tap data, an absence, signing."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress

import pytest
from django.urls import reverse
from playwright.sync_api import Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from pushin.caseload.models import Goal, Method
from pushin.district.models import TimetableException
from pushin.sessions.models import DataPoint, DatedSession, SessionStudent
from pushin.vocabulary import Activity
from tests.browser.fixtures import assert_fits, screenshot, sign_in
from tests.factories import World, make_world
from tests.sessions.factories import MONDAY, add_student, dated_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def day_world(transactional_db: None) -> World:
    world = make_world()
    casey = add_student(world)
    # Stored ahead, as accepting the plan would: no page read makes sessions.
    dated_session(world, [world.student, casey])
    TimetableException.objects.create(
        classroom=world.classroom,
        date=MONDAY,
        start=dt.time(9, 15),
        end=dt.time(10),
        activity=Activity.ASSEMBLY,
        note="Fire safety assembly",
    )
    return world


class Taps:
    """Counts every tap the provider makes."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, target: Locator) -> None:
        self.count += 1
        target.tap()


def _fits_the_phone(page: Page) -> None:
    # Layout may still be settling (an htmx swap, a late style); a real overflow stays.
    with suppress(PlaywrightTimeoutError):
        page.wait_for_function("document.documentElement.scrollWidth <= 376", timeout=3000)
    assert_fits(page, width=375)


def test_provider_logs_a_session_on_a_phone(
    phone_page: Page, day_world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    world, page = day_world, phone_page
    sign_in(page, world.provider.user)
    nav_first = page.locator(".mainnav a").first
    expect(nav_first).to_have_text("Today")

    # The week first: what to re-plan before going.
    page.goto(f"/sessions/week/?date={MONDAY:%Y-%m-%d}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Week of Nov 30")
    expect(page.locator(".flag-summary")).to_contain_text("1 session to re-plan or check")
    expect(page.locator(".week-day")).to_have_count(5)
    _fits_the_phone(page)
    screenshot(page, "sessions-week-phone")

    page.get_by_role("link", name="Monday Nov 30").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Monday Nov 30")
    card = page.locator(".session-card")
    expect(card).to_have_count(1)
    expect(card).to_contain_text("Maple Elementary · Room 2A · Writing")
    expect(card).to_contain_text("Mon Nov 30 09:15-10:00 is an assembly in Room 2A")
    expect(card).to_contain_text(world.student.full_name)
    expect(card.locator("select[name=focus_goal]").first).to_be_visible()
    _fits_the_phone(page)
    screenshot(page, "sessions-today-phone")

    session = DatedSession.objects.get(date=MONDAY)
    avery = SessionStudent.objects.get(session=session, student=world.student)
    casey = SessionStudent.objects.exclude(pk=avery.pk).get(session=session)

    page.get_by_role("link", name="Open session").tap()
    expect(page.get_by_role("heading", level=1)).to_contain_text("09:00\u201309:30")
    _fits_the_phone(page)
    taps = Taps()
    avery_card = page.locator(f"#record-{avery.pk}")

    # Each data point: one tap, from the moment the session page is open.
    taps(avery_card.get_by_role("button", name="✓ correct"))
    expect(avery_card.locator(".tally")).to_have_text("1/1 = 100%")
    assert taps.count == 1  # the first data point took one tap
    for value, shown in (("✓ correct", "2/2 = 100%"), ("✗ not yet", "2/3 = 67%")):
        before = taps.count
        taps(avery_card.get_by_role("button", name=value))
        expect(avery_card.locator(".tally")).to_have_text(shown)
        assert taps.count - before <= 3
    assert DataPoint.objects.filter(record=avery).count() == 3
    # Taking data logged the student as delivered, for the whole session.
    expect(avery_card.get_by_role("button", name="Delivered")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(avery_card.locator(".minutes-delivered")).to_have_text("30")
    expect(page.locator("#session-status")).to_have_text("Logged")

    # A mis-tap is undone in one tap.
    taps(avery_card.get_by_role("button", name="✓ correct"))
    expect(avery_card.locator(".tally")).to_have_text("3/4 = 75%")
    taps(avery_card.get_by_role("button", name="↶ Undo last"))
    expect(avery_card.locator(".tally")).to_have_text("2/3 = 67%")

    # The second student is absent: one tap.
    casey_card = page.locator(f"#record-{casey.pk}")
    taps(casey_card.get_by_role("button", name="Student absent"))
    expect(casey_card.get_by_role("button", name="Student absent")).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(casey_card).to_contain_text("No data: student absent.")
    expect(casey_card.locator(".minutes-delivered")).to_have_text("0")

    note = avery_card.locator("textarea[name=note]")
    note.fill("Slant board helped; letters on the line by the third sentence.")
    taps(avery_card.get_by_role("button", name="Save note"))
    expect(avery_card.locator("textarea[name=note]")).to_have_value(
        "Slant board helped; letters on the line by the third sentence."
    )
    _fits_the_phone(page)
    screenshot(page, "sessions-session-phone-logged")

    taps(page.get_by_role("button", name="Sign the session"))
    expect(page.locator(".messages")).to_contain_text("Session signed")
    expect(page.locator("#session-status")).to_have_text("Signed")
    expect(page.get_by_role("button", name="Sign the session")).to_have_count(0)
    session.refresh_from_db()
    assert session.is_signed
    assert session.signed_by == world.provider.user
    avery.refresh_from_db()
    casey.refresh_from_db()
    assert (avery.attendance, avery.minutes_delivered) == ("delivered", 30)
    assert (casey.attendance, casey.minutes_delivered) == ("student_absent", 0)
    assert [p.correct for p in DataPoint.objects.filter(record=avery).order_by("pk")] == [
        True,
        True,
        False,
    ]
    screenshot(page, "sessions-session-phone-signed")

    # After signing, a change needs a reason and is listed in the history.
    avery_card = page.locator(f"#record-{avery.pk}")
    avery_card.locator("input[name=minutes_delivered]").fill("20")
    avery_card.locator("select[name=short_reason]").select_option("drill")
    avery_card.locator(".attendance input[name=reason]").fill("Fire drill cut it short")
    taps(avery_card.get_by_role("button", name="Save minutes"))
    expect(avery_card.locator(".minutes-delivered")).to_have_text("20")
    expect(avery_card.locator(".history")).to_contain_text("Fire drill cut it short")
    expect(avery_card.locator(".history")).to_contain_text("30 min")
    screenshot(page, "sessions-session-phone-amended")

    # The minutes ledger follows what was logged: the week of Nov 30 for each student, as
    # the ledger reads at the end of that Monday (the live server runs in this process).
    monkeypatch.setattr("pushin.sessions.ledger_views._today", lambda: MONDAY)

    def week_row(student_pk: int) -> Locator:
        page.goto(reverse("minutes:student", args=[student_pk]))
        return page.locator("table.minutes-ledger tr", has_text="Nov 30 \u2013 Dec 6")

    delivered_column, missed_column = 3, 4
    avery_week = week_row(avery.student_id)
    expect(avery_week.locator("td").nth(delivered_column)).to_contain_text("20")
    expect(avery_week.locator("td").nth(missed_column)).to_contain_text("10")
    screenshot(page, "sessions-ledger-phone")
    casey_week = week_row(casey.student_id)
    expect(casey_week.locator("td").nth(delivered_column)).to_have_text("0")
    expect(casey_week.locator("td").nth(missed_column)).to_contain_text("Student absent: 30")


def test_duration_timer_is_two_taps(phone_page: Page, transactional_db: None) -> None:
    world = make_world()
    Goal.objects.filter(iep__student=world.student).update(method=Method.DURATION)
    dated_session(world)
    page = phone_page
    sign_in(page, world.provider.user)
    page.goto(f"/sessions/?date={MONDAY:%Y-%m-%d}")
    # The timer is a deferred script: a tap before it runs does nothing (a loaded machine
    # was seen to get there first), so the session page is loaded before the first tap.
    with page.expect_navigation(wait_until="load"):
        page.get_by_role("link", name="Open session").tap()
    record = SessionStudent.objects.get(session__date=MONDAY)
    card = page.locator(f"#record-{record.pk}")
    taps = Taps()
    timer = card.locator("[data-timer]")
    taps(timer)
    expect(timer).to_have_attribute("aria-pressed", "true")
    page.wait_for_timeout(1200)
    taps(timer)
    expect(card.locator(".tally")).to_contain_text("Last: ")
    assert taps.count == 2
    (point,) = DataPoint.objects.filter(record=record)
    assert point.kind == "duration"
    assert point.value is not None
    assert 1 <= point.value <= 10

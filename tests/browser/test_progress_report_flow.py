"""On a desktop: open a student's goal progress, draft the period's report, edit a goal's
narrative (htmx), sign it; the signed report, its PDF; then the report on a phone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from pushin.ids import encode_id
from pushin.progress.models import ProgressReport, ReportGoal, ReportStatus
from tests.browser.fixtures import PHONE, assert_fits, screenshot, sign_in
from tests.browser.test_content_security_policy import WATCH_VIOLATIONS
from tests.factories import World, make_world
from tests.progress.reports.helpers import ReportWorld, report_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARRATIVE = "Avery wrote four sentences on the line with the slant board; keep it in writing."


@pytest.fixture
def rw(transactional_db: None) -> ReportWorld:
    world: World = make_world()
    return report_world(world)


def test_draft_edit_and_sign_a_progress_report(page: Page, rw: ReportWorld) -> None:
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH_VIOLATIONS)
    sign_in(page, rw.world.provider.user)
    page.goto(reverse("progress:student", args=[rw.world.student.pk]))
    reports = page.locator("#reports + section")
    expect(reports).to_contain_text("No progress report yet.")
    expect(reports.get_by_label("Period")).to_have_value(encode_id(rw.q2.pk))  # in force
    reports.get_by_role("button", name="Draft report").click()

    # The draft: each goal's graph, the suggested code and the narrative drafted from the data.
    expect(page.locator(".messages")).to_contain_text("Drafted from the data")
    goal = page.locator(".report-goal").first
    expect(goal.locator("svg.chart")).to_be_visible()
    expect(goal).to_contain_text("The data suggests: Sufficient progress.")
    narrative = goal.get_by_label("Narrative")
    expect(narrative).to_have_value(
        ReportGoal.objects.get().narrative  # drafted: trend, latest three, what worked
    )
    expect(narrative).to_contain_text("What worked: Slant board test")
    expect(page.locator(".report-minutes")).to_contain_text("216 min")
    screenshot(page, "progress-report-draft-desktop")

    narrative.fill(NARRATIVE)
    goal.get_by_label("Progress code").select_option("sufficient")
    goal.get_by_role("button", name="Save goal 1").click()
    expect(page.locator(".report-goal").first.get_by_role("status")).to_have_text("Saved")
    assert ReportGoal.objects.get().narrative == NARRATIVE

    page.get_by_role("button", name="Sign the report").click()
    expect(page.locator(".messages")).to_contain_text("Signed: the report is frozen")
    body = page.locator("#report-body")
    expect(body).to_contain_text(NARRATIVE)
    expect(body).to_contain_text("Signed by Provider Tester")
    expect(body.locator("svg.chart")).to_have_count(1)
    expect(page.get_by_label("Reason for the amendment")).to_be_visible()
    report = ProgressReport.objects.get()
    assert report.status == ReportStatus.SIGNED
    path = screenshot(page, "progress-report-signed-desktop")
    assert path.exists()

    pdf = page.request.get(reverse("progress:report_pdf", args=[report.pk]))
    assert pdf.status == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF")

    assert list(page.evaluate("window.__cspViolations")) == []
    assert not [text for text in console if "Content Security Policy" in text]

    # The same report on a phone: nothing scrolls sideways.
    page.set_viewport_size(PHONE)
    page.reload()
    assert_fits(page, "the report", width=PHONE["width"])
    screenshot(page, "progress-report-signed-phone")

    # The caseload's reports for the period: the student's report is signed.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(reverse("progress:reports", args=[rw.world.provider.pk]))
    expect(page.locator("table.report-list")).to_contain_text("Signed")
    screenshot(page, "progress-reports-caseload-desktop")

"""Editing one goal of a draft (progress:report_goal): htmx gets the goal's block back,
saved or with its errors; a signed report refuses; only its provider may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.caseload.models import Goal
from pushin.progress.models import ReportGoal
from tests.progress.reports.helpers import drafted, report_world, signed

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def rw(world):
    return report_world(world)


def _url(report, goal):
    return reverse("progress:report_goal", args=[report.pk, goal.pk])


def test_saving_a_goal_with_htmx_answers_its_block(rw, login):
    report = drafted(rw)
    response = login(rw.world.provider.user).post(
        _url(report, rw.goal),
        {"action": "save", "code": "insufficient", "narrative": "Needs more practice."},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<section class="card report-goal" id="goal-{rw.goal.pk}"')
    assert 'role="status">Saved' in html
    assert "Insufficient progress" in html
    assert "<svg" in html
    entry = ReportGoal.objects.get(report=report)
    assert (entry.code, entry.narrative, entry.edited) == (
        "insufficient",
        "Needs more practice.",
        True,
    )


def test_an_empty_narrative_is_refused_with_its_words(rw, login):
    report = drafted(rw)
    response = login(rw.world.provider.user).post(
        _url(report, rw.goal), {"code": "mastered", "narrative": "  "}, **HTMX
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps it in, errors shown
    assert "This field is required." in html
    assert "Saved" not in html
    assert ReportGoal.objects.get(report=report).code == "sufficient"


def test_redraft_and_without_htmx(rw, login):
    report = drafted(rw)
    client = login(rw.world.provider.user)
    client.post(_url(report, rw.goal), {"code": "mastered", "narrative": "Mine."})
    response = client.post(_url(report, rw.goal), {"action": "redraft"})
    assert response["Location"] == reverse("progress:report", args=[report.pk]) + (
        f"#goal-{rw.goal.pk}"
    )
    entry = ReportGoal.objects.get(report=report)
    assert entry.code == "sufficient"
    assert not entry.edited


def test_a_signed_report_and_other_goals_are_refused(rw, login):
    report = signed(rw)
    client = login(rw.world.provider.user)
    response = client.post(
        _url(report, rw.goal), {"code": "mastered", "narrative": "Changed."}, follow=True
    )
    assert "amend it (with a reason)" in response.content.decode()
    other = Goal.objects.get(iep__student=rw.world.other_student)
    assert client.post(_url(report, other), {"narrative": "x"}).status_code == 404
    assert login(rw.world.admin).post(_url(report, rw.goal), {}).status_code == 403
    assert login(rw.world.teacher).post(_url(report, rw.goal), {}).status_code == 404

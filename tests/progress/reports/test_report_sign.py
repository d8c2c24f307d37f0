"""Signing a report (progress:report_sign): the page then shows the snapshot, and signing
needs a code for every goal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.progress.models import ReportGoal, ReportStatus
from tests.page_text import page_text
from tests.progress.reports.helpers import drafted, report_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(world):
    return report_world(world)


def test_signing_from_the_page(rw, login):
    report = drafted(rw)
    client = login(rw.world.provider.user)
    response = client.post(reverse("progress:report_sign", args=[report.pk]), follow=True)
    text = " ".join(page_text(response.content.decode()).split())
    assert "Signed: the report is frozen as it is now." in text
    assert "Signed by Provider Tester on Dec 2, 2026 at 12:00." in text
    report.refresh_from_db()
    assert report.status == ReportStatus.SIGNED
    again = client.post(reverse("progress:report_sign", args=[report.pk]), follow=True)
    assert "This report is signed already." in again.content.decode()


def test_a_goal_without_a_code_keeps_it_a_draft(rw, login):
    report = drafted(rw)
    ReportGoal.objects.filter(report=report).update(code="")
    client = login(rw.world.provider.user)
    response = client.post(reverse("progress:report_sign", args=[report.pk]), follow=True)
    assert "Choose a progress code and write a narrative for goal 1" in response.content.decode()
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_only_the_provider_signs(rw, login):
    report = drafted(rw)
    url = reverse("progress:report_sign", args=[report.pk])
    assert login(rw.world.admin).post(url).status_code == 403
    assert login(rw.world.teacher).post(url).status_code == 404
    assert login(rw.world.provider.user).get(url).status_code == 405
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT

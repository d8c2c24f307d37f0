"""Drafting one student's report from their progress page (progress:report_draft)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.ids import encode_id
from pushin.progress.models import ProgressReport
from tests.page_text import page_text
from tests.progress.reports.helpers import report_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(world):
    return report_world(world)


def _post(client, rw, period):
    return client.post(
        reverse("progress:report_draft", args=[rw.world.student.pk]),
        {"period": encode_id(period.pk)} if period is not None else {},
    )


def test_the_progress_page_offers_a_draft_of_the_period_in_force(rw, login):
    client = login(rw.world.provider.user)
    html = client.get(reverse("progress:student", args=[rw.world.student.pk])).content.decode()
    assert "No progress report yet." in page_text(html)
    assert f'<option value="{encode_id(rw.q2.pk)}" selected>' in html
    response = _post(client, rw, rw.q2)
    report = ProgressReport.objects.get()
    assert response["Location"] == reverse("progress:report", args=[report.pk])
    html = client.get(reverse("progress:student", args=[rw.world.student.pk])).content.decode()
    assert "Q2, OT: Draft" in " ".join(page_text(html).split())
    again = _post(client, rw, rw.q2)
    assert again["Location"] == reverse("progress:report", args=[report.pk])
    assert ProgressReport.objects.count() == 1


def test_a_refused_period_says_why(rw, login):
    client = login(rw.world.provider.user)
    response = _post(client, rw, None)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "This field is required." in page
    assert not ProgressReport.objects.exists()


def test_only_the_students_provider_drafts(rw, login):
    assert _post(login(rw.world.admin), rw, rw.q2).status_code == 403
    for user in (rw.world.teacher, rw.world.para, rw.world.other_provider.user):
        assert _post(login(user), rw, rw.q2).status_code == 404
    assert not ProgressReport.objects.exists()
    html = (
        login(rw.world.admin)
        .get(reverse("progress:student", args=[rw.world.student.pk]))
        .content.decode()
    )
    assert "Draft report" not in html  # the administrator reads reports, never drafts

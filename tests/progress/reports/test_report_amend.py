"""Amending a signed report (progress:report_amend): a reason, then a new revision."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.progress.models import ProgressReport
from tests.progress.reports.helpers import report_world, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(world):
    return report_world(world)


def test_an_amendment_needs_its_reason_and_opens_revision_two(rw, login):
    report = signed(rw)
    client = login(rw.world.provider.user)
    url = reverse("progress:report_amend", args=[report.pk])
    refused = client.post(url, {"reason": " "}, follow=True)
    assert "Say why the signed report is amended." in refused.content.decode()
    assert ProgressReport.objects.count() == 1
    response = client.post(url, {"reason": "The Nov 30 data was entered late."})
    new = ProgressReport.objects.get(revision=2)
    assert response["Location"] == reverse("progress:report", args=[new.pk])
    assert new.amend_reason == "The Nov 30 data was entered late."
    twice = client.post(url, {"reason": "Again."}, follow=True)
    assert "amended already" in twice.content.decode()


def test_readers_may_not_amend(rw, login):
    report = signed(rw)
    url = reverse("progress:report_amend", args=[report.pk])
    assert login(rw.world.admin).post(url, {"reason": "x"}).status_code == 403
    assert login(rw.world.para).post(url, {"reason": "x"}).status_code == 404
    assert ProgressReport.objects.count() == 1

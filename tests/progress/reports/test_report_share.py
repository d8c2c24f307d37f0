"""Sharing a signed report with the teacher or the paras (progress:report_share)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.progress.reports.helpers import drafted, report_world, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(world):
    return report_world(world)


def test_sharing_toggles_who_reads_it(rw, login):
    report = signed(rw)
    url = reverse("progress:report_share", args=[report.pk])
    page = reverse("progress:report", args=[report.pk])
    assert login(rw.world.para).get(page).status_code == 404
    login(rw.world.provider.user).post(url, {"paras": "on"})
    report.refresh_from_db()
    assert (report.shared_with_teacher, report.shared_with_paras) == (False, True)
    assert login(rw.world.para).get(page).status_code == 200
    assert login(rw.world.teacher).get(page).status_code == 404
    login(rw.world.provider.user).post(url, {})  # both unticked: shared with nobody
    assert login(rw.world.para).get(page).status_code == 404


def test_a_draft_is_not_shared(rw, login):
    report = drafted(rw)
    response = login(rw.world.provider.user).post(
        reverse("progress:report_share", args=[report.pk]), {"teacher": "on"}, follow=True
    )
    assert "Sign the report before sharing it." in response.content.decode()
    report.refresh_from_db()
    assert not report.shared_with_teacher


def test_readers_may_not_share(rw, login):
    report = signed(rw)
    url = reverse("progress:report_share", args=[report.pk])
    assert login(rw.world.admin).post(url, {"teacher": "on"}).status_code == 403
    assert login(rw.world.other_provider.user).post(url, {"teacher": "on"}).status_code == 404
    report.refresh_from_db()
    assert not report.shared_with_teacher

"""The district's words for the progress codes on its settings page (the administrator),
and a progress period with reports kept."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.progress.models import ProgressCodeWord
from tests.progress.reports.helpers import drafted, report_world

pytestmark = pytest.mark.django_db

WORDS = {
    "mastered": "Goal met",
    "sufficient": "Making progress",
    "insufficient": "Not making enough progress",
    "not_introduced": "Not yet introduced",
}


def test_the_administrator_renames_the_codes_and_reports_say_them(world, login):
    rw = report_world(world)
    client = login(world.admin)
    page = client.get(reverse("district:settings")).content.decode()
    assert 'value="Sufficient progress"' in page
    response = client.post(
        reverse("district:settings"), {"action": "progress_codes", **WORDS}, follow=True
    )
    assert "Saved the words of the progress codes." in response.content.decode()
    assert dict(ProgressCodeWord.objects.values_list("code", "word")) == {
        k: v
        for k, v in WORDS.items()
        if k != "not_introduced"  # the default is not stored
    }
    report = drafted(rw)
    html = login(world.provider.user).get(reverse("progress:report", args=[report.pk]))
    assert "Making progress" in html.content.decode()
    assert '<option value="mastered">Goal met</option>' in html.content.decode()


def test_a_word_naming_two_codes_or_empty_is_refused(world, login):
    client = login(world.admin)
    same = {**WORDS, "insufficient": "goal met"}
    response = client.post(reverse("district:settings"), {"action": "progress_codes", **same})
    assert response.status_code == 200
    assert "already names another code" in response.content.decode()
    empty = {**WORDS, "mastered": " "}
    response = client.post(reverse("district:settings"), {"action": "progress_codes", **empty})
    assert "This field is required." in response.content.decode()
    assert not ProgressCodeWord.objects.exists()


def test_a_period_with_reports_is_kept(world, login):
    rw = report_world(world)
    drafted(rw)
    response = login(world.admin).post(
        reverse("district:settings"), {"action": "period_delete", "id": rw.q2.pk}, follow=True
    )
    assert "Q2 has 1 progress report: a period with reports is kept." in (response.content.decode())
    assert rw.q2.__class__.objects.filter(pk=rw.q2.pk).exists()
    response = login(world.admin).post(
        reverse("district:settings"), {"action": "period_delete", "id": rw.q1.pk}, follow=True
    )
    assert "Deleted the progress period Q1." in response.content.decode()

"""The caseload's reports for a period (progress:reports): every student with the status
of their report (not started, draft, signed, signed with the data changed after), the
period picker, drafting the ones not started (progress:reports_draft); the administrator
reads it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.ids import encode_id
from pushin.progress.models import ProgressReport
from pushin.sessions.services import data_point_undo
from tests.core.test_get_never_writes import Snapshot
from tests.factories import make_student
from tests.page_text import page_text
from tests.progress.reports.helpers import drafted, report_world, signed

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(world):
    return report_world(world)


def _url(world, **query):
    return reverse("progress:reports", args=[world.provider.pk]), query


def _rows(html):
    text = " ".join(page_text(html).split())
    return text[text.index("ReportOpen") :]


def test_statuses_follow_the_reports(rw, login):
    world = rw.world
    cam = make_student(ref="S-0011", classroom=world.classroom, provider=world.provider,
                       first_name="Cam")  # fmt: skip
    client = login(world.provider.user)
    url, _ = _url(world)
    html = client.get(url).content.decode()
    assert "Q2 (Nov 9 to Jan 29, 2027)" in page_text(html)  # the period in force
    assert "Avery Sample S-0001 Room 2A, Maple Elementary Not started" in _rows(html)
    assert "2 students: 0 signed, 0 drafts, 2 not started." in " ".join(page_text(html).split())
    report = drafted(rw)
    assert "Avery Sample S-0001 Room 2A, Maple Elementary Draft" in _rows(
        client.get(url).content.decode()
    )
    from pushin.progress.reports.services import report_sign

    report_sign(actor=world.provider.user, report=report)
    html = client.get(url).content.decode()
    assert "Avery Sample S-0001 Room 2A, Maple Elementary Signed Open the report of" in _rows(html)
    assert f"{cam.full_name} S-0011 Room 2A, Maple Elementary Not started" in _rows(html)
    data_point_undo(actor=world.provider.user, record=rw.records[-1], reason="Mis-tap.")
    html = client.get(url).content.decode()
    assert "Signed, data changed after" in _rows(html)
    assert "1 signed (1 with data changed after)" in " ".join(page_text(html).split())
    reads = AuditEntry.objects.filter(action=AuditAction.READ, detail__page="progress_reports")
    assert set(reads.values_list("student_id", flat=True)) == {world.student.pk, cam.pk}


def test_another_period_and_a_refused_one(rw, login):
    client = login(rw.world.provider.user)
    url, _ = _url(rw.world)
    html = client.get(url, {"period": encode_id(rw.q1.pk)}).content.decode()
    assert '<option value="' + encode_id(rw.q1.pk) + '" selected>' in html
    response = client.get(url, {"period": "nonsense"})
    assert response.status_code == 400
    assert "Choose one of the district&#x27;s progress periods." in response.content.decode()


def test_drafting_every_report_not_started(rw, login):
    world = rw.world
    make_student(ref="S-0011", classroom=world.classroom, provider=world.provider)
    client = login(world.provider.user)
    url, _ = _url(world)
    html = client.get(url).content.decode()
    assert "Draft the 2 not started from the data" in html
    response = client.post(
        reverse("progress:reports_draft", args=[world.provider.pk]),
        {"period": encode_id(rw.q2.pk)},
        follow=True,
    )
    assert "Drafted 2 reports from the data." in response.content.decode()
    assert ProgressReport.objects.filter(period=rw.q2).count() == 2
    refused = client.post(reverse("progress:reports_draft", args=[world.provider.pk]), {})
    assert refused.status_code == 302
    assert ProgressReport.objects.count() == 2


def test_the_administrator_reads_without_drafting(rw, login):
    signed(rw)
    client = login(rw.world.admin)
    url, _ = _url(rw.world)
    before = Snapshot.take()
    html = client.get(url).content.decode()
    assert before.changes() == []
    assert "Signed" in _rows(html)
    assert "Draft the" not in html
    assert 'name="period" value' not in html
    response = client.post(
        reverse("progress:reports_draft", args=[rw.world.provider.pk]),
        {"period": encode_id(rw.q2.pk)},
    )
    assert response.status_code == 403
    assert ProgressReport.objects.count() == 1


def test_others_get_a_404(rw, login):
    url, _ = _url(rw.world)
    for user in (rw.world.other_provider.user, rw.world.teacher, rw.world.para):
        assert login(user).get(url).status_code == 404

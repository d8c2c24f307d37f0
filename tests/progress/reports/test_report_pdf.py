"""One report as a PDF (progress:report_pdf): it renders, its text says the goal, the
code in the district's words, the minutes delivered against mandated and missed by
reason, the signature; a signed one stays as signed after the record changes, and says
that the data changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.progress.models import ProgressCode
from pushin.progress.reports.pdf import CHANGED_WORDS, DRAFT_WORDS
from pushin.progress.reports.services import progress_code_words_set
from pushin.sessions.services import data_point_undo
from tests.progress.reports.helpers import (
    DELIVERED,
    MANDATED,
    drafted,
    missed_sessions,
    report_world,
    signed,
)
from tests.workload.pdf_text import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(world):
    missed_sessions(world)
    return report_world(world)


def _pdf(client, report):
    response = client.get(reverse("progress:report_pdf", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    return response


def test_the_pdf_says_the_goal_code_minutes_and_signature(rw, login):
    progress_code_words_set(
        actor=rw.world.admin,
        district=rw.world.district,
        words={ProgressCode.SUFFICIENT: "Making progress"},
    )
    report = signed(rw)
    response = _pdf(login(rw.world.provider.user), report)
    assert response["Content-Disposition"] == (
        'attachment; filename="progress-report-20261109-r1.pdf"'
    )
    text = pdf_text(response.content)
    for words in [
        "Progress report: Avery Sample",
        "Occupational therapy, Q2: Nov 9, 2026 to Jan 29, 2027; data through Dec 2, 2026.",
        "Goal 1: Handwriting / visual-motor",
        "Student S-0001, Grade 2, Room 2A",  # the grade in words, not its id
        "Writes a sentence with letters on the line.",
        "Progress: Making progress",
        f"Mandated {MANDATED}",
        f"Delivered (55%) {DELIVERED}",
        "Missed 60",
        "Provider absent 30",
        "Student absent 30",
        "Mandate in force on Dec 2, 2026: 60 min/week.",
        "Signed by Provider Tester on Dec 2, 2026 at 12:00.",
    ]:
        assert words in text, words
    assert "Sufficient progress" not in text
    assert b"/Subtype /Image" in response.content  # the goal's graph
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert (export.student_id, export.detail) == (
        rw.world.student.pk,
        {"page": "progress_report_pdf"},
    )


def test_a_draft_pdf_says_it_is_a_draft(rw, login):
    text = pdf_text(_pdf(login(rw.world.provider.user), drafted(rw)).content)
    assert DRAFT_WORDS[:30] in text
    assert "Not signed yet. Signature:" in text
    assert "Progress: Sufficient progress" in text


def test_a_signed_pdf_is_unchanged_by_an_amendment_and_says_the_data_changed(rw, login):
    report = signed(rw)
    client = login(rw.world.provider.user)
    before = pdf_text(_pdf(client, report).content)
    assert "Data changed after signing" not in before
    data_point_undo(
        actor=rw.world.provider.user, record=rw.records[-1], reason="Mis-tap on the sheet."
    )
    after = pdf_text(_pdf(client, report).content)
    assert "Data changed after signing" in after
    # Everything else is as signed: the banner aside, the same text.
    assert CHANGED_WORDS in after
    assert after.replace(CHANGED_WORDS + " ", "") == before

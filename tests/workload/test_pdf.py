"""The workload report as a PDF: it renders, says the totals, and names no student."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from tests.workload.pdf_text import pdf_text
from tests.workload.record import CONTRACTED, DIRECT, END, START, TOTAL, TRAVEL, known_record

pytestmark = pytest.mark.django_db


def test_the_pdf_carries_the_totals_and_no_student(world, login):
    known_record(world)
    response = login(world.admin).get(
        reverse("workload:report_pdf", args=[world.provider.pk]),
        {"period": "custom", "start": START.isoformat(), "end": END.isoformat()},
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    name = "workload-20261123-20261202.pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    body = response.content
    assert body.startswith(b"%PDF")
    text = pdf_text(body)
    assert "Workload report: Provider Tester" in text
    for words in [
        f"Direct service {DIRECT} 3 h 30 min",
        f"Travel between schools {TRAVEL} 30 min",
        "Indirect time 135 2 h 15 min",
        f"Total {TOTAL}",
        f"Contracted for these school days {CONTRACTED}",
        f"+{TOTAL - CONTRACTED}",
        "Group, pull-out 1 30",
        "Documentation 2 90",
        "1 session not logged yet: not counted.",
    ]:
        assert words in text, words
    assert "Avery" not in text
    assert "Sample" not in text
    assert "S-0001" not in text
    export = AuditEntry.objects.get(action=AuditAction.EXPORT)
    assert (export.actor, export.object_type) == (world.admin, "district.provider")
    assert export.detail == {"page": "workload_pdf", "start": "2026-11-23", "end": "2026-12-02"}

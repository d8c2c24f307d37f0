"""The demo district's workload: a term of indirect time beside the imported minutes, so
the report and the director's page show something the day the demo is loaded."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.demo.district import demo_district_load
from pushin.district.models import Provider
from pushin.workload.models import IndirectTime
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


def test_the_demo_reports_a_term_of_work(login):
    summary = demo_district_load(size="small")
    provider = Provider.objects.get(district_id=summary.district_id)
    entries = IndirectTime.objects.filter(provider=provider)
    assert entries.count() > 100
    assert set(entries.values_list("kind", flat=True)) >= {"documentation", "meetings"}
    assert not entries.filter(date__gte=TODAY).exists()  # nothing ahead, nor today yet

    client = login(provider.user)
    report = client.get(reverse("workload:report", args=[provider.pk]), {"period": "term"})
    figures = report.context["figures"]
    assert report.status_code == 200
    assert figures.indirect > 0
    assert figures.direct > 0  # the minutes imported from before the records start
    assert any(line.grouping == "Imported" for line in figures.direct_lines)
    pdf = client.get(reverse("workload:report_pdf", args=[provider.pk]), {"period": "term"})
    assert pdf.content.startswith(b"%PDF")

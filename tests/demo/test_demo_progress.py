"""The demo's data points: a term of them, on the imported sessions only, so goal graphs
show a course; consistent with the records start (nothing logged on a session to come)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.models import User
from pushin.caseload.models import Goal
from pushin.demo.district import DemoSummary
from pushin.district.models import District
from pushin.progress.selectors import goals_series
from pushin.progress.series import MASTERED, NOT_YET
from pushin.sessions.models import DataPoint
from tests.conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(small_demo: DemoSummary) -> District:
    return District.objects.get(pk=small_demo.district_id)


def test_data_only_on_imported_delivered_sessions_before_the_records_start(small):
    points = DataPoint.objects.filter(record__session__provider__district=small)
    assert points.count() > 2000
    assert not points.exclude(record__session__is_imported=True).exists()
    assert not points.exclude(record__attendance="delivered").exists()
    assert not points.filter(record__session__date__gte=small.records_start).exists()
    # Entered with the imported minutes, by the session's provider, at the signatures' time.
    when = timezone.make_aware(dt.datetime.combine(TODAY, dt.time(7)))
    assert set(points.values_list("recorded_at", flat=True)) == {when}
    assert not points.exclude(recorded_by=F("record__session__provider__user")).exists()
    # Every point is for a goal of its own student, on a day that goal's IEP is in force.
    assert not points.exclude(goal__iep__student=F("record__student")).exists()
    assert not points.filter(record__session__date__lt=F("goal__iep__start")).exists()


def test_the_graphs_show_a_course(small):
    goals = list(Goal.objects.filter(iep__student__district=small).select_related("iep"))
    series = goals_series(goals)
    kinds = Counter(DataPoint.objects.filter(goal__in=goals).values_list("kind", flat=True))
    assert set(kinds) >= {"trial", "prompt", "rubric", "duration", "frequency"}
    with_data = [s for s in series.values() if len(s.sessions) >= 5]
    assert len(with_data) > len(goals) // 2
    statuses = Counter(s.mastery.status for s in series.values())
    assert statuses[MASTERED] >= 3  # some goals ahead of their aim line ...
    assert statuses[NOT_YET] >= 10  # ... most still on their way
    assert sum(1 for s in with_data if s.trend is not None and s.aim is not None) > 20


def test_the_demo_provider_opens_a_students_progress(small, client):
    provider = User.objects.get(district=small, role="provider")
    goal = (
        Goal.objects.filter(iep__student__district=small, data_points__isnull=False)
        .order_by("pk")
        .first()
    )
    assert goal is not None
    client.force_login(provider, backend="django.contrib.auth.backends.ModelBackend")
    html = client.get(reverse("progress:student", args=[goal.iep.student_id])).content.decode()
    assert "<svg" in html
    assert "sessions with data from" in html
    student_page = client.get(reverse("caseload:student", args=[goal.iep.student_id]))
    assert "imported" in student_page.content.decode()  # the history shows the term

"""Workload totals equal the sum of the logs: a known record (tests/workload/record.py),
every total checked, from the selector and on the page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.workload.selectors import PeriodKey, period_of, provider_figures, workload_report
from tests.workload.record import (
    CONTRACTED,
    DIRECT,
    DIRECT_LINES,
    END,
    INDIRECT,
    SCHOOL_DAYS,
    START,
    STUDENT_MINUTES,
    TOTAL,
    TRAVEL,
    known_record,
)

pytestmark = pytest.mark.django_db


def test_every_total_is_the_sum_of_the_logs(world):
    known_record(world)
    f = provider_figures(world.provider, start=START, through=END)

    assert [(x.grouping, x.delivery, x.sessions, x.minutes) for x in f.direct_lines] == DIRECT_LINES
    assert f.direct == DIRECT == sum(x.minutes for x in f.direct_lines)
    assert (f.travel, f.drives, f.drives_unknown) == (TRAVEL, 3, 1)
    assert {x.kind: x.minutes for x in f.kind_lines if x.minutes} == INDIRECT
    assert {x.kind: x.entries for x in f.kind_lines if x.entries} == {
        "documentation": 2,
        "meetings": 1,
    }
    assert f.indirect == sum(INDIRECT.values())
    assert f.total == TOTAL == f.direct + f.travel + f.indirect
    assert (f.school_days, f.contracted) == (SCHOOL_DAYS, CONTRACTED)
    assert f.difference == TOTAL - CONTRACTED > 0
    assert f.over_contract
    assert (f.not_logged, f.nobody_seen) == (1, 1)
    assert f.student_minutes == STUDENT_MINUTES


def test_the_weeks_add_up_to_the_totals(world):
    known_record(world)
    f = provider_figures(world.provider, start=START, through=END)

    rows = [
        (w.monday, w.school_days, w.contracted, w.direct, w.travel, w.indirect) for w in f.weeks
    ]
    assert rows == [
        (dt.date(2026, 11, 23), 5, 200, 30 + 30 + 20 + 30 + 40, 30, 60),
        (dt.date(2026, 11, 30), 3, 120, 30 + 30, 0, 75),
    ]
    assert sum(w.total for w in f.weeks) == f.total
    assert sum(w.contracted for w in f.weeks) == f.contracted


def test_a_period_past_today_is_counted_through_today(world):
    known_record(world)
    week = period_of(world.district, key=PeriodKey.WEEK, today=END)
    report = workload_report(world.provider, period=week)

    assert (week.start, week.end) == (dt.date(2026, 11, 30), dt.date(2026, 12, 4))
    assert week.through == END
    assert report.figures.school_days == 3  # Mon to Wed; Thursday and Friday have not happened
    assert report.figures.direct == 60
    assert report.period_school_days == 5
    assert report.contracted_period == 200


def test_the_page_shows_the_same_totals(world, login):
    known_record(world)
    client = login(world.provider.user)
    response = client.get(
        reverse("workload:report", args=[world.provider.pk]),
        {"period": "custom", "start": START.isoformat(), "end": END.isoformat()},
    )

    assert response.status_code == 200
    f = response.context["figures"]
    assert (f.direct, f.travel, f.indirect, f.total) == (DIRECT, TRAVEL, 135, TOTAL)
    html = response.content.decode()
    for label, minutes in [
        ("Direct service", DIRECT),
        ("Travel between schools", TRAVEL),
        ("Indirect time", 135),
        ("Total", TOTAL),
    ]:
        assert f'<th scope="row">{label}</th><td>{minutes}</td>' in html
    assert f"over by {TOTAL - CONTRACTED} min" in html
    assert 'id="workload-weeks" class="chart" role="img"' in html  # the chart, with
    assert '<title id="workload-weeks-title">Hours per school week' in html  # its words
    assert "1 session not logged yet" in html
    assert "1 drive between schools without a travel time" in html


def test_a_period_that_cannot_be_counted_is_a_400_saying_why(world, login):
    client = login(world.provider.user)
    url = reverse("workload:report", args=[world.provider.pk])
    for query, words in [
        ({"period": "custom", "start": "2026-12-01", "end": "2026-11-01"}, "before the first"),
        ({"period": "custom", "start": "2026-12-03", "end": "2026-12-04"}, "starts after today"),
        ({"period": "custom", "start": "2026-12-01"}, "needs a first and a last day"),
        ({"period": "decade"}, "Period: Select a valid choice"),
    ]:
        response = client.get(url, query)
        assert response.status_code == 400, query
        assert words in response.content.decode(), query

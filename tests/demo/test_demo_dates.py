"""The demo follows the real date: its school year, closures, IEPs and reviews, its
records start and the minutes imported from before it are placed relative to today."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from pushin.accounts.models import User
from pushin.caseload.models import IEP, Student
from pushin.demo import names
from pushin.demo.district import demo_dates, demo_district_load
from pushin.district.models import Closure, District, ProgressPeriod
from pushin.sessions.compliance import district_compliance
from pushin.sessions.models import DatedSession, SessionStatus, SessionStudent
from tests.conftest import TODAY

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("today", "year", "records_start"),
    [
        # In the school year: the year containing today, records from today.
        (dt.date(2026, 9, 15), (dt.date(2026, 8, 31), dt.date(2027, 6, 18)), dt.date(2026, 9, 15)),
        (dt.date(2027, 3, 10), (dt.date(2026, 8, 31), dt.date(2027, 6, 18)), dt.date(2027, 3, 10)),
        # A Saturday, Thanksgiving and the last day of winter break: the next school day.
        (TODAY + dt.timedelta(days=3), (dt.date(2026, 8, 31), dt.date(2027, 6, 18)),
         dt.date(2026, 12, 7)),
        (dt.date(2026, 11, 26), (dt.date(2026, 8, 31), dt.date(2027, 6, 18)),
         dt.date(2026, 11, 30)),
        (dt.date(2027, 1, 1), (dt.date(2026, 8, 31), dt.date(2027, 6, 18)), dt.date(2027, 1, 4)),
        # After the year's last day, in July and early August: the coming year.
        (dt.date(2027, 6, 25), (dt.date(2027, 8, 30), dt.date(2028, 6, 16)), dt.date(2027, 8, 30)),
        (dt.date(2027, 7, 15), (dt.date(2027, 8, 30), dt.date(2028, 6, 16)), dt.date(2027, 8, 30)),
        (dt.date(2031, 8, 11), (dt.date(2031, 8, 25), dt.date(2032, 6, 18)), dt.date(2031, 8, 25)),
        # Labor Day on September 1st: the year starts in August.
        (dt.date(2031, 10, 1), (dt.date(2031, 8, 25), dt.date(2032, 6, 18)), dt.date(2031, 10, 1)),
    ],
)  # fmt: skip
def test_the_school_year_contains_today_or_comes_next(today, year, records_start) -> None:
    dates = demo_dates(today)
    assert (dates.year_start, dates.year_end) == year
    assert (dates.year_start.weekday(), dates.year_end.weekday()) == (0, 4)  # Monday, Friday
    assert dates.records_start == records_start
    assert dates.is_school_day(dates.records_start)


def test_the_real_date_is_the_default(time_machine) -> None:
    time_machine.move_to(dt.datetime(2029, 2, 14, 9, 0, tzinfo=NEW_YORK), tick=False)
    assert demo_dates().today == dt.date(2029, 2, 14)
    assert demo_dates().year_start == dt.date(2028, 8, 28)  # Labor Day 2028: September 4


@pytest.mark.django_db
@pytest.mark.parametrize("when", [dt.datetime(2027, 3, 10, 12), dt.datetime(2031, 10, 1, 12)])
def test_the_demo_is_set_around_today(time_machine, login, when: dt.datetime) -> None:
    time_machine.move_to(when.replace(tzinfo=NEW_YORK), tick=False)
    today = when.date()
    district = District.objects.get(pk=demo_district_load(size="small").district_id)
    dates = demo_dates(today)
    assert (district.school_year_start, district.school_year_end) == (
        dates.year_start,
        dates.year_end,
    )
    assert district.school_year_start <= today <= district.school_year_end
    assert district.records_start == today  # a Wednesday in both years

    closures = {c.name: c for c in Closure.objects.filter(district=district)}
    labor_day = closures["Labor Day"].start
    assert (labor_day.year, labor_day.month, labor_day.weekday()) == (
        dates.year_start.year,
        9,
        0,
    )
    assert labor_day.day <= 7
    for closure in closures.values():
        assert dates.year_start <= closure.start <= closure.end <= dates.year_end
    periods = list(ProgressPeriod.objects.filter(district=district))
    assert (periods[0].start, periods[-1].end) == (dates.year_start, dates.year_end)

    # Every IEP is in force today with a mandate; reviews are ahead, a few within 30 days.
    students = Student.objects.filter(district=district).prefetch_related(
        "ieps__services__versions"
    )
    for student in students:
        (iep,) = student.ieps.all()
        assert iep.is_in_force(today), student.ref
        assert iep.services.all()[0].version_on(today) is not None
    reviews = list(
        IEP.objects.filter(student__district=district).values_list("annual_review", flat=True)
    )
    assert min(reviews) > today
    assert 1 <= sum(day <= today + dt.timedelta(days=30) for day in reviews) < len(reviews) / 2
    assert max(reviews) > today + dt.timedelta(days=150)

    # Minutes delivered since the year started, imported: before the records start, on
    # school days, signed, inside each student's IEP.
    sessions = DatedSession.objects.filter(provider__district=district)
    assert sessions.exists()
    assert not sessions.exclude(is_imported=True).exists()
    assert not sessions.exclude(status=SessionStatus.SIGNED).exists()
    closed = [(c.start, c.end) for c in closures.values()]
    for date in set(sessions.values_list("date", flat=True)):
        assert dates.year_start <= date < district.records_start
        assert date.weekday() < 5
        assert not any(a <= date <= b for a, b in closed)
    records = SessionStudent.objects.filter(session__provider__district=district)
    assert records.count() == sessions.count()
    assert set(records.values_list("attendance", flat=True)) == {"delivered"}

    # The minutes pages open with the imported minutes and without a wall of lapse alerts.
    data = district_compliance(district=district, today=today)
    summary = data.district
    assert summary.students == 79  # 72 K-5, 7 older (issue 14)
    weeks = (today - dates.year_start).days // 7
    assert summary.imported > 79 * weeks * 20  # most of at least 20 minutes a week
    assert len(summary.lapses) < summary.students
    assert summary.lapses == []
    assert (summary.owed, summary.unscheduled) == (0, 0)
    admin = User.objects.get(username=names.PERSONAS["small"]["admin"].username)
    page = login(admin).get(reverse("minutes:district")).content.decode()
    assert f"<dt>Imported</dt><dd>{summary.imported} " in page
    assert f"{today:%b} {today.day}, {today.year}" in page  # the records start

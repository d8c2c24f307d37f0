"""The ledger before and after a records start, with exact numbers (pure functions), and
which records start a student's service line gets (database)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from pushin.caseload.models import Student
from pushin.district.models import Provider
from pushin.sessions.ledger import (
    WEEK,
    RecordRow,
    ServiceRow,
    load_ledgers,
    records_starts,
    service_ledger,
)
from pushin.vocabulary import MissReason
from tests.factories import World, make_provider
from tests.sessions.ledger_world import session_with
from tests.sessions.test_ledger import OWED, YEAR, d, rec, weekly

FOUR_WEEKS_LATER = d(27)
THIRD_MONDAY = d(21)


def service(records_start: dt.date | None, *, end: dt.date = FOUR_WEEKS_LATER) -> ServiceRow:
    """A 60-minute weekly OT service over four weeks from Monday d(0)."""
    return ServiceRow(
        pk=1,
        student_id=1,
        discipline="OT",
        iep_pk=1,
        iep_start=d(0),
        iep_end=end,
        versions=(weekly(60),),
        records_start=records_start,
    )


def ledger(svc: ServiceRow, records=(), today: dt.date = THIRD_MONDAY):
    return service_ledger(svc, list(records), calendar=YEAR, owed_reasons=OWED, today=today)


def imported(date: dt.date, minutes: int = 30) -> RecordRow:
    return dataclasses.replace(rec(date, minutes=minutes), is_imported=True)


def parts(period) -> tuple[int, ...]:
    return (
        period.mandated,
        period.delivered_counted,
        period.missed,
        period.awaiting_log,
        period.unscheduled_elapsed,
        period.not_yet_due,
    )


def test_without_a_records_start_every_school_day_is_mandated() -> None:
    weeks = ledger(service(None)).periods
    assert [parts(p) for p in weeks[:3]] == [(60, 0, 0, 0, 60, 0)] * 3
    assert ledger(service(None)).behind == 180


def test_weeks_before_the_records_start_owe_nothing_and_a_straddling_week_owes_pro_rata() -> None:
    # Records start Wednesday of the second week: week 1 owes 0, week 2 owes 60 * 3/5.
    result = ledger(service(d(9)))
    first, second, third, fourth = result.periods
    assert parts(first) == (0, 0, 0, 0, 0, 0)
    assert (first.school_days, first.unrecorded_days) == (0, 5)
    assert parts(second) == (36, 0, 0, 0, 36, 0)
    assert (second.school_days, second.unrecorded_days) == (3, 2)
    assert second.shares[0].rounded == 36
    assert parts(third) == (60, 0, 0, 0, 60, 0)
    # Today is Monday of week 4: its first day has not passed yet.
    assert (fourth.mandated, fourth.mandated_elapsed, fourth.rest_of_period) == (60, 0, 60)
    assert result.behind == 96
    assert result.mandated_to_date == 96


def test_imported_minutes_count_as_delivered_where_they_fall() -> None:
    # Week 1 (wholly before the start): delivered, beyond its zero mandate.
    # Week 2 (start on Wednesday): Monday's imported 30 count towards its 36.
    records = [imported(d(0)), imported(d(3)), imported(d(7))]
    result = ledger(service(d(9)), records)
    first, second = result.periods[:2]
    assert (first.delivered, first.delivered_counted, first.delivered_beyond) == (60, 0, 60)
    assert (first.imported, second.imported) == (60, 30)
    assert parts(second) == (36, 30, 0, 0, 6, 0)
    assert result.imported == 90
    assert result.credited_to_date == 30
    assert result.last_delivered == d(7)


def test_misses_and_unlogged_sessions_before_the_records_start_count_nowhere() -> None:
    records = [
        rec(d(7), MissReason.PROVIDER_ABSENT),  # Monday of week 2, before the start
        rec(d(8), ""),  # Tuesday, never logged
        rec(d(10), MissReason.PROVIDER_ABSENT),  # Thursday, after the start
    ]
    second = ledger(service(d(9)), records).periods[1]
    assert parts(second) == (36, 0, 30, 0, 6, 0)
    assert second.missed_beyond == 30  # Monday's miss: owed by nobody
    assert second.owed == 30  # Thursday's
    assert [line.record.date for line in second.misses] == [d(10)]


def test_the_identity_holds_in_every_row_around_the_records_start() -> None:
    records = [imported(d(0)), rec(d(7), MissReason.PROVIDER_CONFLICT), rec(d(9)), rec(d(15), "")]
    for start in (None, d(-3), d(2), d(9), d(14), d(25), d(40)):
        for today in (d(1), d(9), d(16), d(30)):
            for period in ledger(service(start), records, today=today).periods:
                assert period.mandated == sum(parts(period)[1:]), (start, today, period)


def test_a_records_start_after_today_mandates_nothing_yet_elapsed() -> None:
    result = ledger(service(d(14)), today=d(9))
    assert result.mandated_to_date == 0
    assert result.behind == 0
    assert [p.mandated for p in result.periods] == [0, 0, 60, 60]


def test_lapse_days_count_from_the_records_start() -> None:
    svc = service(d(7), end=d(60))
    # Imported Monday d(0); on Tuesday d(16) 11 school days have passed since, but only
    # 7 since the records start (Mon d(7) .. Tue d(15)).
    assert ledger(service(None, end=d(60)), [imported(d(0))], today=d(16)).lapsed
    at_start = ledger(svc, [imported(d(0))], today=d(16))
    assert (at_start.lapse_days, at_start.lapsed) == (7, False)
    # Nothing ever delivered: counted from the records start, not the mandate start.
    assert ledger(svc, [], today=d(16)).lapse_days == 7
    assert ledger(svc, [], today=d(22)).lapse_days == 11
    assert ledger(svc, [], today=d(22)).lapsed
    # A session delivered after the records start counts from itself.
    assert ledger(svc, [rec(d(14))], today=d(16)).lapse_days == 1


def test_a_records_start_before_the_iep_changes_nothing() -> None:
    records = [rec(d(0)), rec(d(8), MissReason.PROVIDER_ABSENT), rec(d(16), "")]
    before = ledger(service(None), records)
    after = ledger(service(d(-30)), records)
    assert [parts(p) for p in before.periods] == [parts(p) for p in after.periods]
    assert (before.owed, before.lapse_days) == (after.owed, after.lapse_days)


def test_weekly_kind_is_kept_for_rows_before_the_records_start() -> None:
    assert [p.kind for p in ledger(service(d(21))).periods] == [WEEK] * 4


# --- Which records start a service line gets ------------------------------------------------


@pytest.mark.django_db
def test_a_providers_records_start_overrides_the_districts(world: World) -> None:
    district, student = world.district, world.student
    assert records_starts([student.pk], district) == {(student.pk, "OT"): None}
    district.records_start = dt.date(2026, 11, 2)
    district.save()
    assert records_starts([student.pk], district) == {(student.pk, "OT"): dt.date(2026, 11, 2)}
    Provider.objects.filter(pk=world.provider.pk).update(records_start=dt.date(2026, 10, 5))
    assert records_starts([student.pk], district) == {(student.pk, "OT"): dt.date(2026, 10, 5)}
    # A second OT-family provider (a COTA) starting later: the latest start counts.
    cota = make_provider("cota", district, discipline="COTA")
    cota.supervisor = world.provider
    cota.records_start = dt.date(2026, 11, 16)
    cota.save()
    student.providers.add(cota)
    assert records_starts([student.pk], district) == {(student.pk, "OT"): dt.date(2026, 11, 16)}


@pytest.mark.django_db
def test_load_ledgers_applies_the_records_start_and_marks_imported_minutes(world: World) -> None:
    district, student = world.district, world.student
    today = dt.date(2026, 11, 18)  # Wednesday
    records = session_with(
        provider=world.provider, students=[student], date=dt.date(2026, 11, 2)
    )  # Monday, 30 minutes
    records[0].session.is_imported = True
    records[0].session.save()
    full = load_ledgers(district=district, students=[student.pk], today=today)
    week = full.ledgers[student.pk].services[0].periods
    by_start = {p.start: p for p in week}
    assert by_start[dt.date(2026, 11, 2)].unscheduled_elapsed == 30  # 60 a week, 30 delivered

    district.records_start = dt.date(2026, 11, 11)  # Wednesday of the second week
    district.save()
    started = load_ledgers(district=district, students=[student.pk], today=today)
    ledger_ = started.ledgers[student.pk].services[0]
    periods = {p.start: p for p in ledger_.periods}
    assert ledger_.service.records_start == dt.date(2026, 11, 11)
    first = periods[dt.date(2026, 11, 2)]
    assert (first.mandated, first.delivered, first.imported, first.unscheduled_elapsed) == (
        0,
        30,
        30,
        0,
    )
    assert periods[dt.date(2026, 11, 9)].mandated == 36
    assert periods[dt.date(2026, 11, 9)].unscheduled_elapsed == 36
    assert periods[dt.date(2026, 11, 16)].mandated_elapsed == 24  # Monday and Tuesday
    assert ledger_.behind == 60
    assert ledger_.lapse_days == 5  # Wed 11 .. Tue 17
    assert Student.objects.get(pk=student.pk).district.records_start == dt.date(2026, 11, 11)

"""The ledger's rules, one example each (pure functions, no database)."""

from __future__ import annotations

import datetime as dt

import pytest

from pushin.sessions.ledger import (
    IEP_PERIOD,
    MONTH,
    NONE,
    UNSPECIFIED,
    WEEK,
    RecordRow,
    SchoolCalendar,
    ServiceRow,
    VersionRow,
    age_bucket,
    service_ledger,
    student_ledger,
)
from pushin.vocabulary import MissReason

YEAR = SchoolCalendar(dt.date(2026, 8, 31), dt.date(2027, 6, 18))
MON = dt.date(2026, 11, 2)  # a week without closures
OWED = {MissReason.PROVIDER_ABSENT, MissReason.PROVIDER_CONFLICT}


def d(offset: int) -> dt.date:
    return MON + dt.timedelta(days=offset)


TWO_WEEKS_LATER = d(13)
THREE_WEEKS_LATER = d(20)


def service(
    *versions: VersionRow, start: dt.date = MON, end: dt.date = TWO_WEEKS_LATER
) -> ServiceRow:
    return ServiceRow(
        pk=1,
        student_id=1,
        discipline="OT",
        iep_pk=1,
        iep_start=start,
        iep_end=end,
        versions=versions,
    )


def weekly(minutes: int = 60, since: dt.date = MON, pk: int = 1, session: int = 30) -> VersionRow:
    return VersionRow(pk, since, minutes, WEEK, session)


_pk = iter(range(1, 10_000))


def rec(
    date: dt.date,
    attendance: str = "delivered",
    *,
    planned: int = 30,
    minutes: int | None = None,
    short: str = "",
    makeup_for: int | None = None,
    discipline: str = "OT",
    pk: int | None = 0,
) -> RecordRow:
    return RecordRow(
        pk=next(_pk) if pk == 0 else pk,
        student_id=1,
        date=date,
        start=dt.time(9),
        planned=planned,
        discipline=discipline,
        attendance=attendance,
        minutes_delivered=minutes if minutes is not None else (planned if attendance else None),
        short_reason=short,
        makeup_for=makeup_for,
    )


def ledger(svc, records=(), today=THREE_WEEKS_LATER, calendar=YEAR, owed=OWED):
    return service_ledger(svc, list(records), calendar=calendar, owed_reasons=owed, today=today)


def test_week_period_spans_monday_to_sunday_and_owes_the_weekly_minutes() -> None:
    result = ledger(service(weekly(60)))
    first, second = result.periods
    assert (first.kind, first.start, first.end) == (WEEK, d(0), d(6))
    assert (second.start, second.end) == (d(7), d(13))
    assert first.mandated == second.mandated == 60
    assert first.school_days == 5
    # Nothing was ever scheduled and both weeks are over: all of it is unscheduled.
    assert first.unscheduled_elapsed == 60
    assert result.behind == 120


def test_a_week_with_a_holiday_spreads_the_weekly_minutes_over_its_school_days() -> None:
    calendar = SchoolCalendar(YEAR.year_start, YEAR.year_end, ((d(3), d(4)),))  # Thu-Fri off
    result = ledger(service(weekly(60)), today=d(1), calendar=calendar)
    week = result.periods[0]
    assert week.school_days == 3
    assert week.mandated == 60
    assert week.mandated_elapsed == 20  # Monday's third of the week


def test_month_period_is_the_calendar_month_pro_rata_when_the_iep_starts_mid_month() -> None:
    # November 2026 has 21 school days; the IEP starts on Monday 16th: 11 of them remain.
    svc = service(VersionRow(1, d(14), 210, MONTH, 30), start=d(14), end=dt.date(2026, 12, 31))
    result = ledger(svc, today=d(14))
    november, december = result.periods
    assert (november.kind, november.start, november.end) == (MONTH, d(14), dt.date(2026, 11, 30))
    assert november.mandated == 110  # 210 * 11 / 21
    assert (december.start, december.end) == (dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert december.mandated == 210


def test_iep_period_is_one_row_over_the_iep_dates() -> None:
    svc = service(VersionRow(1, MON, 600, IEP_PERIOD, 30), end=d(27))
    (period,) = ledger(svc, today=d(14)).periods
    assert (period.kind, period.start, period.end) == (IEP_PERIOD, MON, d(27))
    assert period.mandated == 600
    assert period.mandated_elapsed == 300  # 10 of 20 school days


def test_a_mid_week_amendment_splits_the_week_pro_rata() -> None:
    svc = service(weekly(60, MON, pk=1), weekly(30, d(2), pk=2))
    week = ledger(svc).periods[0]
    assert week.mandated == 42  # 60 * 2/5 + 30 * 3/5
    assert [(s.version.pk, s.school_days, s.rounded) for s in week.shares] == [
        (1, 2, 24),
        (2, 3, 18),
    ]
    assert ledger(svc).periods[1].mandated == 30


def test_a_frequency_change_ends_one_period_and_starts_another() -> None:
    svc = service(
        weekly(60, MON, pk=1),
        VersionRow(2, d(2), 210, MONTH, 30),
        end=dt.date(2026, 11, 30),
    )
    periods = ledger(svc).periods
    assert [(p.kind, p.start, p.end) for p in periods] == [
        (WEEK, d(0), d(1)),
        (MONTH, d(2), dt.date(2026, 11, 30)),
    ]
    assert periods[0].mandated == 24  # two of five days of 60
    assert periods[1].mandated == 190  # 19 of November's 21 school days of 210


def test_days_before_the_first_version_have_no_mandate() -> None:
    svc = service(weekly(60, d(7)))
    first, second = ledger(svc).periods
    assert (first.kind, first.mandated, first.end) == (NONE, 0, d(6))
    assert second.mandated == 60


def test_waterfall_mid_week_with_the_rest_planned() -> None:
    monday, thursday = rec(d(0)), rec(d(3), "")
    week = ledger(service(weekly(60)), [monday, thursday], today=d(2)).periods[0]
    assert week.mandated_elapsed == 24
    assert (week.delivered_counted, week.planned_future, week.unscheduled_elapsed) == (30, 30, 0)
    assert week.not_yet_due == 30


def test_waterfall_mid_week_with_nothing_else_planned() -> None:
    week = ledger(service(weekly(60)), [rec(d(0))], today=d(2)).periods[0]
    # Monday and Tuesday (24 of the 60 minutes) have passed and 30 were delivered.
    assert week.delivered_counted == 30
    assert week.rest_of_period == 30  # Wed-Fri owe 36; only 30 are uncovered
    assert week.unscheduled_elapsed == 0
    later = ledger(service(weekly(60)), [rec(d(0))], today=d(4)).periods[0]
    assert (later.rest_of_period, later.unscheduled_elapsed) == (12, 18)


def test_past_sessions_nobody_logged_are_awaiting_log() -> None:
    week = ledger(service(weekly(60)), [rec(d(0), ""), rec(d(3), "")], today=d(2)).periods[0]
    assert (week.awaiting_log, week.planned_future, week.missed) == (30, 30, 0)


def test_owed_depends_on_the_reason_and_the_policy() -> None:
    records = [rec(d(0), MissReason.PROVIDER_ABSENT), rec(d(3), MissReason.STUDENT_ABSENT)]
    week = ledger(service(weekly(60)), records).periods[0]
    assert week.missed_by_reason == {
        MissReason.PROVIDER_ABSENT: 30,
        MissReason.STUDENT_ABSENT: 30,
    }
    assert week.owed == 30
    everything = ledger(service(weekly(60)), records, owed=set(MissReason.values)).periods[0]
    assert everything.owed == 60


def test_a_short_session_misses_its_missing_minutes_under_its_short_reason() -> None:
    short = rec(d(0), minutes=20, short=MissReason.PROVIDER_CONFLICT)
    no_reason = rec(d(1), minutes=25)
    week = ledger(service(weekly(60)), [short, no_reason]).periods[0]
    assert week.delivered_counted == 45
    assert week.missed_by_reason == {MissReason.PROVIDER_CONFLICT: 10, UNSPECIFIED: 5}
    assert week.owed == 10


def test_a_delivered_makeup_makes_up_and_does_not_count_twice() -> None:
    miss = rec(d(0), MissReason.PROVIDER_ABSENT)
    makeup = rec(d(8), makeup_for=miss.pk)
    result = ledger(service(weekly(60)), [miss, rec(d(3)), makeup])
    first, second = result.periods
    assert (first.missed, first.made_up, first.owed) == (30, 30, 0)
    assert (second.delivered, second.makeup_delivered, second.delivered_counted) == (30, 30, 0)
    assert result.total("delivered") == 60  # the makeup and Thursday's session


def test_a_missed_makeup_stays_owed_and_a_chained_makeup_makes_it_up() -> None:
    miss = rec(d(0), MissReason.PROVIDER_ABSENT)
    missed_makeup = rec(d(7), MissReason.PROVIDER_CONFLICT, makeup_for=miss.pk)
    week = ledger(service(weekly(30)), [miss, missed_makeup]).periods
    assert (week[0].owed, week[1].missed) == (30, 0)  # the missed makeup is no new miss
    second_try = rec(d(9), minutes=20, short=MissReason.STUDENT_ABSENT, makeup_for=missed_makeup.pk)
    result = ledger(service(weekly(30)), [miss, missed_makeup, second_try])
    assert (result.periods[0].made_up, result.periods[0].owed) == (20, 10)


def test_a_planned_makeup_is_counted_as_planned_not_made_up() -> None:
    miss = rec(d(0), MissReason.PROVIDER_ABSENT)
    planned = rec(d(8), "", makeup_for=miss.pk)
    line = ledger(service(weekly(60)), [miss, planned], today=d(7)).misses[0]
    assert (line.owed, line.makeup_planned, line.to_plan) == (30, 30, 0)


def test_delivered_beyond_the_mandate_is_shown_and_a_miss_beyond_it_is_not_owed() -> None:
    records = [rec(d(0)), rec(d(1)), rec(d(2)), rec(d(3), MissReason.PROVIDER_ABSENT)]
    week = ledger(service(weekly(60)), records).periods[0]
    assert (week.delivered_counted, week.delivered_beyond) == (60, 30)
    assert (week.missed, week.missed_beyond, week.owed) == (0, 30, 0)


def test_group_records_count_fully_for_each_student() -> None:
    # Two students in one 30-minute session: each student's ledger has the 30 minutes.
    for student in (1, 2):
        row = RecordRow(
            pk=student, student_id=student, date=d(0), start=dt.time(9), planned=30,
            discipline="OT", attendance="delivered", minutes_delivered=30, session_id=7,
        )  # fmt: skip
        svc = service(weekly(60))
        assert ledger(svc, [row]).periods[0].delivered_counted == 30


def test_records_of_another_discipline_or_outside_the_iep_are_kept_apart() -> None:
    records = [rec(d(0)), rec(d(1), discipline="PT"), rec(d(30)), rec(d(2), discipline="COTA")]
    result = student_ledger(
        1, [service(weekly(60))], records, calendar=YEAR, owed_reasons=OWED, today=d(20)
    )
    assert result.services[0].periods[0].delivered == 60  # the OT's and the COTA's
    assert [r.pk for r in result.unassigned] == [records[1].pk, records[2].pk]
    assert result.delivered == 120


@pytest.mark.parametrize(
    ("age", "bucket"), [(0, "0-10"), (10, "0-10"), (11, "11-20"), (20, "11-20"), (21, "21+")]
)
def test_age_buckets(age: int, bucket: str) -> None:
    assert age_bucket(age) == bucket


def test_owed_minutes_age_by_school_days_since_the_miss() -> None:
    miss = rec(d(0), MissReason.PROVIDER_ABSENT)
    svc = service(weekly(30), end=d(60))
    assert ledger(svc, [miss], today=d(14)).misses[0].age == 10  # Tue..Fri, Mon..Fri, Mon
    assert ledger(svc, [miss], today=d(14)).owed_by_age() == {"0-10": 30, "11-20": 0, "21+": 0}
    assert ledger(svc, [miss], today=d(15)).owed_by_age() == {"0-10": 0, "11-20": 30, "21+": 0}


def test_lapse_counts_completed_school_days_without_a_delivered_session() -> None:
    svc = service(weekly(30), end=d(60))
    delivered = rec(d(0))
    # Monday delivered; two weeks later on Tuesday, Tue..Fri + Mon..Fri + Mon = 10 days.
    at_ten = ledger(svc, [delivered], today=d(15))
    assert (at_ten.lapse_days, at_ten.lapsed) == (10, False)
    at_eleven = ledger(svc, [delivered], today=d(16))
    assert (at_eleven.lapse_days, at_eleven.lapsed) == (11, True)
    # A miss is no delivered session; a makeup delivered is.
    with_miss = ledger(svc, [delivered, rec(d(8), MissReason.PROVIDER_ABSENT)], today=d(16))
    assert with_miss.lapsed
    assert not ledger(svc, [delivered, rec(d(8))], today=d(16)).lapsed


def test_lapse_ignores_holidays_and_mandates_with_rarer_sessions() -> None:
    calendar = SchoolCalendar(YEAR.year_start, YEAR.year_end, ((d(7), d(11)),))  # a week off
    svc = service(weekly(30), end=d(60))
    assert ledger(svc, [rec(d(0))], today=d(16), calendar=calendar).lapse_days == 6
    monthly = service(VersionRow(1, MON, 30, MONTH, 30), end=d(60))
    assert ledger(monthly, [rec(d(0))], today=d(30)).lapse_days is None
    # Twice a month is a session every ~11 school days: no alert; three times a month is.
    twice = service(VersionRow(1, MON, 60, MONTH, 30), end=d(60))
    assert ledger(twice, [rec(d(0))], today=d(30)).lapse_days is None
    thrice = service(VersionRow(1, MON, 90, MONTH, 30), end=d(60))
    assert ledger(thrice, [rec(d(0))], today=d(30)).lapse_days == 21


def test_no_session_at_all_lapses_from_the_mandate_start() -> None:
    svc = service(weekly(30), end=d(60))
    assert ledger(svc, [], today=d(14)).lapse_days == 10
    assert ledger(svc, [], today=d(15)).lapsed

"""Property tests of the minutes ledger (pure functions, no database).

Random calendars (closures), IEPs, mandate versions (amendments mid-period, frequency
changes), session records (delivered, cut short, missed for any reason, not logged,
future, imported), makeups (some of them missed, some chained), other disciplines and
dates outside the IEP, owed policies, "today"s and records starts (none, before, inside
or after the IEP), whole-class lessons (counting toward the mandate or not). For every
period the minutes add up, no logged minute is lost or counted twice, lesson minutes are
credited only where the service allows them, and nothing before the records start is
mandated, owed, never scheduled or awaiting log.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushin.sessions.ledger import (
    AGE_BUCKETS,
    IEP_PERIOD,
    MONTH,
    WEEK,
    RecordRow,
    SchoolCalendar,
    ServiceLedger,
    ServiceRow,
    StudentLedger,
    VersionRow,
    _period_key,
    _period_span,
    _periods,
    round_half_up,
    student_ledger,
)
from pushin.vocabulary import MissReason

YEAR_START = dt.date(2026, 9, 1)  # a Tuesday: the first week is short
YEAR_END = dt.date(2027, 1, 29)
REASONS = list(MissReason.values)
SETTINGS = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def day(offset: int) -> dt.date:
    return YEAR_START + dt.timedelta(days=offset)


@st.composite
def calendars(draw: st.DrawFn) -> SchoolCalendar:
    closures = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, 140))
        closures.append((day(start), day(start + draw(st.integers(0, 6)))))
    return SchoolCalendar(YEAR_START, YEAR_END, tuple(closures))


@st.composite
def services(draw: st.DrawFn) -> ServiceRow:
    start = draw(st.integers(-5, 20))
    length = draw(st.integers(20, 110))
    first = draw(st.integers(0, 8))
    amendments = draw(st.lists(st.integers(1, length), max_size=3, unique=True))
    versions = []
    for pk, offset in enumerate([first, *sorted(amendments)], start=1):
        session = draw(st.sampled_from([15, 20, 30, 45]))
        versions.append(
            VersionRow(
                pk=pk,
                effective_from=day(start + offset),
                minutes=draw(st.integers(1, 8)) * session,
                frequency=draw(st.sampled_from([WEEK, WEEK, MONTH, IEP_PERIOD])),
                session_minutes=session,
            )
        )
    records_start = draw(st.none() | st.integers(-10, 160).map(day))
    lessons_count = draw(st.booleans())
    return ServiceRow(
        pk=1,
        student_id=1,
        discipline="OT",
        iep_pk=1,
        iep_start=day(start),
        iep_end=day(start + length),
        versions=tuple(versions),
        records_start=records_start,
        lessons_count=lessons_count,
    )


@st.composite
def records(draw: st.DrawFn, service: ServiceRow) -> list[RecordRow]:
    span = (service.iep_end - service.iep_start).days
    rows: list[RecordRow] = []
    for pk in range(1, draw(st.integers(0, 30)) + 1):
        offset = draw(st.integers(-3, span + 3))  # a few outside the IEP
        planned = draw(st.sampled_from([15, 20, 30, 45]))
        state = draw(st.sampled_from(["delivered", "short", "miss", "miss", "unlogged"]))
        attendance, minutes, short = "", None, ""
        if state == "delivered":
            attendance, minutes = "delivered", draw(st.sampled_from([planned, planned, None]))
        elif state == "short":
            attendance = "delivered"
            minutes = draw(st.integers(0, planned - 1))
            short = draw(st.sampled_from(["", *REASONS]))
        elif state == "miss":
            attendance = draw(st.sampled_from(REASONS))
        makeup_for = None
        if rows and draw(st.integers(0, 3)) == 0:
            makeup_for = draw(st.sampled_from([r.pk for r in rows]))
        # Minutes delivered before adoption, imported: delivered, never a makeup.
        imported = state == "delivered" and makeup_for is None and draw(st.booleans())
        # A whole-class lesson: never a makeup nor imported, in any state.
        lesson = makeup_for is None and not imported and draw(st.integers(0, 3)) == 0
        rows.append(
            RecordRow(
                pk=pk,
                student_id=1,
                date=service.iep_start + dt.timedelta(days=offset),
                start=dt.time(9 + pk % 5),
                planned=planned,
                discipline=draw(st.sampled_from(["OT", "OT", "OT", "COTA", "PT"])),
                attendance=attendance,
                minutes_delivered=minutes,
                short_reason=short,
                makeup_for=makeup_for,
                session_id=pk,
                is_imported=imported,
                is_lesson=lesson,
            )
        )
    # Unopened standing occurrences: planned, never logged, no pk.
    for _ in range(draw(st.integers(0, 5))):
        rows.append(
            RecordRow(
                pk=None,
                student_id=1,
                date=service.iep_start + dt.timedelta(days=draw(st.integers(0, span))),
                start=dt.time(14),
                planned=30,
                discipline="OT",
            )
        )
    return rows


@st.composite
def worlds(draw: st.DrawFn):
    calendar = draw(calendars())
    service = draw(services())
    rows = draw(records(service))
    policy = draw(st.sets(st.sampled_from(REASONS)))
    today = day(draw(st.integers(-10, 160)))
    return calendar, service, rows, policy, today


def ledger_of(calendar, service, rows, policy, today) -> StudentLedger:
    return student_ledger(1, [service], rows, calendar=calendar, owed_reasons=policy, today=today)


def check_periods(ledger: StudentLedger) -> None:
    for service in ledger.services:
        check_records_start(service)
        for period in service.periods:
            parts = [
                period.delivered_counted,
                period.lesson_counted,
                period.missed,
                period.awaiting_log,
                period.unscheduled_elapsed,
                period.not_yet_due,
            ]
            assert all(part >= 0 for part in parts), period
            assert period.mandated == sum(parts), period
            assert period.mandated_elapsed <= period.mandated
            assert sum(period.missed_by_reason.values()) == period.missed
            assert 0 <= period.made_up <= period.missed
            assert 0 <= period.owed <= period.missed - period.made_up or period.owed == 0
            assert period.delivered >= period.delivered_counted
            assert period.delivered == (
                period.delivered_counted + period.delivered_beyond + period.makeup_delivered
            )
            assert all(r.date >= period.start and r.date <= period.end for r in period.records)
            check_lessons(service, period)


def check_lessons(service: ServiceLedger, period: Any) -> None:
    """Lesson minutes are apart from the others, and credited only where lessons count."""
    lessons = [r for r in period.records if r.is_lesson]
    assert period.lesson_delivered == sum(r.delivered for r in lessons)
    assert period.lesson_delivered == (
        period.lesson_counted + period.lesson_beyond + period.lesson_uncredited
    )
    assert min(period.lesson_counted, period.lesson_beyond, period.lesson_uncredited) >= 0
    if service.service.lessons_count:
        assert period.lesson_uncredited == 0
    else:
        assert period.lesson_counted == period.lesson_beyond == 0
    # A lesson is never a miss, never awaits a log and makes nothing up.
    assert not any(line.record.is_lesson for line in period.misses)
    assert period.delivered == sum(r.delivered for r in period.records if not r.is_lesson)


@SETTINGS
@given(worlds())
def test_every_period_adds_up_and_no_logged_minute_is_lost(world) -> None:
    rows = world[2]
    ledger = ledger_of(*world)
    check_periods(ledger)
    # Every delivered minute of every record is in exactly one place.
    assert ledger.delivered == sum(r.delivered for r in rows)
    placed = [r.pk for s in ledger.services for p in s.periods for r in p.records if r.pk]
    assert all(r.pk is not None for r in ledger.unassigned)  # standing occurrences are dropped
    unassigned = [r.pk for r in ledger.unassigned if r.pk is not None]
    assert sorted(placed + unassigned) == sorted(r.pk for r in rows if r.pk is not None)
    # Owed minutes age into the three buckets, and nothing else.
    buckets = ledger.services[0].owed_by_age()
    assert list(buckets) == [label for label, _, _ in AGE_BUCKETS]
    assert sum(buckets.values()) == ledger.services[0].owed


@SETTINGS
@given(worlds(), st.sets(st.sampled_from(REASONS)))
def test_a_policy_change_recomputes_only_what_is_owed(world, other_policy) -> None:
    calendar, service, rows, policy, today = world
    before = ledger_of(calendar, service, rows, policy, today)
    after = ledger_of(calendar, service, rows, other_policy, today)
    check_periods(after)
    for old, new in zip(before.services[0].periods, after.services[0].periods, strict=True):
        assert (old.mandated, old.delivered, old.missed, old.made_up) == (
            new.mandated,
            new.delivered,
            new.missed,
            new.made_up,
        )
        owed_new = sum(
            line.counted - line.made_up for line in new.misses if line.record.reason in other_policy
        )
        assert new.owed == owed_new
    assert before.delivered == after.delivered


@SETTINGS
@given(worlds(), st.integers(1, 100), st.sampled_from([WEEK, MONTH, IEP_PERIOD]))
def test_an_amendment_keeps_every_logged_minute(world, offset, frequency) -> None:
    calendar, service, rows, policy, today = world
    effective = service.iep_start + dt.timedelta(days=offset)
    if any(v.effective_from == effective for v in service.versions):
        return
    amended = dataclasses.replace(
        service,
        versions=(
            *service.versions,
            VersionRow(99, effective, 90, frequency, 30),
        ),
    )
    before = ledger_of(calendar, service, rows, policy, today)
    after = ledger_of(calendar, amended, rows, policy, today)
    check_periods(after)
    assert after.delivered == before.delivered == sum(r.delivered for r in rows)
    days_before = sum((p.end - p.start).days + 1 for s in before.services for p in s.periods)
    days_after = sum((p.end - p.start).days + 1 for s in after.services for p in s.periods)
    assert days_before == days_after == (service.iep_end - service.iep_start).days + 1


@SETTINGS
@given(worlds())
def test_a_missed_makeup_leaves_the_miss_owed(world) -> None:
    calendar, service, rows, _, today = world
    policy = set(REASONS)
    misses = [
        r
        for r in rows
        if r.pk is not None
        and r.is_miss
        and r.makeup_for is None
        and r.family == "OT"
        and not r.is_lesson  # a lesson is never a miss of the ledger: nothing to make up
    ]
    if not misses:
        return
    target = misses[0]
    base = ledger_of(calendar, service, rows, policy, today)
    missed_makeup = RecordRow(
        pk=1000,
        student_id=1,
        date=target.date,
        start=dt.time(15),
        planned=30,
        discipline="OT",
        attendance=MissReason.PROVIDER_ABSENT,
        makeup_for=target.pk,
    )
    after = ledger_of(calendar, service, [*rows, missed_makeup], policy, today)
    check_periods(after)

    def line_of(ledger):
        return next(
            (line for s in ledger.services for line in s.misses if line.record.pk == target.pk),
            None,
        )

    old, new = line_of(base), line_of(after)
    assert (old is None) == (new is None)
    if old is not None and new is not None:
        assert (new.counted, new.made_up, new.owed) == (old.counted, old.made_up, old.owed)
    assert base.services[0].owed == after.services[0].owed


def check_records_start(service: ServiceLedger) -> None:
    """Nothing before the records start is mandated, owed, never scheduled or awaiting log;
    a row straddling it is mandated only for its school days from it."""
    start = service.service.records_start
    if start is None:
        return
    for period in service.periods:
        if period.end < start:
            assert period.school_days == 0, period
            assert (period.mandated, period.owed, period.missed) == (0, 0, 0), period
            assert (period.unscheduled_elapsed, period.awaiting_log) == (0, 0), period
        assert all(line.record.date >= start for line in period.misses if line.counted)
        assert period.imported == sum(r.delivered for r in period.records if r.is_imported)


def reference_periods(service: ServiceRow, calendar: SchoolCalendar, today: dt.date):
    """The mandate rule read literally, one calendar day at a time (slow, obviously right):
    each school day adds its version's minutes / school days of that version's period."""
    rows: list[dict[str, Any]] = []
    current = None
    day = service.iep_start
    while day <= service.iep_end:
        version = service.version_on(day)
        key = _period_key(version, day, service)
        if key != current:
            current = key
            rows.append({"kind": key[0], "start": day, "total": Fraction(0), "done": Fraction(0),
                         "days": 0, "shares": {}})  # fmt: skip
        row = rows[-1]
        row["end"] = day
        if version is not None:
            share = row["shares"].setdefault(version.pk, [0, Fraction(0)])
            recorded = service.records_start is None or day >= service.records_start
            if calendar.is_school_day(day) and recorded:
                rate = Fraction(version.minutes, calendar.count(*_period_span(*key, service)))
                row["total"] += rate
                row["done"] += rate if day < today else 0
                row["days"] += 1
                share[0] += 1
                share[1] += rate
        day += dt.timedelta(days=1)
    return [
        (r["kind"], r["start"], r["end"], round_half_up(r["total"]), round_half_up(r["done"]),
         r["days"], {pk: (n, m) for pk, (n, m) in r["shares"].items()})
        for r in rows
    ]  # fmt: skip


@SETTINGS
@given(calendars(), services(), st.integers(-10, 160))
def test_periods_follow_the_day_by_day_rule(calendar, service, offset) -> None:
    today = day(offset)
    fast = [
        (p.kind, p.start, p.end, p.mandated, p.mandated_elapsed, p.school_days,
         {s.version.pk: (s.school_days, s.minutes) for s in p.shares})
        for p in _periods(service, calendar, today)
    ]  # fmt: skip
    assert fast == reference_periods(service, calendar, today)


@SETTINGS
@given(worlds())
def test_through_today_computes_the_same_periods_up_to_today(world) -> None:
    calendar, service, rows, policy, today = world
    full = ledger_of(*world).services[0]
    short = student_ledger(
        1, [service], rows, calendar=calendar, owed_reasons=policy, today=today, through=today
    ).services[0]
    kept = [p for p in full.periods if p.start <= today]
    assert len(short.periods) == len(kept)
    fields = ["mandated", "delivered", "missed", "unscheduled_elapsed"]
    # A makeup logged after today still makes up an earlier miss in the full ledger; cut
    # at today it has not happened yet. Owed and made-up agree when nothing is logged ahead.
    no_makeup_ahead = all(r.date <= today for r in rows if r.makeup_for is not None)
    if no_makeup_ahead:
        fields += ["owed", "made_up"]
    for a, b in zip(kept, short.periods, strict=True):
        assert [getattr(a, f) for f in fields] == [getattr(b, f) for f in fields]
    assert short.mandated_to_date == full.mandated_to_date
    assert short.unscheduled_elapsed == sum(p.unscheduled_elapsed for p in kept)
    if no_makeup_ahead:
        assert short.behind == sum(p.owed + p.unscheduled_elapsed for p in kept)
    if all(r.date < today for r in rows):  # nothing logged ahead of time
        assert (short.behind, short.lapse_days) == (full.behind, full.lapse_days)


@SETTINGS
@given(worlds(), st.lists(st.booleans(), max_size=40))
def test_group_sessions_count_fully_for_each_student(world, shared) -> None:
    """A classmate joins some of the sessions (same session, own record): each student's
    ledger holds every minute of their own records, group minutes once per student."""
    calendar, service, rows, policy, today = world
    logged = [r for r in rows if r.pk is not None]
    joined = [r for r, flag in zip(logged, shared, strict=False) if flag]
    classmate_rows = [
        dataclasses.replace(
            r,
            pk=(r.pk or 0) + 1000,
            student_id=2,
            makeup_for=r.makeup_for + 1000 if r.makeup_for else None,
        )
        for r in joined
    ]
    classmate_service = dataclasses.replace(service, pk=2, student_id=2)
    first = ledger_of(calendar, service, rows, policy, today)
    second = student_ledger(
        2, [classmate_service], classmate_rows, calendar=calendar, owed_reasons=policy, today=today
    )
    check_periods(second)
    assert second.delivered == sum(r.delivered for r in classmate_rows)
    assert first.delivered + second.delivered == sum(r.delivered for r in [*rows, *classmate_rows])
    for r in joined:  # the same session counts for both students
        assert r.session_id in {
            x.session_id for s in second.services for p in s.periods for x in p.records
        } | {x.session_id for x in second.unassigned}


@SETTINGS
@given(worlds(), st.integers(-10, 160))
def test_a_records_start_only_removes_what_was_mandated_before_it(world, offset) -> None:
    """Setting a records start keeps every delivered minute, mandates only the school days
    from it (pro rata in the row that straddles it), and lapses count from it."""
    calendar, service, rows, policy, today = world
    start = day(offset)
    without = ledger_of(
        calendar, dataclasses.replace(service, records_start=None), rows, policy, today
    )
    with_start = ledger_of(
        calendar, dataclasses.replace(service, records_start=start), rows, policy, today
    )
    check_periods(with_start)
    assert with_start.delivered == without.delivered == sum(r.delivered for r in rows)
    old, new = without.services[0], with_start.services[0]
    assert [(p.start, p.end) for p in old.periods] == [(p.start, p.end) for p in new.periods]
    for a, b in zip(old.periods, new.periods, strict=True):
        assert b.mandated <= a.mandated
        assert b.school_days + b.unrecorded_days == a.school_days
        if a.start >= start:  # wholly after the records start: the same row
            assert (a.mandated, a.delivered_counted, a.missed, a.owed) == (
                b.mandated,
                b.delivered_counted,
                b.missed,
                b.owed,
            )
    if new.lapse_days is not None:
        assert new.lapse_days <= calendar.count(start, today - dt.timedelta(days=1))
        assert old.lapse_days is not None
        assert new.lapse_days <= old.lapse_days


@SETTINGS
@given(worlds())
def test_lesson_minutes_are_credited_only_where_the_mandate_allows(world) -> None:
    """The same records under a service that counts lessons and one that does not: the
    individual and group minutes and the misses before them are the same; lesson minutes
    only ever add to what is credited, and only where allowed."""
    calendar, service, rows, policy, today = world
    counting = dataclasses.replace(service, lessons_count=True)
    not_counting = dataclasses.replace(service, lessons_count=False)
    yes = ledger_of(calendar, counting, rows, policy, today)
    no = ledger_of(calendar, not_counting, rows, policy, today)
    check_periods(yes)
    check_periods(no)
    assert yes.delivered == no.delivered == sum(r.delivered for r in rows)
    for a, b in zip(yes.services[0].periods, no.services[0].periods, strict=True):
        assert (a.mandated, a.delivered, a.delivered_counted) == (
            b.mandated,
            b.delivered,
            b.delivered_counted,
        )
        assert b.lesson_counted == 0
        assert b.lesson_uncredited == b.lesson_delivered
        assert a.lesson_counted == min(a.lesson_delivered, a.mandated - a.delivered_counted)
        # What lessons credit comes off what would otherwise be missed or uncovered.
        before = a.missed + a.unscheduled_elapsed + a.awaiting_log + a.not_yet_due
        assert before + a.lesson_counted == (
            b.missed + b.unscheduled_elapsed + b.awaiting_log + b.not_yet_due
        )
    assert yes.services[0].credited_to_date >= no.services[0].credited_to_date

"""The workload report: a provider's time from the record, against the contract.

Everything is counted from rows, never estimated, over the school days of a period up to
today (minutes are not logged before they happen, so a period reaching past today is
counted through today, and compared with the contract for those days):

- **Direct service**: the provider's time in each logged dated session (logged or signed,
  not called off) that has started: the longest delivered minutes of its students (a
  group session is the provider's time once, not once per student). A session with one
  student delivered is individual, with more a group; push-in, pull-out or consult as
  the session was held. Minutes imported from before the records start are one row per
  student and session, so they are counted as they were imported, as their own line.
- **Travel**: between consecutive sessions of a day at different schools where the
  provider was (a student was seen, or was absent or unavailable when the provider came),
  at the district's travel times (`sessions.selectors.travel_legs`). A drive between two
  schools without a travel time is counted as 0 and reported.
- **Indirect time**: the provider's `IndirectTime` entries, by kind.
- **Contracted**: `Provider.contracted_minutes_per_week` for each school week, pro rata
  for weeks with fewer than five school days (closures, the year's first and last weeks).

Sessions that started with nobody logging them are not counted, and the report says how
many there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from pushin.district.models import District, ProgressPeriod, Provider
from pushin.planning.models import StandingSchedule
from pushin.planning.selectors import SessionView, travel_map
from pushin.planning.selectors import travel_legs as weekly_travel_legs
from pushin.sessions.calendar import school_days
from pushin.sessions.models import Attendance, DatedSession, SessionStatus, SessionStudent
from pushin.sessions.selectors import travel_legs
from pushin.timespans import minutes_of, monday_of
from pushin.vocabulary import Delivery, MissReason
from pushin.workload.models import IndirectKind, IndirectTime

# A session the provider went to even though nobody was seen: the student was away.
PROVIDER_WAS_THERE = {MissReason.STUDENT_ABSENT, MissReason.STUDENT_UNAVAILABLE}
LOGGED = {SessionStatus.LOGGED, SessionStatus.SIGNED}
INDIVIDUAL, GROUP, IMPORTED = "Individual", "Group", "Imported"


# --- The period -------------------------------------------------------------------------


class PeriodKey:
    WEEK = "week"
    TERM = "term"
    CUSTOM = "custom"


@dataclass(frozen=True)
class Period:
    key: str
    label: str  # "This week", "Quarter 2", "Nov 2, 2026 to Dec 2, 2026"
    start: dt.date
    end: dt.date  # as asked; counted through `through`
    today: dt.date

    @property
    def through(self) -> dt.date:
        return min(self.end, self.today)

    @property
    def reaches_past_today(self) -> bool:
        return self.end > self.today


def _words(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def term_on(district: District, day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The term holding `day`: the district's progress period that covers it (the last one
    begun, between periods), else the school year."""
    periods = list(ProgressPeriod.objects.filter(district=district, start__lte=day))
    covering = [p for p in periods if p.end >= day] or periods
    if covering:
        period = max(covering, key=lambda p: (p.start, p.pk))
        return period.name, period.start, period.end
    return "School year", district.school_year_start, district.school_year_end


def period_of(
    district: District,
    *,
    key: str,
    today: dt.date,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> Period:
    """This week (Monday to Friday), this term, or a custom range (both dates given)."""
    if key == PeriodKey.CUSTOM and start is not None and end is not None:
        return Period(key, f"{_words(start)} to {_words(end)}", start, end, today)
    if key == PeriodKey.TERM:
        name, first, last = term_on(district, today)
        return Period(key, name, first, last, today)
    monday = monday_of(today)
    return Period(PeriodKey.WEEK, "This week", monday, monday + dt.timedelta(days=4), today)


# --- One provider's figures ---------------------------------------------------------------


@dataclass
class DirectLine:
    grouping: str  # Individual, Group, Imported
    delivery: str  # the delivery's label
    sessions: int = 0
    minutes: int = 0


@dataclass
class KindLine:
    kind: str
    label: str
    entries: int = 0
    minutes: int = 0


@dataclass
class WeekRow:
    monday: dt.date
    school_days: int
    contracted: int
    direct: int = 0
    travel: int = 0
    indirect: int = 0

    @property
    def total(self) -> int:
        return self.direct + self.travel + self.indirect


@dataclass
class Figures:
    """A provider's counted time over [start, through]."""

    provider: Provider
    start: dt.date
    through: dt.date
    school_days: int
    contracted: int  # for those school days
    direct_lines: list[DirectLine]
    kind_lines: list[KindLine]
    travel: int
    drives: int
    drives_unknown: int  # drives between two schools without a travel time
    not_logged: int  # sessions that started with nobody logging them
    nobody_seen: int  # sessions the provider went to where every student was away
    student_minutes: int  # delivered minutes summed over students (what the ledger counts)
    weeks: list[WeekRow]
    entries: list[IndirectTime] = field(default_factory=list)

    @property
    def direct(self) -> int:
        return sum(line.minutes for line in self.direct_lines)

    @property
    def indirect(self) -> int:
        return sum(line.minutes for line in self.kind_lines)

    @property
    def total(self) -> int:
        return self.direct + self.travel + self.indirect

    @property
    def difference(self) -> int:
        """Minutes over (+) or under (-) the contract for the days counted."""
        return self.total - self.contracted

    @property
    def over_contract(self) -> bool:
        return self.total > self.contracted

    @property
    def percent_of_contract(self) -> int | None:
        return round(100 * self.total / self.contracted) if self.contracted else None


def contracted_for(provider: Provider, days: int) -> int:
    """The contracted minutes of `days` school days: a school week is five."""
    return round(provider.contracted_minutes_per_week * days / 5)


def _delivered_minutes(record: SessionStudent, session: DatedSession) -> int:
    # As the service-log export counts a delivered record without minutes entered.
    return record.minutes_delivered if record.minutes_delivered is not None else session.minutes


def _sessions(providers: Iterable[Provider], start: dt.date, end: dt.date) -> list[DatedSession]:
    return list(
        DatedSession.objects.filter(
            provider__in=list(providers), date__gte=start, date__lte=end, cancel_reason=""
        )
        .select_related("classroom__school")
        .prefetch_related(Prefetch("members", queryset=SessionStudent.objects.order_by("pk")))
        .order_by("date", "start", "pk")
    )


def _figures(
    provider: Provider,
    *,
    start: dt.date,
    through: dt.date,
    days: Sequence[dt.date],
    sessions: Sequence[DatedSession],
    entries: Sequence[IndirectTime],
    now: dt.datetime,
) -> Figures:
    delivery_label = dict(Delivery.choices)
    lines: dict[tuple[str, str], DirectLine] = {}
    weeks: dict[dt.date, WeekRow] = {}
    per_week_days: dict[dt.date, int] = defaultdict(int)
    for day in days:
        per_week_days[monday_of(day)] += 1
    monday = monday_of(start)
    while monday <= through:
        weeks[monday] = WeekRow(
            monday, per_week_days[monday], contracted_for(provider, per_week_days[monday])
        )
        monday += dt.timedelta(days=7)

    def add_direct(grouping: str, session: DatedSession, minutes: int) -> None:
        label = delivery_label.get(session.delivery, session.delivery)
        line = lines.setdefault((grouping, label), DirectLine(grouping, label))
        line.sessions += 1
        line.minutes += minutes
        weeks[monday_of(session.date)].direct += minutes

    visited: list[DatedSession] = []
    not_logged = nobody_seen = student_minutes = 0
    for session in sessions:
        if not session.has_started(now):
            continue
        records = list(session.members.all())
        delivered = [
            _delivered_minutes(r, session) for r in records if r.attendance == Attendance.DELIVERED
        ]
        student_minutes += sum(delivered)
        if session.is_imported:
            for minutes in delivered:
                add_direct(IMPORTED, session, minutes)
            continue
        if session.status not in LOGGED:
            not_logged += 1
            continue
        if delivered:
            add_direct(INDIVIDUAL if len(delivered) == 1 else GROUP, session, max(delivered))
            visited.append(session)
        elif any(r.attendance in PROVIDER_WAS_THERE for r in records):
            nobody_seen += 1
            visited.append(session)

    travel = drives = unknown = 0
    date_of = {s.pk: s.date for s in visited}
    for pk, leg in travel_legs(visited).items():  # keyed by the session driven to
        drives += 1
        if leg.minutes is None:
            unknown += 1
            continue
        travel += leg.minutes
        weeks[monday_of(date_of[pk])].travel += leg.minutes

    kinds = {k: KindLine(k, str(label)) for k, label in IndirectKind.choices}
    for entry in entries:
        kinds[entry.kind].entries += 1
        kinds[entry.kind].minutes += entry.minutes
        weeks[monday_of(entry.date)].indirect += entry.minutes

    order = {INDIVIDUAL: 0, GROUP: 1, IMPORTED: 2}
    return Figures(
        provider=provider,
        start=start,
        through=through,
        school_days=len(days),
        contracted=contracted_for(provider, len(days)),
        direct_lines=sorted(lines.values(), key=lambda line: (order[line.grouping], line.delivery)),
        kind_lines=list(kinds.values()),
        travel=travel,
        drives=drives,
        drives_unknown=unknown,
        not_logged=not_logged,
        nobody_seen=nobody_seen,
        student_minutes=student_minutes,
        weeks=list(weeks.values()),
        entries=sorted(entries, key=lambda e: (e.date, e.pk), reverse=True),
    )


def provider_figures(provider: Provider, *, start: dt.date, through: dt.date) -> Figures:
    """One provider's counted time over [start, through] (nothing after today counts)."""
    now = timezone.localtime()
    through = min(through, now.date())
    days = school_days(provider.district, start, through)
    sessions = _sessions([provider], start, through)
    entries = list(
        IndirectTime.objects.filter(provider=provider, date__gte=start, date__lte=through)
    )
    return _figures(
        provider,
        start=start,
        through=through,
        days=days,
        sessions=sessions,
        entries=entries,
        now=now,
    )


# --- The provider's report ------------------------------------------------------------------


@dataclass
class WorkloadReport:
    period: Period
    figures: Figures
    period_school_days: int  # the whole period's, past today too
    weekly_travel_in_force: int | None  # the weekly schedule's travel; None without one

    @property
    def provider(self) -> Provider:
        return self.figures.provider

    @property
    def contracted_per_week(self) -> int:
        return self.provider.contracted_minutes_per_week

    @property
    def contracted_period(self) -> int:
        return contracted_for(self.provider, self.period_school_days)

    @property
    def weekly_average(self) -> int | None:
        """Counted minutes per five school days."""
        days = self.figures.school_days
        return round(self.figures.total * 5 / days) if days else None


def weekly_travel(
    provider: Provider, *, on: dt.date, without_schools: Iterable[int] = ()
) -> int | None:
    """Weekly travel between schools in the provider's standing schedule in force on `on`
    (the newest one, when none is in force yet); None when the provider has none.
    `without_schools` (pks): that schedule with those schools' sessions left out."""
    schedules = StandingSchedule.objects.filter(provider=provider).order_by(
        "-effective_from", "-pk"
    )
    in_force = [s for s in schedules if s.in_force_on(on) and not s.never_in_force]
    schedule = in_force[0] if in_force else schedules.filter(active=True).first()
    if schedule is None:
        return None
    # Only where and when each weekly session is: the travel rule needs nothing else.
    views = [
        SessionView(
            ident=s.plan_session_id,
            day=s.day,
            start=minutes_of(s.start),
            end=minutes_of(s.end),
            school=f"sch{s.classroom.school_id}",
            school_name=s.classroom.school.name,
            room=s.classroom.name,
            activity="",
            initials=(),
        )
        for s in schedule.sessions.select_related("classroom__school").exclude(
            classroom__school__in=list(without_schools)
        )
    ]
    return sum(leg.minutes for leg in weekly_travel_legs(views, travel_map(provider.district_id)))


def workload_report(provider: Provider, *, period: Period) -> WorkloadReport:
    figures = provider_figures(provider, start=period.start, through=period.through)
    return WorkloadReport(
        period=period,
        figures=figures,
        period_school_days=len(school_days(provider.district, period.start, period.end)),
        weekly_travel_in_force=weekly_travel(provider, on=period.today),
    )


# --- The district: every provider's totals ---------------------------------------------------


def district_figures(district: District, *, period: Period) -> list[Figures]:
    """Every provider's totals over the period (counted through today), fewest queries:
    the sessions and entries of all providers are read at once."""
    now = timezone.localtime()
    through = min(period.through, now.date())
    providers = list(
        Provider.objects.filter(district=district)
        .select_related("user", "district")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    days = school_days(district, period.start, through)
    sessions: dict[int, list[DatedSession]] = defaultdict(list)
    for session in _sessions(providers, period.start, through):
        sessions[session.provider_id].append(session)
    entries: dict[int, list[IndirectTime]] = defaultdict(list)
    for entry in IndirectTime.objects.filter(
        provider__district=district, date__gte=period.start, date__lte=through
    ):
        entries[entry.provider_id].append(entry)
    return [
        _figures(
            p,
            start=period.start,
            through=through,
            days=days,
            sessions=sessions[p.pk],
            entries=entries[p.pk],
            now=now,
        )
        for p in providers
    ]

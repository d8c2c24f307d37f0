"""The minutes ledger: mandated, delivered, missed, owed and made-up minutes, computed.

Nothing here is stored. `load_ledgers` fetches plain rows in a fixed number of queries
(students, services with their mandate versions, session records, closures, the makeup
policy) and the pure functions below turn them into ledgers, so a
policy change or a mandate amendment shows at the next page load and no logged minute is
ever rewritten. A worker keeps the ledgers it computed under everything they were
computed from (`ledger_cache.py`, `ledger_stamps.py`), so a page reads again only the
students whose rows changed since.

Which records belong to which service
-------------------------------------
A session record counts for the student's service of its provider's discipline family
(an OT's and a COTA's sessions for the OT service), in the IEP whose dates contain the
session's date (the later-starting IEP when two overlap). A record that fits no service
(no IEP on that date, no service of that discipline) stays visible in `unassigned`, so
that no logged minute is lost.

Periods
-------
Every calendar day of the IEP belongs to the period of the mandate version in force that
day (`Service.version_on`): a per-week version to its school week (Monday to Friday, the
row spans Monday to Sunday), a per-month version to its calendar month, a per-IEP-period
version to the IEP's dates. A ledger row is a run of consecutive days with the same
period, so an amendment that changes the frequency (weekly to monthly on the 15th) ends
the week's row on the 14th and starts a month row on the 15th. Days before the first
version form rows of kind "none" with no mandate.

Mandated minutes (the rule)
---------------------------
A school day is Monday to Friday, inside the district's school year, outside every
closure (closures are not school days). For a school day d of the IEP with version v in
force, ``rate(d) = v.minutes / n`` where n is the number of school days of the whole
calendar period of v's frequency containing d (the week, the month, the IEP). A row's
mandate is the sum of rate(d) over its school days, rounded half up to whole minutes.
So:
- a week with a holiday still owes the full weekly minutes, spread over its 4 days;
- a mid-period amendment splits the period pro rata by school days: 60/week until
  Tuesday and 30/week from Wednesday owes 60 * 2/5 + 30 * 3/5 = 42 minutes that week;
- an IEP starting or ending mid-week owes the week pro rata.

Records start (adopting Push-In mid-year)
-----------------------------------------
A district, or a provider for themselves, may set the day Push-In's records start
(`District.records_start`, `Provider.records_start`, the provider's overriding the
district's). A service line's records start is the latest of those of the student's
providers of its discipline family (the district's when it has none); none: every day
counts. School days before it are not mandated: rate(d) counts only for school days on
or after the records start, with n still the school days of the *whole* calendar period.
So a period straddling the records start is mandated pro rata for its school days from
the records start: a 60-minute week whose records start on Wednesday owes
60 * 3/5 = 36 minutes, a row wholly before it owes 0. A record dated before the records
start counts only by its delivered minutes (imported minutes, `is_imported`, are such
records): they count towards their row like any delivered minute (an imported Monday
session counts towards the week whose records start on Wednesday), while its missed
minutes are owed by nobody (like `missed_beyond`) and its unlogged minutes neither await a
log nor are planned. Hence nothing before the records start is owed, never scheduled or
awaiting log, and lapse days count school days from the records start at the earliest.

Counting (each row; each step takes at most what is left of the mandate)
------------------------------------------------------------------------
"Regular" records are the records that make up nothing. A record linked by
`makeup_for` (directly or through a chain of makeups) to a record of the same service is
a makeup: its delivered minutes are *made up* minutes of the root record and never count
towards the mandate of its own row (they are still in its row's `delivered`).
1. delivered-counted = delivered minutes of regular records (minutes_delivered, or the
   planned length when a delivered record has none). More than the mandate shows as
   `delivered_beyond`.
2. missed = for each regular record in date order, its missed minutes: the planned
   minutes of a record whose attendance is a miss reason, or the minutes a delivered
   session was cut short, under its `short_reason` ("unspecified" if none was given). A
   miss beyond what is left of the mandate is `missed_beyond` (the mandate was met
   anyway) and is owed by nobody.
3. awaiting log = planned minutes of past regular sessions nobody has logged yet (the
   calendar stores every occurrence of the schedules in force ahead of time, so an
   occurrence nobody opened is a stored planned session). They are neither delivered
   nor missed until someone says which.
4. planned future = planned minutes of regular sessions from today on.
5. what is left is uncovered: the part the remaining school days of the row could still
   hold (their mandate minus the planned future minutes) is `rest_of_period`; the rest is
   `unscheduled_elapsed`: mandated minutes of elapsed school days no session covered.
   The provider side never scheduled them, so they are owed.
Hence, for every row, exactly:
    mandated = delivered_counted + missed + awaiting_log + unscheduled_elapsed + not_yet_due
with ``not_yet_due = planned_future + rest_of_period``. (`awaiting_log` is zero once every
past session is logged; it is kept apart because calling it "not yet due" would hide it.)

Whole-class lessons
-------------------
A record of a whole-class lesson (co-taught with the teacher, `pushin/lessons`) is kept
apart from individual and group minutes: its delivered minutes are the row's
`lesson_delivered`, never its `delivered`. Where the service says whole-class lessons count
towards the mandate (`ServiceRow.lessons_count`, default no), they are counted after the
individual and group minutes: ``lesson_counted = min(lesson minutes, what is left)``, the
rest `lesson_beyond`; elsewhere they are all `lesson_uncredited`. A lesson counts only by
the minutes a student was there: it is never a miss, never awaits a log or stands for
planned minutes, is never made up and makes nothing up. The identity becomes
    mandated = delivered_counted + lesson_counted + missed + awaiting_log
               + unscheduled_elapsed + not_yet_due
(`lesson_counted` is 0 where lessons do not count).

Owed and made up
----------------
A counted miss whose reason is owed under `District.owed_reasons()` is owed, minus the
minutes delivered by makeups linked to it (capped at the miss). A makeup that is itself
missed delivers nothing, so the miss stays owed. Owed minutes age by school days since
the miss (0-10, 11-20, 21+). Unscheduled elapsed minutes are reported beside them.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import TYPE_CHECKING

from pushin.timespans import minutes_between, monday_of
from pushin.vocabulary import CutShortReason, MissReason

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from pushin.caseload.models import Student
    from pushin.district.models import District

DELIVERED = "delivered"
UNSPECIFIED = "unspecified"  # a delivered session cut short without a reason
WEEK, MONTH, IEP_PERIOD, NONE = "week", "month", "iep_period", "none"
PERIOD_WORDS = {WEEK: "Week", MONTH: "Month", IEP_PERIOD: "IEP period", NONE: "No mandate yet"}
MISS_REASONS = frozenset(MissReason.values)
# Short words for lists ("missed Oct 5 (provider conflict)").
REASON_SHORT: dict[str, str] = {
    MissReason.STUDENT_ABSENT: "student absent",
    MissReason.STUDENT_UNAVAILABLE: "student unavailable",
    MissReason.PROVIDER_ABSENT: "provider absent",
    MissReason.PROVIDER_CONFLICT: "provider conflict",
    MissReason.SCHOOL_CLOSURE: "school closure",
    CutShortReason.LEFT_EARLY: "cut short: left early",
    CutShortReason.BEHAVIOUR: "cut short: behaviour or regulation",
    CutShortReason.DRILL: "cut short: drill or lockdown",
    CutShortReason.SCHEDULE_OVERRAN: "cut short: schedule ran over",
    CutShortReason.OTHER: "cut short: other",
    UNSPECIFIED: "cut short",
}
REASON_WORDS: dict[str, str] = {
    **dict(MissReason.choices),
    **{value: f"Cut short: {label.lower()}" for value, label in CutShortReason.choices},
    CutShortReason.OTHER: "Cut short: other",
    UNSPECIFIED: "Cut short, no reason",
}

# Owed minutes by age in school days since the miss: (label, lowest, highest or None).
AGE_BUCKETS: tuple[tuple[str, int, int | None], ...] = (
    ("0-10", 0, 10),
    ("11-20", 11, 20),
    ("21+", 21, None),
)
LAPSE_SCHOOL_DAYS = 10

# Which service line a provider's sessions count for: an assistant's for their therapist's.
DISCIPLINE_FAMILY: dict[str, str] = {
    "OT": "OT",
    "COTA": "OT",
    "PT": "PT",
    "PTA": "PT",
    "SLP": "SLP",
    "SLPA": "SLP",
}


def family(discipline: str) -> str:
    return DISCIPLINE_FAMILY.get(discipline, discipline)


def round_half_up(value: Fraction) -> int:
    return int((value * 2 + 1) // 2)


# --- Inputs: plain rows --------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolCalendar:
    """The district's school days: Monday to Friday in the school year, minus closures."""

    year_start: dt.date
    year_end: dt.date
    closures: tuple[tuple[dt.date, dt.date], ...] = ()

    @cached_property
    def days(self) -> tuple[dt.date, ...]:
        result = []
        day = self.year_start
        while day <= self.year_end:
            if day.isoweekday() <= 5 and not any(a <= day <= b for a, b in self.closures):
                result.append(day)
            day += dt.timedelta(days=1)
        return tuple(result)

    @cached_property
    def day_set(self) -> frozenset[dt.date]:
        return frozenset(self.days)

    def is_school_day(self, day: dt.date) -> bool:
        return day in self.day_set

    def count(self, start: dt.date, end: dt.date) -> int:
        """School days in [start, end]."""
        if end < start:
            return 0
        return bisect.bisect_right(self.days, end) - bisect.bisect_left(self.days, start)

    def between(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """The school days in [start, end]."""
        lo, hi = bisect.bisect_left(self.days, start), bisect.bisect_right(self.days, end)
        return list(self.days[lo:hi])

    def after(self, day: dt.date, count: int) -> list[dt.date]:
        """The next `count` school days strictly after `day`."""
        lo = bisect.bisect_right(self.days, day)
        return list(self.days[lo : lo + count])


@dataclass(frozen=True)
class VersionRow:
    pk: int
    effective_from: dt.date
    minutes: int
    frequency: str
    session_minutes: int
    summary: str = ""

    @property
    def short(self) -> str:
        per = {WEEK: "week", MONTH: "month", IEP_PERIOD: "IEP"}.get(self.frequency, self.frequency)
        return f"{self.minutes} min/{per}"


@dataclass(frozen=True)
class ServiceRow:
    pk: int
    student_id: int
    discipline: str
    iep_pk: int
    iep_start: dt.date
    iep_end: dt.date
    versions: tuple[VersionRow, ...]
    # The day the records of this service line start (see "Records start" above); None:
    # the records cover every day of the IEP.
    records_start: dt.date | None = None
    # Whether whole-class lessons count towards this mandate (see "Whole-class lessons").
    lessons_count: bool = False

    @property
    def family(self) -> str:
        return family(self.discipline)

    @cached_property
    def _ordered(self) -> list[VersionRow]:
        return sorted(self.versions, key=lambda v: (v.effective_from, v.pk))

    def version_on(self, day: dt.date) -> VersionRow | None:
        """The latest version effective on or before `day` (as `Service.version_on`)."""
        found = None
        for version in self._ordered:
            if version.effective_from <= day:
                found = version
            else:
                break
        return found

    @property
    def start(self) -> dt.date:
        """The first day a mandate is in force."""
        first = self._ordered[0].effective_from if self._ordered else self.iep_end
        return max(self.iep_start, first)


@dataclass(frozen=True)
class RecordRow:
    """One student's record of one dated session (or, with `pk` None, an occurrence of the
    standing schedule nobody has opened yet: planned, never logged)."""

    pk: int | None
    student_id: int
    date: dt.date
    start: dt.time
    planned: int
    discipline: str
    attendance: str = ""
    minutes_delivered: int | None = None
    short_reason: str = ""
    makeup_for: int | None = None
    session_id: int | None = None
    provider_id: int | None = None
    is_imported: bool = False  # minutes delivered before adoption, loaded from a CSV file
    is_lesson: bool = False  # a record of a whole-class lesson (see "Whole-class lessons")

    @property
    def family(self) -> str:
        return family(self.discipline)

    @property
    def is_delivered(self) -> bool:
        return self.attendance == DELIVERED

    @property
    def is_miss(self) -> bool:
        return self.attendance in MISS_REASONS

    @property
    def is_logged(self) -> bool:
        return self.is_delivered or self.is_miss

    @property
    def delivered(self) -> int:
        if not self.is_delivered:
            return 0
        return self.planned if self.minutes_delivered is None else self.minutes_delivered

    @property
    def missed(self) -> int:
        if self.is_miss:
            return self.planned
        if self.is_delivered:
            return max(0, self.planned - self.delivered)
        return 0

    @property
    def reason(self) -> str:
        if self.is_miss:
            return self.attendance
        return self.short_reason or UNSPECIFIED

    @property
    def reason_words(self) -> str:
        return REASON_WORDS.get(self.reason, self.reason)

    @property
    def reason_short(self) -> str:
        return REASON_SHORT.get(self.reason, self.reason)


# --- Outputs -------------------------------------------------------------------------------


@dataclass
class VersionShare:
    """A version's part of a period: its school days there, of the period's `span`."""

    version: VersionRow
    school_days: int
    span: int  # school days of the whole calendar period the minutes are spread over

    @property
    def minutes(self) -> Fraction:
        if not self.span:
            return Fraction(0)
        return Fraction(self.version.minutes * self.school_days, self.span)

    @property
    def rounded(self) -> int:
        return round_half_up(self.minutes)


@dataclass
class MissLine:
    """A regular record with missed minutes, and what became of them."""

    record: RecordRow
    counted: int  # missed minutes counted against the mandate
    owed_reason: bool
    made_up: int = 0
    makeup_planned: int = 0  # minutes of makeups planned for it, not yet logged
    age: int = 0  # school days since the miss

    @property
    def owed(self) -> int:
        return self.counted - self.made_up if self.owed_reason else 0

    @property
    def to_plan(self) -> int:
        """Owed minutes no makeup is planned for yet."""
        return max(0, self.owed - self.makeup_planned)


@dataclass
class Period:
    kind: str
    start: dt.date  # first calendar day of the row
    end: dt.date  # last calendar day of the row
    shares: list[VersionShare] = field(default_factory=list)
    school_days: int = 0  # school days mandated: from the records start on
    unrecorded_days: int = 0  # school days of the row before the records start
    mandated: int = 0
    mandated_elapsed: int = 0
    delivered: int = 0  # every delivered minute logged in the row, makeups included
    makeup_delivered: int = 0
    delivered_counted: int = 0
    delivered_beyond: int = 0
    missed_by_reason: dict[str, int] = field(default_factory=dict)
    missed: int = 0
    missed_beyond: int = 0
    awaiting_log: int = 0
    planned_future: int = 0
    rest_of_period: int = 0
    unscheduled_elapsed: int = 0
    owed: int = 0
    made_up: int = 0
    # Whole-class lessons, apart from `delivered`: every delivered lesson minute of the row
    # = counted towards the mandate + beyond it (where lessons count) + uncredited.
    lesson_delivered: int = 0
    lesson_counted: int = 0
    lesson_beyond: int = 0
    lesson_uncredited: int = 0
    misses: list[MissLine] = field(default_factory=list)
    records: list[RecordRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return PERIOD_WORDS.get(self.kind, self.kind)

    @property
    def not_yet_due(self) -> int:
        return self.planned_future + self.rest_of_period

    @property
    def imported(self) -> int:
        """Delivered minutes of imported records (delivered before adoption)."""
        return sum(r.delivered for r in self.records if r.is_imported)

    @property
    def versions(self) -> list[VersionRow]:
        return [share.version for share in self.shares]

    @property
    def missed_words(self) -> list[tuple[str, int]]:
        return [(REASON_WORDS.get(k, k), v) for k, v in sorted(self.missed_by_reason.items())]

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass
class ServiceLedger:
    service: ServiceRow
    periods: list[Period]
    last_delivered: dt.date | None
    lapse_days: int | None  # completed school days without a delivered session; None: n/a

    def total(self, name: str) -> int:
        # Pages ask for the same totals many times, of ledgers kept across requests
        # (ledger_cache.py): each is summed once. A ledger never changes once built.
        memo: dict[str, int] = self.__dict__.setdefault("_totals", {})
        if name not in memo:
            memo[name] = sum(int(getattr(period, name)) for period in self.periods)
        return memo[name]

    @property
    def misses(self) -> list[MissLine]:
        return [line for period in self.periods for line in period.misses]

    @property
    def owed_lines(self) -> list[MissLine]:
        return [line for line in self.misses if line.owed > 0]

    @property
    def owed(self) -> int:
        return self.total("owed")

    @property
    def unscheduled_elapsed(self) -> int:
        return self.total("unscheduled_elapsed")

    @property
    def imported(self) -> int:
        """Delivered minutes imported from before the records start."""
        return self.total("imported")

    @property
    def made_up(self) -> int:
        return self.total("made_up")

    @property
    def behind(self) -> int:
        """Minutes owed to the student now: owed misses and never-scheduled elapsed minutes."""
        return self.owed + self.unscheduled_elapsed

    @property
    def mandated_to_date(self) -> int:
        return self.total("mandated_elapsed")

    @property
    def credited_to_date(self) -> int:
        """Delivered minutes that count towards the mandate, makeups and whole-class
        lessons (where they count) included."""
        return (
            self.total("delivered_counted") + self.total("made_up") + self.total("lesson_counted")
        )

    def owed_by_age(self) -> dict[str, int]:
        return owed_buckets(self.owed_lines)

    @property
    def lapsed(self) -> bool:
        return self.lapse_days is not None and self.lapse_days > LAPSE_SCHOOL_DAYS


@dataclass
class StudentLedger:
    student_id: int
    services: list[ServiceLedger]
    unassigned: list[RecordRow]

    @property
    def delivered(self) -> int:
        return sum(s.total("delivered") + s.total("lesson_delivered") for s in self.services) + sum(
            r.delivered for r in self.unassigned
        )


def age_bucket(age: int) -> str:
    for label, low, high in AGE_BUCKETS:
        if age >= low and (high is None or age <= high):
            return label
    return AGE_BUCKETS[-1][0]


def owed_buckets(lines: Iterable[MissLine]) -> dict[str, int]:
    buckets = {label: 0 for label, _, _ in AGE_BUCKETS}
    for line in lines:
        if line.owed > 0:
            buckets[age_bucket(line.age)] += line.owed
    return buckets


# --- The computation -----------------------------------------------------------------------


def _period_key(
    version: VersionRow | None, day: dt.date, service: ServiceRow
) -> tuple[str, dt.date]:
    if version is None:
        return NONE, service.iep_start
    if version.frequency == WEEK:
        return WEEK, monday_of(day)
    if version.frequency == MONTH:
        return MONTH, day.replace(day=1)
    return IEP_PERIOD, service.iep_start


def _period_span(kind: str, key: dt.date, service: ServiceRow) -> tuple[dt.date, dt.date]:
    """The whole calendar period a version's minutes are spread over."""
    if kind == WEEK:
        return key, key + dt.timedelta(days=4)
    if kind == MONTH:
        following = (key.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return key, following - dt.timedelta(days=1)
    return service.iep_start, service.iep_end


def _segments(service: ServiceRow) -> list[tuple[dt.date, dt.date, VersionRow | None]]:
    """The IEP's dates cut where the version in force changes: (first, last, version)."""
    result = []
    cursor, current = service.iep_start, service.version_on(service.iep_start)
    for version in service._ordered:
        if version.effective_from <= service.iep_start:
            continue
        if version.effective_from > service.iep_end:
            break
        if cursor <= version.effective_from - dt.timedelta(days=1):
            result.append((cursor, version.effective_from - dt.timedelta(days=1), current))
        cursor, current = version.effective_from, version
    result.append((cursor, service.iep_end, current))
    return result


def _chunks(
    first: dt.date, last: dt.date, version: VersionRow | None, service: ServiceRow
) -> Iterable[tuple[dt.date, dt.date, tuple[str, dt.date]]]:
    """A segment cut at its version's period boundaries: (first, last, period key)."""
    day = first
    while day <= last:
        key = _period_key(version, day, service)
        if key[0] == WEEK:
            end = key[1] + dt.timedelta(days=6)
        elif key[0] == MONTH:
            end = _period_span(MONTH, key[1], service)[1]
        else:
            end = last
        end = min(end, last)
        yield day, end, key
        day = end + dt.timedelta(days=1)


def _periods(
    service: ServiceRow,
    calendar: SchoolCalendar,
    today: dt.date,
    through: dt.date | None = None,
) -> list[Period]:
    """The rows of a service, with their mandate (see the module docstring for the rule);
    with `through`, only the rows that start on or before that day.

    Every day of a row has the same period key, so the same spread (school days of the
    calendar period): a row's mandate is sum(minutes x school days) / spread, in integers."""
    periods: list[Period] = []
    sums: list[list[int]] = []  # per row: [minutes x days, minutes x elapsed days, spread]
    current: tuple[str, dt.date] | None = None
    shares: dict[int, VersionShare] = {}
    yesterday = today - dt.timedelta(days=1)
    stop = False
    for first, last, version in _segments(service):
        if stop:
            break
        for start, end, key in _chunks(first, last, version, service):
            if key != current:
                if through is not None and start > through:
                    stop = True
                    break
                current = key
                spread = 0
                if version is not None:
                    spread = calendar.count(*_period_span(key[0], key[1], service))
                periods.append(Period(kind=key[0], start=start, end=end))
                sums.append([0, 0, spread])
                shares = {}
            period, row = periods[-1], sums[-1]
            period.end = end
            if version is None:
                continue
            share = shares.get(version.pk)
            if share is None:
                share = shares[version.pk] = VersionShare(version, 0, row[2])
                period.shares.append(share)
            first_recorded = start
            if service.records_start is not None and service.records_start > start:
                first_recorded = service.records_start
                period.unrecorded_days += calendar.count(
                    start, min(end, service.records_start - dt.timedelta(days=1))
                )
            days = calendar.count(first_recorded, end)
            if days:
                share.school_days += days
                period.school_days += days
                row[0] += version.minutes * days
                row[1] += version.minutes * calendar.count(first_recorded, min(end, yesterday))
    for period, (total, done, spread) in zip(periods, sums, strict=True):
        period.mandated = _divide_half_up(total, spread)
        period.mandated_elapsed = _divide_half_up(done, spread)
    return periods


def _divide_half_up(numerator: int, denominator: int) -> int:
    if denominator <= 0:
        return 0
    return (2 * numerator + denominator) // (2 * denominator)


def _makeup_roots(records: Sequence[RecordRow]) -> dict[int, int]:
    """Makeup record pk -> the regular record it (eventually) makes up, for records whose
    chain of `makeup_for` links stays inside `records`."""
    by_pk = {r.pk: r for r in records if r.pk is not None and not r.is_lesson}
    roots: dict[int, int] = {}
    for record in records:
        if record.pk is None or record.makeup_for is None or record.is_lesson:
            continue
        seen = {record.pk}
        target = by_pk.get(record.makeup_for)
        while target is not None and target.makeup_for is not None and target.pk not in seen:
            seen.add(target.pk)  # type: ignore[arg-type]
            target = by_pk.get(target.makeup_for)
        if target is not None and target.makeup_for is None and target.pk is not None:
            roots[record.pk] = target.pk
    return roots


def _sort_key(record: RecordRow) -> tuple[dt.date, dt.time, int]:
    return (record.date, record.start, record.pk or 0)


def service_ledger(
    service: ServiceRow,
    records: Sequence[RecordRow],
    *,
    calendar: SchoolCalendar,
    owed_reasons: Iterable[str],
    today: dt.date,
    through: dt.date | None = None,
) -> ServiceLedger:
    """The ledger of one service from the records that belong to it (see `assign`).

    With `through`, only the periods starting on or before that day (and their records)
    are computed: what compliance "to date" needs, at a fraction of the cost."""
    owed_set = set(owed_reasons)
    periods = _periods(service, calendar, today, through)
    starts = [p.start for p in periods]
    roots = _makeup_roots(records)
    made_up_by_root: dict[int, int] = defaultdict(int)
    planned_by_root: dict[int, int] = defaultdict(int)
    for record in sorted(records, key=_sort_key):
        if through is not None and (not periods or record.date > periods[-1].end):
            continue
        index = bisect.bisect_right(starts, record.date) - 1
        if index < 0 or not periods[index].contains(record.date):
            raise ValueError("record outside the service's IEP dates")  # see assign()
        period = periods[index]
        period.records.append(record)
        if record.is_lesson:
            period.lesson_delivered += record.delivered
            continue
        period.delivered += record.delivered
        if record.pk is not None and record.pk in roots:
            root = roots[record.pk]
            period.makeup_delivered += record.delivered
            made_up_by_root[root] += record.delivered
            if not record.is_logged:
                planned_by_root[root] += record.planned
    last_delivered = max(
        (r.date for r in records if r.delivered > 0 and (service.lessons_count or not r.is_lesson)),
        default=None,
    )
    for period in periods:
        _count(period, roots, owed_set, today, service.records_start, service.lessons_count)
        for line in period.misses:
            pk = line.record.pk
            if pk is not None:
                line.made_up = min(line.counted, made_up_by_root.get(pk, 0))
                line.makeup_planned = planned_by_root.get(pk, 0)
            line.age = calendar.count(line.record.date + dt.timedelta(days=1), today)
        period.made_up = sum(line.made_up for line in period.misses)
        period.owed = sum(line.owed for line in period.misses)
    return ServiceLedger(
        service=service,
        periods=periods,
        last_delivered=last_delivered,
        lapse_days=_lapse_days(service, calendar, last_delivered, today),
    )


def _count(
    period: Period,
    roots: Mapping[int, int],
    owed: set[str],
    today: dt.date,
    records_start: dt.date | None = None,
    lessons_count: bool = False,
) -> None:
    regular = [r for r in period.records if not r.is_lesson and (r.pk is None or r.pk not in roots)]
    left = period.mandated
    delivered = sum(r.delivered for r in regular)
    period.delivered_counted = min(delivered, left)
    period.delivered_beyond = delivered - period.delivered_counted
    left -= period.delivered_counted
    if lessons_count:
        period.lesson_counted = min(period.lesson_delivered, left)
        period.lesson_beyond = period.lesson_delivered - period.lesson_counted
        left -= period.lesson_counted
    else:
        period.lesson_uncredited = period.lesson_delivered
    if records_start is not None:
        # Before the records start a record counts only by its delivered minutes: its
        # missed minutes are owed by nobody, its unlogged ones await nothing.
        unrecorded = [r for r in regular if r.date < records_start]
        period.missed_beyond += sum(r.missed for r in unrecorded)
        regular = [r for r in regular if r.date >= records_start]
    by_reason: dict[str, int] = defaultdict(int)
    for record in regular:
        if record.missed <= 0:
            continue
        counted = min(record.missed, left)
        left -= counted
        period.missed_beyond += record.missed - counted
        by_reason[record.reason] += counted
        period.misses.append(
            MissLine(record=record, counted=counted, owed_reason=record.reason in owed)
        )
    period.missed_by_reason = {k: v for k, v in by_reason.items() if v}
    period.missed = sum(by_reason.values())
    awaiting = sum(r.planned for r in regular if not r.is_logged and r.date < today)
    period.awaiting_log = min(awaiting, left)
    left -= period.awaiting_log
    future = sum(r.planned for r in regular if not r.is_logged and r.date >= today)
    period.planned_future = min(future, left)
    left -= period.planned_future
    future_mandate = period.mandated - period.mandated_elapsed
    period.rest_of_period = min(left, max(0, future_mandate - period.planned_future))
    period.unscheduled_elapsed = left - period.rest_of_period


def _expected_gap_ok(service: ServiceRow, calendar: SchoolCalendar, today: dt.date) -> bool:
    """Whether the mandate in force asks for a session at least every 10 school days (a
    monthly 30 minutes does not: a lapse alert would cry wolf every month)."""
    version = service.version_on(today)
    if version is None or version.session_minutes <= 0:
        return False
    if version.frequency == WEEK:
        return True
    kind, key = _period_key(version, today, service)
    days = calendar.count(*_period_span(kind, key, service))
    sessions = version.minutes / version.session_minutes
    return sessions > 0 and days / sessions <= LAPSE_SCHOOL_DAYS


def _lapse_days(
    service: ServiceRow, calendar: SchoolCalendar, last: dt.date | None, today: dt.date
) -> int | None:
    """Completed school days (before today) since the last delivered session, or since the
    mandate started, and never before the records start; None when no mandate is in force
    today or it expects rarer sessions."""
    if not (service.iep_start <= today <= service.iep_end):
        return None
    if not _expected_gap_ok(service, calendar, today):
        return None
    since = last + dt.timedelta(days=1) if last is not None else service.start
    if service.records_start is not None:
        since = max(since, service.records_start)
    return calendar.count(since, today - dt.timedelta(days=1))


def assign(
    services: Sequence[ServiceRow], records: Sequence[RecordRow]
) -> tuple[dict[int, list[RecordRow]], list[RecordRow]]:
    """Service pk -> its records, and the records that fit no service (one student)."""
    by_service: dict[int, list[RecordRow]] = {s.pk: [] for s in services}
    unassigned: list[RecordRow] = []
    for record in records:
        fitting = [
            s
            for s in services
            if s.family == record.family and s.iep_start <= record.date <= s.iep_end
        ]
        if not fitting:
            unassigned.append(record)
            continue
        chosen = max(fitting, key=lambda s: (s.iep_start, s.iep_pk))
        by_service[chosen.pk].append(record)
    return by_service, unassigned


def student_ledger(
    student_id: int,
    services: Sequence[ServiceRow],
    records: Sequence[RecordRow],
    *,
    calendar: SchoolCalendar,
    owed_reasons: Iterable[str],
    today: dt.date,
    through: dt.date | None = None,
) -> StudentLedger:
    owed = set(owed_reasons)
    ordered = sorted(services, key=lambda s: (s.iep_start, s.discipline, s.pk))
    by_service, unassigned = assign(ordered, records)
    return StudentLedger(
        student_id=student_id,
        services=[
            service_ledger(
                s,
                by_service[s.pk],
                calendar=calendar,
                owed_reasons=owed,
                today=today,
                through=through,
            )
            for s in ordered
        ],
        # An unopened standing occurrence outside every IEP is no logged minute: dropped.
        unassigned=sorted((r for r in unassigned if r.pk is not None), key=_sort_key),
    )


# --- Loading (a fixed number of queries) ---------------------------------------------------


@dataclass
class LedgerBook:
    """Ledgers of many students, with what the pages need to name and group them."""

    today: dt.date
    calendar: SchoolCalendar
    owed_reasons: frozenset[str]
    ledgers: dict[int, StudentLedger]


def calendar_for(district: District) -> SchoolCalendar:
    from pushin.district.models import Closure

    closures = tuple(
        Closure.objects.filter(district=district).order_by("start").values_list("start", "end")
    )
    return SchoolCalendar(district.school_year_start, district.school_year_end, closures)


def records_starts(
    student_ids: Sequence[int], district: District | None
) -> dict[tuple[int, str], dt.date | None]:
    """(student, discipline family) -> the records start of that service line: the latest
    of the records starts of the student's providers of that family (a provider's own, else
    the district's), so that nothing is claimed owed before every provider's records
    start. A family without a provider: the district's (absent from the result)."""
    from pushin.caseload.models import Student

    district_start = district.records_start if district is not None else None
    starts: dict[tuple[int, str], dt.date | None] = {}
    links = Student.providers.through.objects.filter(student_id__in=student_ids).values_list(
        "student_id", "provider__discipline", "provider__records_start"
    )
    for student_id, discipline, own in links:
        key = (student_id, family(discipline))
        day = own if own is not None else district_start
        if key not in starts:
            starts[key] = day
        else:
            known = starts[key]
            starts[key] = max(known, day) if known is not None and day is not None else None
    return starts


def _service_rows(
    student_ids: Sequence[int],
    *,
    district: District,
    starts: dict[tuple[int, str], dt.date | None],
) -> dict[int, list[ServiceRow]]:
    """Rows of the students' services; `starts`: `records_starts` of them (or of more)."""
    from django.db.models import F, Prefetch

    from pushin.caseload.models import MandateVersion, Service

    district_start = district.records_start

    services = (
        Service.objects.filter(iep__student_id__in=student_ids)
        .select_related("iep")
        # Whether whole-class lessons count (pushin/lessons: LessonCredit; none is no).
        .annotate(lessons_count=F("lesson_credit__counts"))
        .prefetch_related(
            Prefetch("versions", queryset=MandateVersion.objects.order_by("effective_from", "pk"))
        )
        .order_by("pk")
    )
    result: dict[int, list[ServiceRow]] = defaultdict(list)
    for service in services:
        result[service.iep.student_id].append(
            ServiceRow(
                pk=service.pk,
                student_id=service.iep.student_id,
                discipline=service.discipline,
                iep_pk=service.iep_id,
                iep_start=service.iep.start,
                iep_end=service.iep.end,
                records_start=starts.get(
                    (service.iep.student_id, family(service.discipline)), district_start
                ),
                lessons_count=bool(service.lessons_count),
                versions=tuple(
                    VersionRow(
                        pk=v.pk,
                        effective_from=v.effective_from,
                        minutes=v.minutes,
                        frequency=v.frequency,
                        session_minutes=v.session_minutes,
                        summary=v.summary(),
                    )
                    for v in service.versions.all()
                ),
            )
        )
    return result


def _record_rows(student_ids: Sequence[int]) -> dict[int, list[RecordRow]]:
    from pushin.sessions.models import SessionStudent

    rows = SessionStudent.objects.filter(student_id__in=student_ids).values_list(
        "pk",
        "student_id",
        "session__date",
        "session__start",
        "session__end",
        "session__provider__discipline",
        "attendance",
        "minutes_delivered",
        "short_reason",
        "makeup_for_id",
        "session_id",
        "session__provider_id",
        "session__is_imported",
        "session__class_lesson__id",  # a whole-class lesson (pushin/lessons)
    )
    result: dict[int, list[RecordRow]] = defaultdict(list)
    for (
        pk,
        student_id,
        date,
        start,
        end,
        discipline,
        attendance,
        minutes,
        short,
        makeup_for,
        session_id,
        provider_id,
        imported,
        lesson,
    ) in rows:
        result[student_id].append(
            RecordRow(
                pk=pk,
                student_id=student_id,
                date=date,
                start=start,
                planned=minutes_between(start, end),
                discipline=discipline,
                attendance=attendance,
                minutes_delivered=minutes,
                short_reason=short,
                makeup_for=makeup_for,
                session_id=session_id,
                provider_id=provider_id,
                is_imported=imported,
                is_lesson=lesson is not None,
            )
        )
    return result


def _disciplines(district: District) -> tuple[tuple[int, str], ...]:
    """The district's providers and their disciplines: which service line each session
    record counts for (a cached ledger's key, see `ledger_cache`)."""
    from pushin.district.models import Provider

    rows = Provider.objects.filter(district=district).order_by("pk")
    return tuple(rows.values_list("pk", "discipline"))


def load_ledgers(
    *,
    district: District,
    students: QuerySet[Student] | Sequence[int],
    today: dt.date,
    through: dt.date | None = None,
    cached: bool = True,
) -> LedgerBook:
    """The ledgers of `students` (a queryset or their pks), in a fixed number of queries;
    `through` limits them to the periods that start by then (see `service_ledger`).

    Ledgers computed before from the same inputs come from `ledger_cache` (`cached=False`
    computes every one afresh: what the cache is tested against)."""
    from django.db.models import QuerySet

    from pushin.sessions import ledger_cache

    ids = (
        list(students.values_list("pk", flat=True))
        if isinstance(students, QuerySet)
        else list(students)
    )
    tokens = ledger_cache.stamps(ids) if cached else {}
    calendar = calendar_for(district)
    owed = frozenset(district.owed_reasons())
    starts = records_starts(ids, district)
    shared = (calendar, owed, district.records_start, _disciplines(district), today, through)
    student_starts: dict[int, list[tuple[str, dt.date | None]]] = defaultdict(list)
    for (student_id, line), day in starts.items():
        student_starts[student_id].append((line, day))
    keys = {
        pk: (pk, tokens[pk], shared, tuple(sorted(student_starts.get(pk, []))))
        for pk in ids
        if pk in tokens
    }
    ledgers = ledger_cache.get_many(keys)
    missing = [pk for pk in ids if pk not in ledgers]
    if missing:
        services = _service_rows(missing, district=district, starts=starts)
        records = _record_rows(missing)
        computed = {
            pk: student_ledger(
                pk,
                services.get(pk, []),
                records.get(pk, []),
                calendar=calendar,
                owed_reasons=owed,
                today=today,
                through=through,
            )
            for pk in missing
        }
        ledger_cache.put_many((keys[pk], ledger) for pk, ledger in computed.items() if pk in keys)
        ledgers.update(computed)
    return LedgerBook(
        today=today,
        calendar=calendar,
        owed_reasons=owed,
        ledgers={pk: ledgers[pk] for pk in ids},
    )

"""Reads the district pages share: week grids, the travel matrix, the dashboard numbers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import groupby

from django.db.models import Count, Prefetch, Q, QuerySet

from pushin.caseload.alerts import CaseloadAlerts, caseload_alerts, ieps_by_student
from pushin.caseload.models import IEP, MandateVersion, Service, Student, planned_weekly_minutes
from pushin.caseload.selectors import IepDates, iep_dates_of
from pushin.district.models import (
    ActivityBlock,
    Classroom,
    Closure,
    District,
    Provider,
    School,
    TimetableException,
    TravelTime,
)
from pushin.timespans import minutes_of, monday_of
from pushin.vocabulary import WEEKDAY_BY_ISO, Delivery, Discipline, Weekday, in_week_order

# --- Week grid ------------------------------------------------------------------------

PX_PER_MINUTE = 1.2
GRID_DEFAULT_FIRST_HOUR = 8
GRID_DEFAULT_LAST_HOUR = 15


@dataclass(frozen=True)
class GridItem:
    """One thing on the week grid: a block, an exception, a window or a busy time."""

    day: str
    start: dt.time
    end: dt.time
    label: str
    css: str = ""
    url: str = ""
    title: str = ""


@dataclass(frozen=True)
class PlacedItem:
    item: GridItem
    top: float
    height: float


@dataclass(frozen=True)
class HourMark:
    label: str
    top: float


@dataclass
class GridDay:
    code: str
    label: str
    date: dt.date | None = None
    note: str = ""
    items: list[PlacedItem] = field(default_factory=list)


@dataclass
class WeekGrid:
    days: list[GridDay]
    hours: list[HourMark]
    height: float


def week_grid(
    items: Iterable[GridItem],
    *,
    week_of: dt.date | None = None,
    px_per_minute: float = PX_PER_MINUTE,
) -> WeekGrid:
    """Lay items out Monday to Friday, time running down, in pixels from the first hour."""
    items = list(items)
    first = GRID_DEFAULT_FIRST_HOUR * 60
    last = GRID_DEFAULT_LAST_HOUR * 60
    for item in items:
        first = min(first, minutes_of(item.start) // 60 * 60)
        last = max(last, -(-minutes_of(item.end) // 60) * 60)
    monday = monday_of(week_of) if week_of else None
    days = [
        GridDay(
            code=code,
            label=label,
            date=monday + dt.timedelta(days=index) if monday else None,
        )
        for index, (code, label) in enumerate(Weekday.choices)
    ]
    by_code = {d.code: d for d in days}
    for item in sorted(items, key=lambda i: (i.start, i.end)):
        top = (minutes_of(item.start) - first) * px_per_minute
        height = (minutes_of(item.end) - minutes_of(item.start)) * px_per_minute
        by_code[item.day].items.append(PlacedItem(item=item, top=top, height=height))
    hours = [
        HourMark(label=f"{minute // 60:d}:00", top=(minute - first) * px_per_minute)
        for minute in range(first, last, 60)
    ]
    return WeekGrid(days=days, hours=hours, height=(last - first) * px_per_minute)


# --- Classrooms -------------------------------------------------------------------------


@dataclass
class SchoolRooms:
    school: School
    rooms: list[Classroom]


def classrooms_by_school(rooms: QuerySet[Classroom]) -> list[SchoolRooms]:
    """Visible rooms grouped by school, each with `caseload_count` (active students)."""
    annotated = rooms.annotate(
        caseload_count=Count("students", filter=Q(students__active=True), distinct=True)
    ).order_by("school__name", "school_id", "name")
    return [
        SchoolRooms(school=school, rooms=list(group))
        for school, group in groupby(annotated, key=lambda room: room.school)
    ]


@dataclass
class ExceptionLists:
    upcoming: list[TimetableException]
    past: list[TimetableException]


def classroom_exceptions(classroom: Classroom, *, today: dt.date) -> ExceptionLists:
    """The room's dated exceptions: upcoming soonest first, then past most recent first."""
    rows = list(classroom.exceptions.select_related("created_by").order_by("date", "start"))
    upcoming = [e for e in rows if e.date >= today]
    past = sorted((e for e in rows if e.date < today), key=lambda e: (e.date, e.start))[::-1]
    return ExceptionLists(upcoming=upcoming, past=past)


@dataclass
class TimetableWeek:
    grid: WeekGrid
    blocks: list[ActivityBlock]
    week_exceptions: list[TimetableException]
    week_closures: list[Closure]
    monday: dt.date


def timetable_week(
    classroom: Classroom, *, week_of: dt.date, block_url: Callable[[int], str] | None = None
) -> TimetableWeek:
    """The weekly blocks with the exceptions and closures of the week containing `week_of`.

    `block_url` gives a block's edit link from its pk.
    """
    monday = monday_of(week_of)
    friday = monday + dt.timedelta(days=4)
    blocks = list(in_week_order(classroom.blocks.all()))
    exceptions = list(
        classroom.exceptions.filter(date__range=(monday, friday)).order_by("date", "start")
    )
    closures = list(classroom.school.district.closures.filter(start__lte=friday, end__gte=monday))
    items = [
        GridItem(
            day=b.day,
            start=b.start,
            end=b.end,
            label=f"{b.start:%H:%M} {b.get_activity_display()}",
            css=f"act-{b.activity}"
            + (f" pref-{b.teacher_preference}" if b.teacher_preference else ""),
            url=block_url(b.pk) if block_url else "",
            title=str(b)
            + (f" ({b.get_teacher_preference_display()})" if b.teacher_preference else ""),
        )
        for b in blocks
    ]
    for e in exceptions:
        cancelled = e.kind == "cancelled"
        items.append(
            GridItem(
                day=WEEKDAY_BY_ISO[e.date.isoweekday()],
                start=e.start,
                end=e.end,
                label=("Cancelled" if cancelled else e.get_activity_display())
                + (f": {e.note}" if e.note else ""),
                css="exc exc-cancelled" if cancelled else f"exc act-{e.activity}",
                title=f"Exception: {e}",
            )
        )
    grid = week_grid(items, week_of=monday)
    for day in grid.days:
        closed = [c for c in closures if day.date is not None and c.covers(day.date)]
        if closed:
            day.note = f"No school: {closed[0].name}"
    return TimetableWeek(
        grid=grid,
        blocks=blocks,
        week_exceptions=exceptions,
        week_closures=closures,
        monday=monday,
    )


# --- Schools and travel -----------------------------------------------------------------


@dataclass(frozen=True)
class MatrixCell:
    a: School
    b: School
    minutes: int | None  # None: not entered yet

    @property
    def diagonal(self) -> bool:
        return self.a.pk == self.b.pk


@dataclass
class MatrixRow:
    school: School
    cells: list[MatrixCell]


def travel_matrix(schools: Sequence[School]) -> list[MatrixRow]:
    """Minutes between every pair of schools, 0 on the diagonal, None when missing."""
    ids = [s.pk for s in schools]
    stored = {
        (t.from_school_id, t.to_school_id): t.minutes
        for t in TravelTime.objects.filter(from_school_id__in=ids, to_school_id__in=ids)
    }

    def minutes(a: School, b: School) -> int | None:
        if a.pk == b.pk:
            return 0
        return stored.get((min(a.pk, b.pk), max(a.pk, b.pk)))

    return [
        MatrixRow(school=a, cells=[MatrixCell(a, b, minutes(a, b)) for b in schools])
        for a in schools
    ]


def travel_cell(a: School, b: School) -> MatrixCell:
    if a.pk == b.pk:
        return MatrixCell(a, b, 0)
    low, high = sorted((a.pk, b.pk))
    row = TravelTime.objects.filter(from_school_id=low, to_school_id=high).first()
    return MatrixCell(a, b, row.minutes if row else None)


# --- A provider's week ------------------------------------------------------------------


def availability_week(provider: Provider) -> WeekGrid:
    windows = list(provider.availability.select_related("school"))
    busy = list(provider.busy_times.all())
    items = [
        GridItem(
            day=w.day,
            start=w.start,
            end=w.end,
            label=f"{w.start:%H:%M}-{w.end:%H:%M} " + (w.school.name if w.school else "any school"),
            css="avail",
            title=f"Available {w}" + (f" at {w.school.name}" if w.school else ""),
        )
        for w in windows
    ] + [
        GridItem(
            day=b.day,
            start=b.start,
            end=b.end,
            label=b.label or "Busy",
            css="busy",
            title=f"Busy {b}",
        )
        for b in busy
    ]
    return week_grid(items)


# --- Dashboard --------------------------------------------------------------------------

# Mandated DIRECT minutes above this share of the contracted week mean over capacity: the
# rest of a provider's workload (travel between schools, documentation, meetings,
# consultation, evaluations) has to fit in what is left, and in practice takes ~40%.
OVER_CAPACITY_SHARE = 0.60

# An assistant delivers the service of their supervising discipline.
SERVICE_DISCIPLINE = {
    Discipline.OT: Discipline.OT,
    Discipline.COTA: Discipline.OT,
    Discipline.PT: Discipline.PT,
    Discipline.PTA: Discipline.PT,
    Discipline.SLP: Discipline.SLP,
    Discipline.SLPA: Discipline.SLP,
}
DIRECT_DELIVERIES = {Delivery.PUSH_IN, Delivery.PULL_OUT}


@dataclass
class ProviderLoad:
    provider: Provider
    students: int
    mandated_minutes: int
    direct_minutes: int
    contracted_minutes: int

    @property
    def direct_share(self) -> float | None:
        if not self.contracted_minutes:
            return None
        return self.direct_minutes / self.contracted_minutes

    @property
    def direct_percent(self) -> int | None:
        share = self.direct_share
        return None if share is None else round(share * 100)

    @property
    def over_capacity(self) -> bool:
        share = self.direct_share
        if share is None:
            return self.direct_minutes > 0
        return share > OVER_CAPACITY_SHARE


@dataclass
class SchoolLoad:
    school: School
    classrooms: int
    students: int
    providers: int


@dataclass
class DistrictDashboard:
    on: dt.date
    schools: int
    classrooms: int
    students: int  # with an IEP in force on `on`, as compliance and plans count them
    providers: int
    provider_loads: list[ProviderLoad]
    school_loads: list[SchoolLoad]
    iep_dates: IepDates  # who is not counted and why
    alerts: CaseloadAlerts  # IEPs ending or expired, annual reviews due or overdue
    threshold_percent: int = round(OVER_CAPACITY_SHARE * 100)


def _provider_load(provider: Provider, on: dt.date) -> ProviderLoad:
    discipline = SERVICE_DISCIPLINE.get(Discipline(provider.discipline), provider.discipline)
    students = provider.dashboard_students  # type: ignore[attr-defined]
    mandated = direct = 0
    served: set[int] = set()  # an IEP in force with a service of the provider's discipline
    for student in students:
        for iep in student.ieps.all():
            if not iep.is_in_force(on):
                continue
            weeks = max((iep.end - iep.start).days / 7, 1.0)
            for service in iep.services.all():
                if service.discipline != discipline:
                    continue
                served.add(student.pk)
                version = service.version_on(on)
                if version is None:
                    continue
                weekly = version.weekly_minutes(iep_weeks=weeks)
                mandated += weekly
                if version.delivery in DIRECT_DELIVERIES:
                    direct += weekly
    return ProviderLoad(
        provider=provider,
        students=len(served),
        mandated_minutes=mandated,
        direct_minutes=direct,
        contracted_minutes=provider.contracted_minutes_per_week,
    )


def _with_mandates(providers: QuerySet[Provider], on: dt.date) -> QuerySet[Provider]:
    """Providers with what `_provider_load` reads: active students, IEPs in force on `on`."""
    active = Student.objects.filter(active=True)
    return providers.select_related("user").prefetch_related(
        Prefetch(
            "students",
            queryset=active.only("pk").prefetch_related(
                Prefetch(
                    "ieps",
                    queryset=IEP.objects.filter(start__lte=on, end__gte=on).prefetch_related(
                        "services__versions"
                    ),
                )
            ),
            to_attr="dashboard_students",
        )
    )


def provider_load(provider: Provider, *, on: dt.date) -> ProviderLoad:
    """One provider's weekly mandated minutes on `on`, as the dashboard counts them
    (`_provider_load`), read as rows: the plan pages ask on every view, and the nested
    instances of a caseload's students, IEPs, services and versions cost more than the
    rest of the page."""
    discipline = SERVICE_DISCIPLINE.get(Discipline(provider.discipline), provider.discipline)
    services = Service.objects.filter(
        discipline=discipline,
        iep__start__lte=on,
        iep__end__gte=on,
        iep__student__active=True,
        iep__student__providers=provider,
    )
    # service pk -> (student pk, the IEP's length in weeks)
    served = {
        pk: (student, max((end - start).days / 7, 1.0))
        for pk, student, start, end in services.values_list(
            "pk", "iep__student_id", "iep__start", "iep__end"
        )
    }
    in_force: dict[int, tuple[tuple[dt.date, int], int, str]] = {}  # the latest version
    for service, since, pk, frequency, minutes, session_minutes, delivery in (
        MandateVersion.objects.filter(service__in=services.values("pk"), effective_from__lte=on)
        .values_list(
            "service_id",
            "effective_from",
            "pk",
            "frequency",
            "minutes",
            "session_minutes",
            "delivery",
        )
        .iterator()
    ):
        if service in in_force and in_force[service][0] > (since, pk):
            continue
        weekly = planned_weekly_minutes(
            frequency=frequency,
            minutes=minutes,
            session_minutes=session_minutes,
            iep_weeks=served[service][1],
        )
        in_force[service] = ((since, pk), weekly, delivery)
    return ProviderLoad(
        provider=provider,
        students=len({student for student, _ in served.values()}),
        mandated_minutes=sum(weekly for _, weekly, _ in in_force.values()),
        direct_minutes=sum(
            weekly for _, weekly, delivery in in_force.values() if delivery in DIRECT_DELIVERIES
        ),
        contracted_minutes=provider.contracted_minutes_per_week,
    )


def district_dashboard(district: District, *, on: dt.date) -> DistrictDashboard:
    """Aggregates only: counts and minutes, never a student's name or clinical detail."""
    providers = _with_mandates(Provider.objects.filter(district=district), on)
    loads = [_provider_load(p, on) for p in providers]
    schools = (
        School.objects.filter(district=district)
        .annotate(
            n_classrooms=Count("classrooms", distinct=True),
            n_students=Count(
                "classrooms__students",
                filter=Q(
                    classrooms__students__active=True,
                    classrooms__students__ieps__start__lte=on,
                    classrooms__students__ieps__end__gte=on,
                ),
                distinct=True,
            ),
            n_providers=Count(
                "classrooms__students__providers",
                filter=Q(classrooms__students__active=True),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    school_loads = [
        SchoolLoad(
            school=s,
            classrooms=s.n_classrooms,
            students=s.n_students,
            providers=s.n_providers,
        )
        for s in schools
    ]
    students = list(
        Student.objects.filter(district=district, active=True)
        .select_related("classroom__school")
        .order_by("pk")
    )
    ieps = ieps_by_student(s.pk for s in students)
    dates = iep_dates_of(students, ieps=ieps, on=on)
    return DistrictDashboard(
        on=on,
        schools=len(school_loads),
        classrooms=sum(s.classrooms for s in school_loads),
        students=dates.in_force,
        providers=len(loads),
        provider_loads=loads,
        school_loads=school_loads,
        iep_dates=dates,
        alerts=caseload_alerts(students, ieps=ieps, today=on),
    )

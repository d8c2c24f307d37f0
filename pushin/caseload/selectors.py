"""Reads the caseload pages share: the caseload list, the student page, the fit table."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, cast

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet

from pushin.accounts.models import Role, User
from pushin.caseload.access import StudentAccess, students_visible_to
from pushin.caseload.alerts import (
    ALERT_DAYS,
    AlertSource,
    CaseloadAlerts,
    alerted,
    caseload_alerts,
    has_iep_alerts,
)
from pushin.caseload.fit import FitTable, default_fit, district_fit_edits, fit_table_for, goal_fit
from pushin.caseload.models import (
    IEP,
    Goal,
    MandateVersion,
    Service,
    Student,
    StudentUnavailability,
    planned_weekly_minutes,
)
from pushin.district.models import Classroom, District, Provider, School
from pushin.vocabulary import Activity, Domain, in_week_order

REVIEW_SOON_DAYS = ALERT_DAYS  # the review badge and the alerts use one window
CASELOAD_PAGE_SIZE = 50  # students a page of the caseload list shows


def current_iep(ieps: list[IEP], today: dt.date) -> IEP | None:
    """The IEP in force today; else the next one to start; else the latest that ended."""
    in_force = [iep for iep in ieps if iep.is_in_force(today)]
    if in_force:
        return max(in_force, key=lambda iep: (iep.start, iep.pk))
    upcoming = [iep for iep in ieps if iep.start > today]
    if upcoming:
        return min(upcoming, key=lambda iep: (iep.start, iep.pk))
    return max(ieps, key=lambda iep: (iep.end, iep.pk), default=None)


def mandate_shown(service: Service, today: dt.date) -> MandateVersion | None:
    """The version in force today, or (before the first takes effect) the first version."""
    in_force = service.version_on(today)
    if in_force is not None:
        return in_force
    return min(service.versions.all(), key=lambda v: (v.effective_from, v.pk), default=None)


@dataclass
class ServiceMandate:
    """One service of an IEP with its whole mandate history (oldest first)."""

    service: Service
    versions: list[MandateVersion]
    shown: MandateVersion | None  # in force today (or the first one, before it starts)
    in_force: MandateVersion | None

    @property
    def weekly_minutes(self) -> int:
        return self.shown.weekly_minutes() if self.shown is not None else 0

    @property
    def latest(self) -> MandateVersion | None:
        return self.versions[-1] if self.versions else None


def service_mandate(service: Service, today: dt.date) -> ServiceMandate:
    versions = sorted(service.versions.all(), key=lambda v: (v.effective_from, v.pk))
    return ServiceMandate(
        service=service,
        versions=versions,
        shown=mandate_shown(service, today),
        in_force=service.version_on(today),
    )


def review_days(iep: IEP | None, today: dt.date) -> int | None:
    return (iep.annual_review - today).days if iep is not None else None


# --- The caseload list -------------------------------------------------------------------


class ListedStudent(NamedTuple):
    """A student the filters keep, as the totals and the pages count them (a value row:
    only the page's and the alerted students are loaded as objects)."""

    pk: int
    ref: str
    active: bool


@dataclass(frozen=True)
class ProviderShown:
    """A provider as a caseload row names them."""

    name: str
    discipline: str


@dataclass
class CaseloadRow:
    student: Student
    iep: IEP | None
    mandates: list[ServiceMandate]
    review_in_days: int | None
    providers: list[ProviderShown] = field(default_factory=list)

    @property
    def weekly_minutes(self) -> int:
        return sum(m.weekly_minutes for m in self.mandates)

    @property
    def review_soon(self) -> bool:
        return self.review_in_days is not None and 0 <= self.review_in_days <= REVIEW_SOON_DAYS

    @property
    def review_overdue(self) -> bool:
        return self.review_in_days is not None and self.review_in_days < 0


@dataclass
class Caseload:
    # Every student the filters keep (the totals count them all)...
    students: list[ListedStudent]
    # ...the weekly minutes of their mandates shown today (CaseloadRow.weekly_minutes)...
    weekly_minutes: int
    # What to act on for the students listed (pushin/caseload/alerts.py); None for the
    # people alerts leave out (teachers, paras).
    alerts: CaseloadAlerts | None
    # ...and the page of them the table shows, each with its IEP, mandates and providers.
    page: Page[CaseloadRow]
    # A provider's own count of IEPs in force (who is not counted in their compliance and
    # plans, and why); nobody else's page has it.
    iep_dates: IepDates | None = None

    @property
    def shown_student_ids(self) -> set[int]:
        """The students this page names: its rows and the students alerted (the reads
        the audit records)."""
        ids = {row.student.pk for row in self.page.object_list}
        if self.alerts is not None:
            ids |= {alert.student.pk for alert in self.alerts.alerts}
        return ids

    @property
    def student_count(self) -> int:
        return len(self.students)


def caseload_filter_options(
    user: User,
) -> tuple[QuerySet[School], QuerySet[Classroom], QuerySet[Provider]]:
    """What the filter dropdowns offer: only schools, rooms and providers of visible students."""
    visible = students_visible_to(user)
    schools = School.objects.filter(classrooms__students__in=visible).distinct()
    classrooms = Classroom.objects.filter(students__in=visible).select_related("school").distinct()
    providers = Provider.objects.filter(students__in=visible).select_related("user").distinct()
    return schools, classrooms, providers


# A mandate version as the caseload reads it: effective_from, pk, frequency, minutes,
# session_minutes, delivery, grouping, max_group.
_VersionRow = tuple[dt.date, int, str, int, int, str, str, int]


@dataclass
class _ServiceRows:
    discipline: str
    versions: list[_VersionRow]  # oldest first

    def shown(self, today: dt.date) -> tuple[_VersionRow | None, _VersionRow | None]:
        """(the version shown, the version in force): `mandate_shown`'s rule."""
        in_force = [v for v in self.versions if v[0] <= today]
        if in_force:
            return in_force[-1], in_force[-1]
        return (self.versions[0] if self.versions else None), None


def _services_of(
    students: QuerySet[Student], iep_ids: set[int]
) -> dict[int, dict[int, _ServiceRows]]:
    """The services of these IEPs (of `students`) with their versions, as value rows by
    IEP and service. One query."""
    rows = (
        Service.objects.filter(iep__student__in=students.values("pk"))
        .order_by("iep_id", "pk", "versions__effective_from", "versions__pk")
        .values_list(
            "iep_id",
            "pk",
            "discipline",
            "versions__effective_from",
            "versions__pk",
            "versions__frequency",
            "versions__minutes",
            "versions__session_minutes",
            "versions__delivery",
            "versions__grouping",
            "versions__max_group",
        )
    )
    services: dict[int, dict[int, _ServiceRows]] = defaultdict(dict)
    for iep_id, service_id, discipline, *version in rows:
        if iep_id not in iep_ids:
            continue
        found = services[iep_id].setdefault(service_id, _ServiceRows(discipline, []))
        if version[1] is not None:  # a service with no version yet
            found.versions.append(tuple(version))  # type: ignore[arg-type]
    return services


def _mandate(service_id: int, iep: IEP, rows: _ServiceRows, today: dt.date) -> ServiceMandate:
    """`service_mandate` from value rows (for the page's students only)."""
    service = Service(pk=service_id, iep=iep, discipline=rows.discipline)
    versions = [
        MandateVersion(
            pk=pk,
            service=service,
            effective_from=effective_from,
            frequency=frequency,
            minutes=minutes,
            session_minutes=session_minutes,
            delivery=delivery,
            grouping=grouping,
            max_group=max_group,
        )
        for (
            effective_from,
            pk,
            frequency,
            minutes,
            session_minutes,
            delivery,
            grouping,
            max_group,
        ) in rows.versions
    ]
    by_pk = {v.pk: v for v in versions}
    shown, in_force = rows.shown(today)
    return ServiceMandate(
        service=service,
        versions=versions,
        shown=by_pk[shown[1]] if shown is not None else None,
        in_force=by_pk[in_force[1]] if in_force is not None else None,
    )


def _weekly_minutes(services: Mapping[int, Mapping[int, _ServiceRows]], today: dt.date) -> int:
    """The sum of `CaseloadRow.weekly_minutes` over these services' IEPs."""
    total = 0
    for by_service in services.values():
        for rows in by_service.values():
            shown, _ = rows.shown(today)
            if shown is not None:
                total += planned_weekly_minutes(
                    frequency=shown[2], minutes=shown[3], session_minutes=shown[4]
                )
    return total


def _providers_of(student_ids: list[int]) -> dict[int, list[ProviderShown]]:
    """Each student's providers, in the providers' order (by name). One query."""
    through = Student.providers.through
    rows = (
        through.objects.filter(student_id__in=student_ids)
        .order_by("provider__user__last_name", "provider__user__first_name", "provider_id")
        .values_list(
            "student_id",
            "provider__user__first_name",
            "provider__user__last_name",
            "provider__user__username",
            "provider__discipline",
        )
    )
    providers: dict[int, list[ProviderShown]] = defaultdict(list)
    for student_id, first, last, username, discipline in rows:
        # `User.display_name`, from the row
        name = f"{first} {last}".strip() or username
        providers[student_id].append(ProviderShown(name=name, discipline=discipline))
    return providers


def caseload_for(
    user: User,
    *,
    today: dt.date,
    school: School | None = None,
    classroom: Classroom | None = None,
    provider: Provider | None = None,
    alert_sources: Sequence[AlertSource] = (),
    page: int | str | None = None,
    per_page: int = CASELOAD_PAGE_SIZE,
) -> Caseload:
    """The students `user` sees (filtered), each with the IEP and mandates shown, and
    the alerts on them; `page` (1 when missing or out of range) of them for the table.
    A fixed number of queries (plus the alert sources'), whatever the number of students."""
    students = students_visible_to(user)
    if school is not None:
        students = students.filter(classroom__school=school)
    if classroom is not None:
        students = students.filter(classroom=classroom)
    if provider is not None:
        students = students.filter(providers=provider)
    # Every filtered student counts in the totals and the alerts, from value rows and
    # their IEPs; only the students the page names (its rows, the alerted) are objects.
    listed = [
        ListedStudent(*row)
        for row in students.order_by(
            "last_name",
            "first_name",
            "pk",  # the same order on every page
        ).values_list("pk", "ref", "active")
    ]
    # The IEPs (and the services) of the filtered students by a subquery: an IN list of
    # hundreds of ids costs more to build than the rows it reads.
    ieps: dict[int, list[IEP]] = {s.pk: [] for s in listed}
    for iep in IEP.objects.filter(student__in=students.values("pk")):
        ieps[iep.student_id].append(iep)
    shown_ieps = {pk: current_iep(student_ieps, today) for pk, student_ieps in ieps.items()}
    shown = Paginator(listed, per_page).get_page(page)
    page_ids = [s.pk for s in shown.object_list]
    alerts_on = alerted(StudentAccess.for_user(user))
    active = {s.pk for s in listed if s.active}
    alerted_ids = (
        {pk for pk in active if has_iep_alerts(ieps[pk], today=today)} if alerts_on else set()
    )
    loaded = Student.objects.select_related("classroom__school").in_bulk(
        sorted(set(page_ids) | alerted_ids)
    )
    alerts = None
    if alerts_on:
        alerts = caseload_alerts(
            [loaded[pk] for pk in sorted(loaded)],
            ieps=ieps,
            today=today,
            sources=alert_sources,
            about=active,
        )
    dates = None
    if user.role == Role.PROVIDER:  # the provider's own caseload; nobody else's page has it
        dates = iep_dates_of(listed, ieps=ieps, on=today)
    services = _services_of(students, {iep.pk for iep in shown_ieps.values() if iep is not None})
    providers = _providers_of(page_ids)
    rows = []
    for pk in page_ids:
        row_iep = shown_ieps[pk]
        mandates = []
        if row_iep is not None and row_iep.pk in services:
            mandates = [
                _mandate(service_id, row_iep, service_rows, today)
                for service_id, service_rows in services[row_iep.pk].items()
            ]
        rows.append(
            CaseloadRow(
                student=loaded[pk],
                iep=row_iep,
                mandates=mandates,
                review_in_days=review_days(row_iep, today),
                providers=providers.get(pk, []),
            )
        )
    return Caseload(
        students=listed,
        weekly_minutes=_weekly_minutes(services, today),
        alerts=alerts,
        page=Page(rows, shown.number, cast("Paginator[CaseloadRow]", shown.paginator)),
        iep_dates=dates,
    )


# --- IEP dates: who is counted ------------------------------------------------------------


@dataclass
class IepDates:
    """Who of a set of active students has an IEP in force on one day.

    One definition every count uses: a student is counted (on the dashboard, in
    compliance, in plans) while an IEP is in force that day. The others are said, with
    their reason, so that no count differs from another without an explanation. (The
    students to act on, expired IEPs and reviews due, are the alerts:
    pushin/caseload/alerts.py.)
    """

    on: dt.date
    in_force: int = 0
    expired: int = 0  # the last IEP ended, none after it
    not_started: int = 0  # the next IEP starts later
    no_iep: int = 0  # none recorded

    @property
    def not_counted(self) -> int:
        return self.expired + self.not_started + self.no_iep

    @property
    def not_counted_words(self) -> str:
        """Why some are not counted: '10 students have no IEP in force on Dec 5, 2026
        (10 expired)'."""
        n = self.not_counted
        why = [
            f"{count} {words}"
            for count, words in (
                (self.expired, "expired"),
                (self.not_started, "starting later"),
                (self.no_iep, "with none recorded"),
            )
            if count
        ]
        return (
            f"{n} student{'s' if n != 1 else ''} {'have' if n != 1 else 'has'} no IEP in force "
            f"on {self.on:%b} {self.on.day}, {self.on.year} ({', '.join(why)})"
        )


def iep_dates(students: QuerySet[Student], *, on: dt.date) -> IepDates:
    """Which of `students` (active ones) have an IEP in force on `on`, and why the others
    do not. Two queries, whatever the number of students."""
    ids = set(students.filter(active=True).values_list("pk", flat=True))
    spans: dict[int, list[tuple[dt.date, dt.date]]] = {pk: [] for pk in ids}
    for student_id, start, end in IEP.objects.filter(student_id__in=ids).values_list(
        "student_id", "start", "end"
    ):
        spans[student_id].append((start, end))
    return _count_iep_dates(spans.values(), on=on)


def iep_dates_of(
    students: Iterable[Student | ListedStudent], *, ieps: Mapping[int, Sequence[IEP]], on: dt.date
) -> IepDates:
    """`iep_dates` of students whose IEPs are loaded (`ieps_by_student`); no query."""
    spans = ([(i.start, i.end) for i in ieps[s.pk]] for s in students if s.active)
    return _count_iep_dates(spans, on=on)


def _count_iep_dates(
    students_ieps: Iterable[list[tuple[dt.date, dt.date]]], *, on: dt.date
) -> IepDates:
    """Each student's IEP spans (start, end), counted by where `on` falls."""
    dates = IepDates(on=on)
    for ieps in students_ieps:
        if any(start <= on <= end for start, end in ieps):
            dates.in_force += 1
        elif not ieps:
            dates.no_iep += 1
        elif any(start > on for start, _ in ieps):
            dates.not_started += 1
        else:
            dates.expired += 1
    return dates


# --- The student page ---------------------------------------------------------------------


@dataclass
class GoalFit:
    """A goal with its effective fit (district table + its own overrides)."""

    goal: Goal
    fit: dict[str, float]
    table_row: dict[str, float]

    @property
    def best(self) -> list[tuple[str, float]]:
        """The activities that suit the goal best, by label, highest first (up to 4)."""
        labels = dict(Activity.choices)
        ranked = sorted(
            ((w, a) for a, w in self.fit.items() if w > 0), key=lambda pair: (-pair[0], pair[1])
        )
        return [(labels[a], w) for w, a in ranked[:4]]

    @property
    def overrides(self) -> list[tuple[str, str, float, float]]:
        """(activity id, label, the goal's weight, the district table's weight)."""
        labels = dict(Activity.choices)
        return [
            (o.activity, labels.get(o.activity, o.activity), o.weight, self.table_row[o.activity])
            for o in sorted(self.goal.fit_overrides.all(), key=lambda o: o.activity)
        ]


def goal_fit_view(goal: Goal, table: FitTable) -> GoalFit:
    return GoalFit(
        goal=goal,
        fit=goal_fit(goal, table),
        table_row={a: table.get(goal.domain, {}).get(a, 0.0) for a in Activity.values},
    )


@dataclass
class IEPView:
    iep: IEP
    is_current: bool
    mandates: list[ServiceMandate]
    goals: list[GoalFit]
    review_in_days: int | None

    @property
    def review_soon(self) -> bool:
        return self.review_in_days is not None and 0 <= self.review_in_days <= REVIEW_SOON_DAYS


@dataclass
class StudentPage:
    student: Student
    access: StudentAccess
    today: dt.date
    ieps: list[IEPView] = field(default_factory=list)
    providers: list[Provider] = field(default_factory=list)
    paras: list[User] = field(default_factory=list)
    unavailable: list[StudentUnavailability] = field(default_factory=list)  # Monday first


def student_page(student: Student, access: StudentAccess, today: dt.date) -> StudentPage:
    """Everything the student page shows, trimmed to what `access` allows."""
    page = StudentPage(student=student, access=access, today=today)
    if not access.mandate:
        return page
    page.providers = list(student.providers.select_related("user"))
    page.paras = list(student.paras.all())
    page.unavailable = list(in_week_order(student.unavailable.all()))
    ieps = list(
        student.ieps.prefetch_related("services__versions").prefetch_related(
            Prefetch("goals", queryset=Goal.objects.prefetch_related("fit_overrides"))
        )
    )
    current = current_iep(ieps, today)
    table = fit_table_for(student.district) if access.goals else {}
    for iep in ieps:
        page.ieps.append(
            IEPView(
                iep=iep,
                is_current=iep == current,
                mandates=[service_mandate(s, today) for s in iep.services.all()],
                goals=[goal_fit_view(g, table) for g in iep.goals.all()] if access.goals else [],
                review_in_days=review_days(iep, today),
            )
        )
    return page


def goal_with_fit(goal: Goal) -> GoalFit:
    """One goal (fresh from the database) with its fit, for the per-goal fit partial."""
    fresh = Goal.objects.select_related("iep__student__district").prefetch_related("fit_overrides")
    loaded = fresh.get(pk=goal.pk)
    return goal_fit_view(loaded, fit_table_for(loaded.iep.student.district))


# --- The fit table ------------------------------------------------------------------------


@dataclass(frozen=True)
class FitCell:
    domain: str
    activity: str
    weight: float
    default: float
    edited: bool

    @property
    def domain_label(self) -> str:
        return str(Domain(self.domain).label)

    @property
    def activity_label(self) -> str:
        return str(Activity(self.activity).label)


@dataclass(frozen=True)
class FitRow:
    domain: str
    label: str
    cells: list[FitCell]


def _cell(domain: str, activity: str, edits: dict[tuple[str, str], float]) -> FitCell:
    default = default_fit(domain, activity)
    edited = (domain, activity) in edits
    return FitCell(
        domain=domain,
        activity=activity,
        weight=edits[(domain, activity)] if edited else default,
        default=default,
        edited=edited,
    )


def fit_cell(district: District, domain: str, activity: str) -> FitCell:
    return _cell(domain, activity, district_fit_edits(district))


def fit_rows(district: District) -> list[FitRow]:
    """The district's table, domain by domain, every activity a column."""
    edits = district_fit_edits(district)
    return [
        FitRow(
            domain=domain,
            label=str(label),
            cells=[_cell(domain, activity, edits) for activity in Activity.values],
        )
        for domain, label in Domain.choices
    ]

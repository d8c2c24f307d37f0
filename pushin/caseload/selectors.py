"""Reads the caseload pages share: the caseload list, the student page, the fit table."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, QuerySet, prefetch_related_objects

from pushin.accounts.models import Role, User
from pushin.caseload.access import StudentAccess, students_visible_to
from pushin.caseload.alerts import (
    ALERT_DAYS,
    AlertSource,
    CaseloadAlerts,
    alerted,
    caseload_alerts,
)
from pushin.caseload.fit import FitTable, default_fit, district_fit_edits, fit_table_for, goal_fit
from pushin.caseload.models import (
    IEP,
    Goal,
    MandateVersion,
    Service,
    Student,
    StudentUnavailability,
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


@dataclass
class CaseloadRow:
    student: Student
    iep: IEP | None
    mandates: list[ServiceMandate]
    review_in_days: int | None

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
    rows: list[CaseloadRow]
    # What to act on for the students listed (pushin/caseload/alerts.py); None for the
    # people alerts leave out (teachers, paras).
    alerts: CaseloadAlerts | None
    # ...and the page of them the table shows (of CaseloadRow; their providers loaded).
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
        return len(self.rows)

    @property
    def weekly_minutes(self) -> int:
        return sum(row.weekly_minutes for row in self.rows)


def caseload_filter_options(
    user: User,
) -> tuple[QuerySet[School], QuerySet[Classroom], QuerySet[Provider]]:
    """What the filter dropdowns offer: only schools, rooms and providers of visible students."""
    visible = students_visible_to(user)
    schools = School.objects.filter(classrooms__students__in=visible).distinct()
    classrooms = Classroom.objects.filter(students__in=visible).select_related("school").distinct()
    providers = Provider.objects.filter(students__in=visible).select_related("user").distinct()
    return schools, classrooms, providers


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
    students = (
        students.select_related("classroom__school")
        .prefetch_related(
            Prefetch("ieps", queryset=IEP.objects.prefetch_related("services__versions")),
        )
        .order_by("last_name", "first_name", "pk")  # the same order on every page
    )
    rows = []
    for student in students:
        iep = current_iep(list(student.ieps.all()), today)
        services = list(iep.services.all()) if iep is not None else []
        rows.append(
            CaseloadRow(
                student=student,
                iep=iep,
                mandates=[service_mandate(s, today) for s in services],
                review_in_days=review_days(iep, today),
            )
        )
    listed = [row.student for row in rows]
    alerts = None
    if alerted(StudentAccess.for_user(user)):
        alerts = caseload_alerts(listed, today=today, sources=alert_sources)
    dates = None
    if user.role == Role.PROVIDER:  # the provider's own caseload; nobody else's page has it
        dates = iep_dates_of(listed, on=today)
    shown = Paginator(rows, per_page).get_page(page)
    prefetch_related_objects(
        [row.student for row in shown.object_list],
        Prefetch("providers", queryset=Provider.objects.select_related("user")),
    )
    return Caseload(rows=rows, alerts=alerts, page=shown, iep_dates=dates)


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


def iep_dates_of(students: Iterable[Student], *, on: dt.date) -> IepDates:
    """`iep_dates` of students already loaded with their IEPs (no query)."""
    return _count_iep_dates(
        (
            [(iep.start, iep.end) for iep in student.ieps.all()]
            for student in students
            if student.active
        ),
        on=on,
    )


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

"""CSV import of students with their IEP, service mandates and goals.

One row per student x goal (examples/csv/README.md describes every column). Rows of one
student must agree on the student's fields; rows of one student and discipline must agree
on that service's provider and mandate. Existing students (same district and
`student_ref`) are updated:

- a changed mandate adds a NEW MandateVersion from the import's effective-from date
  (versions are never rewritten); an unchanged one adds nothing;
- goals are matched by (domain, text) within the IEP and never duplicated;
- an IEP is matched by its start date; another start date adds a new IEP;
- providers and paras named are added; the import never removes anyone or anything.

Error messages and audit entries never carry names: rows, columns, refs and usernames only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Prefetch

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, Role, User
from pushin.caseload.models import (
    IEP,
    MANDATE_MINUTES_MAX,
    Frequency,
    Goal,
    MandateVersion,
    Method,
    Service,
    Student,
)
from pushin.concurrency import version_bump
from pushin.district.access import providers_visible_to
from pushin.district.csv_import import (
    CsvRow,
    ImportItem,
    ImportResult,
    RowCheck,
    RowError,
    read_csv,
    sorted_errors,
    users_by_username,
)
from pushin.district.models import Classroom, District, Provider
from pushin.vocabulary import Comfort, Delivery, Discipline, Domain, Grouping

STUDENT_REQUIRED = (
    "student_ref",
    "first_name",
    "last_name",
    "school_code",
    "classroom_code",
    "provider_username",
    "iep_start",
    "iep_end",
    "annual_review",
    "discipline",
    "minutes",
    "frequency",
    "session_minutes",
    "delivery",
    "grouping",
    "goal_domain",
    "goal_text",
    "goal_method",
    "goal_target",
)
STUDENT_OPTIONAL = (
    "grade",
    "para_usernames",
    "max_group",
    "goal_baseline",
    "goal_mastery",
    "comfort",
)
# Every row of one student must agree on these.
STUDENT_FIELDS = (
    "first_name",
    "last_name",
    "grade",
    "school_code",
    "classroom_code",
    "para_usernames",
    "iep_start",
    "iep_end",
    "annual_review",
    "comfort",
)
# Every row of one student and discipline must agree on these.
SERVICE_FIELDS = (
    "provider_username",
    "minutes",
    "frequency",
    "session_minutes",
    "delivery",
    "grouping",
    "max_group",
)
GOAL_FIELDS = ("goal_domain", "goal_text", "goal_method", "goal_target")
DEFAULT_MAX_GROUP = 3
IMPORT_REASON = "CSV import"

STUDENT_LABELS = {
    "students_created": "Students created",
    "students_updated": "Students updated",
    "students_unchanged": "Students unchanged",
    "ieps_created": "IEPs created",
    "mandate_versions_added": "Mandate versions added",
    "goals_added": "Goals added",
    "goals_updated": "Goals updated",
}


def can_import_students(user: User) -> bool:
    """Administrators import for the district; providers for their own caseload."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    return user.role == Role.PROVIDER and hasattr(user, "provider")


@dataclass(frozen=True)
class Terms:
    """The terms of a mandate version, as compared between the file and the database."""

    minutes: int
    frequency: str
    session_minutes: int
    delivery: str
    grouping: str
    max_group: int

    @staticmethod
    def of(version: MandateVersion) -> Terms:
        return Terms(
            minutes=version.minutes,
            frequency=version.frequency,
            session_minutes=version.session_minutes,
            delivery=version.delivery,
            grouping=version.grouping,
            max_group=version.max_group,
        )

    def text(self) -> str:
        frequency = Frequency(self.frequency).label
        group = (
            "individual" if self.grouping == Grouping.INDIVIDUAL else f"group <= {self.max_group}"
        )
        delivery = Delivery(self.delivery).label.lower()
        return (
            f"{self.minutes} min {frequency}, {self.session_minutes}-min sessions, "
            f"{delivery}, {group}"
        )


@dataclass
class _ServicePlan:
    row: int
    discipline: str
    provider: Provider
    terms: Terms


@dataclass(frozen=True)
class _GoalPlan:
    row: int
    domain: str
    text: str
    method: str
    baseline: str
    target: str
    mastery: str


@dataclass
class _StudentPlan:
    first: RowCheck
    ref: str
    first_name: str
    last_name: str
    grade: str
    classroom: Classroom
    paras: list[User]
    iep_start: dt.date
    iep_end: dt.date
    annual_review: dt.date
    comfort: str
    services: dict[str, _ServicePlan] = field(default_factory=dict)
    goals: list[_GoalPlan] = field(default_factory=list)


@dataclass
class _Parsed:
    """One row's parsed cells; None or "" where a cell was empty or wrong."""

    row: CsvRow
    ref: str = ""
    first_name: str = ""
    last_name: str = ""
    grade: str = ""
    classroom: Classroom | None = None
    paras: list[User] | None = None
    iep_start: dt.date | None = None
    iep_end: dt.date | None = None
    annual_review: dt.date | None = None
    comfort: str = ""
    discipline: str = ""
    provider: Provider | None = None
    terms: Terms | None = None
    goal: _GoalPlan | None = None


class _Lookups:
    """Everything the rows refer to, fetched in a handful of queries."""

    def __init__(self, *, actor: User, district: District, rows: list[CsvRow]) -> None:
        self.district = district
        self.classrooms = {
            (c.school.code.lower(), c.code.lower()): c
            for c in Classroom.objects.filter(school__district=district).select_related("school")
        }
        self.school_codes = {code for code, _ in self.classrooms} | {
            s.lower() for s in district.schools.values_list("code", flat=True)
        }
        names: set[str] = set()
        for row in rows:
            names.add(row.get("provider_username"))
            names.update(p.strip() for p in row.get("para_usernames").split(";"))
        self.users = users_by_username(district, names)
        if actor.is_superuser or actor.role == Role.ADMIN:
            allowed = Provider.objects.filter(district=district)
            self.own_only = False
        else:
            allowed = providers_visible_to(actor)
            self.own_only = True
        self.allowed_provider_ids = set(allowed.values_list("pk", flat=True))
        refs = {row.get("student_ref") for row in rows if row.get("student_ref")}
        self.students = {
            s.ref: s
            for s in Student.objects.filter(district=district, ref__in=refs)
            .select_related("classroom__school")
            .prefetch_related(
                "providers",
                "paras",
                Prefetch(
                    "ieps",
                    queryset=IEP.objects.prefetch_related("services__versions", "goals"),
                ),
            )
        }


def _parse_row(row: CsvRow, check: RowCheck, look: _Lookups) -> _Parsed:
    p = _Parsed(row)
    p.ref = check.text("student_ref", max_length=32)
    p.first_name = check.text("first_name", max_length=60)
    p.last_name = check.text("last_name", max_length=60)
    p.grade = check.grade()

    school_code = check.code("school_code", max_length=32)
    classroom_code = check.code("classroom_code", max_length=40)
    if school_code and school_code not in look.school_codes:
        check.error(
            "school_code",
            f"unknown school code '{school_code}'; valid: {', '.join(sorted(look.school_codes))}",
        )
    elif school_code and classroom_code:
        p.classroom = look.classrooms.get((school_code, classroom_code))
        if p.classroom is None:
            check.error(
                "classroom_code", f"no classroom '{classroom_code}' at school '{school_code}'"
            )

    paras: list[User] = []
    para_names = [n.strip() for n in row.get("para_usernames").split(";") if n.strip()]
    for name in para_names:
        user = look.users.get(name.lower())
        if user is None:
            check.error("para_usernames", f"unknown para username '{name}'")
        elif user.role != Role.PARA:
            check.error("para_usernames", f"user '{name}' is not a para")
        else:
            paras.append(user)
    if "para_usernames" not in check.bad:
        p.paras = paras
        check.canon["para_usernames"] = ";".join(sorted(u.username for u in paras))

    p.iep_start = check.date("iep_start")
    p.iep_end = check.date("iep_end")
    p.annual_review = check.date("annual_review")
    if p.iep_start and p.iep_end and p.iep_end <= p.iep_start:
        check.error("iep_end", f"IEP end {p.iep_end} is not after its start {p.iep_start}")
    if p.iep_start and p.annual_review and p.annual_review < p.iep_start:
        check.error(
            "annual_review",
            f"annual review {p.annual_review} is before the IEP start {p.iep_start}",
        )
    p.comfort = check.choice("comfort", Comfort.values, what="comfort", required=False)

    p.discipline = check.choice("discipline", Discipline.values, what="discipline")
    provider_name = check.text("provider_username", max_length=150)
    if provider_name:
        user = look.users.get(provider_name.lower())
        provider = getattr(user, "provider", None) if user is not None else None
        if user is None:
            check.error("provider_username", f"unknown provider username '{provider_name}'")
        elif user.role != Role.PROVIDER or provider is None:
            check.error("provider_username", f"user '{provider_name}' is not a provider")
        elif provider.pk not in look.allowed_provider_ids:
            if look.own_only:
                check.error(
                    "provider_username",
                    f"you may import only your own caseload, not provider '{provider_name}'",
                )
            else:
                check.error(
                    "provider_username", f"provider '{provider_name}' works in another district"
                )
        else:
            p.provider = provider
            check.canon["provider_username"] = user.username

    minutes = check.integer("minutes", minimum=1, maximum=MANDATE_MINUTES_MAX)
    session_minutes = check.integer("session_minutes", minimum=5, maximum=120)
    frequency = check.choice("frequency", Frequency.values, what="frequency")
    delivery = check.choice("delivery", Delivery.values, what="delivery")
    grouping = check.choice("grouping", Grouping.values, what="grouping")
    max_group = check.integer("max_group", minimum=1, maximum=20, required=False)
    if "max_group" not in check.bad and max_group is None:
        max_group = DEFAULT_MAX_GROUP
        check.canon["max_group"] = str(DEFAULT_MAX_GROUP)
    if minutes is not None and session_minutes is not None and minutes % session_minutes:
        check.error("minutes", f"{minutes} is not a multiple of session_minutes {session_minutes}")
    elif (
        minutes is not None
        and session_minutes is not None
        and frequency
        and delivery
        and grouping
        and max_group is not None
    ):
        p.terms = Terms(minutes, frequency, session_minutes, delivery, grouping, max_group)

    goal_cells = [*GOAL_FIELDS, "goal_baseline", "goal_mastery"]
    if any(row.get(c) for c in goal_cells):  # a row without any goal cell has no goal
        domain = check.choice("goal_domain", Domain.values, what="goal domain")
        text = check.text("goal_text", max_length=2000)
        method = check.choice("goal_method", Method.values, what="method")
        baseline = check.text("goal_baseline", max_length=200, required=False)
        target = check.text("goal_target", max_length=200)
        mastery = check.text("goal_mastery", max_length=200, required=False)
        if domain and text and method and target and not check.bad & set(goal_cells):
            p.goal = _GoalPlan(row.number, domain, text, method, baseline, target, mastery)
    return p


def _plan(rows: list[CsvRow], look: _Lookups, errors: list[RowError]) -> dict[str, _StudentPlan]:
    """Check every row and group them into one plan per student."""
    plans: dict[str, _StudentPlan] = {}
    firsts: dict[str, RowCheck] = {}
    service_firsts: dict[tuple[str, str], RowCheck] = {}
    goal_rows: dict[tuple[str, str, str], int] = {}
    whole_rows: dict[tuple[tuple[str, str], ...], int] = {}
    for row in rows:
        check = RowCheck(row, errors)
        identity = tuple(sorted(row.values.items()))
        if identity in whole_rows:
            check.error("", f"duplicate of row {whole_rows[identity]}")
            continue
        whole_rows[identity] = row.number
        p = _parse_row(row, check, look)
        if not p.ref:
            continue
        first = firsts.get(p.ref)
        if first is None:
            firsts[p.ref] = check
        else:
            check.agree_with(first, STUDENT_FIELDS, same="student_ref")
        if p.discipline:
            service_first = service_firsts.get((p.ref, p.discipline))
            if service_first is None:
                service_firsts[(p.ref, p.discipline)] = check
            else:
                check.agree_with(service_first, SERVICE_FIELDS, same="student_ref and discipline")
        if p.goal is not None:
            goal_key = (p.ref, p.goal.domain, " ".join(p.goal.text.split()).lower())
            if goal_key in goal_rows:
                check.error(
                    "goal_text",
                    f"duplicate of row {goal_rows[goal_key]} "
                    "(same student_ref, goal_domain and goal_text)",
                )
                continue
            goal_rows[goal_key] = row.number

        plan = plans.get(p.ref)
        if plan is None and first is None:
            if (
                p.classroom is None
                or p.paras is None
                or p.iep_start is None
                or p.iep_end is None
                or p.annual_review is None
                or check.bad & {"student_ref", *STUDENT_FIELDS}
            ):
                continue  # the student's own fields are wrong: reported already
            plan = _StudentPlan(
                first=check,
                ref=p.ref,
                first_name=p.first_name,
                last_name=p.last_name,
                grade=p.grade or p.classroom.grade,
                classroom=p.classroom,
                paras=p.paras,
                iep_start=p.iep_start,
                iep_end=p.iep_end,
                annual_review=p.annual_review,
                comfort=p.comfort,
            )
            plans[p.ref] = plan
        if plan is None:
            continue
        if (
            p.discipline
            and p.discipline not in plan.services
            and p.provider is not None
            and p.terms is not None
        ):
            plan.services[p.discipline] = _ServicePlan(
                row.number, p.discipline, p.provider, p.terms
            )
        if p.goal is not None:
            plan.goals.append(p.goal)
    return plans


def _goal_key(domain: str, text: str) -> tuple[str, str]:
    return domain, " ".join(text.split()).lower()


class _Applier:
    """Compares one planned student with the database; writes unless it is a dry run."""

    def __init__(
        self,
        *,
        actor: User,
        district: District,
        effective_from: dt.date,
        dry_run: bool,
        look: _Lookups,
        result: ImportResult,
        errors: list[RowError],
    ) -> None:
        self.actor = actor
        self.district = district
        self.effective_from = effective_from
        self.dry_run = dry_run
        self.look = look
        self.result = result
        self.errors = errors

    def check(self, plan: _StudentPlan) -> None:
        """Problems only visible against the database: whose student, mandate dates."""
        student = self.look.students.get(plan.ref)
        if student is None:
            return
        if self.look.own_only and not any(
            p.pk in self.look.allowed_provider_ids for p in student.providers.all()
        ):
            self.errors.append(
                RowError(
                    plan.first.number,
                    "student_ref",
                    f"student {plan.ref} is not on your caseload; "
                    "ask the district administrator to import it",
                )
            )
            return
        iep = next((i for i in student.ieps.all() if i.start == plan.iep_start), None)
        if iep is None:
            return
        services = {s.discipline: s for s in iep.services.all()}
        for service_plan in plan.services.values():
            service = services.get(service_plan.discipline)
            latest = service.current_version() if service is not None else None
            if latest is None or Terms.of(latest) == service_plan.terms:
                continue
            day = self.effective_from
            what = (
                f"the {service_plan.discipline} mandate changes, but the effective-from date {day}"
            )
            if not plan.iep_start <= day <= plan.iep_end:
                reason = f"{what} is outside the IEP ({plan.iep_start} to {plan.iep_end})"
            elif day == latest.effective_from:
                reason = (
                    f"{what} already has a version; versions are never rewritten, "
                    "so choose a later date"
                )
            elif day < latest.effective_from:
                reason = (
                    f"{what} is before its latest version (from {latest.effective_from}); "
                    "choose a later date"
                )
            else:
                continue
            self.errors.append(RowError(service_plan.row, "", reason))

    def apply(self, plan: _StudentPlan) -> None:
        student = self.look.students.get(plan.ref)
        counts = self.result.counts
        if student is None:
            self._create(plan)
            counts["students_created"] += 1
            return
        details, changes = self._update(student, plan)
        if details:
            counts["students_updated"] += 1
            self.result.items.append(ImportItem(plan.ref, "update", details, student))
            if not self.dry_run:
                audit_record(
                    actor=self.actor,
                    action=AuditAction.IMPORT,
                    obj=student,
                    student_id=student.pk,
                    detail={"created": False, **changes},
                )
        else:
            counts["students_unchanged"] += 1
            self.result.items.append(ImportItem(plan.ref, "unchanged", [], student))

    def _create(self, plan: _StudentPlan) -> None:
        counts = self.result.counts
        counts["ieps_created"] += 1
        counts["mandate_versions_added"] += len(plan.services)
        counts["goals_added"] += len(plan.goals)
        mandates = [f"{s.discipline} {s.terms.text()}" for s in plan.services.values()]
        details = [
            f"new student in {plan.classroom.school.code}/{plan.classroom.code}",
            f"IEP {plan.iep_start} to {plan.iep_end}",
            *mandates,
            f"{len(plan.goals)} goal(s)",
        ]
        self.result.items.append(ImportItem(plan.ref, "create", details))
        if self.dry_run:
            return
        student = Student.objects.create(
            district=self.district,
            ref=plan.ref,
            first_name=plan.first_name,
            last_name=plan.last_name,
            grade=plan.grade,
            classroom=plan.classroom,
            comfort=plan.comfort,
        )
        student.providers.add(*{s.provider for s in plan.services.values()})
        student.paras.add(*plan.paras)
        iep = IEP.objects.create(
            student=student,
            start=plan.iep_start,
            end=plan.iep_end,
            annual_review=plan.annual_review,
        )
        version_ids = [
            self._add_version(
                Service.objects.create(iep=iep, discipline=s.discipline), s.terms, plan.iep_start
            )
            for s in plan.services.values()
        ]
        goal_ids = [self._add_goal(iep, g) for g in plan.goals]
        audit_record(
            actor=self.actor,
            action=AuditAction.IMPORT,
            obj=student,
            student_id=student.pk,
            detail={
                "created": True,
                "iep": iep.pk,
                "mandate_versions": version_ids,
                "goals_added": goal_ids,
            },
        )

    def _update(self, student: Student, plan: _StudentPlan) -> tuple[list[str], dict[str, object]]:
        """Bring an existing student in line with the plan; (details, audit detail)."""
        counts = self.result.counts
        details: list[str] = []
        fields: list[str] = []
        for name in ("first_name", "last_name", "grade", "comfort"):
            new = getattr(plan, name)
            if name == "comfort" and not new:
                continue  # an empty comfort cell leaves the recorded preference alone
            if getattr(student, name) != new:
                fields.append(name)
                setattr(student, name, new)
        if student.classroom_id != plan.classroom.pk:
            fields.append("classroom")
            details.append(f"moves to classroom {plan.classroom.school.code}/{plan.classroom.code}")
            student.classroom = plan.classroom
        if fields:
            names = [f for f in fields if f != "classroom"]
            if names:
                details.insert(0, f"{', '.join(n.replace('_', ' ') for n in names)} changed")
            if not self.dry_run:
                student.save(update_fields=fields)

        have_providers = {p.pk for p in student.providers.all()}
        new_providers = {
            s.provider for s in plan.services.values() if s.provider.pk not in have_providers
        }
        have_paras = {u.pk for u in student.paras.all()}
        new_paras = [u for u in plan.paras if u.pk not in have_paras]
        if new_providers:
            details.append(
                "provider added: " + ", ".join(sorted(p.user.username for p in new_providers))
            )
            fields.append("providers")
        if new_paras:
            details.append("para added: " + ", ".join(sorted(u.username for u in new_paras)))
            fields.append("paras")
        if not self.dry_run:
            student.providers.add(*new_providers)
            student.paras.add(*new_paras)

        iep = next((i for i in student.ieps.all() if i.start == plan.iep_start), None)
        version_ids: list[int] = []
        goal_ids: list[int] = []
        goals_updated: list[int] = []
        if iep is None:
            counts["ieps_created"] += 1
            details.append(f"new IEP {plan.iep_start} to {plan.iep_end}")
            if not self.dry_run:
                iep = IEP.objects.create(
                    student=student,
                    start=plan.iep_start,
                    end=plan.iep_end,
                    annual_review=plan.annual_review,
                )
            services: dict[str, Service] = {}
            goals: dict[tuple[str, str], Goal] = {}
        else:
            if (iep.end, iep.annual_review) != (plan.iep_end, plan.annual_review):
                details.append("IEP dates changed")
                fields.append("iep")
                iep.end, iep.annual_review = plan.iep_end, plan.annual_review
                if not self.dry_run:
                    iep.save(update_fields=["end", "annual_review"])
            services = {s.discipline: s for s in iep.services.all()}
            goals = {_goal_key(g.domain, g.text): g for g in iep.goals.all()}

        for service_plan in plan.services.values():
            service = services.get(service_plan.discipline)
            latest = service.current_version() if service is not None else None
            if service is None or latest is None:
                counts["mandate_versions_added"] += 1
                details.append(
                    f"{service_plan.discipline} service added: {service_plan.terms.text()}"
                )
                if not self.dry_run and iep is not None:
                    service = service or Service.objects.create(
                        iep=iep, discipline=service_plan.discipline
                    )
                    version_ids.append(self._add_version(service, service_plan.terms, iep.start))
            elif Terms.of(latest) != service_plan.terms:
                counts["mandate_versions_added"] += 1
                details.append(
                    f"{service_plan.discipline} mandate: new version from {self.effective_from}: "
                    f"{Terms.of(latest).text()} -> {service_plan.terms.text()}"
                )
                if not self.dry_run:
                    version_ids.append(
                        self._add_version(service, service_plan.terms, self.effective_from)
                    )

        for goal_plan in plan.goals:
            goal = goals.get(_goal_key(goal_plan.domain, goal_plan.text))
            if goal is None:
                counts["goals_added"] += 1
                details.append(f"goal added ({goal_plan.domain})")
                if not self.dry_run and iep is not None:
                    goal_ids.append(self._add_goal(iep, goal_plan))
                continue
            new_values = {
                "method": goal_plan.method,
                "baseline": goal_plan.baseline,
                "target": goal_plan.target,
                "mastery_criterion": goal_plan.mastery,
            }
            changed = [k for k, v in new_values.items() if getattr(goal, k) != v]
            if changed:
                counts["goals_updated"] += 1
                details.append(f"goal {goal.pk} ({goal.domain}): {', '.join(changed)} changed")
                goals_updated.append(goal.pk)
                if not self.dry_run:
                    for k in changed:
                        setattr(goal, k, new_values[k])
                    goal.save(update_fields=changed)
        if details and not self.dry_run:
            # The student's forms drawn before the import must not overwrite it unseen.
            version_bump(Student.objects.filter(pk=student.pk))
        return details, {
            "fields": fields,
            "iep": iep.pk if iep is not None else None,
            "mandate_versions": version_ids,
            "goals_added": goal_ids,
            "goals_updated": goals_updated,
        }

    def _add_version(self, service: Service, terms: Terms, effective_from: dt.date) -> int:
        version = MandateVersion.objects.create(
            service=service,
            effective_from=effective_from,
            minutes=terms.minutes,
            frequency=terms.frequency,
            session_minutes=terms.session_minutes,
            delivery=terms.delivery,
            grouping=terms.grouping,
            max_group=terms.max_group,
            reason=IMPORT_REASON,
            created_by=self.actor,
        )
        return version.pk

    def _add_goal(self, iep: IEP, goal: _GoalPlan) -> int:
        created = Goal.objects.create(
            iep=iep,
            domain=goal.domain,
            text=goal.text,
            method=goal.method,
            baseline=goal.baseline,
            target=goal.target,
            mastery_criterion=goal.mastery,
        )
        return created.pk


@transaction.atomic
def students_import(
    *,
    actor: User,
    district: District,
    text: str,
    effective_from: dt.date,
    dry_run: bool,
) -> ImportResult:
    """Create or update the students of a CSV file, all or nothing.

    With `dry_run` nothing is written: the result says what the import would do. Without
    it, one IMPORT audit entry is written per student created or updated (ids only).
    """
    if not can_import_students(actor):
        raise PermissionDenied
    errors: list[RowError] = []
    result = ImportResult(
        dry_run=dry_run, counts=dict.fromkeys(STUDENT_LABELS, 0), labels=STUDENT_LABELS
    )
    rows = read_csv(text, required=STUDENT_REQUIRED, optional=STUDENT_OPTIONAL, errors=errors)
    look = _Lookups(actor=actor, district=district, rows=rows)
    plans = _plan(rows, look, errors)
    applier = _Applier(
        actor=actor,
        district=district,
        effective_from=effective_from,
        dry_run=dry_run,
        look=look,
        result=result,
        errors=errors,
    )
    for plan in plans.values():
        applier.check(plan)
    if errors:
        result.errors = sorted_errors(errors)
        return result
    for plan in plans.values():
        applier.apply(plan)
    return result

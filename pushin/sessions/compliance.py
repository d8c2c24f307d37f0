"""Minutes compliance: per provider, per school and for the district, from the ledger.

Computed from `ledger.load_ledgers` in a fixed number of queries, never stored. Only the
services of IEPs in force today count. For each student service line:
- mandated to date: the mandate of the school days before today;
- credited: delivered minutes that count towards the mandate, makeups included, capped
  at the mandate to date (one student's extra minutes never hide another's shortfall);
- behind: owed minutes (owed misses not made up) plus elapsed minutes never scheduled;
- a lapse: more than 10 completed school days without a delivered session (see
  `ledger._lapse_days`), with a drafted parent notice (`lapse_notice`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import QuerySet

from pushin.caseload.models import Student
from pushin.caseload.selectors import IepDates, iep_dates
from pushin.district.models import District, Provider, School
from pushin.sessions.ledger import (
    AGE_BUCKETS,
    REASON_WORDS,
    LedgerBook,
    MissLine,
    RecordRow,
    ServiceLedger,
    family,
    load_ledgers,
    owed_buckets,
)

SERVICE_WORDS = {
    "OT": "occupational therapy",
    "PT": "physical therapy",
    "SLP": "speech-language therapy",
}


@dataclass
class Standing:
    """One student's service line, as compliance sees it. (Its figures and a Summary's
    are worked out once: a page reads each several times, over the whole district.)"""

    student: Student
    ledger: ServiceLedger

    @cached_property
    def mandated(self) -> int:
        return self.ledger.mandated_to_date

    @cached_property
    def credited(self) -> int:
        return min(self.ledger.credited_to_date, self.mandated)

    @cached_property
    def percent(self) -> int | None:
        return percent(self.credited, self.mandated)

    @cached_property
    def owed(self) -> int:
        return self.ledger.owed

    @cached_property
    def unscheduled(self) -> int:
        return self.ledger.unscheduled_elapsed

    @cached_property
    def imported(self) -> int:
        return self.ledger.imported

    @cached_property
    def behind(self) -> int:
        return self.ledger.behind

    @cached_property
    def discipline(self) -> str:
        return self.ledger.service.family

    @cached_property
    def lapse_days(self) -> int | None:
        return self.ledger.lapse_days

    @cached_property
    def lapsed(self) -> bool:
        return self.ledger.lapsed


def percent(part: int, whole: int) -> int | None:
    if whole <= 0:
        return None
    return min(100, (100 * part) // whole)


@dataclass
class Summary:
    """Compliance of a set of student service lines (a provider, a school, the district)."""

    label: str
    standings: list[Standing] = field(default_factory=list)
    pk: int | None = None

    @cached_property
    def students(self) -> int:
        return len({s.student.pk for s in self.standings})

    @cached_property
    def mandated(self) -> int:
        return sum(s.mandated for s in self.standings)

    @cached_property
    def credited(self) -> int:
        return sum(s.credited for s in self.standings)

    @cached_property
    def percent(self) -> int | None:
        return percent(self.credited, self.mandated)

    @cached_property
    def owed_by_age(self) -> dict[str, int]:
        lines: list[MissLine] = [line for s in self.standings for line in s.ledger.owed_lines]
        return owed_buckets(lines)

    @cached_property
    def owed(self) -> int:
        return sum(s.owed for s in self.standings)

    @cached_property
    def unscheduled(self) -> int:
        return sum(s.unscheduled for s in self.standings)

    @cached_property
    def imported(self) -> int:
        """Minutes delivered before the records start, imported (see `ledger`)."""
        return sum(s.imported for s in self.standings)

    @cached_property
    def records_starts(self) -> list[dt.date]:
        """The records starts of these service lines, earliest first."""
        days = {s.ledger.service.records_start for s in self.standings}
        return sorted(day for day in days if day is not None)

    @cached_property
    def behind(self) -> list[Standing]:
        """Students behind, most minutes first."""
        return sorted(
            (s for s in self.standings if s.behind > 0),
            key=lambda s: (-s.behind, s.student.last_name, s.student.pk),
        )

    @cached_property
    def behind_minutes(self) -> int:
        return sum(s.behind for s in self.standings)

    @cached_property
    def lapses(self) -> list[Standing]:
        return sorted(
            (s for s in self.standings if s.lapsed),
            key=lambda s: (-(s.lapse_days or 0), s.student.last_name, s.student.pk),
        )


def _current(ledgers: Iterable[ServiceLedger], today: dt.date) -> list[ServiceLedger]:
    return [
        ledger
        for ledger in ledgers
        if ledger.service.iep_start <= today <= ledger.service.iep_end and ledger.periods
    ]


def standings(
    book: LedgerBook, students: Iterable[Student], *, discipline: str | None = None
) -> list[Standing]:
    """The current service lines of `students` (of one discipline family if given)."""
    result = []
    for student in students:
        ledger = book.ledgers.get(student.pk)
        if ledger is None:
            continue
        for service in _current(ledger.services, book.today):
            if discipline is None or service.service.family == family(discipline):
                result.append(Standing(student, service))
    return result


def _students(queryset: QuerySet[Student]) -> list[Student]:
    # Only what the pages name and group by: a district's every student is loaded.
    return list(
        queryset.filter(active=True)
        .select_related("classroom")
        .only("pk", "first_name", "last_name", "active", "classroom__school_id")
        .order_by("last_name", "first_name", "pk")
    )


def provider_compliance(*, provider: Provider, today: dt.date) -> Summary:
    students = _students(Student.objects.filter(providers=provider))
    book = load_ledgers(
        district=provider.district, students=[s.pk for s in students], today=today, through=today
    )
    return Summary(
        label=provider.user.display_name,
        standings=standings(book, students, discipline=provider.discipline),
        pk=provider.pk,
    )


def school_compliance(*, school: School, today: dt.date) -> Summary:
    students = _students(Student.objects.filter(classroom__school=school))
    book = load_ledgers(
        district=school.district, students=[s.pk for s in students], today=today, through=today
    )
    return Summary(label=school.name, standings=standings(book, students), pk=school.pk)


@dataclass
class DistrictCompliance:
    district: Summary
    providers: list[Summary]
    schools: list[Summary]
    iep_dates: IepDates | None = None  # the students not counted (no IEP in force), and why


def district_compliance(*, district: District, today: dt.date) -> DistrictCompliance:
    """The district's totals, and a row per provider and per school (aggregates)."""
    students = _students(Student.objects.filter(district=district))
    book = load_ledgers(
        district=district, students=[s.pk for s in students], today=today, through=today
    )
    everyone = standings(book, students)
    providers = list(
        Provider.objects.filter(district=district)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    # The student-provider links as pairs of pks: a prefetch of `providers` built a
    # manager and a queryset per student, a third of the page's time.
    families = {p.pk: family(p.discipline) for p in providers}
    serving: dict[int, list[int]] = defaultdict(list)
    links = Student.providers.through.objects.filter(
        student__district=district, student__active=True, provider__district=district
    ).values_list("student_id", "provider_id")
    for student_id, provider_id in links:
        serving[student_id].append(provider_id)
    by_provider: dict[int, list[Standing]] = defaultdict(list)
    for standing in everyone:
        for provider_id in serving.get(standing.student.pk, ()):
            if families[provider_id] == standing.discipline:
                by_provider[provider_id].append(standing)
    by_school: dict[int, list[Standing]] = defaultdict(list)
    for standing in everyone:
        by_school[standing.student.classroom.school_id].append(standing)
    schools = list(School.objects.filter(district=district).order_by("name", "pk"))
    return DistrictCompliance(
        district=Summary(label=district.name, standings=everyone, pk=district.pk),
        providers=[
            Summary(label=p.user.display_name, standings=by_provider[p.pk], pk=p.pk)
            for p in providers
        ],
        schools=[Summary(label=s.name, standings=by_school[s.pk], pk=s.pk) for s in schools],
        iep_dates=iep_dates(Student.objects.filter(district=district), on=today),
    )


# --- The parent notice ---------------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    subject: str
    body: str


def _day(value: dt.date) -> str:
    return f"{value:%A}, {value:%B} {value.day}, {value.year}"


def _time(value: dt.time) -> str:
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'a.m.' if value.hour < 12 else 'p.m.'}"


def _missed_since(ledger: ServiceLedger) -> list[RecordRow]:
    """Regular sessions missed (wholly) since the last delivered one."""
    last = ledger.last_delivered
    return sorted(
        (
            line.record
            for line in ledger.misses
            if line.record.is_miss and (last is None or line.record.date > last)
        ),
        key=lambda r: (r.date, r.start),
    )


def _planned_makeups(ledger: ServiceLedger, today: dt.date) -> list[RecordRow]:
    """Makeup sessions of this service from today on that nobody has logged yet."""
    return sorted(
        (
            record
            for period in ledger.periods
            for record in period.records
            if record.makeup_for is not None and not record.is_logged and record.date >= today
        ),
        key=lambda r: (r.date, r.start),
    )


def lapse_notice(
    *,
    student: Student,
    ledger: ServiceLedger,
    signer: str,
    today: dt.date,
) -> Notice:
    """A plain, respectful letter to the family: the service, the dates missed, the minutes
    owed and the makeup plan. The provider reviews, copies or prints it; nothing is sent.

    It promises only what Push-In does: minutes owed for logged misses are proposed as
    makeup sessions; minutes that were never scheduled are reported (in the district's
    compliance figures), not planned, and the letter says so."""
    service = SERVICE_WORDS.get(ledger.service.family, ledger.service.family)
    name = student.first_name
    version = ledger.service.version_on(today)
    missed = _missed_since(ledger)
    owed = ledger.owed
    never_scheduled = ledger.unscheduled_elapsed
    makeups = _planned_makeups(ledger, today)
    lines = [
        "Dear parent or guardian,",
        "",
        f"I am writing about {name}'s {service} services at school, which are part of "
        f"{name}'s IEP"
        + (f" ({version.minutes} minutes {_frequency(version.frequency)})." if version else "."),
        "",
    ]
    if ledger.last_delivered is not None:
        lines.append(
            f"{name}'s last {service} session took place on {_day(ledger.last_delivered)}. "
            f"Since then, {ledger.lapse_days} school days have passed without a session."
        )
    else:
        lines.append(
            f"{name} has not yet had {_a(service)} {service} session under the current IEP "
            f"({ledger.lapse_days} school days so far)."
        )
    if missed:
        lines += ["", "Sessions that did not take place:"]
        lines += [f"- {_day(r.date)} ({r.planned} minutes): {_why(r)}" for r in missed]
    lines.append("")
    if owed > 0:
        lines.append(
            f"{name} is owed {owed} minutes of {service} for sessions that did not take "
            "place, which we will make up."
        )
    elif missed:
        lines.append(
            "Under the district's policy these sessions are not made up, so no minutes are "
            "owed for them. We still wanted you to know."
        )
    else:
        lines.append("No minutes are owed for missed sessions. We still wanted you to know.")
    if makeups:
        lines += ["", "Makeup sessions planned:"]
        lines += [f"- {_day(r.date)} at {_time(r.start)} ({r.planned} minutes)" for r in makeups]
    elif owed > 0:
        lines += ["", "I will schedule the makeup sessions and let you know the dates."]
    if never_scheduled > 0:
        lines += [
            "",
            f"In addition, {never_scheduled} minutes of the {service} time in {name}'s IEP "
            "were never scheduled. They are not part of a makeup plan: they are reported to "
            "the district in its minutes compliance figures.",
        ]
    lines += [
        "",
        "If you have any questions, or would like to talk about how "
        f"{name} is doing, please contact me.",
        "",
        "Sincerely,",
        signer,
    ]
    subject = f"{service.capitalize()} sessions for {name}"
    return Notice(subject=subject, body="\n".join(lines))


def _a(word: str) -> str:
    """The indefinite article before `word`: "an occupational", "a physical"."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def _why(record: RecordRow) -> str:
    return REASON_WORDS.get(record.reason, record.reason).lower()


def _frequency(value: str) -> str:
    return {"week": "per week", "month": "per month", "iep_period": "per IEP period"}.get(
        value, value
    )


__all__ = [
    "AGE_BUCKETS",
    "DistrictCompliance",
    "Notice",
    "Standing",
    "Summary",
    "district_compliance",
    "lapse_notice",
    "provider_compliance",
    "school_compliance",
    "standings",
]

"""Write the deterministic demo district into the database.

The structure (schools, travel, timetables, provider hours, students, goals, mandates) is
the scheduler's synthetic scenario (`pushin.scheduling.generate`), so the demo and the
benchmarks are the same world. This module adds what a scenario does not carry: people's
names, logins, the school calendar, IEP dates, goal texts and amendment histories, and the
minutes delivered before Push-In's records start, imported. Every choice comes from
`random.Random` seeded by size and seed: the same size and seed give the same rows on every
machine, on the same date.

Dates follow the real date (`timezone.localdate()`), so the demo works in any year: the
school year is the one containing today (from the Monday a week before Labor Day to the
third Friday of June; in July and before the year starts in August, the coming one), its
closures and progress periods are placed in that year, and IEP dates, annual reviews,
mandate amendments and strategy uses are placed relative to today. The district's records
start is the first school day on or after today (the day it "adopted" Push-In); the
minutes delivered since the school year started are imported through the past-minutes
import, so the minutes pages open with a year of delivered minutes, nothing owed or never
scheduled before the records start, and no lapse alerts.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from pushin.accounts.models import AuditAction, AuditEntry, Role, User
from pushin.caseload.models import (
    IEP,
    Frequency,
    Goal,
    MandateVersion,
    Service,
    Student,
    StudentUnavailability,
)
from pushin.collaboration.models import (
    FollowUp,
    Outcome,
    Strategy,
    StrategyUse,
    StudentStrategy,
)
from pushin.collaboration.services import strategies_seed
from pushin.demo import names, secondary
from pushin.demo.authenticator import demo_authenticator_create
from pushin.demo.data import demo_data_points
from pushin.demo.goals import GOAL_BANK
from pushin.district.models import (
    ActivityBlock,
    Availability,
    BusyTime,
    Classroom,
    Closure,
    District,
    MakeupPolicy,
    ProgressPeriod,
    Provider,
    School,
    TravelTime,
)
from pushin.lessons.demo import demo_lesson_request
from pushin.progress.models import ProgressReport
from pushin.progress.reports.demo import demo_progress_reports
from pushin.scheduling import scenario as sc
from pushin.scheduling.generate import PRESETS, generate_scenario
from pushin.sessions.csv_import import past_minutes_import
from pushin.sessions.ledger_stamps import ledger_stamps_create
from pushin.sessions.models import Amendment, DataPoint, DatedSession, SessionStudent
from pushin.vocabulary import DEFAULT_OWED, Activity, Discipline
from pushin.watchlist.demo import demo_watch_entries
from pushin.workload.demo import demo_indirect_time

DEMO_PASSWORD = "pushin-demo"  # noqa: S105 - documented in README.md; demo data only
DEMO_URL = "http://127.0.0.1:8000/"
SIZES = ("small", "large")
DISTRICT_NAMES = {"small": names.DISTRICT_NAME, "large": names.LARGE_DISTRICT_NAME}
USERNAME_PREFIX = {"small": "", "large": "large."}
PARAS_PER_SCHOOL = 2
REVIEWS_SOON = 2  # per caseload at least: annual reviews 8 to 30 days away, so alerts show
_IMPORT_BATCH = 4000  # rows per past-minutes file (the import reads at most 5000)

_ACTIVITIES = set(Activity.values)

# Provider n (0-based) of a caseload: discipline and the index of the supervising therapist.
_PROVIDER_PLAN: tuple[tuple[str, int | None], ...] = (
    (Discipline.OT, None),
    (Discipline.COTA, 0),
    (Discipline.OT, None),
    (Discipline.PT, None),
    (Discipline.OT, None),
)
_SERVICE_DISCIPLINE: dict[str, str] = {
    Discipline.OT: Discipline.OT,
    Discipline.COTA: Discipline.OT,
    Discipline.PT: Discipline.PT,
    Discipline.PTA: Discipline.PT,
    Discipline.SLP: Discipline.SLP,
    Discipline.SLPA: Discipline.SLP,
}


@dataclass(frozen=True)
class DemoLogin:
    role: str
    username: str
    password: str
    sees: str


@dataclass(frozen=True)
class DemoSummary:
    size: str
    district_id: int
    district_name: str
    created: bool  # False: the district was there already and nothing was written
    students: int
    schools: int
    providers: int
    logins: tuple[DemoLogin, ...]


class DemoError(Exception):
    """The demo district cannot be loaded or removed (the message says why)."""


# ---------------------------------------------------------------- the school calendar


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th `weekday` (Monday = 0) of a month: Labor Day is _nth_weekday(y, 9, 0, 1)."""
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _monday_on_or_after(day: dt.date) -> dt.date:
    return day + dt.timedelta(days=(7 - day.weekday()) % 7)


def _year_of(fall: int) -> tuple[dt.date, dt.date]:
    """The school year starting in the fall of `fall`: from the Monday a week before Labor
    Day to the third Friday of June."""
    return (
        _nth_weekday(fall, 9, 0, 1) - dt.timedelta(days=7),
        _nth_weekday(fall + 1, 6, 4, 3),
    )


def _closures(year_start: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    fall = year_start.year
    labor_day = _nth_weekday(fall, 9, 0, 1)
    thanksgiving = _nth_weekday(fall, 11, 3, 4)
    winter = _monday_on_or_after(dt.date(fall, 12, 20))
    spring = _monday_on_or_after(dt.date(fall + 1, 4, 1))
    mlk = _nth_weekday(fall + 1, 1, 0, 3)
    presidents = _nth_weekday(fall + 1, 2, 0, 3)
    return [
        ("Labor Day", labor_day, labor_day),
        ("Thanksgiving break", thanksgiving - dt.timedelta(days=1), thanksgiving + dt.timedelta(1)),
        ("Winter break", winter, winter + dt.timedelta(days=11)),
        ("Martin Luther King Jr. Day", mlk, mlk),
        ("Presidents Day", presidents, presidents),
        ("Spring break", spring, spring + dt.timedelta(days=4)),
    ]


def _progress_periods(year_start: dt.date, year_end: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """Four quarters: 10, 12, 11 school weeks and the rest of the year."""
    bounds = [0, 70, 154, 231]  # days after the first Monday of the year

    def at(days: int) -> dt.date:
        return year_start + dt.timedelta(days=days)

    return [
        ("Quarter 1", at(bounds[0]), at(bounds[1] - 3)),
        ("Quarter 2", at(bounds[1]), at(bounds[2] - 3)),
        ("Quarter 3", at(bounds[2]), at(bounds[3] - 3)),
        ("Quarter 4", at(bounds[3]), year_end),
    ]


@dataclass(frozen=True)
class DemoDates:
    """Where the demo stands in time: today, its school year and its records start."""

    today: dt.date
    year_start: dt.date
    year_end: dt.date
    records_start: dt.date

    def is_school_day(self, day: dt.date) -> bool:
        return _is_school_day(day, self.year_start, self.year_end)


def _is_school_day(day: dt.date, start: dt.date, end: dt.date) -> bool:
    return (
        start <= day <= end
        and day.weekday() < 5
        and not any(a <= day <= b for _, a, b in _closures(start))
    )


def demo_dates(today: dt.date | None = None) -> DemoDates:
    """The demo's school year (the one containing `today`, default the real date; in July
    and before the year starts in August, the coming one) and its records start: the first
    school day on or after today."""
    today = today or timezone.localdate()
    fall = today.year if today.month >= 7 else today.year - 1
    start, end = _year_of(fall)
    if today > end:  # late June: the year is over, the demo shows the coming one
        start, end = _year_of(fall + 1)
    day = max(today, start)
    while day < end and not _is_school_day(day, start, end):
        day += dt.timedelta(days=1)
    return DemoDates(today=today, year_start=start, year_end=end, records_start=day)


def _time(minutes: int) -> dt.time:
    return dt.time(minutes // 60, minutes % 60)


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _one_year_on(day: dt.date) -> dt.date:
    """The day before the same date next year: the last day of a one-year IEP."""
    try:
        return day.replace(year=day.year + 1) - dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randrange((last - first).days + 1))


def _room_grade(classroom_id: str) -> tuple[str, str]:
    """(grade, section) of a demo classroom: the secondary ones' own, else the generator's."""
    older = secondary.ROOMS.get(classroom_id)
    if older is not None:
        return older.grade, older.code[-1]
    return _grade_of(classroom_id)


def _grade_of(classroom_id: str) -> tuple[str, str]:
    """(grade, section) from a generated classroom id such as 'cls-03-Kb' or 'cls-00-4a'."""
    suffix = classroom_id.rsplit("-", 1)[-1]
    grade, section = suffix[:-1], suffix[-1]
    if grade not in ("K", "1", "2", "3", "4", "5") or not section.isalpha():
        raise DemoError(f"unexpected generated classroom id {classroom_id!r}")
    return grade, section


# ---------------------------------------------------------------- public entry points


def demo_district_load(*, size: str, seed: int = 0, reset: bool = False) -> DemoSummary:
    """Write the demo district of `size` ('small' or 'large') unless it is there already.

    An existing district of that name is left untouched (created=False), unless `reset`,
    which removes it first. Everything is written in one transaction.
    """
    if size not in SIZES:
        raise DemoError(f"unknown size {size!r}: choose one of {', '.join(SIZES)}")
    with transaction.atomic():
        existing = District.objects.filter(name=DISTRICT_NAMES[size]).first()
        if existing is not None and reset:
            _district_delete(existing)
            existing = None
        if existing is not None:
            return _summary(existing, size=size, created=False)
        district = _Loader(size=size, seed=seed, dates=demo_dates()).load()
        return _summary(district, size=size, created=True)


def demo_district_delete(*, size: str) -> bool:
    """Remove the demo district of `size` and every person in it; False if there was none."""
    with transaction.atomic():
        district = District.objects.filter(name=DISTRICT_NAMES[size]).first()
        if district is None:
            return False
        _district_delete(district)
        return True


def _district_delete(district: District) -> None:
    """Remove a demo district outright. Clinical records are PROTECTed from every cascade
    (a real district's are never deleted this way), so the demo's are deleted here by name,
    leaves first: amendments and data, follow-ups, session records, sessions, reports."""
    sessions = DatedSession.objects.filter(
        Q(provider__district=district) | Q(classroom__school__district=district)
    )
    records = SessionStudent.objects.filter(Q(session__in=sessions) | Q(student__district=district))
    Amendment.objects.filter(record__in=records).delete()
    DataPoint.objects.filter(record__in=records).delete()
    FollowUp.objects.filter(session__in=sessions).delete()
    records.delete()
    sessions.delete()
    ProgressReport.objects.filter(student__district=district).delete()
    # Students and users next: Student.classroom and User.district protect their targets.
    Student.objects.filter(district=district).delete()
    User.objects.filter(district=district).delete()
    district.delete()


# ---------------------------------------------------------------- the loader


class _Loader:
    def __init__(self, *, size: str, seed: int, dates: DemoDates) -> None:
        self.size = size
        self.seed = seed
        self.dates = dates
        self.today = dates.today
        self.prefix = USERNAME_PREFIX[size]
        self.personas = names.PERSONAS[size]
        students, schools, providers = PRESETS[size]
        # The generator's K-5 world, with a middle school and a transition program beside it.
        self.world = secondary.with_secondary_programs(
            generate_scenario(students=students, schools=schools, providers=providers, seed=seed)
        )
        self.rng = random.Random(f"pushin-demo-{size}-{seed}")
        self.password = make_password(DEMO_PASSWORD)  # one hash for every demo login

    def load(self) -> District:
        world = self.world
        if len(world.schools) - len(secondary.SCHOOLS) > len(names.SCHOOL_NAMES):
            raise DemoError("more schools than demo school names")
        district = District.objects.create(
            name=DISTRICT_NAMES[self.size],
            school_year_start=self.dates.year_start,
            school_year_end=self.dates.year_end,
            records_start=self.dates.records_start,
        )
        self.district = district
        self._calendar(district)
        schools = self._schools(district)
        featured_room = self._featured_classroom()
        rooms = self._classrooms(schools, featured_room)
        providers = self._providers(district, schools)
        paras, featured_para = self._paras(schools, rooms[featured_room])
        self._students(district, rooms, providers, paras, featured_room, featured_para)
        self._strategies(district, rooms[featured_room])
        self._past_minutes(district)
        # A term of data on those sessions, so goal graphs and progress show something.
        demo_data_points(district, seed=f"pushin-demo-{self.size}-{self.seed}", today=self.today)
        # A term of indirect time, so the workload report shows all of a provider's work.
        demo_indirect_time(
            district,
            list(providers.values()),
            seed=f"pushin-demo-{self.size}-{self.seed}",
            until=self.today,
        )
        # A signed progress report and a few drafts, so the report pages show something.
        demo_progress_reports(district, featured_room=rooms[featured_room], today=self.today)
        # Two classmates on no caseload on the watch list of the teacher login's room.
        demo_watch_entries(district, featured_room=rooms[featured_room], today=self.today)
        # The teacher login asks for a whole-class lesson (docs/lessons.md).
        demo_lesson_request(featured_room=rooms[featured_room], today=self.today)
        admin = self.personas["admin"]
        admin_user = User.objects.create(
            **self._user_fields(admin.username, admin.first_name, admin.last_name, Role.ADMIN)
        )
        # Administrators must use two-factor sign-in by default; the demo keeps the default.
        demo_authenticator_create(user=admin_user, size=self.size, seed=self.seed)
        AuditEntry.objects.create(
            actor=None,
            action=AuditAction.IMPORT,
            object_type="district",
            object_id=str(district.pk),
            detail={"demo": self.size, "seed": self.seed, "students": len(world.students)},
        )
        return district

    def _recently(self) -> tuple[dt.date, dt.date]:
        """The window of recent events (IEP meetings, comfort questions): 76 to 10 days ago."""
        return self.today - dt.timedelta(days=76), self.today - dt.timedelta(days=10)

    # -- minutes delivered before the records start

    def _past_minutes(self, district: District) -> None:
        """The minutes delivered from the first day of the school year to the day before
        the records start, imported as each provider would import theirs: through the
        past-minutes import, one file per provider. Each student is seen on fixed weekdays
        (as many sessions a week as the mandate asks); a few sessions were missed (not in
        the file) and a few cut short."""
        rng = random.Random(f"pushin-demo-minutes-{self.size}-{self.seed}")
        dates = self.dates
        last = min(dates.records_start, self.today) - dt.timedelta(days=1)
        days = [
            dates.year_start + dt.timedelta(days=n)
            for n in range((last - dates.year_start).days + 1)
        ]
        closures = _closures(dates.year_start)
        days = [
            day
            for day in days
            if day.weekday() < 5 and not any(a <= day <= b for _, a, b in closures)
        ]
        lines: dict[int, list[str]] = defaultdict(list)
        importers: dict[int, User] = {}
        students = (
            Student.objects.filter(district=district)
            .order_by("ref")
            .prefetch_related("providers__user", "ieps__services__versions")
        )
        for student in students:
            provider = min(student.providers.all(), key=lambda p: p.pk)
            importers[provider.pk] = provider.user
            iep = student.ieps.all()[0]
            service = iep.services.all()[0]
            version = service.version_on(self.today) or service.current_version()
            if version is None:
                continue
            sessions = max(1, version.weekly_minutes() // version.session_minutes)
            weekdays = sorted(rng.sample(range(5), k=min(sessions, 5)))
            per_day = Counter(weekdays[n % len(weekdays)] for n in range(sessions))
            for day in days:
                if day.weekday() not in per_day or not iep.start <= day <= iep.end:
                    continue
                in_force = service.version_on(day)
                roll = rng.random()
                if in_force is None or roll < 0.08:  # no mandate yet, or missed that day
                    continue
                minutes = in_force.session_minutes * per_day[day.weekday()]
                if roll < 0.14:  # cut short
                    minutes = max(5, minutes - rng.choice((5, 10)))
                lines[provider.pk].append(
                    f"{day.isoformat()},{student.ref},{minutes},{provider.discipline}"
                )
        for provider_pk, rows in lines.items():
            for first in range(0, len(rows), _IMPORT_BATCH):
                text = "\n".join(
                    ["date,student,minutes,service", *rows[first : first + _IMPORT_BATCH]]
                )
                result = past_minutes_import(
                    actor=importers[provider_pk], district=district, text=text, dry_run=False
                )
                if not result.ok:
                    raise DemoError(
                        "the demo's past minutes did not import: "
                        + "; ".join(result.error_lines()[:3])
                    )
        # Signed when they were imported: early on the demo's day, the same on every load.
        DatedSession.objects.filter(provider__district=district, is_imported=True).update(
            signed_at=timezone.make_aware(dt.datetime.combine(self.today, dt.time(7)))
        )

    # -- people

    def _user_fields(self, username: str, first: str, last: str, role: str) -> dict[str, object]:
        return {
            "username": username,
            "password": self.password,
            "first_name": first,
            "last_name": last,
            "email": f"{username}@{names.EMAIL_DOMAIN}",
            "role": role,
            "district": self.district,
        }

    def _person_name(self) -> tuple[str, str]:
        return self.rng.choice(names.FIRST_NAMES), self.rng.choice(names.LAST_NAMES)

    # -- district

    def _calendar(self, district: District) -> None:
        Closure.objects.bulk_create(
            Closure(district=district, name=name, start=start, end=end)
            for name, start, end in _closures(self.dates.year_start)
        )
        MakeupPolicy.objects.bulk_create(
            MakeupPolicy(district=district, reason=reason, owed=owed)
            for reason, owed in DEFAULT_OWED.items()
        )
        ProgressPeriod.objects.bulk_create(
            ProgressPeriod(district=district, name=name, start=start, end=end)
            for name, start, end in _progress_periods(self.dates.year_start, self.dates.year_end)
        )

    def _schools(self, district: District) -> dict[str, School]:
        created = School.objects.bulk_create(
            School(
                district=district,
                name=names.SCHOOL_NAMES[index],
                code=slugify(names.SCHOOL_NAMES[index].removesuffix(" Elementary")),
            )
            if school.id not in secondary.SCHOOLS
            else School(
                district=district,
                name=secondary.SCHOOLS[school.id].name,
                code=secondary.SCHOOLS[school.id].code,
            )
            for index, school in enumerate(self.world.schools)
        )
        by_id = {school.id: row for school, row in zip(self.world.schools, created, strict=True)}
        legs = []
        for leg in self.world.travel:
            first, second = by_id[leg.from_school], by_id[leg.to_school]
            if first.pk > second.pk:
                first, second = second, first
            legs.append(TravelTime(from_school=first, to_school=second, minutes=leg.minutes))
        TravelTime.objects.bulk_create(legs)
        return by_id

    def _featured_classroom(self) -> str:
        """The room with the most students of the first provider: the teacher login's."""
        first_provider = self.world.providers[0].id
        counts = Counter(s.classroom for s in self.world.students if s.provider == first_provider)
        order = {room.id: index for index, room in enumerate(self.world.classrooms)}
        return max(counts, key=lambda room_id: (counts[room_id], -order[room_id]))

    def _classrooms(self, schools: dict[str, School], featured: str) -> dict[str, Classroom]:
        teachers = []
        for room in self.world.classrooms:
            grade, section = _room_grade(room.id)
            school = schools[room.school]
            if room.id == featured:
                persona = self.personas["teacher"]
                username, first, last = persona.username, persona.first_name, persona.last_name
            else:
                first, last = self._person_name()
                username = f"{self.prefix}teacher.{school.code}.{grade.lower()}{section}"
            teachers.append(User(**self._user_fields(username, first, last, Role.TEACHER)))
        User.objects.bulk_create(teachers)
        rooms = []
        for room, teacher in zip(self.world.classrooms, teachers, strict=True):
            grade, section = _room_grade(room.id)
            older = secondary.ROOMS.get(room.id)
            rooms.append(
                Classroom(
                    school=schools[room.school],
                    name=older.name if older else f"Room {grade}-{section.upper()}",
                    code=older.code if older else f"{grade.lower()}{section}",
                    grade=grade,
                    teacher=teacher,
                )
            )
        Classroom.objects.bulk_create(rooms)
        blocks = []
        for room, row in zip(self.world.classrooms, rooms, strict=True):
            for block in room.blocks:
                activity = block.activity
                if activity not in _ACTIVITIES:
                    raise DemoError(f"the generator made an unknown activity {activity!r}")
                blocks.append(
                    ActivityBlock(
                        classroom=row,
                        day=block.day,
                        start=_time(block.start),
                        end=_time(block.end),
                        activity=activity,
                        teacher_preference=block.teacher_preference or "",
                    )
                )
        ActivityBlock.objects.bulk_create(blocks)
        return {room.id: row for room, row in zip(self.world.classrooms, rooms, strict=True)}

    def _providers(self, district: District, schools: dict[str, School]) -> dict[str, Provider]:
        result: list[Provider] = []
        for index, spec in enumerate(self.world.providers):
            discipline, supervisor = _PROVIDER_PLAN[index % len(_PROVIDER_PLAN)]
            if index == 0:
                persona = self.personas["provider"]
                username, first, last = persona.username, persona.first_name, persona.last_name
            else:
                first, last = self._person_name()
                username = f"{self.prefix}{discipline.lower()}{index + 1}"
            user = User.objects.create(**self._user_fields(username, first, last, Role.PROVIDER))
            result.append(
                Provider.objects.create(
                    user=user,
                    district=district,
                    discipline=discipline,
                    supervisor=result[supervisor] if supervisor is not None else None,
                    max_direct_minutes_per_day=spec.max_direct_minutes_per_day,
                )
            )
        Availability.objects.bulk_create(
            Availability(
                provider=row,
                day=window.day,
                start=_time(window.start),
                end=_time(window.end),
                school=schools[window.school] if window.school else None,
            )
            for spec, row in zip(self.world.providers, result, strict=True)
            for window in spec.available
        )
        BusyTime.objects.bulk_create(
            BusyTime(
                provider=row,
                day=busy.day,
                start=_time(busy.start),
                end=_time(busy.end),
                label=_busy_label(busy),
            )
            for spec, row in zip(self.world.providers, result, strict=True)
            for busy in spec.busy
        )
        return {spec.id: row for spec, row in zip(self.world.providers, result, strict=True)}

    def _paras(
        self, schools: dict[str, School], featured_room: Classroom
    ) -> tuple[dict[str, list[User]], User]:
        """A few paras per school; the para login is the first at the featured room's school."""
        by_school: dict[str, list[User]] = {}
        users: list[User] = []
        featured: User | None = None
        for school_id, school in schools.items():
            by_school[school_id] = []
            for number in range(1, PARAS_PER_SCHOOL + 1):
                is_featured = number == 1 and school.pk == featured_room.school_id
                if is_featured:
                    persona = self.personas["para"]
                    username, first, last = persona.username, persona.first_name, persona.last_name
                else:
                    first, last = self._person_name()
                    username = f"{self.prefix}para.{school.code}.{number}"
                user = User(**self._user_fields(username, first, last, Role.PARA))
                if is_featured:
                    featured = user
                by_school[school_id].append(user)
                users.append(user)
        User.objects.bulk_create(users)
        assert featured is not None
        return by_school, featured

    def _students(
        self,
        district: District,
        rooms: dict[str, Classroom],
        providers: dict[str, Provider],
        paras: dict[str, list[User]],
        featured_room: str,
        featured_para: User,
    ) -> None:
        rng = self.rng
        world = self.world
        students: list[Student] = []
        for index, spec in enumerate(world.students, start=1):
            first, last = self._person_name()
            comfort_asked = None
            if spec.comfort:
                comfort_asked = _weekday_on_or_after(_random_day(rng, *self._recently()))
            students.append(
                Student(
                    district=district,
                    ref=f"S-{10000 + index}",
                    first_name=first,
                    last_name=last,
                    grade=rooms[spec.classroom].grade,
                    classroom=rooms[spec.classroom],
                    comfort=spec.comfort or "",
                    comfort_asked_on=comfort_asked,
                )
            )
        Student.objects.bulk_create(students)
        ledger_stamps_create(student_ids=[row.pk for row in students])

        provider_links = [
            Student.providers.through(student_id=row.pk, provider_id=providers[spec.provider].pk)
            for spec, row in zip(world.students, students, strict=True)
        ]
        Student.providers.through.objects.bulk_create(provider_links)
        para_links = []
        featured_seen = 0
        for spec, row in zip(world.students, students, strict=True):
            para: User | None = None
            if spec.classroom == featured_room and featured_seen < 3:
                para = featured_para  # the para login supports students in the teacher's room
                featured_seen += 1
            elif rng.random() < 0.3:
                para = rng.choice(paras[world.classroom_by_id[spec.classroom].school])
            if para is not None:
                para_links.append(Student.paras.through(student_id=row.pk, user_id=para.pk))
        Student.paras.through.objects.bulk_create(para_links)

        StudentUnavailability.objects.bulk_create(
            StudentUnavailability(
                student=row,
                day=item.day,
                start=_time(item.start),
                end=_time(item.end),
                reason=rng.choice(names.UNAVAILABLE_REASONS),
            )
            for spec, row in zip(world.students, students, strict=True)
            for item in spec.unavailable
        )
        self._ieps(students, providers)

    def _ieps(self, students: list[Student], providers: dict[str, Provider]) -> None:
        rng = self.rng
        world = self.world
        starts = []
        for _ in students:
            if rng.random() < 0.3:  # reviewed recently: the next review is a year away
                start = _random_day(rng, *self._recently())
            else:  # written last year: reviews fall through the coming months, the first
                # a week after today (so every IEP is in force for a while), some within 30 days
                start = _random_day(
                    rng,
                    self.today - dt.timedelta(days=357),
                    self.today - dt.timedelta(days=171),
                )
            starts.append(_weekday_on_or_after(start))
        starts = self._reviews_soon(starts)
        ieps = []
        for row, start in zip(students, starts, strict=True):
            end = _one_year_on(start)
            ieps.append(IEP(student=row, start=start, end=end, annual_review=end))
        IEP.objects.bulk_create(ieps)

        services = [
            Service(
                iep=iep,
                discipline=_SERVICE_DISCIPLINE[providers[spec.provider].discipline],
            )
            for spec, iep in zip(world.students, ieps, strict=True)
        ]
        Service.objects.bulk_create(services)

        versions: list[MandateVersion] = []
        goals: list[Goal] = []
        for spec, iep, service in zip(world.students, ieps, services, strict=True):
            author = providers[spec.provider].user
            versions += self._mandate_versions(spec, iep, service, author)
            for goal in spec.goals:
                text = rng.choice(GOAL_BANK[goal.domain])
                if secondary.is_secondary_student(spec):  # goals an older student's IEP has
                    text = secondary.SECONDARY_GOALS.get(goal.domain, text)
                goals.append(
                    Goal(
                        iep=iep,
                        domain=goal.domain,
                        text=text.text,
                        method=text.method,
                        baseline=text.baseline,
                        target=text.target,
                        mastery_criterion=text.mastery_criterion,
                    )
                )
        MandateVersion.objects.bulk_create(versions)
        Goal.objects.bulk_create(goals)

    def _reviews_soon(self, starts: list[dt.date]) -> list[dt.date]:
        """Every provider's caseload has at least `REVIEWS_SOON` annual reviews (an IEP's
        last day) 8 to 30 days from today, so its alerts show on any date the demo is
        loaded: when chance gave fewer, IEPs written last year are moved to start about a
        year before such a day (a generator of their own: the rest of the demo is as it was)."""
        rng = random.Random(f"pushin-demo-reviews-{self.size}-{self.seed}")
        last_soon = self.today + dt.timedelta(days=30)
        written_last_year = self._recently()[0]
        by_provider: dict[str, list[int]] = {}
        for index, spec in enumerate(self.world.students):
            by_provider.setdefault(spec.provider, []).append(index)
        moved = list(starts)
        for _, indexes in sorted(by_provider.items()):
            # Counted as the caseload's alerts count them: any review in the next 30 days.
            soon = [i for i in indexes if self.today < _one_year_on(starts[i]) <= last_soon]
            movable = [i for i in indexes if i not in soon and starts[i] < written_last_year]
            for i in rng.sample(movable, k=min(max(REVIEWS_SOON - len(soon), 0), len(movable))):
                # Ends 8 to 27 days from today; a weekend start moves it by up to 2 days.
                start = _random_day(
                    rng, self.today - dt.timedelta(days=356), self.today - dt.timedelta(days=337)
                )
                moved[i] = _weekday_on_or_after(start)
        return moved

    def _strategies(self, district: District, featured_room: Classroom) -> None:
        """The starter library, and for the featured room's students (whom the teacher,
        para and provider logins see) two strategies each, chosen for their goal domains,
        with a few uses by the provider and the para before today."""
        strategies_seed(district=district)
        rng = random.Random(f"pushin-demo-strategies-{self.size}-{self.seed}")
        library = list(Strategy.objects.filter(district=district).order_by("name"))
        students = list(
            Student.objects.filter(classroom=featured_room)
            .prefetch_related("ieps__goals", "providers__user", "paras")
            .order_by("pk")
        )
        links: list[StudentStrategy] = []
        for student in students:
            domains = sorted({g.domain for iep in student.ieps.all() for g in iep.goals.all()})
            fitting = [s for s in library if set(s.domains) & set(domains)] or library
            provider = min(student.providers.all(), key=lambda p: p.pk, default=None)
            for strategy in rng.sample(fitting, k=min(2, len(fitting))):
                links.append(
                    StudentStrategy(
                        student=student,
                        strategy=strategy,
                        carryover=True,
                        added_by=provider.user if provider is not None else None,
                    )
                )
        StudentStrategy.objects.bulk_create(links)
        outcomes = [Outcome.WORKED, Outcome.WORKED, Outcome.PARTLY, Outcome.DID_NOT]
        uses: list[StrategyUse] = []
        for link in links:
            provider = min(link.student.providers.all(), key=lambda p: p.pk, default=None)
            paras = sorted(link.student.paras.all(), key=lambda u: u.pk)
            people = [provider.user] if provider is not None else []
            people += paras[:1]
            for days_back in sorted(rng.sample(range(1, 15), k=3), reverse=True):
                used_on = self.today - dt.timedelta(days=days_back)
                if used_on.isoweekday() > 5 or not people:
                    continue
                uses.append(
                    StrategyUse(
                        student_strategy=link,
                        used_on=used_on,
                        used_by=rng.choice(people),
                        outcome=rng.choice(outcomes),
                    )
                )
        StrategyUse.objects.bulk_create(uses)

    def _mandate_versions(
        self, spec: sc.Student, iep: IEP, service: Service, author: User
    ) -> list[MandateVersion]:
        """The scenario's terms in force today; a few monthly, a few with an amendment."""
        rng = self.rng
        weekly, session = spec.minutes_per_week, spec.session_minutes
        terms: dict[str, object] = {
            "service": service,
            "session_minutes": session,
            "delivery": spec.delivery,
            "grouping": spec.grouping,
            "max_group": spec.max_group,
            "created_by": author,
        }
        current = MandateVersion(
            effective_from=iep.start,
            minutes=weekly,
            frequency=Frequency.WEEK,
            reason="IEP meeting",
            **terms,
        )
        roll = rng.random()
        if roll < 0.1:
            # Four weeks' minutes a month plan to the same minutes a week.
            monthly = MandateVersion(minutes=4 * weekly, frequency=Frequency.MONTH, **terms)
            if monthly.weekly_minutes() == weekly:
                current.minutes, current.frequency = monthly.minutes, Frequency.MONTH
        # An amendment this school year, at least a month into the IEP, before today.
        earliest = max(
            iep.start + dt.timedelta(days=30), self.dates.year_start + dt.timedelta(days=8)
        )
        latest = self.today - dt.timedelta(days=10)
        if roll > 0.9 and earliest < latest:
            amended_on = _weekday_on_or_after(_random_day(rng, earliest, latest))
            if amended_on < self.today:
                before = weekly - session if weekly >= 2 * session else weekly + session
                first = MandateVersion(
                    effective_from=iep.start,
                    minutes=before,
                    frequency=Frequency.WEEK,
                    reason="IEP meeting",
                    **terms,
                )
                current.effective_from = amended_on
                current.reason = (
                    "Amendment: minutes increased after a progress review"
                    if weekly > before
                    else "Amendment: minutes reduced, goals progressing with classroom supports"
                )
                return [first, current]
        return [current]


def _busy_label(busy: sc.Interval) -> str:
    if busy.start >= 14 * 60:
        return "IEP meetings and documentation"
    if 11 * 60 <= busy.start < 13 * 60:
        return "Lunch"
    return "Team meeting"


# ---------------------------------------------------------------- what the logins see


def _summary(district: District, *, size: str, created: bool) -> DemoSummary:
    personas = names.PERSONAS[size]
    users = {
        user.username: user
        for user in User.objects.filter(
            district=district, username__in=[p.username for p in personas.values()]
        )
    }
    student_count = Student.objects.filter(district=district).count()
    school_count = School.objects.filter(district=district).count()
    provider_count = Provider.objects.filter(district=district).count()
    logins = []
    for role, persona in personas.items():
        user = users.get(persona.username)
        if user is None:
            raise DemoError(
                f"the demo district exists but has no user {persona.username}: "
                "run load_demo with --reset"
            )
        logins.append(
            DemoLogin(
                role=role,
                username=persona.username,
                password=DEMO_PASSWORD,
                sees=_sees(user, role),
            )
        )
    return DemoSummary(
        size=size,
        district_id=district.pk,
        district_name=district.name,
        created=created,
        students=student_count,
        schools=school_count,
        providers=provider_count,
        logins=tuple(logins),
    )


def _sees(user: User, role: str) -> str:
    name = user.get_full_name()
    if role == "provider":
        provider = Provider.objects.get(user=user)
        students = provider.students.all()
        schools = students.order_by().values("classroom__school").distinct().count()
        return (
            f"{name} ({provider.discipline}): caseload of {students.count()} students "
            f"at {schools} schools"
        )
    if role == "teacher":
        room = Classroom.objects.select_related("school").filter(teacher=user).first()
        if room is None:
            return f"{name}: no classroom"
        count = room.students.count()
        return (
            f"{name}, {room.name} at {room.school.name} (grade {room.grade}): "
            f"{count} caseload students"
        )
    if role == "para":
        supported = user.supported_students.count()
        return f"{name}, paraprofessional: carryover for the {supported} students they support"
    return f"{name}, special-education director: compliance and workload, whole district"


def format_logins(summary: DemoSummary) -> list[str]:
    """The demo logins as a plain-text table, one line each."""
    header = ("role", "username", "password", "what they see")
    rows = [header] + [(x.role, x.username, x.password, x.sees) for x in summary.logins]
    widths = [max(len(row[col]) for row in rows) for col in range(3)]
    return [
        "  ".join(row[col].ljust(widths[col]) for col in range(3)) + "  " + row[3] for row in rows
    ]

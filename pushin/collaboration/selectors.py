"""Reads the collaboration pages share: the library, a student's strategies with their
uses next to the session data, the teacher portal, the para's carryover cards, and
notifications."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode

from pushin.accounts.models import User
from pushin.caseload.access import students_visible_to
from pushin.caseload.models import Student
from pushin.collaboration.access import carryover_links_visible_to
from pushin.collaboration.models import Notification, Strategy, StrategyUse, StudentStrategy
from pushin.district.models import (
    ActivityBlock,
    Classroom,
    ExceptionKind,
    TimetableException,
)
from pushin.ids import reverse_each
from pushin.planning.fit_marks import domain_word
from pushin.sessions.calendar import school_days
from pushin.sessions.models import (
    Attendance,
    DataKind,
    DataPoint,
    DatedSession,
    SessionStudent,
)
from pushin.vocabulary import (
    Activity,
    Comfort,
    Domain,
    Weekday,
    activity_label,
    grade_from_text,
    in_week_order,
)

USES_SHOWN = 10
SESSION_CHOICES = 20


# --- Small words ----------------------------------------------------------------------------


COMFORT_HINTS: dict[str, str] = {
    Comfort.SMALL_GROUP: "Prefers not to be singled out: support as small-group help.",
    Comfort.FLOAT: (
        "Prefers not to be singled out: float around the whole room and check in quietly."
    ),
    Comfort.INDIVIDUAL: "Individual support is fine.",
}


def comfort_hint(comfort: str) -> str:
    """What the student said about how support should look, as an instruction."""
    return COMFORT_HINTS.get(comfort, "")


def printable_url(kind: str, grade: str = "") -> str | None:
    """The adapted paper for `kind`, sized for `grade` (the printable page of follow-ups).

    None when the strategy has no paper, or while the printable page does not exist.
    Without a grade (PK3 to 12, 18-22) the link opens the page of every kind and grade.
    """
    if not kind:
        return None
    try:
        page = reverse("followups:printable")
        chooser = reverse("followups:printables")
    except NoReverseMatch:
        return None
    known = grade_from_text(grade)
    if known:
        return f"{page}?{urlencode({'kind': kind, 'grade': known})}"
    return chooser


def student_grade(student: Student) -> str:
    """The grade the paper is sized for: the student's, else the classroom's."""
    if student.grade:
        return student.grade
    classroom = student.classroom if Student.classroom.is_cached(student) else None
    return classroom.grade if classroom is not None else ""


def data_summary(record: SessionStudent, points: Sequence[DataPoint] | None = None) -> str:
    """The data a session record holds, in a few words: '7/10 trials (70%)'."""
    if record.attendance and record.attendance != Attendance.DELIVERED:
        return Attendance(record.attendance).label
    if points is None:
        points = list(record.data.all())
    by_kind: dict[str, list[DataPoint]] = defaultdict(list)
    for point in points:
        by_kind[point.kind].append(point)
    parts = []
    trials = by_kind.get(DataKind.TRIAL, [])
    if trials:
        correct = sum(1 for p in trials if p.correct)
        parts.append(f"{correct}/{len(trials)} trials ({round(100 * correct / len(trials))}%)")
    prompts = by_kind.get(DataKind.PROMPT, [])
    if prompts:
        counts = Counter(p.get_prompt_display().lower() for p in prompts)
        parts.append("prompts: " + ", ".join(f"{n} {level}" for level, n in counts.most_common()))
    rubric = [p.value for p in by_kind.get(DataKind.RUBRIC, []) if p.value is not None]
    if rubric:
        parts.append(f"rubric average {sum(rubric) / len(rubric):.1f} of 4 ({len(rubric)} scored)")
    durations = [p.value for p in by_kind.get(DataKind.DURATION, []) if p.value is not None]
    if durations:
        parts.append(f"{len(durations)} timed, average {round(sum(durations) / len(durations))} s")
    counts_ = [p.value for p in by_kind.get(DataKind.FREQUENCY, []) if p.value is not None]
    if counts_:
        parts.append(f"count {sum(counts_)}")
    notes = by_kind.get(DataKind.NARRATIVE, [])
    if notes:
        parts.append(f"{len(notes)} observation{'s' if len(notes) > 1 else ''}")
    return "; ".join(parts) if parts else "no data taken"


# --- The library ----------------------------------------------------------------------------


def library(district_id: int, *, domain: str = "", query: str = "") -> list[Strategy]:
    """The district's strategies, optionally of one goal domain or matching words.

    Filtered in Python: a library is a few dozen rows, and SQLite has no JSON `contains`.
    """
    strategies = Strategy.objects.filter(district_id=district_id).select_related("created_by")
    if query:
        strategies = strategies.filter(
            Q(name__icontains=query) | Q(how_to__icontains=query) | Q(materials__icontains=query)
        )
    rows = list(strategies.order_by("name"))
    if domain:
        rows = [s for s in rows if domain in s.domains]
    return rows


def domain_counts(strategies: Iterable[Strategy]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for strategy in strategies:
        counts.update(strategy.domains)
    return {d: counts.get(d, 0) for d in Domain.values}


# --- A student's strategies (the provider's panel on the student page) ----------------------


@dataclass
class UseView:
    use: StrategyUse
    by: str
    session: DatedSession | None
    summary: str  # the session data next to the use, for the provider's eyes


@dataclass
class LinkView:
    link: StudentStrategy
    uses: list[UseView]
    printable: str | None

    @property
    def tally(self) -> dict[str, int]:
        counts = Counter(u.use.outcome for u in self.uses)
        return {o: counts.get(o, 0) for o in ("worked", "partly", "did_not")}


@dataclass
class StudentPanel:
    student: Student
    links: list[LinkView]
    can_manage: bool
    library: list[Strategy] = field(default_factory=list)
    sessions: list[tuple[SessionStudent, str]] = field(default_factory=list)

    @property
    def active(self) -> list[LinkView]:
        return [v for v in self.links if v.link.active]

    @property
    def retired(self) -> list[LinkView]:
        return [v for v in self.links if not v.link.active]


def _uses_prefetch(with_data: bool) -> Prefetch[Any]:
    uses = StrategyUse.objects.select_related("used_by").order_by("-used_on", "-id")
    if with_data:
        uses = uses.select_related("session_record__session").prefetch_related(
            "session_record__data"
        )
    return Prefetch("uses", queryset=uses[:USES_SHOWN], to_attr="recent_uses")


def _use_view(use: StrategyUse, *, with_data: bool) -> UseView:
    by = use.used_by.display_name if use.used_by is not None else "someone"
    record = use.session_record if with_data else None
    return UseView(
        use=use,
        by=by,
        session=record.session if record is not None else None,
        summary=data_summary(record) if record is not None else "",
    )


def student_panel(user: User, student: Student, *, can_manage: bool) -> StudentPanel:
    """The strategies of a student a user sees, each with its latest uses.

    The student's providers see every strategy (retired ones too) and each use's session
    data; teachers and paras see the carryover cards and the uses, never data.
    """
    links = list(
        carryover_links_visible_to(user)
        .filter(student=student)
        .select_related("strategy")
        .prefetch_related(_uses_prefetch(can_manage))
        .order_by("-active", "strategy__name")
    )
    views = [
        LinkView(
            link=link,
            uses=[_use_view(u, with_data=can_manage) for u in getattr(link, "recent_uses", [])],
            printable=printable_url(link.strategy.printable, student_grade(student)),
        )
        for link in links
    ]
    panel = StudentPanel(student=student, links=views, can_manage=can_manage)
    if can_manage:
        chosen = {v.link.strategy_id for v in views if v.link.active}
        panel.library = [
            s
            for s in Strategy.objects.filter(district_id=student.district_id).order_by("name")
            if s.pk not in chosen
        ]
        panel.sessions = session_choices(student)
    return panel


def session_choices(student: Student) -> list[tuple[SessionStudent, str]]:
    """The student's recent session records, each with its data summary."""
    records = list(
        SessionStudent.objects.filter(student=student)
        .select_related("session")
        .prefetch_related("data")
        .order_by("-session__date", "-session__start", "-pk")[:SESSION_CHOICES]
    )
    return [(r, data_summary(r)) for r in records]


# --- The para's carryover cards -------------------------------------------------------------


@dataclass
class CardView:
    link: StudentStrategy
    printable: str | None
    logged_today: StrategyUse | None


@dataclass
class StudentCards:
    student: Student
    comfort: str
    cards: list[CardView]


def carryover_cards(user: User, today: dt.date) -> list[StudentCards]:
    """Every carryover card of the students the user supports, grouped by student."""
    todays = StrategyUse.objects.filter(used_by=user, used_on=today).order_by("-id")
    links = list(
        carryover_links_visible_to(user)
        .filter(active=True, carryover=True)
        .select_related("strategy", "student")
        .prefetch_related(Prefetch("uses", queryset=todays, to_attr="todays_uses"))
        .order_by("student__last_name", "student__first_name", "student_id", "strategy__name")
    )
    grouped: dict[int, StudentCards] = {}
    for link in links:
        group = grouped.get(link.student_id)
        if group is None:
            group = grouped[link.student_id] = StudentCards(
                student=link.student, comfort=comfort_hint(link.student.comfort), cards=[]
            )
        group.cards.append(card_view(link))
    return list(grouped.values())


def card_view(link: StudentStrategy) -> CardView:
    todays: list[StrategyUse] = getattr(link, "todays_uses", [])
    return CardView(
        link=link,
        printable=printable_url(link.strategy.printable, student_grade(link.student)),
        logged_today=todays[0] if todays else None,
    )


def card_for(user: User, link: StudentStrategy, today: dt.date) -> CardView:
    link.todays_uses = list(  # type: ignore[attr-defined]
        StrategyUse.objects.filter(student_strategy=link, used_by=user, used_on=today).order_by(
            "-id"
        )
    )
    return card_view(link)


# --- The teacher portal ---------------------------------------------------------------------


@dataclass
class Visit:
    session: DatedSession
    provider: str
    activity: str
    students: list[str]
    others: int  # students of the session the teacher does not teach (not named)
    change: TimetableException | None  # a dated change the teacher reported over it
    # The goal domain each of the teacher's own students' time serves ("Avery Sample:
    # Handwriting"), in the order of `students`; others' goals are not shown.
    serves: list[str] = field(default_factory=list)
    lesson: str = ""  # the topic of a whole-class lesson (pushin/lessons)
    # Float support: the provider works around the whole room; nobody is named (the focus
    # student stays the provider's).
    support: bool = False


@dataclass
class PortalStudent:
    student: Student
    comfort: str
    cards: list[CardView]


@dataclass(frozen=True)
class BlockRow:
    """A weekly block as the portal's table shows it: its words and links worked out once
    (a room has a row per block of its week, dozens of them)."""

    block: ActivityBlock
    when: str  # "Mon 09:00-09:45", an en dash between the times
    activity: str
    change_url: str
    preference_url: str


def block_rows(classroom: Classroom, blocks: Iterable[ActivityBlock]) -> list[BlockRow]:
    change = reverse_each("collaboration:block_change", classroom.pk)
    preference = reverse_each("collaboration:block_preference", classroom.pk)
    # As get_day_display / get_activity_display say, without their lookup a row.
    days, activities = dict(Weekday.choices), dict(Activity.choices)
    return [
        BlockRow(
            block=b,
            when=f"{str(days.get(b.day, b.day))[:3]} {b.start:%H:%M}\N{EN DASH}{b.end:%H:%M}",
            activity=str(activities.get(b.activity, b.activity)),
            change_url=change(b.pk),
            preference_url=preference(b.pk),
        )
        for b in blocks
    ]


@dataclass
class Portal:
    classroom: Classroom
    monday: dt.date
    students: list[PortalStudent]
    visits: list[Visit]
    blocks: list[BlockRow]
    changes: list[TimetableException]

    @property
    def days(self) -> list[dt.date]:
        return [self.monday + dt.timedelta(days=n) for n in range(5)]


def teacher_portal(
    classroom: Classroom, *, teacher: User, monday: dt.date, sessions: Sequence[DatedSession]
) -> Portal:
    """What the teacher sees about their room: their caseload students and each one's
    carryover cards, the week's visits, the weekly blocks and the changes they reported.

    No goal texts, notes or session data: a teacher sees those only in a follow-up the
    provider chose to share. A visit names the domain of the goal each of the teacher's
    own students' time serves ("Handwriting"), so the teacher knows what the visit is for.
    """
    students = list(
        students_visible_to(teacher).filter(classroom=classroom).order_by("last_name", "first_name")
    )
    links = list(
        carryover_links_visible_to(teacher)
        .filter(student__classroom=classroom, active=True, carryover=True)
        .select_related("strategy")
        .order_by("strategy__name")
    )
    own = {s.pk: s for s in students}
    cards: dict[int, list[CardView]] = defaultdict(list)
    for link in links:
        grade = own[link.student_id].grade or classroom.grade if link.student_id in own else ""
        cards[link.student_id].append(
            CardView(
                link=link,
                printable=printable_url(link.strategy.printable, grade),
                logged_today=None,
            )
        )
    friday = monday + dt.timedelta(days=4)
    changes = list(
        TimetableException.objects.filter(classroom=classroom, date__gte=monday, date__lte=friday)
        .select_related("created_by")
        .order_by("date", "start")
    )
    from pushin.lessons.selectors import session_kinds

    lessons, floats = session_kinds(s.pk for s in sessions)
    visits = []
    for session in sessions:
        mine = sorted(
            (
                (own[m.student_id].full_name, m.focus_goal)
                for m in session.members.all()
                if m.student_id in own
            ),
            key=lambda pair: pair[0],
        )
        if session.pk in floats:
            mine = []  # float support names nobody
        names = [name for name, _ in mine]
        change = next(
            (
                c
                for c in changes
                if c.date == session.date and c.start < session.end and session.start < c.end
            ),
            None,
        )
        visits.append(
            Visit(
                session=session,
                provider=f"{session.provider.user.display_name} ({session.provider.discipline})",
                activity=activity_label(session.activity),
                students=names,
                serves=[
                    f"{name}: {domain_word(goal.domain)}" if goal is not None else name
                    for name, goal in mine
                ],
                others=0 if session.pk in floats else len(session.members.all()) - len(names),
                change=change,
                lesson=lessons.get(session.pk, ""),
                support=session.pk in floats,
            )
        )
    return Portal(
        classroom=classroom,
        monday=monday,
        students=[
            PortalStudent(student=s, comfort=comfort_hint(s.comfort), cards=cards.get(s.pk, []))
            for s in students
        ],
        visits=visits,
        blocks=block_rows(
            classroom, in_week_order(ActivityBlock.objects.filter(classroom=classroom))
        ),
        changes=changes,
    )


def report_default_date(classroom: Classroom, today: dt.date) -> dt.date:
    """The day the teacher's change form starts on: today when it is a school day, else
    the next school day (a weekend or a holiday would only be refused)."""
    district = classroom.school.district
    days = school_days(district, today, district.school_year_end)
    return days[0] if days else today


def change_words(change: TimetableException) -> str:
    if change.kind == ExceptionKind.CANCELLED:
        return "no class activity"
    return activity_label(change.activity)


def week_visits(classroom: Classroom, monday: dt.date) -> list[DatedSession]:
    """The dated sessions of the week in the room, as the calendar stored them."""
    friday = monday + dt.timedelta(days=4)
    return list(
        DatedSession.objects.filter(
            classroom=classroom, date__gte=monday, date__lte=friday, is_imported=False
        )
        .select_related("provider__user")
        .prefetch_related(
            Prefetch("members", queryset=SessionStudent.objects.select_related("focus_goal"))
        )
        .order_by("date", "start", "pk")
    )


# --- Notifications --------------------------------------------------------------------------


def notification_list(user: User) -> QuerySet[Notification]:
    """`user`'s notifications, the unread first, then the newest (the page shows them in
    pages of NOTIFICATIONS_PER_PAGE)."""
    return Notification.objects.filter(recipient=user).order_by(
        F("read_at").desc(nulls_first=True), "-created_at", "-id"
    )


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def today() -> dt.date:
    return timezone.localdate()

"""Reads the session pages share: the day, the week, one session, flags and travel.

Every read here is a fixed number of queries, whatever the number of sessions and
students (prefetches, one query for the exceptions, one for the travel times).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.db.models import Prefetch, QuerySet

from pushin.caseload.fit import default_fit_table
from pushin.caseload.models import IEP, FitWeight, Goal, GoalFitOverride
from pushin.collaboration.models import StudentStrategy
from pushin.district.models import Closure, District, ExceptionKind, Provider, TimetableException
from pushin.district.models import TravelTime as TravelRow
from pushin.planning.fit_marks import GoalFits, Serve, domain_word
from pushin.sessions.models import (
    Amendment,
    Attendance,
    DataKind,
    DataPoint,
    DatedSession,
    PromptLevel,
    SessionStudent,
)
from pushin.sessions.services import data_kind_for
from pushin.timespans import minutes_of, monday_of
from pushin.vocabulary import SHORT_REASON_CHOICES, Activity, Delivery, Domain, activity_label

# --- Words --------------------------------------------------------------------------------

# "Thu Dec 3 10:00-10:45 is a test": the activity as a phrase in a sentence.
ACTIVITY_PHRASE: dict[str, str] = {
    Activity.WRITING: "writing",
    Activity.CENTERS: "literacy centers",
    Activity.GROUP_PROJECT: "a group project",
    Activity.INDEPENDENT_WORK: "independent work",
    Activity.CARPET: "carpet time",
    Activity.MATH: "math",
    Activity.ART: "art",
    Activity.PE_RECESS: "PE / recess",
    Activity.LUNCH_SNACK: "lunch / snack",
    Activity.ARRIVAL_DISMISSAL: "arrival / dismissal",
    Activity.TRANSITION: "a transition",
    Activity.TEST: "a test",
    Activity.SCIENCE: "science",
    Activity.MUSIC: "music",
    Activity.LIBRARY: "library",
    Activity.ASSEMBLY: "an assembly",
    Activity.CLASS_CHANGE: "a class change",
    Activity.LECTURE: "a lecture",
    Activity.LAB: "a lab",
    Activity.VOCATIONAL: "a work task",
    Activity.COMMUNITY_OUTING: "a community outing",
}

DOMAIN_WORD: dict[str, str] = {
    Domain.HANDWRITING: "handwriting",
    Domain.FINE_MOTOR: "fine motor",
    Domain.SENSORY: "sensory regulation",
    Domain.SOCIAL: "social participation",
    Domain.ATTENTION: "attention",
    Domain.SELF_CARE: "self-care",
    Domain.MOTOR_PLANNING: "motor planning",
    Domain.TRANSITIONS: "transitions",
    Domain.KEYBOARDING: "keyboarding",
    Domain.TEST_TAKING: "test-taking",
}


def activity_phrase(activity: str) -> str:
    return ACTIVITY_PHRASE.get(activity, activity.replace("_", " "))


def day_span(day: dt.date, start: dt.time, end: dt.time) -> str:
    """'Thu Dec 3 10:00-10:45'."""
    return f"{day:%a %b} {day.day} {start:%H:%M}-{end:%H:%M}"


def _joined(words: Sequence[str]) -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


# --- Flags: a dated exception over a session ----------------------------------------------


@dataclass(frozen=True)
class SessionFlag:
    session_id: int
    level: str  # "warn": the plan does not work as it is; "info": worth a look
    message: str


def _fit_weights(
    district_ids: set[int], goal_ids: set[int]
) -> tuple[dict[int, dict[str, dict[str, float]]], dict[tuple[int, str], float]]:
    """Each district's fit table (defaults + edits) and the goals' own overrides."""
    tables: dict[int, dict[str, dict[str, float]]] = {}
    for district_id in district_ids:
        tables[district_id] = default_fit_table()
    for row in FitWeight.objects.filter(district_id__in=district_ids):
        tables[row.district_id].setdefault(row.domain, {})[row.activity] = row.weight
    overrides = {
        (o.goal_id, o.activity): o.weight
        for o in GoalFitOverride.objects.filter(goal_id__in=goal_ids)
    }
    return tables, overrides


def session_flags(sessions: Sequence[DatedSession]) -> dict[int, list[SessionFlag]]:
    """Sessions a dated timetable exception overlaps (a test, an assembly, a cancelled
    block), keyed by session id, with what it means for the session's focus goals.

    One query finds the exceptions of every session given; when an exception changes the
    activity, two more read the district's fit edits and the goals' overrides. Pass
    sessions with `classroom__school` selected and `members__focus_goal` prefetched.
    """
    flags: dict[int, list[SessionFlag]] = defaultdict(list)
    # A session called off in advance has nothing left to re-plan or check.
    sessions = [s for s in sessions if not s.cancel_reason]
    if not sessions:
        return flags
    rooms = {s.classroom_id for s in sessions}
    dates = {s.date for s in sessions}
    found: dict[tuple[int, dt.date], list[TimetableException]] = defaultdict(list)
    for exc in TimetableException.objects.filter(classroom_id__in=rooms, date__in=dates):
        found[(exc.classroom_id, exc.date)].append(exc)
    hits = [
        (s, exc)
        for s in sessions
        for exc in found.get((s.classroom_id, s.date), [])
        if exc.overlaps(s.start, s.end)
    ]
    if not hits:
        return flags
    tables: dict[int, dict[str, dict[str, float]]] = {}
    overrides: dict[tuple[int, str], float] = {}
    if any(exc.kind == ExceptionKind.ACTIVITY for _, exc in hits):
        goal_ids = {m.focus_goal_id for s, _ in hits for m in s.members.all() if m.focus_goal_id}
        tables, overrides = _fit_weights(
            {s.classroom.school.district_id for s, _ in hits}, goal_ids
        )
    for session, exc in hits:
        flags[session.pk].append(_flag(session, exc, tables, overrides))
    return flags


def _flag(
    session: DatedSession,
    exc: TimetableException,
    tables: dict[int, dict[str, dict[str, float]]],
    overrides: dict[tuple[int, str], float],
) -> SessionFlag:
    span = day_span(exc.date, exc.start, exc.end)
    room = session.classroom.name
    note = f" ({exc.note})" if exc.note else ""
    if exc.kind == ExceptionKind.CANCELLED:
        return SessionFlag(
            session.pk,
            "warn",
            f"{span}: the class activity in {room} is cancelled{note}; "
            "re-plan or log as unavailable.",
        )
    phrase = activity_phrase(exc.activity)
    table = tables.get(session.classroom.school.district_id, {})
    misfit: list[str] = []
    fit: list[str] = []
    for member in session.members.all():
        goal = member.focus_goal
        if goal is None:
            continue
        weight = overrides.get(
            (goal.pk, exc.activity), table.get(goal.domain, {}).get(exc.activity, 0.0)
        )
        word = DOMAIN_WORD.get(goal.domain, goal.domain)
        (fit if weight > 0 else misfit).append(word)
    misfit = list(dict.fromkeys(misfit))
    fit = list(dict.fromkeys(fit))
    head = f"{span} is {phrase} in {room}{note}"
    if misfit:
        goals = _joined(misfit)
        verb = "goal does not" if len(misfit) == 1 else "goals do not"
        return SessionFlag(
            session.pk,
            "warn",
            f"{head}: the {goals} {verb} fit {phrase}; re-plan or log as unavailable.",
        )
    if fit:
        goals = _joined(fit)
        verb = "goal still fits" if len(fit) == 1 else "goals still fit"
        return SessionFlag(session.pk, "info", f"{head}: the {goals} {verb}; adjust the plan.")
    return SessionFlag(
        session.pk, "warn", f"{head}: no focus goal is chosen; re-plan or log as unavailable."
    )


# --- Travel -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TravelLeg:
    to_school: str
    minutes: int | None  # None: the district has not entered this pair
    gap: int  # minutes between the end of the previous session and the start of the next

    @property
    def tight(self) -> bool:
        return self.minutes is not None and self.minutes > self.gap


def travel_legs(sessions: Sequence[DatedSession]) -> dict[int, TravelLeg]:
    """The drive before each session that follows one at another school the same day,
    keyed by the later session's id (one query for the travel times)."""
    pairs = [
        (a, b)
        for a, b in pairwise(sorted(sessions, key=lambda s: (s.date, s.start, s.pk)))
        if a.date == b.date and a.classroom.school_id != b.classroom.school_id
    ]
    if not pairs:
        return {}
    schools = {s.classroom.school_id for pair in pairs for s in pair}
    minutes = {
        frozenset((t.from_school_id, t.to_school_id)): t.minutes
        for t in TravelRow.objects.filter(from_school_id__in=schools, to_school_id__in=schools)
    }
    return {
        b.pk: TravelLeg(
            to_school=b.classroom.school.name,
            minutes=minutes.get(frozenset((a.classroom.school_id, b.classroom.school_id))),
            gap=minutes_of(b.start) - minutes_of(a.end),
        )
        for a, b in pairs
    }


# --- Records with their choices -----------------------------------------------------------


def _records(*, with_data: bool) -> QuerySet[SessionStudent]:
    """Records with the student, plan choices (and, for the session page, data and history)."""
    records = SessionStudent.objects.select_related(
        "student", "focus_goal", "strategy"
    ).prefetch_related(
        "focus_goal__fit_overrides",
        Prefetch("student__ieps", queryset=IEP.objects.prefetch_related("goals")),
        Prefetch(
            "student__strategies",
            queryset=StudentStrategy.objects.filter(active=True).select_related("strategy"),
        ),
    )
    if with_data:
        records = records.prefetch_related(
            Prefetch("data", queryset=DataPoint.objects.select_related("goal")),
            Prefetch("amendments", queryset=Amendment.objects.select_related("made_by")),
        )
    return records.order_by("student__last_name", "student__first_name", "pk")


def _records_prefetch(*, with_data: bool) -> Prefetch[Any]:
    return Prefetch("members", queryset=_records(with_data=with_data))


def sessions_of(provider: Provider, start: dt.date, end: dt.date) -> QuerySet[DatedSession]:
    """The provider's sessions in [start, end] with their records and choices prefetched.
    Minutes imported from before the records start are no sessions of a day: they show in
    the minutes ledger, not here."""
    return (
        DatedSession.objects.filter(
            provider=provider, date__gte=start, date__lte=end, is_imported=False
        )
        .select_related("classroom__school", "standing")
        .prefetch_related(_records_prefetch(with_data=False))
        .order_by("date", "start", "pk")
    )


def goal_choices(record: SessionStudent, day: dt.date) -> list[Goal]:
    """The goals of the student's IEP in force that day (all IEPs' if none is), and the
    record's current focus goal. Reads prefetched `student__ieps__goals`."""
    ieps = list(record.student.ieps.all())
    in_force = [i for i in ieps if i.is_in_force(day)] or ieps
    goals = [g for i in in_force for g in i.goals.all()]
    if record.focus_goal is not None and all(g.pk != record.focus_goal_id for g in goals):
        goals.append(record.focus_goal)
    return goals


@dataclass
class RecordView:
    """A student's record in a session, with what the plan may be chosen from."""

    record: SessionStudent
    goals: list[Goal]
    strategies: list[StudentStrategy]
    # The goal the time serves and the fit of the class activity to it (fit_marks.py).
    serve: Serve | None = None

    @property
    def student(self) -> Any:
        return self.record.student


def _record_view(
    record: SessionStudent,
    day: dt.date,
    *,
    session: DatedSession | None = None,
    fits: GoalFits | None = None,
) -> RecordView:
    """`session` and `fits` given: with the goal the time serves and its fit."""
    return RecordView(
        record=record,
        goals=goal_choices(record, day),
        strategies=list(record.student.strategies.all()),
        serve=record_serve(record, session, fits) if session is not None and fits else None,
    )


def record_serve(record: SessionStudent, session: DatedSession, fits: GoalFits) -> Serve:
    """The record's focus goal in a word and the fit of the session's activity to it
    (none for pull-out time). Reads `focus_goal__fit_overrides` (prefetched by `_records`)."""
    pull_out = session.delivery == Delivery.PULL_OUT
    goal = record.focus_goal
    return Serve(
        initials=record.student.initials,
        name="",
        domain=domain_word(goal.domain) if goal is not None else "",
        fit=None if pull_out or goal is None else fits.fit(goal, session.activity),
        pull_out=pull_out,
    )


# --- The Today page -----------------------------------------------------------------------


@dataclass
class SessionCard:
    session: DatedSession
    flags: list[SessionFlag]
    travel: TravelLeg | None
    records: list[RecordView]

    @property
    def activity(self) -> str:
        return activity_label(self.session.activity) if self.session.activity else ""


@dataclass(frozen=True)
class StripDay:
    date: dt.date
    selected: bool
    today: bool


@dataclass
class TodayPage:
    day: dt.date
    today: dt.date
    cards: list[SessionCard]
    strip: list[StripDay]
    prev_week: dt.date
    next_week: dt.date
    no_school: str  # why there is no school that day ("" on a school day)

    @property
    def records(self) -> list[SessionStudent]:
        return [rv.record for card in self.cards for rv in card.records]


def no_school_reason(
    district: District, day: dt.date, closures: Sequence[Closure] | None = None
) -> str:
    """Why `day` has no school ("" on a school day). `closures`: those around the day, if
    the caller has read them already."""
    if day.isoweekday() > 5:
        return "No school on weekends."
    if not district.school_year_start <= day <= district.school_year_end:
        return "Outside the school year."
    if closures is None:
        closures = list(Closure.objects.filter(district=district, start__lte=day, end__gte=day))
    closure = next((c for c in closures if c.covers(day)), None)
    return f"No school: {closure.name}." if closure else ""


def _cards(sessions: Sequence[DatedSession], fits: GoalFits) -> list[SessionCard]:
    flags = session_flags(sessions)
    legs = travel_legs(sessions)
    return [
        SessionCard(
            session=s,
            flags=flags.get(s.pk, []),
            travel=legs.get(s.pk),
            records=[_record_view(r, s.date, session=s, fits=fits) for r in s.members.all()],
        )
        for s in sessions
    ]


def today_page(provider: Provider, *, day: dt.date, today: dt.date) -> TodayPage:
    """The day's sessions in order, with flags, travel between schools and each plan."""
    sessions = list(sessions_of(provider, day, day))
    monday = monday_of(day)
    return TodayPage(
        day=day,
        today=today,
        cards=_cards(sessions, GoalFits(provider.district)),
        strip=[
            StripDay(date=d, selected=d == day, today=d == today)
            for d in (monday + dt.timedelta(days=i) for i in range(5))
        ],
        prev_week=monday - dt.timedelta(days=7),
        next_week=monday + dt.timedelta(days=7),
        no_school="" if sessions else no_school_reason(provider.district, day),
    )


# --- The week view ------------------------------------------------------------------------


@dataclass
class WeekDay:
    date: dt.date
    cards: list[SessionCard]
    no_school: str


@dataclass
class WeekPage:
    monday: dt.date
    days: list[WeekDay]
    today: dt.date

    @property
    def records(self) -> list[SessionStudent]:
        return [rv.record for d in self.days for card in d.cards for rv in card.records]

    @property
    def flag_count(self) -> int:
        return sum(len(card.flags) for d in self.days for card in d.cards)


def week_page(provider: Provider, *, monday: dt.date, today: dt.date) -> WeekPage:
    """Monday to Friday: each day's sessions with their flags, before the provider goes."""
    friday = monday + dt.timedelta(days=4)
    sessions = list(sessions_of(provider, monday, friday))
    cards = _cards(sessions, GoalFits(provider.district))
    district = provider.district
    closures = list(Closure.objects.filter(district=district, start__lte=friday, end__gte=monday))
    days = []
    for i in range(5):
        day = monday + dt.timedelta(days=i)
        own = [c for c in cards if c.session.date == day]
        reason = "" if own else no_school_reason(district, day, closures)
        days.append(WeekDay(date=day, cards=own, no_school=reason))
    return WeekPage(monday=monday, days=days, today=today)


# --- One session --------------------------------------------------------------------------

FIELD_LABELS = {
    "attendance": "Attendance",
    "minutes_delivered": "Minutes",
    "short_reason": "Cut short because",
    "short_note": "Cut short, in words",
    "note": "Note",
    "focus_goal": "Focus goal",
    "strategy": "Strategy",
    "strategy_text": "Plan in words",
    "data": "Data",
}


def goal_label(goal: Goal) -> str:
    return f"{goal.get_domain_display()}: {goal.text}"


def data_words(kind: str, correct: bool | None, prompt: str, value: int | None, text: str) -> str:
    if kind == DataKind.TRIAL:
        return "✓ correct" if correct else "✗ not yet"
    if kind == DataKind.PROMPT:
        return str(dict(PromptLevel.choices).get(prompt, prompt))
    if kind == DataKind.RUBRIC:
        return f"Rubric {value}"
    if kind == DataKind.DURATION:
        seconds = value or 0
        return f"{seconds // 60} min {seconds % 60} s" if seconds >= 60 else f"{seconds} s"
    if kind == DataKind.FREQUENCY:
        return f"+{value}"
    return text


@dataclass(frozen=True)
class AmendmentView:
    amendment: Amendment
    label: str
    old: str
    new: str
    late: bool  # a data point added after signing


@dataclass
class DataSummary:
    """The focus goal's data in this session, as the buttons show it."""

    kind: str
    correct: int = 0
    trials: int = 0
    count: int = 0
    last: str = ""
    items: list[str] = field(default_factory=list)

    @property
    def percent(self) -> int | None:
        return round(100 * self.correct / self.trials) if self.trials else None


@dataclass
class GoalBlock:
    """One goal's data buttons and tally on a record's card: a session takes data for
    each goal worked on, the focus goal first."""

    goal: Goal
    label: str  # short, unique on the card: "Fine motor", "Fine motor (2)"
    summary: DataSummary
    is_focus: bool


@dataclass(frozen=True)
class PointRow:
    point: DataPoint
    words: str
    late: bool  # added after signing
    goal_label: str  # the goal it was taken for (the block's label)


@dataclass
class RecordDetail:
    view: RecordView
    points: list[DataPoint]
    late_ids: set[int]
    summary: DataSummary | None  # the focus goal's
    amendments: list[AmendmentView]
    blocks: list[GoalBlock] = field(default_factory=list)

    @property
    def record(self) -> SessionStudent:
        return self.view.record

    @property
    def amended_fields(self) -> set[str]:
        return {a.amendment.field for a in self.amendments}

    @property
    def point_rows(self) -> list[PointRow]:
        labels = {b.goal.pk: b.label for b in self.blocks}
        return [
            PointRow(
                point=p,
                words=data_words(p.kind, p.correct, p.prompt, p.value, p.text),
                late=p.pk in self.late_ids,
                goal_label=labels.get(p.goal_id, ""),
            )
            for p in self.points
        ]

    @property
    def last_row(self) -> PointRow | None:
        """The point "Undo last" removes (the newest)."""
        rows = self.point_rows
        return max(rows, key=lambda r: r.point.pk) if rows else None


def goal_blocks(
    record: SessionStudent, goals: Sequence[Goal], points: Sequence[DataPoint]
) -> list[GoalBlock]:
    """A block per goal the record may take data for (its IEP's goals and the focus goal,
    see `goal_choices`) and per goal it holds data for, the focus goal first. Reads the
    points' `goal` (prefetched)."""
    shown = {g.pk: g for g in goals}
    for p in points:
        shown.setdefault(p.goal_id, p.goal)
    ordered = sorted(shown.values(), key=lambda g: (g.pk != record.focus_goal_id, g.pk))
    domains = [g.domain for g in ordered]
    blocks = []
    for goal in ordered:
        label = goal.get_domain_display()
        if domains.count(goal.domain) > 1:
            same = [g.pk for g in sorted(ordered, key=lambda g: g.pk) if g.domain == goal.domain]
            label = f"{label} ({same.index(goal.pk) + 1})"
        blocks.append(
            GoalBlock(
                goal=goal,
                label=label,
                summary=_goal_summary(goal, points),
                is_focus=goal.pk == record.focus_goal_id,
            )
        )
    return blocks


def _summary(record: SessionStudent, points: Sequence[DataPoint]) -> DataSummary | None:
    goal = record.focus_goal
    if goal is None:
        return None
    return _goal_summary(goal, points)


def _goal_summary(goal: Goal, points: Sequence[DataPoint]) -> DataSummary:
    """The goal's data among `points`, as its buttons' tally shows it."""
    kind = data_kind_for(goal)
    own = [p for p in points if p.goal_id == goal.pk]
    summary = DataSummary(kind=kind)
    words = [data_words(p.kind, p.correct, p.prompt, p.value, p.text) for p in own]
    summary.items = words
    summary.last = words[-1] if words else ""
    # A narrative note beside the trials is not a trial: count each kind on its own.
    if kind == DataKind.TRIAL:
        trials = [p for p in own if p.kind == DataKind.TRIAL]
        summary.trials = len(trials)
        summary.correct = sum(1 for p in trials if p.correct)
    if kind == DataKind.FREQUENCY:
        summary.count = sum(p.value or 0 for p in own if p.kind == DataKind.FREQUENCY)
    return summary


def _shown(field_name: str, value: Any, goals: dict[int, Goal], strategies: dict[int, str]) -> str:
    if value is None or value == "":
        return "(none)"
    if field_name == "attendance":
        return str(dict(Attendance.choices).get(value, value))
    if field_name == "short_reason":
        return str(dict(SHORT_REASON_CHOICES).get(value, value))
    if field_name == "minutes_delivered":
        return f"{value} min"
    if field_name == "focus_goal":
        goal = goals.get(value)
        return goal_label(goal) if goal else f"Goal #{value}"
    if field_name == "strategy":
        return strategies.get(value, f"Strategy #{value}")
    if field_name == "data" and isinstance(value, dict):
        return data_words(
            str(value.get("kind", "")),
            value.get("correct"),
            str(value.get("prompt") or ""),
            value.get("value"),
            str(value.get("text") or ""),
        )
    return str(value)


def record_detail(
    record: SessionStudent,
    day: dt.date,
    *,
    session: DatedSession | None = None,
    fits: GoalFits | None = None,
) -> RecordDetail:
    """One record with its data, summary and amendment history (reads the prefetches of
    `_records_prefetch(with_data=True)`); with `session` and `fits`, the goal its time
    serves and the fit."""
    view = _record_view(record, day, session=session, fits=fits)
    points = list(record.data.all())
    amendments = list(record.amendments.all())
    goals = {g.pk: g for g in view.goals}
    strategies = {s.strategy_id: s.strategy.name for s in view.strategies}
    if record.strategy is not None:
        strategies[record.strategy.pk] = record.strategy.name
    late_ids = {
        a.new_value["id"]
        for a in amendments
        if a.field == "data" and isinstance(a.new_value, dict) and "id" in a.new_value
    }
    return RecordDetail(
        view=view,
        points=points,
        late_ids=late_ids,
        summary=_summary(record, points),
        blocks=goal_blocks(record, view.goals, points),
        amendments=[
            AmendmentView(
                amendment=a,
                label=FIELD_LABELS.get(a.field, a.field),
                old=_shown(a.field, a.old_value, goals, strategies),
                new=_shown(a.field, a.new_value, goals, strategies),
                late=a.field == "data" and a.old_value is None,
            )
            for a in amendments
        ],
    )


@dataclass
class SessionPage:
    session: DatedSession
    flags: list[SessionFlag]
    records: list[RecordDetail]

    @property
    def activity(self) -> str:
        return activity_label(self.session.activity) if self.session.activity else ""

    @property
    def missing_attendance(self) -> int:
        return sum(1 for r in self.records if not r.record.attendance)

    @property
    def minutes_delivered(self) -> int:
        return sum(r.record.minutes_delivered or 0 for r in self.records)


def session_page(session: DatedSession) -> SessionPage:
    """The session with every record's data, plan choices and amendments."""
    full = (
        DatedSession.objects.filter(pk=session.pk)
        .select_related("classroom__school", "signed_by", "standing")
        .prefetch_related(_records_prefetch(with_data=True))
        .get()
    )
    records = list(full.members.all())
    return SessionPage(
        session=full,
        flags=session_flags([full]).get(full.pk, []),
        records=[record_detail(r, full.date) for r in records],
    )


def record_of(session: DatedSession, record_pk: int) -> RecordDetail | None:
    """One record of the session, as its card shows it (for htmx answers)."""
    record = _records(with_data=True).filter(session=session, pk=record_pk).first()
    if record is None:
        return None
    record.session = session
    fits = GoalFits(session.provider.district)
    return record_detail(record, session.date, session=session, fits=fits)


def records_in(records: Iterable[RecordDetail]) -> list[SessionStudent]:
    return [r.record for r in records]

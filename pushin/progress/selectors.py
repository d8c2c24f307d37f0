"""Reads of goal progress: each goal's series and graph, and a student's session history.

For other pages and the IEP progress reports, the API is:

    goals_series(goals)            -> {goal id: GoalSeries}, in one query for all goals
    goal_series_for(goal, points)  -> GoalSeries of one goal from its points
    goal_title(goal)               -> "Fine motor: The student will cut along ..."
    GoalProgress(goal, series)     .svg(ident) / .rows (the data table) / .description
    student_progress(student, today)  -> the progress page: every IEP's goals, current first
    student_history(student, viewer=..., page=..., now=...) -> one page of the history

Every read here is a fixed number of queries, whatever the number of goals, sessions and
points.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.safestring import SafeString

from pushin.accounts.models import User
from pushin.caseload.models import IEP, Goal, Student
from pushin.caseload.selectors import current_iep
from pushin.progress.graphs import goal_graph_svg
from pushin.progress.series import (
    MASTERED,
    NARRATIVE,
    NO_DATA,
    NOT_GRAPHED,
    NOT_YET,
    TOO_FEW,
    GoalSeries,
    Point,
    describe,
    goal_series,
    session_values,
    trend_words,
)
from pushin.sessions.models import (
    Attendance,
    DataPoint,
    DatedSession,
    SessionStudent,
    StatusWord,
)

HISTORY_PER_PAGE = 10
# A mastery status as a badge: its word and tone (a `.badge` class; "" is grey).
MASTERY_BADGE: dict[str, StatusWord] = {
    MASTERED: StatusWord("Mastered", "ok"),
    NOT_YET: StatusWord("Not yet mastered", "warn"),
    TOO_FEW: StatusWord("Too early to judge", ""),
    NO_DATA: StatusWord("No data yet", ""),
    NOT_GRAPHED: StatusWord("Narrative", ""),
}
CRITERION_NOT_READ = StatusWord("Criterion not read", "bad")


# --- Goal series ----------------------------------------------------------------------------


def goal_title(goal: Goal) -> str:
    return f"{goal.get_domain_display()}: {goal.text}"


def goal_points(goal_ids: Iterable[int]) -> dict[int, list[Point]]:
    """Every data point of the goals, by goal, in the order they were taken (one query)."""
    rows = (
        DataPoint.objects.filter(goal_id__in=list(goal_ids))
        .order_by("record__session__date", "record__session__start", "recorded_at", "pk")
        .values_list(
            "goal_id",
            "record__session_id",
            "record__session__date",
            "kind",
            "correct",
            "prompt",
            "value",
        )
    )
    points: dict[int, list[Point]] = defaultdict(list)
    for goal_id, session_id, day, kind, correct, prompt, value in rows:
        points[goal_id].append(
            Point(
                day=day, session=session_id, kind=kind, correct=correct, prompt=prompt, value=value
            )
        )
    return points


def goal_series_for(goal: Goal, points: Sequence[Point]) -> GoalSeries:
    """One goal's series over its IEP (reads `goal.iep`: select it with the goal)."""
    return goal_series(
        method=goal.method,
        baseline=goal.baseline,
        target=goal.target,
        criterion=goal.mastery_criterion,
        iep_start=goal.iep.start,
        iep_end=goal.iep.end,
        points=points,
    )


def goals_series(goals: Sequence[Goal]) -> dict[int, GoalSeries]:
    """The series of each goal (with its `iep` selected), keyed by goal id."""
    points = goal_points(g.pk for g in goals)
    return {g.pk: goal_series_for(g, points.get(g.pk, [])) for g in goals}


@dataclass(frozen=True)
class DataRow:
    """One session in a goal's data table."""

    day: dt.date
    value: str  # on the goal's scale: "80%", "Verbal", "2.5", "3 min"
    detail: str  # what it is made of: "8/10 (80%)", "Verbal (median of 3)"
    aim: str  # the aim line's value that day, "" without an aim line


@dataclass(frozen=True)
class GoalProgress:
    goal: Goal
    series: GoalSeries

    @property
    def title(self) -> str:
        return goal_title(self.goal)

    @property
    def graphed(self) -> bool:
        return self.series.scale is not None

    @property
    def description(self) -> str:
        return describe(self.series)

    @property
    def trend_words(self) -> str:
        return trend_words(self.series)

    @property
    def badge(self) -> StatusWord:
        return MASTERY_BADGE.get(self.series.mastery.status, CRITERION_NOT_READ)

    def svg(self, ident: str) -> SafeString:
        """The goal's graph as inline SVG named `ident` on its page."""
        return goal_graph_svg(self.series, ident=ident, title=self.title)

    @property
    def rows(self) -> list[DataRow]:
        """The graph's numbers, newest first, for the table under the graph."""
        scale, aim = self.series.scale, self.series.aim
        if scale is None:
            return []
        return [
            DataRow(
                day=s.day,
                value=scale.words(s.value),
                detail=s.detail,
                aim=scale.words(aim.value_at(s.day)) if aim is not None else "",
            )
            for s in reversed(self.series.sessions)
        ]


@dataclass
class GoalGraph:
    """A goal on the progress page, with its graph drawn (ident: its id on the page)."""

    progress: GoalProgress
    ident: str

    @property
    def svg(self) -> SafeString:
        return self.progress.svg(self.ident)


@dataclass
class IepProgress:
    iep: IEP
    is_current: bool
    goals: list[GoalGraph] = field(default_factory=list)


@dataclass
class StudentProgress:
    student: Student
    ieps: list[IepProgress]

    @property
    def goal_count(self) -> int:
        return sum(len(i.goals) for i in self.ieps)


def student_progress(student: Student, today: dt.date) -> StudentProgress:
    """Every goal of every IEP of the student, the IEP in force first (three queries)."""
    ieps = list(
        IEP.objects.filter(student=student).prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("pk"))
        )
    )
    current = current_iep(ieps, today)
    ieps.sort(key=lambda i: (i != current, -i.start.toordinal(), -i.pk))
    goals = [g for i in ieps for g in i.goals.all()]
    for iep in ieps:
        for goal in iep.goals.all():
            goal.iep = iep  # no query per goal for its dates
    series = goals_series(goals)
    shown = []
    n = 0
    for iep in ieps:
        view = IepProgress(iep=iep, is_current=iep == current)
        for goal in iep.goals.all():
            n += 1
            view.goals.append(GoalGraph(GoalProgress(goal, series[goal.pk]), f"goal-graph-{n}"))
        shown.append(view)
    return StudentProgress(student=student, ieps=shown)


# --- The session history -------------------------------------------------------------------


@dataclass(frozen=True)
class GoalData:
    """One goal's data in one session, in words."""

    goal: Goal
    words: str


@dataclass
class HistoryRow:
    record: SessionStudent
    status: StatusWord
    data: list[GoalData]
    note: str  # "" unless the viewer sees notes and wrote them (their own session)
    observations: list[str]  # narrative data, with the note
    own: bool  # the viewer's own session: its page opens

    @property
    def session(self) -> DatedSession:
        return self.record.session

    @property
    def delivered(self) -> bool:
        return self.record.attendance == Attendance.DELIVERED


def _goal_data(points: Sequence[DataPoint]) -> list[GoalData]:
    by_goal: dict[int, list[DataPoint]] = defaultdict(list)
    for p in points:
        by_goal[p.goal_id].append(p)
    shown = []
    for goal_id in sorted(by_goal):
        own = by_goal[goal_id]
        goal = own[0].goal
        if goal.method == NARRATIVE:
            words = f"{len(own)} observation{'s' if len(own) != 1 else ''}"
        else:
            values = session_values(
                goal.method,
                [
                    Point(
                        day=dt.date.min,
                        session=0,
                        kind=p.kind,
                        correct=p.correct,
                        prompt=p.prompt,
                        value=p.value,
                    )
                    for p in own
                ],
            )
            words = values[0].detail if values else f"{len(own)} point(s) of another method"
        shown.append(GoalData(goal=goal, words=words))
    return shown


def history_records(student: Student, *, now: dt.datetime) -> QuerySet[SessionStudent]:
    """The student's records of sessions that have started, newest first (a queryset)."""
    moment = timezone.localtime(now)
    started = Q(session__date__lt=moment.date()) | Q(
        session__date=moment.date(), session__start__lte=moment.time()
    )
    return (
        SessionStudent.objects.filter(student=student)
        .filter(started)
        .select_related("session__provider__user", "session__classroom__school")
        .prefetch_related(
            Prefetch("data", queryset=DataPoint.objects.select_related("goal").order_by("pk"))
        )
        .order_by("-session__date", "-session__start", "-pk")
    )


@dataclass(frozen=True)
class HistoryPage:
    """Where a page of the history is: newer and older pages, without counting them all
    (one query less on a page every provider opens)."""

    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    @property
    def previous_page_number(self) -> int:
        return self.number - 1

    @property
    def next_page_number(self) -> int:
        return self.number + 1


def page_number(page: str | int | None) -> int:
    """A page number from the query string: 1 for anything that is not one."""
    try:
        number = int(page or 1)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), 10_000)


@dataclass
class History:
    """One page of a student's session history."""

    page: HistoryPage
    rows: list[HistoryRow]

    @property
    def records(self) -> list[SessionStudent]:
        return [row.record for row in self.rows]


def student_history(
    student: Student,
    *,
    viewer: User,
    notes: bool,
    page: str | int | None,
    now: dt.datetime | None = None,
) -> History:
    """One page of the history: each session that has started, newest first, with its
    attendance, minutes and data per goal. `notes`: the viewer sees clinical notes (then
    only those of their own sessions). Two queries, whatever the page holds. A page past
    the end shows the first."""
    moment = now or timezone.now()
    number = page_number(page)
    first = (number - 1) * HISTORY_PER_PAGE
    found = list(history_records(student, now=moment)[first : first + HISTORY_PER_PAGE + 1])
    if not found and number > 1:  # past the end: the last page
        return student_history(student, viewer=viewer, notes=notes, page=1, now=moment)
    shown = HistoryPage(number=number, has_next=len(found) > HISTORY_PER_PAGE)
    provider_id = getattr(getattr(viewer, "provider", None), "pk", None)
    rows = []
    for record in found[:HISTORY_PER_PAGE]:
        session = record.session
        own = provider_id is not None and session.provider_id == provider_id
        points = list(record.data.all())
        rows.append(
            HistoryRow(
                record=record,
                status=session.status_word(moment),
                data=_goal_data(points),
                note=record.note if notes and own else "",
                observations=[p.text for p in points if p.kind == "narrative"]
                if notes and own
                else [],
                own=own,
            )
        )
    return History(page=shown, rows=rows)

"""Reads the planning pages share: week grids of plans and schedules, results, flags, diffs."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.urls import reverse

from pushin.accounts.models import Role, User
from pushin.caseload.access import students_visible_to
from pushin.district.models import Provider, School, TravelTime
from pushin.district.selectors import GridItem, WeekGrid, week_grid
from pushin.planning.fit_marks import (
    FitSummary,
    GoalFits,
    Serve,
    domain_word,
    fit_summary,
    fit_table_scenario,
)
from pushin.planning.models import PlanRun, RunKind, ScheduledSession, StandingSchedule
from pushin.planning.scenario_build import (
    EXCLUDED_WORDS,
    IdMap,
    closed_days_of,
    scenario_build,
)
from pushin.planning.standing import schedule_as_plan, schedule_sessions
from pushin.planning.validation import Problem, schedule_problems
from pushin.planning.week import PLAN_ID_PREFIX, week_scenario, week_session_pk
from pushin.planning.words import REASON_WORDS, RULE_WORDS, NameBook, name_book
from pushin.scheduling.changes import plan_changes
from pushin.scheduling.plan import PLAN_FORMAT, PlannedSession, plan_from_dict
from pushin.scheduling.scenario import Scenario, scenario_to_dict
from pushin.scheduling.timeutil import DAY_INDEX, format_hhmm, format_span, parse_hhmm
from pushin.sessions.models import DatedSession
from pushin.timespans import minutes_of, monday_of, time_of
from pushin.vocabulary import activity_label

SCHOOL_COLOURS = 6
# A planned session says three lines (time and activity, the goals it serves, room and
# initials): at the timetable's 1.2 px a minute a 30-minute session showed two of them.
PLAN_PX_PER_MINUTE = 2.0


# --- Sessions on a week grid -------------------------------------------------------------


@dataclass(frozen=True)
class SessionView:
    """One session as pages show it (from a plan or from a standing schedule)."""

    ident: str  # plan session id
    day: str
    start: int
    end: int
    school: str  # scenario id "sch<pk>"
    school_name: str
    room: str
    activity: str
    initials: tuple[str, ...]
    names: tuple[str, ...] = ()
    pinned: bool = False
    url: str = ""
    pk: int | None = None
    version: int | None = None  # a stored weekly session's (pushin/concurrency.py)
    # Each student's focus goal and its fit, in the order of `initials` (fit_marks.py).
    serves: tuple[Serve, ...] = ()

    @property
    def span(self) -> str:
        return format_span(self.day, self.start, self.end)

    @property
    def describe(self) -> str:
        who = ", ".join(self.names or self.initials)
        return f"{self.span}, {self.activity}, {self.room}: {who}"

    @property
    def minutes(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class TravelLegView:
    day: str
    start: int
    minutes: int
    to_school: str


def school_css(school_ids: Iterable[str]) -> dict[str, str]:
    """A colour class per school, stable for the district (by primary key)."""
    ordered = sorted(set(school_ids), key=lambda s: int(s[3:]) if s[3:].isdigit() else 0)
    return {school: f"school-{index % SCHOOL_COLOURS}" for index, school in enumerate(ordered)}


def travel_legs(
    sessions: Sequence[SessionView], minutes_between: Mapping[frozenset[str], int]
) -> list[TravelLegView]:
    """Driving between consecutive sessions of a day at different schools."""
    legs = []
    by_day: dict[str, list[SessionView]] = defaultdict(list)
    for session in sessions:
        by_day[session.day].append(session)
    for day, items in by_day.items():
        items.sort(key=lambda s: s.start)
        for before, after in pairwise(items):
            if before.school != after.school:
                minutes = minutes_between.get(frozenset((before.school, after.school)), 0)
                legs.append(TravelLegView(day, before.end, minutes, after.school_name))
    return legs


def session_grid(
    sessions: Sequence[SessionView],
    *,
    colours: Mapping[str, str],
    minutes_between: Mapping[frozenset[str], int],
) -> WeekGrid:
    items = []
    for s in sessions:
        # The goal each student's time serves and its fit, in the order of the initials.
        goals = " · ".join(
            (serve.domain or "no goal") + (f" {serve.fit_words}" if serve.fit is not None else "")
            for serve in s.serves
        )
        label = (
            f"{format_hhmm(s.start)} {s.activity}"
            + (f"\n{goals}" if goals else "")
            + f"\n{s.room} · {' '.join(s.initials)}"
            + ("\nPinned" if s.pinned else "")
        )
        items.append(
            GridItem(
                day=s.day,
                start=time_of(s.start),
                end=time_of(s.end),
                label=label,
                css=f"plan-session {colours.get(s.school, 'school-0')}"
                + (" pinned" if s.pinned else ""),
                url=s.url,
                title=f"{s.span} {s.activity}, {s.room} ({s.school_name})"
                + "".join(f"; {serve.initials}: {serve.goal_words}" for serve in s.serves),
            )
        )
    for leg in travel_legs(sessions, minutes_between):
        if leg.minutes <= 0:
            continue
        items.append(
            GridItem(
                day=leg.day,
                start=time_of(leg.start),
                end=time_of(min(leg.start + leg.minutes, 24 * 60 - 1)),
                label=f"{leg.minutes} min drive to {leg.to_school}",
                css="plan-travel",
                title=f"Travel to {leg.to_school}: {leg.minutes} minutes",
            )
        )
    return week_grid(items, px_per_minute=PLAN_PX_PER_MINUTE)


def travel_map(district_id: int) -> dict[frozenset[str], int]:
    return {
        frozenset((f"sch{t.from_school_id}", f"sch{t.to_school_id}")): t.minutes
        for t in TravelTime.objects.filter(from_school__district_id=district_id)
    }


# --- Who may plan for whom ---------------------------------------------------------------


def plannable_providers(user: User) -> QuerySet[Provider]:
    """Providers whose week `user` may plan: their own, or every provider of the district
    for its administrator."""
    providers = Provider.objects.select_related("user", "district")
    if not user.is_authenticated or not user.is_active:
        return providers.none()
    if user.is_superuser:
        return providers
    if user.role == Role.ADMIN and user.district_id is not None:
        return providers.filter(district_id=user.district_id)
    if user.role == Role.PROVIDER and hasattr(user, "provider"):
        return providers.filter(pk=user.provider.pk)
    return providers.none()


# --- A plan run's result -----------------------------------------------------------------


@dataclass(frozen=True)
class ReasonView:
    code: str
    title: str
    message: str


@dataclass(frozen=True)
class ShortfallView:
    student: str
    provider: str
    minutes: int
    reasons: tuple[ReasonView, ...]


@dataclass(frozen=True)
class ProviderPlanView:
    provider: Provider
    grid: WeekGrid
    sessions: list[SessionView]
    scheduled_minutes: int
    mandated_minutes: int

    @property
    def fit(self) -> FitSummary:
        return sessions_fit_summary(self.sessions)


def sessions_fit_summary(sessions: Iterable[SessionView]) -> FitSummary:
    """Student-minutes of `sessions` by the fit of the activity to the goal they serve."""
    return fit_summary((v.minutes, serve) for v in sessions for serve in v.serves)


@dataclass(frozen=True)
class DiffLine:
    kind: str  # kept, moved, added, dropped
    before: SessionView | None
    after: SessionView | None


@dataclass
class RunResult:
    run: PlanRun
    stats: dict[str, Any]
    providers: list[ProviderPlanView]
    shortfalls: list[ShortfallView]
    not_planned: list[tuple[str, str]]  # (student name, why)
    capped: list[tuple[str, int]]
    diff: list[DiffLine] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def diff_counts(self) -> dict[str, int]:
        counts = {"kept": 0, "moved": 0, "added": 0, "dropped": 0}
        for line in self.diff:
            counts[line.kind] += 1
        return counts


@dataclass(frozen=True)
class PlanGoals:
    """A run's fit table and each goal's domain as the scenario gives it (a goal with its
    own fit has a synthetic domain, scenario_build.py), to weigh a plan's focus goals."""

    table: Scenario
    domains: dict[str, str]

    @classmethod
    def of(cls, scenario: Mapping[str, Any]) -> PlanGoals:
        domains = {
            goal["id"]: goal["domain"]
            for student in scenario.get("students", [])
            for goal in student.get("goals", [])
        }
        return cls(table=fit_table_scenario(scenario.get("fit") or {}), domains=domains)


def _plan_serves(
    session: Mapping[str, Any], book: NameBook, goals: PlanGoals | None, activity: str
) -> tuple[Serve, ...]:
    if goals is None:
        return ()
    focus = session.get("focus") or {}
    pull_out = session.get("delivery") == "pull_out"
    serves = []
    for key in session["students"]:
        goal = focus.get(key, "")
        shown = book.initials.get(key, "?") != "?"  # the reader may see this student
        domain = domain_word(book.goal_domains[goal]) if goal in book.goal_domains else ""
        if domain and not shown:
            domain = "a goal"
        fit = None if pull_out else goals.table.fit_weight(goals.domains.get(goal, ""), activity)
        serves.append(
            Serve(
                initials=book.initials.get(key, "?"),
                name=book.name(key),
                domain=domain,
                fit=fit,
                pull_out=pull_out,
            )
        )
    return tuple(serves)


def _views_of_plan_sessions(
    sessions: Iterable[Mapping[str, Any]], book: NameBook, goals: PlanGoals | None = None
) -> list[SessionView]:
    views = []
    for session in sessions:
        start, end = parse_hhmm(session["start"]), parse_hhmm(session["end"])
        school = book.room_school.get(session["classroom"], "")
        activity_id = book.activities.get(session["block"])
        activity = activity_label(activity_id) if activity_id else "Block removed"
        if session.get("delivery") == "pull_out":
            activity = f"Pull-out during {activity.lower()}"
        views.append(
            SessionView(
                ident=session["id"],
                day=session["day"],
                start=start or 0,
                end=end or 0,
                school=school,
                school_name=book.name(school),
                room=book.name(session["classroom"]),
                activity=activity,
                initials=tuple(book.initials.get(s, "?") for s in session["students"]),
                names=tuple(book.name(s) for s in session["students"]),
                serves=_plan_serves(session, book, goals, activity_id or ""),
            )
        )
    return sorted(views, key=lambda v: (DAY_INDEX.get(v.day, 9), v.start, v.ident))


def plan_diff(
    previous: Sequence[Mapping[str, Any]],
    current: Sequence[Mapping[str, Any]],
    before_views: Sequence[SessionView],
    after_views: Sequence[SessionView],
) -> list[DiffLine]:
    """Dropped / moved (from -> to) / added / kept, as `scheduling.changes.plan_changes`
    matches them: the one matching the engine's `moved_sessions` statistic counts too, so
    the page's totals (`RunResult.diff_counts`) and its diff always agree."""
    changes = plan_changes(_plan_sessions(previous), _plan_sessions(current))
    before = {v.ident: v for v in before_views}
    after = {v.ident: v for v in after_views}
    return [
        *(DiffLine("dropped", before.get(old.id), None) for old in changes.dropped),
        *(DiffLine("moved", before.get(old.id), after.get(new.id)) for old, new in changes.moved),
        *(DiffLine("added", None, after.get(new.id)) for new in changes.added),
        *(DiffLine("kept", before.get(old.id), after.get(new.id)) for old, new in changes.kept),
    ]


def _plan_sessions(sessions: Sequence[Mapping[str, Any]]) -> tuple[PlannedSession, ...]:
    return plan_from_dict({"format": PLAN_FORMAT, "sessions": list(sessions)}).sessions


def run_result(run: PlanRun, *, user: User) -> RunResult:
    """Everything the result page shows, with names for `user`'s eyes only."""
    id_map = IdMap.from_json(run.id_map)
    scenario = run.scenario
    plan = run.plan_data
    book = name_book(user=user, id_map=id_map, scenario=scenario)
    sessions = plan.get("sessions", [])
    goals = PlanGoals.of(scenario)
    views = _views_of_plan_sessions(sessions, book, goals)
    colours = school_css(id_map.schools)
    minutes_between = {
        frozenset((leg["from"], leg["to"])): leg["minutes"]
        for leg in scenario.get("travel_minutes", [])
    }
    providers = list(run.providers.select_related("user").order_by("pk"))
    mandated: dict[str, int] = defaultdict(int)
    for student in scenario.get("students", []):
        mandated[student["provider"]] += student["minutes_per_week"]
    by_session = {s["id"]: s for s in sessions}
    provider_views = []
    for provider in providers:
        key = f"p{provider.pk}"
        own = [v for v in views if by_session[v.ident]["provider"] == key]
        provider_views.append(
            ProviderPlanView(
                provider=provider,
                grid=session_grid(own, colours=colours, minutes_between=minutes_between),
                sessions=own,
                scheduled_minutes=sum((v.end - v.start) * len(v.initials) for v in own),
                mandated_minutes=mandated[key],
            )
        )
    student_provider = {s["id"]: s["provider"] for s in scenario.get("students", [])}
    shortfalls = [
        ShortfallView(
            student=book.name(item["student"]),
            provider=book.name(student_provider.get(item["student"], "")),
            minutes=item["minutes"],
            reasons=tuple(
                ReasonView(
                    code=reason["code"],
                    title=REASON_WORDS.get(reason["code"], reason["code"]),
                    message=book.words(reason["message"]),
                )
                for reason in item.get("reasons", [])
            ),
        )
        for item in plan.get("shortfalls", [])
    ]
    result = RunResult(
        run=run,
        stats=dict(plan.get("stats", {})),
        providers=provider_views,
        shortfalls=shortfalls,
        not_planned=_not_planned(id_map, user),
        capped=[(book.name(key), minutes) for key, minutes in id_map.capped.items()],
    )
    if run.error:
        book.add_sessions(sessions)
        result.errors = [book.words(line) for line in run.error.splitlines() if line.strip()]
    previous = scenario.get("previous_plan")
    if run.kind in (RunKind.REPLAN, RunKind.WEEK) and previous is not None:
        before_views = _views_of_plan_sessions(previous.get("sessions", []), book, goals)
        result.diff = plan_diff(previous.get("sessions", []), sessions, before_views, views)
    return result


def _not_planned(id_map: IdMap, user: User) -> list[tuple[str, str]]:
    if not id_map.excluded:
        return []
    visible = {
        s.pk: s.full_name
        for s in students_visible_to(user).filter(pk__in={pk for pk, _, _ in id_map.excluded})
    }
    return [
        (visible.get(student_pk, "a student"), EXCLUDED_WORDS.get(code, code))
        for student_pk, _, code in id_map.excluded
    ]


# --- The standing schedule ---------------------------------------------------------------


def standing_serves(session: ScheduledSession, fits: GoalFits, *, names: bool) -> tuple[Serve, ...]:
    """Each member's focus goal and its fit at the session's block (reads the members with
    `student` and `focus_goal__fit_overrides` prefetched: schedule_sessions)."""
    pull_out = session.delivery == "pull_out"
    activity = session.block.activity if session.block else ""
    return tuple(
        Serve(
            initials=m.student.initials,
            name=m.student.full_name if names else "",
            domain=domain_word(m.focus_goal.domain) if m.focus_goal else "",
            fit=None if pull_out else fits.fit(m.focus_goal, activity),
            pull_out=pull_out,
        )
        for m in session.members.all()
    )


def standing_views(
    sessions: Sequence[ScheduledSession],
    *,
    with_urls: bool,
    names: bool,
    fits: GoalFits | None = None,
) -> list[SessionView]:
    """`fits` given: each student's goal and fit too (`serves`)."""
    views = []
    for s in sessions:
        students = [m.student for m in s.members.all()]
        activity = activity_label(s.block.activity) if s.block else "Block removed"
        if s.delivery == "pull_out":
            activity = f"Pull-out during {activity.lower()}"
        views.append(
            SessionView(
                ident=s.plan_session_id,
                day=s.day,
                start=minutes_of(s.start),
                end=minutes_of(s.end),
                school=f"sch{s.classroom.school_id}",
                school_name=s.classroom.school.name,
                room=s.classroom.name,
                activity=activity,
                initials=tuple(st.initials for st in students),
                names=tuple(st.full_name for st in students) if names else (),
                pinned=s.pinned,
                url=reverse("planning:session_move", args=[s.pk]) if with_urls else "",
                pk=s.pk,
                version=s.version,
                serves=standing_serves(s, fits, names=names) if fits is not None else (),
            )
        )
    return views


@dataclass
class SchedulePage:
    schedule: StandingSchedule | None
    sessions: list[SessionView]
    grid: WeekGrid | None
    history: Sequence[StandingSchedule] = ()

    @property
    def fit(self) -> FitSummary:
        return sessions_fit_summary(self.sessions)


def schedule_page(provider: Provider, *, editable: bool) -> SchedulePage:
    """The newest schedule (the one moves and pins edit) and the history of every
    schedule the provider had, newest first, with the dates each was in force."""
    history = list(
        StandingSchedule.objects.filter(provider=provider)
        .select_related("accepted_by", "source_run")
        .annotate(session_count=Count("sessions"))
        .order_by("-effective_from", "-accepted_at", "-pk")
    )
    schedule = next((s for s in history if s.active), None)
    if schedule is None:
        return SchedulePage(schedule=None, sessions=[], grid=None, history=history)
    rows = schedule_sessions(schedule, with_fit=True)
    fits = GoalFits(provider.district)
    views = standing_views(rows, with_urls=editable, names=True, fits=fits)
    schools = School.objects.filter(district_id=provider.district_id).values_list("pk", flat=True)
    grid = session_grid(
        views,
        colours=school_css(f"sch{pk}" for pk in schools),
        minutes_between=travel_map(provider.district_id),
    )
    return SchedulePage(schedule=schedule, sessions=views, grid=grid, history=history)


# --- Flags: the standing schedule against today's timetable --------------------------------


@dataclass(frozen=True)
class Flag:
    source: str  # "timetable" (the usual week changed) or "week" (that week's dated changes)
    rule: int
    rule_words: str
    message: str  # in plain words, for the reader
    session: SessionView | None


@dataclass
class ScheduleFlags:
    week_of: dt.date | None
    flags: list[Flag]
    closed_days: list[str]
    has_schedule: bool

    @property
    def timetable_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.source == "timetable"]

    @property
    def week_flags(self) -> list[Flag]:
        return [f for f in self.flags if f.source == "week"]


def schedule_flags_for(
    provider: Provider, week_of: dt.date | None, *, reader: User | None = None
) -> ScheduleFlags:
    """Sessions of the active standing schedule that no longer pass the engine's checker:
    against the usual week (a teacher edited a block), and, with `week_of`, against that
    week's dated exceptions (this Thursday is a test). Names are for `reader`'s eyes."""
    monday = monday_of(week_of) if week_of is not None else None
    schedule = StandingSchedule.objects.filter(provider=provider, active=True).first()
    if schedule is None:
        return ScheduleFlags(week_of=monday, flags=[], closed_days=[], has_schedule=False)
    rows = schedule_sessions(schedule)
    views = {v.ident: v for v in standing_views(rows, with_urls=False, names=False)}
    district = provider.district
    usual, usual_map = scenario_build(district=district, providers=[provider])
    as_plan = schedule_as_plan(
        provider_pk=provider.pk, sessions=rows, scenario=usual, id_map=usual_map
    )
    found: list[tuple[str, Problem]] = [
        ("timetable", p) for p in schedule_problems(usual, as_plan.plan)
    ]
    book = name_book(user=reader, id_map=usual_map, scenario=scenario_to_dict(usual))
    closed: list[str] = []
    if monday is not None:
        # The week as it stands: its stored sessions still to come (after any one-week
        # re-plan) against that week's dated changes.
        week, week_map, _open = week_scenario(provider=provider, monday=monday)
        closed = closed_days_of(district, monday)
        previous = week.previous_plan
        views.update(_dated_views(previous.sessions if previous else ()))
        # A change of the usual week shows in its stored sessions too: flagged once, as
        # the usual week's (its sessions named by their weekly ids to compare).
        known_keys = {p.key for _, p in found}
        as_weekly = _weekly_ids(previous.sessions if previous else (), schedule)
        week_problems = [
            problem
            for problem in (schedule_problems(week, previous) if previous else [])
            if problem.renamed(as_weekly).key not in known_keys and problem.rule != 6
        ]
        found += [("week", problem) for problem in week_problems]
        if week_problems:  # names of that week's one-off blocks
            week_book = name_book(user=reader, id_map=week_map, scenario=scenario_to_dict(week))
            book.names.update({k: v for k, v in week_book.names.items() if k not in book.names})
            book.add_sessions(_plan_session_dicts(previous.sessions if previous else ()))
    book.add_sessions(_plan_session_dicts(as_plan.plan.sessions))
    flags = []
    seen: set[tuple[str, int, str, str]] = set()
    for source, problem in found:
        concerned: list[SessionView | None] = [
            views[sid] for sid in problem.sessions if sid in views
        ]
        for session in concerned or [None]:
            message = book.words(problem.message)
            if session is not None:
                # The flag already says which session: "session (Mon 09:00-09:30): ..."
                message = message.removeprefix(f"session ({session.span}): ")
            key = (source, problem.rule, message, session.ident if session else "")
            if key in seen:  # one line per session, not per student of a group
                continue
            seen.add(key)
            flags.append(
                Flag(
                    source=source,
                    rule=problem.rule,
                    rule_words=RULE_WORDS.get(problem.rule, "A scheduling rule is broken."),
                    message=message,
                    session=session,
                )
            )
    return ScheduleFlags(week_of=monday, flags=flags, closed_days=closed, has_schedule=True)


def _weekly_ids(sessions: Iterable[PlannedSession], schedule: StandingSchedule) -> dict[str, str]:
    """A week's stored sessions ("d<pk>") that still follow their weekly session of
    `schedule` (not moved for the day), as that weekly session's plan id."""
    pks = [pk for s in sessions if (pk := week_session_pk(s.id)) is not None]
    rows = DatedSession.objects.filter(
        pk__in=pks, standing__schedule=schedule, is_override=False
    ).values_list("pk", "standing__plan_session_id")
    return {f"{PLAN_ID_PREFIX}{pk}": ident for pk, ident in rows}


def _dated_views(sessions: Iterable[PlannedSession]) -> dict[str, SessionView]:
    """Views of a week's stored sessions, keyed by their plan ids ("d<pk>")."""
    sessions = list(sessions)
    pks = [week_session_pk(s.id) for s in sessions]
    by_pk = {
        d.pk: d
        for d in DatedSession.objects.filter(
            pk__in=[pk for pk in pks if pk is not None]
        ).select_related("classroom__school")
    }
    views = {}
    for planned in sessions:
        dated = by_pk.get(week_session_pk(planned.id) or 0)
        if dated is None:
            continue
        views[planned.id] = SessionView(
            ident=planned.id,
            day=planned.day,
            start=planned.start,
            end=planned.end,
            school=f"sch{dated.classroom.school_id}",
            school_name=dated.classroom.school.name,
            room=dated.classroom.name,
            activity=activity_label(dated.activity) if dated.activity else "",
            initials=(),
            pk=dated.pk,
        )
    return views


def _plan_session_dicts(sessions: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": s.id,
            "day": s.day,
            "start": format_hhmm(s.start),
            "end": format_hhmm(s.end),
            "classroom": s.classroom,
        }
        for s in sessions
    ]


def recent_runs(provider: Provider, limit: int = 10) -> list[PlanRun]:
    return list(
        PlanRun.objects.filter(providers=provider)
        .defer("scenario", "plan", "id_map")
        .select_related("requested_by")
        .order_by("-created_at", "-pk")[:limit]
    )


@dataclass(frozen=True)
class ProviderRow:
    provider: Provider
    schedule: StandingSchedule | None
    last_run: PlanRun | None


def provider_rows(providers: Sequence[Provider]) -> list[ProviderRow]:
    """Each provider with their active schedule and latest run (three queries in all)."""
    pks = [p.pk for p in providers]
    schedules = {
        s.provider_id: s for s in StandingSchedule.objects.filter(provider_id__in=pks, active=True)
    }
    last_run = (
        PlanRun.objects.filter(providers=OuterRef("pk")).order_by("-created_at", "-pk").values("pk")
    )
    pairs = list(
        Provider.objects.filter(pk__in=pks)
        .annotate(last_run=Subquery(last_run[:1]))
        .values_list("pk", "last_run")
    )
    runs = PlanRun.objects.defer("scenario", "plan", "id_map").in_bulk(
        [run for _, run in pairs if run is not None]
    )
    latest = {provider: runs[run] for provider, run in pairs if run is not None}
    return [ProviderRow(p, schedules.get(p.pk), latest.get(p.pk)) for p in providers]

"""Building a report from the record: each goal's data, the minutes, what worked.

`gather_facts` reads everything a report of a period says about many students in a fixed
number of queries (goals, their points, strategy uses; the minutes ledger once per
distinct last day of data), and only up to each report's last day (`through`: the period's
end, or today while the period runs). `document_of` turns one student's facts into a
`Document` (document.py): the goals with their series, graph, suggested code and drafted
narrative (or a draft's saved entries), and the minutes.

`Facts.fingerprint()` is a hash of what the report is made from (each goal's words and
session values, the minutes): a signed report stores it, and a different one now means
the record changed after signing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from pushin.caseload.models import Goal, Student
from pushin.collaboration.models import Outcome, StrategyUse
from pushin.district.models import District, ProgressPeriod
from pushin.progress.graphs import goal_graph_png, goal_graph_svg
from pushin.progress.models import ReportGoal
from pushin.progress.reports.codes import suggest_code
from pushin.progress.reports.document import (
    Document,
    GoalPart,
    LatestValue,
    MinutesPart,
    MissedMinutes,
)
from pushin.progress.selectors import goal_points, goal_series_for, goal_title
from pushin.progress.series import GoalSeries, describe, trend_words
from pushin.sessions.ledger import REASON_WORDS, ServiceLedger, load_ledgers

SERVICE_WORDS = {
    "OT": "Occupational therapy",
    "PT": "Physical therapy",
    "SLP": "Speech-language therapy",
}


def report_through(period: ProgressPeriod, today: dt.date) -> dt.date:
    """The last day of data a report of `period` shows when made `today`."""
    return min(period.end, today)


def _day(day: dt.date, *, year: bool = False) -> str:
    return f"{day:%b} {day.day}, {day.year}" if year else f"{day:%b} {day.day}"


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


@dataclass(frozen=True)
class Worked:
    """A strategy of the student used in the period, and how it went."""

    name: str
    domains: tuple[str, ...]
    worked: int
    partly: int

    def serves(self, domain: str) -> bool:
        return not self.domains or domain in self.domains


@dataclass
class GoalFacts:
    goal: Goal
    series: GoalSeries  # through the report's last day
    sessions_in_period: int
    worked: list[Worked]


@dataclass
class Facts:
    """What a report says about one student, from the record."""

    student: Student
    period: ProgressPeriod
    family: str
    through: dt.date
    goals: list[GoalFacts]
    minutes: MinutesPart
    strategies: list[Worked] = field(default_factory=list)

    def fingerprint(self) -> str:
        """A hash of the goals' words and session values and of the minutes."""
        minutes = self.minutes
        data = {
            "goals": [
                [
                    g.goal.pk,
                    g.goal.domain,
                    g.goal.text,
                    g.goal.method,
                    g.goal.baseline,
                    g.goal.target,
                    g.goal.mastery_criterion,
                    g.goal.iep.start.isoformat(),
                    g.goal.iep.end.isoformat(),
                    [
                        [s.day.isoformat(), s.session, round(s.value, 6), s.count]
                        for s in g.series.sessions
                    ],
                    g.series.narratives,
                ]
                for g in self.goals
            ],
            "minutes": [
                minutes.has_service,
                minutes.start.isoformat() if minutes.start else None,
                minutes.mandated,
                minutes.delivered,
                minutes.imported,
                [[m.reason, m.minutes] for m in minutes.missed],
                minutes.mandate,
            ],
        }
        text = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


# --- Reading the record ---------------------------------------------------------------


def _goals(ids: Sequence[int], period: ProgressPeriod, last: dt.date) -> dict[int, list[Goal]]:
    """Each student's goals of the IEPs that overlap the period up to `last` (one query)."""
    goals: dict[int, list[Goal]] = defaultdict(list)
    for goal in (
        Goal.objects.filter(
            iep__student_id__in=ids, iep__start__lte=last, iep__end__gte=period.start
        )
        .select_related("iep")
        .order_by("iep__start", "iep_id", "pk")
    ):
        goals[goal.iep.student_id].append(goal)
    return goals


def _uses(
    ids: Sequence[int], period: ProgressPeriod, last: dt.date
) -> dict[int, list[tuple[dt.date, str, tuple[str, ...], str]]]:
    """Each student's strategy uses in the period that worked or partly (one query)."""
    rows = (
        StrategyUse.objects.filter(
            student_strategy__student_id__in=ids,
            used_on__gte=period.start,
            used_on__lte=last,
            outcome__in=[Outcome.WORKED, Outcome.PARTLY],
        )
        .order_by("student_strategy__strategy__name", "used_on", "pk")
        .values_list(
            "student_strategy__student_id",
            "used_on",
            "student_strategy__strategy__name",
            "student_strategy__strategy__domains",
            "outcome",
        )
    )
    found: dict[int, list[tuple[dt.date, str, tuple[str, ...], str]]] = defaultdict(list)
    for student_id, day, name, domains, outcome in rows:
        found[student_id].append((day, name, tuple(domains or ()), outcome))
    return found


def _worked(
    uses: Sequence[tuple[dt.date, str, tuple[str, ...], str]], through: dt.date
) -> list[Worked]:
    counts: dict[tuple[str, tuple[str, ...]], list[int]] = {}
    for day, name, domains, outcome in uses:
        if day > through:
            continue
        count = counts.setdefault((name, domains), [0, 0])
        count[0 if outcome == Outcome.WORKED else 1] += 1
    return [
        Worked(name=name, domains=domains, worked=w, partly=p)
        for (name, domains), (w, p) in sorted(counts.items(), key=lambda i: (-i[1][0], i[0][0]))
    ]


def _minutes(
    ledger_services: Sequence[ServiceLedger], period: ProgressPeriod, family: str, through: dt.date
) -> MinutesPart:
    """The ledger rows of the family's services that overlap the period up to `through`:
    their mandate to `through` (the ledger is loaded with that as its last elapsed day),
    and the delivered and missed minutes of their records dated by then."""
    services = [
        s
        for s in ledger_services
        if s.service.family == family
        and s.service.iep_start <= through
        and s.service.iep_end >= period.start
    ]
    rows = [p for s in services for p in s.periods if p.start <= through and p.end >= period.start]
    missed: dict[str, int] = defaultdict(int)
    for row in rows:
        for line in row.misses:
            if line.record.date <= through and line.counted:
                missed[line.record.reason] += line.counted
    records = [r for row in rows for r in row.records if r.date <= through]
    start = min((p.start for p in rows), default=None)
    in_force = [s.service.version_on(through) for s in services]
    mandate = next((v.short for v in reversed(in_force) if v is not None), "")
    starts = [s.service.records_start for s in services if s.service.records_start is not None]
    records_start = max(starts) if starts else None
    return MinutesPart(
        has_service=bool(services),
        start=start,
        mandated=sum(p.mandated_elapsed for p in rows),
        delivered=sum(r.delivered for r in records),
        imported=sum(r.delivered for r in records if r.is_imported),
        missed=tuple(
            MissedMinutes(REASON_WORDS.get(reason, reason), minutes)
            for reason, minutes in sorted(
                missed.items(), key=lambda i: REASON_WORDS.get(i[0], i[0])
            )
        ),
        mandate=mandate,
        records_start=records_start
        if start is not None and records_start is not None and records_start > start
        else None,
    )


def gather_facts(
    *,
    district: District,
    period: ProgressPeriod,
    family: str,
    students: Sequence[Student],
    through: Mapping[int, dt.date],
) -> dict[int, Facts]:
    """The facts of each student's report of `period` for `family`, through the day given
    for the student (`through[student.pk]`). Three queries, and the ledger's few once per
    distinct `through` day (usually one: the period's end, or today)."""
    ids = [s.pk for s in students]
    if not ids:
        return {}
    last = max(through[pk] for pk in ids)
    goals = _goals(ids, period, last)
    points = goal_points(g.pk for own in goals.values() for g in own)
    uses = _uses(ids, period, last)
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for pk in ids:
        by_day[through[pk]].append(pk)
    ledgers = {}
    for day, group in sorted(by_day.items()):
        book = load_ledgers(
            district=district, students=group, today=day + dt.timedelta(days=1), through=day
        )
        ledgers.update(book.ledgers)
    facts = {}
    for student in students:
        day = through[student.pk]
        worked = _worked(uses.get(student.pk, []), day)
        own = []
        for goal in goals.get(student.pk, []):
            if goal.iep.start > day:
                continue
            series = goal_series_for(goal, [p for p in points.get(goal.pk, []) if p.day <= day])
            in_period = sum(1 for s in series.sessions if period.start <= s.day <= day)
            own.append(
                GoalFacts(
                    goal=goal,
                    series=series,
                    sessions_in_period=in_period,
                    worked=[w for w in worked if w.serves(goal.domain)],
                )
            )
        ledger = ledgers.get(student.pk)
        facts[student.pk] = Facts(
            student=student,
            period=period,
            family=family,
            through=day,
            goals=own,
            minutes=_minutes(ledger.services if ledger else [], period, family, day),
            strategies=worked,
        )
    return facts


# --- The narrative ----------------------------------------------------------------------


def worked_words(worked: Sequence[Worked]) -> str:
    """ "What worked: Slant board (worked 3 times; partly once)." and the like."""
    helped = [w for w in worked if w.worked]
    partly = [w for w in worked if not w.worked and w.partly]
    if not helped and not partly:
        return "No strategy was logged as working for this goal in this period."
    parts = []
    if helped:
        parts.append(
            "What worked: "
            + ", ".join(
                f"{w.name} (worked {_times(w.worked)}"
                + (f"; partly {_times(w.partly)}" if w.partly else "")
                + ")"
                for w in helped
            )
            + "."
        )
    if partly:
        parts.append(
            "Helped partly: " + ", ".join(f"{w.name} ({_times(w.partly)})" for w in partly) + "."
        )
    return " ".join(parts)


def draft_narrative(facts: GoalFacts, *, period: ProgressPeriod, through: dt.date) -> str:
    """The narrative drafted from the data, for the provider to edit: the sessions, the
    trend in words, the latest three values, the aim line, mastery, and what worked."""
    series, scale = facts.series, facts.series.scale
    span = f"{_day(period.start)} to {_day(through, year=True)}"
    parts: list[str] = []
    if scale is None:
        parts.append(
            f"Narrative goal: {series.narratives} observation"
            f"{'s' if series.narratives != 1 else ''} recorded through "
            f"{_day(through, year=True)}."
        )
    elif not series.sessions:
        parts.append(f"No data taken for this goal through {_day(through, year=True)}.")
    else:
        n, total = facts.sessions_in_period, len(series.sessions)
        parts.append(
            f"{n} session{'s' if n != 1 else ''} with data in this period ({span}); "
            f"{total} since the IEP started."
        )
        trend = trend_words(series)
        parts.append(trend or "Too few sessions for a trend yet.")
        parts.append(
            ("Latest: " if len(series.latest) < 3 else "The latest three: ")
            + ", ".join(f"{scale.words(s.value)} ({_day(s.day)})" for s in series.latest)
            + "."
        )
        if series.aim is not None:
            last = series.sessions[-1].day
            parts.append(
                f"The aim line expected {scale.words(series.aim.value_at(last))} by {_day(last)}."
            )
        parts.append(series.mastery.words)
    parts.append(worked_words(facts.worked))
    return " ".join(parts)


# --- The document -----------------------------------------------------------------------


def _iep_words(goal: Goal) -> str:
    return f"{_day(goal.iep.start, year=True)} to {_day(goal.iep.end, year=True)}"


def document_of(
    facts: Facts,
    *,
    words: Mapping[str, str],
    author: str,
    entries: Mapping[int, ReportGoal] | None = None,
    draw: bool = True,
    png: bool = False,
    ident: str = "report-goal",
    revision: int = 1,
    amend_reason: str = "",
) -> Document:
    """The report of `facts`: each goal with the code and narrative of its entry (a draft's
    saved ones), else the suggested code and the drafted narrative. `draw`: the graphs as
    SVG (for a page); `png`: as PNG too (for a snapshot or a PDF)."""
    entries = entries or {}
    student, period = facts.student, facts.period
    parts = []
    for n, gf in enumerate(facts.goals, start=1):
        goal, series = gf.goal, gf.series
        suggestion = suggest_code(series)
        entry = entries.get(goal.pk)
        code = entry.code if entry is not None else suggestion.code
        title = goal_title(goal)
        graphed = series.scale is not None
        scale = series.scale
        parts.append(
            GoalPart(
                goal_id=goal.pk,
                iep=_iep_words(goal),
                domain=str(goal.get_domain_display()),
                text=goal.text,
                method=str(goal.get_method_display()),
                baseline=goal.baseline,
                target=goal.target,
                criterion=goal.mastery_criterion,
                code=code,
                code_word=words.get(code, ""),
                suggested=suggestion.code,
                suggested_word=words.get(suggestion.code, ""),
                suggested_why=suggestion.why,
                narrative=entry.narrative
                if entry is not None
                else draft_narrative(gf, period=period, through=facts.through),
                mastery=series.mastery.words,
                trend=trend_words(series) if series.trend else "",
                description=describe(series),
                sessions=len(series.sessions),
                sessions_in_period=gf.sessions_in_period,
                latest=tuple(LatestValue(s.day, scale.words(s.value)) for s in series.latest)
                if scale is not None
                else (),
                graphed=graphed,
                svg=str(goal_graph_svg(series, ident=f"{ident}-{n}", title=title))
                if draw and graphed
                else "",
                png=goal_graph_png(series, title=title) if png and graphed else None,
                series=series,
                edited=entry.edited if entry is not None else False,
            )
        )
    classroom = student.classroom
    return Document(
        student_name=student.full_name,
        student_ref=student.ref,
        grade=student.grade,
        school=classroom.school.name,
        classroom=classroom.name,
        family=facts.family,
        service=SERVICE_WORDS.get(facts.family, facts.family),
        provider_name=author,
        period_name=period.name,
        period_start=period.start,
        period_end=period.end,
        through=facts.through,
        goals=tuple(parts),
        minutes=facts.minutes,
        revision=revision,
        amend_reason=amend_reason,
    )

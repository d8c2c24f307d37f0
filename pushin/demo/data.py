"""The demo's data points: a term of plausible data on the sessions imported from before
the records start, so goal graphs and progress show something.

The demo adopts Push-In today (its records start is the first school day on or after
today), so every past session it holds came in through the past-minutes import: the
points here stand for the paper data sheets entered with those minutes. They are
recorded by the session's provider and, like the imported sessions' signatures, at 07:00
on the day the demo was loaded; nothing is logged on a session that has not happened.

Each student's goal follows its own course from the baseline at the IEP start towards
the target at the IEP end: `pace` 1 keeps to the aim line, above 1 runs ahead of it
(some goals are mastered by mid-year), below 1 falls behind; each session adds noise.
Everything comes from `random.Random` seeded by the demo's size and seed: the same
district on the same day gets the same points.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db.models import Prefetch
from django.utils import timezone

from pushin.caseload.models import Goal, Method
from pushin.district.models import District
from pushin.progress.series import PROMPT_LADDER, parse_level
from pushin.sessions.models import Attendance, DataKind, DataPoint, SessionStudent
from pushin.sessions.services import MAX_SECONDS, RUBRIC_MAX, data_kind_for

# Where a goal starts and aims when its words hold no number this can read.
FALLBACK: dict[str, tuple[float, float]] = {
    Method.PERCENT_TRIALS: (30, 80),
    Method.PROMPT_LEVEL: (1, 5),
    Method.RUBRIC: (1, 3),
    Method.DURATION: (3, 10),
    Method.LATENCY: (5, 1),
    Method.FREQUENCY: (1, 4),
}
PACES = (0.4, 0.7, 1.0, 1.0, 1.3, 1.7, 2.2)  # how fast a goal moves, against its aim line
SECOND_GOAL = 0.45  # the chance a session also takes data for another goal
_BATCH = 2000
NARRATIVE_NOTES = (
    "Followed the routine with the visual schedule.",
    "Needed a movement break halfway; returned to the task.",
    "Asked a peer for help on their own.",
)


class _Course:
    """One goal's course over its IEP: the expected value on a day, on the method's scale."""

    def __init__(self, goal: Goal, rng: random.Random) -> None:
        fallback = FALLBACK.get(goal.method, (0, 1))
        start = parse_level(goal.method, goal.baseline)
        end = parse_level(goal.method, goal.target)
        self.start = fallback[0] if start is None else start
        self.end = fallback[1] if end is None else end
        self.pace = rng.choice(PACES)
        self.iep_start = goal.iep.start
        self.days = max(1, (goal.iep.end - goal.iep.start).days)

    def expected(self, day: dt.date) -> float:
        share = min(1.0, max(0.0, self.pace * (day - self.iep_start).days / self.days))
        return self.start + share * (self.end - self.start)


def _points(
    goal: Goal, course: _Course, record: SessionStudent, day: dt.date, rng: random.Random
) -> list[DataPoint]:
    """One session's points for one goal, around the course's value that day."""
    value = course.expected(day)
    kind = data_kind_for(goal)

    def point(**fields: object) -> DataPoint:
        return DataPoint(record=record, goal=goal, kind=kind, **fields)

    if kind == DataKind.TRIAL:
        chance = min(0.98, max(0.02, value / 100 + rng.uniform(-0.1, 0.1)))
        return [point(correct=rng.random() < chance) for _ in range(rng.choice((5, 8, 10, 10)))]
    if kind == DataKind.PROMPT:
        top = len(PROMPT_LADDER) - 1
        return [
            point(prompt=PROMPT_LADDER[min(top, max(0, round(value + rng.uniform(-0.8, 0.8))))])
            for _ in range(rng.randint(3, 5))
        ]
    if kind == DataKind.RUBRIC:
        return [
            point(value=min(RUBRIC_MAX, max(0, round(value + rng.uniform(-0.7, 0.7)))))
            for _ in range(rng.randint(1, 2))
        ]
    if kind == DataKind.DURATION:
        seconds = round(value * 60 * rng.uniform(0.8, 1.2))
        return [point(value=min(MAX_SECONDS, max(1, seconds)))]
    if kind == DataKind.FREQUENCY:
        count = max(1, round(value + rng.uniform(-1.2, 1.2)))
        return [point(value=1) for _ in range(count)]
    return [point(text=rng.choice(NARRATIVE_NOTES))]


def demo_data_points(district: District, *, seed: str, today: dt.date) -> int:
    """Data for the delivered, imported sessions of `district`; how many points."""
    rng = random.Random(f"{seed}-data")
    records = (
        SessionStudent.objects.filter(
            session__provider__district=district,
            session__is_imported=True,
            attendance=Attendance.DELIVERED,
            session__date__lt=today,
        )
        .select_related("session__provider__user", "student")
        .prefetch_related(
            Prefetch(
                "student__ieps__goals",
                queryset=Goal.objects.select_related("iep").order_by("pk"),
            )
        )
        .order_by("session__date", "session__start", "pk")
    )
    courses: dict[int, _Course] = {}
    seen: dict[int, int] = defaultdict(int)  # sessions per student so far
    batch: list[DataPoint] = []
    made = 0
    for record in records:
        day = record.session.date
        student = record.student
        every = [g for iep in student.ieps.all() for g in iep.goals.all()]
        for n, goal in enumerate(every):
            if goal.pk not in courses:  # each goal's own pace, whatever else is drawn
                courses[goal.pk] = _Course(goal, random.Random(f"{seed}-{student.ref}-{n}"))
        goals = [g for g in every if g.iep.start <= day <= g.iep.end]
        if not goals:
            continue
        turn = seen[record.student_id]
        seen[record.student_id] += 1
        worked = [goals[turn % len(goals)]]
        if len(goals) > 1 and rng.random() < SECOND_GOAL:
            worked.append(goals[(turn + 1) % len(goals)])
        for goal in worked:
            for point in _points(goal, courses[goal.pk], record, day, rng):
                point.recorded_by = record.session.provider.user
                batch.append(point)
        if len(batch) >= _BATCH:
            DataPoint.objects.bulk_create(batch)
            made += len(batch)
            batch = []
    DataPoint.objects.bulk_create(batch)
    made += len(batch)
    # Entered with the imported minutes: at the time their signatures carry.
    DataPoint.objects.filter(record__session__provider__district=district).update(
        recorded_at=timezone.make_aware(dt.datetime.combine(today, dt.time(7)))
    )
    return made

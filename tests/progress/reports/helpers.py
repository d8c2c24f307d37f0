"""A world for the progress report tests: the district's two first periods, a term of
hand-made data for the student's goal, strategy uses, missed sessions. Every name here is
made up. The suite's today is Wed 2026-12-02 (tests/conftest.py): Q2 is in force."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.test import Client
from django.urls import reverse

from pushin.caseload.models import Goal
from pushin.collaboration.models import Outcome, Strategy, StrategyUse, StudentStrategy
from pushin.district.models import ProgressPeriod
from pushin.progress.models import ProgressReport
from pushin.progress.reports.document import Document
from pushin.progress.reports.services import report_draft, report_sign
from pushin.sessions.models import Attendance, SessionStudent
from pushin.vocabulary import Domain, MissReason
from tests.factories import World
from tests.progress.helpers import past_session, percent_sessions

Q1_START, Q1_END = dt.date(2026, 8, 31), dt.date(2026, 11, 6)
Q2_START, Q2_END = dt.date(2026, 11, 9), dt.date(2027, 1, 29)
PERCENTS = [50, 60, 70, 80]  # Mondays Nov 9, 16, 23, 30
# Q2 through Wed Dec 2: three whole weeks of 60 minutes, and Mon-Wed of the fourth (3/5).
MANDATED = 60 * 3 + 36
DELIVERED = 30 * len(PERCENTS)


@dataclass
class ReportWorld:
    world: World
    q1: ProgressPeriod
    q2: ProgressPeriod
    goal: Goal
    records: list[SessionStudent]


def periods(world: World) -> tuple[ProgressPeriod, ProgressPeriod]:
    q1 = ProgressPeriod.objects.create(
        district=world.district, name="Q1", start=Q1_START, end=Q1_END
    )
    q2 = ProgressPeriod.objects.create(
        district=world.district, name="Q2", start=Q2_START, end=Q2_END
    )
    return q1, q2


def strategy_uses(world: World) -> None:
    """Slant board worked twice and partly once in Q2 (and once in Q1, not counted); a
    breathing routine (another goal domain) worked once in Q2."""
    user = world.provider.user
    slant = StudentStrategy.objects.create(
        student=world.student,
        strategy=Strategy.objects.create(
            district=world.district,
            name="Slant board test",
            how_to="Set it on the desk.",
            domains=[Domain.HANDWRITING],
        ),
        added_by=user,
    )
    breathing = StudentStrategy.objects.create(
        student=world.student,
        strategy=Strategy.objects.create(
            district=world.district,
            name="Breathing test",
            how_to="Five slow breaths.",
            domains=[Domain.SENSORY],
        ),
        added_by=user,
    )
    for day, outcome in [
        (dt.date(2026, 10, 5), Outcome.WORKED),  # Q1
        (dt.date(2026, 11, 16), Outcome.WORKED),
        (dt.date(2026, 11, 20), Outcome.PARTLY),
        (dt.date(2026, 11, 30), Outcome.WORKED),
        (dt.date(2026, 12, 1), Outcome.DID_NOT),
    ]:
        StrategyUse.objects.create(
            student_strategy=slant, used_on=day, used_by=user, outcome=outcome
        )
    StrategyUse.objects.create(
        student_strategy=breathing,
        used_on=dt.date(2026, 11, 17),
        used_by=world.para,
        outcome=Outcome.WORKED,
    )


def report_world(world: World) -> ReportWorld:
    q1, q2 = periods(world)
    goal = Goal.objects.get(iep__student=world.student)
    records = percent_sessions(world.provider, world.student, goal, PERCENTS, Q2_START)
    strategy_uses(world)
    return ReportWorld(world=world, q1=q1, q2=q2, goal=goal, records=records)


def missed_sessions(world: World) -> None:
    """A provider absence Thu Nov 19 and a student absence Tue Dec 1 (30 minutes each)."""
    past_session(
        world.provider,
        world.student,
        dt.date(2026, 11, 19),
        attendance=MissReason.PROVIDER_ABSENT,
    )
    past_session(
        world.provider, world.student, dt.date(2026, 12, 1), attendance=Attendance.STUDENT_ABSENT
    )


def drafted(rw: ReportWorld) -> ProgressReport:
    report, _ = report_draft(
        actor=rw.world.provider.user,
        provider=rw.world.provider,
        student=rw.world.student,
        period=rw.q2,
    )
    return report


def signed(rw: ReportWorld) -> ProgressReport:
    return report_sign(actor=rw.world.provider.user, report=drafted(rw))


def frozen(report: ProgressReport) -> Document:
    """A signed report's snapshot."""
    assert report.snapshot is not None
    return Document.from_json(report.snapshot)


def report_body(client: Client, report: ProgressReport) -> str:
    """The report itself on its page (between its <article> tags)."""
    html = client.get(reverse("progress:report", args=[report.pk])).content.decode()
    start = html.index('<article id="report-body"')
    return html[start : html.index("</article>", start)]

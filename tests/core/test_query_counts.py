"""The pages people use most make the same number of queries whatever the caseload's size.

For each page (Today, the caseload, a student, the minutes, compliance by district,
provider and school, the plan, a plan run, the standing schedule and the move form, the
teacher portal), as the persona who uses it: the number of queries of a request in the
rich world (tests/core/rich_world.py), then
again after five more students join the provider's caseload and the teacher's room, each
with an IEP, a mandate, a goal, a place in the standing sessions, a record in every stored
session of the provider (the past ones logged as delivered, with a data point) and a
progress report's worth of nothing else. The count must not change: a page that queries
once per student, session or record (an N+1) fails here.

Each page is requested once before it is counted, so that what a process caches once
(content types, the site's settings) is not counted.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.models import User
from pushin.caseload.models import Goal, Student
from pushin.planning.models import ScheduledSession, ScheduledSessionStudent
from pushin.sessions.models import (
    Attendance,
    DataKind,
    DataPoint,
    DatedSession,
    SessionStatus,
    SessionStudent,
)
from tests.core.rich_world import RichWorld
from tests.factories import make_student
from tests.signing_in import force_login

pytestmark = pytest.mark.django_db

MORE = 5  # students added between the two counts


def grow(rich: RichWorld, count: int = MORE, *, ref: str = "Q") -> list[Student]:
    """`count` more students in the provider's caseload and the teacher's room (Room 2A),
    in every standing session and stored session of the provider there."""
    world = rich.world
    provider = rich.provider
    today = timezone.localdate()
    weekly = list(ScheduledSession.objects.filter(schedule__provider=provider))
    dated = list(DatedSession.objects.filter(provider=provider, classroom=world.classroom))
    added = []
    for i in range(count):
        student = make_student(
            ref=f"{ref}-{i:03d}",
            classroom=world.classroom,
            provider=provider,
            first_name="Quinn",
            last_name=f"Counted{ref}{i}",
        )
        goal = Goal.objects.get(iep__student=student)
        ScheduledSessionStudent.objects.bulk_create(
            ScheduledSessionStudent(session=session, student=student, focus_goal=goal)
            for session in weekly
        )
        for session in dated:
            done = session.date < today and session.status != SessionStatus.PLANNED
            record = SessionStudent.objects.create(
                session=session,
                student=student,
                focus_goal=goal,
                attendance=Attendance.DELIVERED if done else "",
                minutes_delivered=30 if done else None,
            )
            if done:
                DataPoint.objects.create(
                    record=record,
                    goal=goal,
                    kind=DataKind.TRIAL,
                    correct=True,
                    recorded_by=provider.user,
                )
        added.append(student)
    return added


Pages = dict[str, tuple[Callable[[RichWorld], User], Callable[[RichWorld], str]]]

PAGES: Pages = {
    "Today": (lambda r: r.provider.user, lambda r: reverse("sessions:today")),
    "caseload (provider)": (lambda r: r.provider.user, lambda r: reverse("caseload:list")),
    "caseload (admin)": (lambda r: r.world.admin, lambda r: reverse("caseload:list")),
    "caseload (teacher)": (lambda r: r.world.teacher, lambda r: reverse("caseload:list")),
    "student (provider)": (
        lambda r: r.provider.user,
        lambda r: reverse("caseload:student", args=[r.world.student.pk]),
    ),
    "student (admin)": (
        lambda r: r.world.admin,
        lambda r: reverse("caseload:student", args=[r.world.student.pk]),
    ),
    # A provider's minutes:home is a redirect to their own compliance page.
    "compliance provider (own)": (
        lambda r: r.provider.user,
        lambda r: reverse("minutes:provider", args=[r.provider.pk]),
    ),
    "minutes of a student": (
        lambda r: r.provider.user,
        lambda r: reverse("minutes:student", args=[r.world.student.pk]),
    ),
    "compliance district": (lambda r: r.world.admin, lambda r: reverse("minutes:district")),
    "compliance provider": (
        lambda r: r.world.admin,
        lambda r: reverse("minutes:provider", args=[r.provider.pk]),
    ),
    "compliance school": (
        lambda r: r.world.admin,
        lambda r: reverse("minutes:school", args=[r.world.school.pk]),
    ),
    "plan": (
        lambda r: r.provider.user,
        lambda r: reverse("planning:provider", args=[r.provider.pk]),
    ),
    "plan run": (lambda r: r.provider.user, lambda r: reverse("planning:run", args=[r.run.pk])),
    # Each student's goal and fit (issue 11); the move form's free, fitting blocks.
    "standing schedule": (
        lambda r: r.provider.user,
        lambda r: reverse("planning:schedule", args=[r.provider.pk]),
    ),
    "move a session": (
        lambda r: r.provider.user,
        lambda r: reverse("planning:session_move", args=[r.weekly.pk]),
    ),
    # The teacher's portal_home is a redirect to their one room's portal.
    "teacher portal": (
        lambda r: r.world.teacher,
        lambda r: reverse("collaboration:portal", args=[r.world.classroom.pk]),
    ),
}


def _shape(statement: str) -> str:
    """A statement with its values left out (times, ids, lists of ids)."""
    statement = re.sub(r"'[^']*'", "?", statement)
    statement = re.sub(r"\bIN \([^()]*\)", "IN (...)", statement)
    return re.sub(r"\b\d+\b", "?", statement)


def _added_queries(before: list[str], after: list[str]) -> list[str]:
    """The statements of `after` beyond those of `before` (by shape; the same statement n
    times counted n times), for the failure message."""
    left = [_shape(statement) for statement in before]
    added = []
    for statement in after:
        if _shape(statement) in left:
            left.remove(_shape(statement))
        else:
            added.append(statement)
    return added


def queries(client: Client, url: str) -> tuple[int, list[str]]:
    """The queries of one GET of `url` (which must answer 200)."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured.captured_queries), [q["sql"] for q in captured.captured_queries]


def test_the_query_counts_do_not_grow_with_the_caseload(rich: RichWorld) -> None:
    """One world for every page (it takes seconds to build): each page counted, the world
    grown, each page counted again.

    One student is added first, like those added later, so that both counts see every
    kind of row the growth brings (a student in no plan run yet, a student read with no
    strategy of theirs): the second count differs only by how many there are."""
    grow(rich, 1, ref="P")
    clients = {}
    before = {}
    sqls_before: dict[str, list[str]] = {}
    for page, (who, where) in PAGES.items():
        user = who(rich)
        if user.pk not in clients:
            clients[user.pk] = force_login(Client(), user)
        client = clients[user.pk]
        client.get(where(rich))  # what a process caches once is not counted
        before[page], sqls_before[page] = queries(client, where(rich))
    added = grow(rich)
    grew = []
    for page, (who, where) in PAGES.items():
        client = clients[who(rich).pk]
        client.get(where(rich))  # as before: what is cached on a first request is not counted
        after, sql = queries(client, where(rich))
        if after != before[page]:
            grew.append(f"{page}: {before[page]} queries, {after} with {MORE} more students")
            grew += [f"    + {line[:300]}" for line in _added_queries(sqls_before[page], sql)]
    assert not grew, "\n".join(grew)
    # The pages that list students list the added ones (they read the grown world).
    for page in ("caseload (provider)", "caseload (admin)", "caseload (teacher)"):
        who, where = PAGES[page]
        html = clients[who(rich).pk].get(where(rich)).content.decode()
        assert all(student.ref in html for student in added), page


def test_the_world_grows_where_the_pages_look(rich: RichWorld) -> None:
    """The added students have records in the provider's past sessions and a place in
    today's session, so that pages reading sessions and records read more rows."""
    added = grow(rich)
    today = timezone.localdate()
    records = SessionStudent.objects.filter(student__in=added)
    assert records.filter(session__date__lt=today, attendance=Attendance.DELIVERED).count() >= (
        MORE * 2
    )
    assert records.filter(session__date=today).count() == MORE
    assert rich.provider.students.count() >= MORE + 1
    assert dt.date(2026, 12, 2) == today

"""The goal progress page: who sees it, and what it shows (graph, table, mastery)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditEntry, Role
from pushin.caseload.models import Goal, Method
from pushin.district.models import District
from pushin.sessions.models import DataKind, DataPoint
from tests.factories import make_user
from tests.progress.helpers import past_session, percent_sessions

pytestmark = pytest.mark.django_db

FIRST = dt.date(2026, 10, 5)


@pytest.fixture
def goal(world):
    return Goal.objects.get(iep__student=world.student)


@pytest.fixture
def with_data(world, goal):
    # Baseline 40%, target 80% "in 3 consecutive sessions" (tests/factories.py).
    return percent_sessions(world.provider, world.student, goal, [50, 60, 80, 80, 90], FIRST)


def _url(world):
    return reverse("progress:student", args=[world.student.pk])


def _outsider(world):
    elsewhere = District.objects.create(
        name="Elsewhere",
        school_year_start=dt.date(2026, 8, 31),
        school_year_end=dt.date(2027, 6, 18),
    )
    return make_user("outsider", Role.ADMIN, elsewhere)


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 200),
        ("admin", 200),
        ("other_provider", 404),
        ("teacher", 404),
        ("para", 404),
        ("outsider", 404),
    ],
)
def test_who_sees_goal_progress(world, login, with_data, persona, status):
    user = _outsider(world) if persona == "outsider" else getattr(world, persona)
    if hasattr(user, "user"):
        user = user.user
    response = login(user).get(_url(world))
    assert response.status_code == status
    if status == 404:
        assert "Percent correct" not in response.content.decode()


def test_anonymous_is_sent_to_sign_in(world, login):
    response = login(None).get(_url(world))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_post_is_not_allowed_and_writes_nothing(world, login, with_data):
    count = AuditEntry.objects.count()
    response = login(world.provider.user).post(_url(world))
    assert response.status_code == 405
    assert AuditEntry.objects.count() == count


def test_the_page_draws_each_goal_with_its_numbers_and_mastery(world, login, goal, with_data):
    response = login(world.provider.user).get(_url(world))
    html = response.content.decode()
    svg = re.search(r"<svg[^>]*>", html)
    assert svg is not None
    tag = svg.group(0)
    assert 'viewBox="0 0 ' in tag
    assert ' width="' not in tag
    assert ' height="' not in tag
    assert 'role="img"' in tag
    assert 'aria-labelledby="goal-graph-1-title"' in tag
    assert '<title id="goal-graph-1-title">Handwriting / visual-motor: Writes a sentence' in html
    assert "<style" not in html  # the Content-Security-Policy allows no inline style element
    # Screen readers: the description says the latest values and the mastery status.
    desc = re.search(r'<desc id="goal-graph-1-desc">(.*?)</desc>', html, re.S)
    assert desc is not None
    assert "Latest: 80% (Oct 19), 80% (Oct 26), 90% (Nov 2)." in desc.group(1)
    # The table under the graph: one row per session, newest first, with the aim line.
    table = html[html.index('<details class="data-table">') :]
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td>", table)
    assert rows[0] == ("Mon Nov 2, 2026", "90%", "9/10 (90%)")
    assert rows[-1] == ("Mon Oct 5, 2026", "50%", "5/10 (50%)")
    assert len(rows) == 5
    assert "Met: the last 3 sessions all at or above 80%" in html
    assert "Mastered" in html
    entry = AuditEntry.objects.filter(student_id=world.student.pk, detail__page="progress").get()
    assert entry.action == "read"
    assert entry.actor == world.provider.user


def test_prompt_and_rubric_goals_on_their_own_scales(world, login, goal):
    rubric = Goal.objects.create(
        iep=goal.iep,
        domain="handwriting",
        text="Writes legibly.",
        method=Method.RUBRIC,
        baseline="rubric score 1 of 4",
        target="rubric score 3 of 4",
        mastery_criterion="in 4 of 5 writing samples",
    )
    prompt = Goal.objects.create(
        iep=goal.iep,
        domain="self_care",
        text="Unpacks at arrival.",
        method=Method.PROMPT_LEVEL,
        baseline="partial physical assistance",
        target="independent",
        mastery_criterion="by the end of the year",
    )
    record = past_session(world.provider, world.student, FIRST)
    DataPoint.objects.create(record=record, goal=rubric, kind=DataKind.RUBRIC, value=2)
    DataPoint.objects.create(record=record, goal=prompt, kind=DataKind.PROMPT, prompt="verbal")
    html = login(world.provider.user).get(_url(world)).content.decode()
    assert html.count("<svg") == 3
    assert "Rubric score" in html  # the rubric's axis
    assert "Full physical" in html  # the prompt ladder's ticks
    assert "<td>Verbal</td>" in html
    # An unreadable criterion is said, not guessed.
    assert "Criterion not read" in html
    assert "“by the end of the year”" in html


def test_no_data_yet(world, login):
    html = login(world.admin).get(_url(world)).content.decode()
    assert "No data yet" in html
    assert "<svg" in html  # the aim line is drawn all the same

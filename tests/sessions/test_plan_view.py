"""POST plan: the focus goal and strategy, from Today (htmx on change) or the session page."""

from __future__ import annotations

import pytest

from pushin.caseload.models import IEP, Goal, Method
from pushin.collaboration.models import Strategy, StudentStrategy
from pushin.sessions.models import SessionStudent
from tests.sessions.factories import dated_session
from tests.sessions.helpers import (
    HTMX,
    PERSONAS,
    POST_EXPECTED,
    is_login_redirect,
    persona_user,
    record_url,
)


@pytest.fixture
def strategy(world):
    # The district's starter library (seeded with the district) has it.
    strategy = Strategy.objects.get(district=world.district, name="Slant board")
    StudentStrategy.objects.create(student=world.student, strategy=strategy)
    return strategy


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name, strategy):
    record = dated_session(world).members.get()
    response = login(persona_user(world, name)).post(
        record_url("plan", record),
        {"focus_goal": record.focus_goal_id, "strategy": strategy.pk, "view": "today"},
        **HTMX,
    )
    assert response.status_code == POST_EXPECTED[name]
    record.refresh_from_db()
    assert record.strategy_id == (strategy.pk if name == "provider" else None)
    if name == "anonymous":
        assert is_login_redirect(response)


def test_today_answer_is_the_plan_fragment(world, login, strategy):
    record = dated_session(world).members.get()
    goal = Goal.objects.create(
        iep=IEP.objects.get(student=world.student),
        domain="fine_motor",
        text="Cuts along a line.",
        method=Method.RUBRIC,
        target="3",
    )
    response = login(world.provider.user).post(
        record_url("plan", record),
        {"focus_goal": goal.pk, "strategy": "", "strategy_text": "Scissors", "view": "today"},
        **HTMX,
    )
    html = response.content.decode()
    assert html.lstrip().startswith(f'<div class="plan" id="plan-{record.pk}">')
    assert "Saved" in html
    record.refresh_from_db()
    assert (record.focus_goal, record.strategy_text) == (goal, "Scissors")


def test_session_page_answer_is_the_record_card(world, login):
    record = dated_session(world).members.get()
    response = login(world.provider.user).post(
        record_url("plan", record), {"focus_goal": record.focus_goal_id, "view": "session"}, **HTMX
    )
    assert f'id="record-{record.pk}"' in response.content.decode()


def test_foreign_goal_is_refused(world, login):
    record = dated_session(world).members.get()
    foreign = Goal.objects.get(iep__student=world.other_student)
    response = login(world.provider.user).post(
        record_url("plan", record), {"focus_goal": foreign.pk, "view": "today"}, **HTMX
    )
    assert "Choose one of this student&#x27;s goals." in response.content.decode()
    assert SessionStudent.objects.get(pk=record.pk).focus_goal_id != foreign.pk


def test_without_htmx_back_to_today(world, login):
    record = dated_session(world).members.get()
    response = login(world.provider.user).post(
        record_url("plan", record), {"focus_goal": "", "view": "today"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/sessions/?date=2026-11-30#plan-{record.pk}"

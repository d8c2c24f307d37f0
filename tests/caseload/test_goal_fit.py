from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.caseload.models import GoalFitOverride
from tests.caseload.personas import HTMX, PERSONAS, is_login_redirect, persona_user

EXPECTED = {
    "provider": 200,
    "other_provider": 404,
    "teacher": 403,  # sees the goal, may not change its fit
    "other_teacher": 404,
    "para": 404,  # does not see goals
    "admin": 404,  # does not see goals
    "anonymous": 302,
}


def goal_of(student):
    return student.ieps.get().goals.get()


def url(goal) -> str:
    return reverse("caseload:goal_fit", args=[goal.pk])


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    goal = goal_of(world.student)
    response = login(persona_user(world, name)).post(
        url(goal), {"activity": "math", "weight": "0.9"}, **HTMX
    )
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    assert GoalFitOverride.objects.filter(goal=goal).exists() == (name == "provider")


def test_get_is_not_allowed(world, login):
    assert login(world.provider.user).get(url(goal_of(world.student))).status_code == 405


def test_set_an_override_returns_the_goal_partial_and_audits(world, login):
    goal = goal_of(world.student)
    response = login(world.provider.user).post(
        url(goal), {"activity": "math", "weight": "0.9"}, **HTMX
    )
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="goal-fit-{goal.pk}"' in html
    assert "Math 0.9" in html
    assert "(table 0.5)" in html
    assert GoalFitOverride.objects.get(goal=goal).weight == 0.9
    entry = AuditEntry.objects.get()
    assert entry.action == AuditAction.UPDATE
    assert entry.object_type == "caseload.goal"
    assert entry.student_id == world.student.pk
    assert entry.detail == {"fit_override_set": "math"}


def test_an_empty_weight_clears_the_override(world, login):
    goal = goal_of(world.student)
    GoalFitOverride.objects.create(goal=goal, activity="math", weight=0.9)
    login(world.provider.user).post(url(goal), {"activity": "math", "weight": ""}, **HTMX)
    assert not GoalFitOverride.objects.filter(goal=goal).exists()
    assert AuditEntry.objects.get().detail == {"fit_override_cleared": "math"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"activity": "math", "weight": "2"}, "Enter a weight from 0 (never) to 1 (ideal)"),
        ({"activity": "knitting", "weight": "0.5"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(world, login, data, message):
    goal = goal_of(world.student)
    response = login(world.provider.user).post(url(goal), data, **HTMX)
    assert message in response.content.decode()
    assert not GoalFitOverride.objects.exists()
    assert not AuditEntry.objects.exists()


def test_plain_post_redirects_to_the_student_page(world, login):
    goal = goal_of(world.student)
    response = login(world.provider.user).post(url(goal), {"activity": "art", "weight": "0.2"})
    assert response["Location"] == reverse("caseload:student", args=[world.student.pk])
    assert GoalFitOverride.objects.get(goal=goal).weight == 0.2

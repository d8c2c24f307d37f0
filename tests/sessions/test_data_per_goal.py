"""Data for each of the student's goals in one session, one tap per data point."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from pushin.caseload.models import Goal, Method
from pushin.sessions.models import DataPoint
from tests.sessions.factories import dated_session
from tests.sessions.helpers import HTMX, PERSONAS, POST_EXPECTED, persona_user, record_url


@pytest.fixture
def two_goals(world):
    """The student's handwriting goal (trials, the focus) and a self-care prompt goal."""
    record = dated_session(world).members.get()
    focus = record.focus_goal
    assert focus is not None
    second = Goal.objects.create(
        iep=focus.iep,
        domain="self_care",
        text="Unpacks the backpack at arrival.",
        method=Method.PROMPT_LEVEL,
        baseline="partial physical assistance",
        target="independent",
    )
    return record, focus, second


def _blocks(html):
    """Each goal block's label and the goal id its form posts."""
    return re.findall(
        r'<p class="focus small" id="goal-\d+-\d+"><strong>([^<]+)</strong>.*?'
        r'name="goal" value="(\d+)"',
        html,
        re.S,
    )


def test_the_card_has_a_block_of_buttons_per_goal_focus_first(world, login, two_goals):
    record, focus, second = two_goals
    html = login(world.provider.user).get(reverse("sessions:detail", args=[record.session_id]))
    blocks = _blocks(html.content.decode())
    assert blocks == [
        ("Handwriting / visual-motor", str(focus.pk)),
        ("Self-care", str(second.pk)),
    ]
    # Each button's name says its goal, after the words it shows.
    assert 'aria-label="Verbal (Self-care)"' in html.content.decode()
    assert 'aria-label="✓ correct (Handwriting / visual-motor)"' in html.content.decode()


def test_one_tap_per_point_on_two_goals_and_the_list_names_each_goal(world, login, two_goals):
    record, focus, second = two_goals
    client = login(world.provider.user)
    url = record_url("data_add", record)
    client.post(url, {"goal": focus.pk, "correct": "true"}, **HTMX)
    client.post(url, {"goal": second.pk, "prompt": "verbal"}, **HTMX)
    html = client.post(url, {"goal": focus.pk, "correct": "false"}, **HTMX).content.decode()
    assert list(DataPoint.objects.order_by("pk").values_list("goal_id", "kind")) == [
        (focus.pk, "trial"),
        (second.pk, "prompt"),
        (focus.pk, "trial"),
    ]
    assert "1/2 = 50%" in html  # the trial goal's own tally
    assert "Last: Verbal" in html  # the prompt goal's
    items = re.findall(r"<li><strong>([^<]+)</strong>: ([^<]+?) <span", html)
    assert items == [
        ("Handwriting / visual-motor", "✓ correct"),
        ("Self-care", "Verbal"),
        ("Handwriting / visual-motor", "✗ not yet"),
    ]
    assert '↶ Undo last</button> <span class="muted small undo-what">' in html
    assert (
        '<span class="muted small undo-what">Handwriting / visual-motor: ✗ not yet</span>' in html
    )


def test_two_goals_of_one_domain_are_told_apart(world, login, two_goals):
    record, focus, _ = two_goals
    Goal.objects.create(
        iep=focus.iep, domain=focus.domain, text="Spaces words.", method=Method.RUBRIC, target="3"
    )
    html = login(world.provider.user).get(reverse("sessions:detail", args=[record.session_id]))
    labels = [label for label, _ in _blocks(html.content.decode())]
    assert labels == [
        "Handwriting / visual-motor (1)",
        "Self-care",
        "Handwriting / visual-motor (2)",
    ]


def test_another_students_goal_is_refused_in_the_card(world, login, two_goals):
    record, _, _ = two_goals
    theirs = Goal.objects.get(iep__student=world.other_student)
    response = login(world.provider.user).post(
        record_url("data_add", record), {"goal": theirs.pk, "correct": "true"}, **HTMX
    )
    assert response.status_code == 200
    assert "Choose one of this student&#x27;s goals." in response.content.decode()
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize("name", PERSONAS)
def test_only_the_provider_adds_data_for_a_second_goal(world, login, two_goals, name):
    record, _, second = two_goals
    response = login(persona_user(world, name)).post(
        record_url("data_add", record), {"goal": second.pk, "prompt": "verbal"}, **HTMX
    )
    assert response.status_code == POST_EXPECTED[name]
    assert DataPoint.objects.filter(goal=second).count() == (1 if name == "provider" else 0)

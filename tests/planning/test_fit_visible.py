"""Each scheduled student shows the goal the time serves and its fit (issue 11): the
standing schedule (with its fit summary), Today, and the teacher's visits, where a
teacher sees the goal's domain for their own students only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.planning.fit_marks import FIT_BANDS, Serve, fit_band, fit_summary, fit_text
from pushin.vocabulary import Domain
from tests.factories import World, make_student
from tests.page_text import page_text
from tests.sessions.factories import MONDAY, dated_session


@pytest.fixture
def visit(pworld: World):
    """Monday 09:00-09:30 writing in Room 2A: Avery (handwriting: writing fits at 1.0) and
    Riley, a student of another class (sensory regulation: writing fits at 0.4)."""
    riley = make_student(
        ref="S-0009",
        classroom=pworld.other_classroom,
        provider=pworld.provider,
        domain=Domain.SENSORY,
        first_name="Riley",
        last_name="Visitor",
    )
    session = dated_session(pworld, [pworld.student, riley])
    return pworld, riley, session


def text_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return " ".join(page_text(response.content.decode()).split())


@pytest.mark.parametrize("persona", ["provider", "admin"])
def test_the_schedule_shows_each_students_goal_fit_and_the_summary(visit, login, persona) -> None:
    world, _, _ = visit
    user = world.provider.user if persona == "provider" else world.admin
    text = text_of(login(user), reverse("planning:schedule", args=[world.provider.pk]))
    assert "Avery Sample: Handwriting, fit 1.0" in text
    assert "Riley Visitor: Sensory regulation, fit 0.4 poor fit" in text
    assert (
        "Fit of the scheduled minutes: fit 1.0: 30 min · 0.7 or more: 0 min · "
        "0.5 or more: 0 min · below 0.5: 30 min"
    ) in text


def test_today_says_what_each_students_time_serves(visit, login) -> None:
    world, _, _ = visit
    text = text_of(
        login(world.provider.user), f"{reverse('sessions:today')}?date={MONDAY:%Y-%m-%d}"
    )
    assert "Avery Sample Serves: Handwriting, fit 1.0" in text
    assert "Serves: Sensory regulation, fit 0.4 poor fit" in text


def test_the_teacher_sees_the_goal_of_their_own_students_only(visit, login) -> None:
    world, riley, _ = visit
    url = f"{reverse('collaboration:portal', args=[world.classroom.pk])}?week={MONDAY:%Y-%m-%d}"
    text = text_of(login(world.teacher), url)
    visits = text[text.index("Visits to your room") : text.index("Your students and")]
    assert "Avery Sample: Handwriting" in visits
    assert "1 student of another class" in visits
    assert riley.first_name not in visits
    assert "Sensory" not in visits  # another class's student's goal is not theirs to see
    assert "fit" not in visits.replace("Handwriting", "")  # the domain, no weights
    # Riley's own teacher sees no visit: the session is in Room 2A.
    other = reverse("collaboration:portal", args=[world.other_classroom.pk])
    other_text = text_of(login(world.other_teacher), f"{other}?week={MONDAY:%Y-%m-%d}")
    assert "No visits planned to your room this week." in other_text


def test_fit_words_and_bands() -> None:
    assert [fit_text(w) for w in (1, 0.7, 0.75, 0.5, 0)] == ["1.0", "0.7", "0.75", "0.5", "0.0"]
    assert [fit_band(w) for w in (1.0, 0.9, 0.7, 0.69, 0.5, 0.3, 0.0)] == [0, 1, 1, 2, 2, 3, 3]
    serves = [
        (30, Serve("A", "", "Handwriting", 1.0)),
        (30, Serve("B", "", "Sensory regulation", 0.8)),
        (45, Serve("C", "", "Social participation", 0.3)),
        (20, Serve("D", "", "Handwriting", None, pull_out=True)),
    ]
    summary = fit_summary(serves)
    assert [b.minutes for b in summary.bands] == [30, 30, 0, 45]
    assert [b.label for b in summary.bands] == [label for _, label in FIT_BANDS]
    assert summary.pull_out == 20
    assert summary.total == 125

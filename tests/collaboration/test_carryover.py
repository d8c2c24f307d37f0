"""The para's carryover page and the two-tap log: 'Used today', then how it went."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.collaboration.models import StrategyUse
from pushin.collaboration.services import strategy_use_log
from pushin.sessions.models import SessionStudent
from tests.caseload.personas import HTMX, is_login_redirect, persona_user
from tests.collaboration.strategy_helpers import (
    CLINICAL_NOTE,
    GOAL_TEXT,
    chosen,
    past_session,
    with_trials,
)
from tests.factories import World, make_student

PAGE = "/collaboration/carryover/"


def use_url(link) -> str:
    return reverse("collaboration:strategy_use", args=[link.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 404),
        ("other_provider", 404),
        ("admin", 404),
        ("teacher", 404),
        ("other_teacher", 404),
        ("para", 200),
        ("anonymous", 302),
    ],
)
def test_carryover_page_by_persona(world: World, login, persona: str, status: int) -> None:
    response = login(persona_user(world, persona)).get(PAGE)
    assert response.status_code == status
    if persona == "anonymous":
        assert is_login_redirect(response)


def test_cards_of_the_supported_students_only(world: World, login) -> None:
    chosen(world, "Slant board", notes="Blue board on the left")
    chosen(world, "Timer", carryover=False)
    chosen(world, "Fidget", active=False)
    chosen(world, "Wiggle cushion", student=world.other_student)
    session = past_session(world)
    with_trials(SessionStudent.objects.get(session=session), 7, 10)
    response = login(world.para).get(PAGE)
    body = response.content.decode()
    assert world.student.full_name in body
    assert world.other_student.full_name not in body
    assert "Blue board on the left" in body
    assert "3-inch binder" in body  # materials
    assert "Writing and drawing at the desk" in body  # when to use it
    for hidden in ("Timer", "Fidget", "Wiggle cushion", GOAL_TEXT, CLINICAL_NOTE, "7/10"):
        assert hidden not in body
    assert body.count('<summary class="button">Used today</summary>') == 1
    nav = body.split("<main")[0]
    assert nav.index("Carryover") < nav.index("My students")
    entry = AuditEntry.objects.get(action=AuditAction.READ, detail__page="carryover")
    assert entry.student_id == world.student.pk


def test_two_taps_log_a_use_by_the_para(world: World, login) -> None:
    link = chosen(world, "Slant board")
    client = login(world.para)
    body = client.get(PAGE).content.decode()
    # Tap one opens the card's outcome buttons; tap two posts one of them.
    assert '<summary class="button">Used today</summary>' in body
    assert 'name="outcome" value="worked"' in body
    response = client.post(use_url(link), {"outcome": "worked"}, **HTMX)
    assert response.status_code == 200
    assert "Logged today: <strong>Worked</strong>" in response.content.decode()
    use = StrategyUse.objects.get()
    assert (use.used_by, use.used_on, use.outcome) == (world.para, timezone.localdate(), "worked")
    assert use.session_record is None
    entry = AuditEntry.objects.get(
        action=AuditAction.CREATE, object_type="collaboration.strategyuse"
    )
    assert entry.student_id == world.student.pk
    # Without htmx: back to the card.
    response = client.post(use_url(link), {"outcome": "did_not"})
    assert response["Location"] == f"{PAGE}#card-{link.pk}"
    assert StrategyUse.objects.count() == 2


def test_a_para_cannot_backdate_or_log_without_an_outcome(world: World, login) -> None:
    link = chosen(world, "Slant board")
    client = login(world.para)
    response = client.post(use_url(link), {"outcome": "fantastic"}, **HTMX)
    assert "Tap how the student responded" in response.content.decode()
    client.post(use_url(link), {"outcome": "partly", "used_on": "2026-09-01"})
    assert StrategyUse.objects.get().used_on == timezone.localdate()


def test_a_para_cannot_log_for_another_student_or_a_hidden_strategy(world: World, login) -> None:
    other = chosen(world, "Wiggle cushion", student=world.other_student)
    hidden = chosen(world, "Timer", carryover=False)
    retired = chosen(world, "Fidget", active=False)
    client = login(world.para)
    for link in (other, hidden, retired):
        assert client.post(use_url(link), {"outcome": "worked"}).status_code == 404
    assert not StrategyUse.objects.exists()


def test_the_provider_sees_the_para_uses_next_to_the_session_data(world: World, login) -> None:
    link = chosen(world, "Raised-line paper")
    session = past_session(world)
    record = with_trials(SessionStudent.objects.get(session=session), 7, 10)
    strategy_use_log(actor=world.provider.user, link=link, outcome="partly", session_record=record)
    login(world.para).post(use_url(link), {"outcome": "worked"})
    body = (
        login(world.provider.user).get(reverse("caseload:student", args=[world.student.pk])).content
    )
    text = body.decode()
    assert "Para Tester" in text
    assert "between sessions" in text
    assert "7/10 trials (70%)" in text
    assert "1 worked" in text
    assert "1 partly" in text


def test_carryover_queries_stay_flat(world: World, login, django_assert_max_num_queries) -> None:
    for n in range(6):
        student = make_student(ref=f"S-02{n:02d}", classroom=world.classroom, provider=None)
        student.paras.add(world.para)
        for name in ("Slant board", "Timer", "Pencil grip"):
            chosen(world, name, student=student)
    client = login(world.para)
    with django_assert_max_num_queries(8):
        response = client.get(PAGE)
    assert response.content.decode().count('class="card carryover-card"') == 18

"""A student's strategies: choose, edit, retire, log uses; the panel on the student page
with each use next to the data of its session."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.collaboration.models import Outcome, Strategy, StrategyUse, StudentStrategy
from pushin.collaboration.services import strategy_use_log
from pushin.district.models import District
from pushin.sessions.models import SessionStudent
from tests.caseload.personas import HTMX, is_login_redirect, persona_user
from tests.collaboration.strategy_helpers import (
    CLINICAL_NOTE,
    GOAL_TEXT,
    chosen,
    past_monday,
    past_session,
    seeded,
    starter,
    with_trials,
)
from tests.factories import World, make_student


def page(world: World) -> str:
    return reverse("caseload:student", args=[world.student.pk])


def add_url(world: World) -> str:
    return reverse("collaboration:student_strategies", args=[world.student.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 302),
        ("other_provider", 404),
        ("admin", 404),
        ("teacher", 403),
        ("other_teacher", 404),
        ("para", 403),
        ("anonymous", 302),
    ],
)
def test_choosing_a_strategy_by_persona(world: World, login, persona: str, status: int) -> None:
    seeded(world)
    strategy = starter(world, "Slant board")
    response = login(persona_user(world, persona)).post(
        add_url(world), {"strategy": strategy.pk, "carryover": "on", "notes": "Blue board"}
    )
    assert response.status_code == status
    created = StudentStrategy.objects.filter(student=world.student, strategy=strategy)
    assert created.exists() == (persona == "provider")
    if persona == "anonymous":
        assert is_login_redirect(response)


def test_provider_chooses_a_strategy_and_it_is_audited(world: World, login) -> None:
    seeded(world)
    strategy = starter(world, "Slant board")
    response = login(world.provider.user).post(
        add_url(world), {"strategy": strategy.pk, "carryover": "on", "notes": "Blue board"}
    )
    assert response["Location"] == page(world) + "#carryover"
    link = StudentStrategy.objects.get(student=world.student, strategy=strategy)
    assert (link.carryover, link.notes, link.added_by) == (True, "Blue board", world.provider.user)
    entry = AuditEntry.objects.get(
        action=AuditAction.CREATE, object_type="collaboration.studentstrategy"
    )
    assert entry.student_id == world.student.pk
    assert entry.detail == {"strategy": strategy.pk}
    assert "Blue" not in str(entry.detail)


def test_choosing_twice_or_from_another_district_is_refused(world: World, login) -> None:
    link = chosen(world, "Slant board")
    client = login(world.provider.user)
    response = client.post(add_url(world), {"strategy": link.strategy_id}, **HTMX)
    assert "already one of this student" in response.content.decode()
    elsewhere = District.objects.create(
        name="Elsewhere", school_year_start=dt.date(2026, 9, 1), school_year_end=dt.date(2027, 6, 1)
    )
    foreign = Strategy.objects.create(
        district=elsewhere, name="Foreign", how_to="x", domains=["sensory"]
    )
    response = client.post(add_url(world), {"strategy": foreign.pk}, **HTMX)
    assert "Select a valid choice" in response.content.decode()
    assert StudentStrategy.objects.filter(student=world.student).count() == 1


def test_retire_and_bring_back_keep_the_history(world: World, login) -> None:
    link = chosen(world, "Slant board")
    strategy_use_log(actor=world.provider.user, link=link, outcome=Outcome.WORKED)
    client = login(world.provider.user)
    url = reverse("collaboration:student_strategy_active", args=[link.pk])
    response = client.post(url, {"active": "0"}, **HTMX)
    assert response.status_code == 200
    assert "Retired Slant board" in response.content.decode()
    link.refresh_from_db()
    assert not link.active
    assert link.uses.count() == 1
    # Choosing it again from the library brings it back.
    client.post(add_url(world), {"strategy": link.strategy_id, "notes": "again"})
    back = StudentStrategy.objects.get(pk=link.pk)
    assert back.active
    assert back.notes == "again"
    assert StudentStrategy.objects.filter(student=world.student).count() == 1


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 302),
        ("other_provider", 404),
        ("admin", 404),
        ("teacher", 403),
        ("other_teacher", 404),
        ("para", 403),
        ("anonymous", 302),
    ],
)
def test_editing_a_students_strategy_by_persona(
    world: World, login, persona: str, status: int
) -> None:
    link = chosen(world, "Slant board")
    response = login(persona_user(world, persona)).post(
        reverse("collaboration:student_strategy_edit", args=[link.pk]),
        {"notes": "Changed", "carryover": ""},
    )
    assert response.status_code == status
    link.refresh_from_db()
    assert (link.notes == "Changed") == (persona == "provider")
    assert link.carryover == (persona != "provider")


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 302),
        ("other_provider", 404),
        ("admin", 404),
        ("teacher", 403),
        ("other_teacher", 404),
        ("para", 302),  # the two-tap log
        ("anonymous", 302),
    ],
)
def test_logging_a_use_by_persona(world: World, login, persona: str, status: int) -> None:
    link = chosen(world, "Slant board")
    response = login(persona_user(world, persona)).post(
        reverse("collaboration:strategy_use", args=[link.pk]),
        {"outcome": "worked", "used_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == status
    assert StrategyUse.objects.filter(student_strategy=link).exists() == (
        persona in ("provider", "para")
    )


def test_provider_logs_a_use_linked_to_the_session_and_sees_its_data(world: World, login) -> None:
    link = chosen(world, "Raised-line paper")
    session = past_session(world)
    record = with_trials(SessionStudent.objects.get(session=session), 7, 10)
    client = login(world.provider.user)
    response = client.post(
        reverse("collaboration:strategy_use", args=[link.pk]),
        {"outcome": "partly", "used_on": past_monday(world).isoformat(), "session_record": ""},
        **HTMX,
    )
    assert response.status_code == 200
    use = StrategyUse.objects.get(student_strategy=link)
    # No session chosen: the provider's own session with the student that day.
    assert use.session_record == record
    assert (use.used_by, use.outcome) == (world.provider.user, "partly")
    assert use.used_on == past_monday(world)
    body = client.get(page(world)).content.decode()
    assert "7/10 trials (70%)" in body
    assert "Partly" in body
    entry = AuditEntry.objects.get(object_type="collaboration.strategyuse")
    assert entry.student_id == world.student.pk
    assert entry.detail == {"student_strategy": link.pk, "session_record": record.pk}


def test_a_session_of_another_student_is_refused(world: World) -> None:
    link = chosen(world, "Slant board")
    other = make_student(ref="S-0009", classroom=world.classroom, provider=world.provider)
    session = past_session(world, [other])
    record = SessionStudent.objects.get(session=session)
    with pytest.raises(Exception, match="Choose one of this student's sessions"):
        strategy_use_log(
            actor=world.provider.user, link=link, outcome="worked", session_record=record
        )


def test_a_use_in_the_future_or_without_outcome_is_refused(world: World, login) -> None:
    link = chosen(world, "Slant board")
    client = login(world.provider.user)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("collaboration:strategy_use", args=[link.pk]),
        {"outcome": "worked", "used_on": tomorrow.isoformat()},
        **HTMX,
    )
    assert "not before" in response.content.decode()
    response = client.post(
        reverse("collaboration:strategy_use", args=[link.pk]),
        {"used_on": timezone.localdate().isoformat()},
        **HTMX,
    )
    assert "required" in response.content.decode()
    assert not StrategyUse.objects.exists()


def test_student_page_panel_for_the_provider(world: World, login) -> None:
    active = chosen(world, "Slant board", notes="Blue board on the left")
    chosen(world, "Timer", carryover=False)
    chosen(world, "Fidget", active=False)
    body = login(world.provider.user).get(page(world)).content.decode()
    assert 'id="carryover"' in body
    assert "Blue board on the left" in body
    assert "provider only" in body
    assert "Retired" in body
    assert "Bring back" in body
    assert f'action="{reverse("collaboration:strategy_use", args=[active.pk])}"' in body
    assert "Add a strategy" in body
    read = AuditEntry.objects.filter(
        action=AuditAction.READ, object_type="collaboration.studentstrategy"
    ).get()
    assert read.student_id == world.student.pk
    assert sorted(read.detail["student_strategies"]) == sorted(
        StudentStrategy.objects.filter(student=world.student).values_list("pk", flat=True)
    )


@pytest.mark.parametrize("persona", ["teacher", "para"])
def test_student_page_shows_teachers_and_paras_the_cards_only(
    world: World, login, persona: str
) -> None:
    link = chosen(world, "Slant board", notes="Blue board on the left")
    chosen(world, "Timer", carryover=False)
    chosen(world, "Fidget", active=False)
    session = past_session(world)
    record = with_trials(SessionStudent.objects.get(session=session), 7, 10)
    strategy_use_log(actor=world.provider.user, link=link, outcome="worked", session_record=record)
    body = login(persona_user(world, persona)).get(page(world)).content.decode()
    assert "Slant board" in body
    assert "Blue board on the left" in body
    assert "Timer" not in body
    assert "Fidget" not in body
    assert "7/10" not in body
    assert CLINICAL_NOTE not in body
    assert "Log a use" not in body
    assert "Add a strategy" not in body
    if persona == "para":
        assert GOAL_TEXT not in body


def test_the_panel_refreshes_over_htmx(world: World, login) -> None:
    chosen(world, "Slant board")
    response = login(world.provider.user).get(add_url(world), **HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith("<section")
    assert login(world.admin).get(add_url(world)).status_code == 404


def test_student_page_queries_do_not_grow_with_uses(
    world: World, login, django_assert_max_num_queries
) -> None:
    session = past_session(world)
    record = with_trials(SessionStudent.objects.get(session=session), 7, 10)
    for name in ("Slant board", "Timer", "Fidget", "Pencil grip", "Box paper"):
        link = chosen(world, name)
        for _ in range(4):
            strategy_use_log(
                actor=world.provider.user, link=link, outcome="worked", session_record=record
            )
            strategy_use_log(actor=world.para, link=link, outcome="partly")
    client = login(world.provider.user)
    with django_assert_max_num_queries(27):
        response = client.get(page(world))
    assert response.content.decode().count('class="data-summary">7/10 trials (70%)') == 5 * 4

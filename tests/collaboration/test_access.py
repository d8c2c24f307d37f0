"""The access helpers, one per object, for every persona."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from pushin.collaboration.access import (
    can_edit_strategy,
    can_log_use,
    notification_for_user,
    portal_classroom_for_user,
    strategy_for_user,
    student_strategy_for_user,
)
from pushin.collaboration.models import Notification, Strategy
from tests.caseload.personas import persona_user
from tests.collaboration.strategy_helpers import chosen, starter
from tests.factories import World

SEES_CARD = {"provider", "teacher", "para"}


@pytest.mark.parametrize(
    "persona", ["provider", "other_provider", "teacher", "other_teacher", "para", "admin"]
)
def test_student_strategy_for_user(world: World, persona: str) -> None:
    link = chosen(world, "Slant board")
    hidden = chosen(world, "Timer", carryover=False)
    user = persona_user(world, persona)
    assert user is not None
    if persona in SEES_CARD:
        assert student_strategy_for_user(user, link.pk) == link
    else:
        with pytest.raises(Http404):
            student_strategy_for_user(user, link.pk)
    if persona == "provider":
        assert student_strategy_for_user(user, hidden.pk) == hidden
    else:
        with pytest.raises(Http404):
            student_strategy_for_user(user, hidden.pk)
    if persona in SEES_CARD:  # asked only of a link the user sees
        assert can_log_use(user, link) == (persona in ("provider", "para"))


def test_strategy_for_user_and_editing(world: World) -> None:
    chosen(world, "Slant board")
    card = starter(world, "Slant board")
    other = starter(world, "Fidget")
    own = Strategy.objects.create(
        district=world.district,
        name="Mine",
        how_to="x",
        domains=["sensory"],
        created_by=world.other_provider.user,
    )
    for persona in ("provider", "other_provider", "admin"):
        user = persona_user(world, persona)
        assert user is not None
        assert strategy_for_user(user, other.pk) == other
    for persona in ("teacher", "para"):
        user = persona_user(world, persona)
        assert user is not None
        assert strategy_for_user(user, card.pk) == card
        with pytest.raises(Http404):
            strategy_for_user(user, other.pk)
    with pytest.raises(Http404):
        strategy_for_user(world.other_teacher, card.pk)
    with pytest.raises(Http404):
        strategy_for_user(AnonymousUser(), card.pk)  # type: ignore[arg-type]
    assert can_edit_strategy(world.provider.user, card)
    assert not can_edit_strategy(world.provider.user, own)
    assert can_edit_strategy(world.other_provider.user, own)
    assert not can_edit_strategy(world.admin, card)
    assert not can_edit_strategy(world.teacher, card)


def test_notification_for_user(world: World) -> None:
    note = Notification.objects.create(recipient=world.teacher, text="x")
    assert notification_for_user(world.teacher, note.pk) == note
    for persona in ("provider", "other_teacher", "para", "admin"):
        user = persona_user(world, persona)
        assert user is not None
        with pytest.raises(Http404):
            notification_for_user(user, note.pk)


def test_portal_classroom_for_user(world: World) -> None:
    assert portal_classroom_for_user(world.teacher, world.classroom.pk) == world.classroom
    for user in (world.other_teacher, world.provider.user, world.admin, world.para):
        with pytest.raises(Http404):
            portal_classroom_for_user(user, world.classroom.pk)

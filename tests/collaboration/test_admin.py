"""The Django admin lists the collaboration models for the superuser, without names."""

from __future__ import annotations

import pytest

from pushin.accounts.models import Role
from pushin.collaboration.models import Notification, StrategyUse
from tests.collaboration.strategy_helpers import chosen
from tests.factories import World, make_user


@pytest.mark.parametrize(
    "model",
    ["strategy", "studentstrategy", "strategyuse", "notification", "followup", "followupreply"],
)
def test_changelists_open_for_the_superuser(world: World, login, model: str) -> None:
    link = chosen(world, "Slant board")
    StrategyUse.objects.create(student_strategy=link, used_on=world.district.school_year_start)
    Notification.objects.create(recipient=world.provider.user, text="Room 2A changed")
    root = make_user("root", Role.ADMIN, None, is_superuser=True, is_staff=True)
    response = login(root).get(f"/django-admin/collaboration/{model}/")
    assert response.status_code == 200
    assert world.student.first_name not in response.content.decode()


def test_student_strategy_change_page(world: World, login) -> None:
    link = chosen(world, "Slant board")
    root = make_user("root", Role.ADMIN, None, is_superuser=True, is_staff=True)
    response = login(root).get(f"/django-admin/collaboration/studentstrategy/{link.pk}/change/")
    assert response.status_code == 200

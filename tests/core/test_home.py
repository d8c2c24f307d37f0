"""Signing in lands each person on the page they start their day with."""

from __future__ import annotations

import pytest

from pushin.accounts.models import Role
from tests.factories import World, make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("persona", "start"),
    [
        ("provider", "/sessions/"),
        ("teacher", "/collaboration/my-classroom/"),
        ("para", "/collaboration/carryover/"),
        ("admin", "/district/"),
    ],
)
def test_home_sends_each_role_to_its_start_page(
    world: World, login, persona: str, start: str
) -> None:
    user = {
        "provider": world.provider.user,
        "teacher": world.teacher,
        "para": world.para,
        "admin": world.admin,
    }[persona]
    response = login(user).get("/")
    assert response.status_code == 302
    assert response["Location"] == start
    assert login(user).get(start, follow=True).status_code == 200


def test_a_provider_without_a_profile_lands_on_the_caseload(world: World, login) -> None:
    user = make_user("newot", Role.PROVIDER, world.district)
    response = login(user).get("/")
    assert response["Location"] == "/caseload/"

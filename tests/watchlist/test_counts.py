"""The administrator's counts per school: numbers, never names; and the district's settings."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.watchlist.models import WatchPolicy
from tests.caseload.personas import persona_user
from tests.factories import World
from tests.watchlist.helpers import WATCHED_NAME, make_entry

PAGE = reverse("watchlist:counts")


def test_counts_per_school_without_names(world: World, login) -> None:
    make_entry(world, observations=3)
    make_entry(world, observations=1, first_name="Rowan")
    make_entry(
        world,
        observations=2,
        first_name="Ellis",
        by=world.other_teacher,
        classroom=world.other_classroom,
    )
    response = login(world.admin).get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    for name in (WATCHED_NAME, "Rowan", "Ellis"):
        assert name not in body
    rows = {
        row.school.name: (row.entries, row.ready, row.observations)
        for row in response.context["counts"]
    }
    assert rows == {"Maple Elementary": (2, 1, 4), "Cedar Elementary": (1, 0, 2)}
    assert "<td>Maple Elementary</td><td>2</td><td>1</td><td>4</td>" in body


@pytest.mark.parametrize("persona", ["provider", "teacher", "para", "other_provider"])
def test_only_the_administrator(world: World, login, persona: str) -> None:
    assert login(persona_user(world, persona)).get(PAGE).status_code == 404


def test_the_administrator_sets_the_period_and_threshold(world: World, login) -> None:
    client = login(world.admin)
    response = client.post(PAGE, {"keep_days": "90", "summary_min_observations": "5"})
    assert response.status_code == 302
    policy = WatchPolicy.objects.get(district=world.district)
    assert (policy.keep_days, policy.summary_min_observations) == (90, 5)
    response = client.post(PAGE, {"keep_days": "3", "summary_min_observations": "5"})
    assert response.status_code == 200
    assert "keep_days" in response.context["form"].errors
    client.post(PAGE, {"keep_days": "", "summary_min_observations": "3"})
    policy.refresh_from_db()
    assert policy.keep_days is None  # back to the end of the school year

"""Adding an observation (a strategy tried and how it went) to an entry."""

from __future__ import annotations

from pushin.accounts.models import AuditAction, AuditEntry
from tests.factories import World
from tests.watchlist.helpers import entry_url, make_entry, observation_post


def test_the_teacher_and_the_provider_add_observations(world: World, login) -> None:
    entry = make_entry(world, observations=1)
    for user in (world.teacher, world.provider.user):
        response = login(user).post(
            entry_url("observation_add", entry),
            observation_post(strategy_tried="Slant board", outcome="worked"),
        )
        assert response.status_code == 302
        assert response["Location"] == entry_url("entry", entry)
    added = list(entry.observations.filter(strategy_tried="Slant board"))
    assert [o.author for o in added] == [world.teacher, world.provider.user]
    assert all(o.outcome == "worked" for o in added)
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_id=str(entry.pk), actor=world.provider.user
    ).exists()


def test_an_outcome_needs_a_strategy_and_errors_show_on_the_page(world: World, login) -> None:
    entry = make_entry(world, observations=1)
    response = login(world.teacher).post(
        entry_url("observation_add", entry), observation_post(outcome="worked")
    )
    assert response.status_code == 400
    assert "strategy_tried" in response.context["observation_form"].errors
    assert entry.observations.count() == 1


def test_others_cannot_add(world: World, login) -> None:
    entry = make_entry(world, observations=1)
    for user in (world.other_provider.user, world.other_teacher, world.para, world.admin):
        response = login(user).post(entry_url("observation_add", entry), observation_post())
        assert response.status_code == 404
    assert entry.observations.count() == 1
    assert login(world.teacher).get(entry_url("observation_add", entry)).status_code == 405

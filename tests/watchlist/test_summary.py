"""The one-page summary for the school's intervention team (MTSS / RTI)."""

from __future__ import annotations

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.watchlist.models import WatchPolicy
from tests.factories import World
from tests.watchlist.helpers import entry_url, make_entry


def test_the_summary_lists_observations_activities_and_strategies(world: World, login) -> None:
    entry = make_entry(world, observations=3)
    response = login(world.teacher).get(entry_url("summary", entry))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Classroom observations: Quinn Z." in body
    assert "MTSS / RTI" in body
    assert body.count("<tr><td>Nov") == 3
    assert "Writing: 2" in body
    assert "Literacy centers: 1" in body
    assert "Pencil grip: tried 1 time (partly 1)" in body
    assert "Wiggle cushion: tried 1 time (worked 1)" in body
    assert AuditEntry.objects.filter(
        action=AuditAction.READ, object_id=str(entry.pk), detail__page="watch_summary"
    ).exists()


def test_not_yet_below_the_districts_threshold(world: World, login) -> None:
    entry = make_entry(world, observations=3)
    WatchPolicy.objects.create(district=world.district, summary_min_observations=4)
    body = login(world.provider.user).get(entry_url("summary", entry)).content.decode()
    assert "Not yet: 3 of the 4 observations" in body
    assert "Strategies tried" not in body


def test_outsiders_get_nothing(world: World, login) -> None:
    entry = make_entry(world)
    for user in (world.other_provider.user, world.other_teacher, world.para, world.admin):
        assert login(user).get(entry_url("summary", entry)).status_code == 404

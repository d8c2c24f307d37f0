"""An entry's page: its observations, and what the person may do with it."""

from __future__ import annotations

import pytest

from pushin.accounts.models import AuditAction, AuditEntry
from tests.caseload.personas import persona_user
from tests.factories import World
from tests.watchlist.helpers import entry_url, make_entry


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 200),
        ("teacher", 200),
        ("other_provider", 404),
        ("other_teacher", 404),
        ("para", 404),
        ("admin", 404),
        ("anonymous", 302),
    ],
)
def test_entry_by_persona(world: World, login, persona: str, status: int) -> None:
    entry = make_entry(world)
    assert login(persona_user(world, persona)).get(entry_url("entry", entry)).status_code == status


def test_the_page_lists_observations_and_audits_the_read(world: World, login) -> None:
    entry = make_entry(world, observations=3)
    response = login(world.provider.user).get(entry_url("entry", entry))
    body = response.content.decode()
    assert "Quinn Z." in body
    assert body.count('class="watch-observation"') == 3
    assert "Pencil grip" in body
    assert "Wiggle cushion" in body
    assert entry_url("summary", entry) in body  # three observations: the summary is ready
    # The teacher noted it: the provider carries over but does not renew it.
    assert entry_url("carry_over", entry) in body
    assert entry_url("renew", entry) not in body
    assert AuditEntry.objects.filter(
        action=AuditAction.READ, object_id=str(entry.pk), actor=world.provider.user
    ).exists()
    # The carry-over form names the provider's caseload student at the school: a read too.
    assert "Avery" in body
    assert AuditEntry.objects.filter(
        action=AuditAction.READ,
        student_id=world.student.pk,
        actor=world.provider.user,
        detail__page="watch_entry_carry_over",
    ).exists()


def test_the_owner_renews_and_the_teacher_does_not_carry_over(world: World, login) -> None:
    entry = make_entry(world, observations=1)
    body = login(world.teacher).get(entry_url("entry", entry)).content.decode()
    assert entry_url("renew", entry) in body
    assert entry_url("carry_over", entry) not in body
    assert entry_url("summary", entry) not in body  # one observation: not yet
    assert "prints from 3 observations" in body

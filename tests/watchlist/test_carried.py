"""A caseload student's observations from before the referral."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.watchlist.services import watch_entry_carry_over
from tests.caseload.personas import persona_user
from tests.factories import World
from tests.watchlist.helpers import make_entry


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("provider", 200),
        ("teacher", 200),
        ("other_provider", 404),
        ("other_teacher", 404),
        ("para", 404),
        ("admin", 404),
    ],
)
def test_carried_observations_by_persona(world: World, login, persona: str, status: int) -> None:
    entry = make_entry(world)
    watch_entry_carry_over(actor=world.provider.user, entry=entry, student=world.student)
    response = login(persona_user(world, persona)).get(
        reverse("watchlist:carried", args=[world.student.pk])
    )
    assert response.status_code == status
    if status == 200:
        body = response.content.decode()
        assert "Observations before referral" in body
        assert body.count('class="watch-observation"') == 3
        assert AuditEntry.objects.filter(
            action=AuditAction.READ,
            student_id=world.student.pk,
            detail__page="carried_observations",
        ).exists()

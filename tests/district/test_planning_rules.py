"""The district's planning rules on the settings page: one pull-out a day."""

from __future__ import annotations

from django.urls import reverse

from pushin.accounts.models import AuditEntry

URL = reverse("district:settings")


def rule_on(world) -> bool:
    world.district.refresh_from_db()
    return bool(world.district.one_pull_out_a_day)


def test_admin_turns_one_pull_out_a_day_on_and_off(world, login) -> None:
    client = login(world.admin)
    page = client.get(URL).content.decode()
    assert "One pull-out a day" in page
    assert rule_on(world) is False
    response = client.post(URL, {"action": "planning_rules", "one_pull_out_a_day": "on"})
    assert response.status_code == 302
    assert rule_on(world) is True
    assert AuditEntry.objects.filter(detail__one_pull_out_a_day=True).exists()
    client.post(URL, {"action": "planning_rules"})  # an unticked box is not sent
    assert rule_on(world) is False


def test_only_the_admin_sets_planning_rules(world, login) -> None:
    response = login(world.provider.user).post(
        URL, {"action": "planning_rules", "one_pull_out_a_day": "on"}
    )
    assert response.status_code == 404
    assert rule_on(world) is False

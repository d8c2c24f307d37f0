"""The district's minimum fit (issue 11): 0.5 unless changed on the settings page, passed
to every plan as the scenario's min_fit, so no push-in student is placed below it."""

from __future__ import annotations

from django.urls import reverse

from pushin.accounts.models import AuditEntry
from pushin.planning.scenario_build import scenario_build
from pushin.scheduling.scenario import scenario_to_dict

URL = reverse("district:settings")


def min_fit(world) -> float:
    world.district.refresh_from_db()
    return float(world.district.min_fit)


def test_the_minimum_fit_is_half_unless_changed_and_every_plan_gets_it(world, login) -> None:
    assert min_fit(world) == 0.5
    scenario, _ = scenario_build(district=world.district, providers=[world.provider])
    assert scenario.min_fit == 0.5
    assert scenario_to_dict(scenario)["min_fit"] == 0.5
    client = login(world.admin)
    page = client.get(URL).content.decode()
    assert "Minimum fit" in page
    assert 'name="min_fit" value="0.5"' in page
    response = client.post(URL, {"action": "planning_rules", "min_fit": "0.7"})
    assert response.status_code == 302
    assert min_fit(world) == 0.7
    assert AuditEntry.objects.filter(detail__min_fit=0.7).exists()
    world.district.refresh_from_db()
    scenario, _ = scenario_build(district=world.district, providers=[world.provider])
    assert scenario.min_fit == 0.7


def test_a_minimum_fit_outside_0_to_1_is_refused(world, login) -> None:
    response = login(world.admin).post(URL, {"action": "planning_rules", "min_fit": "1.5"})
    assert response.status_code == 200  # the page again, with the error by the field
    assert "less than or equal to 1" in response.content.decode()
    assert min_fit(world) == 0.5


def test_only_the_admin_sets_the_minimum_fit(world, login) -> None:
    response = login(world.provider.user).post(URL, {"action": "planning_rules", "min_fit": "0"})
    assert response.status_code == 404
    assert min_fit(world) == 0.5

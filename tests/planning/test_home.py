from __future__ import annotations

import re

from django.urls import reverse

from pushin.district.models import Availability
from pushin.ids import PATTERN
from tests.factories import World, make_provider
from tests.planning.helpers import standing


def test_admin_home_lists_providers_in_a_few_queries(
    pworld: World, login, django_assert_max_num_queries
) -> None:
    standing(pworld)
    for number in range(12):
        make_provider(f"therapist{number}", pworld.district)
    client = login(pworld.admin)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("planning:home"))
    page = response.content.decode()
    assert len(re.findall(rf'href="/planning/providers/{PATTERN}/"', page)) == 14
    assert len(re.findall(rf'href="/planning/providers/{PATTERN}/schedule/"', page)) == 1
    assert "Accepted" in page
    assert "None yet" in page


def test_provider_without_working_hours_is_told(pworld: World, login) -> None:
    Availability.objects.filter(provider=pworld.provider).delete()
    page = login(pworld.provider.user).get(reverse("planning:provider", args=[pworld.provider.pk]))
    assert "set the working hours" in page.content.decode()
    assert "No standing schedule yet" in page.content.decode()

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from pushin.accounts.models import Role, User
from pushin.district.models import District
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user
from tests.factories import make_user

URL = reverse("accounts:users")
EXPECTED = {
    "provider": 404,
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}


def listed(response) -> set[str]:
    return {user.username for user, _failures, _locked in response.context["rows"]}


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(URL)
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)


def test_lists_the_districts_users_only(world, login):
    elsewhere = District.objects.create(
        name="Elsewhere", school_year_start="2026-09-01", school_year_end="2027-06-15"
    )
    make_user("stranger", Role.TEACHER, elsewhere)
    User.objects.create_superuser("root", "root@example.org", "x", district=world.district)
    response = login(world.admin).get(URL)
    assert listed(response) == {
        "provider",
        "otherprovider",
        "teacher",
        "otherteacher",
        "para",
        "admin",
    }
    html = response.content.decode()
    assert "Provider (OT, COTA, PT, SLP)" in html
    assert "never" in html  # last sign-in


def test_filter_by_role(world, login):
    client = login(world.admin)
    assert listed(client.get(URL, {"role": "provider"})) == {"provider", "otherprovider"}
    assert listed(client.get(URL, {"role": "bogus"})) == listed(client.get(URL))


def test_shows_inactive_and_locked_out_accounts(world, login):
    world.teacher.is_active = False
    world.teacher.save()
    AccessAttempt.objects.create(
        username="para", ip_address="10.0.0.1", failures_since_start=5, get_data="", post_data=""
    )
    html = login(world.admin).get(URL).content.decode()
    assert "inactive" in html
    assert html.count("locked out") == 1


def test_a_large_district_is_listed_fifty_users_a_page_keeping_the_role_filter(world, login):
    for i in range(60):
        make_user(f"teacher{i:03d}", Role.TEACHER, world.district)
    client = login(world.admin)
    teachers = User.objects.filter(district=world.district, role=Role.TEACHER).count()
    first = client.get(URL, {"role": Role.TEACHER})
    assert len(first.context["rows"]) == 50
    html = first.content.decode()
    assert "Page 1 of 2" in html
    assert f'href="?role={Role.TEACHER}&amp;page=2" rel="next"' in html
    second = client.get(URL, {"role": Role.TEACHER, "page": 2})
    assert len(second.context["rows"]) == teachers - 50  # page 2 holds the rest
    assert listed(first).isdisjoint(listed(second))
    assert {u for u, *_ in second.context["rows"]} <= set(User.objects.filter(role=Role.TEACHER))

"""Who sees workload: the provider, their supervising OT, the district administrator.
Teachers and paras never do (a 404, and no menu link); nor another district."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.accounts.models import Role
from pushin.district.models import District
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user
from tests.factories import make_provider, make_user
from tests.workload.record import END, START, known_record

pytestmark = pytest.mark.django_db

# persona -> (report of `provider`, its PDF, the district's totals, own indirect time)
EXPECTED = {
    "provider": (200, 200, 404, 200),
    "other_provider": (404, 404, 404, 200),
    "teacher": (404, 404, 404, 404),
    "other_teacher": (404, 404, 404, 404),
    "para": (404, 404, 404, 404),
    "admin": (200, 200, 200, 404),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_sees_what_their_role_allows(world, login, persona):
    client = login(persona_user(world, persona))
    urls = [
        reverse("workload:report", args=[world.provider.pk]),
        reverse("workload:report_pdf", args=[world.provider.pk]),
        reverse("workload:district"),
        reverse("workload:indirect"),
    ]
    responses = [client.get(url) for url in urls]

    if persona == "anonymous":
        assert all(is_login_redirect(r) for r in responses)
        return
    assert tuple(r.status_code for r in responses) == EXPECTED[persona]


def test_another_district_sees_nothing_of_this_one(world, login):
    elsewhere = District.objects.create(
        name="Elsewhere Unified",
        school_year_start=dt.date(2026, 8, 31),
        school_year_end=dt.date(2027, 6, 18),
    )
    admin2 = make_user("admin2", Role.ADMIN, elsewhere)
    provider2 = make_provider("provider2", elsewhere)
    known_record(world)
    for person in (admin2, provider2.user):
        client = login(person)
        assert client.get(reverse("workload:report", args=[world.provider.pk])).status_code == 404
        assert (
            client.get(reverse("workload:report_pdf", args=[world.provider.pk])).status_code == 404
        )
    totals = login(admin2).get(reverse("workload:district")).content.decode()
    assert "Provider Tester" not in totals  # their own district's providers only
    assert reverse("workload:report", args=[provider2.pk]) in totals
    assert reverse("workload:report", args=[world.provider.pk]) not in totals


def test_teachers_and_paras_have_no_workload_link(world, login):
    for person in (world.teacher, world.para):
        html = login(person).get(reverse("caseload:list")).content.decode()
        assert "/workload/" not in html
    provider_page = login(world.provider.user).get(reverse("sessions:today")).content.decode()
    assert reverse("workload:home") in provider_page
    admin_page = login(world.admin).get(reverse("district:dashboard")).content.decode()
    assert reverse("workload:district") in admin_page


def test_the_districts_totals_say_who_is_over_contract_without_students(world, login):
    known_record(world)  # the provider: 375 minutes against 320 contracted
    html = (
        login(world.admin)
        .get(
            reverse("workload:district"),
            {"period": "custom", "start": START.isoformat(), "end": END.isoformat()},
        )
        .content.decode()
    )

    assert "1 provider over contract:</strong> Provider Tester (+55 min)" in html
    assert 'id="workload-district" class="chart" role="img"' in html
    for student in ("Avery", "Blake", "S-0001", "S-0009"):
        assert student not in html


def test_a_supervising_ot_reads_their_cotas_report(world, login):
    cota = make_provider("cota", world.district, discipline="COTA")
    cota.supervisor = world.provider
    cota.save(update_fields=["supervisor"])
    url = reverse("workload:report", args=[cota.pk])

    assert login(world.provider.user).get(url).status_code == 200
    assert login(world.other_provider.user).get(url).status_code == 404

"""The administrator's district dashboard: aggregates only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.caseload.models import MandateVersion
from pushin.district.models import Classroom, Provider
from pushin.district.selectors import OVER_CAPACITY_SHARE, provider_load
from tests.district.personas import PERSONAS, is_login_redirect, persona_user
from tests.factories import make_provider, make_student

URL = reverse("district:dashboard")
ON = "2026-11-23"
EXPECTED = {
    "provider": 404,  # providers start on their caseload; the dashboard is the administrator's
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(URL)
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)


def loads_by_username(response):
    data = response.context["data"]
    for load in data.provider_loads:  # the plan pages' provider_load reads the same figures
        alone = provider_load(load.provider, on=data.on)
        assert (alone.students, alone.mandated_minutes, alone.direct_minutes) == (
            load.students,
            load.mandated_minutes,
            load.direct_minutes,
        )
    return {load.provider.user.username: load for load in data.provider_loads}


def test_counts_and_provider_minutes(world, login):
    response = login(world.admin).get(URL, {"on": ON})
    data = response.context["data"]
    assert (data.schools, data.classrooms, data.students, data.providers) == (2, 2, 2, 2)
    load = loads_by_username(response)["provider"]
    # 60 min/week in 30-min sessions, push-in.
    assert (load.students, load.mandated_minutes, load.direct_minutes) == (1, 60, 60)
    assert load.contracted_minutes == 37 * 60 + 30
    assert not load.over_capacity
    schools = {s.school.code: s for s in data.school_loads}
    assert (schools["maple"].students, schools["maple"].providers) == (1, 1)
    assert (schools["cedar"].classrooms, schools["cedar"].students) == (1, 1)


def test_no_student_names_or_clinical_detail(world, login):
    html = login(world.admin).get(URL, {"on": ON}).content.decode()
    assert "Avery" not in html
    assert "Blake" not in html
    assert "S-0001" not in html
    assert "letters on the line" not in html


def test_version_in_force_on_the_day_counts(world, login):
    service = world.student.ieps.get().services.get()
    MandateVersion.objects.create(
        service=service,
        effective_from=dt.date(2027, 1, 4),
        minutes=120,
        session_minutes=30,
    )
    before = loads_by_username(login(world.admin).get(URL, {"on": "2026-12-01"}))["provider"]
    after = loads_by_username(login(world.admin).get(URL, {"on": "2027-01-05"}))["provider"]
    assert (before.mandated_minutes, after.mandated_minutes) == (60, 120)
    outside = loads_by_username(login(world.admin).get(URL, {"on": "2027-08-01"}))["provider"]
    assert outside.mandated_minutes == 0


def test_consult_is_mandated_but_not_direct(world, login):
    version = world.student.ieps.get().services.get().versions.get()
    MandateVersion.objects.filter(pk=version.pk).update(delivery="consult")
    load = loads_by_username(login(world.admin).get(URL, {"on": ON}))["provider"]
    assert (load.mandated_minutes, load.direct_minutes) == (60, 0)


def test_over_capacity_badge(world, login):
    Provider.objects.filter(pk=world.provider.pk).update(contracted_minutes_per_week=90)
    response = login(world.admin).get(URL, {"on": ON})
    load = loads_by_username(response)["provider"]
    assert load.direct_share == pytest.approx(60 / 90)
    assert load.direct_share > OVER_CAPACITY_SHARE
    assert load.over_capacity
    assert load.direct_percent == 67
    assert response.content.decode().count("over capacity</span>") == 1


def test_assistant_counts_the_ot_service(world, login):
    cota = make_provider("cota", world.district, discipline="COTA")
    world.student.providers.add(cota)
    load = loads_by_username(login(world.admin).get(URL, {"on": ON}))["cota"]
    assert load.mandated_minutes == 60


def test_no_n_plus_one(world, login, django_assert_max_num_queries):
    for p in range(6):
        provider = make_provider(f"p{p}", world.district)
        room = Classroom.objects.create(school=world.school, name=f"R{p}", code=f"r{p}")
        for s in range(4):
            make_student(ref=f"N-{p}-{s}", classroom=room, provider=provider)
    client = login(world.admin)
    with django_assert_max_num_queries(14):
        response = client.get(URL, {"on": ON})
    data = response.context["data"]
    assert data.providers == 8
    assert data.students == 26
    assert sum(load.mandated_minutes for load in data.provider_loads) == 26 * 60

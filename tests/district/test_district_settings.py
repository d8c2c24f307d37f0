"""The administrator's district settings: year, closures, makeup policy, progress periods."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.district.models import Closure, MakeupPolicy, ProgressPeriod
from pushin.vocabulary import DEFAULT_MAKEUP_OWED, CutShortReason, MissReason
from tests.district.personas import PERSONAS, is_login_redirect, persona_user

URL = reverse("district:settings")
EXPECTED = {
    "provider": 404,
    "other_provider": 404,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}


@pytest.mark.parametrize("name", PERSONAS)
def test_get_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).get(URL)
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)


@pytest.mark.parametrize("name", PERSONAS)
def test_post_permission_matrix(world, login, name):
    response = login(persona_user(world, name)).post(
        URL,
        {"action": "closure_add", "name": "Snow day", "start": "2027-01-11", "end": "2027-01-11"},
    )
    assert response.status_code == (302 if name in ("admin", "anonymous") else 404)
    assert Closure.objects.exists() is (name == "admin")


def post(login, world, **data):
    return login(world.admin).post(URL, data)


def test_school_year_update(world, login):
    response = post(login, world, action="year", start="2026-09-01", end="2027-06-15")
    assert response.status_code == 302
    world.district.refresh_from_db()
    assert (world.district.school_year_start, world.district.school_year_end) == (
        dt.date(2026, 9, 1),
        dt.date(2027, 6, 15),
    )


def test_school_year_end_before_start_is_refused(world, login):
    response = post(login, world, action="year", start="2027-06-15", end="2026-09-01")
    assert response.status_code == 200
    assert response.context["year_form"].errors["end"] == [
        "The school year must end after it starts."
    ]


def test_school_year_that_would_strand_a_period_is_refused(world, login):
    ProgressPeriod.objects.create(
        district=world.district, name="Q4", start=dt.date(2027, 4, 1), end=dt.date(2027, 6, 18)
    )
    response = post(login, world, action="year", start="2026-08-31", end="2027-06-01")
    assert "Q4" in response.context["year_form"].non_field_errors()[0]
    world.district.refresh_from_db()
    assert world.district.school_year_end == dt.date(2027, 6, 18)


def test_closure_add_and_delete(world, login):
    post(
        login,
        world,
        action="closure_add",
        name="Winter break",
        start="2026-12-21",
        end="2027-01-01",
    )
    closure = Closure.objects.get()
    assert (closure.name, closure.start, closure.end) == (
        "Winter break",
        dt.date(2026, 12, 21),
        dt.date(2027, 1, 1),
    )
    response = login(world.admin).post(
        URL, {"action": "closure_delete", "id": closure.pk}, follow=True
    )
    assert not Closure.objects.exists()
    assert "Deleted the closure Winter break." in response.content.decode()


def test_closure_outside_the_year_is_refused(world, login):
    response = post(
        login, world, action="closure_add", name="Summer", start="2027-07-01", end="2027-07-04"
    )
    assert response.context["closure_form"].non_field_errors() == [
        "The dates must be inside the school year (Aug 31, 2026 to Jun 18, 2027)."
    ]
    assert not Closure.objects.exists()


def test_closure_last_day_before_first_is_refused(world, login):
    response = post(
        login, world, action="closure_add", name="Oops", start="2026-12-21", end="2026-12-20"
    )
    assert response.context["closure_form"].errors["end"] == [
        "The last day cannot be before the first day."
    ]


def test_makeup_policy_defaults_then_one_row_per_reason(world, login):
    form = login(world.admin).get(URL).context["policy_form"]
    assert {r: form[r].value() for r in MissReason.values} == {
        r.value: owed for r, owed in DEFAULT_MAKEUP_OWED.items()
    }
    # A session cut short has reasons of its own, with their own defaults.
    assert {r: form[r].value() for r in CutShortReason.values} == {
        "left_early": False,
        "behaviour": False,
        "drill": False,
        "schedule_overran": True,
        "other": False,
    }
    post(login, world, action="policy", student_absent="on", provider_absent="on", drill="on")
    post(login, world, action="policy", student_absent="on", provider_absent="on", drill="on")
    rows = {p.reason: p.owed for p in MakeupPolicy.objects.filter(district=world.district)}
    assert rows == {
        "student_absent": True,
        "student_unavailable": False,
        "provider_absent": True,
        "provider_conflict": False,
        "school_closure": False,
        "left_early": False,
        "behaviour": False,
        "drill": True,
        "schedule_overran": False,
        "other": False,
    }
    assert MakeupPolicy.objects.count() == len(MissReason.values) + len(CutShortReason.values)
    assert world.district.owed_reasons() == {"student_absent", "provider_absent", "drill"}


def test_progress_periods_add_and_delete(world, login):
    post(login, world, action="period_add", name="Q1", start="2026-08-31", end="2026-11-06")
    post(login, world, action="period_add", name="Q2", start="2026-11-09", end="2027-01-29")
    assert list(ProgressPeriod.objects.values_list("name", flat=True)) == ["Q1", "Q2"]
    q1 = ProgressPeriod.objects.get(name="Q1")
    login(world.admin).post(URL, {"action": "period_delete", "id": q1.pk})
    assert list(ProgressPeriod.objects.values_list("name", flat=True)) == ["Q2"]


def test_overlapping_period_is_refused(world, login):
    post(login, world, action="period_add", name="Q1", start="2026-08-31", end="2026-11-06")
    response = post(
        login, world, action="period_add", name="Q2", start="2026-11-06", end="2027-01-29"
    )
    assert response.context["period_form"].non_field_errors() == [
        "This overlaps the period Q1 (Aug 31 to Nov 06)."
    ]
    assert ProgressPeriod.objects.count() == 1


def test_period_outside_the_year_is_refused(world, login):
    response = post(
        login, world, action="period_add", name="Q5", start="2027-06-01", end="2027-07-30"
    )
    assert "inside the school year" in response.context["period_form"].non_field_errors()[0]


def test_period_end_before_start_is_refused(world, login):
    response = post(
        login, world, action="period_add", name="Q1", start="2026-11-06", end="2026-08-31"
    )
    assert response.context["period_form"].errors["end"] == ["The period must end after it starts."]


def test_deleting_another_districts_closure_is_404(world, login):
    from pushin.district.models import District

    elsewhere = District.objects.create(
        name="Elsewhere",
        school_year_start=world.district.school_year_start,
        school_year_end=world.district.school_year_end,
    )
    theirs = Closure.objects.create(
        district=elsewhere, name="Theirs", start=dt.date(2026, 12, 1), end=dt.date(2026, 12, 1)
    )
    response = login(world.admin).post(URL, {"action": "closure_delete", "id": theirs.pk})
    assert response.status_code == 404
    assert Closure.objects.filter(pk=theirs.pk).exists()


def test_unknown_action_is_404(world, login):
    assert post(login, world, action="nope").status_code == 404

"""The plan pages say when mandated direct minutes plus travel exceed the contract, and by
how much, before they talk about shortfalls (pushin/workload/capacity.py)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from pushin.vocabulary import Domain
from tests.factories import World, make_student
from tests.planning.helpers import solved_run
from tests.sessions.factories import standing_schedule, standing_session


def _contract(world: World, minutes: int) -> None:
    world.provider.contracted_minutes_per_week = minutes
    world.provider.save(update_fields=["contracted_minutes_per_week"])


def test_the_planning_page_says_the_caseload_is_over_contract_first(pworld: World, login):
    _contract(pworld, 45)  # the student's mandate is 60 direct minutes a week
    page = login(pworld.provider.user).get(reverse("planning:provider", args=[pworld.provider.pk]))

    html = page.content.decode()
    assert page.status_code == 200
    assert "exceed the contracted week by 15 minutes (15 min)" in html
    assert "Mandated direct service: 60 min a week" in html
    assert "not counted yet: it is known once a weekly schedule is accepted" in html
    assert html.index("Over contract") < html.index("Weekly schedule")


def test_travel_of_the_weekly_schedule_counts_against_the_contract(pworld: World, login):
    # 60 mandated minutes fit a 70-minute week; the drive between the two schools does not.
    _contract(pworld, 70)
    schedule = standing_schedule(pworld.provider)
    standing_session(
        schedule, classroom=pworld.classroom, day="mon", start=dt.time(9), end=dt.time(9, 30),
        students=[pworld.student],
    )  # fmt: skip
    standing_session(
        schedule, classroom=pworld.other_classroom, day="mon", start=dt.time(10),
        end=dt.time(10, 30), students=[pworld.student],
    )  # fmt: skip
    html = (
        login(pworld.provider.user)
        .get(reverse("planning:provider", args=[pworld.provider.pk]))
        .content.decode()
    )

    assert "plus 15 min of travel between schools (the weekly schedule): 75 minutes" in html
    assert "exceed the contracted week by 5 minutes" in html


def test_within_the_contract_the_page_says_what_is_left(pworld: World, login):
    html = (
        login(pworld.provider.user)
        .get(reverse("planning:provider", args=[pworld.provider.pk]))
        .content.decode()
    )

    assert "Over contract" not in html
    assert "take 60 of 2250 contracted minutes a week (3 %)" in html
    assert "2190 minutes (36 h 30 min) are left for documentation" in html


def test_the_plan_result_says_over_contract_before_its_shortfalls(pworld: World, login):
    # A test-taking goal fits no block: 60 minutes short whatever the contract.
    make_student(
        ref="S-0009", classroom=pworld.classroom, provider=pworld.provider,
        domain=Domain.TEST_TAKING, first_name="Dana", last_name="Quill",
    )  # fmt: skip
    _contract(pworld, 100)  # 120 mandated minutes a week
    run = solved_run(pworld)
    assert run.plan_data["shortfalls"]
    html = login(pworld.provider.user).get(reverse("planning:run", args=[run.pk])).content.decode()

    warning = html.index("exceed the contracted week by 20 minutes")
    assert warning < html.index("<h2>Totals</h2>")  # its Shortfall column
    assert warning < html.index("<h2>Shortfalls</h2>")
    assert "the shortfalls below come from the size of the caseload" in html


def test_a_plan_within_the_contract_shows_no_capacity_warning(pworld: World, login):
    run = solved_run(pworld)
    html = login(pworld.provider.user).get(reverse("planning:run", args=[run.pk])).content.decode()

    assert "Every mandated minute is scheduled." in html
    assert "Over contract" not in html

"""The director's capacity view (pushin/workload/staffing.py): who is over capacity, and
the one-more-provider model, on hand-made caseloads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from pushin.caseload.models import Service
from pushin.district.selectors import provider_load
from pushin.vocabulary import Discipline
from pushin.workload.staffing import (
    NEW_PROVIDER,
    caseload_loads,
    default_contract,
    district_staffing,
)
from tests.conftest import TODAY
from tests.factories import World, make_provider, make_student
from tests.page_text import page_text
from tests.sessions.factories import standing_schedule, standing_session

pytestmark = pytest.mark.django_db


def _contract(provider, minutes: int) -> None:
    provider.contracted_minutes_per_week = minutes
    provider.save(update_fields=["contracted_minutes_per_week"])


@pytest.fixture
def over(world: World) -> World:
    """The provider serves two students of 60 minutes a week, one at Maple and one at
    Cedar, with a weekly schedule that drives between them on Monday (15 minutes), on a
    contract of 100 minutes a week: 120 + 15 = 135 needed, 35 over."""
    cedar = make_student(ref="S-0007", classroom=world.other_classroom, provider=world.provider)
    schedule = standing_schedule(world.provider)
    standing_session(
        schedule,
        classroom=world.classroom,
        day="mon",
        start=dt.time(9),
        end=dt.time(9, 30),
        students=[world.student],
    )
    standing_session(
        schedule,
        classroom=world.other_classroom,
        day="mon",
        start=dt.time(9, 15),
        end=dt.time(9, 45),
        students=[cedar],
    )
    _contract(world.provider, 100)
    return world


def test_loads_add_up_to_the_dashboards_direct_minutes(over: World) -> None:
    loads = caseload_loads(over.provider, on=TODAY)
    assert sorted(load.minutes for load in loads) == [60, 60]
    assert {load.school for load in loads} == {over.school.pk, over.other_school.pk}
    assert (
        sum(load.minutes for load in loads) == provider_load(over.provider, on=TODAY).direct_minutes
    )


def test_one_more_provider_takes_the_excess(over: World) -> None:
    staffing = district_staffing(over.district, on=TODAY)
    rows = {row.provider.pk: row for row in staffing.rows}
    mine = rows[over.provider.pk]
    assert (mine.before.direct, mine.before.travel, mine.before.contracted) == (120, 15, 100)
    assert (mine.before.needed, mine.before.over_by) == (135, 35)
    assert [row.provider for row in staffing.over_before] == [over.provider]
    assert staffing.minutes_over_before == 35
    # Both schools hold 60 of the provider's minutes: the first (Maple) goes, whole, and
    # the Monday drive to it with it.
    [move] = staffing.moves
    assert (move.provider, move.school, move.students, move.minutes) == (
        over.provider,
        over.school,
        1,
        60,
    )
    assert move.whole_school
    assert (mine.after.direct, mine.after.travel, mine.after.students) == (60, 0, 1)
    assert not mine.after.exceeds
    assert staffing.over_after == []
    assert staffing.minutes_over_after == 0
    new = staffing.new
    assert new is not None
    assert (new.name, new.contracted, new.direct, new.travel, new.students) == (
        NEW_PROVIDER,
        default_contract(),
        60,
        0,
        1,
    )
    assert default_contract() == 37 * 60 + 30
    assert staffing.discipline == Discipline.OT
    # The other provider (one student, the default contract) is neither over nor changed.
    theirs = rows[over.other_provider.pk]
    assert not theirs.before.exceeds
    assert not theirs.changed


def test_nobody_over_capacity_needs_nobody_new(world: World) -> None:
    staffing = district_staffing(world.district, on=TODAY)
    assert staffing.over_before == []
    assert staffing.new is None
    assert staffing.moves == []


def test_the_new_provider_never_goes_over_their_own_contract(world: World) -> None:
    """A mandate larger than a whole contract stays where it is; the provider stays over."""
    make_student(ref="S-0008", classroom=world.classroom, provider=world.provider, minutes=2400)
    _contract(world.provider, 2250)
    staffing = district_staffing(world.district, on=TODAY)
    mine = next(row for row in staffing.rows if row.provider == world.provider)
    assert (mine.before.direct, mine.before.over_by) == (2460, 210)
    # Maple holds both students: the 2400-minute one cannot move, the 60-minute one does.
    [move] = staffing.moves
    assert (move.students, move.minutes, move.whole_school) == (1, 60, False)
    assert (mine.after.direct, mine.after.over_by) == (2400, 150)
    assert staffing.over_after == [mine]
    assert staffing.minutes_over_after == 150
    assert staffing.new is not None
    assert staffing.new.direct == 60


def test_only_the_same_service_moves(world: World) -> None:
    """The most over is an OT, so the new provider is an OT: a PT over capacity keeps
    their students (an OT cannot deliver a PT mandate)."""
    pt = make_provider("ptone", world.district, discipline=Discipline.PT)
    student = make_student(ref="S-0011", classroom=world.classroom, provider=pt, minutes=30)
    Service.objects.filter(iep__student=student).update(discipline=Discipline.PT)
    _contract(pt, 10)  # 30 minutes a week: 20 over
    _contract(world.provider, 30)  # 60 minutes a week: 30 over
    staffing = district_staffing(world.district, on=TODAY)
    assert {row.provider for row in staffing.over_before} == {world.provider, pt}
    assert staffing.discipline == Discipline.OT
    assert {move.provider for move in staffing.moves} == {world.provider}
    assert [row.provider for row in staffing.over_after] == [pt]
    assert staffing.minutes_over_after == 20


def test_the_capacity_page(over: World, login) -> None:
    client = login(over.admin)
    response = client.get(reverse("workload:capacity"))
    assert response.status_code == 200
    text = " ".join(page_text(response.content.decode()).split())
    assert "1 provider over capacity, by 35 min a week in all: Provider Tester (+35 min)." in text
    assert (
        "Today 1 provider is over capacity, by 35 min a week in all. With one more OT taking "
        "1 student (1 h of mandated direct service a week), nobody would be." in text
    )
    assert "From Provider Tester: 1 student at Maple Elementary, 60 minutes a week (all of " in text
    assert reverse("workload:whatif", args=[over.provider.pk]) in response.content.decode()
    # Linked from the district's totals.
    totals = client.get(reverse("workload:district")).content.decode()
    assert reverse("workload:capacity") in totals

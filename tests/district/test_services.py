"""District services: keyword-only, atomic, and the rules the views rely on."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest
from django.core.exceptions import ValidationError

from pushin.district import services
from pushin.district.models import (
    ActivityBlock,
    Availability,
    Closure,
    MakeupPolicy,
    ProgressPeriod,
    School,
    TimetableException,
    TravelTime,
)

SERVICES = [
    services.block_create,
    services.block_update,
    services.block_delete,
    services.timetable_exception_create,
    services.timetable_exception_delete,
    services.school_create,
    services.travel_minutes_set,
    services.availability_create,
    services.availability_delete,
    services.busy_time_create,
    services.busy_time_delete,
    services.provider_hours_update,
    services.school_year_update,
    services.closure_create,
    services.closure_delete,
    services.makeup_policy_set,
    services.progress_period_create,
    services.progress_period_delete,
]


@pytest.mark.parametrize("service", SERVICES, ids=lambda s: s.__name__)
def test_every_service_is_keyword_only(service):
    params = inspect.signature(service).parameters.values()
    assert params
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in params)


class Boom(Exception):
    pass


def explode(**kwargs):
    raise Boom


def test_block_create_is_atomic(world, monkeypatch):
    monkeypatch.setattr(services, "audit_record", explode)
    with pytest.raises(Boom):
        services.block_create(
            actor=world.teacher,
            classroom=world.classroom,
            day="tue",
            start=dt.time(13),
            end=dt.time(14),
            activity="math",
        )
    assert not ActivityBlock.objects.filter(classroom=world.classroom, day="tue").exists()


def test_block_update_is_atomic(world, monkeypatch):
    block = ActivityBlock.objects.get(classroom=world.classroom, day="mon")
    monkeypatch.setattr(services, "audit_record", explode)
    with pytest.raises(Boom):
        services.block_update(
            actor=world.teacher,
            block=block,
            day="fri",
            start=dt.time(13),
            end=dt.time(14),
            activity="math",
        )
    block.refresh_from_db()
    assert (block.day, block.activity) == ("mon", "writing")


def test_exception_create_is_atomic_and_records_the_author(world, monkeypatch):
    made = services.timetable_exception_create(
        actor=world.provider.user,
        classroom=world.classroom,
        date=dt.date(2026, 11, 20),
        start=dt.time(9),
        end=dt.time(10),
        kind="cancelled",
    )
    assert made.created_by == world.provider.user
    monkeypatch.setattr(services, "audit_record", explode)
    with pytest.raises(Boom):
        services.timetable_exception_create(
            actor=world.teacher,
            classroom=world.classroom,
            date=dt.date(2026, 11, 19),
            start=dt.time(9),
            end=dt.time(10),
            kind="activity",
            activity="assembly",
        )
    assert list(TimetableException.objects.all()) == [made]


def test_makeup_policy_set_is_atomic(world, monkeypatch):
    calls = []
    real = MakeupPolicy.objects.update_or_create

    def flaky(**kwargs):
        calls.append(kwargs)
        if len(calls) == 3:
            raise Boom
        return real(**kwargs)

    monkeypatch.setattr(MakeupPolicy.objects, "update_or_create", flaky)
    with pytest.raises(Boom):
        services.makeup_policy_set(
            actor=world.admin,
            district=world.district,
            owed=dict.fromkeys(("student_absent", "provider_absent", "school_closure"), True),
        )
    assert not MakeupPolicy.objects.exists()


def test_makeup_policy_refuses_unknown_reasons(world):
    with pytest.raises(ValidationError):
        services.makeup_policy_set(actor=world.admin, district=world.district, owed={"rain": True})


@pytest.mark.parametrize("order", ["low_first", "high_first"])
def test_travel_minutes_set_orders_the_pair(world, order):
    third = School.objects.create(district=world.district, name="Aspen", code="aspen")
    a, b = (world.school, third) if order == "low_first" else (third, world.school)
    travel = services.travel_minutes_set(actor=world.admin, a=a, b=b, minutes=12)
    assert (travel.from_school_id, travel.to_school_id) == (world.school.pk, third.pk)
    services.travel_minutes_set(actor=world.admin, a=b, b=a, minutes=20)
    assert TravelTime.objects.get(from_school=world.school, to_school=third).minutes == 20
    assert TravelTime.objects.count() == 2


@pytest.mark.parametrize("minutes", [-1, 241])
def test_travel_minutes_range(world, minutes):
    with pytest.raises(ValidationError) as caught:
        services.travel_minutes_set(
            actor=world.admin, a=world.school, b=world.other_school, minutes=minutes
        )
    assert caught.value.message_dict["minutes"] == [
        "Travel time must be between 0 and 240 minutes."
    ]


def test_travel_minutes_bounds_are_allowed(world):
    for minutes in (0, 240):
        services.travel_minutes_set(
            actor=world.admin, a=world.school, b=world.other_school, minutes=minutes
        )
        assert TravelTime.objects.get().minutes == minutes


def test_availability_overlap_only_within_one_provider(world):
    Availability.objects.create(
        provider=world.other_provider, day="mon", start=dt.time(8), end=dt.time(12)
    )
    window = services.availability_create(
        actor=world.provider.user,
        provider=world.provider,
        day="mon",
        start=dt.time(8),
        end=dt.time(12),
    )
    assert window.school is None


def test_closure_inside_the_year_and_blocks_exceptions(world):
    services.closure_create(
        actor=world.admin,
        district=world.district,
        name="Snow day",
        start=dt.date(2027, 1, 11),
        end=dt.date(2027, 1, 11),
    )
    with pytest.raises(ValidationError) as caught:
        services.timetable_exception_create(
            actor=world.teacher,
            classroom=world.classroom,
            date=dt.date(2027, 1, 11),
            start=dt.time(9),
            end=dt.time(10),
            kind="cancelled",
        )
    assert "no school" in caught.value.message_dict["date"][0]
    assert Closure.objects.count() == 1


def test_school_year_update_refuses_stranding_a_closure(world):
    Closure.objects.create(
        district=world.district, name="Spring", start=dt.date(2027, 6, 14), end=dt.date(2027, 6, 18)
    )
    with pytest.raises(ValidationError) as caught:
        services.school_year_update(
            actor=world.admin,
            district=world.district,
            start=dt.date(2026, 8, 31),
            end=dt.date(2027, 6, 10),
        )
    assert "Spring" in caught.value.messages[0]


def test_progress_periods_may_not_overlap(world):
    services.progress_period_create(
        actor=world.admin,
        district=world.district,
        name="Q1",
        start=dt.date(2026, 9, 1),
        end=dt.date(2026, 11, 6),
    )
    with pytest.raises(ValidationError):
        services.progress_period_create(
            actor=world.admin,
            district=world.district,
            name="Inner",
            start=dt.date(2026, 10, 1),
            end=dt.date(2026, 10, 2),
        )
    assert ProgressPeriod.objects.count() == 1

"""Rules that live on the models: versions in force, overlaps, constraints, policy."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pushin.accounts.models import Role
from pushin.caseload.models import Frequency, MandateVersion, Service, Student
from pushin.district.models import (
    ActivityBlock,
    MakeupPolicy,
    Provider,
    TimetableException,
    TravelTime,
)
from pushin.vocabulary import Activity, CutShortReason, Discipline, MissReason, Weekday
from tests.factories import World, make_user

pytestmark = pytest.mark.django_db


def _service(world: World) -> Service:
    return Service.objects.get(iep__student=world.student)


def test_the_version_in_force_is_the_latest_effective_on_or_before_the_day(world: World) -> None:
    service = _service(world)
    first = service.versions.get()
    amended = MandateVersion.objects.create(
        service=service,
        effective_from=dt.date(2027, 1, 4),
        minutes=90,
        session_minutes=30,
    )
    assert service.version_on(dt.date(2026, 12, 18)) == first
    assert service.version_on(dt.date(2027, 1, 4)) == amended
    assert service.version_on(dt.date(2026, 8, 1)) is None
    assert service.current_version() == amended


def test_two_versions_on_one_day_are_refused(world: World) -> None:
    service = _service(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        MandateVersion.objects.create(
            service=service,
            effective_from=world.district.school_year_start,
            minutes=30,
            session_minutes=30,
        )


@pytest.mark.parametrize(
    ("minutes", "frequency", "session", "expected"),
    [
        (60, Frequency.WEEK, 30, 60),
        (45, Frequency.WEEK, 30, 60),  # rounded up to whole sessions
        (120, Frequency.MONTH, 30, 30),  # 120 / 4.33 = 27.7 -> one 30-min session
        (240, Frequency.MONTH, 30, 60),
        (360, Frequency.IEP_PERIOD, 20, 20),  # 360 / 36 weeks = 10 -> one 20-min session
    ],
)
def test_weekly_minutes_are_whole_sessions(
    minutes: int, frequency: str, session: int, expected: int
) -> None:
    version = MandateVersion(minutes=minutes, frequency=frequency, session_minutes=session)
    assert version.weekly_minutes() == expected


def test_mandate_shorter_than_a_session_is_invalid() -> None:
    version = MandateVersion(minutes=20, session_minutes=30, effective_from=dt.date(2026, 9, 1))
    with pytest.raises(ValidationError, match="shorter than one session"):
        version.clean()


def test_overlapping_blocks_in_one_classroom_are_refused(world: World) -> None:
    block = ActivityBlock(
        classroom=world.classroom,
        day=Weekday.MON,
        start=dt.time(9, 30),
        end=dt.time(10),
        activity=Activity.MATH,
    )
    with pytest.raises(ValidationError, match="Overlaps the block"):
        block.full_clean()
    elsewhere = ActivityBlock(
        classroom=world.classroom,
        day=Weekday.TUE,
        start=dt.time(9, 30),
        end=dt.time(10),
        activity=Activity.MATH,
    )
    elsewhere.full_clean()


def test_block_end_before_start_is_refused_by_the_database(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        ActivityBlock.objects.create(
            classroom=world.classroom,
            day=Weekday.FRI,
            start=dt.time(11),
            end=dt.time(10),
            activity=Activity.ART,
        )


def test_travel_pairs_are_stored_once_in_order(world: World) -> None:
    first, second = sorted([world.school, world.other_school], key=lambda s: s.pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        TravelTime.objects.create(from_school=second, to_school=first, minutes=10)


def test_exception_needs_a_school_day_and_an_activity(world: World) -> None:
    saturday = TimetableException(
        classroom=world.classroom,
        date=dt.date(2026, 11, 28),
        start=dt.time(10),
        end=dt.time(10, 45),
        activity=Activity.TEST,
    )
    with pytest.raises(ValidationError) as excinfo:
        saturday.full_clean()
    assert "school days" in str(excinfo.value)
    no_activity = TimetableException(
        classroom=world.classroom,
        date=dt.date(2026, 11, 26),
        start=dt.time(10),
        end=dt.time(10, 45),
    )
    with pytest.raises(ValidationError, match="Say which activity"):
        no_activity.full_clean()


def test_an_assistant_needs_a_supervising_therapist(world: World) -> None:
    cota = Provider(
        user=make_user("cota", Role.PROVIDER, world.district),
        district=world.district,
        discipline=Discipline.COTA,
    )
    with pytest.raises(ValidationError, match="supervising therapist"):
        cota.full_clean()
    cota.supervisor = world.provider
    cota.full_clean()


def test_makeup_policy_is_a_setting(world: World) -> None:
    assert world.district.owed_reasons() == {
        MissReason.PROVIDER_ABSENT,
        MissReason.PROVIDER_CONFLICT,
        CutShortReason.SCHEDULE_OVERRAN,  # a session cut short: the provider side's
    }
    MakeupPolicy.objects.create(
        district=world.district, reason=MissReason.STUDENT_ABSENT, owed=True
    )
    MakeupPolicy.objects.create(
        district=world.district, reason=MissReason.PROVIDER_CONFLICT, owed=False
    )
    MakeupPolicy.objects.create(
        district=world.district, reason=CutShortReason.SCHEDULE_OVERRAN, owed=False
    )
    assert world.district.owed_reasons() == {MissReason.PROVIDER_ABSENT, MissReason.STUDENT_ABSENT}


def test_a_student_prints_as_an_opaque_number(world: World) -> None:
    assert str(world.student) == "Student S-0001"
    assert world.student.first_name not in str(world.student)
    assert world.student.initials == "AS"


def test_student_numbers_are_unique_within_a_district(world: World) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        Student.objects.create(
            district=world.district,
            ref="S-0001",
            first_name="X",
            last_name="Y",
            classroom=world.classroom,
        )

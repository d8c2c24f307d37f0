"""A known record for the workload tests: sessions, travel and indirect time whose every
total is worked out by hand below. Every name here is made up.

Under the frozen clock (Wed 2026-12-02 12:00) the custom period Mon Nov 23 .. Wed Dec 2
has 8 school days. The provider's contract is set to 200 minutes a week, so the period
is over contract (the defaults would hide a wrong sign).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pushin.caseload.models import Student
from pushin.district.models import Classroom, School
from pushin.sessions.models import Attendance, DatedSession, SessionStatus, SessionStudent
from pushin.workload.models import IndirectKind, IndirectTime
from tests.factories import World, make_student

START = dt.date(2026, 11, 23)
END = dt.date(2026, 12, 2)  # today
CONTRACT_PER_WEEK = 200


@dataclass
class KnownRecord:
    birch_room: Classroom  # a school with no travel time to the others
    second: Student  # a second student of the provider, for group sessions


def _session(
    world: World,
    room: Classroom,
    day: dt.date,
    start: tuple[int, int],
    *,
    status: str = SessionStatus.LOGGED,
    delivery: str = "push_in",
    records: list[tuple[Student, str, int | None]],
    provider=None,
    **extra: object,
) -> DatedSession:
    begin = dt.time(*start)
    end = (dt.datetime.combine(day, begin) + dt.timedelta(minutes=30)).time()
    session = DatedSession.objects.create(
        provider=provider or world.provider,
        classroom=room,
        date=day,
        start=begin,
        end=end,
        delivery=delivery,
        status=status,
        **extra,
    )
    for student, attendance, minutes in records:
        SessionStudent.objects.create(
            session=session, student=student, attendance=attendance, minutes_delivered=minutes
        )
    return session


def known_record(world: World) -> KnownRecord:
    world.provider.contracted_minutes_per_week = CONTRACT_PER_WEEK
    world.provider.save(update_fields=["contracted_minutes_per_week"])
    birch = School.objects.create(district=world.district, name="Birch Elementary", code="birch")
    birch_room = Classroom.objects.create(school=birch, name="Room B1", code="b1", grade="2")
    a = world.student
    b = make_student(ref="S-0009", classroom=world.classroom, provider=world.provider)
    maple, cedar = world.classroom, world.other_classroom
    delivered, absent = Attendance.DELIVERED, Attendance.STUDENT_ABSENT
    mon, tue, wed = START, START + dt.timedelta(days=1), START + dt.timedelta(days=2)

    # Mon Nov 23: Maple -> Cedar -> Maple (15 + 15 minutes of travel).
    _session(world, maple, mon, (9, 0), status=SessionStatus.SIGNED, records=[(a, delivered, None)])
    _session(
        world, cedar, mon, (10, 0), delivery="pull_out",
        records=[(a, delivered, 25), (b, delivered, 30)],
    )  # fmt: skip
    _session(world, maple, mon, (13, 0), records=[(a, absent, None)])  # went, nobody seen
    # Tue Nov 24: a call-off, then Maple -> Birch (no travel time entered), an import.
    _session(world, maple, tue, (8, 0), records=[(a, absent, None)], cancel_reason="Field trip")
    _session(world, maple, tue, (10, 0), records=[(a, delivered, 20)])
    _session(world, birch_room, tue, (11, 0), records=[(b, delivered, None)])
    _session(
        world, maple, tue, (7, 0), status=SessionStatus.SIGNED, is_imported=True,
        records=[(a, delivered, 40)],
    )  # fmt: skip
    # Wed Nov 25: the provider was away: no visit, no travel.
    _session(world, cedar, wed, (9, 0), records=[(a, Attendance.PROVIDER_ABSENT, None)])
    # Mon Nov 30: a group in Maple. Tue Dec 1: nobody logged it.
    _session(
        world, maple, dt.date(2026, 11, 30), (9, 0),
        records=[(a, delivered, 30), (b, delivered, 30)],
    )  # fmt: skip
    _session(
        world, maple, dt.date(2026, 12, 1), (9, 0), status=SessionStatus.PLANNED,
        records=[(a, "", None)],
    )  # fmt: skip
    # Wed Dec 2 (today, noon): one this morning, one this afternoon (not started).
    _session(world, cedar, END, (9, 0), records=[(a, delivered, None)])
    _session(world, maple, END, (13, 0), status=SessionStatus.PLANNED, records=[(a, "", None)])
    # Out of the count: another provider's session, a session before the period.
    _session(
        world, cedar, mon, (11, 0), provider=world.other_provider,
        records=[(world.other_student, delivered, None)],
    )  # fmt: skip
    _session(world, maple, dt.date(2026, 11, 20), (9, 0), records=[(a, delivered, None)])

    for day, kind, minutes in [
        (mon, IndirectKind.DOCUMENTATION, 60),
        (dt.date(2026, 11, 30), IndirectKind.MEETINGS, 45),
        (END, IndirectKind.DOCUMENTATION, 30),
        (dt.date(2026, 11, 20), IndirectKind.EVALUATIONS, 90),  # before the period
    ]:
        IndirectTime.objects.create(provider=world.provider, date=day, kind=kind, minutes=minutes)
    IndirectTime.objects.create(
        provider=world.other_provider, date=mon, kind=IndirectKind.MEETINGS, minutes=120
    )
    return KnownRecord(birch_room=birch_room, second=b)


# Worked out by hand from the sessions above.
DIRECT_LINES = [
    # grouping, delivery, sessions, minutes
    ("Individual", "Push-in", 4, 30 + 20 + 30 + 30),
    ("Group", "Pull-out", 1, 30),  # the longest of 25 and 30: the provider's time once
    ("Group", "Push-in", 1, 30),
    ("Imported", "Push-in", 1, 40),
]
DIRECT = 110 + 30 + 30 + 40
TRAVEL = 15 + 15
INDIRECT = {"documentation": 90, "meetings": 45}
TOTAL = DIRECT + TRAVEL + 135
SCHOOL_DAYS = 8
CONTRACTED = CONTRACT_PER_WEEK * 8 // 5
STUDENT_MINUTES = 30 + 25 + 30 + 20 + 30 + 40 + 30 + 30 + 30

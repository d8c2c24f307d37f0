"""Ledgers kept across requests (ledger_cache.py, ledger_stamps.py) equal the ledgers
computed afresh, whatever writes come between: random sequences of writes through every
path the ORM has (save, delete, queryset update, bulk create and update, many-to-many
changes) and of district-wide changes (closures, makeup policy, records starts, a
provider's discipline), some of them rolled back. And the cache is used: after a write,
only the students whose rows changed are computed again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushin.caseload.models import IEP, MandateVersion, Service, Student
from pushin.district.models import Closure, MakeupPolicy, Provider
from pushin.lessons.models import ClassLesson, LessonCredit
from pushin.sessions import ledger, ledger_cache
from pushin.sessions.models import DatedSession, SessionStudent
from pushin.vocabulary import Delivery, Grouping, MissReason
from tests.factories import World, make_student
from tests.sessions.ledger_world import session_with

pytestmark = pytest.mark.django_db

MON = dt.date(2026, 11, 2)
TODAYS = (dt.date(2026, 11, 18), dt.date(2026, 12, 2))
ATTENDANCE = ["delivered", "", *MissReason.values]


class Rollback(Exception):
    pass


def day(offset: int) -> dt.date:
    return MON + dt.timedelta(days=offset)


def students(world: World) -> list[Student]:
    return list(Student.objects.filter(district=world.district).order_by("pk"))


def books(world: World, *, cached: bool) -> list[Any]:
    ids = [s.pk for s in students(world)]
    return [
        load.ledgers
        for today in TODAYS
        for through in (None, today)
        for load in [
            ledger.load_ledgers(
                district=world.district, students=ids, today=today, through=through, cached=cached
            )
        ]
    ]


def some_record(world: World, pick: int) -> SessionStudent | None:
    rows = list(SessionStudent.objects.filter(student__district=world.district).order_by("pk"))
    return rows[pick % len(rows)] if rows else None


# --- The writes ----------------------------------------------------------------------------


def log_session(world: World, pick: int, offset: int, attendance: str) -> None:
    people = students(world)
    chosen = [people[pick % len(people)]]
    if pick % 3 == 0:
        chosen.append(people[(pick + 1) % len(people)])
    session_with(
        provider=world.provider,
        students=chosen,
        date=day(offset),
        attendance=attendance,
        minutes=None if pick % 2 else 20,
        short_reason="left_early" if pick % 4 == 1 else "",
    )


def record_save(world: World, pick: int, offset: int, attendance: str) -> None:
    record = some_record(world, pick)
    if record is not None:
        record.attendance = attendance
        record.minutes_delivered = 10 + offset % 20 if attendance == "delivered" else None
        record.save()


def record_update(world: World, pick: int, offset: int, attendance: str) -> None:
    record = some_record(world, pick)
    if record is not None:
        SessionStudent.objects.filter(pk=record.pk).update(minutes_delivered=offset % 30)


def record_bulk_update(world: World, pick: int, offset: int, attendance: str) -> None:
    rows = list(SessionStudent.objects.filter(student__district=world.district))
    for row in rows:
        row.attendance = attendance
    SessionStudent.objects.bulk_update(rows, ["attendance"])


def record_bulk_create(world: World, pick: int, offset: int, attendance: str) -> None:
    session = DatedSession.objects.create(
        provider=world.provider,
        classroom=world.classroom,
        date=day(offset),
        start=dt.time(13),
        end=dt.time(13, 45),
    )
    SessionStudent.objects.bulk_create(
        [SessionStudent(session=session, student=s, attendance=attendance) for s in students(world)]
    )


def record_delete(world: World, pick: int, offset: int, attendance: str) -> None:
    record = some_record(world, pick)
    if record is not None:
        session = record.session
        if pick % 2:
            record.delete()
        else:
            SessionStudent.objects.filter(pk=record.pk).delete()
        if not session.members.exists():
            session.delete()


def makeup_link(world: World, pick: int, offset: int, attendance: str) -> None:
    record = some_record(world, pick)
    other = some_record(world, pick + 1)
    if record and other and record.pk != other.pk and record.student_id == other.student_id:
        other.makeup_for = record
        other.save()


def session_move(world: World, pick: int, offset: int, attendance: str) -> None:
    record = some_record(world, pick)
    if record is not None:
        session = record.session
        session.date = day(offset)
        session.save()


def session_update(world: World, pick: int, offset: int, attendance: str) -> None:
    DatedSession.objects.filter(provider__district=world.district, start=dt.time(9)).update(
        end=dt.time(9, 15)
    )


def mandate_amend(world: World, pick: int, offset: int, attendance: str) -> None:
    service = Service.objects.filter(iep__student=students(world)[pick % 3]).first()
    if service is not None:
        MandateVersion.objects.create(
            service=service,
            effective_from=day(offset),
            minutes=30 + 15 * (pick % 4),
            session_minutes=15,
            delivery=Delivery.PUSH_IN,
            grouping=Grouping.GROUP_OK,
        )


def mandate_update(world: World, pick: int, offset: int, attendance: str) -> None:
    MandateVersion.objects.filter(service__iep__student=students(world)[pick % 3]).update(
        minutes=45 + pick % 30
    )


def iep_move(world: World, pick: int, offset: int, attendance: str) -> None:
    iep = IEP.objects.filter(student=students(world)[pick % 3]).first()
    if iep is not None:
        iep.start = day(offset - 20)
        iep.save()


def service_delete(world: World, pick: int, offset: int, attendance: str) -> None:
    service = Service.objects.filter(iep__student=students(world)[pick % 3]).first()
    if service is not None and pick % 5 == 0:
        service.delete()


def closure_add(world: World, pick: int, offset: int, attendance: str) -> None:
    Closure.objects.create(
        district=world.district, name="Snow day", start=day(offset), end=day(offset)
    )


def policy_flip(world: World, pick: int, offset: int, attendance: str) -> None:
    reason = MissReason.values[pick % len(MissReason.values)]
    policy = MakeupPolicy.objects.filter(district=world.district, reason=reason).first()
    owed = not (policy.owed if policy else reason in world.district.owed_reasons())
    MakeupPolicy.objects.update_or_create(
        district=world.district, reason=reason, defaults={"owed": owed}
    )


def records_start_move(world: World, pick: int, offset: int, attendance: str) -> None:
    if pick % 2:
        world.district.records_start = day(offset)
        world.district.save()
    else:
        Provider.objects.filter(pk=world.provider.pk).update(records_start=day(offset))


def caseload_change(world: World, pick: int, offset: int, attendance: str) -> None:
    student = students(world)[pick % 3]
    if pick % 2:
        student.providers.remove(world.provider)
    else:
        world.provider.students.add(student)


def lesson_mark(world: World, pick: int, offset: int, attendance: str) -> None:
    record = some_record(world, pick)
    if record is not None and pick % 2:
        ClassLesson.objects.get_or_create(
            session=record.session, defaults={"classroom": world.classroom, "topic": "handwriting"}
        )
    elif record is not None:
        ClassLesson.objects.filter(session=record.session).delete()


def lesson_credit_flip(world: World, pick: int, offset: int, attendance: str) -> None:
    service = Service.objects.filter(iep__student=students(world)[pick % 3]).first()
    if service is not None and pick % 2:
        LessonCredit.objects.update_or_create(service=service, defaults={"counts": pick % 4 == 1})
    else:
        LessonCredit.objects.filter(service=service).update(counts=pick % 3 == 0)


def discipline_change(world: World, pick: int, offset: int, attendance: str) -> None:
    Provider.objects.filter(pk=world.provider.pk).update(discipline="PT" if pick % 2 else "OT")


WRITES: list[Callable[[World, int, int, str], None]] = [
    log_session,
    record_save,
    record_update,
    record_bulk_update,
    record_bulk_create,
    record_delete,
    makeup_link,
    session_move,
    session_update,
    mandate_amend,
    mandate_update,
    iep_move,
    service_delete,
    closure_add,
    policy_flip,
    records_start_move,
    caseload_change,
    lesson_mark,
    lesson_credit_flip,
    discipline_change,
]

steps = st.lists(
    st.tuples(
        st.sampled_from(WRITES),
        st.integers(0, 50),
        st.integers(0, 40),
        st.sampled_from(ATTENDANCE),
        st.booleans(),  # rolled back
    ),
    min_size=1,
    max_size=8,
)


@pytest.fixture
def three(world: World) -> World:
    make_student(ref="S-CACHE", classroom=world.classroom, provider=world.provider)
    log_session(world, 0, 1, "delivered")
    return world


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=steps)
def test_kept_ledgers_equal_ledgers_computed_afresh(three: World, steps: list[Any]) -> None:
    try:
        with transaction.atomic():
            for write, pick, offset, attendance, rolled_back in steps:
                books(three, cached=True)  # what a page before the write keeps
                try:
                    with transaction.atomic():
                        write(three, pick, offset, attendance)
                        three.district.refresh_from_db()
                        kept = books(three, cached=True)
                        assert kept == books(three, cached=False), write.__name__
                        if rolled_back:
                            raise Rollback
                except Rollback:
                    pass
                three.district.refresh_from_db()
                assert books(three, cached=True) == books(three, cached=False), write.__name__
            raise Rollback
    except Rollback:
        pass


def test_after_a_write_only_that_students_ledger_is_computed_again(
    three: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    computed: list[list[int]] = []
    real = ledger._record_rows

    def spy(student_ids: Any) -> Any:
        computed.append(sorted(student_ids))
        return real(student_ids)

    monkeypatch.setattr(ledger, "_record_rows", spy)
    everyone = [s.pk for s in students(three)]
    ledger.load_ledgers(district=three.district, students=everyone, today=TODAYS[1])
    ledger.load_ledgers(district=three.district, students=everyone, today=TODAYS[1])
    assert computed == [everyone]  # the second page computed nothing

    record = SessionStudent.objects.filter(student=three.student).first()
    assert record is not None
    record.attendance = MissReason.STUDENT_ABSENT
    record.save()
    ledger.load_ledgers(district=three.district, students=everyone, today=TODAYS[1])
    assert computed[-1] == [three.student.pk]


def test_a_student_without_a_stamp_is_computed_every_time(
    three: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pushin.sessions.models import LedgerStamp

    LedgerStamp.objects.filter(student=three.student).delete()
    computed: list[list[int]] = []
    real = ledger._record_rows

    def spy(student_ids: Any) -> Any:
        computed.append(sorted(student_ids))
        return real(student_ids)

    monkeypatch.setattr(ledger, "_record_rows", spy)
    for _ in range(2):
        ledger.load_ledgers(district=three.district, students=[three.student.pk], today=TODAYS[1])
    assert computed == [[three.student.pk], [three.student.pk]]
    assert ledger_cache.size() > 0


def test_a_providers_new_discipline_reaches_students_no_longer_on_their_caseload(
    three: World,
) -> None:
    # The records of a provider who left the student's caseload still count for the
    # service line of the provider's discipline: a change of discipline moves them.
    three.student.providers.remove(three.provider)
    assert books(three, cached=True) == books(three, cached=False)
    Provider.objects.filter(pk=three.provider.pk).update(discipline="PT")
    assert books(three, cached=True) == books(three, cached=False)

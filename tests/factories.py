"""Small synthetic worlds for tests: every name here is made up."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from pushin.accounts.models import Role, User
from pushin.caseload.models import IEP, Goal, MandateVersion, Method, Service, Student
from pushin.district.models import ActivityBlock, Classroom, District, Provider, School, TravelTime
from pushin.vocabulary import Activity, Delivery, Domain, Grouping, Weekday

PASSWORD = "correct-horse-battery-staple"


@functools.cache
def _password_hash() -> str:
    # Argon2 is slow on purpose; hashing once keeps worlds cheap while staying real argon2.
    return make_password(PASSWORD)


def make_user(username: str, role: Role, district: District | None = None, **extra: object) -> User:
    user = User.objects.create(
        username=username,
        password=_password_hash(),
        role=role,
        district=district,
        first_name=username.title(),
        last_name="Tester",
        email=f"{username}@example.org",
        **extra,
    )
    return user


def make_provider(username: str, district: District, discipline: str = "OT") -> Provider:
    user = make_user(username, Role.PROVIDER, district)
    return Provider.objects.create(user=user, district=district, discipline=discipline)


def make_student(
    *,
    ref: str,
    classroom: Classroom,
    provider: Provider | None,
    minutes: int = 60,
    session_minutes: int = 30,
    domain: str = Domain.HANDWRITING,
    first_name: str = "Sam",
    last_name: str = "Sample",
) -> Student:
    district = classroom.school.district
    student = Student.objects.create(
        district=district,
        ref=ref,
        first_name=first_name,
        last_name=last_name,
        grade=classroom.grade,
        classroom=classroom,
    )
    if provider is not None:
        student.providers.add(provider)
    iep = IEP.objects.create(
        student=student,
        start=district.school_year_start,
        end=district.school_year_end,
        annual_review=district.school_year_end,
    )
    service = Service.objects.create(iep=iep, discipline="OT")
    MandateVersion.objects.create(
        service=service,
        effective_from=district.school_year_start,
        minutes=minutes,
        session_minutes=session_minutes,
        delivery=Delivery.PUSH_IN,
        grouping=Grouping.GROUP_OK,
    )
    Goal.objects.create(
        iep=iep,
        domain=domain,
        text="Writes a sentence with letters on the line.",
        method=Method.PERCENT_TRIALS,
        baseline="40% of letters on the line",
        target="80% of letters on the line",
        mastery_criterion="in 3 consecutive sessions",
    )
    return student


@dataclass
class World:
    """One district with every persona the permission tests need."""

    district: District
    school: School
    other_school: School
    classroom: Classroom
    other_classroom: Classroom
    provider: Provider  # serves `student`
    other_provider: Provider  # serves `other_student` only
    teacher: User  # teaches `classroom`
    other_teacher: User  # teaches `other_classroom`
    para: User  # supports `student`
    admin: User
    student: Student
    other_student: Student


def make_world() -> World:
    district = District.objects.create(
        name="Testville Unified",
        school_year_start=dt.date(2026, 8, 31),
        school_year_end=dt.date(2027, 6, 18),
    )
    school = School.objects.create(district=district, name="Maple Elementary", code="maple")
    other_school = School.objects.create(district=district, name="Cedar Elementary", code="cedar")
    TravelTime.objects.create(from_school=school, to_school=other_school, minutes=15)
    teacher = make_user("teacher", Role.TEACHER, district)
    other_teacher = make_user("otherteacher", Role.TEACHER, district)
    classroom = Classroom.objects.create(
        school=school, name="Room 2A", code="2a", grade="2", teacher=teacher
    )
    other_classroom = Classroom.objects.create(
        school=other_school, name="Room K1", code="k1", grade="K", teacher=other_teacher
    )
    for room in (classroom, other_classroom):
        ActivityBlock.objects.create(
            classroom=room,
            day=Weekday.MON,
            start=dt.time(9),
            end=dt.time(9, 45),
            activity=Activity.WRITING,
        )
        ActivityBlock.objects.create(
            classroom=room,
            day=Weekday.THU,
            start=dt.time(10),
            end=dt.time(10, 45),
            activity=Activity.CENTERS,
        )
    provider = make_provider("provider", district)
    other_provider = make_provider("otherprovider", district)
    para = make_user("para", Role.PARA, district)
    admin = make_user("admin", Role.ADMIN, district)
    student = make_student(ref="S-0001", classroom=classroom, provider=provider, first_name="Avery")
    student.paras.add(para)
    other_student = make_student(
        ref="S-0002", classroom=other_classroom, provider=other_provider, first_name="Blake"
    )
    return World(
        district=district,
        school=school,
        other_school=other_school,
        classroom=classroom,
        other_classroom=other_classroom,
        provider=provider,
        other_provider=other_provider,
        teacher=teacher,
        other_teacher=other_teacher,
        para=para,
        admin=admin,
        student=student,
        other_student=other_student,
    )

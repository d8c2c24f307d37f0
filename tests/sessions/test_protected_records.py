"""Clinical records are never lost by a cascade (issue 13): deleting the rows they hang from
(a provider's user, a provider, a student, a goal, a classroom, a session, a record)
raises ProtectedError and deletes nothing. No Django admin is involved: these are the
ORM deletes any code, shell or management command would make."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.db import transaction
from django.db.models import Model, ProtectedError

from pushin.accounts.models import User
from pushin.caseload.models import Goal, Student
from pushin.collaboration.models import FollowUp
from pushin.district.models import Classroom, District, ProgressPeriod, Provider
from pushin.progress.models import ProgressReport, ReportGoal, ReportStatus
from pushin.sessions.models import Amendment, DataKind, DataPoint, DatedSession, SessionStudent
from tests.factories import World, make_world
from tests.sessions.factories import dated_session, first_goal

pytestmark = pytest.mark.django_db

CLINICAL: tuple[type[Model], ...] = (
    DatedSession,
    SessionStudent,
    DataPoint,
    Amendment,
    FollowUp,
    ProgressReport,
    ReportGoal,
)


def _counts() -> dict[str, int]:
    models: tuple[type[Model], ...] = (
        *CLINICAL,
        User,
        Provider,
        Student,
        Goal,
        Classroom,
        District,
    )
    return {m.__name__: m._default_manager.count() for m in models}


@pytest.fixture
def world() -> World:
    world = make_world()
    session = dated_session(world)
    record = SessionStudent.objects.get(session=session, student=world.student)
    goal = first_goal(world.student)
    assert goal is not None
    DataPoint.objects.create(record=record, goal=goal, kind=DataKind.TRIAL, correct=True)
    Amendment.objects.create(
        record=record, field="note", old_value="", new_value="Typo fixed", reason="typo"
    )
    FollowUp.objects.create(
        session=session,
        author=world.provider.user,
        teacher=world.teacher,
        subject="Monday",
        body="The slant board helped.",
    )
    period = ProgressPeriod.objects.create(
        district=world.district,
        name="Q2",
        start=dt.date(2026, 11, 2),
        end=dt.date(2027, 1, 22),
    )
    report = ProgressReport.objects.create(
        student=world.student,
        period=period,
        family="OT",
        status=ReportStatus.SIGNED,
        signed_at=dt.datetime(2026, 12, 1, 15, tzinfo=dt.UTC),
        through=dt.date(2026, 12, 1),
        snapshot={"goals": []},
    )
    ReportGoal.objects.create(report=report, goal=goal)
    return world


def _deletions(world: World) -> dict[str, Callable[[], object]]:
    session = DatedSession.objects.get(provider=world.provider, followups__isnull=False)
    return {
        "provider's user": lambda: world.provider.user.delete(),
        "provider": lambda: world.provider.delete(),
        "student": lambda: world.student.delete(),
        "students by queryset": lambda: Student.objects.filter(pk=world.student.pk).delete(),
        "the student's IEPs": lambda: world.student.ieps.all().delete(),
        "goal": lambda: Goal.objects.filter(iep__student=world.student).delete(),
        "classroom": lambda: world.classroom.delete(),
        "school": lambda: world.school.delete(),
        "district": lambda: world.district.delete(),
        "session": lambda: session.delete(),
        "session record": lambda: SessionStudent.objects.filter(session=session).delete(),
    }


@pytest.mark.parametrize(
    "what",
    [
        "provider's user",
        "provider",
        "student",
        "students by queryset",
        "the student's IEPs",
        "goal",
        "classroom",
        "school",
        "district",
        "session",
        "session record",
    ],
)
def test_a_delete_that_would_cascade_to_clinical_records_is_refused(
    world: World, what: str
) -> None:
    before = _counts()
    assert all(before[m.__name__] > 0 for m in CLINICAL), before
    with pytest.raises(ProtectedError), transaction.atomic():
        _deletions(world)[what]()
    assert _counts() == before


def test_a_provider_without_sessions_can_still_be_removed(world: World) -> None:
    """PROTECT refuses only what would take records with it."""
    user = world.other_provider.user
    assert not DatedSession.objects.filter(provider=world.other_provider).exists()
    user.delete()
    assert not Provider.objects.filter(pk=world.other_provider.pk).exists()
    assert DatedSession.objects.filter(provider=world.provider).exists()


def test_every_foreign_key_to_a_clinical_record_protects_it() -> None:
    """A future model or field cannot quietly bring a cascade back: every relation whose
    deletion would reach a clinical row protects it (CASCADE only inside a record, from a
    report to its goal lines and from a follow-up to its replies)."""
    allowed_cascades = {("ReportGoal", "report"), ("FollowUpReply", "followup")}
    protected_owners: tuple[type[Model], ...] = (*CLINICAL, Goal)
    for model in CLINICAL:
        for field in model._meta.get_fields():
            if not field.many_to_one and not field.one_to_one:
                continue
            if not field.concrete:
                continue
            rule = field.remote_field.on_delete.__name__  # type: ignore[union-attr]
            if (model.__name__, field.name) in allowed_cascades:
                continue
            if rule == "CASCADE":
                raise AssertionError(f"{model.__name__}.{field.name} cascades")
    for owner in protected_owners:
        for rel in owner._meta.related_objects:
            related = rel.related_model
            if isinstance(related, str) or related not in CLINICAL:
                continue
            key = (related.__name__, rel.field.name)
            if key in allowed_cascades:
                continue
            rule = rel.on_delete.__name__
            assert rule in {"PROTECT", "RESTRICT", "SET_NULL"}, (key, rule)

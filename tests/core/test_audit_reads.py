"""Pages that show students write one READ entry per student shown (ids only, in one
insert), with the reader as actor; the calendar feed, read without a sign-in, with the
provider whose feed it is. Entries keep the actor's username when the account is deleted.
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.accounts.audit import audit_reads, audit_record
from pushin.accounts.models import AuditAction, AuditEntry, User
from pushin.caseload.models import Student
from pushin.ids import encode_id
from tests.caseload.personas import HTMX
from tests.core.rich_world import RichWorld
from tests.factories import World, make_student
from tests.signing_in import force_login

pytestmark = pytest.mark.django_db


def reads(**filters: Any) -> list[tuple[int | None, str, str, int | None]]:
    """(student, object_type, page, actor) of the READ entries, in student order."""
    rows = AuditEntry.objects.filter(action=AuditAction.READ, **filters).order_by(
        "student_id", "pk"
    )
    return [(e.student_id, e.object_type, e.detail.get("page"), e.actor_id) for e in rows]


def get(client: Client, user: User, url: str, **headers: Any) -> Any:
    force_login(client, user)
    AuditEntry.objects.all().delete()
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return response


# --- The caseload list ---------------------------------------------------------------------


def test_the_caseload_list_writes_an_entry_per_student_shown(world: World, client: Client) -> None:
    admin = world.admin
    get(client, admin, reverse("caseload:list"))
    assert reads() == [
        (world.student.pk, "caseload.student", "caseload", admin.pk),
        (world.other_student.pk, "caseload.student", "caseload", admin.pk),
    ]
    get(client, admin, reverse("caseload:list") + f"?school={encode_id(world.school.pk)}")
    assert reads() == [(world.student.pk, "caseload.student", "caseload", admin.pk)]


def test_the_caseload_list_audits_in_a_constant_number_of_queries(
    world: World, client: Client
) -> None:
    provider = world.provider

    def queries() -> int:
        force_login(client, provider.user)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("caseload:list")).status_code == 200
        return len(captured)

    queries()  # the first request after signing in also settles the session
    few = queries()
    for n in range(40):
        make_student(ref=f"S-1{n:03}", classroom=world.classroom, provider=provider)
    AuditEntry.objects.all().delete()
    assert queries() == few
    assert AuditEntry.objects.filter(action=AuditAction.READ).count() == 41


# --- Compliance ----------------------------------------------------------------------------


def test_compliance_pages_write_an_entry_per_student_named(world: World, client: Client) -> None:
    admin = world.admin
    get(client, admin, reverse("minutes:district"))
    # The district's page shows totals only: one entry, for the district's figures.
    assert reads() == [(None, "district.district", "compliance_district", admin.pk)]
    get(client, admin, reverse("minutes:school", args=[world.other_school.pk]))
    assert reads() == [
        (world.other_student.pk, "caseload.student", "compliance_school", admin.pk),
    ]
    provider = world.provider.user
    get(client, provider, reverse("minutes:provider", args=[world.provider.pk]))
    assert reads() == [(world.student.pk, "caseload.student", "compliance_provider", provider.pk)]


# --- Makeups, strategies, the teacher portal, the mandate form -----------------------------


def test_the_makeups_page_writes_an_entry_per_student_owed(rich: RichWorld, client: Client) -> None:
    user = rich.provider.user
    get(client, user, reverse("minutes:makeups", args=[rich.provider.pk]))
    assert reads() == [(rich.world.student.pk, "caseload.student", "makeups", user.pk)]


def test_the_makeup_run_page_names_the_run_and_each_student(
    rich: RichWorld, client: Client
) -> None:
    user = rich.provider.user
    url = reverse("minutes:makeup_run", args=[rich.provider.pk, rich.makeup_run.pk])
    get(client, user, url)
    assert reads() == [(rich.world.student.pk, "therapy_sessions.makeuprun", "makeup_run", user.pk)]
    assert AuditEntry.objects.get().object_id == str(rich.makeup_run.pk)


def test_the_strategies_partial_writes_an_entry_for_the_student(
    world: World, client: Client
) -> None:
    user = world.provider.user
    url = reverse("collaboration:student_strategies", args=[world.student.pk])
    get(client, user, url, **HTMX)
    assert reads() == [
        (world.student.pk, "collaboration.studentstrategy", "strategies", user.pk),
    ]


def test_the_teacher_portal_writes_an_entry_for_a_student_with_no_strategy_card(
    world: World, client: Client
) -> None:
    teacher = world.other_teacher
    get(client, teacher, reverse("collaboration:portal", args=[world.other_classroom.pk]))
    assert reads() == [
        (world.other_student.pk, "caseload.student", "teacher_portal", teacher.pk),
    ]


def test_the_mandate_form_writes_an_entry_for_the_student(world: World, client: Client) -> None:
    user = world.provider.user
    service = world.student.ieps.get().services.get()
    get(client, user, reverse("caseload:mandate_amend", args=[world.student.pk, service.pk]))
    assert reads() == [(world.student.pk, "caseload.service", "mandate_amend", user.pk)]


# --- Plans, the schedule and the calendar feed ---------------------------------------------


def test_the_plan_run_page_names_the_run_and_each_student(rich: RichWorld, client: Client) -> None:
    user = rich.provider.user
    get(client, user, reverse("planning:run", args=[rich.run.pk]))
    assert reads() == [(rich.world.student.pk, "planning.planrun", "plan_run", user.pk)]
    assert AuditEntry.objects.get().object_id == str(rich.run.pk)


def test_the_schedule_page_names_the_schedule_and_each_student(
    rich: RichWorld, client: Client
) -> None:
    admin = rich.world.admin
    get(client, admin, reverse("planning:schedule", args=[rich.provider.pk]))
    assert reads() == [(rich.world.student.pk, "planning.standingschedule", "schedule", admin.pk)]
    assert AuditEntry.objects.get().object_id == str(rich.schedule.pk)


def test_the_session_move_form_writes_an_entry_per_student(rich: RichWorld, client: Client) -> None:
    user = rich.provider.user
    get(client, user, reverse("planning:session_move", args=[rich.weekly.pk]))
    assert reads() == [
        (rich.world.student.pk, "planning.scheduledsession", "session_move", user.pk),
    ]


def test_the_calendar_feed_is_audited_with_the_provider_as_actor(
    rich: RichWorld, client: Client
) -> None:
    AuditEntry.objects.all().delete()
    url = reverse("planning:calendar_feed", args=[rich.provider.calendar_token])
    response = client.get(url)  # nobody signed in: the address is the key
    assert response.status_code == 200
    provider = rich.provider.user
    assert reads() == [(rich.world.student.pk, "caseload.student", "calendar_feed", provider.pk)]
    entry = AuditEntry.objects.get()
    assert entry.actor_username == provider.username
    assert entry.district_id == rich.world.district.pk


# --- Who, after the account is gone --------------------------------------------------------


def test_an_entry_keeps_the_username_when_the_account_is_deleted(world: World) -> None:
    teacher = world.teacher
    one = audit_record(
        actor=teacher, action=AuditAction.READ, obj=world.student, student_id=world.student.pk
    )
    audit_reads(actor=teacher, student_ids=[world.student.pk], page="caseload")  # in bulk
    teacher.delete()
    entries = list(AuditEntry.objects.order_by("pk"))
    assert entries[0].pk == one.pk
    assert [(e.actor_id, e.actor_username) for e in entries] == [(None, "teacher")] * 2
    assert all(e.district_id == world.district.pk for e in entries)
    assert "teacher" in str(entries[0])


def test_an_entry_without_a_district_bound_actor_takes_the_students_district(
    world: World,
) -> None:
    audit_record(
        actor=None, action=AuditAction.UPDATE, obj=world.student, student_id=world.student.pk
    )
    entry = AuditEntry.objects.get()
    assert (entry.actor_username, entry.district_id) == ("", world.district.pk)


def test_the_data_migration_fills_the_username_and_district_of_existing_entries(
    world: World,
) -> None:
    migration = importlib.import_module("pushin.accounts.migrations.0004_audit_fill_actor_username")
    by_teacher = audit_record(actor=world.teacher, action=AuditAction.READ, obj=world.student)
    by_nobody = audit_record(
        actor=None, action=AuditAction.UPDATE, obj=world.student, student_id=world.student.pk
    )
    AuditEntry.objects.update(actor_username="", district_id=None)  # as before the field
    migration.fill_actor_username(apps, None)
    teacher_entry = AuditEntry.objects.get(pk=by_teacher.pk)
    assert (teacher_entry.actor_username, teacher_entry.district_id) == (
        "teacher",
        world.district.pk,
    )
    nobody_entry = AuditEntry.objects.get(pk=by_nobody.pk)
    assert (nobody_entry.actor_username, nobody_entry.district_id) == ("", world.district.pk)


def test_students_shown_are_counted_once_per_page_read(world: World) -> None:
    student = Student.objects.get(pk=world.student.pk)
    written = audit_reads(actor=world.admin, student_ids=[student.pk, student.pk], page="caseload")
    assert written == 1
    assert AuditEntry.objects.count() == 1

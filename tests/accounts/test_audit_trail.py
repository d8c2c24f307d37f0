"""The audit trail for the district administrator: who may see it, its filters, pages,
CSV export, the retention setting and `audit_prune` (the only thing that deletes)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.audit import audit_reads, audit_record
from pushin.accounts.audit_trail import PAGE_SIZE, audit_prune, retention_cutoff
from pushin.accounts.models import AuditAction, AuditEntry, AuditRetention, Role, User
from pushin.district.models import Classroom, District, School
from tests.caseload.personas import PERSONAS, persona_user
from tests.conftest import NOW, TODAY
from tests.factories import World, make_student, make_user
from tests.signing_in import force_login

pytestmark = pytest.mark.django_db

TRAIL = "/audit/"


def sign_in(client: Client, user: User) -> Client:
    force_login(client, user)
    return client


def other_district() -> tuple[District, User]:
    """A second district with its administrator, a student and an entry about them."""
    district = District.objects.create(
        name="Elsewhere Unified",
        school_year_start=dt.date(2026, 8, 31),
        school_year_end=dt.date(2027, 6, 18),
    )
    school = School.objects.create(district=district, name="Oak Elementary", code="oak")
    room = Classroom.objects.create(school=school, name="Room 9", code="9", grade="3")
    student = make_student(ref="E-0001", classroom=room, provider=None, first_name="Casey")
    admin = make_user("otheradmin", Role.ADMIN, district)
    audit_record(actor=admin, action=AuditAction.READ, obj=student, student_id=student.pk)
    return district, admin


def rows_of(response: Any) -> list[str]:
    return [row.split("</td>")[0] for row in response.content.decode().split("<tr>")[2:]]


# --- Who may see it ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_the_district_administrator_sees_the_trail(
    world: World, client: Client, persona: str
) -> None:
    user = persona_user(world, persona)
    if user is not None:
        sign_in(client, user)
    wanted = 200 if persona == "admin" else 404
    assert client.get(TRAIL).status_code == wanted
    assert client.get(reverse("audit:export")).status_code == wanted
    assert client.post(reverse("audit:retention"), {"years": 3}).status_code in (
        (302,) if persona == "admin" else (404,)
    )
    if persona != "admin":
        assert not AuditRetention.objects.exists()


def test_another_districts_administrator_sees_only_their_own_trail(
    world: World, client: Client
) -> None:
    _, other_admin = other_district()
    audit_record(
        actor=world.provider.user,
        action=AuditAction.READ,
        obj=world.student,
        student_id=world.student.pk,
    )
    html = sign_in(client, other_admin).get(TRAIL).content.decode()
    assert "E-0001" in html
    assert "Casey Sample" in html
    assert "S-0001" not in html
    assert "Avery Sample" not in html
    html = sign_in(client, world.admin).get(TRAIL).content.decode()
    assert "S-0001" in html
    assert "Avery Sample" in html
    assert "E-0001" not in html


def test_the_district_pages_link_to_the_trail(world: World, client: Client) -> None:
    sign_in(client, world.admin)
    for page in ("district:dashboard", "district:settings"):
        assert f'href="{TRAIL}"' in client.get(reverse(page)).content.decode(), page


# --- What it lists ------------------------------------------------------------------------


def test_the_trail_filters_by_student_user_and_dates(world: World, client: Client) -> None:
    provider, teacher = world.provider.user, world.teacher
    old = audit_record(
        actor=provider, action=AuditAction.READ, obj=world.student, student_id=world.student.pk
    )
    AuditEntry.objects.filter(pk=old.pk).update(at=NOW - dt.timedelta(days=10))
    audit_record(
        actor=teacher,
        action=AuditAction.READ,
        obj=world.other_student,
        student_id=world.other_student.pk,
    )
    sign_in(client, world.admin)

    def shown(query: str) -> set[tuple[str, str]]:
        AuditEntry.objects.filter(actor=world.admin).delete()
        response = client.get(TRAIL + query)
        assert response.status_code == 200
        entries = AuditEntry.objects.filter(actor=world.admin, student_id__isnull=False)
        return {(row.student.ref, row.entry.actor_username) for row in response.context["rows"]} | {
            ("viewer-entry", str(e.student_id)) for e in entries
        }

    assert shown("") == {("S-0001", "provider"), ("S-0002", "teacher")}
    assert shown("?student=S-0002") == {
        ("S-0002", "teacher"),
        ("viewer-entry", str(world.other_student.pk)),  # the trail names who was looked up
    }
    assert shown("?user=provider") == {("S-0001", "provider")}
    day = (TODAY - dt.timedelta(days=10)).isoformat()
    assert shown(f"?start={day}&end={day}") == {("S-0001", "provider")}
    assert shown(f"?start={TODAY.isoformat()}") == {("S-0002", "teacher")}


def test_bad_filters_get_a_clear_message(world: World, client: Client) -> None:
    sign_in(client, world.admin)
    response = client.get(TRAIL + "?student=S-9999")
    assert response.status_code == 400
    assert "No student numbered “S-9999” in the district." in response.content.decode()
    response = client.get(TRAIL + "?start=2026-12-02&end=2026-12-01")
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()
    response = client.get(TRAIL + "?start=not-a-date")
    assert response.status_code == 400
    assert "Enter a valid date." in response.content.decode()


def test_a_deleted_users_entries_stay_under_their_username(world: World, client: Client) -> None:
    para = world.para
    audit_reads(actor=para, student_ids=[world.student.pk], page="carryover")
    para.delete()
    response = sign_in(client, world.admin).get(TRAIL + "?user=para")
    (row,) = response.context["rows"]
    assert (row.entry.actor_id, row.entry.actor_username, row.who) == (None, "para", "para")
    assert "account deleted" in response.content.decode()


def test_the_trail_is_paged_in_a_constant_number_of_queries(world: World, client: Client) -> None:
    sign_in(client, world.admin)

    def queries(query: str = "") -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(TRAIL + query).status_code == 200
        return len(captured)

    audit_reads(actor=world.teacher, student_ids=[world.student.pk], page="caseload")
    queries()  # the first request after signing in also settles the session
    few = queries()
    for _ in range(PAGE_SIZE + 5):
        audit_reads(
            actor=world.teacher,
            student_ids=[world.student.pk, world.other_student.pk],
            page="caseload",
        )
    assert queries() == few
    response = client.get(TRAIL + "?user=teacher&page=3")  # 111 entries, 50 a page
    assert response.context["page"].number == 3
    assert len(response.context["rows"]) == 1 + 2 * (PAGE_SIZE + 5) - 2 * PAGE_SIZE
    assert "?user=teacher&amp;page=2" in response.content.decode()


def test_each_view_of_the_trail_is_an_entry_with_its_filters(world: World, client: Client) -> None:
    sign_in(client, world.admin).get(TRAIL + "?student=S-0001&user=provider&start=2026-11-01")
    entry = AuditEntry.objects.get(actor=world.admin)
    assert entry.action == AuditAction.READ
    assert entry.student_id == world.student.pk
    assert entry.detail == {
        "page": "audit_trail",
        "student": world.student.pk,
        "user": "provider",
        "from": "2026-11-01",
        "page_number": 1,
    }


def test_reading_the_trail_never_deletes(world: World, client: Client) -> None:
    AuditRetention.objects.create(district=world.district, years=1)
    ancient = audit_record(actor=world.teacher, action=AuditAction.READ, obj=world.student)
    AuditEntry.objects.filter(pk=ancient.pk).update(at=NOW - dt.timedelta(days=3650))
    sign_in(client, world.admin)
    client.get(TRAIL)
    client.get(reverse("audit:export")).getvalue()
    assert AuditEntry.objects.filter(pk=ancient.pk).exists()


# --- The CSV export ------------------------------------------------------------------------


def test_the_export_is_streamed_audited_and_formula_escaped(world: World, client: Client) -> None:
    world.student.first_name = "=HYPERLINK(1)"
    world.student.save(update_fields=["first_name"])
    sneaky = make_user("@sum", Role.TEACHER, world.district)
    audit_record(
        actor=sneaky, action=AuditAction.READ, obj=world.student, student_id=world.student.pk
    )
    audit_record(
        actor=world.provider.user,
        action=AuditAction.READ,
        obj=world.other_student,
        student_id=world.other_student.pk,
    )
    response = sign_in(client, world.admin).get(reverse("audit:export") + "?user=@sum")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="audit-trail-20261202.csv"'
    rows = list(csv.DictReader(io.StringIO(response.getvalue().decode())))
    assert len(rows) == 1
    (row,) = rows
    assert row["username"] == "'@sum"
    assert row["student_number"] == "S-0001"
    assert row["student_name"] == "'=HYPERLINK(1) Sample"
    assert row["action"] == "Read"
    assert row["record_type"] == "caseload.student"
    export = AuditEntry.objects.get(actor=world.admin)
    assert export.action == AuditAction.EXPORT
    assert export.detail == {"page": "audit_trail", "user": "@sum", "export": "audit_trail"}


def test_an_export_with_bad_filters_says_why(world: World, client: Client) -> None:
    response = sign_in(client, world.admin).get(reverse("audit:export") + "?student=nope")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]  # type: ignore[attr-defined]
    assert messages == ["Not exported: No student numbered “nope” in the district."]
    assert not AuditEntry.objects.filter(actor=world.admin).exists()


# --- Retention and pruning -----------------------------------------------------------------


def test_the_administrator_sets_the_retention_and_it_is_audited(
    world: World, client: Client
) -> None:
    sign_in(client, world.admin)
    assert 'value="7"' in client.get(TRAIL).content.decode()
    response = client.post(reverse("audit:retention"), {"years": "3"}, follow=True)
    assert "The audit trail is kept for 3 years." in response.content.decode()
    assert AuditRetention.objects.get(district=world.district).years == 3
    entry = AuditEntry.objects.get(action=AuditAction.UPDATE)
    assert entry.detail == {"retention_years": 3, "was": 7}
    response = client.post(reverse("audit:retention"), {"years": "0"}, follow=True)
    assert "Retention not saved: Ensure this value is greater than or equal to 1." in (
        response.content.decode()
    )
    assert AuditRetention.objects.get(district=world.district).years == 3


def test_retention_counts_whole_years_back_from_today() -> None:
    assert retention_cutoff(years=7, today=dt.date(2026, 12, 2)) == timezone.make_aware(
        dt.datetime(2019, 12, 2)
    )
    assert retention_cutoff(years=1, today=dt.date(2028, 2, 29)) == timezone.make_aware(
        dt.datetime(2027, 2, 28)
    )


def test_audit_prune_deletes_what_is_past_each_districts_retention(world: World) -> None:
    elsewhere, other_admin = other_district()
    AuditRetention.objects.create(district=world.district, years=2)

    def entry(actor: User | None, days_ago: int) -> AuditEntry:
        made = audit_record(actor=actor, action=AuditAction.READ, obj=world.student)
        AuditEntry.objects.filter(pk=made.pk).update(at=NOW - dt.timedelta(days=days_ago))
        return made

    recent = entry(world.teacher, 365)
    past = entry(world.teacher, 3 * 365)  # past this district's 2 years
    elsewhere_kept = entry(other_admin, 3 * 365)  # within the default 7 years
    elsewhere_past = entry(other_admin, 8 * 365)
    orphan_kept = entry(None, 3 * 365)
    orphan_past = entry(None, 8 * 365)
    out = io.StringIO()
    call_command("audit_prune", stdout=out)
    left = set(AuditEntry.objects.values_list("pk", flat=True))
    assert {recent.pk, elsewhere_kept.pk, orphan_kept.pk} <= left
    assert not {past.pk, elsewhere_past.pk, orphan_past.pk} & left
    assert f"district {world.district.pk}: 1 entries before 2024-12-02 deleted." in out.getvalue()
    assert "no district: 1 entries before 2019-12-02 deleted." in out.getvalue()
    note = AuditEntry.objects.get(action=AuditAction.DELETE, district_id=world.district.pk)
    assert note.detail == {"audit_pruned": 1, "before": "2024-12-02"}
    assert AuditEntry.objects.get(action=AuditAction.DELETE, district_id=elsewhere.pk).detail == {
        "audit_pruned": 1,
        "before": "2019-12-02",
    }
    assert [p.deleted for p in audit_prune()] == [0, 0, 0]  # nothing more to do

"""The service-log CSV export: columns, scope, notes, billing units, audit, who may."""

from __future__ import annotations

import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry, User
from pushin.caseload.models import Goal
from pushin.sessions.export import COLUMN_NOTES, COLUMNS, NOTE_WITHHELD, BillingRule
from pushin.sessions.models import Amendment, DatedSession, SessionStatus, SessionStudent
from pushin.vocabulary import MissReason
from tests.caseload.personas import PERSONAS, is_login_redirect, persona_user
from tests.factories import make_student
from tests.sessions.ledger_world import day, session_with

ZONE = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("minutes", "units"),
    [
        (0, 0),
        (7, 0),
        (8, 1),
        (15, 1),
        (22, 1),
        (23, 2),
        (37, 2),
        (38, 3),
        (52, 3),
        (53, 4),
        (60, 4),
    ],
)
def test_default_billing_units(minutes: int, units: int) -> None:
    assert BillingRule().units(minutes) == units


@pytest.mark.parametrize(
    ("minutes", "units"), [(14, 0), (15, 1), (30, 1), (31, 2), (45, 2), (46, 3)]
)
def test_a_district_rule(minutes: int, units: int) -> None:
    assert BillingRule(min_minutes=15, first_max=30, step=15).units(minutes) == units


FIRST, LAST = day(0), day(13)


def download(client, start=FIRST, end=LAST, *, unsigned=False):
    data = {"start": start, "end": end}
    if unsigned:
        data["include_unsigned"] = "on"
    response = client.post(reverse("minutes:export"), data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def as_dicts(rows):
    assert rows[0][: len(COLUMNS)] == COLUMNS[: len(rows[0])]
    return [dict(zip(COLUMNS, row, strict=True)) for row in rows[1:]]


def signed(records: list[SessionStudent], by: User, at: dt.datetime) -> list[SessionStudent]:
    DatedSession.objects.filter(pk=records[0].session_id).update(
        status=SessionStatus.SIGNED, signed_by=by, signed_at=at
    )
    return records


def signed_on(date: dt.date) -> dt.datetime:
    return dt.datetime.combine(date, dt.time(15, 4, 5), tzinfo=ZONE)


@pytest.fixture
def eworld(world):
    """Signed: Monday, a group session (Avery + a classmate) with notes; Tuesday, Avery cut
    short, then amended; Thursday, Avery missed. Logged, not signed: Wednesday, Avery.
    Friday: planned, not logged. The other provider: one signed session."""
    goal = Goal.objects.filter(iep__student=world.student).first()
    classmate = make_student(ref="S-0003", classroom=world.classroom, provider=world.provider)
    user = world.provider.user
    group = signed(
        session_with(
            provider=world.provider,
            students=[world.student, classmate],
            date=day(0),
            note="=SUM(A1) wrote three lines",
        ),
        user,
        signed_on(day(0)),
    )
    group[0].focus_goal = goal
    group[0].save()
    (short,) = signed(
        session_with(
            provider=world.provider,
            students=[world.student],
            date=day(1),
            end=dt.time(9, 45),
            minutes=20,
            short_reason=MissReason.PROVIDER_CONFLICT,
        ),
        user,
        signed_on(day(1)),
    )
    for when in (day(2), day(5)):  # two amendments after signing: the last one counts
        amendment = Amendment.objects.create(
            record=short, field="note", old_value="", new_value="x", reason="Typo", made_by=user
        )
        Amendment.objects.filter(pk=amendment.pk).update(
            made_at=dt.datetime.combine(when, dt.time(8, 30), tzinfo=ZONE)
        )
    session_with(provider=world.provider, students=[world.student], date=day(2))
    signed(
        session_with(
            provider=world.provider,
            students=[world.student],
            date=day(3),
            attendance=MissReason.STUDENT_ABSENT,
        ),
        user,
        signed_on(day(3)),
    )
    session_with(provider=world.provider, students=[world.student], date=day(4), attendance="")
    signed(
        session_with(
            provider=world.other_provider,
            students=[world.other_student],
            date=day(0),
            note="Private",
        ),
        world.other_provider.user,
        signed_on(day(0)),
    )
    world.goal = goal
    return world


@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(eworld, login, persona) -> None:
    expected = {
        "provider": 200,
        "other_provider": 200,
        "teacher": 404,
        "other_teacher": 404,
        "para": 404,
        "admin": 200,
    }
    client = login(persona_user(eworld, persona))
    get = client.get(reverse("minutes:export"))
    post = client.post(reverse("minutes:export"), {"start": day(0), "end": day(13)})
    if persona == "anonymous":
        assert is_login_redirect(get)
        assert is_login_redirect(post)
    else:
        assert get.status_code == post.status_code == expected[persona]


def test_provider_export_columns_rows_and_notes(eworld, login) -> None:
    rows = download(login(eworld.provider.user))
    assert rows[0] == COLUMNS
    records = as_dicts(rows)
    # Signed only: two in the group, the short one, the miss; not Wednesday's, not Friday's.
    assert [r["date"] for r in records] == ["2026-11-02", "2026-11-02", "2026-11-03", "2026-11-05"]
    avery_monday = records[0] if records[0]["student_ref"] == "S-0001" else records[1]
    assert avery_monday == {
        "date": "2026-11-02",
        "start": "09:00",
        "end": "09:30",
        "student_ref": "S-0001",
        "provider": "Provider Tester",
        "discipline": "Occupational therapist",
        "minutes": "30",
        "grouping": "Group",
        "group_size": "2",
        "delivery": "Push-in",
        "goal_domain": "Handwriting / visual-motor",
        "goal_id": str(eworld.goal.pk),
        "attendance": "Delivered",
        "short_reason": "",
        "makeup": "no",
        "note": "'=SUM(A1) wrote three lines",  # a formula is kept as text
        "billing_units": "2",
        "signed": "yes",
        "signed_by": "Provider Tester",
        "signed_at": "2026-11-02T15:04:05-05:00",
        "amended": "no",
        "last_amended_at": "",
        "imported": "no",
        "whole_class_lesson": "no",
        "lesson_topic": "",
    }
    short, missed = records[2], records[3]
    assert (short["minutes"], short["grouping"], short["group_size"]) == ("20", "Individual", "1")
    assert (short["short_reason"], short["billing_units"]) == (
        "Provider conflict (meeting, evaluation)",
        "1",
    )
    assert (short["amended"], short["last_amended_at"]) == ("yes", "2026-11-07T08:30:00-05:00")
    assert (missed["attendance"], missed["minutes"], missed["billing_units"]) == (
        "Student absent",
        "0",
        "0",
    )
    assert (missed["grouping"], missed["amended"], missed["signed"]) == ("", "no", "yes")
    assert "Private" not in str(rows)  # the other provider's session


def test_unsigned_sessions_only_when_asked_and_marked(eworld, login) -> None:
    client = login(eworld.provider.user)
    default = as_dicts(download(client))
    assert all(r["signed"] == "yes" for r in default)
    assert "2026-11-04" not in [r["date"] for r in default]
    both = as_dicts(download(client, unsigned=True))
    assert [(r["date"], r["signed"]) for r in both] == [
        ("2026-11-02", "yes"),
        ("2026-11-02", "yes"),
        ("2026-11-03", "yes"),
        ("2026-11-04", "no"),
        ("2026-11-05", "yes"),
    ]
    wednesday = both[3]
    assert (wednesday["signed_by"], wednesday["signed_at"], wednesday["amended"]) == ("", "", "no")
    assert (wednesday["attendance"], wednesday["minutes"]) == ("Delivered", "30")
    entry = AuditEntry.objects.filter(action=AuditAction.EXPORT).latest("pk")
    assert entry.detail["unsigned"] is True


def test_every_coded_column_is_written_one_way(eworld, login) -> None:
    """Labels (never the stored codes) and yes/no, whatever the row."""
    session_with(
        provider=eworld.provider,
        students=[eworld.student],
        date=day(8),
        attendance=MissReason.PROVIDER_ABSENT,
    )
    imported = session_with(provider=eworld.provider, students=[eworld.student], date=day(9))
    DatedSession.objects.filter(pk=imported[0].session_id).update(is_imported=True)
    records = as_dicts(download(login(eworld.provider.user), unsigned=True))
    assert {r["attendance"] for r in records} == {"Delivered", "Student absent", "Provider absent"}
    assert {r["grouping"] for r in records} == {"Group", "Individual", ""}
    assert {r["delivery"] for r in records} == {"Push-in"}
    assert {r["discipline"] for r in records} == {"Occupational therapist"}
    assert {r["short_reason"] for r in records} == {"", "Provider conflict (meeting, evaluation)"}
    for column in ("makeup", "signed", "amended", "imported"):
        assert {r[column] for r in records} <= {"yes", "no"}, column
    assert [r["imported"] for r in records if r["date"] == "2026-11-11"] == ["yes"]


def test_a_session_that_has_not_started_is_never_exported_as_delivered(eworld, login) -> None:
    """Logged "delivered" ahead of time (before the rule existed), even signed: left out."""
    thursday = dt.date(2026, 12, 3)  # the clock stands on Wednesday Dec 2, 12:00
    signed(
        session_with(provider=eworld.provider, students=[eworld.student], date=thursday),
        eworld.provider.user,
        signed_on(day(0)),
    )
    session_with(provider=eworld.provider, students=[eworld.student], date=dt.date(2026, 12, 2))
    session_with(  # later today: not started yet
        provider=eworld.provider,
        students=[eworld.student],
        date=dt.date(2026, 12, 2),
        start=dt.time(14),
        end=dt.time(14, 30),
    )
    session_with(  # called off ahead: a miss, exported (unsigned)
        provider=eworld.provider,
        students=[eworld.student],
        date=dt.date(2026, 12, 4),
        attendance=MissReason.PROVIDER_ABSENT,
    )
    records = as_dicts(
        download(login(eworld.provider.user), FIRST, thursday + dt.timedelta(days=7), unsigned=True)
    )
    ahead = [r for r in records if r["date"] >= "2026-12-02"]
    assert [(r["date"], r["start"], r["attendance"]) for r in ahead] == [
        ("2026-12-02", "09:00", "Delivered"),  # this morning's: it has started
        ("2026-12-04", "09:00", "Provider absent"),
    ]


def test_admin_export_is_the_district_without_notes(eworld, login) -> None:
    rows = download(login(eworld.admin))
    assert rows[0][COLUMNS.index("note")] == NOTE_WITHHELD
    assert {row[COLUMNS.index("student_ref")] for row in rows[1:]} == {
        "S-0001",
        "S-0002",
        "S-0003",
    }
    assert all(row[COLUMNS.index("note")] == "" for row in rows[1:])


def test_export_writes_one_audit_entry_per_student(eworld, login) -> None:
    download(login(eworld.provider.user))
    entries = AuditEntry.objects.filter(action=AuditAction.EXPORT)
    classmate = eworld.student.classroom.students.get(ref="S-0003")
    ids = [e.student_id for e in entries.order_by("student_id")]
    assert ids == sorted([eworld.student.pk, classmate.pk])
    avery = entries.get(student_id=eworld.student.pk)
    assert avery.actor == eworld.provider.user
    assert avery.detail == {
        "export": "service_log",
        "from": "2026-11-02",
        "to": "2026-11-15",
        "records": 3,  # the signed ones
        "unsigned": False,
    }


def test_date_range_is_applied_and_checked(eworld, login) -> None:
    client = login(eworld.provider.user)
    rows = download(client, start=day(1), end=day(1))
    assert [row[0] for row in rows[1:]] == ["2026-11-03"]
    response = client.post(reverse("minutes:export"), {"start": day(5), "end": day(1)})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT, detail__from="2026-11-07")


def test_export_queries_do_not_grow_with_rows(eworld, login) -> None:
    client = login(eworld.admin)
    with CaptureQueriesContext(connection) as few:
        download(client, unsigned=True)
    for offset in range(7, 12):
        session_with(provider=eworld.provider, students=[eworld.student], date=day(offset))
    with CaptureQueriesContext(connection) as many:
        rows = download(client, unsigned=True)
    assert len(rows) == 1 + 6 + 5
    assert len(many) == len(few)


@pytest.mark.parametrize("persona", PERSONAS)
def test_billing_rule_is_the_administrators(eworld, login, persona) -> None:
    client = login(persona_user(eworld, persona))
    response = client.post(
        reverse("minutes:billing_rule"), {"min_minutes": 15, "first_max": 30, "step": 15}
    )
    eworld.district.refresh_from_db()
    if persona == "anonymous":
        assert is_login_redirect(response)
    elif persona == "admin":
        assert response.status_code == 302
        assert eworld.district.billing_unit_min_minutes == 15
        rows = download(client)
        assert rows[1][COLUMNS.index("billing_units")] == "1"  # 30 minutes under the new rule
    else:
        assert response.status_code == 404
    if persona != "admin":
        assert eworld.district.billing_unit_min_minutes == 8


def test_billing_rule_refuses_a_first_unit_ending_before_it_starts(eworld, login) -> None:
    client = login(eworld.admin)
    response = client.post(
        reverse("minutes:billing_rule"),
        {"min_minutes": 20, "first_max": 10, "step": 15},
        follow=True,
    )
    assert "The first unit must end at or after its minimum." in response.content.decode()
    eworld.district.refresh_from_db()
    assert eworld.district.billing_unit_first_max == 22


def test_export_page_explains_notes_and_the_rule(eworld, login) -> None:
    provider_page = login(eworld.provider.user).get(reverse("minutes:export")).content.decode()
    assert "Your notes are included" in provider_page
    assert "8-22 = 1 unit" in provider_page
    admin_page = login(eworld.admin).get(reverse("minutes:export")).content.decode()
    assert "Clinical notes are only in providers' own exports" in admin_page
    assert "Billing-unit rule" in admin_page


def test_export_page_documents_every_column_and_the_checkbox(eworld, login) -> None:
    html = login(eworld.provider.user).get(reverse("minutes:export")).content.decode()
    assert 'name="include_unsigned"' in html
    assert "Include unsigned sessions" in html
    assert set(COLUMN_NOTES) == set(COLUMNS)
    for name in COLUMNS:
        assert f"<dt><code>{name}</code></dt>" in html

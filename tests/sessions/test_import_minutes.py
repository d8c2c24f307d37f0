"""Importing minutes delivered before the records start: the service (valid file, every
refusal with its exact message, atomic, a second import changes nothing) and the page
(who may use it, preview and confirm, the example file)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.district.models import Provider
from pushin.sessions.csv_import import past_minutes_import
from pushin.sessions.models import DatedSession, SessionStatus, SessionStudent
from tests.conftest import NOW
from tests.district.personas import PERSONAS, is_login_redirect, persona_user
from tests.factories import World, make_provider

pytestmark = pytest.mark.django_db

URL = reverse("minutes:import")
SHIPPED = Path(__file__).resolve().parents[2] / "examples" / "csv" / "minutes.csv"
# The test world's file (the shipped example matches the demo district instead).
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "csv" / "minutes.csv"
RECORDS_START = dt.date(2026, 11, 2)
HEADER = "date,student,minutes,service,note"


def csv(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


@pytest.fixture
def started(world: World) -> World:
    world.district.records_start = RECORDS_START
    world.district.save()
    return world


def run(world: World, text: str, *, actor=None, dry_run: bool = False):
    return past_minutes_import(
        actor=actor or world.provider.user, district=world.district, text=text, dry_run=dry_run
    )


def test_a_valid_file_becomes_signed_imported_sessions(started: World) -> None:
    text = csv("2026-09-08,S-0001,30,OT,Letters on the line", "2026-10-01,s-0001,25,COTA,")
    preview = run(started, text, dry_run=True)
    assert preview.ok
    assert preview.summary_text() == "Students: 1; Sessions imported: 2; Minutes imported: 55"
    assert [(i.key, i.action, i.details) for i in preview.items] == [
        ("S-0001", "create", ["2 OT session(s), 55 minutes, 2026-09-08 to 2026-10-01"])
    ]
    assert not DatedSession.objects.exists()  # a preview never writes

    result = run(started, text)
    assert result.ok
    sessions = list(DatedSession.objects.order_by("date"))
    assert [(s.date, s.start, s.end) for s in sessions] == [
        (dt.date(2026, 9, 8), dt.time(8), dt.time(8, 30)),
        (dt.date(2026, 10, 1), dt.time(8), dt.time(8, 25)),
    ]
    for session in sessions:
        assert session.is_imported
        assert not session.is_makeup
        assert session.standing_id is None
        assert (session.provider, session.classroom) == (started.provider, started.classroom)
        assert (session.status, session.signed_by) == (SessionStatus.SIGNED, started.provider.user)
        assert session.signed_at is not None
        assert abs(session.signed_at - NOW) < dt.timedelta(minutes=5)
        assert session.delivery == "push_in"
    records = list(SessionStudent.objects.order_by("session__date"))
    assert [(r.student, r.attendance, r.minutes_delivered, r.note) for r in records] == [
        (started.student, "delivered", 30, "Letters on the line"),
        (started.student, "delivered", 25, ""),
    ]
    entry = AuditEntry.objects.get(action=AuditAction.IMPORT)
    assert (entry.actor, entry.student_id) == (started.provider.user, started.student.pk)
    assert entry.detail == {"imported_records": [r.pk for r in records]}


def test_a_providers_own_records_start_is_the_one_that_counts(started: World) -> None:
    Provider.objects.filter(pk=started.provider.pk).update(records_start=dt.date(2026, 9, 15))
    result = run(started, csv("2026-09-14,S-0001,30,OT,", "2026-09-15,S-0001,30,OT,"))
    assert result.error_lines() == [
        "row 3, column date: 2026-09-15 is on or after the records start 2026-09-15: "
        "imported minutes are for the time before it; log later sessions in Push-In"
    ]


BAD_ROWS = [
    ("2026-12-02,S-0001,30,OT,", "column date: 2026-12-02 is today or later: "
     "import only minutes delivered before today"),
    ("2026-12-09,S-0001,30,OT,", "column date: 2026-12-09 is today or later: "
     "import only minutes delivered before today"),
    ("2026-11-02,S-0001,30,OT,", "column date: 2026-11-02 is on or after the records start "
     "2026-11-02: imported minutes are for the time before it; log later sessions in Push-In"),
    ("2026-08-28,S-0001,30,OT,", "column date: 2026-08-28 is outside the school year "
     "(2026-08-31 to 2027-06-18)"),
    ("2026-9-8,S-0001,30,OT,", "column date: '2026-9-8' is not a date "
     "(use YYYY-MM-DD, e.g. 2026-09-08)"),
    ("2026-09-08,S-9999,30,OT,", "column student: unknown student number 'S-9999'"),
    ("2026-09-08,S-0002,30,OT,", "column student: student S-0002 is not on your caseload; "
     "ask the district administrator to import it"),
    ("2026-09-08,S-0001,30,XY,", "column service: unknown service 'XY'; "
     "valid: OT, COTA, PT, PTA, SLP, SLPA"),
    ("2026-09-08,S-0001,30,PT,", "column service: student S-0001 has no PT provider among "
     "yours; add one to the student first"),
    ("2026-09-08,S-0001,0,OT,", "column minutes: 0 is less than 1"),
    ("2026-09-08,S-0001,601,OT,", "column minutes: 601 is more than 600"),
    ("2026-09-08,S-0001,half,OT,", "column minutes: 'half' is not a whole number"),
    ("2026-09-08,,30,OT,", "column student: a value is required"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "message"), BAD_ROWS)
def test_each_bad_row_is_refused_with_its_message(started: World, row: str, message: str) -> None:
    result = run(started, csv("2026-09-09,S-0001,30,OT,", row))
    assert result.error_lines() == [f"row 3, {message}"]
    assert not DatedSession.objects.exists()


def test_every_problem_is_listed_at_once(started: World) -> None:
    result = run(started, csv(*(row for row, _ in BAD_ROWS)))
    assert result.error_lines() == [
        f"row {n}, {message}" for n, (_, message) in enumerate(BAD_ROWS, start=2)
    ]


def test_the_same_student_date_and_service_twice_in_a_file_is_a_duplicate(started: World) -> None:
    result = run(started, csv("2026-09-08,S-0001,30,OT,", "2026-09-08,S-0001,15,COTA,"))
    assert result.error_lines() == [
        "row 3: duplicate of row 2 (same student, date and service): put a day's minutes on one row"
    ]


def test_without_a_records_start_nothing_is_imported(world: World) -> None:
    result = run(world, csv("2026-09-08,S-0001,30,OT,"))
    assert result.error_lines() == [
        "row 2, column date: no records start is set for OT provider 'provider': set it first "
        "(district settings or the provider's availability page); imported minutes are for "
        "the time before it"
    ]


def test_a_late_bad_row_leaves_nothing_written(started: World) -> None:
    good = [f"2026-09-{day:02d},S-0001,30,OT," for day in (8, 9, 10, 11, 14, 15)]
    result = run(started, csv(*good, "2026-09-16,S-0001,999,OT,"))
    assert result.error_lines() == ["row 8, column minutes: 999 is more than 600"]
    assert not result.applied
    assert not DatedSession.objects.exists()
    assert not SessionStudent.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.IMPORT).exists()


def test_importing_the_same_file_again_changes_nothing(started: World) -> None:
    text = csv("2026-09-08,S-0001,30,OT,", "2026-09-10,S-0001,30,OT,")
    assert run(started, text).ok
    before = (DatedSession.objects.count(), SessionStudent.objects.count())
    again = run(started, text)
    assert again.error_lines() == [
        "row 2: student S-0001 already has imported OT minutes on 2026-09-08 (30 min); "
        "nothing is imported twice",
        "row 3: student S-0001 already has imported OT minutes on 2026-09-10 (30 min); "
        "nothing is imported twice",
    ]
    assert (DatedSession.objects.count(), SessionStudent.objects.count()) == before == (2, 2)


def test_an_administrator_imports_any_student_for_their_provider(started: World) -> None:
    result = run(
        started,
        csv("2026-09-08,S-0001,30,OT,", "2026-09-08,S-0002,45,OT,"),
        actor=started.admin,
    )
    assert result.ok
    by_student = {
        r.student.ref: (r.session.provider, r.session.classroom, r.session.signed_by)
        for r in SessionStudent.objects.select_related("session", "student")
    }
    assert by_student == {
        "S-0001": (started.provider, started.classroom, started.admin),
        "S-0002": (started.other_provider, started.other_classroom, started.admin),
    }


def test_a_cota_imports_for_the_ot_service_and_is_the_sessions_provider(started: World) -> None:
    cota = make_provider("cota", started.district, discipline="COTA")
    cota.supervisor = started.provider
    cota.save()
    started.student.providers.add(cota)
    assert run(started, csv("2026-09-08,S-0001,30,OT,"), actor=cota.user).ok
    assert DatedSession.objects.get().provider == cota
    # The administrator's import picks the therapist before the assistant.
    assert run(started, csv("2026-09-09,S-0001,30,COTA,"), actor=started.admin).ok
    assert DatedSession.objects.get(date=dt.date(2026, 9, 9)).provider == started.provider


@pytest.mark.parametrize("name", ["teacher", "para"])
def test_teachers_and_paras_cannot_import(started: World, name: str) -> None:
    with pytest.raises(PermissionDenied):
        run(started, csv("2026-09-08,S-0001,30,OT,"), actor=getattr(started, name))


# --- The page --------------------------------------------------------------------------------

EXPECTED = {
    "provider": 200,
    "other_provider": 200,
    "teacher": 404,
    "other_teacher": 404,
    "para": 404,
    "admin": 200,
    "anonymous": 302,
}


def upload(text: str | bytes) -> SimpleUploadedFile:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile("minutes.csv", raw, content_type="text/csv")


@pytest.mark.parametrize("name", PERSONAS)
def test_permission_matrix(started: World, login, name: str) -> None:
    client = login(persona_user(started, name))
    response = client.get(URL)
    assert response.status_code == EXPECTED[name]
    if name == "anonymous":
        assert is_login_redirect(response)
    response = client.post(URL, {"file": upload(csv("2026-09-08,S-0001,30,OT,"))})
    assert response.status_code == EXPECTED[name]
    assert not DatedSession.objects.exists()  # a preview never writes
    if name == "other_provider":  # S-0001 is not on their caseload
        assert response.context["result"].error_lines() == [
            "row 2, column student: student S-0001 is not on your caseload; "
            "ask the district administrator to import it"
        ]
    if name in ("provider", "admin"):
        assert response.context["result"].ok


def test_preview_then_confirm(started: World, login) -> None:
    client = login(started.provider.user)
    page = client.get(URL)
    assert "Records start: <strong>Nov 2, 2026</strong>" in page.content.decode()
    response = client.post(URL, {"file": upload(csv("2026-09-08,S-0001,30,OT,"))})
    content = response.content.decode()
    assert "Preview: nothing has been saved yet" in content
    assert "Confirm import" in content
    assert "Avery" not in content  # student numbers only
    entry = AuditEntry.objects.get(action=AuditAction.READ)
    assert (entry.student_id, entry.detail) == (started.student.pk, {"via": "import_preview"})
    response = client.post(URL, {"payload": response.context["payload"], "confirm": "1"})
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Import done. Students: 1; Sessions imported: 1; Minutes imported: 30."
    ]
    assert DatedSession.objects.get().is_imported
    # Confirming the same preview again finds the rows imported: nothing changes.
    again = client.post(URL, {"payload": response.wsgi_request.POST["payload"], "confirm": "1"})
    assert again.status_code == 200
    assert "1 problem in the file: nothing was imported" in again.content.decode()
    assert DatedSession.objects.count() == 1


def test_a_forged_or_foreign_preview_is_refused(started: World, login) -> None:
    client = login(started.admin)
    response = client.post(URL, {"file": upload(csv("2026-09-08,S-0001,30,OT,"))})
    payload = response.context["payload"]
    other = login(started.provider.user)
    response = other.post(URL, {"payload": payload, "confirm": "1"})
    assert response.status_code == 302
    assert not DatedSession.objects.exists()


def test_the_page_says_when_no_records_start_is_set(world: World, login) -> None:
    content = login(world.admin).get(URL).content.decode()
    assert "No records start is set." in content
    assert reverse("district:settings") in content


def test_the_example_file_imports_into_the_test_world(started: World, login) -> None:
    client = login(started.admin)
    response = client.get(URL, {"example": "1"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content == SHIPPED.read_bytes()
    result = run(started, EXAMPLE.read_text(), actor=started.admin)
    assert result.ok, result.error_lines()
    assert result.counts == {"students": 2, "sessions_imported": 6, "minutes_imported": 175}


# --- Where imported minutes show --------------------------------------------------------------


def test_the_ledger_and_compliance_pages_show_imported_minutes(started: World, login) -> None:
    assert run(started, csv("2026-09-08,S-0001,30,OT,", "2026-10-01,S-0001,25,OT,")).ok
    client = login(started.provider.user)
    page = client.get(reverse("minutes:student", args=[started.student.pk])).content.decode()
    assert "Records start</dt><dd>Nov 2, 2026" in page
    assert '55 minutes <span class="badge">imported</span> from before it' in page
    assert '30 <span class="badge">imported</span>' in page  # the week of Sep 8
    assert "5 school days before the records start: not mandated" in page
    response = client.get(reverse("minutes:provider", args=[started.provider.pk]))
    summary = response.context["summary"]
    assert (summary.imported, summary.records_starts) == (55, [RECORDS_START])
    # Mandated from Nov 2 to yesterday (Tue Dec 1; the test world has no closures): four
    # weeks of 60 and Monday-Tuesday's 24; nothing delivered since.
    assert (summary.mandated, summary.credited, summary.unscheduled) == (264, 0, 264)
    assert "<dt>Imported</dt><dd>55 " in response.content.decode()
    # The lapse counts from the records start (22 school days), not from Oct 1 (43).
    assert [s.lapse_days for s in summary.lapses] == [22]


def test_the_service_log_marks_imported_minutes(started: World, login) -> None:
    assert run(started, csv("2026-09-08,S-0001,30,OT,")).ok
    response = login(started.provider.user).post(
        reverse("minutes:export"), {"start": "2026-08-31", "end": "2026-12-01"}
    )
    lines = b"".join(response.streaming_content).decode().splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    record = dict(zip(header, row, strict=True))
    assert (record["date"], record["student_ref"], record["minutes"]) == (
        "2026-09-08",
        "S-0001",
        "30",
    )
    assert (record["imported"], record["signed"]) == ("yes", "yes")

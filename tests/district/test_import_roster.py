"""OneRoster 1.2 roster import: dry run, idempotency, leavers, errors, the page."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pushin.accounts.models import AuditAction, AuditEntry, Role, User
from pushin.caseload.models import Student, StudentDeparture
from pushin.district.models import Classroom, School
from pushin.district.oneroster import FILES, roster_import

URL = reverse("district:import_roster")
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "oneroster"
STAMP = "2026-08-24T00:00:00.000Z"

ORGS = [
    ["sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"],
    ["d1", "active", STAMP, "Testville Unified", "district", "TV", ""],
    ["o-maple", "active", STAMP, "Maple Elementary", "school", "maple", "d1"],
    ["o-cedar", "active", STAMP, "Cedar Elementary", "school", "cedar", "d1"],
    ["o-oak", "active", STAMP, "Oak Elementary", "school", "oak", "d1"],
]
SESSIONS = [
    ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate"],
    ["y27", "active", STAMP, "2026-2027", "schoolYear", "2026-08-31", "2027-06-18"],
]
CLASSES = [
    ["sourcedId", "status", "dateLastModified", "title", "grades", "classCode", "classType",
     "schoolSourcedId", "termSourcedIds"],
    ["c-2a", "active", STAMP, "Room 2A", "02", "2a", "homeroom", "o-maple", "y27"],
    ["c-k1", "active", STAMP, "Room K1", "KG", "k1", "homeroom", "o-cedar", "y27"],
    ["c-3b", "active", STAMP, "Room 3B", "03", "3b", "homeroom", "o-maple", "y27"],
    ["c-art", "active", STAMP, "Art", "03", "art", "scheduled", "o-maple", "y27"],
]  # fmt: skip
USERS = [
    ["sourcedId", "status", "dateLastModified", "enabledUser", "role", "username", "givenName",
     "familyName", "identifier", "email", "grades"],
    ["u-t1", "active", STAMP, "true", "teacher", "teacher", "Teacher", "Tester", "", "", ""],
    ["u-t2", "active", STAMP, "true", "teacher", "otherteacher", "Otherteacher", "Tester", "",
     "", ""],
    ["u-t3", "active", STAMP, "true", "teacher", "teacher.new", "Nova", "Newperson", "",
     "nova@example.org", ""],
    ["u-s1", "active", STAMP, "true", "student", "s0001", "Avery", "Sample", "S-0001", "", "02"],
    ["u-s2", "active", STAMP, "true", "student", "s0002", "Blake", "Sample", "S-0002", "", "KG"],
    ["u-s9", "active", STAMP, "true", "student", "s0009", "Gen", "Eddie", "S-0009", "", "03"],
]  # fmt: skip
ENROLLMENTS = [
    ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId",
     "userSourcedId", "role", "primary", "beginDate", "endDate"],
    ["e1", "active", STAMP, "c-2a", "o-maple", "u-t1", "teacher", "true", "", ""],
    ["e2", "active", STAMP, "c-k1", "o-cedar", "u-t2", "teacher", "true", "", ""],
    ["e3", "active", STAMP, "c-3b", "o-maple", "u-t3", "teacher", "true", "", ""],
    ["e4", "active", STAMP, "c-2a", "o-maple", "u-s1", "student", "false", "", ""],
    ["e5", "active", STAMP, "c-k1", "o-cedar", "u-s2", "student", "false", "", ""],
    ["e6", "active", STAMP, "c-3b", "o-maple", "u-s9", "student", "false", "", ""],
    ["e7", "active", STAMP, "c-art", "o-maple", "u-s1", "student", "false", "", ""],
]  # fmt: skip


def text(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def texts(**changes: list[list[str]]) -> dict[str, str]:
    tables = {
        "orgs": ORGS,
        "academicSessions": SESSIONS,
        "classes": CLASSES,
        "users": USERS,
        "enrollments": ENROLLMENTS,
    }
    tables.update(changes)
    return {key: text(rows) for key, rows in tables.items()}


def run(world, files: dict[str, str], *, dry_run: bool = False):
    return roster_import(actor=world.admin, district=world.district, texts=files, dry_run=dry_run)


def snapshot() -> list[object]:
    return [
        sorted(School.objects.values_list("pk", "code", "name")),
        sorted(Classroom.objects.values_list("pk", "school_id", "code", "name", "grade",
                                             "teacher_id")),
        sorted(User.objects.values_list("pk", "username", "role", "first_name", "last_name",
                                        "email")),
        sorted(Student.objects.values_list("pk", "ref", "first_name", "last_name", "grade",
                                           "classroom_id", "active", "version")),
        AuditEntry.objects.exclude(action=AuditAction.READ).count(),
    ]  # fmt: skip


def test_dry_run_writes_nothing_and_says_what_would_happen(world):
    before = snapshot()
    result = run(world, texts(), dry_run=True)
    assert result.ok, result.error_lines()
    assert snapshot() == before
    counts = result.counts
    assert counts["schools_created"] == 1  # oak
    assert counts["classrooms_created"] == 1  # maple/3b; the scheduled art class is no room
    assert counts["teachers_created"] == 1
    assert counts["students_not_on_caseload"] == 1  # S-0009 is not copied
    by_key = {item.key: item for item in result.items}
    assert by_key["oak"].action == "create"
    assert by_key["maple/3b"].details == ["new classroom 'Room 3B'", "teacher teacher.new"]
    assert by_key["S-0001"].action == "unchanged"


def test_import_applies_and_a_second_run_changes_nothing(world):
    result = run(world, texts())
    assert result.ok
    assert result.applied
    room = Classroom.objects.get(school__code="maple", code="3b")
    assert room.grade == "3"
    assert room.teacher is not None
    assert room.teacher.username == "teacher.new"
    new_teacher = User.objects.get(username="teacher.new")
    assert new_teacher.role == Role.TEACHER
    assert new_teacher.district == world.district
    assert not new_teacher.has_usable_password()
    assert School.objects.filter(district=world.district, code="oak").exists()
    assert not Student.objects.filter(ref="S-0009").exists()

    before = snapshot()
    again = run(world, texts())
    assert again.ok
    assert not again.changed
    assert snapshot() == before


def test_student_moves_and_is_renamed_by_the_roster(world):
    users = [row[:] for row in USERS]
    users[4][6] = "Avry"
    enrollments = [row[:] for row in ENROLLMENTS]
    enrollments[4][3] = "c-3b"
    result = run(world, texts(users=users, enrollments=enrollments))
    assert result.ok
    student = Student.objects.get(pk=world.student.pk)
    assert student.first_name == "Avry"
    assert (student.classroom.school.code, student.classroom.code) == ("maple", "3b")
    item = next(i for i in result.items if i.key == "S-0001")
    assert item.details == ["first name changed", "moves to classroom maple/3b"]
    assert all("Avry" not in line for i in result.items for line in i.details)


def test_a_student_who_leaves_becomes_inactive_never_deleted(world):
    users = [row for row in USERS if row[0] != "u-s2"]
    enrollments = [row for row in ENROLLMENTS if row[5] != "u-s2"]
    result = run(world, texts(users=users, enrollments=enrollments))
    assert result.ok
    assert result.counts["students_deactivated"] == 1
    student = Student.objects.get(pk=world.other_student.pk)
    assert student.active is False
    assert student.ieps.count() == 1  # the record stays
    # The day they left starts the retention clock, as a deactivation by hand does.
    assert StudentDeparture.objects.get(student=student).left_on == timezone.localdate()
    assert run(world, texts(users=users, enrollments=enrollments)).changed is False

    # Back in the roster: active again.
    back = run(world, texts())
    assert back.counts["students_reactivated"] == 1
    assert Student.objects.get(pk=world.other_student.pk).active is True


@pytest.mark.parametrize(
    ("change", "why"),
    [
        ("status", "made inactive: left (tobedeleted or disabled)"),
        ("enabled", "made inactive: left (tobedeleted or disabled)"),
        ("ended", "made inactive: no current homeroom"),
    ],
)
def test_tobedeleted_disabled_or_ended_enrollment_make_inactive(world, change, why):
    users = [row[:] for row in USERS]
    enrollments = [row[:] for row in ENROLLMENTS]
    if change == "status":
        users[5][1] = "tobedeleted"
    elif change == "enabled":
        users[5][3] = "false"
    else:
        enrollments[5][9] = "2026-11-30"  # the clock stands at 2026-12-02
    result = run(world, texts(users=users, enrollments=enrollments))
    assert result.ok
    item = next(i for i in result.items if i.key == "S-0002")
    assert item.details == [why]
    assert Student.objects.get(pk=world.other_student.pk).active is False


def test_students_of_schools_the_roster_does_not_cover_are_left_alone(world):
    orgs = [row for row in ORGS if row[0] != "o-cedar"]
    classes = [row for row in CLASSES if row[0] != "c-k1"]
    users = [row for row in USERS if row[0] not in ("u-s2", "u-t2")]
    enrollments = [row for row in ENROLLMENTS if row[5] not in ("u-s2", "u-t2")]
    result = run(world, texts(orgs=orgs, classes=classes, users=users, enrollments=enrollments))
    assert result.ok
    assert result.counts["students_deactivated"] == 0
    assert Student.objects.get(pk=world.other_student.pk).active is True


def test_every_problem_names_file_row_column_and_why_and_nothing_is_written(world):
    users = [row[:] for row in USERS]
    users[1][4] = "wizard"
    users.append(["u-s1", "active", STAMP, "true", "student", "x", "A", "B", "S-1", "", ""])
    enrollments = [row[:] for row in ENROLLMENTS]
    enrollments[2][3] = "c-nowhere"
    enrollments[3][8] = "2026-13-01"
    classes = [row[:] for row in CLASSES]
    classes[1][8] = "y99"
    before = snapshot()
    result = run(world, texts(users=users, enrollments=enrollments, classes=classes))
    assert snapshot() == before
    assert result.error_lines() == [
        "users.csv row 2, column role: unknown role 'wizard'; valid: administrator, aide, "
        "guardian, parent, proctor, relative, student, teacher, districtAdministrator, "
        "siteAdministrator, systemAdministrator, principal",
        "users.csv row 8, column sourcedid: 'u-s1' is also on row 5",
        "classes.csv row 2, column termsourcedids: no academic session 'y99' in "
        "academicSessions.csv",
        "enrollments.csv row 3, column classsourcedid: no class 'c-nowhere' in classes.csv",
        "enrollments.csv row 4, column begindate: '2026-13-01' is not a date "
        "(use YYYY-MM-DD, e.g. 2026-09-08)",
    ]


def test_missing_files_and_columns_are_named(world):
    files = texts(
        users=[["sourcedId", "role", "username", "givenName"], ["u", "teacher", "t", "T"]]
    )
    del files["enrollments"]
    result = run(world, files)
    assert result.error_lines() == [
        "users.csv row 1, column familyname: required column is missing from the header",
        "enrollments.csv row 1: the file is missing or empty",
    ]


def test_a_username_of_another_role_is_refused(world):
    users = [row[:] for row in USERS]
    users[3][5] = "para"
    result = run(world, texts(users=users))
    assert result.error_lines() == [
        "users.csv row 4, column username: user 'para' exists and is not a teacher"
    ]


def test_the_example_files_import_into_the_demo_with_no_errors(db):
    from pushin.demo.district import demo_district_load

    demo_district_load(size="small")
    admin = User.objects.get(username="admin.ellis")
    district = admin.district
    assert district is not None
    files = {key: (EXAMPLES / f"{key}.csv").read_text(encoding="utf-8") for key in FILES}
    result = roster_import(actor=admin, district=district, texts=files, dry_run=False)
    assert result.error_lines() == []
    assert result.counts["students_deactivated"] == 0
    assert result.counts["students_not_on_caseload"] == 3
    assert Student.objects.filter(district=district, active=False).count() == 0
    again = roster_import(actor=admin, district=district, texts=files, dry_run=True)
    assert again.ok
    assert not again.changed


# --- The page ------------------------------------------------------------------------------


def zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for key, body in files.items():
            archive.writestr(f"export/{key}.csv", body)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "status"),
    [("admin", 200), ("provider", 404), ("teacher", 404), ("para", 404), (None, 302)],
)
def test_who_may_use_the_page(world, login, name, status):
    person = None if name is None else getattr(world, name)
    user = getattr(person, "user", person)
    client = login(user)
    assert client.get(URL).status_code == status
    before = snapshot()
    upload = SimpleUploadedFile("r.zip", zip_of(texts()), content_type="application/zip")
    assert client.post(URL, {"zip": upload}).status_code == status
    assert snapshot() == before


def test_zip_preview_then_confirm(world, login):
    client = login(world.admin)
    before = snapshot()
    upload = SimpleUploadedFile("r.zip", zip_of(texts()), content_type="application/zip")
    response = client.post(URL, {"zip": upload})
    assert response.status_code == 200
    assert "Preview: nothing has been saved yet" in response.content.decode()
    assert snapshot() == before
    # The preview shows the students it matched: an audited read of each.
    reads = AuditEntry.objects.filter(action=AuditAction.READ, detail__via="import_preview")
    assert set(reads.values_list("student_id", flat=True)) == {
        world.student.pk,
        world.other_student.pk,
    }
    response = client.post(URL, {"payload": response.context["payload"], "confirm": "1"})
    assert response.status_code == 302
    assert next(str(m) for m in get_messages(response.wsgi_request)).startswith("Import done.")
    assert Classroom.objects.filter(school__code="maple", code="3b").exists()


def test_separate_csv_files_and_their_errors_on_the_page(world, login):
    client = login(world.admin)
    users = [row[:] for row in USERS]
    users[1][4] = "wizard"
    files = texts(users=users)
    data = {
        key: SimpleUploadedFile(f"{key}.csv", body.encode(), content_type="text/csv")
        for key, body in files.items()
    }
    response = client.post(URL, data)
    page = response.content.decode()
    assert "1 problem in the file: nothing was imported" in page
    assert "users.csv row 2, column role: unknown role &#x27;wizard&#x27;" in page


def test_not_a_zip_and_missing_files_are_refused(world, login):
    client = login(world.admin)
    bad = SimpleUploadedFile("r.zip", b"hello", content_type="application/zip")
    assert "The file is not a ZIP archive." in client.post(URL, {"zip": bad}).content.decode()
    partial = SimpleUploadedFile(
        "r.zip", zip_of({"orgs": text(ORGS)}), content_type="application/zip"
    )
    page = client.post(URL, {"zip": partial}).content.decode()
    assert "The ZIP has no users.csv, classes.csv, enrollments.csv." in page
    assert "Upload the OneRoster ZIP, or at least orgs.csv" in client.post(URL, {}).content.decode()


def test_example_zip_download(world, login):
    client = login(world.admin)
    assert b'href="?example=1"' in client.get(URL).content
    response = client.get(URL, {"example": "1"})
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        assert sorted(archive.namelist()) == sorted(f"{key}.csv" for key in FILES)
        assert archive.read("users.csv") == (EXAMPLES / "users.csv").read_bytes()


def test_a_teacher_username_twice_or_of_another_district_is_refused(world):
    from pushin.district.models import District
    from tests.factories import make_user

    elsewhere = District.objects.create(
        name="Elsewhere",
        school_year_start=world.district.school_year_start,
        school_year_end=world.district.school_year_end,
    )
    make_user("Teacher.Far", Role.TEACHER, elsewhere)
    users = [row[:] for row in USERS]
    users[3][5] = "teacher.far"
    users.append(["u-t4", "active", STAMP, "true", "teacher", "TEACHER.FAR", "X", "Y", "", "", ""])
    result = run(world, texts(users=users))
    assert result.error_lines() == [
        "users.csv row 4, column username: username 'teacher.far' is taken",
        "users.csv row 8, column username: username 'TEACHER.FAR' is also on row 4",
        "users.csv row 8, column username: username 'TEACHER.FAR' is taken",
    ]


def test_the_import_is_audited_by_ids_only(world):
    users = [row[:] for row in USERS]
    users[4][6] = "Avry"
    run(world, texts(users=users))
    entries = AuditEntry.objects.filter(action=AuditAction.IMPORT)
    student_entry = entries.get(student_id=world.student.pk)
    assert student_entry.detail == {"fields": ["first_name"], "via": "roster"}
    assert not any("Avry" in str(e.detail) for e in entries)


def test_the_classrooms_page_shows_the_codes_the_imports_need(world, login):
    page = login(world.admin).get(reverse("district:classrooms")).content.decode()
    assert "<code>maple</code>" in page
    assert '<code class="small">2a</code>' in page
    assert '<code class="small">k1</code>' in page


@pytest.mark.parametrize("route", ["district:import_timetables", "caseload:import_students"])
def test_the_import_pages_point_to_the_codes(world, login, route):
    page = login(world.admin).get(reverse(route)).content.decode()
    assert f'<a href="{reverse("district:classrooms")}">Classrooms</a> page' in page

"""Roster import in the OneRoster 1.2 CSV format (docs/roster.md).

A student information system exports orgs.csv, users.csv, classes.csv, enrollments.csv
and academicSessions.csv (as a ZIP or as separate files). Push-In takes from them:

- schools: orgs of type `school`, matched by `identifier` (else `sourcedId`) as the
  school code; missing schools are created, a changed name is updated;
- classrooms: classes of classType `homeroom`, matched by `classCode` (else
  `sourcedId`) as the room code within their school; created or renamed;
- teachers: users of role `teacher`, matched by username (case-insensitive); missing
  ones are created without a password (they are invited to set one); a teacher's
  primary enrollment in a homeroom makes them that room's teacher;
- students: users of role `student` whom Push-In already holds (matched by `identifier`,
  else `sourcedId`, as the student's ref): their name, grade and homeroom follow the
  roster. A student of a school the roster covers who is no longer in it (or is
  `tobedeleted`, disabled, or has no current homeroom) becomes inactive, never deleted;
  one who comes back is active again. Students the roster lists that are on nobody's
  caseload are not copied into Push-In (least data): the student import adds them with
  their IEP.

Every problem in every file is reported at once (file, row, column, why); nothing is
written unless all files are valid, and everything is written in one transaction. A
second import of the same files changes nothing. Error messages carry codes, usernames
and refs only, never a student's name.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, Role, User
from pushin.caseload.models import Student
from pushin.caseload.privacy import student_deactivate
from pushin.concurrency import version_bump
from pushin.district.csv_import import (
    CsvRow,
    ImportItem,
    ImportResult,
    RowCheck,
    RowError,
    read_csv,
    users_by_username,
)
from pushin.district.models import Classroom, District, School
from pushin.vocabulary import grade_from_text

# The files, in the order they are checked and reported.
FILES = ("orgs", "academicSessions", "users", "classes", "enrollments")
REQUIRED_FILES = ("orgs", "users", "classes", "enrollments")
MAX_ZIP_BYTES = 20 * 1024 * 1024

# Columns as read_csv normalises them (lower case). Only the columns Push-In uses are
# required; every other column of the 1.2 specification is accepted and ignored.
_COMMON = ("sourcedid", "status", "datelastmodified")
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "orgs": (
        ("sourcedid", "name", "type"),
        ("status", "datelastmodified", "identifier", "parentsourcedid"),
    ),
    "academicSessions": (
        ("sourcedid", "title", "type", "startdate", "enddate"),
        ("status", "datelastmodified", "parentsourcedid", "schoolyear"),
    ),
    "users": (
        ("sourcedid", "role", "username", "givenname", "familyname"),
        (
            "status",
            "datelastmodified",
            "enableduser",
            "orgsourcedids",
            "userids",
            "middlename",
            "identifier",
            "email",
            "sms",
            "phone",
            "agentsourcedids",
            "grades",
            "password",
            "usermasteridentifier",
            "resourcesourcedids",
            "preferredgivenname",
            "preferredmiddlename",
            "preferredfamilyname",
            "primaryorgsourcedid",
            "pronouns",
            "usertype",
        ),
    ),
    "classes": (
        ("sourcedid", "title", "classtype", "schoolsourcedid"),
        (
            "status",
            "datelastmodified",
            "grades",
            "coursesourcedid",
            "classcode",
            "location",
            "termsourcedids",
            "subjects",
            "subjectcodes",
            "periods",
            "resources",
        ),
    ),
    "enrollments": (
        ("sourcedid", "classsourcedid", "schoolsourcedid", "usersourcedid", "role"),
        ("status", "datelastmodified", "primary", "begindate", "enddate"),
    ),
}
ORG_TYPES = ("department", "school", "district", "local", "state", "national")
SESSION_TYPES = ("gradingPeriod", "semester", "schoolYear", "term")
USER_ROLES = (
    "administrator",
    "aide",
    "guardian",
    "parent",
    "proctor",
    "relative",
    "student",
    "teacher",
    "districtAdministrator",
    "siteAdministrator",
    "systemAdministrator",
    "principal",
)
CLASS_TYPES = ("homeroom", "scheduled")
ENROLLMENT_ROLES = ("administrator", "proctor", "student", "teacher", "aide")
STATUSES = ("active", "tobedeleted")
_CODE = re.compile(r"[^a-z0-9_-]+")

ROSTER_LABELS = {
    "schools_created": "Schools created",
    "schools_updated": "Schools renamed",
    "classrooms_created": "Classrooms created",
    "classrooms_updated": "Classrooms updated",
    "teachers_created": "Teachers created",
    "teachers_updated": "Teachers updated",
    "students_updated": "Students updated",
    "students_deactivated": "Students made inactive (left)",
    "students_reactivated": "Students active again",
    "unchanged": "Unchanged",
    "students_not_on_caseload": "Roster students not on a caseload (not copied)",
}


def can_import_roster(user: User) -> bool:
    """Only a district administrator: the roster is the whole district's."""
    return bool(user.is_authenticated and user.is_active) and (
        user.is_superuser or user.role == Role.ADMIN
    )


class RosterFileError(ValueError):
    """An upload that is not a OneRoster CSV set at all (not a ZIP, a file missing)."""


def roster_files_from_zip(data: bytes) -> dict[str, str]:
    """The OneRoster CSV files of a ZIP, as text by name (e.g. "users")."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise RosterFileError("The file is not a ZIP archive.") from None
    by_name = {name.rsplit("/", 1)[-1].lower(): name for name in archive.namelist()}
    texts: dict[str, str] = {}
    total = 0
    for key in FILES:
        member = by_name.get(f"{key.lower()}.csv")
        if member is None:
            continue
        info = archive.getinfo(member)
        total += info.file_size
        if total > MAX_ZIP_BYTES:
            raise RosterFileError(
                f"The ZIP holds more than {MAX_ZIP_BYTES // (1024 * 1024)} MB of CSV."
            )
        try:
            texts[key] = archive.read(member).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise RosterFileError(f"{key}.csv in the ZIP is not UTF-8 text.") from None
    missing = [f"{key}.csv" for key in REQUIRED_FILES if key not in texts]
    if missing:
        raise RosterFileError(f"The ZIP has no {', '.join(missing)}.")
    return texts


# OneRoster's grade codes (CEDS) -> Push-In's grades. "13" and "PS" (post-secondary) are
# the 18-22 transition program; "UG" (ungraded, as self-contained rooms often are) is no
# grade; "IT" (infant/toddler) and "Other" are outside ages 3 to 22 and an error.
ROSTER_GRADES: dict[str, str] = {
    "PR": "PK3",
    "PK": "PK4",
    "TK": "PK4",
    "KG": "K",
    **{f"{n:02d}": str(n) for n in range(1, 13)},
    "13": "18-22",
    "PS": "18-22",
    "UG": "",
}


def roster_grade(value: str) -> str | None:
    """A OneRoster grade as Push-In writes it (KG -> K, 01 -> 1, PK -> PK4, 13 -> 18-22,
    UG -> no grade); None for a code that names no grade Push-In serves."""
    code = value.strip().upper()
    if code in ROSTER_GRADES:
        return ROSTER_GRADES[code]
    return grade_from_text(code) or None


def _first_grade(check: RowCheck, grades: list[str]) -> str:
    """The first grade of a `grades` cell, as Push-In writes it; an unknown one is an error
    of the row's `grades` field."""
    if not grades:
        return ""
    grade = roster_grade(grades[0])
    if grade is None:
        check.error(
            "grades",
            f"'{grades[0]}' is not a grade Push-In knows; OneRoster codes PR, PK, TK, KG, "
            "01 to 12, 13, PS and UG are read (ages 3 to 22)",
        )
        return ""
    return grade


def roster_code(value: str, max_length: int) -> str:
    """A OneRoster identifier as a Push-In code: lower case, letters, digits, - and _."""
    return _CODE.sub("-", value.strip().lower()).strip("-")[:max_length]


# ---------------------------------------------------------------------------------------
# Reading


class _Check(RowCheck):
    """RowCheck whose errors name the file too."""

    def __init__(self, file: str, row: CsvRow, errors: list[RowError]) -> None:
        super().__init__(row, errors)
        self.file = file

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row.number, column, message, file=f"{self.file}.csv"))
        if column:
            self.bad.add(column)
            self.canon.pop(column, None)


def _read(key: str, text: str, errors: list[RowError]) -> list[CsvRow]:
    found: list[RowError] = []
    required, optional = COLUMNS[key]
    rows = read_csv(text, required=required, optional=optional, errors=found)
    errors.extend(RowError(e.row, e.column, e.message, file=f"{key}.csv") for e in found)
    return rows


@dataclass
class _Org:
    row: int
    code: str
    name: str


@dataclass
class _Class:
    row: int
    school_id: str  # the org's sourcedId
    code: str
    title: str
    grade: str


@dataclass
class _User:
    row: int
    role: str
    username: str
    ref: str
    given: str
    family: str
    email: str
    grade: str
    gone: bool  # tobedeleted or not enabled


@dataclass
class _Roster:
    orgs: dict[str, _Org] = field(default_factory=dict)  # by sourcedId, schools only
    classes: dict[str, _Class] = field(default_factory=dict)  # homerooms by sourcedId
    users: dict[str, _User] = field(default_factory=dict)  # teachers and students
    homeroom_of: dict[str, str] = field(default_factory=dict)  # student -> class sourcedId
    teacher_of: dict[str, str] = field(default_factory=dict)  # class -> teacher sourcedId


def _status(check: _Check) -> str:
    return check.choice("status", STATUSES, what="status", required=False)


def _unique(check: _Check, seen: dict[str, int], value: str, column: str) -> bool:
    if not value:
        return False
    if value in seen:
        check.error(column, f"'{value}' is also on row {seen[value]}")
        return False
    seen[value] = check.number
    return True


def _parse(texts: dict[str, str], today: dt.date, errors: list[RowError]) -> _Roster:
    roster = _Roster()
    rows = {key: _read(key, texts[key], errors) if key in texts else [] for key in FILES}

    sessions: set[str] = set()
    seen: dict[str, int] = {}
    for row in rows["academicSessions"]:
        check = _Check("academicSessions", row, errors)
        sid = check.text("sourcedid", max_length=255)
        check.text("title", max_length=255)
        check.choice("type", SESSION_TYPES, what="session type")
        _status(check)
        start = check.date("startdate")
        end = check.date("enddate")
        if start and end and end < start:
            check.error("enddate", f"{end} is before the startDate {start}")
        if _unique(check, seen, sid, "sourcedid"):
            sessions.add(sid)

    seen = {}
    codes: dict[str, int] = {}
    for row in rows["orgs"]:
        check = _Check("orgs", row, errors)
        sid = check.text("sourcedid", max_length=255)
        name = check.text("name", max_length=120)
        kind = check.choice("type", ORG_TYPES, what="org type")
        status = _status(check)
        ident = check.text("identifier", max_length=255, required=False)
        if (
            not _unique(check, seen, sid, "sourcedid")
            or kind != "school"
            or status == "tobedeleted"
        ):
            continue
        code = roster_code(ident or sid, 32)
        if not code:
            check.error("identifier", "gives no school code (letters or digits are needed)")
            continue
        if code in codes:
            check.error("identifier", f"school code '{code}' is also the code of row {codes[code]}")
            continue
        codes[code] = check.number
        if check.ok:
            roster.orgs[sid] = _Org(check.number, code, name)

    seen = {}
    org_ids = {r.get("sourcedid") for r in rows["orgs"]}
    room_codes: dict[tuple[str, str], int] = {}
    for row in rows["classes"]:
        check = _Check("classes", row, errors)
        sid = check.text("sourcedid", max_length=255)
        title = check.text("title", max_length=60)
        kind = check.choice("classtype", CLASS_TYPES, what="class type")
        status = _status(check)
        school = check.text("schoolsourcedid", max_length=255)
        class_code = check.text("classcode", max_length=255, required=False)
        grades = [g.strip() for g in row.get("grades").split(",") if g.strip()]
        for term in (t.strip() for t in row.get("termsourcedids").split(",") if t.strip()):
            if rows["academicSessions"] and term not in sessions:
                check.error(
                    "termsourcedids", f"no academic session '{term}' in academicSessions.csv"
                )
        if school and school not in org_ids:
            check.error("schoolsourcedid", f"no org '{school}' in orgs.csv")
        if (
            not _unique(check, seen, sid, "sourcedid")
            or kind != "homeroom"
            or status == "tobedeleted"
        ):
            continue
        if school not in roster.orgs:
            continue
        code = roster_code(class_code or sid, 40)
        if not code:
            check.error("classcode", "gives no classroom code (letters or digits are needed)")
            continue
        key = (school, code)
        if key in room_codes:
            check.error(
                "classcode",
                f"room code '{code}' is also the code of row {room_codes[key]} at this school",
            )
            continue
        room_codes[key] = check.number
        grade = _first_grade(check, grades)
        if check.ok:
            roster.classes[sid] = _Class(check.number, school, code, title, grade)

    seen = {}
    for row in rows["users"]:
        check = _Check("users", row, errors)
        sid = check.text("sourcedid", max_length=255)
        role = check.choice("role", USER_ROLES, what="role")
        status = _status(check)
        enabled = check.choice("enableduser", ("true", "false"), what="value", required=False)
        username = check.text("username", max_length=150, required=role == "teacher")
        given = check.text("givenname", max_length=60)
        family = check.text("familyname", max_length=60)
        ident = check.text("identifier", max_length=32, required=False)
        email = check.text("email", max_length=254, required=False)
        if email and "@" not in email:
            check.error("email", f"'{email}' is not an e-mail address")
        if role == "student" and not ident and len(sid) > 32:
            check.error("identifier", "is empty and sourcedId is longer than 32 characters")
        grades = [g.strip() for g in row.get("grades").split(",") if g.strip()]
        if not _unique(check, seen, sid, "sourcedid") or role not in ("teacher", "student"):
            continue
        grade = _first_grade(check, grades) if role == "student" else ""
        if check.ok:
            roster.users[sid] = _User(
                row=check.number,
                role=role,
                username=username,
                ref=ident or sid,
                given=given,
                family=family,
                email=email,
                grade=grade,
                gone=status == "tobedeleted" or enabled == "false",
            )

    seen = {}
    all_classes = {r.get("sourcedid") for r in rows["classes"]}
    all_users = {r.get("sourcedid") for r in rows["users"]}
    for row in rows["enrollments"]:
        check = _Check("enrollments", row, errors)
        sid = check.text("sourcedid", max_length=255)
        cls = check.text("classsourcedid", max_length=255)
        check.text("schoolsourcedid", max_length=255)
        user = check.text("usersourcedid", max_length=255)
        role = check.choice("role", ENROLLMENT_ROLES, what="enrollment role")
        status = _status(check)
        primary = check.choice("primary", ("true", "false"), what="value", required=False)
        begin = check.date("begindate", required=False)
        end = check.date("enddate", required=False)
        if begin and end and end < begin:
            check.error("enddate", f"{end} is before the beginDate {begin}")
        if cls and cls not in all_classes:
            check.error("classsourcedid", f"no class '{cls}' in classes.csv")
        if user and user not in all_users:
            check.error("usersourcedid", f"no user '{user}' in users.csv")
        if not _unique(check, seen, sid, "sourcedid") or not check.ok:
            continue
        current = (
            status != "tobedeleted"
            and (begin is None or begin <= today)
            and (end is None or today <= end)
        )
        if not current or cls not in roster.classes or user not in roster.users:
            continue
        person = roster.users[user]
        if role == "student" and person.role == "student":
            other = roster.homeroom_of.get(user)
            if other is not None and other != cls:
                check.error("classsourcedid", f"student '{user}' is already in homeroom '{other}'")
                continue
            roster.homeroom_of[user] = cls
        elif (
            role == "teacher"
            and person.role == "teacher"
            and (primary == "true" or cls not in roster.teacher_of)
        ):
            roster.teacher_of[cls] = user
    return roster


# ---------------------------------------------------------------------------------------
# Applying


def _item(
    result: ImportResult, key: str, action: str, details: Iterable[str], counter: str
) -> None:
    result.items.append(ImportItem(key, action, list(details)))
    result.counts[counter] += 1


@transaction.atomic
def roster_import(
    *, actor: User, district: District, texts: dict[str, str], dry_run: bool
) -> ImportResult:
    """Bring schools, homerooms, teachers and students in line with a OneRoster export.

    With `dry_run` nothing is written; the result says what would happen.
    """
    if not can_import_roster(actor):
        raise PermissionDenied
    result = ImportResult(
        dry_run=dry_run, counts=dict.fromkeys(ROSTER_LABELS, 0), labels=ROSTER_LABELS
    )
    errors: list[RowError] = []
    for key in REQUIRED_FILES:
        if not texts.get(key, "").strip():
            errors.append(RowError(1, "", "the file is missing or empty", file=f"{key}.csv"))
    today = timezone.localdate()
    roster = _parse({k: v for k, v in texts.items() if v.strip()}, today, errors)

    schools = {s.code.lower(): s for s in School.objects.filter(district=district)}
    rooms = {
        (c.school.code.lower(), c.code.lower()): c
        for c in Classroom.objects.filter(school__district=district).select_related(
            "school", "teacher"
        )
    }
    teachers = [u for u in roster.users.values() if u.role == "teacher"]
    users = users_by_username(district, (u.username for u in teachers))
    for t in teachers:
        existing = users.get(t.username.lower())
        if existing is not None and existing.role != Role.TEACHER:
            errors.append(
                RowError(
                    t.row,
                    "username",
                    f"user '{t.username}' exists and is not a teacher",
                    file="users.csv",
                )
            )
    lowered = [t.username.lower() for t in teachers]
    taken = set(
        User.objects.exclude(district=district)
        .annotate(lower_name=Lower("username"))
        .filter(lower_name__in=lowered)
        .values_list("lower_name", flat=True)
    )
    first_row: dict[str, int] = {}
    for t in teachers:
        name = t.username.lower()
        if name in first_row:
            errors.append(
                RowError(
                    t.row,
                    "username",
                    f"username '{t.username}' is also on row {first_row[name]}",
                    file="users.csv",
                )
            )
        first_row.setdefault(name, t.row)
        if name in taken:
            errors.append(
                RowError(t.row, "username", f"username '{t.username}' is taken", file="users.csv")
            )
    if errors:
        result.errors = sorted(dict.fromkeys(errors), key=lambda e: (_file_order(e.file), e.row))
        return result

    # Schools.
    school_of: dict[str, School] = {}
    for sid, org in roster.orgs.items():
        school = schools.get(org.code)
        if school is None:
            _item(result, org.code, "create", [f"new school '{org.name}'"], "schools_created")
            school = School(district=district, code=org.code, name=org.name)
            if not dry_run:
                school.save()
                audit_record(
                    actor=actor, action=AuditAction.IMPORT, obj=school, detail={"created": True}
                )
        elif school.name != org.name:
            _item(result, org.code, "update", ["name changed"], "schools_updated")
            school.name = org.name
            if not dry_run:
                school.save(update_fields=["name"])
                audit_record(
                    actor=actor, action=AuditAction.IMPORT, obj=school, detail={"fields": ["name"]}
                )
        else:
            result.counts["unchanged"] += 1
        school_of[sid] = school

    # Teachers.
    teacher_of_sid: dict[str, User] = {}
    for sid, person in roster.users.items():
        if person.role != "teacher":
            continue
        user = users.get(person.username.lower())
        wanted = {"first_name": person.given, "last_name": person.family}
        if person.email:
            wanted["email"] = person.email
        if user is None:
            _item(
                result,
                person.username,
                "create",
                ["new teacher (no password: invite them)"],
                "teachers_created",
            )
            user = User(username=person.username, role=Role.TEACHER, district=district, **wanted)
            user.set_unusable_password()
            if not dry_run:
                user.save()
                audit_record(
                    actor=actor, action=AuditAction.IMPORT, obj=user, detail={"created": True}
                )
        else:
            changed = [k for k, v in wanted.items() if getattr(user, k) != v]
            if changed:
                _item(
                    result,
                    person.username,
                    "update",
                    [f"{', '.join(changed)} changed"],
                    "teachers_updated",
                )
                for k in changed:
                    setattr(user, k, wanted[k])
                if not dry_run:
                    user.save(update_fields=changed)
                    audit_record(
                        actor=actor, action=AuditAction.IMPORT, obj=user, detail={"fields": changed}
                    )
            else:
                result.counts["unchanged"] += 1
        teacher_of_sid[sid] = user

    # Classrooms.
    room_of: dict[str, Classroom] = {}
    for sid, cls in roster.classes.items():
        school = school_of[cls.school_id]
        label = f"{school.code}/{cls.code}"
        teacher_sid = roster.teacher_of.get(sid)
        teacher = teacher_of_sid.get(teacher_sid) if teacher_sid else None
        room = rooms.get((school.code.lower(), cls.code))
        if room is None:
            details = [f"new classroom '{cls.title}'"]
            if teacher is not None:
                details.append(f"teacher {teacher.username}")
            _item(result, label, "create", details, "classrooms_created")
            room = Classroom(
                school=school, code=cls.code, name=cls.title, grade=cls.grade, teacher=teacher
            )
            if not dry_run:
                room.save()
                audit_record(
                    actor=actor, action=AuditAction.IMPORT, obj=room, detail={"created": True}
                )
        else:
            changed = []
            if room.name != cls.title:
                changed.append("name")
            if cls.grade and room.grade != cls.grade:
                changed.append("grade")
            if teacher is not None and room.teacher_id != teacher.pk:
                changed.append("teacher")
            if changed:
                _item(
                    result, label, "update", [f"{', '.join(changed)} changed"], "classrooms_updated"
                )
                room.name = cls.title
                room.grade = cls.grade or room.grade
                if teacher is not None:
                    room.teacher = teacher
                if not dry_run:
                    room.save(update_fields=changed)
                    audit_record(
                        actor=actor, action=AuditAction.IMPORT, obj=room, detail={"fields": changed}
                    )
            else:
                result.counts["unchanged"] += 1
        room_of[sid] = room

    # Students Push-In holds.
    by_ref = {u.ref: (sid, u) for sid, u in roster.users.items() if u.role == "student"}
    covered = {s.pk for s in school_of.values() if s.pk is not None}
    known = Student.objects.filter(district=district).select_related("classroom__school")
    held: set[str] = set()
    for student in known:
        found = by_ref.get(student.ref)
        in_scope = student.classroom.school_id in covered
        if found is None:
            if in_scope and student.active:
                _deactivate(result, actor, student, "no longer in the roster", dry_run)
            continue
        held.add(student.ref)
        sid, person = found
        homeroom = roster.homeroom_of.get(sid)
        if person.gone or homeroom is None:
            if student.active:
                why = "left (tobedeleted or disabled)" if person.gone else "no current homeroom"
                _deactivate(result, actor, student, why, dry_run)
            continue
        _student_update(result, actor, student, person, room_of[homeroom], dry_run)
    result.counts["students_not_on_caseload"] = len(set(by_ref) - held)
    return result


def _file_order(name: str) -> int:
    stem = name.removesuffix(".csv")
    return FILES.index(stem) if stem in FILES else len(FILES)


def _deactivate(
    result: ImportResult, actor: User, student: Student, why: str, dry_run: bool
) -> None:
    result.items.append(ImportItem(student.ref, "update", [f"made inactive: {why}"], student))
    result.counts["students_deactivated"] += 1
    if not dry_run:
        # The privacy service records the day they left (the retention clock) and frees
        # their places in sessions still to come, as a deactivation by hand does.
        student_deactivate(actor=actor, student=student)
        version_bump(Student.objects.filter(pk=student.pk))
        audit_record(
            actor=actor,
            action=AuditAction.IMPORT,
            obj=student,
            student_id=student.pk,
            detail={"fields": ["active"], "active": False, "via": "roster"},
        )


def _student_update(
    result: ImportResult,
    actor: User,
    student: Student,
    person: _User,
    room: Classroom,
    dry_run: bool,
) -> None:
    changed: list[str] = []
    details: list[str] = []
    if not student.active:
        changed.append("active")
        details.append("active again (back in the roster)")
        result.counts["students_reactivated"] += 1
        student.active = True
    for name, value in (("first_name", person.given), ("last_name", person.family)):
        if getattr(student, name) != value:
            changed.append(name)
            setattr(student, name, value)
    if person.grade and student.grade != person.grade:
        changed.append("grade")
        student.grade = person.grade
    if room.pk is None or student.classroom_id != room.pk:
        changed.append("classroom")
        details.append(f"moves to classroom {room.school.code}/{room.code}")
        student.classroom = room
    if not changed:
        result.counts["unchanged"] += 1
        result.items.append(ImportItem(student.ref, "unchanged", [], student))
        return
    named = [n.replace("_", " ") for n in changed if n not in ("active", "classroom")]
    if named:
        details.insert(0, f"{', '.join(named)} changed")
    result.items.append(ImportItem(student.ref, "update", details, student))
    if changed != ["active"]:
        result.counts["students_updated"] += 1
    if dry_run:
        return
    student.save(update_fields=changed)
    version_bump(Student.objects.filter(pk=student.pk))
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT,
        obj=student,
        student_id=student.pk,
        detail={"fields": changed, "via": "roster"},
    )

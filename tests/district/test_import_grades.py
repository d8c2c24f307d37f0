"""Grades from preschool to transition (issue 14) through the three imports: the student
CSV, the timetable CSV and the OneRoster roster. Old spellings are read, an unknown grade
is a row/field error that writes nothing."""

from __future__ import annotations

import pytest

from pushin.caseload.models import Student
from pushin.district.models import Classroom
from pushin.district.oneroster import ROSTER_GRADES, roster_grade
from pushin.vocabulary import Grade, grade_from_text
from tests.caseload import test_import_students as students_csv
from tests.district import test_import_roster as roster
from tests.district import test_import_timetables as timetables_csv


@pytest.mark.parametrize(
    ("written", "grade"),
    [
        ("PK3", "PK3"),
        ("pk4", "PK4"),
        ("Pre-K", "PK4"),
        ("KG", "K"),
        ("k", "K"),
        ("07", "7"),
        ("12", "12"),
        ("18-22", "18-22"),
        ("Transition", "18-22"),
        ("", ""),
    ],
)
def test_grade_spellings(written, grade):
    assert grade_from_text(written) == grade
    assert grade == "" or grade in Grade.values


@pytest.mark.parametrize("written", ["13", "PS", "G7", "seventh", "0K", "-1"])
def test_not_a_grade(written):
    assert grade_from_text(written) is None


@pytest.mark.parametrize(
    ("code", "grade"),
    [
        ("PR", "PK3"),
        ("PK", "PK4"),
        ("TK", "PK4"),
        ("KG", "K"),
        ("01", "1"),
        ("09", "9"),
        ("12", "12"),
        ("13", "18-22"),
        ("PS", "18-22"),
        ("UG", ""),
        ("ps", "18-22"),
    ],
)
def test_oneroster_grade_codes(code, grade):
    assert roster_grade(code) == grade


@pytest.mark.parametrize("code", ["IT", "Other", "14", "XX"])
def test_oneroster_codes_outside_ages_3_to_22(code):
    assert roster_grade(code) is None


def test_every_roster_grade_is_a_push_in_grade():
    assert set(ROSTER_GRADES.values()) - {""} <= set(Grade.values)


# --- the student CSV -----------------------------------------------------------------------


def test_student_csv_reads_secondary_and_transition_grades(world):
    text = students_csv.make_csv(
        students_csv.row(student_ref="T-1", grade="PK3"),
        students_csv.row(student_ref="T-2", grade="08"),
        students_csv.row(student_ref="T-3", grade="18-22"),
    )
    result = students_csv.run(world, text)
    assert result.applied, result.error_lines()
    grades = dict(Student.objects.filter(ref__startswith="T-").values_list("ref", "grade"))
    assert grades == {"T-1": "PK3", "T-2": "8", "T-3": "18-22"}


def test_student_csv_unknown_grade_names_row_and_column(world):
    before = Student.objects.count()
    lines = students_csv.errors_of(world, students_csv.row(grade="14"))
    assert lines == [
        "row 2, column grade: '14' is not a grade; valid: PK3, PK4, K, 1 to 12 or 18-22 "
        "(transition)"
    ]
    assert Student.objects.count() == before


# --- the timetable CSV ---------------------------------------------------------------------


def test_timetable_csv_reads_a_transition_program_and_its_activities(world):
    rows = [
        timetables_csv.row(
            classroom_code="tp1", classroom_name="Transition 1", grade="Transition",
            day="mon", start="09:00", end="10:00", activity="vocational",
        ),
        timetables_csv.row(
            classroom_code="tp1", classroom_name="Transition 1", grade="Transition",
            day="mon", start="10:00", end="11:30", activity="community_outing",
        ),
        timetables_csv.row(
            classroom_code="ms7", classroom_name="Science 7", grade="7",
            day="tue", start="09:00", end="09:50", activity="lab",
        ),
        timetables_csv.row(
            classroom_code="ms7", classroom_name="Science 7", grade="7",
            day="tue", start="09:50", end="09:55", activity="class_change",
        ),
    ]  # fmt: skip
    result = timetables_csv.run(world, timetables_csv.make_csv(*rows))
    assert result.applied, result.error_lines()
    program = Classroom.objects.get(code="tp1")
    assert program.grade == "18-22"
    assert sorted(program.blocks.values_list("activity", flat=True)) == [
        "community_outing",
        "vocational",
    ]
    assert Classroom.objects.get(code="ms7").grade == "7"


def test_timetable_csv_unknown_grade_is_an_error(world):
    lines = timetables_csv.errors_of(world, timetables_csv.row(grade="grade two"))
    assert lines == [
        "row 2, column grade: 'grade two' is not a grade; valid: PK3, PK4, K, 1 to 12 or "
        "18-22 (transition)"
    ]


# --- OneRoster -----------------------------------------------------------------------------


def _with_grades(table, sourced_id, column, value):
    rows = [line[:] for line in table]
    index = rows[0].index(column)
    for line in rows[1:]:
        if line[0] == sourced_id:
            line[index] = value
    return rows


def test_roster_reads_preschool_and_transition_codes(world):
    classes = _with_grades(roster.CLASSES, "c-k1", "grades", "PK")
    classes = _with_grades(classes, "c-3b", "grades", "13")
    users = _with_grades(roster.USERS, "u-s2", "grades", "PR")
    users = _with_grades(users, "u-s1", "grades", "PS")
    result = roster.run(world, roster.texts(classes=classes, users=users))
    assert result.applied, result.error_lines()
    assert Classroom.objects.get(code="k1").grade == "PK4"
    assert Classroom.objects.get(code="3b").grade == "18-22"
    assert Student.objects.get(ref="S-0002").grade == "PK3"
    assert Student.objects.get(ref="S-0001").grade == "18-22"


def test_roster_unknown_grade_names_file_row_and_field(world):
    before = roster.snapshot()
    users = _with_grades(roster.USERS, "u-s1", "grades", "IT")
    classes = _with_grades(roster.CLASSES, "c-2a", "grades", "Other")
    result = roster.run(world, roster.texts(users=users, classes=classes))
    assert not result.applied
    lines = result.error_lines()
    assert (
        "users.csv row 5, column grades: 'IT' is not a grade Push-In knows; OneRoster codes "
        "PR, PK, TK, KG, 01 to 12, 13, PS and UG are read (ages 3 to 22)"
    ) in lines
    assert any(line.startswith("classes.csv row 2, column grades: 'Other'") for line in lines)
    assert roster.snapshot() == before


def test_a_teachers_grades_are_not_checked(world):
    users = _with_grades(roster.USERS, "u-t1", "grades", "IT")
    result = roster.run(world, roster.texts(users=users))
    assert result.applied, result.error_lines()

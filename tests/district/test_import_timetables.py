"""The timetable CSV import service: replacement per classroom, bad rows, atomicity."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.district.csv_import import timetables_import
from pushin.district.models import ActivityBlock, Classroom
from pushin.vocabulary import Activity

# The test world's timetable file (the shipped example matches the demo district instead).
EXAMPLE = Path(__file__).resolve().parents[1] / "data" / "csv" / "timetables.csv"
COLUMNS = [
    "school_code",
    "classroom_code",
    "classroom_name",
    "grade",
    "teacher_username",
    "day",
    "start",
    "end",
    "activity",
    "teacher_preference",
]
VALUES = ["maple", "2a", "Room 2A", "2", "teacher", "mon", "09:00", "09:45", "writing", ""]
BASE = dict(zip(COLUMNS, VALUES, strict=True))


def row(**changes: str) -> dict[str, str]:
    return {**BASE, **changes}


def make_csv(*rows: dict[str, str], columns: list[str] | None = None) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def run(world, text: str, *, actor=None, dry_run: bool = False):
    return timetables_import(
        actor=actor or world.admin, district=world.district, text=text, dry_run=dry_run
    )


def errors_of(world, *rows: dict[str, str]):
    result = run(world, make_csv(*rows))
    assert not result.applied
    return result.error_lines()


def snapshot() -> dict[str, object]:
    return {
        "classrooms": sorted(
            Classroom.objects.values_list("pk", "code", "name", "grade", "teacher_id")
        ),
        "blocks": sorted(
            ActivityBlock.objects.values_list(
                "pk", "classroom_id", "day", "start", "end", "activity", "teacher_preference"
            )
        ),
        "audit": AuditEntry.objects.count(),
    }


def week(classroom: Classroom) -> list[tuple[str, str, str, str, str]]:
    return [
        (b.day, f"{b.start:%H:%M}", f"{b.end:%H:%M}", b.activity, b.teacher_preference)
        for b in classroom.blocks.order_by("day", "start")
    ]


def test_example_file_replaces_named_classrooms_and_creates_missing_ones(world):
    kept = world.other_classroom.blocks.get(day="mon")  # same in the file: keeps its row
    result = run(world, EXAMPLE.read_text(encoding="utf-8"))
    assert result.applied, result.error_lines()
    assert result.counts == {
        "classrooms_created": 1,
        "classrooms_updated": 2,
        "classrooms_unchanged": 0,
        "blocks_added": 17,
        "blocks_removed": 3,
    }
    assert [(i.key, i.action) for i in result.items] == [
        ("maple/2a", "update"),
        ("cedar/k1", "update"),
        ("maple/3b", "create"),
    ]
    assert week(world.classroom) == [
        ("fri", "09:00", "09:45", "test", "bad"),
        ("mon", "08:30", "09:00", "carpet", ""),
        ("mon", "09:00", "09:45", "writing", "good"),
        ("mon", "10:00", "10:45", "math", ""),
        ("thu", "10:00", "10:45", "centers", "good"),
        ("tue", "09:00", "09:45", "writing", "good"),
        ("tue", "11:30", "12:00", "lunch_snack", ""),
        ("wed", "10:00", "10:45", "group_project", ""),
    ]
    assert ActivityBlock.objects.filter(pk=kept.pk).exists()
    assert world.other_classroom.blocks.count() == 6
    new = Classroom.objects.get(school=world.school, code="3b")
    assert (new.name, new.grade, new.teacher) == ("Room 3B", "3", None)
    assert new.blocks.count() == 4
    entries = AuditEntry.objects.filter(action=AuditAction.IMPORT)
    assert sorted(e.object_id for e in entries) == sorted(
        str(pk) for pk in (world.classroom.pk, world.other_classroom.pk, new.pk)
    )


def test_classrooms_not_in_the_file_are_untouched(world):
    text = make_csv(row(school_code="cedar", classroom_code="k1", classroom_name="Room K1"))
    before = week(world.classroom)
    result = run(world, text.replace("teacher,", "otherteacher,").replace(",2,", ",K,"))
    assert result.applied, result.error_lines()
    assert week(world.classroom) == before
    assert week(world.other_classroom) == [("mon", "09:00", "09:45", "writing", "")]


def test_reimport_of_the_same_file_changes_nothing(world):
    text = EXAMPLE.read_text(encoding="utf-8")
    run(world, text)
    before = snapshot()
    result = run(world, text)
    assert result.applied
    assert result.counts["classrooms_unchanged"] == 3
    assert not result.changed
    assert snapshot() == before


def test_classroom_fields_are_updated_and_empty_teacher_keeps_the_teacher(world):
    result = run(world, make_csv(row(classroom_name="Room 2A (annex)", teacher_username="")))
    assert result.applied
    world.classroom.refresh_from_db()
    assert (world.classroom.name, world.classroom.teacher) == ("Room 2A (annex)", world.teacher)


def test_dry_run_writes_nothing(world):
    before = snapshot()
    result = run(world, EXAMPLE.read_text(encoding="utf-8"), dry_run=True)
    assert result.ok
    assert not result.applied
    assert result.counts["blocks_added"] == 17
    assert snapshot() == before


def test_teacher_and_para_are_refused(world):
    for user in (world.teacher, world.para):
        with pytest.raises(PermissionDenied):
            run(world, make_csv(row()), actor=user)


def test_provider_may_import(world):
    assert run(world, make_csv(row()), actor=world.provider.user).applied


# --- bad rows --------------------------------------------------------------------------


def test_overlapping_blocks_name_both_rows(world):
    assert errors_of(world, row(), row(start="09:30", end="10:00", activity="math")) == [
        "row 3, column start: mon 09:30-10:00 overlaps row 2 (09:00-09:45) in classroom maple/2a"
    ]


def test_same_times_in_different_classrooms_or_days_do_not_overlap(world):
    other_room = row(school_code="cedar", classroom_code="k1", classroom_name="Room K1")
    other_room.update(grade="K", teacher_username="otherteacher")
    result = run(world, make_csv(row(), row(day="tue"), other_room))
    assert result.applied, result.error_lines()


def test_unknown_activity_lists_the_valid_ones(world):
    assert errors_of(world, row(activity="gym")) == [
        f"row 2, column activity: unknown activity 'gym'; valid: {', '.join(Activity.values)}"
    ]


def test_unknown_day(world):
    assert errors_of(world, row(day="sat")) == [
        "row 2, column day: unknown day 'sat'; valid: mon, tue, wed, thu, fri"
    ]


def test_bad_time(world):
    assert errors_of(world, row(start="9am", end="25:00")) == [
        "row 2, column start: '9am' is not a time (use HH:MM, e.g. 09:45)",
        "row 2, column end: '25:00' is not a time (use HH:MM, e.g. 09:45)",
    ]


def test_end_before_start(world):
    assert errors_of(world, row(start="09:45", end="09:00")) == [
        "row 2, column end: end 09:00 is not after start 09:45"
    ]


def test_unknown_school_code(world):
    assert errors_of(world, row(school_code="oak")) == [
        "row 2, column school_code: unknown school code 'oak'; valid: cedar, maple"
    ]


def test_bad_classroom_code(world):
    assert errors_of(world, row(classroom_code="room 2")) == [
        "row 2, column classroom_code: 'room 2' is not a code "
        "(letters, digits, - and _, at most 40)"
    ]


def test_unknown_teacher_or_not_a_teacher(world):
    assert errors_of(world, row(teacher_username="ghost"), row(teacher_username="para")) == [
        "row 2, column teacher_username: unknown teacher username 'ghost'",
        "row 3, column teacher_username: user 'para' is not a teacher",
    ]


def test_bad_preference(world):
    assert errors_of(world, row(teacher_preference="maybe")) == [
        "row 2, column teacher_preference: unknown preference 'maybe'; valid: good, bad"
    ]


def test_duplicate_row(world):
    assert errors_of(world, row(), row()) == ["row 3: duplicate of row 2"]


def test_rows_of_one_classroom_must_agree(world):
    assert errors_of(world, row(), row(day="tue", classroom_name="Other", grade="3")) == [
        "row 3, column classroom_name: differs from row 2 for the same classroom",
        "row 3, column grade: differs from row 2 for the same classroom",
    ]


def test_missing_required_column(world):
    columns = [c for c in COLUMNS if c != "activity"]
    assert run(world, make_csv(row(), columns=columns)).error_lines() == [
        "row 1, column activity: required column is missing from the header"
    ]


def test_every_problem_is_reported_at_once(world):
    rows = [
        row(),
        row(day="tue", activity="gym"),
        row(day="wed", start="10:00", end="09:00"),
        row(start="09:15", end="09:30"),
        row(),
    ]
    lines = errors_of(world, *rows)
    assert [line.split(":")[0] for line in lines] == [
        "row 3, column activity",
        "row 4, column end",
        "row 5, column start",
        "row 6",
    ]


# --- atomicity -------------------------------------------------------------------------


def test_a_late_invalid_row_means_nothing_is_written(world):
    before = snapshot()
    text = EXAMPLE.read_text(encoding="utf-8") + "maple,3b,Room 3B,3,,fri,14:15,14:45,music,\n"
    assert run(world, text).error_lines() == [
        "row 20, column start: fri 14:15-14:45 overlaps row 19 (14:00-14:30) in classroom maple/3b"
    ]
    assert snapshot() == before


def test_a_database_error_mid_import_rolls_everything_back(world, monkeypatch):
    before = snapshot()
    original = ActivityBlock.objects.bulk_create
    calls = {"n": 0}

    def failing_bulk_create(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise DatabaseError("forced")
        return original(*args, **kwargs)

    monkeypatch.setattr(ActivityBlock.objects, "bulk_create", failing_bulk_create)
    with pytest.raises(DatabaseError):
        run(world, EXAMPLE.read_text(encoding="utf-8"))
    assert calls["n"] == 2
    assert snapshot() == before


def test_preview_queries_do_not_grow_with_classrooms(world, django_assert_max_num_queries):
    for n in range(20):
        Classroom.objects.create(school=world.school, name=f"Room {n}", code=f"r{n}")
    text = make_csv(*(row(classroom_code=f"r{n}", classroom_name=f"Room {n}") for n in range(20)))
    with django_assert_max_num_queries(7):
        result = run(world, text, dry_run=True)
    assert result.counts["classrooms_updated"] == 20


def test_time_values_are_stored_as_times(world):
    run(world, make_csv(row(start="9:05", end="9:50")))
    block = world.classroom.blocks.get(day="mon")
    assert (block.start, block.end) == (dt.time(9, 5), dt.time(9, 50))

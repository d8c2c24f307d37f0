"""A NUL character in a CSV cell (issue 10, low): every import refuses it with its row and
column, writes nothing, and the page answers with the problem, never a 500. (PostgreSQL
cannot store the character, so the import used to fail there with a misleading "try
again"; SQLite stored it.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pushin.district.csv_import import RowError, read_csv
from pushin.sessions.csv_import import past_minutes_import
from pushin.sessions.models import DatedSession, SessionStudent
from tests.district.test_import_timetables import make_csv, row, run, snapshot
from tests.factories import World

NUL = "\x00"


def test_read_csv_names_every_cell_with_a_nul_and_keeps_the_row_out() -> None:
    errors: list[RowError] = []
    text = f"a,b,c\n1,2,3\nx{NUL},y,z{NUL}\n4,5,6\n"
    rows = read_csv(text, required=("a", "b", "c"), optional=(), errors=errors)
    assert [str(e) for e in errors] == [
        "row 3, column a: contains a NUL character",
        "row 3, column c: contains a NUL character",
    ]
    assert [r.number for r in rows] == [2, 4]


def test_read_csv_refuses_a_nul_in_the_header() -> None:
    errors: list[RowError] = []
    rows = read_csv(f"a,b{NUL},c\n1,2,3\n", required=("a",), optional=("b", "c"), errors=errors)
    assert [str(e) for e in errors] == ["row 1: header cell 2 contains a NUL character"]
    assert rows == []


def test_read_csv_a_nul_in_a_cell_without_a_column_name() -> None:
    errors: list[RowError] = []
    read_csv(f"a,,c\n1,{NUL},3\n", required=("a",), optional=("c",), errors=errors)
    assert [str(e) for e in errors] == ["row 2, column 2: contains a NUL character"]


def test_a_timetable_cell_with_a_nul_is_refused_and_nothing_is_written(world: World) -> None:
    before = snapshot()
    text = make_csv(row(activity="math"), row(day="tue", classroom_name=f"Room{NUL} 2A"))
    result = run(world, text)
    assert result.error_lines() == ["row 3, column classroom_name: contains a NUL character"]
    assert snapshot() == before


def test_the_timetable_page_shows_the_nul_problem(world: World, login) -> None:
    before = snapshot()
    text = make_csv(row(classroom_name=f"Room 2A{NUL}"))
    upload = SimpleUploadedFile("t.csv", text.encode("utf-8"), content_type="text/csv")
    response = login(world.admin).post(reverse("district:import_timetables"), {"file": upload})
    assert response.status_code == 200
    assert "row 2, column classroom_name: contains a NUL character" in response.content.decode()
    assert snapshot() == before


def test_a_minutes_cell_with_a_nul_is_refused_and_nothing_is_written(world: World) -> None:
    world.district.records_start = dt.date(2026, 11, 2)
    world.district.save()
    text = f"date,student,minutes,service,note\n2026-09-08,S-0001,30,OT,on the{NUL} line\n"
    result = past_minutes_import(
        actor=world.provider.user, district=world.district, text=text, dry_run=False
    )
    assert result.error_lines() == ["row 2, column note: contains a NUL character"]
    assert not DatedSession.objects.exists()
    assert not SessionStudent.objects.exists()


@pytest.mark.parametrize("cell", ["classroom_code", "day", "start", "teacher_username"])
def test_a_nul_in_any_timetable_column_is_refused(world: World, cell: str) -> None:
    before = snapshot()
    result = run(world, make_csv(row(**{cell: f"{row()[cell]}{NUL}"})))
    assert result.error_lines() == [f"row 2, column {cell}: contains a NUL character"]
    assert snapshot() == before

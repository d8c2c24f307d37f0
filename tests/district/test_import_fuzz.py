"""Fuzzing the timetable and past-minutes imports (issue 10): random text, random bytes
and CSV-shaped files never make an import raise (a 500 on the page) and never leave a
partial write: a file with problems changes no table. Random uploads through the pages
answer 200."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pushin.district.csv_import import timetables_import
from pushin.sessions.csv_import import past_minutes_import
from pushin.vocabulary import Activity, Discipline, Weekday
from tests.district.fuzz_helpers import (
    FUZZ,
    VIEW_FUZZ,
    any_text,
    check_import,
    check_page,
    csv_files,
    example_rows,
)
from tests.factories import World

TIMETABLE_COLUMNS = {
    "school_code": ["maple", "cedar", "MAPLE", "oak"],
    "classroom_code": ["2a", "k1", "2A", "3b", "new-room"],
    "classroom_name": ["Room 2A", "Room K1", "Room 3B"],
    "grade": ["2", "K", ""],
    "teacher_username": ["teacher", "otherteacher", "TEACHER", "para", "ghost", ""],
    "day": [*Weekday.values, "sat", "Mon"],
    "start": ["08:30", "09:00", "9:00", "10:00", "10:15", "13:00"],
    "end": ["09:00", "09:45", "10:45", "11:00", "13:45"],
    "activity": [*Activity.values, "gym"],
    "teacher_preference": ["", "good", "bad", "maybe"],
}
TIMETABLES = csv_files(TIMETABLE_COLUMNS, example_rows("timetables.csv"))
MINUTES_COLUMNS = {
    "date": ["2026-09-08", "2026-10-01", "2026-11-01", "2026-11-02", "2026-12-02", "2027-01-04"],
    "student": ["S-0001", "s-0001", "S-0002", "S-9999"],
    "minutes": ["30", "25", "600", "601", "0"],
    "service": [*Discipline.values, "XX", "ot"],
    "note": ["", "Letters on the line", "on the line"],
}


MINUTES = csv_files(MINUTES_COLUMNS, example_rows("minutes.csv"))


def actors(world: World) -> st.SearchStrategy:
    return st.sampled_from([world.admin, world.provider.user, world.other_provider.user])


def _timetables(world: World, actor, text: str, dry_run: bool):
    return check_import(
        lambda: timetables_import(actor=actor, district=world.district, text=text, dry_run=dry_run)
    )


def _minutes(world: World, actor, text: str, dry_run: bool):
    return check_import(
        lambda: past_minutes_import(
            actor=actor, district=world.district, text=text, dry_run=dry_run
        )
    )


def _started(world: World) -> World:
    world.district.records_start = dt.date(2026, 11, 2)
    world.district.save()
    return world


# --- timetables --------------------------------------------------------------------------


def test_timetable_import_of_csv_shaped_files(world: World) -> None:
    applied = []

    @FUZZ
    @given(actor=actors(world), text=TIMETABLES, dry_run=st.booleans())
    def fuzz(actor, text: str, dry_run: bool) -> None:
        applied.append(_timetables(world, actor, text, dry_run).applied)

    fuzz()
    assert any(applied)  # the files reached both outcomes
    assert not all(applied)


def test_timetable_import_of_random_text(world: World) -> None:
    @FUZZ
    @given(actor=actors(world), text=any_text())
    def fuzz(actor, text: str) -> None:
        assert not _timetables(world, actor, text, False).applied

    fuzz()


def test_timetable_page_with_random_uploads(world: World, login) -> None:
    client = login(world.provider.user)
    url = reverse("district:import_timetables")

    @VIEW_FUZZ
    @given(data=st.one_of(st.binary(max_size=400), TIMETABLES.map(str.encode)))
    def fuzz(data: bytes) -> None:
        upload = SimpleUploadedFile("t.csv", data, content_type="text/csv")
        check_page(lambda: client.post(url, {"file": upload}))

    fuzz()


# --- past minutes ------------------------------------------------------------------------


def test_minutes_import_of_csv_shaped_files(world: World) -> None:
    _started(world)
    applied = []

    @FUZZ
    @given(actor=actors(world), text=MINUTES, dry_run=st.booleans())
    def fuzz(actor, text: str, dry_run: bool) -> None:
        applied.append(_minutes(world, actor, text, dry_run).applied)

    fuzz()
    assert any(applied)
    assert not all(applied)


def test_minutes_import_of_random_text(world: World) -> None:
    _started(world)

    @FUZZ
    @given(actor=actors(world), text=any_text())
    def fuzz(actor, text: str) -> None:
        assert not _minutes(world, actor, text, False).applied

    fuzz()


def test_minutes_page_with_random_uploads(world: World, login) -> None:
    _started(world)
    client = login(world.admin)
    url = reverse("minutes:import")

    @VIEW_FUZZ
    @given(data=st.one_of(st.binary(max_size=400), MINUTES.map(str.encode)))
    def fuzz(data: bytes) -> None:
        upload = SimpleUploadedFile("m.csv", data, content_type="text/csv")
        check_page(lambda: client.post(url, {"file": upload}))

    fuzz()

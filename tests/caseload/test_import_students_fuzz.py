"""Fuzzing the student import (issue 10): random text, random bytes and CSV-shaped files
(rows of the example file with cells swapped for other valid values, hostile ones or
random text) never make the import raise (a 500 on the page) and never leave a partial
write: a file with problems changes no table."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pushin.caseload.csv_import import students_import
from pushin.caseload.models import Frequency, Method
from pushin.vocabulary import Comfort, Delivery, Discipline, Domain, Grouping
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

COLUMNS = {
    "student_ref": ["DEMO-001", "DEMO-002", "S-0001", "S-0002", "s-0001", "T-1"],
    "first_name": ["Ada", "Avery", "Blake"],
    "last_name": ["Fakename", "Sample"],
    "grade": ["2", "K", ""],
    "school_code": ["maple", "cedar", "MAPLE", "oak"],
    "classroom_code": ["2a", "k1", "2A", "3b"],
    "provider_username": ["provider", "otherprovider", "PROVIDER", "teacher", "ghost"],
    "para_usernames": ["para", "", "para;para", "para; ghost", "teacher"],
    "iep_start": ["2026-09-01", "2026-08-31", "2027-01-01"],
    "iep_end": ["2027-06-18", "2026-09-01", "2028-01-01"],
    "annual_review": ["2027-05-20", "2027-06-18", "2026-01-01"],
    "comfort": ["", *Comfort.values, "shy"],
    "discipline": [*Discipline.values, "XX"],
    "minutes": ["60", "30", "90", "100000", "100001", "45"],
    "frequency": [*Frequency.values, "daily"],
    "session_minutes": ["30", "5", "120", "121", "4"],
    "delivery": [*Delivery.values, "remote"],
    "grouping": [*Grouping.values, "crowd"],
    "max_group": ["3", "1", "20", "21", ""],
    "goal_domain": [*Domain.values, "cooking"],
    "goal_text": ["Writes on the line.", "Opens lunch containers independently."],
    "goal_method": [*Method.values, "guess"],
    "goal_baseline": ["", "40%"],
    "goal_target": ["80%", ""],
    "goal_mastery": ["", "in 3 consecutive sessions"],
}
STUDENTS = csv_files(COLUMNS, example_rows("students.csv"))
EFFECTIVE = st.sampled_from(
    [dt.date(2026, 10, 1), dt.date(2026, 8, 31), dt.date(2026, 9, 1), dt.date(2030, 1, 1)]
)


def actors(world: World) -> st.SearchStrategy:
    return st.sampled_from([world.admin, world.provider.user, world.other_provider.user])


def _students(world: World, actor, text: str, effective: dt.date, dry_run: bool):
    return check_import(
        lambda: students_import(
            actor=actor,
            district=world.district,
            text=text,
            effective_from=effective,
            dry_run=dry_run,
        )
    )


def test_student_import_of_csv_shaped_files(world: World) -> None:
    applied = []

    @FUZZ
    @given(actor=actors(world), text=STUDENTS, effective=EFFECTIVE, dry_run=st.booleans())
    def fuzz(actor, text: str, effective: dt.date, dry_run: bool) -> None:
        applied.append(_students(world, actor, text, effective, dry_run).applied)

    fuzz()
    assert any(applied)  # the files reached both outcomes
    assert not all(applied)


def test_student_import_of_random_text(world: World) -> None:
    @FUZZ
    @given(actor=actors(world), text=any_text(), effective=EFFECTIVE)
    def fuzz(actor, text: str, effective: dt.date) -> None:
        assert not _students(world, actor, text, effective, False).applied

    fuzz()


def test_student_page_with_random_uploads(world: World, login) -> None:
    client = login(world.provider.user)
    url = reverse("caseload:import_students")

    @VIEW_FUZZ
    @given(
        data=st.one_of(st.binary(max_size=400), STUDENTS.map(str.encode)),
        effective=st.sampled_from(["2026-10-01", "", "2026-02-30", "0001-01-01", "\x00"]),
    )
    def fuzz(data: bytes, effective: str) -> None:
        upload = SimpleUploadedFile("s.csv", data, content_type="text/csv")
        check_page(lambda: client.post(url, {"file": upload, "effective_from": effective}))

    fuzz()

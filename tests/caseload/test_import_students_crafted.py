"""Crafted student files (issue 10, low): a file naming 1,000 or more usernames (it once
built one OR term per name, past SQLite's expression depth: a 500), and a NUL character in
a cell (SQLite stored it, PostgreSQL failed with "try again"). Each gets a clear answer
naming row and column, never a 500, and nothing is written."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pushin.accounts.models import Role, User
from pushin.caseload.models import Student
from pushin.district.csv_import import users_by_username
from tests.caseload.test_import_students import BASE, make_csv, row, run, snapshot
from tests.factories import World, _password_hash

URL = reverse("caseload:import_students")
NUL = "\x00"
MANY = 1200


def ghosts(n: int = MANY) -> list[dict[str, str]]:
    return [row(student_ref=f"G-{i:05d}", provider_username=f"ghost{i:05d}") for i in range(n)]


def make_paras(world: World, n: int) -> list[User]:
    return User.objects.bulk_create(
        User(
            username=f"para{i:05d}",
            password=_password_hash(),
            role=Role.PARA,
            district=world.district,
        )
        for i in range(n)
    )


def test_a_file_naming_many_unknown_usernames_gets_its_errors(world: World) -> None:
    before = snapshot()
    result = run(world, make_csv(*ghosts()))
    lines = result.error_lines()
    assert len(lines) == MANY
    assert lines[0] == "row 2, column provider_username: unknown provider username 'ghost00000'"
    assert lines[-1] == (
        f"row {MANY + 1}, column provider_username: unknown provider username 'ghost{MANY - 1:05d}'"
    )
    assert snapshot() == before


def test_one_cell_naming_a_thousand_paras_imports(world: World) -> None:
    paras = make_paras(world, 1000)
    names = ";".join(p.username.upper() for p in paras)
    result = run(world, make_csv(row(para_usernames=names)))
    assert result.applied, result.error_lines()[:3]
    student = Student.objects.get(ref="T-100")
    assert student.paras.count() == 1000


def test_users_by_username_finds_thousands_case_insensitively(world: World) -> None:
    make_paras(world, 2500)
    found = users_by_username(world.district, [f"PARA{i:05d}" for i in range(2500)] + ["nobody"])
    assert len(found) == 2500
    assert found["para02499"].username == "para02499"


def test_the_page_answers_a_file_of_many_usernames(world: World, login) -> None:
    before = snapshot()
    upload = SimpleUploadedFile(
        "students.csv", make_csv(*ghosts()).encode("utf-8"), content_type="text/csv"
    )
    response = login(world.admin).post(URL, {"file": upload, "effective_from": "2026-10-01"})
    assert response.status_code == 200
    content = response.content.decode()
    assert f"{MANY} problems in the file: nothing was imported" in content
    assert "row 2, column provider_username: unknown provider username" in content
    assert snapshot() == before


def test_a_nul_in_a_student_cell_is_refused_and_nothing_is_written(world: World) -> None:
    before = snapshot()
    text = make_csv(row(), row(student_ref="T-101", last_name=f"Zy{NUL}xwv"))
    assert run(world, text).error_lines() == ["row 3, column last_name: contains a NUL character"]
    assert snapshot() == before


def test_the_student_page_shows_the_nul_problem(world: World, login) -> None:
    before = snapshot()
    text = make_csv({**BASE, "goal_text": f"Writes{NUL} on the line."})
    upload = SimpleUploadedFile("students.csv", text.encode("utf-8"), content_type="text/csv")
    response = login(world.admin).post(URL, {"file": upload, "effective_from": "2026-10-01"})
    assert response.status_code == 200
    assert "row 2, column goal_text: contains a NUL character" in response.content.decode()
    assert snapshot() == before

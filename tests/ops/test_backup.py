"""`manage.py backup` and `manage.py restore` (pushin/ops/backup.py): a round trip gives
back every table, row for row, on the database the tests run on (SQLite's online backup
API on the first pass, pg_dump/pg_restore on the PostgreSQL pass)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from pushin.accounts.models import Role
from pushin.caseload.models import Student
from pushin.sessions.models import DataKind, DataPoint, SessionStudent
from tests.factories import make_user, make_world
from tests.sessions.factories import dated_session, first_goal

# Runs on both passes; commits for real (pg_dump reads from another process).
pytestmark = [pytest.mark.database, pytest.mark.django_db(transaction=True)]

Snapshot = dict[str, list[str]]


def every_table() -> Snapshot:
    """Every table of the database and all its rows, in a stable order."""
    snapshot: Snapshot = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            snapshot[table] = sorted(repr(tuple(row)) for row in cursor.fetchall())
    return snapshot


def clinical_world() -> None:
    world = make_world()
    session = dated_session(world)
    record = SessionStudent.objects.get(session=session, student=world.student)
    goal = first_goal(world.student)
    assert goal is not None
    DataPoint.objects.create(record=record, goal=goal, kind=DataKind.TRIAL, correct=True)
    DataPoint.objects.create(record=record, goal=goal, kind=DataKind.NARRATIVE, text="Tripod grasp")


def test_a_backup_restored_gives_back_every_table(tmp_path: Path) -> None:
    clinical_world()
    before = every_table()
    assert sum(len(rows) for rows in before.values()) > 50
    path = tmp_path / "nightly.bak"
    call_command("backup", str(path))
    assert path.stat().st_size > 0

    # Life goes on after the backup: data taken, a name corrected, someone added.
    DataPoint.objects.filter(kind=DataKind.NARRATIVE).delete()
    Student.objects.update(first_name="Changed")
    make_user("latecomer", Role.TEACHER)
    SessionStudent.objects.update(minutes_delivered=17)
    assert every_table() != before

    call_command("restore", str(path), "--yes")
    after = every_table()
    assert after.keys() == before.keys()
    for table in before:
        assert after[table] == before[table], table


def test_the_default_backup_file_is_named_for_the_moment_and_never_overwritten(
    tmp_path: Path, settings: Any
) -> None:
    settings.BASE_DIR = tmp_path
    call_command("backup")
    (made,) = (tmp_path / "var" / "backups").iterdir()
    suffix = "sqlite3" if connection.vendor == "sqlite" else "pgdump"
    assert made.name == f"pushin-20261202T170000Z.{suffix}"
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup", str(made))


def test_restore_refuses_what_is_not_a_backup_of_this_kind(tmp_path: Path) -> None:
    clinical_world()
    before = every_table()
    text = tmp_path / "notes.txt"
    text.write_text("not a database")
    with pytest.raises(CommandError, match="not a Push-In backup"):
        call_command("restore", str(text), "--yes")
    other = tmp_path / "other.bak"
    other.write_bytes(b"PGDMP" + bytes(100) if connection.vendor == "sqlite" else b"")
    if connection.vendor != "sqlite":
        import sqlite3

        sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(CommandError, match="backup; this installation's database is"):
        call_command("restore", str(other), "--yes")
    with pytest.raises(CommandError, match="no such backup file"):
        call_command("restore", str(tmp_path / "missing.bak"), "--yes")
    assert every_table() == before


def test_restore_asks_first(tmp_path: Path) -> None:
    path = tmp_path / "b.bak"
    call_command("backup", str(path))
    with pytest.raises(CommandError, match="confirm with --yes"):
        call_command("restore", str(path))

"""Carried-over observations are part of the student's record: exported and deleted with it."""

from __future__ import annotations

import io
import json
import zipfile

from pushin.caseload.privacy import student_export
from pushin.watchlist.models import CarriedObservation
from pushin.watchlist.services import watch_entry_carry_over
from tests.factories import World
from tests.watchlist.helpers import make_entry


def test_the_students_export_holds_the_carried_observations(world: World) -> None:
    entry = make_entry(world)
    watch_entry_carry_over(actor=world.provider.user, entry=entry, student=world.student)
    archive = zipfile.ZipFile(io.BytesIO(student_export(actor=world.admin, student=world.student)))
    rows = json.loads(archive.read("records/watchlist.carriedobservation.json"))
    assert [r["fields"]["activity"] for r in rows] == ["writing", "centers", "writing"]
    assert all(r["fields"]["student"] == world.student.pk for r in rows)


def test_they_go_with_the_student(world: World) -> None:
    entry = make_entry(world)
    watch_entry_carry_over(actor=world.provider.user, entry=entry, student=world.student)
    world.student.delete()
    assert not CarriedObservation.objects.exists()

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from pushin.district.models import ExceptionKind, TimetableException
from pushin.planning.models import ScheduledSession, StandingSchedule
from pushin.scheduling.scenario import load_scenario
from pushin.vocabulary import Activity
from tests.factories import World
from tests.planning.helpers import solved_run


def test_export_a_district_week(pworld: World, tmp_path: Path) -> None:
    TimetableException.objects.create(
        classroom=pworld.classroom,
        date=dt.date(2026, 10, 8),
        start=dt.time(10),
        end=dt.time(10, 45),
        kind=ExceptionKind.ACTIVITY,
        activity=Activity.TEST,
    )
    out = tmp_path / "week.json"
    call_command("export_scenario", district=pworld.district.pk, output=str(out))
    scenario = load_scenario(str(out))
    assert {s.id for s in scenario.students} == {
        f"st{pworld.student.pk}",
        f"st{pworld.other_student.pk}",
    }
    text = out.read_text()
    assert "Avery" not in text
    assert '"test"' not in text  # the usual week
    call_command(
        "export_scenario",
        district=pworld.district.pk,
        provider=pworld.provider.pk,
        week="2026-10-05",
        output=str(out),
    )
    week = load_scenario(str(out))
    assert [s.id for s in week.students] == [f"st{pworld.student.pk}"]
    assert "test" in {b.activity for room in week.classrooms for b in room.blocks}


def test_export_refuses_unknown_ids(pworld: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No district"):
        call_command("export_scenario", district=999, output=str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="No provider"):
        call_command(
            "export_scenario",
            district=pworld.district.pk,
            provider=999,
            output=str(tmp_path / "x.json"),
        )
    with pytest.raises(CommandError, match="not a date"):
        call_command("export_scenario", district=pworld.district.pk, week="soon", output="-")


def test_import_a_valid_plan(pworld: World, tmp_path: Path) -> None:
    plan = solved_run(pworld).plan_data
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    call_command("import_plan", str(path), provider=pworld.provider.pk)
    schedule = StandingSchedule.objects.get(provider=pworld.provider, active=True)
    assert schedule.accepted_by is None
    assert schedule.sessions.count() == len(plan["sessions"]) == 2


def test_import_refuses_a_broken_plan_and_writes_nothing(pworld: World, tmp_path: Path) -> None:
    plan = solved_run(pworld).plan_data
    plan["sessions"][0]["start"] = "08:00"  # before the block starts
    plan["sessions"][0]["end"] = "08:30"
    plan["sessions"][1]["focus"] = {f"st{pworld.student.pk}": "g999999"}
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    with pytest.raises(CommandError) as error:
        call_command("import_plan", str(path), provider=pworld.provider.pk)
    message = str(error.value)
    assert "nothing was stored" in message
    assert "rule 1:" in message
    assert "rule 2:" in message
    assert not StandingSchedule.objects.exists()
    assert not ScheduledSession.objects.exists()


def test_import_refuses_another_providers_plan(pworld: World, tmp_path: Path) -> None:
    plan = solved_run(pworld).plan_data
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    with pytest.raises(CommandError, match="belongs to provider"):
        call_command("import_plan", str(path), provider=pworld.other_provider.pk)
    assert not StandingSchedule.objects.exists()


def test_import_refuses_bad_files(pworld: World, tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match="Not valid JSON"):
        call_command("import_plan", str(path), provider=pworld.provider.pk)
    path.write_text(json.dumps({"format": "pushin-plan/1", "sessions": [{"id": "s"}]}))
    with pytest.raises(CommandError, match="Not a pushin-plan/1 file"):
        call_command("import_plan", str(path), provider=pworld.provider.pk)
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_plan", str(tmp_path / "nope.json"), provider=pworld.provider.pk)

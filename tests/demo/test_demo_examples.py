"""The example files linked from the import pages load cleanly into the demo district."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.utils import timezone

from pushin.accounts.models import User
from pushin.caseload.csv_import import students_import
from pushin.demo.district import DemoSummary
from pushin.district.csv_import import timetables_import
from pushin.district.models import District
from pushin.district.oneroster import FILES, roster_import
from pushin.sessions.csv_import import past_minutes_import

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(small_demo: DemoSummary) -> tuple[District, User, User]:
    admin = User.objects.get(username="admin.ellis")
    assert admin.district is not None
    return admin.district, admin, User.objects.get(username="ot.rivera")


def test_timetables_example_imports_into_the_demo(demo) -> None:
    district, admin, _ = demo
    text = (EXAMPLES / "csv" / "timetables.csv").read_text(encoding="utf-8")
    result = timetables_import(actor=admin, district=district, text=text, dry_run=False)
    assert result.error_lines() == []
    assert result.counts["classrooms_created"] == 3
    again = timetables_import(actor=admin, district=district, text=text, dry_run=True)
    assert again.ok
    assert not again.changed


@pytest.mark.parametrize("who", ["admin", "provider"])
def test_students_example_imports_into_the_demo(demo, who) -> None:
    district, admin, provider = demo
    actor = admin if who == "admin" else provider
    text = (EXAMPLES / "csv" / "students.csv").read_text(encoding="utf-8")
    result = students_import(
        actor=actor,
        district=district,
        text=text,
        effective_from=timezone.localdate(),
        dry_run=False,
    )
    assert result.error_lines() == []
    assert result.counts["students_created"] == 10


@pytest.mark.parametrize("who", ["admin", "provider"])
def test_minutes_example_imports_into_the_demo(demo, who) -> None:
    district, admin, provider = demo
    actor = admin if who == "admin" else provider
    text = (EXAMPLES / "csv" / "minutes.csv").read_text(encoding="utf-8")
    result = past_minutes_import(actor=actor, district=district, text=text, dry_run=False)
    assert result.error_lines() == []
    assert result.counts["sessions_imported"] == 6


def test_oneroster_example_imports_into_the_demo(demo) -> None:
    district, admin, _ = demo
    files = {key: (EXAMPLES / "oneroster" / f"{key}.csv").read_text("utf-8") for key in FILES}
    result = roster_import(actor=admin, district=district, texts=files, dry_run=False)
    assert result.error_lines() == []
    assert result.counts["students_deactivated"] == 0

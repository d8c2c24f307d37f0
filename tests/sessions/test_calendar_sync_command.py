"""`manage.py calendar_sync`: the daily safety net stores what the schedules call for."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from pushin.sessions.models import DatedSession
from tests.conftest import TODAY
from tests.sessions.factories import monday_writing


def test_stores_the_mondays_from_today_and_then_writes_nothing(world):
    monday_writing(world)
    out = StringIO()
    call_command("calendar_sync", stdout=out)
    dates = list(DatedSession.objects.values_list("date", flat=True))
    assert dates, "the Mondays of the rest of the year are stored"
    assert min(dates) > TODAY  # the frozen clock is a Wednesday: nothing in the past
    assert {d.isoweekday() for d in dates} == {1}
    assert max(dates) <= world.district.school_year_end
    assert f"{len(dates)} sessions stored, 0 removed, 0 updated" in out.getvalue()

    again = StringIO()
    call_command("calendar_sync", "--district", str(world.district.pk), stdout=again)
    assert "0 sessions stored, 0 removed, 0 updated" in again.getvalue()
    assert DatedSession.objects.count() == len(dates)


def test_other_districts_are_left_alone(world):
    monday_writing(world)
    call_command("calendar_sync", "--district", str(world.district.pk + 1000), stdout=StringIO())
    assert not DatedSession.objects.exists()

"""Expiry: an entry past its last day is deleted by the daily job, never by a page."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.watchlist.models import WatchEntry, WatchObservation
from pushin.watchlist.services import watch_entries_expire, watch_entry_renew
from tests.factories import World
from tests.watchlist.helpers import entry_url, make_entry

NY = ZoneInfo("America/New_York")


def test_entries_are_kept_through_the_school_year_then_deleted(
    world: World, login, time_machine
) -> None:
    entry = make_entry(world)
    kept = make_entry(world, first_name="Rowan")
    kept = watch_entry_renew(actor=world.teacher, entry=kept)
    time_machine.move_to(dt.datetime(2027, 6, 18, 23, 0, tzinfo=NY))
    assert watch_entries_expire() == 0  # the last day is still kept
    time_machine.move_to(dt.datetime(2027, 6, 19, 6, 0, tzinfo=NY))
    # A page never deletes: the entry is still there, only past its day.
    assert login(world.teacher).get(entry_url("entry", entry)).status_code == 200
    assert WatchEntry.objects.filter(pk=entry.pk).exists()
    out = StringIO()
    call_command("watchlist_expire", stdout=out)
    assert "1 expired watch-list entries deleted" in out.getvalue()
    assert list(WatchEntry.objects.all()) == [kept]  # renewed: kept through June 2028
    assert not WatchObservation.objects.filter(entry_id=entry.pk).exists()
    audit = AuditEntry.objects.get(action=AuditAction.DELETE, object_id=str(entry.pk))
    assert audit.actor is None
    assert audit.detail == {"reason": "expired"}
    assert audit.district_id == world.district.pk


def test_the_task_runs_the_same_expiry(world: World, time_machine, settings) -> None:
    from pushin.watchlist.tasks import watch_entries_expire_task

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": ["default", "solver"],
        }
    }
    make_entry(world)
    time_machine.move_to(dt.datetime(2027, 7, 1, 6, 0, tzinfo=NY))
    result = watch_entries_expire_task.enqueue()
    assert result.return_value == 1
    assert not WatchEntry.objects.exists()

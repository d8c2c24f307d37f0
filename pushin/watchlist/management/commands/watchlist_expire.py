"""`manage.py watchlist_expire [--enqueue]`: delete watch-list entries past their last day.

Run daily (cron or a systemd timer, beside `calendar_sync`: docs/deployment.md). Entries
are kept through their `expires_on` (the end of the school year by default, or the
district's number of days) unless their owner renewed them; expired ones are deleted with
their observations, each deletion audited. Pages never delete (a GET never writes).
`--enqueue` puts the work on the task queue for a worker instead of doing it here.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from pushin.watchlist.services import watch_entries_expire
from pushin.watchlist.tasks import watch_entries_expire_task


class Command(BaseCommand):
    help = "Delete watch-list entries past their last day (run daily)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--enqueue", action="store_true", help="Queue the work for a worker instead."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options.get("enqueue"):
            watch_entries_expire_task.enqueue()
            self.stdout.write("Queued the watch list's expiry.")
            return
        deleted = watch_entries_expire()
        self.stdout.write(f"{deleted} expired watch-list entries deleted.")

"""`manage.py calendar_sync [--district ID]`: make every provider's stored sessions follow
the schedules in force, from now to the end of the school year.

Every action that changes what should happen (accepting a plan, a move, a closure, a
change of school-year dates) already syncs the providers it concerns. Run this daily
(cron or a systemd timer, see docs/deployment.md) as a safety net for changes made outside
the app, e.g. in the Django admin. It never touches what has started: see
pushin/sessions/calendar.py.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from pushin.district.models import Provider
from pushin.sessions.calendar import calendar_sync


class Command(BaseCommand):
    help = "Store every provider's dated sessions ahead from the schedules in force."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--district", type=int, help="Only this district's providers.")

    def handle(self, *args: Any, **options: Any) -> None:
        providers = Provider.objects.filter(standing_schedules__isnull=False).distinct()
        if options.get("district"):
            providers = providers.filter(district_id=options["district"])
        created = removed = updated = 0
        for provider in providers.order_by("pk"):
            result = calendar_sync(provider=provider, actor=None)
            created += result.created
            removed += result.removed
            updated += result.updated
        self.stdout.write(
            f"{providers.count()} providers: {created} sessions stored, "
            f"{removed} removed, {updated} updated."
        )

"""`manage.py audit_prune`: delete audit entries older than each district's retention
(the district administrator sets it on the audit trail page; 7 years by default).

The only thing that deletes audit entries: run it daily (cron or a systemd timer, see
docs/deployment.md). Each district whose entries were pruned gets one entry saying how
many and before when.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from pushin.accounts.audit_trail import audit_prune


class Command(BaseCommand):
    help = "Delete audit entries older than each district's retention period."

    def handle(self, *args: Any, **options: Any) -> None:
        for pruned in audit_prune():
            where = f"district {pruned.district_id}" if pruned.district_id else "no district"
            self.stdout.write(
                f"{where}: {pruned.deleted} entries before {pruned.cutoff:%Y-%m-%d} deleted."
            )

"""`manage.py restore PATH --yes`: replace the whole database with a backup made by
`manage.py backup` (pushin/ops/backup.py). Stop the app and its workers first: everything
written since the backup is lost. Without --yes it asks, and refuses when nobody can answer.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pushin.ops.backup import BackupError, database_restore


class Command(BaseCommand):
    help = "Replace the whole database with a backup made by `manage.py backup`."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="The backup file.")
        parser.add_argument("--yes", action="store_true", help="Do not ask: replace the database.")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("restore replaces the whole database: confirm with --yes.")
            answer = input(f"Replace the whole database with {path}? Type 'yes': ")
            if answer.strip() != "yes":
                raise CommandError("Nothing restored.")
        try:
            database_restore(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Restored {path}")

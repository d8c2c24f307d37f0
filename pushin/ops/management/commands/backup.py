"""`manage.py backup [PATH]`: a backup of the whole database (pushin/ops/backup.py).

Without PATH it is written to var/backups/pushin-<UTC time>.<sqlite3|pgdump>. The app can
keep running. Prints the file's path.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pushin.ops.backup import BackupError, backup_default_path, database_backup


class Command(BaseCommand):
    help = "Back up the whole database (SQLite online backup, or pg_dump on PostgreSQL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", help="The file to write (must not exist).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["path"]:
                path = Path(options["path"])
            else:
                path = backup_default_path(directory=Path(settings.BASE_DIR) / "var" / "backups")
            written = database_backup(path=path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(written))

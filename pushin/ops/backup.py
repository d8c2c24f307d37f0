"""Backups of the whole database, and putting one back (`manage.py backup` / `restore`;
docs/privacy.md).

- SQLite: the online backup API (`sqlite3.Connection.backup`) copies the database page by
  page while the app keeps running; the copy is itself a SQLite file.
- PostgreSQL: `pg_dump --format=custom` (a consistent snapshot while the app runs) and
  `pg_restore --clean --single-transaction` (all or nothing).

A backup file says what it is in its first bytes ("SQLite format 3" / "PGDMP"); one made on
the other kind of database is refused with a specific error rather than half-restored.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.db import connections
from django.utils import timezone

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or restore that could not be done, said plainly."""


def _vendor(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups are made for SQLite and PostgreSQL, not {vendor}.")
    return vendor


def backup_default_path(*, directory: Path, alias: str = "default") -> Path:
    """`directory`/pushin-<UTC date and time>.<sqlite3|pgdump>."""
    suffix = "sqlite3" if _vendor(alias) == "sqlite" else "pgdump"
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return directory / f"pushin-{stamp}.{suffix}"


def database_backup(*, path: Path, alias: str = "default") -> Path:
    """Write a backup of the database `alias` to `path` (which must not exist yet)."""
    if path.exists():
        raise BackupError(f"{path} already exists: a backup never overwrites a file.")
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        if _vendor(alias) == "sqlite":
            _sqlite_backup(alias, partial)
        else:
            _pg_backup(alias, partial)
        partial.rename(path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def database_restore(*, path: Path, alias: str = "default") -> None:
    """Replace the database `alias` with the backup at `path`."""
    if not path.is_file():
        raise BackupError(f"{path}: no such backup file.")
    with path.open("rb") as file:
        head = file.read(len(SQLITE_MAGIC))
    vendor = _vendor(alias)
    kind = "sqlite" if head == SQLITE_MAGIC else "postgresql" if head[:5] == PG_MAGIC else ""
    if not kind:
        raise BackupError(f"{path} is not a Push-In backup (neither SQLite nor pg_dump).")
    if kind != vendor:
        raise BackupError(
            f"{path} is a {kind} backup; this installation's database is {vendor}. "
            "Restore it on the kind of database it was made on."
        )
    if vendor == "sqlite":
        _sqlite_restore(alias, path)
    else:
        _pg_restore(alias, path)


# --- SQLite -------------------------------------------------------------------------------


def _raw_sqlite(alias: str) -> sqlite3.Connection:
    connection = connections[alias]
    connection.ensure_connection()
    raw = connection.connection
    assert isinstance(raw, sqlite3.Connection)
    return raw


def _sqlite_backup(alias: str, path: Path) -> None:
    target = sqlite3.connect(path)
    try:
        _raw_sqlite(alias).backup(target)
    finally:
        target.close()
    # The copy is a plain file: not in WAL mode, so it is one self-contained file.
    with sqlite3.connect(path) as check:
        check.execute("PRAGMA journal_mode=DELETE")
    check.close()


def _sqlite_restore(alias: str, path: Path) -> None:
    source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        try:
            tables = {
                row[0]
                for row in source.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a readable SQLite database: {error}") from error
        if "django_migrations" not in tables:
            raise BackupError(f"{path} is a SQLite file but not a Push-In database.")
        target = _raw_sqlite(alias)
        if target.in_transaction:
            raise BackupError("A restore cannot run inside a transaction.")
        source.backup(target)
    finally:
        source.close()


# --- PostgreSQL ---------------------------------------------------------------------------


def _pg_args(alias: str) -> tuple[list[str], dict[str, str]]:
    conf = connections[alias].settings_dict
    args = [
        "--host",
        str(conf.get("HOST") or "127.0.0.1"),
        "--port",
        str(conf.get("PORT") or 5432),
        "--dbname",
        str(conf["NAME"]),
        "--no-password",
    ]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client).")
    return found


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(  # noqa: S603 (pg_dump/pg_restore with our settings)
        command, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _pg_backup(alias: str, path: Path) -> None:
    args, env = _pg_args(alias)
    _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(path), *args], env)


def _pg_restore(alias: str, path: Path) -> None:
    args, env = _pg_args(alias)
    connections[alias].close()  # nothing of ours holds a lock on a table being replaced
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(path),
        ],
        env,
    )

"""A real task worker in a child process, to kill like a worker lost in production.

`WorkerProcess.start(...)` runs `manage.py worker` (or any command) in its own process
group against the test database, on a clock of the test's choosing (time-machine, ticking)
and with settings of the test's choosing; `kill()` sends SIGKILL to the whole group (the
worker and the solver child it spawned), so nothing gets to clean up.

The test database as a worker process sees it (`WorkerDatabase`): on PostgreSQL the test
database itself (the tests must commit: `django_db(transaction=True)`); on SQLite the
tests' database lives in this process's memory, so it is copied to a file for the worker
(`share`) and back when the worker is done (`take_back`). While a worker runs, `row()`
reads a row as the worker sees it.

Run as a module (`python -m tests.worker_process CLOCK SETTINGS_JSON COMMAND ...`) it is the
child: it moves the clock, applies the settings and runs the command.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
T = TypeVar("T")


@dataclass
class WorkerDatabase:
    url: str
    path: Path | None = None  # SQLite: the file the worker works on

    @classmethod
    def of_tests(cls, directory: Path) -> WorkerDatabase:
        from django.db import connection

        conf = connection.settings_dict
        if connection.vendor == "sqlite":
            path = directory / "worker.sqlite3"
            return cls(url=f"sqlite:///{path}", path=path)
        user = quote(str(conf.get("USER") or ""))
        password = quote(str(conf.get("PASSWORD") or ""))
        login = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = conf.get("HOST") or "127.0.0.1"
        port = f":{conf['PORT']}" if conf.get("PORT") else ""
        return cls(url=f"postgres://{login}{host}{port}/{conf['NAME']}")

    def _memory(self) -> sqlite3.Connection:
        from django.db import connection

        connection.ensure_connection()
        raw = connection.connection
        assert isinstance(raw, sqlite3.Connection)
        return raw

    def share(self) -> None:
        """SQLite: the tests' database, as it is now, into the worker's file."""
        if self.path is not None:
            target = sqlite3.connect(self.path)
            try:
                self._memory().backup(target)
            finally:
                target.close()

    def take_back(self) -> None:
        """SQLite: the worker's file, as the workers left it, back into the tests'."""
        if self.path is not None:
            source = sqlite3.connect(self.path, timeout=20)
            try:
                source.backup(self._memory())
            finally:
                source.close()

    def row(self, table: str, pk: int, *columns: str) -> dict[str, Any] | None:
        """Columns of one row as the worker sees it now (datetimes as datetimes)."""
        names = ", ".join(columns)
        if self.path is None:
            from django.db import connection

            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {names} FROM {table} WHERE id = %s", [pk])  # noqa: S608
                found = cursor.fetchone()
        else:
            reader = sqlite3.connect(self.path, timeout=20)
            try:
                found = reader.execute(
                    f"SELECT {names} FROM {table} WHERE id = ?",  # noqa: S608
                    [pk],
                ).fetchone()
            finally:
                reader.close()
        if found is None:
            return None
        return {name: _value(value) for name, value in zip(columns, found, strict=True)}


def _value(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == " ":
        try:  # SQLite keeps datetimes as text, in UTC
            return dt.datetime.fromisoformat(value).replace(tzinfo=dt.UTC)
        except ValueError:
            return value
    return value


@dataclass
class WorkerProcess:
    process: subprocess.Popen[bytes]
    log: Path
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def start(
        cls,
        database: WorkerDatabase,
        *command: str,
        clock: dt.datetime,
        directory: Path,
        settings: dict[str, Any] | None = None,
        name: str = "worker",
    ) -> WorkerProcess:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "PUSHIN_ENV", "DEBUG"}
        }
        env |= {
            "DATABASE_URL": database.url,
            "DJANGO_SETTINGS_MODULE": "pushin.settings",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "PYTHONUNBUFFERED": "1",
        }
        log = directory / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.worker_process",
                    str(clock.timestamp()),
                    json.dumps(settings or {}),
                    *command,
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group: kill() reaches the solver
            )
        return cls(process=process, log=log)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def kill(self) -> None:
        """SIGKILL to the worker and every process it started: nothing cleans up."""
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self) -> None:
        """SIGTERM, the way a worker is asked to stop; SIGKILL if it does not."""
        if self.alive():
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout)

    def children(self, marker: str = "") -> list[int]:
        """Linux: the worker's child processes whose command line holds `marker`."""
        return children_of(self.process.pid, marker)


# In the command line of the fork server a worker starts for its solves
# (pushin/scheduling/bounded.py, `solver_processes`).
FORK_SERVER = "multiprocessing.forkserver"


def children_of(pid: int, marker: str = "") -> list[int]:
    """Linux: the child processes of `pid` whose command line holds `marker`."""
    found = []
    for listing in Path(f"/proc/{pid}/task").glob("*/children"):
        with contextlib.suppress(OSError):
            found += [int(child) for child in listing.read_text().split()]
    return [child for child in found if marker in _command_line(child)]


def _command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def process_gone(pid: int) -> bool:
    """Linux: the process has exited (a zombie nobody reaped counts: it runs no more)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rsplit(")", 1)[1].split()[0] in {"Z", "X"}


def wait_for(check: Callable[[], T | None], *, timeout: float, what: str, every: float = 0.02) -> T:
    """Poll until `check()` gives something truthy; fail naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


def main(argv: list[str]) -> None:
    """The child: `CLOCK SETTINGS_JSON COMMAND ARGS...` (CLOCK in seconds since the epoch)."""
    import time_machine

    clock, overrides, command = float(argv[0]), json.loads(argv[1]), argv[2:]
    time_machine.travel(clock, tick=True).start()
    import django
    from django.conf import settings

    django.setup()
    for name, value in overrides.items():
        setattr(settings, name, value)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *command])


if __name__ == "__main__":
    main(sys.argv[1:])

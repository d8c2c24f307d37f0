"""`manage.py serve`: Push-In for real, in one command (`make serve`; docs/deployment.md).

It migrates the database and collects the static files (WhiteNoise serves them), then
starts and watches:

- gunicorn with several web workers (pushin/ops/gunicorn_conf.py);
- a task worker for the "default" queue (e-mail and other short work);
- a task worker for the "solver" queue (plans, makeup proposals), so e-mail never waits
  behind a plan.

Each runs in a process group of its own. Ctrl-C or SIGTERM asks them all to stop (the
web workers finish their requests, the task workers their task) and waits up to
`--stop-timeout` seconds before it kills what is left; a second Ctrl-C kills at once. If
one of them exits by itself, the others are stopped and `serve` exits with status 1, so
whatever started it (systemd, a container runtime) can start it again.

Production settings only (PUSHIN_ENV=production, with SECRET_KEY, ALLOWED_HOSTS and a
PostgreSQL DATABASE_URL); for development, `make run`.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser
from dataclasses import dataclass
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from pushin.ops.gunicorn_conf import default_workers

logger = logging.getLogger("pushin.serve")

QUEUES = ("default", "solver")


def positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise ValueError(value)
    return int(value)


@dataclass
class Child:
    name: str
    process: subprocess.Popen[bytes]

    def alive(self) -> bool:
        return self.process.poll() is None

    def signal(self, signum: int) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signum)  # its group: a solve's child process too


class Command(BaseCommand):
    help = (
        "Run Push-In for real: migrate, collect static files, then gunicorn and one task "
        "worker per queue (default, solver) until Ctrl-C"
    )
    requires_system_checks: list[str] = []  # the web workers run them as they load

    def add_arguments(self, parser: CommandParser | ArgumentParser) -> None:
        parser.add_argument(
            "--bind",
            default=os.environ.get("PUSHIN_BIND", "").strip() or "127.0.0.1:8000",
            help="Where gunicorn listens: HOST:PORT or unix:PATH (default: $PUSHIN_BIND "
            "or %(default)s)",
        )
        parser.add_argument(
            "--workers",
            type=positive,
            default=None,
            help="Web worker processes (default: $WEB_CONCURRENCY, or two per CPU core plus one)",
        )
        parser.add_argument(
            "--no-migrate",
            action="store_true",
            help="Do not migrate first (a second app server: the release migrates once)",
        )
        parser.add_argument(
            "--stop-timeout",
            type=float,
            default=30.0,
            help="Seconds to wait for the processes to stop before killing them "
            "(default: %(default)s)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.PRODUCTION:
            raise CommandError(
                "manage.py serve runs production: set PUSHIN_ENV=production (with "
                "SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL). For development, `make run`."
            )
        if not options["no_migrate"]:
            self._run("migrate", verbosity=options["verbosity"])
        self._run("collectstatic", verbosity=options["verbosity"])
        workers = options["workers"] or int(
            os.environ.get("WEB_CONCURRENCY", "").strip() or default_workers()
        )
        self.stop_timeout: float = options["stop_timeout"]
        self.stopping = False
        self.killing = False
        self.children: list[Child] = []
        previous = {
            signum: signal.signal(signum, self._asked_to_stop)
            for signum in (signal.SIGINT, signal.SIGTERM)
        }
        try:
            self._start(bind=options["bind"], workers=workers)
            failed = self._watch()
        finally:
            self._stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
        if failed:
            raise CommandError(f"{failed} stopped by itself: everything was stopped")

    def _run(self, command: str, *, verbosity: int) -> None:
        """A release step, its report logged line by line (the log stays JSON lines)."""
        report = io.StringIO()
        call_command(command, interactive=False, verbosity=verbosity, stdout=report)
        for line in report.getvalue().splitlines():
            if line.strip():
                logger.info("%s: %s", command, line.strip())

    def _start(self, *, bind: str, workers: int) -> None:
        python = sys.executable
        manage = str(settings.BASE_DIR / "manage.py")
        commands = {
            "web": [
                python, "-m", "gunicorn", "-c", "python:pushin.ops.gunicorn_conf",
                "--bind", bind, "--workers", str(workers),
            ],
            **{
                f"worker {queue}": [
                    python, manage, "worker", "--queue-name", queue, "--no-reload",
                ]
                for queue in QUEUES
            },
        }  # fmt: skip
        for name, command in commands.items():
            process = subprocess.Popen(  # noqa: S603 (our own commands)
                command, cwd=settings.BASE_DIR, start_new_session=True
            )
            self.children.append(Child(name=name, process=process))
            logger.info("serve: started %s (process %d)", name, process.pid)
        logger.info("serve: listening on %s with %d web workers", bind, workers)

    def _watch(self) -> str:
        """Wait until asked to stop (""), or until a process exits by itself (its name)."""
        while not self.stopping:
            for child in self.children:
                if not child.alive():
                    logger.error(
                        "serve: %s exited with status %s", child.name, child.process.returncode
                    )
                    return child.name
            time.sleep(0.2)
        return ""

    def _asked_to_stop(self, signum: int, frame: FrameType | None) -> None:
        if self.stopping:
            self.killing = True  # a second Ctrl-C: no more waiting
        self.stopping = True

    def _stop(self) -> None:
        running = [child for child in self.children if child.alive()]
        if running:
            logger.info("serve: stopping %s", ", ".join(child.name for child in running))
        for child in running:
            child.signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        while any(child.alive() for child in running):
            if self.killing or time.monotonic() > deadline:
                for child in running:
                    if child.alive():
                        logger.warning("serve: killing %s", child.name)
                        child.signal(signal.SIGKILL)
                        child.process.wait()
                break
            time.sleep(0.1)
        for child in self.children:
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=1)
        logger.info("serve: stopped")

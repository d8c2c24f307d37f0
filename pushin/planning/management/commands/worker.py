"""`manage.py worker`: django-tasks-db's `db_worker` that also recovers stalled work.

The same options as `db_worker` (`--queue-name default|solver|*`, `--interval`, `--batch`,
`--max-tasks`, `--worker-id`, ...) and one more, `--recover-every` (seconds, default 60).
When it starts, and then between tasks at most every `--recover-every` seconds (idle or
busy), it runs `pushin.planning.recovery.runs_recover`: plan and makeup runs whose worker
died are failed as stalled, follow-ups left "sending" go back to "not sent", and the queue's
rows of the dead tasks are failed (pushin/leases.py). Its leases carry its worker id.

The loop is django-tasks-db's (0.13) `Worker.run` with the recovery added between tasks:
take the next ready task in an exclusive transaction, claim it, run it.
"""

from __future__ import annotations

import logging
import os
import random
import time
from argparse import ArgumentParser, ArgumentTypeError
from typing import Any

from django.core.management.base import CommandError
from django.db import OperationalError, close_old_connections
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from pushin.leases import set_worker_id
from pushin.planning.recovery import runs_recover

logger = logging.getLogger("pushin.worker")

RECOVER_EVERY_SECONDS = 60.0


def valid_seconds(value: str) -> float:
    seconds = db_worker.valid_interval(value)
    if seconds <= 0:
        raise ArgumentTypeError("Must be greater than zero")
    return seconds


class LeaseWorker(db_worker.Worker):
    """A database-queue worker that recovers stalled work at start and between tasks."""

    def __init__(self, *, recover_every: float, **options: Any) -> None:
        super().__init__(**options)
        self.recover_every = recover_every
        self.recovered_at: float | None = None

    def recover(self) -> None:
        """One recovery pass; a failure is logged and the worker goes on."""
        self.recovered_at = time.monotonic()
        try:
            recovered = runs_recover(now=timezone.now())
        except Exception:
            logger.exception("worker %s: recovering stalled work failed", self.worker_id)
            return
        if recovered:
            logger.warning("worker %s: recovered stalled work: %s", self.worker_id, recovered)

    def recover_if_due(self) -> None:
        due = self.recovered_at is None or (
            time.monotonic() - self.recovered_at >= self.recover_every
        )
        if due:
            self.recover()

    def next_task(self) -> tuple[DBTaskResult[..., Any] | None, bool]:
        """The next ready task, claimed; and whether the queue could be read at all."""
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)  # no other worker runs it now
            except OperationalError as error:
                if is_locked_database_exception(error):
                    return None, False  # a locked database unlocks eventually
                raise
        return task_result, True

    def run(self) -> None:
        logger.info(
            "Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names)
        )
        set_worker_id(self.worker_id)
        self.recover()
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # avoid a thundering herd of workers
        while self.running:
            close_old_connections()
            self.recover_if_due()
            task_result, read = self.next_task()
            if task_result is not None:
                self.run_task(task_result)
            if self.batch and read and task_result is None:
                logger.info("No more tasks to run for worker_id=%s - exiting.", self.worker_id)
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                logger.info("Ran %d tasks on worker=%s - exiting.", self._run_tasks, self.worker_id)
                return
            close_old_connections()
            if self.running and task_result is None:
                time.sleep(self.interval)


class Command(db_worker.Command):
    help = (
        "Run a database task worker that also recovers stalled work (at start and every "
        "--recover-every seconds)"
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--recover-every",
            default=RECOVER_EVERY_SECONDS,
            type=valid_seconds,
            help="Seconds between two recoveries of stalled work (default: %(default)r)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.configure_logging(options["verbosity"])
        batch, reload = options["batch"], options["reload"]
        if reload and batch:
            logger.warning("--reload and --batch cannot be specified together: not reloading.")
            reload = False
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = LeaseWorker(
            recover_every=options["recover_every"],
            queue_names=queue_names,
            interval=options["interval"],
            batch=batch,
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if reload:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()  # only the reloaded child handles signals
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()

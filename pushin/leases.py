"""Leases on work a task worker has claimed: a plan or makeup run being solved, a
follow-up e-mail being sent.

A worker killed in the middle of a task (kill -9, out of memory, a machine lost) writes no
error: its run would say "running" and its follow-up "sending" forever. So the worker that
claims one records itself (`claimed_by`: host, process id and worker id) and when it last
showed life (`heartbeat_at`): at the claim, then every few seconds while a solve runs (the
solver's `should_stop` poll, `Heartbeat`). An e-mail has one lease for the whole send,
which its SMTP timeouts keep well within.

Work silent for longer than its lease is stalled. `pushin.planning.recovery.runs_recover`
finds it (each worker at start and every minute, `manage.py worker`): a stalled plan or
makeup run is failed with "Stalled: ..." (never re-queued behind the provider's back: the
page offers "Run again"), a stalled e-mail goes back to "not sent" with "Retry now" (it may
have gone out: only the provider sends it again). The database queue's own row of the
dead task is failed too (django-tasks-db has no lease of its own: a row a dead worker
claimed stays RUNNING for ever).

Leases (settings, from the environment variables of the same names):
`PUSHIN_SOLVER_LEASE_SECONDS` (default 120, at least three heartbeats) for plan and makeup
runs, `PUSHIN_EMAIL_LEASE_SECONDS` (default 300, at least three `EMAIL_TIMEOUT`s) for an
e-mail, `PUSHIN_HEARTBEAT_SECONDS` (default 5, at least 1) between two heartbeats of a
solve.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import time
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

_worker_id = ""


class WorkerStopped(Exception):
    """Recorded on a database-queue task whose worker stopped without finishing it."""


def process_name() -> str:
    """This process: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


def set_worker_id(worker_id: str) -> None:
    """`manage.py worker` names itself; its leases then carry its worker id too."""
    global _worker_id
    _worker_id = worker_id


def worker_id() -> str:
    """Who claims work in this process: the worker's id and the process (at most 100)."""
    me = process_name()
    if _worker_id and _worker_id != me:
        me = f"{me} {_worker_id}"
    return me[:100]


# Read at each use (tests change them); their defaults and bounds are in settings.py.
def solver_lease() -> dt.timedelta:
    """How long a plan or makeup run may go without a heartbeat before it is stalled."""
    return dt.timedelta(seconds=float(settings.PUSHIN_SOLVER_LEASE_SECONDS))


def email_lease() -> dt.timedelta:
    """How long one e-mail attempt may take before it is stalled."""
    return dt.timedelta(seconds=float(settings.PUSHIN_EMAIL_LEASE_SECONDS))


def heartbeat_seconds() -> float:
    return float(settings.PUSHIN_HEARTBEAT_SECONDS)


def lease_expired(heartbeat_at: dt.datetime | None, *, lease: dt.timedelta) -> bool:
    """Silent for longer than the lease (no heartbeat at all counts as silent)."""
    return heartbeat_at is None or heartbeat_at < timezone.now() - lease


class Heartbeat:
    """The heartbeat of one claimed row: `beat()` writes `heartbeat_at` at most every
    `every` seconds (one single-row UPDATE) and says whether the claim still holds: False
    once the row is no longer this worker's running claim (cancelled, or recovered as
    stalled), and the caller stops."""

    def __init__(self, claimed: models.QuerySet[Any], *, every: float | None = None) -> None:
        self.claimed = claimed
        self.every = heartbeat_seconds() if every is None else every
        self.last = time.monotonic()
        self.held = True

    def beat(self) -> bool:
        now = time.monotonic()
        if now - self.last >= self.every:
            self.last = now
            self.held = bool(self.claimed.update(heartbeat_at=timezone.now()))
        return self.held


# --- The database queue's rows ---------------------------------------------------------------


def _object_id(result: DBTaskResult[..., Any]) -> int | None:
    args = (result.args_kwargs or {}).get("args") or []
    return args[0] if args and isinstance(args[0], int) else None


def running_task_results(
    *, task_path: str, started_before: dt.datetime | None = None
) -> list[tuple[DBTaskResult[..., Any], int]]:
    """The queue's RUNNING rows of a task (started before a moment), with the id of the
    object each works on (the task's one argument)."""
    rows = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING, task_path=task_path)
    if started_before is not None:
        rows = rows.filter(started_at__lt=started_before)
    found = []
    for row in rows:
        object_id = _object_id(row)
        if object_id is not None:
            found.append((row, object_id))
    return found


def task_waiting(*, task_path: str, object_id: int) -> bool:
    """A row of the task for the object still waits for a worker (READY)."""
    rows = DBTaskResult.objects.filter(status=TaskResultStatus.READY, task_path=task_path)
    return any(_object_id(row) == object_id for row in rows)


def task_results_fail(
    *,
    task_path: str,
    object_ids: Iterable[int],
    now: dt.datetime,
    reason: str,
    started_before: dt.datetime | None = None,
) -> int:
    """The queue's RUNNING rows of the task for these objects (started before a moment):
    FAILED with the reason, so the queue shows what happened instead of a task running for
    ever. Returns how many rows changed."""
    wanted = set(object_ids)
    rows = running_task_results(task_path=task_path, started_before=started_before)
    ids = [row.pk for row, object_id in rows if object_id in wanted]
    if not ids:
        return 0
    return DBTaskResult.objects.filter(pk__in=ids, status=TaskResultStatus.RUNNING).update(
        status=TaskResultStatus.FAILED,
        finished_at=now,
        return_value=None,
        exception_class_path=f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}",
        traceback=f"{WorkerStopped.__qualname__}: {reason}",
    )

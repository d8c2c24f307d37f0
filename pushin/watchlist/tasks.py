"""The watch list's daily expiry on the task queue (django-tasks; `manage.py worker`).

`watch_entries_expire_task` deletes entries past their last day; enqueue it daily (or run
`manage.py watchlist_expire` from cron or a systemd timer). Logs carry counts only."""

from __future__ import annotations

import logging

from django_tasks import task

from pushin.watchlist.services import watch_entries_expire

logger = logging.getLogger(__name__)


@task(queue_name="default")
def watch_entries_expire_task() -> int:
    deleted = watch_entries_expire()
    logger.info("watch list: %d expired entries deleted", deleted)
    return deleted

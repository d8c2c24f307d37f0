"""The health check a load balancer asks before it sends people to this app server."""

from __future__ import annotations

import logging

from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_GET
from django_tasks import task_backends
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return bool(cursor.fetchone() == (1,))
    except DatabaseError as error:
        logger.warning("health check: database unreachable (%s)", type(error).__name__)
        return False


def _queue_ok() -> bool:
    """The task queue the app sends work to can be read. The database queue is a table
    (a one-row read of it); a queue without one (run in the request, in tests) is the
    process itself."""
    if not isinstance(task_backends["default"], DatabaseBackend):
        return True
    try:
        DBTaskResult.objects.only("pk")[:1].exists()
    except DatabaseError as error:
        logger.warning("health check: task queue unreachable (%s)", type(error).__name__)
        return False
    return True


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 {"database": "ok", "queue": "ok"} when both answer, 503 naming what does not.
    No data, no sign-in, no session, not audited: anyone may ask."""
    checks = {"database": _database_ok(), "queue": _queue_ok()}
    body = {name: "ok" if fine else "unavailable" for name, fine in checks.items()}
    response = JsonResponse(body, status=200 if all(checks.values()) else 503)
    add_never_cache_headers(response)
    return response

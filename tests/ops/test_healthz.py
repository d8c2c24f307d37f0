"""The load balancer's health check: the database and the task queue answer, or a 503
naming which does not; nothing else is said, read, written or kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from pushin.accounts.models import AuditEntry
from tests.core.test_settings import ROOT

pytestmark = pytest.mark.django_db


def test_both_answer(client: Client, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "queue": "ok"}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie
    assert not AuditEntry.objects.exists()
    assert reverse("healthz") == "/healthz"


def test_a_signed_in_person_gets_the_same_and_nothing_is_audited(world, login) -> None:
    response = login(world.provider.user).get(reverse("healthz"))
    assert response.json() == {"database": "ok", "queue": "ok"}
    assert not AuditEntry.objects.exists()


def test_only_get(client: Client) -> None:
    assert client.post(reverse("healthz")).status_code == 405


def test_a_queue_that_cannot_be_read_is_a_503(client: Client, settings) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    table = connection.ops.quote_name(DBTaskResult._meta.db_table)
    away = connection.ops.quote_name("gone_for_the_test")
    with transaction.atomic():  # the table comes back with the rollback
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {table} RENAME TO {away}")
        with transaction.atomic():  # the failed read rolls back to here, not the test's
            response = client.get(reverse("healthz"))
            transaction.set_rollback(True)
        transaction.set_rollback(True)
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "queue": "unavailable"}
    assert DBTaskResult.objects.count() == 0  # the table is back


def test_a_database_that_does_not_answer_is_a_503(tmp_path) -> None:
    """A real outage: nothing listens where DATABASE_URL points."""
    code = (
        "import json; from django.test import Client; "
        "r = Client().get('/healthz'); print(r.status_code, json.dumps(r.json()))"
    )
    keep = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "PUSHIN_ENV"}}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**keep, "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nothing"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    status, body = result.stdout.strip().splitlines()[-1].split(" ", 1)
    assert status == "503"
    assert json.loads(body) == {"database": "unavailable", "queue": "unavailable"}
    # The log says what failed, not how to reach it.
    assert "health check: database unreachable (OperationalError)" in result.stdout
    assert "nobody" not in result.stdout + result.stderr

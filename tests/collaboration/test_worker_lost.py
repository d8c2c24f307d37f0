"""A worker killed in the middle of an SMTP send: the follow-up does not stay "Sending".

A real `manage.py worker` connects to an SMTP server (aiosmtpd on 127.0.0.1) that takes
the message and never answers; the worker is killed with SIGKILL mid-send. A worker
started after the e-mail lease puts the follow-up back to "not sent" (it may or may not
have arrived: it is not sent again by itself) and tells the provider, whose "Retry now"
sends it."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pushin.collaboration import followups
from pushin.collaboration.models import FollowUp, FollowUpStatus, Notification
from pushin.collaboration.recovery import STALLED_ERROR, followups_recover
from pushin.leases import email_lease
from tests.collaboration.test_email_delivery import Smtp, free_port, send
from tests.factories import World
from tests.worker_process import WorkerDatabase, WorkerProcess, wait_for

DATABASE_QUEUE = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "solver"]}
}


@dataclass
class Stalling:
    """An SMTP server that takes the message, then never answers."""

    reached: threading.Event = field(default_factory=threading.Event)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.reached.set()
        await asyncio.sleep(60)
        return "451 Too late"


@pytest.fixture
def stalling() -> Iterator[tuple[Stalling, int]]:
    handler, port = Stalling(), free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_mid_send_leaves_a_follow_up_to_retry(
    world: World, settings, login, tmp_path: Path, stalling, time_machine
) -> None:
    handler, port = stalling
    settings.TASKS = DATABASE_QUEUE
    followup = send(world)
    database = WorkerDatabase.of_tests(tmp_path)
    database.share()

    def row() -> dict[str, Any]:
        found = database.row(
            "collaboration_followup", followup.pk, "status", "attempts", "heartbeat_at"
        )
        assert found is not None
        return found

    worker = WorkerProcess.start(
        database,
        "worker", "--queue-name", "default", "--no-reload", "--no-startup-delay",
        clock=timezone.now(),
        directory=tmp_path,
        settings={
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port,
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_TIMEOUT": 60,
        },
    )  # fmt: skip
    try:
        wait_for(handler.reached.is_set, timeout=20, what=f"the message\n{worker.output()}")
        sending = row()
    finally:
        worker.kill()
    assert (sending["status"], sending["attempts"]) == (FollowUpStatus.QUEUED, 1)
    claimed_at = sending["heartbeat_at"]
    assert isinstance(claimed_at, dt.datetime)

    again = WorkerProcess.start(
        database,
        "worker", "--queue-name", "*", "--batch", "--no-reload", "--no-startup-delay",
        clock=claimed_at + email_lease() + dt.timedelta(seconds=5),
        directory=tmp_path,
        name="again",
    )  # fmt: skip
    assert again.wait(30) == 0, again.output()
    database.take_back()

    followup.refresh_from_db()
    assert (followup.status, followup.last_error) == (FollowUpStatus.GAVE_UP, STALLED_ERROR)
    assert followup.heartbeat_at is None
    assert followup.sent_at is None
    (task,) = DBTaskResult.objects.all()
    assert task.status == "FAILED"  # not re-queued: it is not sent again by itself
    (notice,) = Notification.objects.filter(recipient=world.provider.user)
    assert "may not have reached the teacher" in notice.text
    assert notice.link == reverse("followups:detail", args=[followup.pk])

    time_machine.move_to(timezone.now() + email_lease() * 2, tick=True)
    client = login(world.provider.user)
    page = client.get(reverse("followups:detail", args=[followup.pk])).content.decode()
    assert "Stalled" in page
    assert reverse("followups:retry", args=[followup.pk]) in page

    inbox = Smtp(port=free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", inbox.port, 5
    settings.EMAIL_USE_TLS = False
    inbox.start()
    try:
        client.post(reverse("followups:retry", args=[followup.pk]))
        call_command(
            "worker", queue_name="*", batch=True, startup_delay=False, reload=False, verbosity=0
        )
    finally:
        inbox.stop()
    followup.refresh_from_db()
    assert (followup.status, followup.attempts) == (FollowUpStatus.SENT, 1)
    ((recipients, message),) = inbox.inbox.messages
    assert recipients == ["teacher@example.org"]
    assert message["Subject"] == followup.subject


# --- Without a worker ----------------------------------------------------------------------


def _sending(world: World, *, claimed_ago: dt.timedelta) -> FollowUp:
    followup = send(world)
    FollowUp.objects.filter(pk=followup.pk).update(
        attempts=1, heartbeat_at=timezone.now() - claimed_ago, claimed_by="host:1"
    )
    followup.refresh_from_db()
    return followup


@pytest.fixture
def queue(settings) -> None:
    settings.TASKS = DATABASE_QUEUE


@pytest.mark.django_db
def test_only_an_attempt_past_its_lease_is_put_back(world: World, queue) -> None:
    live = _sending(world, claimed_ago=email_lease() - dt.timedelta(seconds=5))
    assert followups_recover(now=timezone.now()) == []
    live.refresh_from_db()
    assert live.status == FollowUpStatus.QUEUED
    FollowUp.objects.filter(pk=live.pk).update(
        heartbeat_at=timezone.now() - email_lease() - dt.timedelta(seconds=5)
    )
    assert followups_recover(now=timezone.now()) == [live.pk]
    assert followups_recover(now=timezone.now()) == []
    assert Notification.objects.filter(recipient=world.provider.user).count() == 1


@pytest.mark.django_db
def test_sending_past_its_lease_can_be_retried_from_its_page(world: World, queue, login) -> None:
    stuck = _sending(world, claimed_ago=email_lease() + dt.timedelta(seconds=5))
    client = login(world.provider.user)
    page = client.get(reverse("followups:detail", args=[stuck.pk])).content.decode()
    assert "Stalled" in page
    assert reverse("followups:retry", args=[stuck.pk]) in page
    stuck.refresh_from_db()
    assert stuck.status == FollowUpStatus.QUEUED  # reading never writes

    response = client.post(reverse("followups:retry", args=[stuck.pk]), follow=True)
    assert "Trying the e-mail again now." in response.content.decode()
    stuck.refresh_from_db()
    assert (stuck.status, stuck.attempts, stuck.heartbeat_at) == (FollowUpStatus.QUEUED, 0, None)
    assert DBTaskResult.objects.filter(status="READY").count() == 2  # the send, the retry


@pytest.mark.django_db
def test_sending_within_its_lease_is_not_sent_twice(world: World, queue, login) -> None:
    sending = _sending(world, claimed_ago=dt.timedelta(seconds=5))
    response = login(world.provider.user).post(
        reverse("followups:retry", args=[sending.pk]), follow=True
    )
    assert "Only a follow-up whose e-mail failed can be retried." in response.content.decode()
    sending.refresh_from_db()
    assert (sending.status, sending.attempts) == (FollowUpStatus.QUEUED, 1)
    with pytest.raises(ValidationError, match="can be retried"):
        followups.followup_retry(followup=sending, actor=world.provider.user)

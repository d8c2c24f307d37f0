"""Follow-up e-mail through a real SMTP server (aiosmtpd on 127.0.0.1) and the real
database task queue, run by `manage.py db_worker --batch`."""

from __future__ import annotations

import datetime as dt
import email
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pushin.collaboration import followups
from pushin.collaboration.models import FollowUp, FollowUpStatus, Notification
from tests.collaboration.followup_factories import GOAL_TEXT, NARRATIVE, NOTE, logged_session
from tests.factories import World

# db_worker closes its database connection when it is done, as a worker process should:
# the test data must be committed, not held in a test transaction it would lose.
pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Inbox:
    """An aiosmtpd handler that keeps every message it is given."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=default_policy)
        assert isinstance(message, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Smtp:
    port: int
    inbox: Inbox = field(default_factory=Inbox)
    controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(settings) -> Iterator[Smtp]:
    """A real SMTP server on a free local port (not started yet) and the settings to use it."""
    server = Smtp(port=free_port())
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 5
    settings.DEFAULT_FROM_EMAIL = "Push-In <no-reply@pushin.test>"
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "solver"]}
    }
    yield server
    server.stop()


def run_worker() -> None:
    call_command(
        "db_worker", queue_name="*", batch=True, startup_delay=False, reload=False, verbosity=0
    )


def send(world: World, *, include_clinical: bool = False) -> FollowUp:
    followup = followups.followup_draft(
        session=logged_session(world),
        author=world.provider.user,
        include_clinical=include_clinical,
    )
    return followups.followup_send(followup=followup, actor=world.provider.user)


def test_a_sent_follow_up_arrives_without_clinical_detail(world: World, smtp: Smtp) -> None:
    smtp.start()
    followup = send(world)
    assert smtp.inbox.messages == []  # the request only queues it

    run_worker()

    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.SENT
    assert followup.attempts == 1
    ((recipients, message),) = smtp.inbox.messages
    assert recipients == ["teacher@example.org"]
    assert message["To"] == "teacher@example.org"
    assert message["From"] == "Push-In <no-reply@pushin.test>"
    assert message["Reply-To"] == "provider@example.org"
    assert message["Subject"] == "OT follow-up: Room 2A, Monday 30 November"
    body = message.get_content().replace("\r\n", "\n")  # SMTP lines end in CRLF
    assert body.rstrip("\n") == followup.body
    assert "Raised-line paper (test) worked well" in body
    for secret in (GOAL_TEXT, NOTE, NARRATIVE, "8 of 10"):
        assert secret not in body
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_clinical_detail_arrives_only_when_chosen(world: World, smtp: Smtp) -> None:
    smtp.start()
    send(world, include_clinical=True)
    run_worker()
    ((_, message),) = smtp.inbox.messages
    body = message.get_content()
    assert GOAL_TEXT in body
    assert NOTE in body
    assert "8 of 10 tries correct" in body


def test_server_down_then_up_the_worker_delivers_the_retry(world: World, smtp: Smtp) -> None:
    followup = send(world)  # the server is not started: connection refused

    run_worker()

    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.FAILED
    assert followup.attempts == 1
    assert "Connection refused" in followup.last_error
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after > timezone.now() + dt.timedelta(seconds=50)

    run_worker()  # the retry waits for its time: nothing happens yet
    followup.refresh_from_db()
    assert followup.attempts == 1

    smtp.start()
    DBTaskResult.objects.filter(pk=retry.pk).update(
        run_after=timezone.now() - dt.timedelta(seconds=1)
    )
    run_worker()

    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.SENT
    assert followup.attempts == 2
    assert followup.last_error == ""
    ((recipients, message),) = smtp.inbox.messages
    assert recipients == ["teacher@example.org"]
    assert message["Subject"] == followup.subject


def test_with_no_wait_the_worker_tries_every_attempt_then_gives_up(
    world: World, smtp: Smtp, settings
) -> None:
    settings.PUSHIN_FOLLOWUP_RETRY_MINUTES = (0, 0)
    followup = send(world)

    run_worker()

    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.GAVE_UP
    assert followup.attempts == 3
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 3
    assert not DBTaskResult.objects.filter(status="READY").exists()
    assert Notification.objects.filter(recipient=world.provider.user).count() == 1

    smtp.start()
    followups.followup_retry(followup=followup, actor=world.provider.user)
    run_worker()
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.SENT
    assert len(smtp.inbox.messages) == 1

"""Sending, retries, giving up, retry now, acknowledging and replying (the services and
the delivery task, with Django's in-memory mail outbox; the real SMTP path is in
test_email_delivery.py)."""

from __future__ import annotations

import datetime as dt
import socket

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.collaboration import followups
from pushin.collaboration.models import FollowUp, FollowUpReply, FollowUpStatus, Notification
from pushin.collaboration.tasks import followup_deliver, max_attempts
from tests.collaboration.followup_factories import logged_session, sent_followup
from tests.factories import World


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp_down(settings) -> None:
    """An SMTP server that refuses connections: nothing listens on the port."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = _closed_port()
    settings.EMAIL_TIMEOUT = 2


def _draft(world: World) -> FollowUp:
    return followups.followup_draft(session=logged_session(world), author=world.provider.user)


def _queued() -> list[DBTaskResult]:  # type: ignore[type-arg]
    return list(DBTaskResult.objects.filter(status="READY").order_by("enqueued_at"))


def test_send_queues_the_email_task_with_the_last_edits(world: World) -> None:
    followup = _draft(world)
    sent = followups.followup_send(
        followup=followup, actor=world.provider.user, subject=" Quick  note ", body=" Hello \n"
    )

    assert sent.status == FollowUpStatus.QUEUED
    followup.refresh_from_db()
    assert (followup.subject, followup.body) == ("Quick note", "Hello")
    (task,) = _queued()
    assert task.task_path == "pushin.collaboration.tasks.followup_deliver"
    assert task.args_kwargs == {"args": [followup.pk], "kwargs": {}}
    assert mail.outbox == []  # nothing leaves before the worker runs
    assert AuditEntry.objects.filter(
        action=AuditAction.UPDATE, object_id=str(followup.pk), detail__status="queued"
    ).exists()


def test_the_task_emails_the_teacher_and_marks_it_sent(world: World) -> None:
    followup = _draft(world)
    followups.followup_send(followup=followup, actor=world.provider.user)

    assert followup_deliver.call(followup.pk) == FollowUpStatus.SENT

    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.SENT
    assert followup.attempts == 1
    assert followup.sent_at is not None
    (message,) = mail.outbox
    assert message.to == ["teacher@example.org"]
    assert message.reply_to == ["provider@example.org"]
    assert message.subject == followup.subject
    assert message.body == followup.body
    assert message.extra_headers["X-PushIn-FollowUp"] == str(followup.pk)
    # A second run of the same task (a duplicate) sends nothing more.
    assert followup_deliver.call(followup.pk) == FollowUpStatus.SENT
    assert len(mail.outbox) == 1


def test_an_empty_subject_or_body_cannot_be_sent(world: World) -> None:
    followup = _draft(world)
    with pytest.raises(ValidationError) as error:
        followups.followup_send(followup=followup, actor=world.provider.user, subject=" ", body="")
    assert error.value.message_dict == {
        "subject": ["Write a subject line."],
        "body": ["Write the message."],
    }
    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.DRAFT
    assert _queued() == []


def test_a_sent_follow_up_is_not_sent_or_edited_again(world: World) -> None:
    followup = sent_followup(world)
    with pytest.raises(ValidationError, match="already sent"):
        followups.followup_send(followup=followup, actor=world.provider.user)
    with pytest.raises(ValidationError, match="can no longer change"):
        followups.followup_update(
            followup=followup, actor=world.provider.user, subject="x", body="y"
        )
    with pytest.raises(ValidationError, match="Only a draft"):
        followups.followup_discard(followup=followup, actor=world.provider.user)


def test_a_failed_send_is_recorded_and_retried_later(world: World, smtp_down: None) -> None:
    followup = _draft(world)
    followups.followup_send(followup=followup, actor=world.provider.user)
    before = timezone.now()

    assert followup_deliver.call(followup.pk) == FollowUpStatus.FAILED

    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.FAILED
    assert followup.attempts == 1
    assert followup.last_error.startswith("ConnectionRefusedError")
    retry = _queued()[-1]
    assert retry.args_kwargs == {"args": [followup.pk], "kwargs": {}}
    # The first retry waits one minute.
    assert before + dt.timedelta(seconds=59) <= retry.run_after
    assert retry.run_after <= timezone.now() + dt.timedelta(seconds=61)


def test_backoff_grows_then_it_gives_up_and_tells_the_provider(
    world: World, smtp_down: None
) -> None:
    followup = _draft(world)
    followups.followup_send(followup=followup, actor=world.provider.user)
    waits = []
    for _ in range(max_attempts() - 1):
        started = timezone.now()
        assert followup_deliver.call(followup.pk) == FollowUpStatus.FAILED
        waits.append(round((_queued()[-1].run_after - started).total_seconds() / 60))
    assert waits == [1, 5, 15, 60]
    queued_before = len(_queued())

    assert followup_deliver.call(followup.pk) == FollowUpStatus.GAVE_UP

    followup.refresh_from_db()
    assert followup.status == FollowUpStatus.GAVE_UP
    assert followup.attempts == 5
    assert followup.body  # never lost: the message stays with its body
    assert len(_queued()) == queued_before  # no further retry
    note = Notification.objects.get(recipient=world.provider.user)
    assert "could not be e-mailed after 5 tries" in note.text
    assert "Avery" not in note.text
    assert note.link == reverse("followups:detail", args=[followup.pk])
    # Still in the teacher's Push-In page.
    assert followups.followups_of_teacher(world.teacher).get() == followup


def test_retry_now_after_giving_up_starts_the_count_again(world: World) -> None:
    followup = sent_followup(world, status=FollowUpStatus.GAVE_UP, attempts=5, last_error="x")
    followups.followup_retry(followup=followup, actor=world.provider.user)

    followup.refresh_from_db()
    assert (followup.status, followup.attempts) == (FollowUpStatus.QUEUED, 0)
    assert len(_queued()) == 1
    assert followup_deliver.call(followup.pk) == FollowUpStatus.SENT
    followup.refresh_from_db()
    assert (followup.attempts, followup.last_error) == (1, "")


def test_retry_now_of_a_failed_send_and_the_pending_retry_send_once(world: World) -> None:
    followup = sent_followup(world, status=FollowUpStatus.FAILED, attempts=2)
    followups.followup_retry(followup=followup, actor=world.provider.user)

    assert followup_deliver.call(followup.pk) == FollowUpStatus.SENT
    assert followup_deliver.call(followup.pk) == FollowUpStatus.SENT  # the deferred one
    assert len(mail.outbox) == 1
    followup.refresh_from_db()
    assert followup.attempts == 3


def test_only_a_failed_follow_up_can_be_retried(world: World) -> None:
    followup = sent_followup(world)
    with pytest.raises(ValidationError, match="Only a follow-up whose e-mail failed"):
        followups.followup_retry(followup=followup, actor=world.provider.user)


def test_a_teacher_without_an_email_address_still_gets_it_in_push_in(world: World) -> None:
    world.teacher.email = ""
    world.teacher.save()
    followup = _draft(world)
    followups.followup_send(followup=followup, actor=world.provider.user)

    assert followup_deliver.call(followup.pk) == FollowUpStatus.GAVE_UP
    followup.refresh_from_db()
    assert followup.last_error == "The teacher has no e-mail address on record."
    assert mail.outbox == []
    assert list(followups.teacher_followups(user=world.teacher)) == [followup]


def test_acknowledge_tells_the_provider_once(world: World) -> None:
    followup = sent_followup(world)
    followups.followup_acknowledge(followup=followup, actor=world.teacher)
    followups.followup_acknowledge(followup=followup, actor=world.teacher)

    followup.refresh_from_db()
    assert followup.acknowledged_at is not None
    note = Notification.objects.get()
    assert note.recipient == world.provider.user
    assert note.text == ("The teacher acknowledged your follow-up of Monday 30 November (Room 2A).")


def test_a_reply_is_kept_acknowledges_and_notifies(world: World) -> None:
    followup = sent_followup(world)
    reply = followups.followup_reply(followup=followup, actor=world.teacher, body=" Thanks! ")

    assert (reply.body, reply.author) == ("Thanks!", world.teacher)
    followup.refresh_from_db()
    assert followup.acknowledged_at is not None
    note = Notification.objects.get()
    assert note.text == "The teacher replied to your follow-up of Monday 30 November (Room 2A)."
    assert AuditEntry.objects.filter(
        action=AuditAction.CREATE, object_id=str(followup.pk), detail__reply=reply.pk
    ).exists()
    with pytest.raises(ValidationError) as error:
        followups.followup_reply(followup=followup, actor=world.teacher, body="  ")
    assert error.value.message_dict == {"body": ["Write a reply before sending it."]}
    assert FollowUpReply.objects.count() == 1


def test_redraft_and_update_and_discard_a_draft(world: World) -> None:
    followup = _draft(world)
    followups.followup_update(
        followup=followup, actor=world.provider.user, subject="Edited", body="My words"
    )
    followup.refresh_from_db()
    assert (followup.subject, followup.body) == ("Edited", "My words")

    followups.followup_redraft(followup=followup, actor=world.provider.user, include_clinical=True)
    followup.refresh_from_db()
    assert followup.include_clinical is True
    assert "- Goal: " in followup.body

    followups.followup_discard(followup=followup, actor=world.provider.user)
    assert not FollowUp.objects.exists()
    assert AuditEntry.objects.filter(
        action=AuditAction.DELETE, object_id=str(followup.pk), student_id=world.student.pk
    ).exists()

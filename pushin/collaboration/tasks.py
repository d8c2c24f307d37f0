"""E-mailing follow-ups on the task queue (django-tasks; `manage.py worker` runs them).

`followup_deliver(followup_id)` sends one follow-up with Django's e-mail API and records
the outcome on the row: sent, or failed with the attempt count and the error. django-tasks
has no retry of its own, so a failed send enqueues itself again with `run_after` backoff
(`PUSHIN_FOLLOWUP_RETRY_MINUTES`, default 1, 5, 15 then 60 minutes). After the last
attempt the follow-up is marked "gave up" and the provider gets a notification; the row
and its body stay, and the provider's page offers "retry now".

Attempts are claimed with a conditional UPDATE (status and count as read), so two tasks
for the same follow-up (a deferred retry and a "retry now") never send twice at once and
never count past the limit. The claim is a lease (pushin/leases.py): it records the worker
and when (`claimed_by`, `heartbeat_at`) and every end of the attempt clears `heartbeat_at`,
so a follow-up still "sending" past the e-mail lease lost its worker mid-send, and the
recovery (pushin/collaboration/recovery.py) puts it back to "not sent" for the provider to
retry. Logs carry the follow-up's id only.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from pushin.collaboration.models import FollowUp, FollowUpStatus, Notification
from pushin.leases import worker_id

logger = logging.getLogger(__name__)

RETRY_MINUTES = (1, 5, 15, 60)


def retry_minutes() -> tuple[float, ...]:
    """Minutes to wait before each retry; one more attempt than there are waits."""
    return tuple(getattr(settings, "PUSHIN_FOLLOWUP_RETRY_MINUTES", RETRY_MINUTES))


def max_attempts() -> int:
    return len(retry_minutes()) + 1


@task()
def followup_deliver(followup_id: int) -> str:
    """Send one queued (or failed) follow-up by e-mail. Returns the status it ends in."""
    followup = (
        FollowUp.objects.select_related(
            "teacher", "author", "session__classroom", "session__provider__user"
        )
        .filter(pk=followup_id)
        .first()
    )
    if followup is None:
        logger.warning("follow-up %s vanished before it was sent", followup_id)
        return "missing"
    if followup.status not in (FollowUpStatus.QUEUED, FollowUpStatus.FAILED):
        return str(followup.status)  # already sent, given up, or back to draft
    attempt = followup.attempts + 1
    claimed = FollowUp.objects.filter(
        pk=followup_id, status=followup.status, attempts=followup.attempts
    ).update(
        attempts=attempt,
        status=FollowUpStatus.QUEUED,
        claimed_by=worker_id(),
        heartbeat_at=timezone.now(),
    )
    if not claimed:
        return "taken"  # another task took this attempt
    teacher = followup.teacher
    if teacher is None or not teacher.email or not teacher.is_active:
        return _give_up(followup, attempt, "The teacher has no e-mail address on record.")
    reply_to = [followup.author.email] if followup.author and followup.author.email else None
    message = EmailMessage(
        subject=followup.subject,
        body=followup.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[teacher.email],
        reply_to=reply_to,
        headers={"X-PushIn-FollowUp": str(followup.pk)},
    )
    try:
        message.send(fail_silently=False)
    except Exception as error:
        return _failed(followup, attempt, error)
    FollowUp.objects.filter(pk=followup_id).update(
        status=FollowUpStatus.SENT, sent_at=timezone.now(), last_error="", heartbeat_at=None
    )
    logger.info("follow-up %s e-mailed (attempt %s)", followup_id, attempt)
    return FollowUpStatus.SENT


def _error_text(error: Exception) -> str:
    return f"{type(error).__name__}: {error}"[:300]


def _failed(followup: FollowUp, attempt: int, error: Exception) -> str:
    text = _error_text(error)
    logger.info(
        "follow-up %s: e-mail attempt %s failed (%s)", followup.pk, attempt, type(error).__name__
    )
    if attempt >= max_attempts():
        return _give_up(followup, attempt, text)
    FollowUp.objects.filter(pk=followup.pk).update(
        status=FollowUpStatus.FAILED, last_error=text, heartbeat_at=None
    )
    wait = dt.timedelta(minutes=retry_minutes()[attempt - 1])
    if followup_deliver.get_backend().supports_defer:
        followup_deliver.using(run_after=timezone.now() + wait).enqueue(followup.pk)
    else:
        # The immediate backend (development) cannot defer: "retry now" is the way back.
        logger.warning("follow-up %s: the task backend cannot retry later", followup.pk)
    return FollowUpStatus.FAILED


def _give_up(followup: FollowUp, attempt: int, text: str) -> str:
    FollowUp.objects.filter(pk=followup.pk).update(
        status=FollowUpStatus.GAVE_UP, last_error=text[:300], heartbeat_at=None
    )
    logger.warning("follow-up %s: e-mail given up after %s attempts", followup.pk, attempt)
    recipient = followup.author or followup.session.provider.user
    date = followup.session.date
    Notification.objects.create(
        recipient=recipient,
        text=(
            f"Your follow-up of {date:%A} {date.day} {date:%B} "
            f"({followup.session.classroom.name}) could not be e-mailed after {attempt} "
            "tries. The teacher can still read it in Push-In; open it to retry."
        ),
        link=reverse("followups:detail", args=[followup.pk]),
    )
    return FollowUpStatus.GAVE_UP

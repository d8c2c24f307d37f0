"""Follow-up e-mails a dead worker left "sending".

The worker that takes an e-mail attempt claims the follow-up (`claimed_by`, `heartbeat_at`,
pushin/leases.py) and clears the claim when the attempt ends. An attempt still claimed
after the e-mail lease (default 300 s, well past the SMTP timeouts) had its worker stop in
the middle: the message may or may not have reached the teacher. `followups_recover`
(called by `runs_recover`) puts such a follow-up back to "not sent" with the reason, fails
the queue's row of the dead task and tells the provider, whose "Retry now" sends it again.
It is never sent again without the provider: a stalled follow-up is not re-queued.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from pushin.accounts.models import AuditAction
from pushin.collaboration import followups
from pushin.collaboration.models import FollowUp, FollowUpStatus
from pushin.leases import (
    email_lease,
    lease_expired,
    running_task_results,
    task_results_fail,
    task_waiting,
)

logger = logging.getLogger(__name__)

FOLLOWUP_TASK = "pushin.collaboration.tasks.followup_deliver"
STALLED = "Stalled"
STALLED_ERROR = (
    "Stalled: the worker stopped while sending this e-mail, so it may not have reached the "
    "teacher. Retry to send it."
)


def followup_lease_expired(followup: FollowUp) -> bool:
    """An e-mail attempt in progress whose worker has been silent past the lease."""
    return (
        followup.status == FollowUpStatus.QUEUED
        and followup.heartbeat_at is not None
        and lease_expired(followup.heartbeat_at, lease=email_lease())
    )


def followup_stalled(followup: FollowUp) -> bool:
    """What the follow-up's page calls stalled: silent past its lease, or put back to
    "not sent" for it (until it is retried)."""
    return followup_lease_expired(followup) or (
        followup.status == FollowUpStatus.GAVE_UP and followup.last_error.startswith(STALLED)
    )


def followup_release(pk: int, *, now: dt.datetime, claimed_before: dt.datetime | None) -> bool:
    """Back to "not sent" (with the reason) if still sending: claimed before
    `claimed_before`, or, when None, never claimed (its task died first). The queue's row
    of the dead task is failed and the provider is told. Returns whether it changed."""
    rows = FollowUp.objects.filter(pk=pk, status=FollowUpStatus.QUEUED)
    if claimed_before is None:
        rows = rows.filter(heartbeat_at__isnull=True)
    else:
        rows = rows.filter(heartbeat_at__lt=claimed_before)
    with transaction.atomic():
        changed = rows.update(
            status=FollowUpStatus.GAVE_UP, last_error=STALLED_ERROR, heartbeat_at=None
        )
        if not changed:
            return False
        followup = followups._followups().get(pk=pk)
        followups._audit(
            None,
            AuditAction.UPDATE,
            [followup],
            {"fields": ["status"], "status": FollowUpStatus.GAVE_UP, "stalled": True},
        )
        followups._notify_provider(
            followup,
            f"The e-mail of {followups._about(followup)} stopped while sending and "
            "may not have reached the teacher. Open it to retry.",
        )
        task_results_fail(task_path=FOLLOWUP_TASK, object_ids=[pk], now=now, reason=STALLED_ERROR)
    logger.warning("follow-up %s: its worker stopped while sending; back to not sent", pk)
    return True


def followups_recover(*, now: dt.datetime) -> list[int]:
    """Follow-ups whose e-mail attempt outlived its lease: back to "not sent". Returns
    their ids."""
    cutoff = now - email_lease()
    silent = FollowUp.objects.filter(status=FollowUpStatus.QUEUED, heartbeat_at__lt=cutoff)
    released = [
        pk
        for pk in silent.values_list("pk", flat=True)
        if followup_release(pk, now=now, claimed_before=cutoff)
    ]
    # The queue's rows of tasks a dead worker took before it claimed the attempt (or
    # after it ended): failed; a follow-up left sending with no task to send it is put
    # back to "not sent" too.
    for _row, pk in running_task_results(task_path=FOLLOWUP_TASK, started_before=cutoff):
        followup = FollowUp.objects.filter(pk=pk).first()
        if (
            followup is not None
            and followup.status == FollowUpStatus.QUEUED
            and followup.heartbeat_at is not None
            and pk not in released
        ):
            continue  # its attempt shows life: the row is its live worker's
        if (
            followup is not None
            and followup.status == FollowUpStatus.QUEUED
            and not task_waiting(task_path=FOLLOWUP_TASK, object_id=pk)
            and followup_release(pk, now=now, claimed_before=None)
        ):
            released.append(pk)
            continue
        task_results_fail(
            task_path=FOLLOWUP_TASK,
            object_ids=[pk],
            now=now,
            reason=STALLED_ERROR,
            started_before=cutoff,
        )
    return released

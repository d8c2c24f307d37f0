"""`{% load leases %}`: `run|stalled` on the pages of plan, makeup and what-if runs and
follow-ups.

Read-only: a page only says what the recovery (pushin/planning/recovery.py) would do."""

from __future__ import annotations

from django import template

from pushin.accounts.models import User
from pushin.collaboration.models import FollowUp
from pushin.collaboration.recovery import followup_stalled
from pushin.planning.access import can_decide_run
from pushin.planning.models import PlanRun
from pushin.planning.recovery import solver_run_stalled
from pushin.sessions.models import MakeupRun
from pushin.workload.models import WhatIfRun

register = template.Library()


@register.filter
def stalled(work: object) -> bool:
    """Its worker stopped: silent past its lease, or failed (not sent) for it."""
    if isinstance(work, PlanRun | MakeupRun | WhatIfRun):
        return solver_run_stalled(work)
    if isinstance(work, FollowUp):
        return followup_stalled(work)
    return False


@register.filter
def runnable_by(run: PlanRun, user: User) -> bool:
    """May `user` run this plan again (or cancel it): they may plan for all its providers."""
    return user.is_authenticated and can_decide_run(user, run)

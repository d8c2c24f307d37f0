"""Who may see and change plan runs, standing schedules and calendar feeds.

Seeing follows `providers_visible_to` (a provider sees their own week, a supervising
therapist their assistants' too, an administrator every provider of the district).
Changing (planning, accepting, moving, pinning, calendar addresses) is for the provider
themself and the district administrator. Everything else answers 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from pushin.accounts.models import Role, User
from pushin.district.access import providers_visible_to
from pushin.district.models import Provider
from pushin.planning.models import PlanRun, ScheduledSession
from pushin.planning.selectors import plannable_providers


def can_plan_for(user: User, provider: Provider) -> bool:
    """Plan, accept and edit the schedule of `provider`."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role == Role.PROVIDER:
        return provider.user_id == user.pk
    return user.role == Role.ADMIN and user.district_id == provider.district_id


def can_see_calendar_address(user: User, provider: Provider) -> bool:
    """The feed's secret address is its provider's alone: reads through it are audited as
    theirs. Whoever plans for them (the administrator) may turn it off or renew it."""
    return bool(user.is_authenticated) and provider.user_id == user.pk


def plannable_provider_for_user(user: User, pk: int) -> Provider:
    try:
        return plannable_providers(user).get(pk=pk)
    except Provider.DoesNotExist:
        raise Http404("No such provider") from None


def plan_run_for_user(user: User, pk: int) -> PlanRun:
    """A run is visible when every provider in it is visible to the user."""
    visible = providers_visible_to(user)
    try:
        run = PlanRun.objects.select_related("requested_by").get(pk=pk)
    except PlanRun.DoesNotExist:
        raise Http404("No such plan run") from None
    run_providers = set(run.providers.values_list("pk", flat=True))
    allowed = set(visible.filter(pk__in=run_providers).values_list("pk", flat=True))
    if not run_providers or run_providers - allowed:
        raise Http404("No such plan run")
    return run


def can_decide_run(user: User, run: PlanRun) -> bool:
    """Accept or reject: the user may plan for every provider of the run."""
    return all(can_plan_for(user, provider) for provider in run.providers.all())


def plan_run_to_decide(user: User, pk: int) -> PlanRun:
    """A run the user may accept, reject, stop or re-run: visible (else 404) and of
    providers they may plan for (else 403)."""
    run = plan_run_for_user(user, pk)
    if not can_decide_run(user, run):
        raise PermissionDenied
    return run


def scheduled_session_for_user(
    user: User, pk: int, *, replaced_too: bool = False
) -> ScheduledSession:
    """A standing session the user may move or pin (their own, or any as administrator).

    Only the newest schedule's, unless `replaced_too`: a change posted from a page drawn
    before the schedule was replaced (another move copied it, a plan was accepted) finds
    its session, so that the service can say so (EditConflict) instead of a 404."""
    current = {} if replaced_too else {"schedule__active": True}
    try:
        session = ScheduledSession.objects.select_related(
            "schedule__provider__district", "classroom__school", "block"
        ).get(pk=pk, **current)
    except ScheduledSession.DoesNotExist:
        raise Http404("No such session") from None
    if not can_plan_for(user, session.schedule.provider):
        raise Http404("No such session")
    return session

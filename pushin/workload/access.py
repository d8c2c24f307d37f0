"""Who sees which workload, and whose indirect time.

A provider's workload report is theirs, their supervising therapist's (as their week and
minutes are) and the district administrator's; the district's totals are the
administrator's. Teachers and paras never see it: a 404, as for a page that does not
exist. Indirect time entries are changed by their own provider only. A provider's
capacity what-if is theirs and the district administrator's (those who plan their week).
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from pushin.accounts.models import Role, User
from pushin.district.access import district_for_user, provider_for_user
from pushin.district.models import District, Provider
from pushin.planning.access import can_plan_for
from pushin.sessions.access import own_provider
from pushin.workload.models import IndirectTime, WhatIfRun


def workload_provider_for_user(user: User, pk: int) -> Provider:
    """A provider whose workload `user` may read (`providers_visible_to`: themself, the
    assistants they supervise, the district's for its administrator); 404 otherwise."""
    return provider_for_user(user, pk)


def whatif_provider_for_user(user: User, pk: int) -> Provider:
    """A provider whose what-ifs `user` may ask for and read: themself, or any provider of
    the district for its administrator (`can_plan_for`); 404 otherwise."""
    provider = provider_for_user(user, pk)
    if not can_plan_for(user, provider):
        raise Http404("No such provider")
    return provider


def whatif_run_for_user(user: User, pk: int, run_pk: int) -> tuple[Provider, WhatIfRun]:
    """A what-if run of that provider, for whom `whatif_provider_for_user` allows."""
    provider = whatif_provider_for_user(user, pk)
    return provider, get_object_or_404(WhatIfRun, pk=run_pk, provider=provider)


def workload_district_for_user(user: User) -> District:
    """The district whose providers' totals `user` sees: its administrator's."""
    if not user.is_authenticated or not (user.is_superuser or user.role == Role.ADMIN):
        raise Http404("No such page")
    return district_for_user(user)


def own_indirect_time(user: User, pk: int) -> IndirectTime:
    """An indirect time entry of the signed-in provider; 404 for anyone else's."""
    provider = own_provider(user)
    try:
        return IndirectTime.objects.select_related("provider__district").get(
            pk=pk, provider=provider
        )
    except IndirectTime.DoesNotExist:
        raise Http404("No such entry") from None

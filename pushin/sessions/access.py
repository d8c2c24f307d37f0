"""Who may see a dated session: its provider, and nobody else.

Session records hold clinical notes and data. A teacher, a para, an administrator, another
provider (even a supervising one) get a 404 for a session page, as for a session that
does not exist: a 403 would confirm it exists. The Today and week pages are the
provider's own.
"""

from __future__ import annotations

from django.http import Http404

from pushin.accounts.models import Role, User
from pushin.district.models import Provider
from pushin.sessions.models import DatedSession


def own_provider(user: User) -> Provider:
    """The signed-in provider's own Provider row; 404 for everyone else."""
    if not user.is_authenticated or not user.is_active or user.role != Role.PROVIDER:
        raise Http404("No such page")
    try:
        return Provider.objects.select_related("district", "user").get(user=user)
    except Provider.DoesNotExist:
        raise Http404("No such page") from None


def dated_session_for_user(user: User, pk: int) -> DatedSession:
    """A dated session of the signed-in provider; 404 for any other session or user."""
    provider = own_provider(user)
    try:
        return DatedSession.objects.select_related(
            "classroom__school", "provider__user", "provider__district", "signed_by"
        ).get(pk=pk, provider=provider)
    except DatedSession.DoesNotExist:
        raise Http404("No such session") from None

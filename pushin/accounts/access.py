"""Who may manage which user accounts: the district administrator, their own district's."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pushin.accounts.models import User
from pushin.district.access import can_edit_district, district_for_user
from pushin.district.models import District


def user_admin_district_for(user: User) -> District:
    """The district whose accounts `user` manages; 404 for everyone but its administrator."""
    if not user.is_authenticated or not user.is_active or not can_edit_district(user):
        raise Http404("No such page")
    return district_for_user(user)


def users_managed_by(user: User) -> QuerySet[User]:
    """The district's accounts (never a superuser's) that `user` may list and change."""
    district = user_admin_district_for(user)
    return User.objects.filter(district=district, is_superuser=False)


def managed_user_for(user: User, pk: int) -> User:
    try:
        return users_managed_by(user).get(pk=pk)
    except User.DoesNotExist:
        raise Http404("No such user") from None

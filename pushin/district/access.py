"""Who may see and change which classroom, school and provider."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pushin.accounts.models import Role, User
from pushin.district.models import Classroom, District, Provider, School


def district_for_user(user: User) -> District:
    """The district a signed-in staff member works in."""
    if user.district_id is not None:
        return user.district  # type: ignore[return-value]
    if hasattr(user, "provider"):
        return user.provider.district
    if user.is_superuser:
        district = District.objects.order_by("pk").first()
        if district is not None:
            return district
    raise Http404("No district")


def classrooms_visible_to(user: User) -> QuerySet[Classroom]:
    rooms = Classroom.objects.select_related("school", "teacher")
    if not user.is_authenticated or not user.is_active:
        return rooms.none()
    if user.is_superuser:
        return rooms
    if user.role == Role.TEACHER:
        return rooms.filter(teacher=user)
    if user.role == Role.PROVIDER and hasattr(user, "provider"):
        return rooms.filter(school__district=user.provider.district)
    if user.role == Role.ADMIN and user.district_id is not None:
        return rooms.filter(school__district_id=user.district_id)
    return rooms.none()


def classroom_for_user(user: User, pk: int) -> Classroom:
    try:
        return classrooms_visible_to(user).get(pk=pk)
    except Classroom.DoesNotExist:
        raise Http404("No such classroom") from None


def rooms_served_by(provider: Provider) -> QuerySet[Classroom]:
    """The rooms where `provider` has active students: the rooms whose week they may change."""
    return Classroom.objects.filter(
        school__district_id=provider.district_id,
        students__providers=provider,
        students__active=True,
    ).distinct()


def can_edit_timetable(user: User, classroom: Classroom) -> bool:
    """Administrators edit any room of their district, teachers their own room, providers
    the rooms where they serve students (as the timetable import allows): a change of
    another room's week would break sessions they know nothing of."""
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if user.role == Role.TEACHER:
        return classroom.teacher_id == user.pk
    provider = getattr(user, "provider", None)
    return provider is not None and rooms_served_by(provider).filter(pk=classroom.pk).exists()


def schools_visible_to(user: User) -> QuerySet[School]:
    if not user.is_authenticated or (
        user.role not in (Role.PROVIDER, Role.ADMIN) and not user.is_superuser
    ):
        return School.objects.none()
    if user.is_superuser:
        return School.objects.all()
    return School.objects.filter(district=district_for_user(user))


def can_edit_district(user: User) -> bool:
    """Schools, travel times, settings and users are the administrator's to change."""
    return user.is_superuser or user.role == Role.ADMIN


def providers_visible_to(user: User) -> QuerySet[Provider]:
    providers = Provider.objects.select_related("user", "district")
    if not user.is_authenticated or not user.is_active:
        return providers.none()
    if user.is_superuser:
        return providers
    if user.role == Role.ADMIN and user.district_id is not None:
        return providers.filter(district_id=user.district_id)
    if user.role == Role.PROVIDER and hasattr(user, "provider"):
        own = user.provider
        # A supervising OT also sees the assistants they supervise.
        return providers.filter(pk=own.pk) | providers.filter(supervisor=own)
    return providers.none()


def provider_for_user(user: User, pk: int) -> Provider:
    try:
        return providers_visible_to(user).get(pk=pk)
    except Provider.DoesNotExist:
        raise Http404("No such provider") from None


def can_view_schools(user: User) -> bool:
    """Schools and travel times: providers read them, administrators change them."""
    return bool(user.is_authenticated) and (
        user.is_superuser or user.role in (Role.PROVIDER, Role.ADMIN)
    )


def can_edit_availability(user: User, provider: Provider) -> bool:
    """A provider edits their own week; the district administrator any provider's.

    A supervising therapist sees a supervisee's week (`providers_visible_to`) but does
    not change it.
    """
    if user.is_superuser or provider.user_id == user.pk:
        return True
    return user.role == Role.ADMIN and user.district_id == provider.district_id


def compliance_district_for_user(user: User) -> District:
    """The district whose minutes compliance the user sees: administrators only."""
    if not user.is_authenticated or not (user.is_superuser or user.role == Role.ADMIN):
        raise Http404("No such page")
    return district_for_user(user)


def compliance_school_for_user(user: User, pk: int) -> School:
    """A school's minutes compliance: the district administrator's."""
    district = compliance_district_for_user(user)
    try:
        return School.objects.select_related("district").get(pk=pk, district=district)
    except School.DoesNotExist:
        raise Http404("No such school") from None

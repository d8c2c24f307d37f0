"""Who may see and change strategies, students' strategies, notifications and portals.

One helper per object; every view gets its object through one of them. A user who may
not see an object gets a 404 (a 403 would confirm that it exists). Teachers and paras see
a strategy only as a card of one of their own students: the carryover strategies, never
the provider's working notes on a retired one, never goals, session notes or data.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pushin.accounts.models import Role, User
from pushin.caseload.access import StudentAccess, students_visible_to
from pushin.collaboration.models import Notification, Strategy, StudentStrategy
from pushin.district.access import district_for_user
from pushin.district.models import Classroom


def _signed_in(user: User) -> bool:
    return bool(user.is_authenticated) and user.is_active


def is_library_user(user: User) -> bool:
    """Providers work with the whole district library; administrators read it."""
    return _signed_in(user) and (user.is_superuser or user.role in (Role.PROVIDER, Role.ADMIN))


def can_add_strategy(user: User) -> bool:
    return _signed_in(user) and (user.is_superuser or user.role == Role.PROVIDER)


def can_edit_strategy(user: User, strategy: Strategy) -> bool:
    """A provider edits the district's starter copies and the strategies they wrote."""
    if not _signed_in(user):
        return False
    if user.is_superuser:
        return True
    if user.role != Role.PROVIDER or district_for_user(user).pk != strategy.district_id:
        return False
    return strategy.is_starter or strategy.created_by_id == user.pk


def carryover_links_visible_to(user: User) -> QuerySet[StudentStrategy]:
    """The students' strategies a user may read (as cards or, for providers, in full)."""
    links = StudentStrategy.objects.all()
    if not _signed_in(user):
        return links.none()
    access = StudentAccess.for_user(user)
    if not access.carryover:
        return links.none()
    links = links.filter(student__in=students_visible_to(user))
    if access.plan:  # the student's providers: retired and provider-only strategies too
        return links
    return links.filter(active=True, carryover=True)


def strategies_visible_to(user: User) -> QuerySet[Strategy]:
    if not _signed_in(user):
        return Strategy.objects.none()
    if user.is_superuser:
        return Strategy.objects.all()
    if user.role in (Role.PROVIDER, Role.ADMIN):
        return Strategy.objects.filter(district=district_for_user(user))
    if user.role in (Role.TEACHER, Role.PARA):
        links = carryover_links_visible_to(user)
        return Strategy.objects.filter(pk__in=links.values("strategy_id"))
    return Strategy.objects.none()


def strategy_for_user(user: User, pk: int) -> Strategy:
    try:
        return strategies_visible_to(user).get(pk=pk)
    except Strategy.DoesNotExist:
        raise Http404("No such strategy") from None


def can_manage_student_strategies(user: User) -> bool:
    """Choosing, retiring and noting a student's strategies: the student's providers."""
    return _signed_in(user) and StudentAccess.for_user(user).plan


def student_strategy_for_user(user: User, pk: int) -> StudentStrategy:
    try:
        return (
            carryover_links_visible_to(user)
            .select_related("strategy", "student__classroom__school")
            .get(pk=pk)
        )
    except StudentStrategy.DoesNotExist:
        raise Http404("No such strategy") from None


def can_log_use(user: User, link: StudentStrategy) -> bool:
    """The provider logs uses in sessions; the para logs the two-tap carryover use.

    Asked of a link the user sees (from `student_strategy_for_user`)."""
    if not _signed_in(user) or not link.active:
        return False
    if can_manage_student_strategies(user):
        return True
    return user.role == Role.PARA and link.carryover


def notifications_visible_to(user: User) -> QuerySet[Notification]:
    if not _signed_in(user):
        return Notification.objects.none()
    return Notification.objects.filter(recipient=user)


def notification_for_user(user: User, pk: int) -> Notification:
    try:
        return notifications_visible_to(user).get(pk=pk)
    except Notification.DoesNotExist:
        raise Http404("No such notification") from None


def portal_classrooms_for(user: User) -> QuerySet[Classroom]:
    """The teacher portal is the teacher's own: their classrooms, nobody else's."""
    rooms = Classroom.objects.select_related("school__district", "teacher")
    if not _signed_in(user) or user.role != Role.TEACHER:
        return rooms.none()
    return rooms.filter(teacher=user)


def portal_classroom_for_user(user: User, pk: int) -> Classroom:
    try:
        return portal_classrooms_for(user).get(pk=pk)
    except Classroom.DoesNotExist:
        raise Http404("No such classroom") from None


def is_para(user: User) -> bool:
    return _signed_in(user) and user.role == Role.PARA and not user.is_superuser

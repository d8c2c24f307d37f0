"""Who sees which watch-list entry.

The watch list of a room is its teacher's and that of the providers serving the room's
school (a provider serves a school where they have active students: `rooms_served_by`).
Nobody else sees a name: an administrator sees counts per school (`watch_counts_district_for`),
paras and everyone else nothing. An entry a user may not see is a 404.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from pushin.accounts.models import Role, User
from pushin.caseload.access import StudentAccess, student_for_user, students_visible_to
from pushin.caseload.models import Student
from pushin.district.access import district_for_user, rooms_served_by
from pushin.district.models import Classroom, District, School
from pushin.watchlist.models import WatchEntry


def _signed_in(user: User) -> bool:
    return bool(user.is_authenticated) and user.is_active


def watch_rooms_for(user: User) -> QuerySet[Classroom]:
    """The rooms whose watch list `user` reads and adds to."""
    rooms = Classroom.objects.select_related("school")
    if not _signed_in(user):
        return rooms.none()
    if user.is_superuser:
        return rooms
    if user.role == Role.TEACHER:
        return rooms.filter(teacher=user)
    provider = getattr(user, "provider", None)
    if user.role == Role.PROVIDER and provider is not None:
        schools = School.objects.filter(classrooms__in=rooms_served_by(provider))
        return rooms.filter(school__in=schools)
    return rooms.none()


def can_use_watch_list(user: User) -> bool:
    """The watch list's pages: teachers and providers (each sees their rooms' entries)."""
    return _signed_in(user) and (user.is_superuser or user.role in (Role.TEACHER, Role.PROVIDER))


def watch_entries_visible_to(user: User) -> QuerySet[WatchEntry]:
    return WatchEntry.objects.filter(classroom__in=watch_rooms_for(user)).select_related(
        "classroom__school", "created_by"
    )


def _get_watch_entry_for_user(user: User, pk: int) -> WatchEntry:
    try:
        return watch_entries_visible_to(user).get(pk=pk)
    except WatchEntry.DoesNotExist:
        raise Http404("No such entry") from None


def can_renew(user: User, entry: WatchEntry) -> bool:
    """The owner (who noted it) renews an entry."""
    return _signed_in(user) and (user.is_superuser or entry.created_by_id == user.pk)


def can_carry_over(user: User) -> bool:
    """Carrying the notes to a caseload student is the provider's confirmation."""
    return _signed_in(user) and (user.is_superuser or user.role == Role.PROVIDER)


def carry_over_students(user: User, entry: WatchEntry) -> QuerySet[Student]:
    """The caseload students of `user` the entry may be carried to: at the entry's school."""
    if not can_carry_over(user):
        return Student.objects.none()
    return (
        students_visible_to(user)
        .filter(classroom__school_id=entry.classroom.school_id)
        .select_related("classroom")
        .order_by("last_name", "first_name", "pk")
    )


def watch_counts_district_for(user: User) -> District:
    """The district whose watch-list counts (and settings) the user sees: administrators."""
    if not _signed_in(user) or not (user.is_superuser or user.role == Role.ADMIN):
        raise Http404("No such page")
    return district_for_user(user)


def carried_student_for_user(user: User, pk: int) -> Student:
    """A caseload student whose carried-over observations the user reads: those who see
    the student's goals (their providers and teacher); 404 for the rest."""
    if not _signed_in(user) or not StudentAccess.for_user(user).goals:
        raise Http404("No such student")
    return student_for_user(user, pk)

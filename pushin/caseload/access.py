"""Who may see which student, and how much of the record.

Every view that shows a student gets it through `student_for_user`, which answers 404 for
a student the user may not see (a 403 would confirm the student exists).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from pushin.accounts.models import Role, User
from pushin.caseload.models import Goal, Student
from pushin.district.access import district_for_user
from pushin.district.models import District


def students_visible_to(user: User) -> QuerySet[Student]:
    students = Student.objects.filter(active=True)
    if not user.is_authenticated or not user.is_active:
        return students.none()
    if user.is_superuser:
        return students
    if user.role == Role.PROVIDER and hasattr(user, "provider"):
        return students.filter(providers=user.provider)
    if user.role == Role.TEACHER:
        return students.filter(classroom__teacher=user)
    if user.role == Role.PARA:
        return students.filter(paras=user)
    if user.role == Role.ADMIN and user.district_id is not None:
        return students.filter(district_id=user.district_id)
    return students.none()


def student_for_user(user: User, pk: int) -> Student:
    try:
        return students_visible_to(user).select_related("classroom__school").get(pk=pk)
    except Student.DoesNotExist:
        raise Http404("No such student") from None


@dataclass(frozen=True)
class StudentAccess:
    """How much of a visible student's record a user sees and may change."""

    goals: bool  # IEP goals and mandate (the IEP team: provider, teacher; admin for compliance)
    clinical: bool  # session data and notes: the providers only
    carryover: bool  # strategies for the classroom
    edit: bool  # amend mandates (providers; the administrator for compliance)
    mandate: bool = False  # IEP dates and service mandates (IEP team and administrator)
    plan: bool = False  # the provider's working record: comfort preference, per-goal fit
    # Goal progress and the session history (attendance, minutes, data; notes only with
    # `clinical`): the providers and, for compliance and reports, the administrator.
    progress: bool = False

    @staticmethod
    def for_user(user: User) -> StudentAccess:
        if user.is_superuser or user.role == Role.PROVIDER:
            return StudentAccess(
                goals=True,
                clinical=True,
                carryover=True,
                edit=True,
                mandate=True,
                plan=True,
                progress=True,
            )
        if user.role == Role.TEACHER:
            return StudentAccess(
                goals=True, clinical=False, carryover=True, edit=False, mandate=True
            )
        if user.role == Role.ADMIN:
            return StudentAccess(
                goals=False,
                clinical=False,
                carryover=False,
                edit=True,
                mandate=True,
                progress=True,
            )
        return StudentAccess(goals=False, clinical=False, carryover=True, edit=False)


def goal_for_user(user: User, pk: int) -> Goal:
    """A goal of a visible student, for users who see goals; 404 otherwise."""
    if not user.is_authenticated or not StudentAccess.for_user(user).goals:
        raise Http404("No such goal")
    try:
        return Goal.objects.select_related("iep__student").get(
            pk=pk, iep__student__in=students_visible_to(user)
        )
    except Goal.DoesNotExist:
        raise Http404("No such goal") from None


def fit_table_district_for(user: User) -> District:
    """The district whose goal-activity fit table the user edits: providers and administrators."""
    if not user.is_authenticated or not (
        user.is_superuser or user.role in (Role.PROVIDER, Role.ADMIN)
    ):
        raise Http404("No fit table")
    return district_for_user(user)


def minutes_student_for_user(user: User, pk: int) -> Student:
    """A student whose minutes ledger the user may see: a provider their caseload's, an
    administrator the district's (compliance); 404 for teachers, paras and the rest."""
    if not user.is_authenticated or not (
        user.is_superuser or user.role in (Role.PROVIDER, Role.ADMIN)
    ):
        raise Http404("No such student")
    return student_for_user(user, pk)

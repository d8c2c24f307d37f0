"""Who reads and who changes a progress report.

| | read | change (draft, edit, sign, amend, share) |
|---|---|---|
| a provider serving the student, of the report's family (an OT or COTA for OT) | yes | yes |
| another provider serving the student | yes | 403 |
| the district's administrator | yes | 403 |
| the student's teacher, a signed revision shared with the teacher | yes | 403 |
| the student's para, a signed revision shared with the paras | yes | 403 |
| anyone else (a draft, an unshared revision for teachers and paras) | 404 | 404 |

A 404 never confirms that a report exists. Sharing opens that one signed revision, not the
student's data, graphs or other reports.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import Http404

from pushin.accounts.models import Role, User
from pushin.caseload.access import StudentAccess, students_visible_to
from pushin.caseload.models import Student
from pushin.district.models import Provider
from pushin.progress.models import ProgressReport
from pushin.sessions.ledger import family


@dataclass(frozen=True)
class ReportAccess:
    report: ProgressReport
    edit: bool  # the user may change it
    shared: bool  # read as a teacher or para it was shared with


def _provider(user: User) -> Provider | None:
    if user.role != Role.PROVIDER:
        return None
    return getattr(user, "provider", None)


def report_for_user(user: User, pk: int) -> ReportAccess:
    """A report the user may read, and whether they may change it; 404 otherwise."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such report")
    try:
        report = ProgressReport.objects.select_related(
            "student__classroom__school",
            "period__district",
            "created_by",
            "signed_by",
            "amends",
        ).get(pk=pk)
    except ProgressReport.DoesNotExist:
        raise Http404("No such report") from None
    student = report.student
    if not students_visible_to(user).filter(pk=student.pk).exists():
        raise Http404("No such report")
    if StudentAccess.for_user(user).progress:  # providers, the administrator
        provider = _provider(user)
        edit = provider is not None and family(provider.discipline) == report.family
        return ReportAccess(report=report, edit=edit, shared=False)
    if report.is_signed and (
        (user.role == Role.TEACHER and report.shared_with_teacher)
        or (user.role == Role.PARA and report.shared_with_paras)
    ):
        return ReportAccess(report=report, edit=False, shared=True)
    raise Http404("No such report")


def report_to_change(user: User, pk: int) -> ProgressReport:
    """A report the user may change; 404 if they may not read it, 403 if only read it."""
    access = report_for_user(user, pk)
    if not access.edit:
        raise PermissionDenied("This report is read-only for you.")
    return access.report


def student_to_report_on(user: User, pk: int) -> tuple[Student, Provider]:
    """A student the signed-in provider serves, to draft their report; 404 for those who
    may not see the student's progress, 403 for those who see it but do not report."""
    if not user.is_authenticated or not StudentAccess.for_user(user).progress:
        raise Http404("No such student")
    try:
        student = (
            students_visible_to(user).select_related("classroom__school", "district").get(pk=pk)
        )
    except Student.DoesNotExist:
        raise Http404("No such student") from None
    provider = _provider(user)
    if provider is None:
        raise PermissionDenied("Only a provider of the student drafts a report.")
    return student, provider


@dataclass(frozen=True)
class CaseloadAccess:
    provider: Provider
    edit: bool  # the provider themself; the administrator reads


def caseload_for_user(user: User, pk: int) -> CaseloadAccess:
    """A provider's caseload of reports: the provider's own (to change), the district
    administrator's (to read); 404 for anyone else."""
    if not user.is_authenticated or not user.is_active:
        raise Http404("No such provider")
    try:
        provider = Provider.objects.select_related("user", "district").get(pk=pk)
    except Provider.DoesNotExist:
        raise Http404("No such provider") from None
    if provider.user_id == user.pk and user.role == Role.PROVIDER:
        return CaseloadAccess(provider=provider, edit=True)
    if user.is_superuser or (user.role == Role.ADMIN and user.district_id == provider.district_id):
        return CaseloadAccess(provider=provider, edit=False)
    raise Http404("No such provider")


def caseload_to_change(user: User, pk: int) -> Provider:
    access = caseload_for_user(user, pk)
    if not access.edit:
        raise PermissionDenied("Only the provider drafts their caseload's reports.")
    return access.provider

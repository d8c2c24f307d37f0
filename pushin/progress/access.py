"""Who sees a student's goal progress and session history.

The providers serving the student and the district's administrator (`StudentAccess.progress`);
teachers and paras never see data: for them, as for anyone else, the page is a 404 (a 403
would confirm the student exists). Notes stay the providers' (`StudentAccess.clinical`).
"""

from __future__ import annotations

from django.http import Http404

from pushin.accounts.models import User
from pushin.caseload.access import StudentAccess, student_for_user
from pushin.caseload.models import Student


def progress_student_for_user(user: User, pk: int) -> Student:
    """A visible student whose progress the user may see; 404 otherwise."""
    if not user.is_authenticated or not StudentAccess.for_user(user).progress:
        raise Http404("No such student")
    return student_for_user(user, pk)

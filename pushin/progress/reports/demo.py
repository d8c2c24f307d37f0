"""Progress reports for the demo district, so the report pages show something the day it
is loaded: a signed report of the last period that ended (shared with the teacher and the
paras) for the first student of the teacher login's room, and drafts of the period in
force for the next few students, each by the student's provider, from the demo's data.

Nothing happens before the year's first period has started (a demo loaded in summer).
The same district on the same day gets the same reports.
"""

from __future__ import annotations

import datetime as dt

from pushin.caseload.models import Student
from pushin.district.models import Classroom, District, ProgressPeriod, Provider
from pushin.progress.reports.selectors import periods_of
from pushin.progress.reports.services import report_draft, report_share, report_sign

DRAFTS = 3


def _provider_of(student: Student) -> Provider:
    provider = student.providers.select_related("user", "district").order_by("pk").first()
    assert provider is not None  # only students with a provider are chosen
    return provider


def demo_progress_reports(district: District, *, featured_room: Classroom, today: dt.date) -> int:
    """Make the demo's reports; how many."""
    periods = [p for p in periods_of(district) if p.start <= today]
    if not periods:
        return 0
    current: ProgressPeriod = max(periods, key=lambda p: p.start)
    ended = [p for p in periods if p.end < today]
    students = sorted(
        Student.objects.filter(district=district, active=True, providers__isnull=False)
        .select_related("classroom__school")
        .distinct(),
        key=lambda s: (s.classroom_id != featured_room.pk, s.pk),
    )
    made = 0
    queue = iter(students)
    first = next(queue, None)
    if first is not None:
        provider = _provider_of(first)
        period = max(ended, key=lambda p: p.end) if ended else current
        report, _ = report_draft(
            actor=provider.user, provider=provider, student=first, period=period, today=today
        )
        report = report_sign(actor=provider.user, report=report, today=today)
        report_share(actor=provider.user, report=report, teacher=True, paras=True)
        made += 1
    if current.end >= today:
        for student in list(queue)[:DRAFTS]:
            provider = _provider_of(student)
            report_draft(
                actor=provider.user,
                provider=provider,
                student=student,
                period=current,
                today=today,
            )
            made += 1
    return made

"""Drafting, editing, signing, amending and sharing progress reports (the services), on
hand-made data: the narrative's words, the minutes from the ledger, the snapshot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from pushin.accounts.models import AuditAction, AuditEntry
from pushin.caseload.models import Goal, Method
from pushin.progress.models import ProgressCode, ProgressReport, ReportGoal, ReportStatus
from pushin.progress.reports.document import Document
from pushin.progress.reports.services import (
    report_amend,
    report_draft,
    report_draft_many,
    report_goal_redraft,
    report_goal_set,
    report_share,
    report_sign,
)
from pushin.sessions.services import data_point_add
from tests.factories import make_student
from tests.progress.reports.helpers import (
    DELIVERED,
    MANDATED,
    drafted,
    frozen,
    missed_sessions,
    report_world,
    signed,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rw(world):
    return report_world(world)


def test_a_draft_has_each_goals_suggested_code_and_a_narrative_from_the_data(rw):
    report = drafted(rw)
    entry = ReportGoal.objects.get(report=report)
    assert entry.goal == rw.goal
    # 50, 60, 70, 80 % on the Mondays of Q2: rising 10 points a week, well above the aim
    # line (40 % on Aug 31 to 80 % on Jun 18: 53 % on Nov 30), not yet 3 sessions at 80 %.
    assert entry.code == ProgressCode.SUFFICIENT
    assert entry.narrative == (
        "4 sessions with data in this period (Nov 9 to Dec 2, 2026); 4 since the IEP started. "
        "Trend: rising 10 percentage points a week (toward the target). "
        "The latest three: 60% (Nov 16), 70% (Nov 23), 80% (Nov 30). "
        "The aim line expected 53% by Nov 30. "
        "Not yet: 1 of the last 3 sessions at or above 80%; the criterion asks for 3. "
        "What worked: Slant board test (worked twice; partly once)."
    )
    assert not entry.edited
    created = AuditEntry.objects.get(
        action=AuditAction.CREATE, object_type="progress.progressreport", object_id=str(report.pk)
    )
    assert created.student_id == rw.world.student.pk


def test_only_data_up_to_the_reports_last_day_counts(rw, time_machine):
    # Q1 ended Nov 6: the Q2 sessions are after it, the Oct 5 strategy use is in it.
    report, _ = report_draft(
        actor=rw.world.provider.user,
        provider=rw.world.provider,
        student=rw.world.student,
        period=rw.q1,
    )
    entry = ReportGoal.objects.get(report=report)
    assert entry.code == ProgressCode.NOT_INTRODUCED
    assert entry.narrative == (
        "No data taken for this goal through Nov 6, 2026. "
        "What worked: Slant board test (worked once)."
    )


def test_drafting_again_returns_the_report_and_a_future_period_is_refused(rw):
    first = drafted(rw)
    again, created = report_draft(
        actor=rw.world.provider.user,
        provider=rw.world.provider,
        student=rw.world.student,
        period=rw.q2,
    )
    assert (again, created) == (first, False)
    later = rw.q2.__class__.objects.create(
        district=rw.world.district,
        name="Q3",
        start=dt.date(2027, 2, 1),
        end=dt.date(2027, 4, 9),
    )
    with pytest.raises(ValidationError, match="Q3 starts on Feb 1"):
        report_draft(
            actor=rw.world.provider.user,
            provider=rw.world.provider,
            student=rw.world.student,
            period=later,
        )


def test_the_minutes_come_from_the_ledger(rw):
    missed_sessions(rw.world)
    report = signed(rw)
    minutes = frozen(report).minutes
    assert (minutes.mandated, minutes.delivered) == (MANDATED, DELIVERED)
    assert [(m.reason, m.minutes) for m in minutes.missed] == [
        ("Provider absent", 30),
        ("Student absent", 30),
    ]
    assert minutes.mandate == "60 min/week"
    assert minutes.start == dt.date(2026, 11, 9)


def test_editing_a_goal_and_redrafting_it(rw):
    report = drafted(rw)
    user = rw.world.provider.user
    report_goal_set(
        actor=user,
        report=report,
        goal=rw.goal,
        code=ProgressCode.MASTERED,
        narrative="  Writes on the line in most sentences.  ",
    )
    entry = ReportGoal.objects.get(report=report)
    assert (entry.code, entry.narrative, entry.edited) == (
        "mastered",
        "Writes on the line in most sentences.",
        True,
    )
    with pytest.raises(ValidationError, match="Write the narrative"):
        report_goal_set(actor=user, report=report, goal=rw.goal, code="", narrative=" ")
    with pytest.raises(ValidationError, match="Choose one of the progress codes"):
        report_goal_set(actor=user, report=report, goal=rw.goal, code="great", narrative="x")
    other_goal = Goal.objects.get(iep__student=rw.world.other_student)
    with pytest.raises(ValidationError, match="Choose a goal of this report"):
        report_goal_set(actor=user, report=report, goal=other_goal, code="", narrative="x")
    report_goal_redraft(actor=user, report=report, goal=rw.goal)
    entry.refresh_from_db()
    assert entry.code == ProgressCode.SUFFICIENT
    assert entry.narrative.startswith("4 sessions with data in this period")
    assert not entry.edited


def test_signing_freezes_everything_the_report_shows(rw):
    report = signed(rw)
    assert report.status == ReportStatus.SIGNED
    assert report.signed_by == rw.world.provider.user
    assert report.through == dt.date(2026, 12, 2)
    assert len(report.fingerprint) == 64
    document = frozen(report)
    (goal,) = document.goals
    assert goal.code_word == "Sufficient progress"
    assert goal.text == rw.goal.text
    assert goal.svg.startswith("<svg")
    assert goal.png is not None
    assert goal.png.startswith(b"\x89PNG")
    assert [v.value for v in goal.latest] == ["60%", "70%", "80%"]
    assert document.signed_by == "Provider Tester"
    assert Document.from_json(document.to_json()) == document
    with pytest.raises(ValidationError, match="amend it"):
        report_goal_set(
            actor=rw.world.provider.user, report=report, goal=rw.goal, code="", narrative="x"
        )
    with pytest.raises(ValidationError, match="signed already"):
        report_sign(actor=rw.world.provider.user, report=report)


def test_a_goal_without_a_code_cannot_be_signed(rw):
    Goal.objects.create(
        iep=rw.goal.iep,
        domain="sensory",
        text="Uses a calming strategy.",
        method=Method.NARRATIVE,
        target="Uses one strategy without prompts",
    )
    report = drafted(rw)
    record = rw.records[-1]
    data_point_add(
        actor=rw.world.provider.user,
        record=record,
        goal=Goal.objects.get(method=Method.NARRATIVE),
        text="Took five breaths.",
        reason="Entered from the paper sheet.",
    )
    report_goal_redraft(
        actor=rw.world.provider.user,
        report=report,
        goal=Goal.objects.get(method=Method.NARRATIVE),
    )
    with pytest.raises(ValidationError, match=r"Choose a progress code .* goal 2 \(Sensory"):
        report_sign(actor=rw.world.provider.user, report=report)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_an_amendment_is_a_new_revision_and_the_signed_one_stays(rw):
    first = signed(rw)
    report_share(actor=rw.world.provider.user, report=first, teacher=True, paras=False)
    snapshot = first.snapshot
    assert snapshot is not None
    with pytest.raises(ValidationError, match="Say why"):
        report_amend(actor=rw.world.provider.user, report=first, reason="  ")
    second = report_amend(
        actor=rw.world.provider.user, report=first, reason="A session was logged late."
    )
    assert (second.revision, second.status, second.amends) == (2, "draft", first)
    entry = ReportGoal.objects.get(report=second)
    assert entry.narrative == snapshot["goals"][0]["narrative"]
    with pytest.raises(ValidationError, match="amended already"):
        report_amend(actor=rw.world.provider.user, report=first, reason="Again.")
    report_sign(actor=rw.world.provider.user, report=second)
    second.refresh_from_db()
    first.refresh_from_db()
    assert first.snapshot == snapshot
    assert first.status == "signed"
    assert second.shared_with_teacher
    assert not second.shared_with_paras
    assert frozen(second).amend_reason == "A session was logged late."


def test_only_a_signed_report_is_shared_and_each_change_is_audited(rw):
    report = drafted(rw)
    with pytest.raises(ValidationError, match="Sign the report before sharing"):
        report_share(actor=rw.world.provider.user, report=report, teacher=True, paras=True)
    report = report_sign(actor=rw.world.provider.user, report=report)
    report_share(actor=rw.world.provider.user, report=report, teacher=False, paras=True)
    report.refresh_from_db()
    assert (report.shared_with_teacher, report.shared_with_paras) == (False, True)
    entry = (
        AuditEntry.objects.filter(object_type="progress.progressreport", object_id=str(report.pk))
        .order_by("-pk")
        .first()
    )
    assert entry is not None
    assert entry.detail == {"shared_with_paras": True}


def test_drafting_the_whole_caseload(rw):
    extra = make_student(
        ref="S-0009", classroom=rw.world.classroom, provider=rw.world.provider, first_name="Cam"
    )
    drafted(rw)
    made = report_draft_many(actor=rw.world.provider.user, provider=rw.world.provider, period=rw.q2)
    assert [r.student for r in made] == [extra]
    assert ReportGoal.objects.filter(report__in=made).count() == 1
    assert (
        report_draft_many(actor=rw.world.provider.user, provider=rw.world.provider, period=rw.q2)
        == []
    )
    assert ProgressReport.objects.filter(period=rw.q2).count() == 2

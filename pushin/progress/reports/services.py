"""Changing progress reports: draft, edit a goal's entry, sign, amend, share; and the
district's words for the progress codes. Keyword-only, atomic, audited.

A signed revision is never changed: `report_amend` opens a new revision (a draft, with
the reason) and the signed one stays as it was. Only the sharing flags of a signed
revision change, and each change is audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, AuditEntry, User
from pushin.caseload.models import Goal, Student
from pushin.district.models import District, ProgressPeriod, Provider
from pushin.progress.models import (
    ProgressCode,
    ProgressCodeWord,
    ProgressReport,
    ReportGoal,
    ReportStatus,
)
from pushin.progress.reports.codes import DEFAULT_WORDS, code_words, suggest_code
from pushin.progress.reports.draft import (
    Facts,
    document_of,
    draft_narrative,
    gather_facts,
    report_through,
)
from pushin.sessions.ledger import family

NARRATIVE_MAX = 4000
REASON_MAX = 200
WORD_MAX = 60
SIGNED_ALREADY = "This report is signed: amend it (with a reason) to change it."


def _check_period(district_id: int, period: ProgressPeriod, today: dt.date) -> None:
    if period.district_id != district_id:
        raise ValidationError({"period": "Choose one of the district's progress periods."})
    if period.start > today:
        raise ValidationError(
            {
                "period": f"{period.name} starts on {period.start:%b} {period.start.day}: a "
                "report is drafted once its period has started."
            }
        )


def _facts(student: Student, period: ProgressPeriod, fam: str, through: dt.date) -> Facts:
    """One student's facts for a report of `period` (see draft.gather_facts)."""
    district = District.objects.get(pk=student.district_id)
    return gather_facts(
        district=district,
        period=period,
        family=fam,
        students=[student],
        through={student.pk: through},
    )[student.pk]


def _entries(report: ProgressReport, facts: Facts) -> list[ReportGoal]:
    """A new draft's entries: each goal's suggested code and drafted narrative."""
    return [
        ReportGoal(
            report=report,
            goal=gf.goal,
            code=suggest_code(gf.series).code,
            narrative=draft_narrative(gf, period=facts.period, through=facts.through),
        )
        for gf in facts.goals
    ]


@transaction.atomic
def report_draft(
    *,
    actor: User,
    provider: Provider,
    student: Student,
    period: ProgressPeriod,
    today: dt.date | None = None,
) -> tuple[ProgressReport, bool]:
    """The student's report of `period` for the provider's discipline family: a new draft
    (each goal's suggested code and drafted narrative), or the latest revision when one
    exists already (then `False`)."""
    today = today or timezone.localdate()
    _check_period(student.district_id, period, today)
    fam = family(provider.discipline)
    Student.objects.select_for_update().filter(pk=student.pk).first()  # one draft at a time
    latest = (
        ProgressReport.objects.filter(student=student, period=period, family=fam)
        .order_by("-revision")
        .first()
    )
    if latest is not None:
        return latest, False
    report = ProgressReport.objects.create(
        student=student, period=period, family=fam, created_by=actor
    )
    facts = _facts(student, period, fam, report_through(period, today))
    ReportGoal.objects.bulk_create(_entries(report, facts))
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=report,
        student_id=student.pk,
        detail={"period": period.pk, "family": fam, "revision": 1},
    )
    return report, True


@transaction.atomic
def report_draft_many(
    *, actor: User, provider: Provider, period: ProgressPeriod, today: dt.date | None = None
) -> list[ProgressReport]:
    """Drafts for every active student of the provider's caseload who has no report of
    `period` yet (for the provider's family); the new drafts."""
    today = today or timezone.localdate()
    _check_period(provider.district_id, period, today)
    fam = family(provider.discipline)
    reported = ProgressReport.objects.filter(period=period, family=fam).values("student_id")
    students = list(
        provider.students.filter(active=True)
        .exclude(pk__in=reported)
        .select_related("classroom__school")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    if not students:
        return []
    through = report_through(period, today)
    facts = gather_facts(
        district=provider.district,
        period=period,
        family=fam,
        students=students,
        through={s.pk: through for s in students},
    )
    reports = ProgressReport.objects.bulk_create(
        ProgressReport(student=s, period=period, family=fam, created_by=actor) for s in students
    )
    entries = []
    for report, student in zip(reports, students, strict=True):
        entries += _entries(report, facts[student.pk])
    ReportGoal.objects.bulk_create(entries)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=ProgressReport._meta.label_lower,
            object_id=str(report.pk),
            student_id=report.student_id,
            detail={"period": period.pk, "family": fam, "revision": 1},
        )
        for report in reports
    )
    return reports


def _locked(report: ProgressReport) -> ProgressReport:
    return (
        ProgressReport.objects.select_for_update(of=("self",))
        .select_related("student", "period")
        .get(pk=report.pk)
    )


def _report_goal(report: ProgressReport, goal: Goal) -> Goal:
    """`goal`, when it is a goal of the report's student in an IEP overlapping its period."""
    found = (
        Goal.objects.filter(
            pk=goal.pk,
            iep__student_id=report.student_id,
            iep__start__lte=report.period.end,
            iep__end__gte=report.period.start,
        )
        .select_related("iep")
        .first()
    )
    if found is None:
        raise ValidationError({"goal": "Choose a goal of this report."})
    return found


@transaction.atomic
def report_goal_set(
    *, actor: User, report: ProgressReport, goal: Goal, code: str, narrative: str
) -> ReportGoal:
    """Save the code and narrative of one goal of a draft."""
    locked = _locked(report)
    if locked.is_signed:
        raise ValidationError(SIGNED_ALREADY)
    goal = _report_goal(locked, goal)
    if code and code not in ProgressCode.values:
        raise ValidationError({"code": "Choose one of the progress codes."})
    narrative = narrative.strip()
    if not narrative:
        raise ValidationError({"narrative": "Write the narrative: a sentence or two will do."})
    if len(narrative) > NARRATIVE_MAX:
        raise ValidationError(
            {"narrative": f"Keep the narrative under {NARRATIVE_MAX} characters."}
        )
    entry, _ = ReportGoal.objects.update_or_create(
        report=locked, goal=goal, defaults={"code": code, "narrative": narrative, "edited": True}
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        student_id=locked.student_id,
        detail={"goal": goal.pk, "fields": ["code", "narrative"]},
    )
    return entry


@transaction.atomic
def report_goal_redraft(
    *, actor: User, report: ProgressReport, goal: Goal, today: dt.date | None = None
) -> ReportGoal:
    """Replace one goal's code and narrative of a draft with those the data suggests now."""
    today = today or timezone.localdate()
    locked = _locked(report)
    if locked.is_signed:
        raise ValidationError(SIGNED_ALREADY)
    goal = _report_goal(locked, goal)
    facts = _facts(
        locked.student, locked.period, locked.family, report_through(locked.period, today)
    )
    found = next((gf for gf in facts.goals if gf.goal.pk == goal.pk), None)
    if found is None:
        raise ValidationError({"goal": "This goal's IEP starts after the report's last day."})
    entry, _ = ReportGoal.objects.update_or_create(
        report=locked,
        goal=goal,
        defaults={
            "code": suggest_code(found.series).code,
            "narrative": draft_narrative(found, period=facts.period, through=facts.through),
            "edited": False,
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        student_id=locked.student_id,
        detail={"goal": goal.pk, "redrafted": True},
    )
    return entry


@transaction.atomic
def report_sign(
    *, actor: User, report: ProgressReport, today: dt.date | None = None
) -> ProgressReport:
    """Sign a draft: freeze what it shows (every number and word, each graph) into its
    snapshot, with the fingerprint of the record it was made from. From then on the
    report is shown only from the snapshot."""
    today = today or timezone.localdate()
    locked = _locked(report)
    if locked.is_signed:
        raise ValidationError("This report is signed already.")
    through = report_through(locked.period, today)
    student = Student.objects.select_related("classroom__school").get(pk=locked.student_id)
    facts = _facts(student, locked.period, locked.family, through)
    entries = {e.goal_id: e for e in locked.entries.all()}
    document = document_of(
        facts,
        words=code_words(student.district_id),
        author=actor.display_name,
        entries=entries,
        draw=True,
        png=True,
        revision=locked.revision,
        amend_reason=locked.amend_reason,
    )
    missing = [
        f"goal {n} ({part.domain})"
        for n, part in enumerate(document.goals, start=1)
        if not part.code or not part.narrative.strip()
    ]
    if missing:
        raise ValidationError(
            "Choose a progress code and write a narrative for "
            + ", ".join(missing)
            + " before signing."
        )
    now = timezone.now()
    document = document.signed_as(by=actor.display_name, at=now)
    locked.status = ReportStatus.SIGNED
    locked.signed_by = actor
    locked.signed_at = now
    locked.through = through
    locked.snapshot = document.to_json()
    locked.fingerprint = facts.fingerprint()
    if locked.amends is not None:  # an amendment keeps who the report was shared with
        locked.shared_with_teacher = locked.amends.shared_with_teacher
        locked.shared_with_paras = locked.amends.shared_with_paras
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        student_id=locked.student_id,
        detail={"signed": True, "revision": locked.revision, "through": through.isoformat()},
    )
    return locked


@transaction.atomic
def report_amend(*, actor: User, report: ProgressReport, reason: str) -> ProgressReport:
    """Open a new revision of a signed report (a draft with the signed one's codes and
    narratives), saying why. The signed revision stays as it was, readable."""
    locked = _locked(report)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the signed report is amended."})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX} characters."})
    if not locked.is_signed:
        raise ValidationError("Only a signed report is amended; change the draft directly.")
    if ProgressReport.objects.filter(amends=locked).exists():
        raise ValidationError("This revision has been amended already: open the latest one.")
    snapshot = locked.snapshot or {}
    new = ProgressReport.objects.create(
        student_id=locked.student_id,
        period=locked.period,
        family=locked.family,
        revision=locked.revision + 1,
        amends=locked,
        amend_reason=reason,
        created_by=actor,
    )
    kept = set(
        Goal.objects.filter(
            pk__in=[g["goal"] for g in snapshot.get("goals", [])],
            iep__student_id=locked.student_id,
        ).values_list("pk", flat=True)
    )
    ReportGoal.objects.bulk_create(
        ReportGoal(
            report=new, goal_id=g["goal"], code=g["code"], narrative=g["narrative"], edited=True
        )
        for g in snapshot.get("goals", [])
        if g["goal"] in kept
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=new,
        student_id=new.student_id,
        detail={"amends": locked.pk, "revision": new.revision},
    )
    return new


@transaction.atomic
def report_share(
    *, actor: User, report: ProgressReport, teacher: bool, paras: bool
) -> ProgressReport:
    """Who besides the providers and the administrator may read this signed revision:
    the student's teacher, the student's paras (read-only)."""
    locked = _locked(report)
    if not locked.is_signed:
        raise ValidationError("Sign the report before sharing it.")
    changed = {
        "shared_with_teacher": teacher,
        "shared_with_paras": paras,
    }
    fields = [f for f, v in changed.items() if getattr(locked, f) != v]
    for name in fields:
        setattr(locked, name, changed[name])
    if fields:
        locked.save(update_fields=fields)
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=locked,
            student_id=locked.student_id,
            detail={f: changed[f] for f in fields},
        )
    return locked


@transaction.atomic
def progress_code_words_set(
    *, actor: User, district: District, words: Mapping[str, str]
) -> dict[str, str]:
    """The district's words for the progress codes (a code left out keeps its word).
    Reports signed before keep the words they were signed with."""
    unknown = set(words) - set(DEFAULT_WORDS)
    if unknown:
        raise ValidationError({NON_FIELD_ERRORS: f"Unknown progress codes: {sorted(unknown)}"})
    cleaned = {code: word.strip() for code, word in words.items()}
    errors = {}
    for code, word in cleaned.items():
        if not word:
            errors[code] = "Give the code a word."
        elif len(word) > WORD_MAX:
            errors[code] = f"Keep it under {WORD_MAX} characters."
    if errors:
        raise ValidationError(errors)
    result = {**code_words(district.pk), **cleaned}
    seen: dict[str, str] = {}
    for code, word in result.items():
        if word.casefold() in seen:
            raise ValidationError(
                {code: f"“{word}” already names another code: each code needs its own word."}
            )
        seen[word.casefold()] = code
    changed = []
    for code, word in cleaned.items():
        row = ProgressCodeWord.objects.filter(district=district, code=code).first()
        if word == DEFAULT_WORDS[code]:
            if row is not None:
                row.delete()
                changed.append(code)
        elif row is None or row.word != word:
            ProgressCodeWord.objects.update_or_create(
                district=district, code=code, defaults={"word": word}
            )
            changed.append(code)
    if changed:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=district,
            detail={"progress_code_words": sorted(changed)},
        )
    return result

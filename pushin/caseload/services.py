"""Changes to caseload records. Each is atomic and leaves an audit entry (ids only)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, User
from pushin.caseload.fit import default_fit
from pushin.caseload.models import (
    FitWeight,
    Goal,
    GoalFitOverride,
    MandateVersion,
    Service,
    Student,
)
from pushin.concurrency import version_claim
from pushin.district.models import District
from pushin.vocabulary import Activity, Comfort, Domain

WEIGHT_ERROR = "Enter a weight from 0 (never) to 1 (ideal), e.g. 0.6."
# What changed under a stale form, in the conflict message (pushin/concurrency.py).
STUDENT = "This student's record"


def _check_weight(weight: float, field: str = "weight") -> None:
    if not 0.0 <= weight <= 1.0:
        raise ValidationError({field: WEIGHT_ERROR})


@transaction.atomic
def student_comfort_set(
    *,
    actor: User,
    student: Student,
    comfort: str,
    asked_on: dt.date | None,
    version: int | None = None,
) -> Student:
    """Record how the student wants support to look, and when they were asked.

    An empty `comfort` clears the preference (and the date); a preference without a date
    was asked today. Refused (EditConflict) when the student changed since the form was
    drawn at `version`.
    """
    version_claim(Student.objects, pk=student.pk, expected=version, what=STUDENT)
    if comfort and comfort not in Comfort.values:
        raise ValidationError({"comfort": "Choose one of the listed preferences."})
    today = timezone.localdate()
    if not comfort:
        asked_on = None
    elif asked_on is None:
        asked_on = today
    elif asked_on > today:
        raise ValidationError({"asked_on": "The date asked cannot be in the future."})
    student.comfort = comfort
    student.comfort_asked_on = asked_on
    student.save(update_fields=["comfort", "comfort_asked_on"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=student,
        student_id=student.pk,
        detail={"fields": ["comfort", "comfort_asked_on"]},
    )
    return student


@transaction.atomic
def mandate_amend(
    *,
    actor: User,
    service: Service,
    effective_from: dt.date,
    minutes: int,
    frequency: str,
    session_minutes: int,
    delivery: str,
    grouping: str,
    max_group: int,
    reason: str,
    student_version: int | None = None,
) -> MandateVersion:
    """Add a mandate version from `effective_from` on. Earlier versions are never changed.

    The date must fall within the IEP and after the latest version's date. Refused
    (EditConflict) when the student changed since the form was drawn at `student_version`
    (another amendment, say, that this one would follow without its author seeing it).
    """
    service = Service.objects.select_for_update().select_related("iep").get(pk=service.pk)
    iep = service.iep
    version_claim(Student.objects, pk=iep.student_id, expected=student_version, what=STUDENT)
    latest = service.versions.order_by("-effective_from", "-pk").first()
    errors: dict[str, list[str]] = {}
    if not iep.start <= effective_from <= iep.end:
        errors["effective_from"] = [
            f"The date must fall within the IEP ({iep.start:%b %d, %Y} to {iep.end:%b %d, %Y})."
        ]
    elif latest is not None and effective_from == latest.effective_from:
        errors["effective_from"] = [
            f"A version already takes effect on {effective_from:%b %d, %Y}. Versions are "
            "never rewritten: choose a later date for the amendment."
        ]
    elif latest is not None and effective_from < latest.effective_from:
        errors["effective_from"] = [
            f"The latest version takes effect on {latest.effective_from:%b %d, %Y}; an "
            "amendment must take effect after it."
        ]
    version = MandateVersion(
        service=service,
        effective_from=effective_from,
        minutes=minutes,
        frequency=frequency,
        session_minutes=session_minutes,
        delivery=delivery,
        grouping=grouping,
        max_group=max_group,
        reason=reason,
        created_by=actor,
    )
    try:
        version.full_clean(exclude=["service", "created_by"], validate_constraints=False)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    version.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=version,
        student_id=iep.student_id,
        detail={
            "service_id": service.pk,
            "effective_from": effective_from.isoformat(),
            "replaces_version_id": latest.pk if latest is not None else None,
        },
    )
    return version


@transaction.atomic
def fit_weight_set(
    *, actor: User, district: District, domain: str, activity: str, weight: float | None
) -> FitWeight | None:
    """Set one cell of the district's fit table; None (or the default) goes back to the default.

    Only edits are stored: an absent row means the engine's default weight.
    """
    if domain not in Domain.values or activity not in Activity.values:
        raise ValidationError("Unknown goal domain or activity.")
    existing = FitWeight.objects.filter(district=district, domain=domain, activity=activity).first()
    if weight is not None:
        _check_weight(weight)
    if weight is None or weight == default_fit(domain, activity):
        if existing is not None:
            audit_record(
                actor=actor,
                action=AuditAction.DELETE,
                obj=existing,
                detail={"domain": domain, "activity": activity},
            )
            existing.delete()
        return None
    row = existing or FitWeight(district=district, domain=domain, activity=activity)
    row.weight = weight
    row.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if existing is not None else AuditAction.CREATE,
        obj=row,
        detail={"domain": domain, "activity": activity, "weight": weight},
    )
    return row


@transaction.atomic
def goal_fit_set(
    *, actor: User, goal: Goal, activity: str, weight: float | None
) -> GoalFitOverride | None:
    """Set (or, with None, clear) one goal's own fit for an activity."""
    if activity not in Activity.values:
        raise ValidationError({"activity": "Choose one of the listed activities."})
    if weight is not None:
        _check_weight(weight)
    student_id = goal.iep.student_id
    existing = GoalFitOverride.objects.filter(goal=goal, activity=activity).first()
    if weight is None:
        if existing is not None:
            existing.delete()
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=goal,
                student_id=student_id,
                detail={"fit_override_cleared": activity},
            )
        return None
    override = existing or GoalFitOverride(goal=goal, activity=activity)
    override.weight = weight
    override.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=goal,
        student_id=student_id,
        detail={"fit_override_set": activity},
    )
    return override

"""Changes to the watch list: keyword-only, atomic, audited (ids only, never a name)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, AuditEntry, User
from pushin.caseload.models import Student
from pushin.district.models import Classroom, District
from pushin.watchlist.models import (
    SUMMARY_MIN_OBSERVATIONS,
    CarriedObservation,
    WatchEntry,
    WatchObservation,
    WatchPolicy,
)

ENTRY_LABEL = "watchlist.watchentry"


def watch_policy_for(district: District) -> WatchPolicy:
    """The district's settings, or the defaults (unsaved) when it has none."""
    policy = WatchPolicy.objects.filter(district=district).first()
    return policy or WatchPolicy(district=district)


def summary_threshold(district: District) -> int:
    policy = WatchPolicy.objects.filter(district=district).first()
    return policy.summary_min_observations if policy else SUMMARY_MIN_OBSERVATIONS


def summary_thresholds(district_ids: set[int]) -> dict[int, int]:
    """`summary_threshold` of several districts in one query."""
    policies = dict(
        WatchPolicy.objects.filter(district_id__in=district_ids).values_list(
            "district_id", "summary_min_observations"
        )
    )
    return {pk: policies.get(pk, SUMMARY_MIN_OBSERVATIONS) for pk in district_ids}


def _year_end_on_or_after(district: District, day: dt.date) -> dt.date:
    """The end of the school year on or after `day` (the district's, a year on if past)."""
    end = district.school_year_end
    years = 0
    while end < day:
        years += 1
        try:
            end = district.school_year_end.replace(year=district.school_year_end.year + years)
        except ValueError:  # February 29th
            end = district.school_year_end.replace(
                year=district.school_year_end.year + years, day=28
            )
    return end


def watch_expiry(*, district: District, today: dt.date) -> dt.date:
    """The last day an entry noted (or renewed) `today` is kept."""
    policy = watch_policy_for(district)
    if policy.keep_days:
        return today + dt.timedelta(days=policy.keep_days)
    return _year_end_on_or_after(district, today)


def renewed_expiry(*, entry: WatchEntry, today: dt.date) -> dt.date:
    """Renewing keeps an entry for another period: the district's number of days from
    today, or (by default) to the end of the school year after the one it would end with."""
    policy = watch_policy_for(entry.district)
    if policy.keep_days:
        return max(entry.expires_on, today + dt.timedelta(days=policy.keep_days))
    start = max(today, entry.expires_on + dt.timedelta(days=1))
    return _year_end_on_or_after(entry.district, start)


def _check_observation(*, observed_on: dt.date, seen: str) -> None:
    errors: dict[str, str] = {}
    if observed_on > timezone.localdate():
        errors["observed_on"] = "An observation is of something already seen: not a future day."
    if not seen.strip():
        errors["seen"] = "Say what was seen."
    if errors:
        raise ValidationError(errors)


def _observation(
    *,
    actor: User,
    entry: WatchEntry,
    observed_on: dt.date,
    activity: str,
    seen: str,
    strategy_tried: str = "",
    outcome: str = "",
    outcome_note: str = "",
) -> WatchObservation:
    _check_observation(observed_on=observed_on, seen=seen)
    if outcome and not strategy_tried.strip():
        raise ValidationError({"strategy_tried": "Name the strategy whose outcome you record."})
    observation = WatchObservation(
        entry=entry,
        observed_on=observed_on,
        activity=activity,
        seen=seen.strip(),
        strategy_tried=strategy_tried.strip(),
        outcome=outcome,
        outcome_note=outcome_note.strip(),
        author=actor,
    )
    observation.full_clean(exclude=["entry", "author"])
    observation.save()
    return observation


@transaction.atomic
def watch_entry_create(
    *,
    actor: User,
    classroom: Classroom,
    first_name: str,
    last_initial: str,
    observed_on: dt.date,
    activity: str,
    seen: str,
    strategy_tried: str = "",
    outcome: str = "",
    outcome_note: str = "",
) -> WatchEntry:
    """Note a concern about a student on no caseload, with its first observation."""
    from pushin.watchlist.access import watch_rooms_for

    if not watch_rooms_for(actor).filter(pk=classroom.pk).exists():
        raise PermissionDenied("You do not serve this room.")
    first_name, last_initial = first_name.strip(), last_initial.strip().upper()
    if not first_name:
        raise ValidationError({"first_name": "A first name is needed."})
    district = classroom.school.district
    entry = WatchEntry(
        district=district,
        classroom=classroom,
        first_name=first_name,
        last_initial=last_initial,
        created_by=actor,
        expires_on=watch_expiry(district=district, today=timezone.localdate()),
    )
    entry.full_clean(exclude=["district", "classroom", "created_by"])
    entry.save()
    observation = _observation(
        actor=actor,
        entry=entry,
        observed_on=observed_on,
        activity=activity,
        seen=seen,
        strategy_tried=strategy_tried,
        outcome=outcome,
        outcome_note=outcome_note,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=entry,
        detail={"classroom": classroom.pk, "observation": observation.pk},
    )
    return entry


@transaction.atomic
def watch_observation_add(
    *,
    actor: User,
    entry: WatchEntry,
    observed_on: dt.date,
    activity: str,
    seen: str,
    strategy_tried: str = "",
    outcome: str = "",
    outcome_note: str = "",
) -> WatchObservation:
    observation = _observation(
        actor=actor,
        entry=entry,
        observed_on=observed_on,
        activity=activity,
        seen=seen,
        strategy_tried=strategy_tried,
        outcome=outcome,
        outcome_note=outcome_note,
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=entry,
        detail={"observation_added": observation.pk},
    )
    return observation


@transaction.atomic
def watch_entry_renew(*, actor: User, entry: WatchEntry) -> WatchEntry:
    """Keep an entry for another period (its owner's choice)."""
    from pushin.watchlist.access import can_renew

    if not can_renew(actor, entry):
        raise PermissionDenied("Only the person who noted it renews an entry.")
    entry = WatchEntry.objects.select_for_update().get(pk=entry.pk)
    before = entry.expires_on
    entry.expires_on = renewed_expiry(entry=entry, today=timezone.localdate())
    entry.renewed_at = timezone.now()
    entry.save(update_fields=["expires_on", "renewed_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=entry,
        detail={"expires_on": [before.isoformat(), entry.expires_on.isoformat()]},
    )
    return entry


@transaction.atomic
def watch_entry_carry_over(*, actor: User, entry: WatchEntry, student: Student) -> int:
    """The student was referred and is on `actor`'s caseload: copy the observations to
    the student's record, then delete the watch entry. Returns how many were carried."""
    from pushin.watchlist.access import carry_over_students

    if not carry_over_students(actor, entry).filter(pk=student.pk).exists():
        raise ValidationError(
            {"student": "Choose a student of your caseload at this entry's school."}
        )
    observations = list(entry.observations.all())
    carried = CarriedObservation.objects.bulk_create(
        CarriedObservation(
            student=student,
            observed_on=o.observed_on,
            activity=o.activity,
            seen=o.seen,
            strategy_tried=o.strategy_tried,
            outcome=o.outcome,
            outcome_note=o.outcome_note,
            author_id=o.author_id,
            noted_at=o.created_at,
            carried_by=actor,
        )
        for o in observations
    )
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=student,
        student_id=student.pk,
        detail={"carried_from_watch_entry": entry.pk, "observations": len(carried)},
    )
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=entry,
        detail={"reason": "carried_over", "student": student.pk},
    )
    entry.delete()
    return len(carried)


@transaction.atomic
def watch_entries_expire(*, today: dt.date | None = None) -> int:
    """Delete every entry past its last day, with its observations. Returns how many.

    Run daily (`manage.py watchlist_expire` or the `watch_entries_expire_task` task);
    pages never do it (a GET never writes)."""
    today = today or timezone.localdate()
    expired = list(WatchEntry.objects.filter(expires_on__lt=today).values_list("pk", "district_id"))
    if not expired:
        return 0
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=None,
            action=AuditAction.DELETE,
            object_type=ENTRY_LABEL,
            object_id=str(pk),
            district_id=district_id,
            detail={"reason": "expired"},
        )
        for pk, district_id in expired
    )
    WatchEntry.objects.filter(pk__in=[pk for pk, _ in expired]).delete()
    return len(expired)


@transaction.atomic
def watch_policy_update(
    *, actor: User, district: District, keep_days: int | None, summary_min_observations: int
) -> WatchPolicy:
    policy, _ = WatchPolicy.objects.get_or_create(district=district)
    policy.keep_days = keep_days
    policy.summary_min_observations = summary_min_observations
    policy.full_clean()
    policy.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=policy,
        detail={"keep_days": keep_days, "summary_min_observations": summary_min_observations},
    )
    return policy


def watch_entries_read_audit(*, actor: User, entries: Iterable[WatchEntry], page: str) -> int:
    """One READ entry per watch entry a page shows (ids only)."""
    rows = [
        AuditEntry(
            actor=actor,
            action=AuditAction.READ,
            object_type=ENTRY_LABEL,
            object_id=str(entry.pk),
            detail={"page": page},
        )
        for entry in entries
    ]
    AuditEntry.objects.bulk_create(rows)
    return len(rows)

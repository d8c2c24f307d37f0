"""Changes to a dated session's student records: plan, attendance, data, note, signing.

Every function is keyword-only and atomic, and writes an audit entry (ids and field
names only, never a note or a value) for each student record it reads or changes.

Before a session is signed its records are simply edited. After signing, a record is
never overwritten silently: each change of attendance, minutes, note or plan is an
`Amendment` with the old value, the new value and the reason (required), and the record
shows the amended value. Data points added after signing are late entries (an Amendment
with field "data"); removing one is an amendment too.

Logging follows time (`DatedSession.has_started`, the one rule): before a session starts,
"delivered" minutes, data points and signing are refused with `not_started_message`, and
a miss is recorded only by calling the whole session off in advance with a reason
(`session_call_off`, kept in `DatedSession.cancel_reason`; `session_call_off_undo` takes
it back). Makeups are dated sessions and follow the same rule.

Two people (or one in two tabs) never overwrite each other: each record's card and the
session's own forms send the `version` they were drawn with, and a change to a record or
a session that changed since answers EditConflict (pushin/concurrency.py), writing nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pushin.accounts.audit import audit_record
from pushin.accounts.models import AuditAction, AuditEntry, User
from pushin.caseload.models import Goal, Method
from pushin.collaboration.models import Strategy, StudentStrategy
from pushin.concurrency import EditConflict, version_bump, version_claim
from pushin.sessions.models import (
    Amendment,
    Attendance,
    DataKind,
    DataPoint,
    DatedSession,
    PromptLevel,
    SessionStatus,
    SessionStudent,
)
from pushin.vocabulary import SHORT_REASON_CHOICES, CutShortReason, MissReason

# The fields of a signed record an amendment may change (FKs by their id).
AMENDABLE = (
    "attendance",
    "minutes_delivered",
    "short_reason",
    "short_note",
    "note",
    "focus_goal",
    "strategy",
    "strategy_text",
)
FK_FIELDS = {"focus_goal", "strategy"}

METHOD_KIND: dict[str, str] = {
    Method.PERCENT_TRIALS: DataKind.TRIAL,
    Method.PROMPT_LEVEL: DataKind.PROMPT,
    Method.RUBRIC: DataKind.RUBRIC,
    Method.DURATION: DataKind.DURATION,
    Method.LATENCY: DataKind.DURATION,
    Method.FREQUENCY: DataKind.FREQUENCY,
    Method.NARRATIVE: DataKind.NARRATIVE,
}
RUBRIC_MAX = 4
# Cut-short reasons a record may hold: its own (CutShortReason), and the miss reasons
# records were cut short for before those had their own list (still valid, never offered).
SHORT_REASONS = frozenset(value for value, _ in SHORT_REASON_CHOICES)
SHORT_NOTE_MAX = 200
MAX_SECONDS = 4 * 60 * 60
NOTE_MAX = 2000
LATE_ENTRY = "Late entry"
# What changed under a stale form, in the conflict message (no names: see EditConflict).
RECORD = "This student's record"
SESSION = "This session"


def data_kind_for(goal: Goal) -> str:
    return METHOD_KIND.get(goal.method, DataKind.NARRATIVE)


# --- Logging follows time -----------------------------------------------------------------

NOT_STARTED = "This {kind} starts {when}: delivered minutes, data and signing open when it starts."
NOT_STARTED_MISS = (
    "This {kind} starts {when}: to record a miss ahead, call the session off in advance "
    "with a reason."
)
HAS_STARTED = "This session has started: record what happened for each student instead."
CALL_OFF_REASON = "Say why the session is called off (for example: provider out sick, class trip)."
REASON_MAX = 200


def _when(session: DatedSession) -> tuple[str, str]:
    kind = "makeup session" if session.is_makeup else "session"
    return kind, f"{session.date:%a %b} {session.date.day} at {session.start:%H:%M}"


def not_started_message(session: DatedSession) -> str:
    """Why delivered minutes, data and signing are refused for a session not started yet."""
    kind, when = _when(session)
    return NOT_STARTED.format(kind=kind, when=when)


def _require_started(session: DatedSession) -> None:
    if not session.has_started():
        raise ValidationError(not_started_message(session))


# --- Helpers ------------------------------------------------------------------------------


def _locked(
    record: SessionStudent, version: int | None = None, *, bump: bool = True
) -> tuple[DatedSession, SessionStudent]:
    """The session and the record, locked in that order (signing and calling off lock the
    session first too); the record claimed at the `version` its form was drawn with."""
    session = DatedSession.objects.select_for_update().get(pk=record.session_id)
    version_claim(SessionStudent.objects, pk=record.pk, expected=version, what=RECORD, bump=bump)
    locked = SessionStudent.objects.select_for_update().get(pk=record.pk)
    locked.session = session
    return session, locked


def _audit(
    actor: User, action: AuditAction, record: SessionStudent, detail: dict[str, Any]
) -> None:
    audit_record(
        actor=actor,
        action=action,
        obj=record,
        student_id=record.student_id,
        detail={"session": record.session_id, **detail},
    )


def _value(record: SessionStudent, field: str) -> Any:
    return getattr(record, f"{field}_id" if field in FK_FIELDS else field)


def _mark_logged(session: DatedSession) -> None:
    if session.status == SessionStatus.PLANNED:
        session.status = SessionStatus.LOGGED
        session.save(update_fields=["status"])


def _check_plan(record: SessionStudent, focus_goal: Goal | None, strategy: Strategy | None) -> None:
    errors = {}
    if focus_goal is not None and focus_goal.iep.student_id != record.student_id:
        errors["focus_goal"] = "Choose one of this student's goals."
    if (
        strategy is not None
        and not StudentStrategy.objects.filter(
            student_id=record.student_id, strategy=strategy
        ).exists()
    ):
        errors["strategy"] = "Choose one of this student's strategies, or write the plan in words."
    if errors:
        raise ValidationError(errors)


def _check_attendance(
    session: DatedSession,
    attendance: str,
    minutes: int | None,
    short_reason: str,
    short_note: str = "",
) -> None:
    """The rules that tie attendance, minutes and the cut-short reason together."""
    length = session.minutes
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": "Choose what happened for this student."})
    if short_reason and short_reason not in SHORT_REASONS:
        raise ValidationError({"short_reason": "Choose why the session was cut short."})
    if short_reason == CutShortReason.OTHER and not short_note:
        raise ValidationError({"short_note": "Say in a few words why the session was cut short."})
    if len(short_note) > SHORT_NOTE_MAX:
        raise ValidationError({"short_note": f"Keep it under {SHORT_NOTE_MAX} characters."})
    if attendance != Attendance.DELIVERED:
        return
    if minutes is None or minutes < 1:
        raise ValidationError(
            {
                "minutes_delivered": "A delivered session lasts at least 1 minute; "
                "if it did not happen, choose why instead."
            }
        )
    if minutes > length:
        raise ValidationError(
            {"minutes_delivered": f"At most {length} minutes: the session lasts {length}."}
        )
    if minutes < length and not short_reason:
        raise ValidationError(
            {"short_reason": f"Say why the session was cut short ({minutes} of {length} minutes)."}
        )


def _amend(
    *,
    actor: User,
    session: DatedSession,
    record: SessionStudent,
    values: Mapping[str, Any],
    reason: str,
) -> list[Amendment]:
    """Apply `values` to a locked, signed record as amendments (only the fields that change)."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the signed record changes."})
    if len(reason) > 200:
        raise ValidationError({"reason": "Keep the reason under 200 characters."})
    if not session.is_signed:
        raise ValidationError("Only a signed session is amended; change the record directly.")
    unknown = set(values) - set(AMENDABLE)
    if unknown:
        raise ValueError(f"not amendable: {sorted(unknown)}")
    if values.get("short_reason", record.short_reason) != CutShortReason.OTHER:
        values = {**values, "short_note": ""}  # the words are for "other" only
    changed = {f: v for f, v in values.items() if _value(record, f) != v}
    if not changed:
        return []
    state = {f: changed.get(f, _value(record, f)) for f in AMENDABLE}
    if not state["attendance"]:
        raise ValidationError({"attendance": "A signed record keeps an attendance."})
    if state["attendance"] == Attendance.DELIVERED and {"attendance", "minutes_delivered"} & set(
        changed
    ):
        _require_started(session)
    _check_attendance(
        session,
        state["attendance"],
        state["minutes_delivered"],
        state["short_reason"],
        state["short_note"],
    )
    amendments = []
    for field, new in changed.items():
        amendments.append(
            Amendment(
                record=record,
                field=field,
                old_value=_value(record, field),
                new_value=new,
                reason=reason,
                made_by=actor,
            )
        )
        setattr(record, f"{field}_id" if field in FK_FIELDS else field, new)
    record.save(update_fields=list(changed))
    created = Amendment.objects.bulk_create(amendments)
    _audit(
        actor,
        AuditAction.UPDATE,
        record,
        {"amended": sorted(changed), "amendments": [a.pk for a in created]},
    )
    return created


# --- The plan -----------------------------------------------------------------------------


@transaction.atomic
def session_plan_set(
    *,
    actor: User,
    record: SessionStudent,
    focus_goal: Goal | None,
    strategy: Strategy | None,
    strategy_text: str = "",
    reason: str = "",
    version: int | None = None,
) -> SessionStudent:
    """What the session targets for the student and the support to try; changeable on
    arrival. After signing it is an amendment (`reason` required)."""
    session, locked = _locked(record, version)
    _check_plan(locked, focus_goal, strategy)
    text = strategy_text.strip()
    values: dict[str, Any] = {
        "focus_goal": focus_goal.pk if focus_goal is not None else None,
        "strategy": strategy.pk if strategy is not None else None,
        "strategy_text": text,
    }
    if session.is_signed:
        _amend(actor=actor, session=session, record=locked, values=values, reason=reason)
        return locked
    changed = [f for f, v in values.items() if _value(locked, f) != v]
    if changed:
        locked.focus_goal = focus_goal
        locked.strategy = strategy
        locked.strategy_text = text
        locked.save(update_fields=changed)
        _audit(actor, AuditAction.UPDATE, locked, {"fields": changed})
    return locked


# --- Attendance and minutes ---------------------------------------------------------------


@transaction.atomic
def attendance_record(
    *,
    actor: User,
    record: SessionStudent,
    attendance: str,
    minutes: int | None = None,
    short_reason: str = "",
    short_note: str = "",
    reason: str = "",
    version: int | None = None,
) -> SessionStudent:
    """Whether the session happened for the student and how many minutes were delivered.

    Delivered defaults to the whole session; fewer minutes need `short_reason`, one of
    its own (`CutShortReason`: left early, behaviour or regulation, fire drill or lockdown,
    schedule ran over, other with `short_note` in words). A miss (absent, unavailable,
    provider absent or conflict, closure) delivers 0 minutes.

    Before the session starts nothing is recorded here: delivered minutes wait for the
    start, and a miss known ahead calls the session off (`session_call_off`).
    """
    session, locked = _locked(record, version)
    if not session.has_started() and not session.is_signed:  # signed: `_amend` checks
        if attendance == Attendance.DELIVERED:
            raise ValidationError(not_started_message(session))
        kind, when = _when(session)
        raise ValidationError(NOT_STARTED_MISS.format(kind=kind, when=when))
    short_note = short_note.strip()
    if attendance == Attendance.DELIVERED:
        minutes = session.minutes if minutes is None else minutes
        if minutes == session.minutes:
            short_reason = ""
    else:
        minutes, short_reason = 0, ""
    if short_reason != CutShortReason.OTHER:
        short_note = ""  # the words are for "other" only
    _check_attendance(session, attendance, minutes, short_reason, short_note)
    values = {
        "attendance": attendance,
        "minutes_delivered": minutes,
        "short_reason": short_reason,
        "short_note": short_note,
    }
    if session.is_signed:
        _amend(actor=actor, session=session, record=locked, values=values, reason=reason)
        return locked
    changed = [f for f, v in values.items() if _value(locked, f) != v]
    for field, value in values.items():
        setattr(locked, field, value)
    if changed:
        locked.save(update_fields=changed)
        _audit(actor, AuditAction.UPDATE, locked, {"fields": changed})
    if attendance == Attendance.DELIVERED and session.cancel_reason:
        # Called off in advance, yet it took place: it is no longer called off.
        session.cancel_reason = ""
        session.save(update_fields=["cancel_reason"])
    _mark_logged(session)
    return locked


# --- Data ---------------------------------------------------------------------------------


def _data_json(point: DataPoint) -> dict[str, Any]:
    return {
        "id": point.pk,
        "goal": point.goal_id,
        "kind": point.kind,
        "correct": point.correct,
        "prompt": point.prompt,
        "value": point.value,
        "text": point.text,
    }


def _data_point(
    record: SessionStudent,
    goal: Goal,
    *,
    correct: bool | None,
    prompt: str,
    value: int | None,
    text: str,
) -> DataPoint:
    kind = data_kind_for(goal)
    point = DataPoint(record=record, goal=goal, kind=kind)
    if kind == DataKind.TRIAL:
        if correct is None:
            raise ValidationError({"correct": "Tap ✓ correct or ✗ not yet."})
        point.correct = correct
    elif kind == DataKind.PROMPT:
        if prompt not in PromptLevel.values:
            raise ValidationError({"prompt": "Tap the level of prompting the student needed."})
        point.prompt = prompt
    elif kind == DataKind.RUBRIC:
        if value is None or not 0 <= value <= RUBRIC_MAX:
            raise ValidationError({"value": f"Tap a rubric score from 0 to {RUBRIC_MAX}."})
        point.value = value
    elif kind == DataKind.DURATION:
        if value is None or not 1 <= value <= MAX_SECONDS:
            raise ValidationError({"value": "Start and stop the timer to record a duration."})
        point.value = value
    elif kind == DataKind.FREQUENCY:
        count = 1 if value is None else value
        if not 1 <= count <= 100:
            raise ValidationError({"value": "Count between 1 and 100 at a time."})
        point.value = count
    else:
        text = text.strip()
        if not text:
            raise ValidationError({"text": "Write what you observed."})
        if len(text) > NOTE_MAX:
            raise ValidationError({"text": f"Keep the observation under {NOTE_MAX} characters."})
        point.text = text
    return point


CHOOSE_GOAL = "Choose the goal this data is for."
NOT_THEIR_GOAL = "Choose one of this student's goals."


@transaction.atomic
def data_point_add(
    *,
    actor: User,
    record: SessionStudent,
    goal: Goal | None = None,
    correct: bool | None = None,
    prompt: str = "",
    value: int | None = None,
    text: str = "",
    reason: str = "",
    version: int | None = None,
) -> DataPoint:
    """One observation for one of the student's goals (`goal`; the record's focus goal
    when none is given), in that goal's measurement method: a session takes data for each
    goal worked on.

    Taking data means the student was seen: a record without attendance becomes
    delivered (the whole session). A record marked absent or unavailable takes no data.
    After signing the point is a late entry. No data before the session starts.

    Checked against `version` (another focus goal, a miss recorded meanwhile) but moving
    it on only when it records attendance: data points add up, and taps in a row must
    not refuse each other.
    """
    session, locked = _locked(record, version, bump=False)
    _require_started(session)
    goal_pk = goal.pk if goal is not None else locked.focus_goal_id
    if goal_pk is None:
        raise ValidationError({"goal": CHOOSE_GOAL})
    chosen = Goal.objects.filter(pk=goal_pk, iep__student_id=locked.student_id).first()
    if chosen is None:
        raise ValidationError({"goal": NOT_THEIR_GOAL})
    point = _data_point(locked, chosen, correct=correct, prompt=prompt, value=value, text=text)
    if locked.attendance and locked.attendance != Attendance.DELIVERED:
        label = Attendance(locked.attendance).label
        raise ValidationError(
            {
                "attendance": f"This student is marked “{label}”: record them as delivered "
                "before taking data."
            }
        )
    if not locked.attendance:
        locked.attendance = Attendance.DELIVERED
        locked.minutes_delivered = session.minutes
        locked.short_reason = ""
        locked.short_note = ""
        locked.save(update_fields=["attendance", "minutes_delivered", "short_reason", "short_note"])
        version_bump(SessionStudent.objects.filter(pk=locked.pk))
        _mark_logged(session)
    point.recorded_by = actor
    point.save()
    late = session.is_signed
    if late:
        Amendment.objects.create(
            record=locked,
            field="data",
            old_value=None,
            new_value=_data_json(point),
            reason=reason.strip()[:200] or LATE_ENTRY,
            made_by=actor,
        )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=point,
        student_id=locked.student_id,
        detail={"session": session.pk, "record": locked.pk, "kind": point.kind, "late": late},
    )
    return point


@transaction.atomic
def data_point_undo(
    *,
    actor: User,
    record: SessionStudent,
    reason: str = "",
    version: int | None = None,
    points_seen: int | None = None,
) -> DataPoint:
    """Remove the record's last data point (a mis-tap). After signing it is an amendment
    that keeps the removed point as its old value (`reason` required).

    `points_seen` is how many points the card showed: adding a point leaves the version
    as it was (see `data_point_add`), so "the last" is checked by the count."""
    session, locked = _locked(record, version)
    points = DataPoint.objects.filter(record=locked)
    if points_seen is not None and points.count() != points_seen:
        raise EditConflict(RECORD)
    last = points.order_by("-pk").first()
    if last is None:
        raise ValidationError("There is no data to undo.")
    if session.is_signed:
        reason = reason.strip()
        if not reason:
            raise ValidationError({"reason": "Say why a data point of a signed record is removed."})
        Amendment.objects.create(
            record=locked,
            field="data",
            old_value=_data_json(last),
            new_value=None,
            reason=reason[:200],
            made_by=actor,
        )
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=last,
        student_id=locked.student_id,
        detail={"session": session.pk, "record": locked.pk, "kind": last.kind},
    )
    last.delete()
    return last


# --- The note -----------------------------------------------------------------------------


@transaction.atomic
def session_note_set(
    *,
    actor: User,
    record: SessionStudent,
    note: str,
    reason: str = "",
    version: int | None = None,
) -> SessionStudent:
    """What happened, in a few words (clinical: only the provider ever sees it)."""
    note = note.strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": f"Keep the note under {NOTE_MAX} characters."})
    session, locked = _locked(record, version)
    if session.is_signed:
        _amend(actor=actor, session=session, record=locked, values={"note": note}, reason=reason)
        return locked
    if locked.note != note:
        locked.note = note
        locked.save(update_fields=["note"])
        _audit(actor, AuditAction.UPDATE, locked, {"fields": ["note"]})
    if note and session.has_started():  # a note written ahead does not log the session
        _mark_logged(session)
    return locked


# --- Signing and amending -----------------------------------------------------------------


@transaction.atomic
def session_sign(*, actor: User, session: DatedSession, version: int | None = None) -> DatedSession:
    """Sign the session: every student has an attendance; later changes are amendments.
    Signing opens when the session starts."""
    version_claim(DatedSession.objects, pk=session.pk, expected=version, what=SESSION)
    locked = DatedSession.objects.select_for_update().get(pk=session.pk)
    if locked.is_signed:
        raise ValidationError("This session is already signed.")
    _require_started(locked)
    records = list(SessionStudent.objects.filter(session=locked).order_by("pk"))
    if not records:
        raise ValidationError("A session without students cannot be signed.")
    missing = sum(1 for r in records if not r.attendance)
    if missing:
        raise ValidationError(
            f"Record the attendance of every student before signing ({missing} missing)."
        )
    locked.status = SessionStatus.SIGNED
    locked.signed_at = timezone.now()
    locked.signed_by = actor
    locked.save(update_fields=["status", "signed_at", "signed_by"])
    for record in records:
        _audit(actor, AuditAction.UPDATE, record, {"signed": True})
    return locked


@transaction.atomic
def record_amend(
    *, actor: User, record: SessionStudent, values: Mapping[str, Any], reason: str
) -> list[Amendment]:
    """Change fields of a signed record (FKs by id), keeping the old values and the reason.

    Only fields whose value changes get an Amendment; the record then holds the new value.
    """
    session, locked = _locked(record)
    if "focus_goal" in values or "strategy" in values:
        goal_pk = values.get("focus_goal", locked.focus_goal_id)
        strategy_pk = values.get("strategy", locked.strategy_id)
        _check_plan(
            locked,
            Goal.objects.select_related("iep").get(pk=goal_pk) if goal_pk else None,
            Strategy.objects.get(pk=strategy_pk) if strategy_pk else None,
        )
    return _amend(actor=actor, session=session, record=locked, values=values, reason=reason)


# --- Calling a session off in advance ------------------------------------------------------


def _session_records(session: DatedSession) -> list[SessionStudent]:
    return list(SessionStudent.objects.select_for_update().filter(session=session).order_by("pk"))


@transaction.atomic
def session_call_off(
    *,
    actor: User,
    session: DatedSession,
    attendance: str,
    reason: str,
    version: int | None = None,
) -> DatedSession:
    """Call off a session that has not started: every student's record gets the miss
    (0 minutes) and the session keeps the reason (`cancel_reason`), so the calendar and
    the ledger know it will not happen. Any miss reason may be known ahead (a provider
    out sick, a class trip, a family trip, a closure); the reason is required."""
    version_claim(DatedSession.objects, pk=session.pk, expected=version, what=SESSION)
    locked = DatedSession.objects.select_for_update().get(pk=session.pk)
    if locked.has_started():
        raise ValidationError(HAS_STARTED)
    if attendance not in MissReason.values:
        raise ValidationError({"attendance": "Choose why the session will not happen."})
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": CALL_OFF_REASON})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": f"Keep the reason under {REASON_MAX} characters."})
    if locked.is_signed:
        raise ValidationError("This session is signed: change its records as amendments.")
    records = _session_records(locked)
    if not records:
        raise ValidationError("A session without students has nothing to call off.")
    for record in records:
        values = {
            "attendance": attendance,
            "minutes_delivered": 0,
            "short_reason": "",
            "short_note": "",
        }
        changed = [f for f, v in values.items() if _value(record, f) != v]
        if changed:
            for field in changed:
                setattr(record, field, values[field])
            record.save(update_fields=changed)
        _audit(actor, AuditAction.UPDATE, record, {"fields": changed, "called_off": True})
    # Every record changed under its card: a card drawn before must not overwrite the miss.
    version_bump(SessionStudent.objects.filter(session=locked))
    locked.cancel_reason = reason
    locked.status = SessionStatus.LOGGED
    locked.save(update_fields=["cancel_reason", "status"])
    return locked


@transaction.atomic
def session_call_off_undo(
    *, actor: User, session: DatedSession, version: int | None = None
) -> DatedSession:
    """Take back a call-off before the session starts: the records wait for a log again."""
    version_claim(DatedSession.objects, pk=session.pk, expected=version, what=SESSION)
    locked = DatedSession.objects.select_for_update().get(pk=session.pk)
    if not locked.cancel_reason:
        raise ValidationError("This session was not called off.")
    if locked.has_started():
        raise ValidationError(HAS_STARTED)
    for record in _session_records(locked):
        values: dict[str, Any] = {
            "attendance": "",
            "minutes_delivered": None,
            "short_reason": "",
            "short_note": "",
        }
        changed = [f for f, v in values.items() if _value(record, f) != v]
        if changed:
            for field in changed:
                setattr(record, field, values[field])
            record.save(update_fields=changed)
            _audit(actor, AuditAction.UPDATE, record, {"fields": changed, "called_off": False})
    version_bump(SessionStudent.objects.filter(session=locked))
    locked.cancel_reason = ""
    locked.status = SessionStatus.PLANNED
    locked.save(update_fields=["cancel_reason", "status"])
    # Back to a plain planned occurrence: it follows the schedule in force again (a move
    # or a closure made while it was called off applies to it now).
    from pushin.sessions.calendar import calendar_sync

    calendar_sync(provider=locked.provider, actor=actor)
    if DatedSession.objects.filter(pk=locked.pk).exists():  # it may no longer be due
        locked.refresh_from_db()
    return locked


# --- Reads --------------------------------------------------------------------------------


def session_read_audit(*, actor: User, records: Iterable[SessionStudent], page: str) -> None:
    """One audit entry per student record a page shows (a single insert)."""
    label = SessionStudent._meta.label_lower
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor,
            action=AuditAction.READ,
            object_type=label,
            object_id=str(r.pk),
            student_id=r.student_id,
            detail={"session": r.session_id, "page": page},
        )
        for r in records
    )

"""Dated sessions a change of the provider's week would leave outside their hours.

The rule, written once: a dated session can go ahead when one availability window of its
weekday covers it whole, at its school or at any school (the engine's rule,
`scheduling.candidates.provider_windows`), and no busy time of that weekday overlaps it
(`timespans.spans_overlap`). A change to the weekly availability or busy times *hits* the
sessions that pass the rule today and would fail it after the change; sessions that
already fail it are not the change's doing.

Only sessions still ahead count: dated after today, or today with a start after now, and
not called off in advance (`is_off`). The past is the record and never moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.utils import timezone

from pushin.district.models import Provider
from pushin.sessions.models import Attendance, DatedSession, SessionStudent
from pushin.timespans import spans_overlap
from pushin.vocabulary import WEEKDAY_BY_ISO


@dataclass(frozen=True)
class Span:
    """A weekly time: an availability window (with its school, None for any) or a busy time."""

    day: str
    start: dt.time
    end: dt.time
    school_id: int | None = None


def is_off(session: DatedSession) -> bool:
    """The session does not take place: called off with a reason (`cancel_reason`), or
    every student's miss already recorded (in advance, or afterwards for a past one).

    Reads `session.members` (prefetch them)."""
    if session.cancel_reason:
        return True
    members = list(session.members.all())
    return bool(members) and all(
        m.attendance and m.attendance != Attendance.DELIVERED for m in members
    )


def session_is_free(
    session: DatedSession, *, windows: Iterable[Span], busy: Iterable[Span]
) -> bool:
    """Whether the provider's weekly hours allow the session (reads `classroom`)."""
    day = WEEKDAY_BY_ISO.get(session.date.isoweekday())
    school = session.classroom.school_id
    covered = any(
        w.day == day
        and w.start <= session.start
        and session.end <= w.end
        and w.school_id in (None, school)
        for w in windows
    )
    return covered and not any(
        b.day == day and spans_overlap(b.start, b.end, session.start, session.end) for b in busy
    )


def upcoming_sessions(provider: Provider) -> list[DatedSession]:
    """The provider's sessions (makeups included) that have not started and still stand.

    Three queries: the sessions with their rooms, and their students' attendance."""
    now = timezone.localtime()
    today = now.date()
    rows = (
        DatedSession.objects.filter(provider=provider)
        .filter(Q(date__gt=today) | Q(date=today, start__gt=now.time()))
        .select_related("classroom__school")
        .prefetch_related(
            Prefetch("members", queryset=SessionStudent.objects.only("session_id", "attendance"))
        )
        .order_by("date", "start", "pk")
    )
    return [s for s in rows if not is_off(s)]


def provider_spans(provider: Provider) -> tuple[list[Span], list[Span]]:
    """The provider's weekly availability windows and busy times, as they are now."""
    windows = [Span(w.day, w.start, w.end, w.school_id) for w in provider.availability.all()]
    busy = [Span(b.day, b.start, b.end) for b in provider.busy_times.all()]
    return windows, busy


def sessions_hit(
    provider: Provider,
    *,
    windows: Sequence[Span],
    busy: Sequence[Span],
) -> list[DatedSession]:
    """The upcoming sessions free under the provider's current week and not under the
    proposed `windows` and `busy` times (in date order)."""
    now_windows, now_busy = provider_spans(provider)
    return [
        s
        for s in upcoming_sessions(provider)
        if session_is_free(s, windows=now_windows, busy=now_busy)
        and not session_is_free(s, windows=windows, busy=busy)
    ]


def sessions_outside_hours(provider: Provider) -> list[DatedSession]:
    """The upcoming sessions the provider's week no longer allows: left to re-plan."""
    windows, busy = provider_spans(provider)
    return [
        s for s in upcoming_sessions(provider) if not session_is_free(s, windows=windows, busy=busy)
    ]


def session_words(session: DatedSession) -> str:
    """'Mon Dec 7 09:00-09:30 Room 2-A': date, time and room, never a student."""
    day = session.date
    return (
        f"{day:%a %b} {day.day} {session.start:%H:%M}-{session.end:%H:%M} {session.classroom.name}"
    )


# A weekly change can hit every week until June: the message names the first few.
LISTED = 10


def sessions_words(sessions: Sequence[DatedSession]) -> str:
    """'3 sessions: Mon Dec 7 09:00-09:30 Room 2-A, ...' (the first `LISTED`, then a count)."""
    count = len(sessions)
    listed = ", ".join(session_words(s) for s in sessions[:LISTED])
    more = f" and {count - LISTED} more" if count > LISTED else ""
    return f"{count} session{'' if count == 1 else 's'}: {listed}{more}"


class SessionsHit(ValidationError):
    """A change of the provider's week refused because it hits upcoming sessions; saving
    it anyway needs an explicit confirmation. `sessions` are the sessions it hits."""

    def __init__(self, message: str, sessions: Sequence[DatedSession]) -> None:
        super().__init__(message, code="sessions_hit")
        self.sessions = list(sessions)

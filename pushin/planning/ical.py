"""A provider's dated sessions as an iCalendar feed.

The feed is the record as it stands: one event per stored `DatedSession` from a few
weeks back (`DAYS_BACK`) to the end of the school year, each on its own date and at its
own time, so a one-day override or a moved session shows where it really is. Makeups say
so in the summary. A session called off in advance (a reason given, or every student's
miss recorded) stays in the feed with STATUS:CANCELLED, so subscribed calendars drop it
instead of keeping a stale copy. A session that disappears from the record (the schedule
changed) disappears from the feed, and clients remove it on their next refresh.

Weekly sessions of the newest schedule are stored ahead through the school-year end
(`sessions.calendar.calendar_sync`), so there is nothing to repeat past the stored
horizon: the feed carries no weekly rules.

Calendar apps are outside the district's FERPA control, so an event says only what a
provider needs on a phone: the activity, the room and the students' INITIALS; the room
and school are the location. Every UID is the session's opaque number.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from icalendar import Calendar, Event

from pushin.district.models import Provider
from pushin.sessions.conflicts import is_off
from pushin.sessions.models import DatedSession, SessionStudent
from pushin.vocabulary import activity_label

DAYS_BACK = 28


def event_uid(session: DatedSession) -> str:
    return f"dated-{session.pk}@pushin"


@dataclass(frozen=True)
class Feed:
    body: bytes
    student_ids: list[int]  # the students the feed's events list (by initials), for the audit


def provider_feed(provider: Provider) -> Feed:
    """The feed of the provider's dated sessions (an empty calendar if there are none).

    Three queries whatever the number of sessions: the district, the sessions with their
    rooms and schools, and their students. Pass the provider with `district` selected
    to save the first."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Push-In//Dated sessions//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", "Push-In sessions")
    district = provider.district
    first = timezone.localdate() - dt.timedelta(days=DAYS_BACK)
    sessions = (
        DatedSession.objects.filter(
            provider=provider,
            date__gte=first,
            date__lte=district.school_year_end,
            is_imported=False,  # minutes from before the records start are no events
        )
        .select_related("classroom__school")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=SessionStudent.objects.select_related("student").order_by(
                    "student__last_name", "student__first_name", "pk"
                ),
            )
        )
        .order_by("date", "start", "pk")
    )
    stamp = timezone.now().astimezone(dt.UTC)
    listed: set[int] = set()
    for session in sessions:
        calendar.add_component(_event(session, zone, stamp))
        listed.update(m.student_id for m in session.members.all())
    calendar.add_missing_timezones()
    return Feed(body=bytes(calendar.to_ical()), student_ids=sorted(listed))


def _event(session: DatedSession, zone: ZoneInfo, stamp: dt.datetime) -> Event:
    initials = " ".join(m.student.initials for m in session.members.all())
    activity = activity_label(session.activity) if session.activity else "Session"
    room = session.classroom
    words = [activity, room.name]
    if initials:
        words.append(initials)
    summary = " · ".join(words)
    if session.is_makeup:
        summary = f"Makeup: {summary}"
    cancelled = is_off(session)
    if cancelled:
        summary = f"Cancelled: {summary}"
    event = Event()
    event.add("uid", event_uid(session))
    event.add("dtstamp", stamp)
    event.add("summary", summary)
    event.add("location", f"{room.name}, {room.school.name}")
    event.add("dtstart", dt.datetime.combine(session.date, session.start, zone))
    event.add("dtend", dt.datetime.combine(session.date, session.end, zone))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
    return event

"""A provider's standing schedule as an iCalendar feed.

Calendar apps are outside the district's FERPA control, so an event says only what a
provider needs on a phone: the activity, the room and the students' INITIALS; the school
is the location. Each standing session is one weekly event repeating until the end of
the school year, with the district's closure days excluded.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from pushin.district.models import Provider
from pushin.planning.models import StandingSchedule
from pushin.planning.standing import schedule_sessions
from pushin.planning.words import activity_label
from pushin.scheduling.timeutil import DAY_INDEX


def _first_on_or_after(day: dt.date, weekday: int) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def provider_calendar(provider: Provider) -> bytes:
    """The feed of the provider's active standing schedule (an empty calendar if none)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", "-//Push-In//Standing schedule//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "Push-In sessions")
    schedule = (
        StandingSchedule.objects.filter(provider=provider, active=True)
        .select_related("provider__district")
        .first()
    )
    if schedule is None:
        return bytes(calendar.to_ical())
    district = schedule.provider.district
    begin = max(district.school_year_start, timezone.localdate(schedule.accepted_at))
    year_end = district.school_year_end
    closed = [
        day
        for closure in district.closures.all()
        for day in _days(closure.start, closure.end)
        if begin <= day <= year_end
    ]
    until = dt.datetime.combine(year_end, dt.time(23, 59, 59), zone).astimezone(dt.UTC)
    stamp = timezone.now().astimezone(dt.UTC)
    for session in schedule_sessions(schedule):
        weekday = DAY_INDEX[session.day]
        first = _first_on_or_after(begin, weekday)
        if first > year_end:
            continue
        initials = " ".join(m.student.initials for m in session.members.all())
        activity = activity_label(session.block.activity) if session.block else "Session"
        event = Event()
        event.add("uid", f"pushin-session-{session.pk}@pushin")
        event.add("dtstamp", stamp)
        event.add("summary", f"{activity} · {session.classroom.name} · {initials}")
        event.add("location", session.classroom.school.name)
        event.add("dtstart", dt.datetime.combine(first, session.start, zone))
        event.add("dtend", dt.datetime.combine(first, session.end, zone))
        event.add("rrule", {"freq": "weekly", "until": until})
        skipped = [
            dt.datetime.combine(day, session.start, zone)
            for day in closed
            if day.weekday() == weekday and day >= first
        ]
        if skipped:
            event.add("exdate", skipped)
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]

"""Engine messages in plain words: opaque ids mapped back to names, for one reader.

The engine speaks in ids ("st12", "b40", "sess-3"). Pages show the same sentences with
names, but only names the reader may see: a student who is not visible to the reader is
"a student". Nothing here is logged; the translated text only goes into a rendered page.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pushin.accounts.models import User
from pushin.caseload.access import students_visible_to
from pushin.caseload.models import Goal, Student
from pushin.district.models import ActivityBlock, Classroom, Provider, School
from pushin.planning.scenario_build import IdMap
from pushin.scheduling.timeutil import format_span, parse_hhmm
from pushin.vocabulary import Domain, activity_label

_TOKEN = re.compile(
    r"(?<![\w-])(sess-\d+|st\d+(?:-p\d+)?|sch\d+|goal-\d+|b\d+(?:\.\d+)?|x\d+|c\d+|p\d+|g\d+)(?![\w-])"
)

_STUDENT_KEY = re.compile(r"st(\d+)(?:-p\d+)?")
_ROOM_KEY = re.compile(r"c(\d+)")
_BLOCK_KEY = re.compile(r"b(\d+)(?:\.\d+)?")
_SESSION_LABEL = re.compile(r"\bsession ([\w.-]+) \(")
# The engine names a block by its id and time, "b40 (Wed 09:55-10:40)"; a block's name
# here already says both ("Literacy centers (Wed 09:55-10:40)").
_BLOCK_AND_SPAN = re.compile(
    r"(?<![\w-])(b\d+(?:\.\d+)?|x\d+) \((?:Mon|Tue|Wed|Thu|Fri) \d\d:\d\d-\d\d:\d\d\)"
)
# standing.block_id_for names a session's missing block "none-<session pk>", and a block
# that a dated change called off for the week "cancelled-<session pk>".
_REMOVED_BLOCK = re.compile(r"\bnone-\d+\b")
_CANCELLED_BLOCK = re.compile(r"\bcancelled-\d+\b")

RULE_WORDS: dict[int, str] = {
    1: "A session must lie inside one of the class's activity blocks, on the 5-minute grid, "
    "and last the mandated session length.",
    2: "The class activity then does not suit the student's goals (or is not open for pull-out).",
    3: "Students in one session must share the classroom, the provider and the delivery; "
    "a student seen individually is alone; the group size limit holds.",
    4: "The provider must be working then (at that school), not busy, not in another session, "
    "with travel time between schools, and within the daily limit.",
    5: "A student has at most one session a day, and none while unavailable.",
    6: "The scheduled minutes cannot exceed the mandate.",
    7: "A pinned session has to stay as it is.",
    8: "The plan's totals do not add up.",
}

REASON_WORDS: dict[str, str] = {
    "no_fitting_block": "No class activity in the week suits the goals",
    "below_min_fit": "No time at an activity that fits the goal well enough",
    "provider_unavailable": "The provider is not free when the activities that fit happen",
    "student_unavailable": "The student is elsewhere when the activities that fit happen",
    "capacity": "The fitting times are taken by other students' sessions",
    "travel": "Only possible without the travel time between schools",
    "daily_limit": "The provider's daily limit of direct minutes is reached",
}


def domain_label(domain: str) -> str:
    try:
        return str(Domain(domain).label)
    except ValueError:
        return domain.replace("_", " ")


@dataclass
class NameBook:
    """What each id of one scenario is called, for one reader."""

    names: dict[str, str] = field(default_factory=dict)
    initials: dict[str, str] = field(default_factory=dict)
    activities: dict[str, str] = field(default_factory=dict)  # block id -> activity id
    room_school: dict[str, str] = field(default_factory=dict)  # classroom id -> school id
    goal_domains: dict[str, str] = field(default_factory=dict)  # goal id -> its real domain

    def name(self, ident: str) -> str:
        return self.names.get(ident, ident)

    def words(self, text: str) -> str:
        """The text with every known id replaced by its name.

        The checker labels a session "session sess-3 (Mon 09:00-09:30)": the plan's id is
        dropped there, since the time already says which session it is.
        """
        text = _SESSION_LABEL.sub("session (", text)
        text = _REMOVED_BLOCK.sub("(a block removed from the timetable)", text)
        text = _CANCELLED_BLOCK.sub("(a block cancelled that day)", text)
        text = _BLOCK_AND_SPAN.sub(lambda m: self.names.get(m.group(1), m.group(0)), text)
        return _TOKEN.sub(lambda m: self.names.get(m.group(1), m.group(1)), text)

    def add_sessions(self, sessions: Iterable[Mapping[str, Any]]) -> None:
        """Name plan sessions ("sess-3") by their time and room."""
        for session in sessions:
            start, end = parse_hhmm(session["start"]), parse_hhmm(session["end"])
            if start is None or end is None:
                continue
            room = self.names.get(session["classroom"], "the classroom")
            self.names[session["id"]] = (
                f"the session {format_span(session['day'], start, end)} in {room}"
            )


def name_book(*, user: User | None, id_map: IdMap, scenario: Mapping[str, Any]) -> NameBook:
    """Names for the ids of a scenario (as JSON data), limited to what `user` may see.

    A handful of queries, whatever the size of the scenario.
    """
    book = NameBook()
    keys = dict(id_map.students)
    room_pks = set(id_map.classrooms.values())
    block_pks: set[int] = set()
    # A re-plan's previous plan may name students, rooms and blocks that left the
    # scenario since (a discharged student, a room no longer on the caseload).
    for session in (scenario.get("previous_plan") or {}).get("sessions", []):
        for key in session.get("students", []):
            if key not in keys and (match := _STUDENT_KEY.fullmatch(key)):
                keys[key] = int(match.group(1))
        if (match := _ROOM_KEY.fullmatch(session.get("classroom", ""))) is not None:
            room_pks.add(int(match.group(1)))
        if (match := _BLOCK_KEY.fullmatch(session.get("block", ""))) is not None:
            block_pks.add(int(match.group(1)))
    visible: set[int] = set()
    if user is not None:
        visible = set(
            students_visible_to(user).filter(pk__in=set(keys.values())).values_list("pk", flat=True)
        )
    students = {
        s.pk: s
        for s in Student.objects.filter(pk__in=set(keys.values())).only(
            "pk", "first_name", "last_name"
        )
    }
    for key, pk in keys.items():
        student = students.get(pk)
        if student is not None and (user is None or pk in visible):
            book.names[key] = student.full_name
            book.initials[key] = student.initials
        else:
            book.names[key] = "a student"
            book.initials[key] = "?"
    for school in School.objects.filter(pk__in=set(id_map.schools.values())):
        book.names[f"sch{school.pk}"] = school.name
    for room in Classroom.objects.filter(pk__in=room_pks):
        book.names[f"c{room.pk}"] = room.name
        book.room_school[f"c{room.pk}"] = f"sch{room.school_id}"
    for provider in Provider.objects.filter(pk__in=set(id_map.providers.values())).select_related(
        "user"
    ):
        book.names[f"p{provider.pk}"] = provider.user.display_name
    for goal in Goal.objects.filter(pk__in=set(id_map.goals.values())).only("pk", "domain"):
        book.names[f"g{goal.pk}"] = f"the {domain_label(goal.domain).lower()} goal"
        book.goal_domains[f"g{goal.pk}"] = goal.domain
        book.names[f"goal-{goal.pk}"] = f"{domain_label(goal.domain).lower()} (this goal's own fit)"
    blocks = [dict(b) for room in scenario.get("classrooms", []) for b in room.get("blocks", [])]
    known = {b["id"] for b in blocks}
    missing = {pk for pk in block_pks if f"b{pk}" not in known}
    for row in ActivityBlock.objects.filter(pk__in=missing):
        blocks.append(
            {
                "id": f"b{row.pk}",
                "day": row.day,
                "start": f"{row.start:%H:%M}",
                "end": f"{row.end:%H:%M}",
                "activity": row.activity,
            }
        )
    for block in blocks:
        start, end = parse_hhmm(block["start"]), parse_hhmm(block["end"])
        book.activities[block["id"]] = block["activity"]
        if start is not None and end is not None:
            book.names[block["id"]] = (
                f"{activity_label(block['activity'])} ({format_span(block['day'], start, end)})"
            )
    return book

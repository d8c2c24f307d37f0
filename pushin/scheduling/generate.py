"""Deterministic synthetic scenarios: realistic K-5 timetables, caseloads and providers.

Everything comes from `random.Random` seeded by the arguments, so the same call gives the
same scenario on every machine. Names are synthetic; ids are stable opaque strings.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

from .scenario import (
    DEFAULT_PULL_OUT_ACTIVITIES,
    Block,
    Classroom,
    Goal,
    Interval,
    Provider,
    Scenario,
    School,
    Student,
    TravelLeg,
    Window,
)
from .timeutil import DAYS, parse_hhmm

# (students, schools, providers)
PRESETS: dict[str, tuple[int, int, int]] = {
    "tiny": (24, 2, 1),
    "small": (72, 7, 1),
    "medium": (150, 8, 2),
    "large": (350, 12, 5),
}

GRADES = ("K", "1", "2", "3", "4", "5")
SCHOOL_DAY_START = parse_hhmm("08:15") or 0
SCHOOL_DAY_END = parse_hhmm("14:45") or 0

_SCHOOL_NAMES = (
    "Lincoln", "Oak Hill", "Maple Grove", "Riverside", "Cedar Park", "Hillcrest", "Brookside",
    "Jefferson", "Pine Ridge", "Lakeview", "Washington", "Sunnyside", "Willow Creek", "Fairview",
    "Roosevelt", "Meadowbrook",
)  # fmt: skip
_SURNAMES = (
    "Chen", "Okafor", "Rivera", "Nguyen", "Patel", "Johnson", "Kowalski", "Haddad", "Silva",
    "Mbeki", "Larsen", "Tanaka", "Garcia", "Novak", "Brennan", "Osei", "Dubois", "Kim",
    "Moreau", "Schmidt", "Ibrahim", "Costa", "Walsh", "Yilmaz",
)  # fmt: skip
_INITIALS = "ABCDEFGHJKLMNPRSTW"
# domain -> how often a caseload goal is in it (school OT caseloads lean on handwriting)
_DOMAIN_WEIGHTS = {
    "handwriting": 25, "fine_motor": 20, "sensory": 15, "attention": 12, "social": 8,
    "self_care": 8, "motor_planning": 5, "transitions": 4, "keyboarding": 2, "test_taking": 1,
}  # fmt: skip
# (minutes_per_week, session_minutes) -> weight: mostly 30/60/90 in 30-min sessions.
_MANDATES = {(30, 30): 80, (60, 30): 10, (90, 30): 1, (20, 20): 5, (40, 20): 2, (45, 45): 2}
_SPECIALS = ("art", "music", "pe_recess", "art", "library")


@dataclass(frozen=True)
class _Item:
    activity: str
    minutes: int


def timetable_for_grade(grade: int, classroom_id: str, seed: int = 0) -> tuple[Block, ...]:
    """A Mon-Fri 08:15-14:45 timetable for one K-5 classroom (grade 0 = K).

    The class keeps one routine all week (as real classes do); specials rotate by day,
    lunch and specials are staggered by grade so one school's classes differ, and some
    weeks have a test in place of independent work.
    """
    rng = random.Random(f"timetable-{seed}-{classroom_id}")
    core = [
        _Item("writing", 45),
        _Item("centers", 45),
        _Item("math", 60),
        _Item("group_project", 45),
        _Item("independent_work", 30),
    ]
    rng.shuffle(core)
    core.insert(grade % (len(core) + 1), _Item("specials", 45))
    lunch_after = 2 + (grade + rng.randrange(2)) // 3  # younger grades eat earlier
    test_day = rng.choice(DAYS) if rng.random() < 0.4 else None
    blocks: list[Block] = []
    for day in DAYS:
        specials = _SPECIALS[(DAYS.index(day) + grade) % len(_SPECIALS)]
        items = [_Item("arrival_dismissal", 15), _Item("carpet", 20), _Item("transition", 5)]
        for index, item in enumerate(core):
            activity = specials if item.activity == "specials" else item.activity
            if day == test_day and item.activity == "independent_work":
                activity = "test"
            items.append(_Item(activity, item.minutes))
            if index + 1 == lunch_after:
                items += [_Item("pe_recess", 25), _Item("lunch_snack", 30), _Item("transition", 5)]
        items += [_Item("transition", 5), _Item("arrival_dismissal", 15)]
        clock = SCHOOL_DAY_START
        for number, item in enumerate(items, start=1):
            preference = _teacher_preference(rng, item.activity)
            blocks.append(
                Block(
                    id=f"{classroom_id}-{day}-{number:02d}",
                    day=day,
                    start=clock,
                    end=clock + item.minutes,
                    activity=item.activity,
                    teacher_preference=preference,
                )
            )
            clock += item.minutes
        assert clock == SCHOOL_DAY_END, "the template must fill the school day"
    return tuple(blocks)


def _teacher_preference(rng: random.Random, activity: str) -> str | None:
    roll = rng.random()
    if activity in ("writing", "centers", "group_project") and roll < 0.2:
        return "good"
    if activity in ("test", "math", "carpet") and roll < 0.15:
        return "bad"
    return None


def generate_scenario(*, students: int, schools: int, providers: int, seed: int = 0) -> Scenario:
    """A synthetic week for `students` on `providers` caseloads across `schools`."""
    rng = random.Random(f"pushin-{students}-{schools}-{providers}-{seed}")
    school_list = tuple(
        School(f"sch-{index:02d}", f"{_SCHOOL_NAMES[index % len(_SCHOOL_NAMES)]} Elementary")
        for index in range(schools)
    )
    travel = _travel(rng, school_list)
    # Each school is served by one provider; a provider covers neighbouring ids.
    provider_of_school = {
        school.id: f"prov-{index * providers // max(schools, 1) + 1:02d}"
        for index, school in enumerate(school_list)
    }
    classrooms = _classrooms(rng, school_list, students, seed)
    student_list = _students(rng, students, classrooms, provider_of_school)
    provider_list = tuple(
        _provider(rng, f"prov-{number:02d}", [s for s, p in provider_of_school.items() if p == pid])
        for number in range(1, providers + 1)
        if (pid := f"prov-{number:02d}")
    )
    used_rooms = {student.classroom for student in student_list}
    return Scenario(
        schools=school_list,
        providers=provider_list,
        classrooms=tuple(room for room in classrooms if room.id in used_rooms),
        students=student_list,
        travel=travel,
        pull_out_activities=DEFAULT_PULL_OUT_ACTIVITIES,
    )


def _travel(rng: random.Random, schools: tuple[School, ...]) -> tuple[TravelLeg, ...]:
    """Symmetric 5-25 minute drives from points on a map (so the triangle rule holds)."""
    points = [(rng.uniform(0, 10), rng.uniform(0, 10)) for _ in schools]
    legs = []
    for i, a in enumerate(schools):
        for j in range(i + 1, len(schools)):
            distance = math.dist(points[i], points[j])
            minutes = min(25, 5 * math.ceil((5 + 1.6 * distance) / 5))
            legs.append(TravelLeg(a.id, schools[j].id, minutes))
    return tuple(legs)


def _classrooms(
    rng: random.Random, schools: tuple[School, ...], students: int, seed: int
) -> list[Classroom]:
    # About eight students per served classroom at most; at least one room per grade.
    per_grade = max(1, math.ceil(students / max(len(schools), 1) / 6 / 3))
    rooms = []
    for school_index, school in enumerate(schools):
        for grade in range(len(GRADES)):
            for section in range(per_grade):
                room_id = f"cls-{school_index:02d}-{GRADES[grade]}{'abc'[section % 3]}"
                teacher = f"{rng.choice(_INITIALS)}. {rng.choice(_SURNAMES)}"
                blocks = timetable_for_grade(grade, room_id, seed)
                rooms.append(Classroom(room_id, school.id, teacher, blocks))
    return rooms


def _students(
    rng: random.Random,
    count: int,
    classrooms: list[Classroom],
    provider_of_school: dict[str, str],
) -> tuple[Student, ...]:
    # Caseload students cluster in some rooms (inclusion classrooms): skewed room weights.
    room_weights = [rng.choice((0, 0, 0, 1, 4, 8)) for _ in classrooms]
    if not any(room_weights):
        room_weights = [1 for _ in classrooms]
    domains = list(_DOMAIN_WEIGHTS)
    mandates = list(_MANDATES)
    result = []
    for index in range(1, count + 1):
        room = rng.choices(classrooms, weights=room_weights)[0]
        student_id = f"st-{index:04d}"
        goal_count = 1 if rng.random() < 0.55 else 2
        chosen = rng.choices(domains, weights=list(_DOMAIN_WEIGHTS.values()), k=goal_count)
        goals = tuple(
            Goal(f"{student_id}-g{number}", domain)
            for number, domain in enumerate(dict.fromkeys(chosen), start=1)
        )
        weekly, session = rng.choices(mandates, weights=list(_MANDATES.values()))[0]
        grouping = "group_ok" if rng.random() < 0.85 else "individual"
        comfort = rng.choices(
            (None, "small_group", "individual", "float"), weights=(50, 30, 10, 10)
        )[0]
        unavailable: tuple[Interval, ...] = ()
        if rng.random() < 0.12:  # e.g. speech or reading intervention at a fixed time
            start = rng.choice((9, 10, 13)) * 60 + rng.choice((0, 15, 30))
            unavailable = (Interval(rng.choice(DAYS), start, start + 30),)
        result.append(
            Student(
                id=student_id,
                classroom=room.id,
                provider=provider_of_school[room.school],
                goals=goals,
                minutes_per_week=weekly,
                session_minutes=session,
                delivery="pull_out" if rng.random() < 0.1 else "push_in",
                grouping=grouping,
                max_group=rng.choices((2, 3, 4), weights=(15, 60, 25))[0],
                comfort=comfort,
                unavailable=unavailable,
            )
        )
    return tuple(result)


def _provider(rng: random.Random, provider_id: str, schools: list[str]) -> Provider:
    """Half-day windows pinned to schools, rotating so every school is seen most days."""
    morning = (SCHOOL_DAY_START, parse_hhmm("11:40") or 0)
    afternoon = (parse_hhmm("12:10") or 0, SCHOOL_DAY_END)
    windows: list[Window] = []
    busy: list[Interval] = []
    rotation = list(schools)
    rng.shuffle(rotation)
    visit = 0
    for day in DAYS:
        if len(rotation) <= 1:
            school = rotation[0] if rotation else None
            windows.append(Window(day, SCHOOL_DAY_START, SCHOOL_DAY_END, school))
            busy.append(Interval(day, parse_hhmm("11:45") or 0, parse_hhmm("12:15") or 0))
            continue
        for half in (morning, afternoon):
            if rng.random() < 0.15:
                # A standing commitment (IEP meetings, a self-contained room) at one school.
                windows.append(Window(day, *half, rotation[visit % len(rotation)]))
                visit += 1
            else:
                windows.append(Window(day, *half, None))
    meeting_day = rng.choice(DAYS)
    busy.append(Interval(meeting_day, parse_hhmm("14:00") or 0, SCHOOL_DAY_END))
    surname = rng.choice(_SURNAMES)
    return Provider(
        id=provider_id,
        name=f"{rng.choice(_INITIALS)}. {surname}",
        role="OT",
        available=tuple(windows),
        busy=tuple(busy),
        max_direct_minutes_per_day=rng.choice((None, None, 330)),
    )


def generate_preset(name: str, seed: int = 0) -> Scenario:
    students, schools, providers = PRESETS[name]
    return generate_scenario(students=students, schools=schools, providers=providers, seed=seed)

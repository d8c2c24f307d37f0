"""The demo district's older students (issue 14, ages 3 to 22): a middle school and a
transition program for 18-to-22-year-olds beside the generated elementary schools.

The generator (`pushin.scheduling.generate`) makes K-5 schools only; this adds two schools,
three classrooms with secondary timetables (lectures, labs, class changes; vocational
tasks and community outings), and seven students with goals and mandates that fit their
age, on the first provider's caseload. Everything is fixed, so the same demo loads the
same rows; the elementary world is the generator's, unchanged.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from pushin.caseload.models import Method
from pushin.demo.goals import GoalText
from pushin.scheduling import scenario as sc
from pushin.scheduling.timeutil import DAYS, parse_hhmm
from pushin.vocabulary import Domain, Grade

MIDDLE_SCHOOL = "sch-ms"
TRANSITION_PROGRAM = "sch-tp"


@dataclass(frozen=True)
class SecondarySchool:
    name: str
    code: str


@dataclass(frozen=True)
class SecondaryRoom:
    grade: str
    name: str
    code: str  # also the teacher's username part


SCHOOLS: dict[str, SecondarySchool] = {
    MIDDLE_SCHOOL: SecondarySchool("Bluestone Middle School", "bluestone-middle"),
    TRANSITION_PROGRAM: SecondarySchool("Riverbend Transition Program", "transition"),
}
ROOMS: dict[str, SecondaryRoom] = {
    "cls-ms-6a": SecondaryRoom(Grade.G6, "Grade 6 team A", "6a"),
    "cls-ms-8a": SecondaryRoom(Grade.G8, "Grade 8 team A", "8a"),
    "cls-tp-ya": SecondaryRoom(Grade.TRANSITION, "Transition 18-22", "18-22a"),
}
_ROOM_SCHOOL = {
    "cls-ms-6a": MIDDLE_SCHOOL,
    "cls-ms-8a": MIDDLE_SCHOOL,
    "cls-tp-ya": TRANSITION_PROGRAM,
}

# A middle-school day, 08:15-14:45: periods of 50 minutes with 5-minute class changes.
# (activity, minutes); "specials" rotate by day.
_MIDDLE_DAY = (
    ("arrival_dismissal", 10),
    ("first", 50),
    ("class_change", 5),
    ("math", 50),
    ("class_change", 5),
    ("lab", 50),
    ("class_change", 5),
    ("lunch_snack", 30),
    ("class_change", 5),
    ("lecture", 50),
    ("class_change", 5),
    ("specials", 50),
    ("class_change", 5),
    ("independent_work", 60),
    ("arrival_dismissal", 10),
)
_MIDDLE_SPECIALS = ("pe_recess", "art", "music", "pe_recess", "library")
# The first period: grade 6 still has a writing block, grade 8 a lecture (note-taking).
_MIDDLE_FIRST = {"cls-ms-6a": "writing", "cls-ms-8a": "lecture"}
# A transition-program day: work tasks on campus and at a job site, community outings on
# Tuesday and Thursday, functional academics on the other days.
_TRANSITION_DAY = (
    ("arrival_dismissal", 15),
    ("carpet", 20),
    ("vocational", 90),
    ("transition", 5),
    ("late_morning", 75),
    ("lunch_snack", 40),
    ("transition", 5),
    ("vocational", 90),
    ("group_project", 35),
    ("arrival_dismissal", 15),
)


def _blocks(room_id: str) -> tuple[sc.Block, ...]:
    start_of_day = parse_hhmm("08:15") or 0
    blocks: list[sc.Block] = []
    for day_index, day in enumerate(DAYS):
        clock = start_of_day
        template = _TRANSITION_DAY if room_id.startswith("cls-tp") else _MIDDLE_DAY
        for number, (item, minutes) in enumerate(template, start=1):
            activity = item
            if item == "first":
                activity = _MIDDLE_FIRST[room_id]
            elif item == "specials":
                activity = _MIDDLE_SPECIALS[day_index]
            elif item == "late_morning":
                activity = "community_outing" if day in ("tue", "thu") else "independent_work"
            elif item == "math" and room_id == "cls-ms-8a" and day == "thu":
                activity = "test"  # a unit test this week
            preference = "good" if activity in ("lab", "vocational") and day == "wed" else None
            blocks.append(
                sc.Block(
                    id=f"{room_id}-{day}-{number:02d}",
                    day=day,
                    start=clock,
                    end=clock + minutes,
                    activity=activity,
                    teacher_preference=preference,
                )
            )
            clock += minutes
        assert clock == parse_hhmm("14:45"), "the template must fill the school day"
    return tuple(blocks)


@dataclass(frozen=True)
class _StudentPlan:
    room: str
    domains: tuple[str, ...]
    weekly: int
    session: int
    grouping: str = "group_ok"
    comfort: str | None = None


_HW, _FM, _KB = Domain.HANDWRITING, Domain.FINE_MOTOR, Domain.KEYBOARDING
_SEN, _SOC, _ATT = Domain.SENSORY, Domain.SOCIAL, Domain.ATTENTION
_SC, _MP, _TR = Domain.SELF_CARE, Domain.MOTOR_PLANNING, Domain.TRANSITIONS
_STUDENTS = (
    _StudentPlan("cls-ms-6a", (_HW, _ATT), 30, 30, comfort="small_group"),
    _StudentPlan("cls-ms-6a", (_FM,), 30, 30),
    _StudentPlan("cls-ms-8a", (_KB, _ATT), 30, 30, comfort="float"),
    _StudentPlan("cls-ms-8a", (_SEN, _TR), 30, 30, grouping="individual"),
    _StudentPlan("cls-tp-ya", (_FM, _SC), 60, 30),
    _StudentPlan("cls-tp-ya", (_SOC, _SEN), 30, 30),
    _StudentPlan("cls-tp-ya", (_ATT, _MP), 60, 30, grouping="individual"),
)

# Goals for older students, by domain: what their IEPs say at 11 to 22.
_CONSECUTIVE = "in 3 consecutive sessions"
SECONDARY_GOALS: dict[str, GoalText] = {
    Domain.HANDWRITING: GoalText(
        "In class, the student will write a paragraph response that the teacher can read "
        "without asking, using wide-ruled paper and a slant board.",
        Method.RUBRIC,
        "2 on the legibility rubric",
        "3 on the legibility rubric",
        _CONSECUTIVE,
    ),
    Domain.ATTENTION: GoalText(
        "The student will record every assignment and due date in the planner before "
        "leaving class.",
        Method.PERCENT_TRIALS,
        "40% of classes",
        "90% of classes",
        "over 4 consecutive weeks",
    ),
    Domain.FINE_MOTOR: GoalText(
        "The student will open the locker combination lock and manage lab equipment "
        "(pipette, ruler, scissors) without help.",
        Method.PROMPT_LEVEL,
        "needs partial physical help",
        "independent",
        _CONSECUTIVE,
    ),
    Domain.KEYBOARDING: GoalText(
        "The student will take lecture notes on the laptop by touch-typing at 20 words per "
        "minute with guided notes.",
        Method.FREQUENCY,
        "11 words per minute",
        "20 words per minute",
        _CONSECUTIVE,
    ),
    Domain.SENSORY: GoalText(
        "During the passing period and busy settings, the student will use a chosen "
        "strategy (headphones, a route plan) and arrive at the next class ready to work.",
        Method.PERCENT_TRIALS,
        "50% of class changes",
        "90% of class changes",
        "over 4 consecutive weeks",
    ),
    Domain.TRANSITIONS: GoalText(
        "The student will move between classes with the locker and passing-period plan and "
        "be seated before the bell.",
        Method.PERCENT_TRIALS,
        "45% of class changes",
        "85% of class changes",
        _CONSECUTIVE,
    ),
    Domain.SELF_CARE: GoalText(
        "At the work site, the student will follow the workplace routine checklist (clock "
        "in, apron and badge, break, clean-up) with the checklist only.",
        Method.PROMPT_LEVEL,
        "needs verbal prompts at each step",
        "independent with the checklist",
        _CONSECUTIVE,
    ),
    Domain.SOCIAL: GoalText(
        "On a community outing, the student will greet a cashier or co-worker and ask for "
        "help with a rehearsed sentence.",
        Method.FREQUENCY,
        "1 time per outing with a prompt",
        "3 times per outing on their own",
        "over 4 consecutive weeks",
    ),
    Domain.MOTOR_PLANNING: GoalText(
        "The student will complete a 5-step packaging task (fold, fill, seal, label, stack) "
        "in order with the step card.",
        Method.PERCENT_TRIALS,
        "40% of steps in order",
        "90% of steps in order",
        _CONSECUTIVE,
    ),
}


def _travel(world: sc.Scenario) -> tuple[sc.TravelLeg, ...]:
    """Both new schools are a short drive from every elementary school and each other."""
    legs = [sc.TravelLeg(MIDDLE_SCHOOL, TRANSITION_PROGRAM, 10)]
    for index, school in enumerate(world.schools):
        legs.append(sc.TravelLeg(school.id, MIDDLE_SCHOOL, 10 + 5 * (index % 3)))
        legs.append(sc.TravelLeg(school.id, TRANSITION_PROGRAM, 15 + 5 * (index % 2)))
    return tuple(legs)


def with_secondary_programs(world: sc.Scenario) -> sc.Scenario:
    """`world` with the middle school and the transition program added, their students on
    the first provider's caseload (ids after the generated ones)."""
    provider = world.providers[0].id
    classrooms = tuple(
        sc.Classroom(room_id, _ROOM_SCHOOL[room_id], room.name, _blocks(room_id))
        for room_id, room in ROOMS.items()
    )
    first = len(world.students) + 1
    students = tuple(
        sc.Student(
            id=f"st-{first + index:04d}",
            classroom=plan.room,
            provider=provider,
            goals=tuple(
                sc.Goal(f"st-{first + index:04d}-g{number}", domain)
                for number, domain in enumerate(plan.domains, start=1)
            ),
            minutes_per_week=plan.weekly,
            session_minutes=plan.session,
            grouping=plan.grouping,
            comfort=plan.comfort,
        )
        for index, plan in enumerate(_STUDENTS)
    )
    return dataclasses.replace(
        world,
        schools=(*world.schools, *(sc.School(i, s.name) for i, s in SCHOOLS.items())),
        travel=(*world.travel, *_travel(world)),
        classrooms=(*world.classrooms, *classrooms),
        students=(*world.students, *students),
    )


def is_secondary_student(student: sc.Student) -> bool:
    return student.classroom in ROOMS

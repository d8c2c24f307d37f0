"""The words Push-In shares across apps: weekdays, class activities, goal domains.

The ids are those of the scheduler's pushin-scenario/1 format; the labels are what
people read.
"""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import Case, IntegerField, QuerySet, Value, When

_Row = TypeVar("_Row", bound=models.Model)


class Weekday(models.TextChoices):
    MON = "mon", "Monday"
    TUE = "tue", "Tuesday"
    WED = "wed", "Wednesday"
    THU = "thu", "Thursday"
    FRI = "fri", "Friday"


WEEKDAY_BY_ISO = {1: Weekday.MON, 2: Weekday.TUE, 3: Weekday.WED, 4: Weekday.THU, 5: Weekday.FRI}
# Monday first. A weekday column sorts alphabetically (Fri, Mon, Thu, Tue, Wed): every list
# of days people read is put in week order with `weekday_index` or `in_week_order`.
WEEKDAY_INDEX: dict[str, int] = {day: index for index, day in enumerate(Weekday.values)}


def weekday_index(day: str) -> int:
    """A sort key for a weekday id, Monday first (an unknown id last)."""
    return WEEKDAY_INDEX.get(day, len(WEEKDAY_INDEX))


def weekday_order(field: str = "day") -> Case:
    """An `order_by` term for a weekday column, Monday first."""
    return Case(
        *(When(**{field: day}, then=Value(index)) for day, index in WEEKDAY_INDEX.items()),
        default=Value(len(WEEKDAY_INDEX)),
        output_field=IntegerField(),
    )


def in_week_order(rows: QuerySet[_Row], *then: str) -> QuerySet[_Row]:
    """Rows with a `day` column in week order, then by `then` (default: start time)."""
    return rows.order_by(weekday_order(), *(then or ("start", "pk")))


class Activity(models.TextChoices):
    WRITING = "writing", "Writing"
    CENTERS = "centers", "Literacy centers"
    GROUP_PROJECT = "group_project", "Group project"
    INDEPENDENT_WORK = "independent_work", "Independent work"
    CARPET = "carpet", "Carpet / morning meeting"
    MATH = "math", "Math"
    ART = "art", "Art"
    PE_RECESS = "pe_recess", "PE / recess"
    LUNCH_SNACK = "lunch_snack", "Lunch / snack"
    ARRIVAL_DISMISSAL = "arrival_dismissal", "Arrival / dismissal"
    TRANSITION = "transition", "Transition"
    TEST = "test", "Test / assessment"
    SCIENCE = "science", "Science"
    MUSIC = "music", "Music"
    LIBRARY = "library", "Library"
    ASSEMBLY = "assembly", "Assembly"
    # Secondary schools and transition programs (ages 12 to 22).
    CLASS_CHANGE = "class_change", "Class change / passing period"
    LECTURE = "lecture", "Lecture"
    LAB = "lab", "Lab"
    VOCATIONAL = "vocational", "Vocational / work task"
    COMMUNITY_OUTING = "community_outing", "Community outing"


def activity_label(activity: str) -> str:
    """What people read for an activity id: the vocabulary's label ("Literacy centers" for
    "centers"). An id the vocabulary does not know (from an imported scenario) shows as it is."""
    try:
        return str(Activity(activity).label)
    except ValueError:
        return activity


class Grade(models.TextChoices):
    """Grades and programs, ages 3 to 22: preschool, kindergarten to 12, transition."""

    PK3 = "PK3", "Preschool (age 3)"
    PK4 = "PK4", "Pre-K (age 4)"
    K = "K", "Kindergarten"
    G1 = "1", "Grade 1"
    G2 = "2", "Grade 2"
    G3 = "3", "Grade 3"
    G4 = "4", "Grade 4"
    G5 = "5", "Grade 5"
    G6 = "6", "Grade 6"
    G7 = "7", "Grade 7"
    G8 = "8", "Grade 8"
    G9 = "9", "Grade 9"
    G10 = "10", "Grade 10"
    G11 = "11", "Grade 11"
    G12 = "12", "Grade 12"
    TRANSITION = "18-22", "Transition program (18-22)"


# Other ways people write a grade in a spreadsheet; the key is upper case, without spaces.
_GRADE_ALIASES = {
    "PK": Grade.PK4,
    "PREK": Grade.PK4,
    "PRE-K": Grade.PK4,
    "PK-3": Grade.PK3,
    "PK-4": Grade.PK4,
    "KG": Grade.K,
    "KINDERGARTEN": Grade.K,
    "0": Grade.K,
    "TRANSITION": Grade.TRANSITION,
    "18-21": Grade.TRANSITION,
}
GRADE_WORDS = "PK3, PK4, K, 1 to 12 or 18-22 (transition)"


def grade_from_text(value: str) -> str | None:
    """A grade as people write it ("k", "03", "Pre-K", "18-22") -> its id ("K", "3",
    "PK4", "18-22"); "" for an empty value; None when it is no grade Push-In knows."""
    text = "".join((value or "").split()).upper()
    if not text:
        return ""
    if text in Grade.values:
        return text
    if text in _GRADE_ALIASES:
        return str(_GRADE_ALIASES[text])
    if text.isdigit() and text.lstrip("0") in Grade.values:
        return text.lstrip("0")
    return None


def grade_label(grade: str) -> str:
    """A grade id as people read it ("K" -> "Kindergarten", "18-22" -> "Transition
    program (18-22)"); an id Push-In does not know, as it is."""
    return str(Grade(grade).label) if grade in Grade.values else grade


def grade_index(grade: str) -> int:
    """A sort key for a grade id: PK3 first, transition last (an unknown grade after)."""
    values = list(Grade.values)
    return values.index(grade) if grade in values else len(values)


class Domain(models.TextChoices):
    HANDWRITING = "handwriting", "Handwriting / visual-motor"
    FINE_MOTOR = "fine_motor", "Fine motor"
    SENSORY = "sensory", "Sensory regulation"
    SOCIAL = "social", "Social participation"
    ATTENTION = "attention", "Attention / executive function"
    SELF_CARE = "self_care", "Self-care"
    MOTOR_PLANNING = "motor_planning", "Motor planning / gross motor"
    TRANSITIONS = "transitions", "Transitions"
    KEYBOARDING = "keyboarding", "Keyboarding / assistive technology"
    TEST_TAKING = "test_taking", "Test-taking"


class Delivery(models.TextChoices):
    PUSH_IN = "push_in", "Push-in"
    PULL_OUT = "pull_out", "Pull-out"
    CONSULT = "consult", "Consult"


class Grouping(models.TextChoices):
    INDIVIDUAL = "individual", "Individual"
    GROUP_OK = "group_ok", "Group allowed"


class Comfort(models.TextChoices):
    INDIVIDUAL = "individual", "Individual support is fine"
    SMALL_GROUP = "small_group", "Rather not be singled out (small group)"
    FLOAT = "float", "Provider floats around the room"


class Discipline(models.TextChoices):
    OT = "OT", "Occupational therapist"
    COTA = "COTA", "Occupational therapy assistant"
    PT = "PT", "Physical therapist"
    PTA = "PTA", "Physical therapist assistant"
    SLP = "SLP", "Speech-language pathologist"
    SLPA = "SLPA", "Speech-language pathology assistant"


class MissReason(models.TextChoices):
    STUDENT_ABSENT = "student_absent", "Student absent"
    STUDENT_UNAVAILABLE = "student_unavailable", "Student unavailable (test, field trip, event)"
    PROVIDER_ABSENT = "provider_absent", "Provider absent"
    PROVIDER_CONFLICT = "provider_conflict", "Provider conflict (meeting, evaluation)"
    SCHOOL_CLOSURE = "school_closure", "School closure"


# Whether a missed session is owed, by default; the district edits this per reason.
DEFAULT_MAKEUP_OWED = {
    MissReason.STUDENT_ABSENT: False,
    MissReason.STUDENT_UNAVAILABLE: False,
    MissReason.PROVIDER_ABSENT: True,
    MissReason.PROVIDER_CONFLICT: True,
    MissReason.SCHOOL_CLOSURE: False,
}


class CutShortReason(models.TextChoices):
    """Why a session that took place ended early: its own reasons, apart from the reasons
    a session is missed (`MissReason`). "Other" is said in words (`short_note`)."""

    LEFT_EARLY = "left_early", "Student left early"
    BEHAVIOUR = "behaviour", "Behaviour or regulation"
    DRILL = "drill", "Fire drill or lockdown"
    SCHEDULE_OVERRAN = "schedule_overran", "Schedule ran over"
    OTHER = "other", "Other (say why)"


# Whether the minutes a session was cut short are owed, by default; the district edits
# this per reason, as for misses. A schedule that ran over is the provider side's.
DEFAULT_CUT_SHORT_OWED = {
    CutShortReason.LEFT_EARLY: False,
    CutShortReason.BEHAVIOUR: False,
    CutShortReason.DRILL: False,
    CutShortReason.SCHEDULE_OVERRAN: True,
    CutShortReason.OTHER: False,
}
# Every reason the makeup policy decides on: the misses, then the cut-short reasons.
DEFAULT_OWED: dict[str, bool] = {
    str(reason): owed
    for reason, owed in [*DEFAULT_MAKEUP_OWED.items(), *DEFAULT_CUT_SHORT_OWED.items()]
}
# A record signed before the cut-short reasons had their own list gave a miss reason;
# it stays readable (and valid) under that reason's words.
SHORT_REASON_CHOICES: list[tuple[str, str]] = [
    *CutShortReason.choices,
    *((value, f"{label} (earlier list)") for value, label in MissReason.choices),
]

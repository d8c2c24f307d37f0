"""A small bank of realistic school-OT goals per domain, for the demo district.

Each entry states the goal, how it is measured, where the student starts, the target and
the mastery criterion, as a goal on a real IEP would.
"""

from __future__ import annotations

from dataclasses import dataclass

from pushin.caseload.models import Method
from pushin.vocabulary import Domain


@dataclass(frozen=True)
class GoalText:
    text: str
    method: str
    baseline: str
    target: str
    mastery_criterion: str


_CONSECUTIVE = "in 3 consecutive sessions"
_OVER_WEEKS = "over 4 consecutive weeks"

GOAL_BANK: dict[str, tuple[GoalText, ...]] = {
    Domain.HANDWRITING: (
        GoalText(
            "During classroom writing, the student will copy a 2-sentence note from a "
            "near-point model with letters sized and placed on the line.",
            Method.PERCENT_TRIALS,
            "45% of letters correctly placed",
            "80% of letters correctly placed",
            _CONSECUTIVE,
        ),
        GoalText(
            "The student will write a 3-sentence response with spaces between words that "
            "a teacher can read without asking.",
            Method.RUBRIC,
            "legibility rubric score 1 of 4",
            "legibility rubric score 3 of 4",
            "in 4 of 5 writing samples",
        ),
        GoalText(
            "The student will form lowercase letters a-z from memory with correct start "
            "points and stroke direction.",
            Method.PERCENT_TRIALS,
            "12 of 26 letters formed correctly",
            "24 of 26 letters formed correctly",
            _CONSECUTIVE,
        ),
    ),
    Domain.FINE_MOTOR: (
        GoalText(
            "The student will cut along a curved 1/4-inch line within 1/8 inch, holding "
            "the paper with the helper hand.",
            Method.PERCENT_TRIALS,
            "stays on the line 40% of the length",
            "stays on the line 80% of the length",
            _CONSECUTIVE,
        ),
        GoalText(
            "The student will open lunch containers and classroom supplies (glue stick, "
            "marker caps) with no more than one verbal prompt.",
            Method.PROMPT_LEVEL,
            "partial physical assistance",
            "independent or one verbal prompt",
            "in 4 of 5 opportunities",
        ),
        GoalText(
            "The student will use a functional tripod or quadrupod grasp on a pencil for "
            "a 10-minute writing task.",
            Method.DURATION,
            "keeps the grasp for 3 minutes",
            "keeps the grasp for 10 minutes",
            _CONSECUTIVE,
        ),
    ),
    Domain.SENSORY: (
        GoalText(
            "During noisy group work, the student will choose a regulation strategy "
            "(headphones, movement break, breathing routine) and return to the task.",
            Method.PERCENT_TRIALS,
            "uses a strategy in 2 of 10 opportunities",
            "uses a strategy in 8 of 10 opportunities",
            _OVER_WEEKS,
        ),
        GoalText(
            "The student will stay seated with the group on the carpet for a 15-minute "
            "lesson, using a wiggle cushion or fidget as needed.",
            Method.DURATION,
            "stays with the group for 4 minutes",
            "stays with the group for 15 minutes",
            _CONSECUTIVE,
        ),
        GoalText(
            "The student will name how their body feels using the zones chart and pick a "
            "matching strategy with a visual cue only.",
            Method.PROMPT_LEVEL,
            "needs gesture and verbal prompts",
            "visual cue only",
            "in 4 of 5 opportunities",
        ),
    ),
    Domain.SOCIAL: (
        GoalText(
            "During centers or recess, the student will join a peer activity and take at "
            "least 3 turns.",
            Method.FREQUENCY,
            "joins peers 1 time per session",
            "joins peers 3 times per session",
            _OVER_WEEKS,
        ),
        GoalText(
            "In a group project, the student will share materials and accept a peer's "
            "idea without leaving the group.",
            Method.PERCENT_TRIALS,
            "30% of opportunities",
            "80% of opportunities",
            _CONSECUTIVE,
        ),
    ),
    Domain.ATTENTION: (
        GoalText(
            "The student will start independent work within 1 minute of the instruction "
            "using a first-then board.",
            Method.LATENCY,
            "starts after 5 minutes on average",
            "starts within 1 minute",
            "in 4 of 5 opportunities",
        ),
        GoalText(
            "The student will complete a 3-step classroom task using a visual checklist "
            "without adult redirection.",
            Method.PROMPT_LEVEL,
            "needs verbal redirection at every step",
            "independent with the checklist",
            _CONSECUTIVE,
        ),
        GoalText(
            "The student will keep materials organized in the desk and bring the right "
            "folder to each lesson.",
            Method.PERCENT_TRIALS,
            "4 of 10 transitions",
            "9 of 10 transitions",
            _OVER_WEEKS,
        ),
    ),
    Domain.SELF_CARE: (
        GoalText(
            "At arrival, the student will unpack the backpack, hang the coat and turn in "
            "the folder following a picture schedule.",
            Method.PROMPT_LEVEL,
            "partial physical assistance",
            "independent with the picture schedule",
            "in 4 of 5 mornings",
        ),
        GoalText(
            "The student will manage zippers and buttons on outerwear before recess "
            "within 3 minutes.",
            Method.DURATION,
            "takes 8 minutes with help",
            "3 minutes, independent",
            _CONSECUTIVE,
        ),
    ),
    Domain.MOTOR_PLANNING: (
        GoalText(
            "During PE or recess, the student will complete a 4-step obstacle course "
            "with correct sequencing after one demonstration.",
            Method.PERCENT_TRIALS,
            "2 of 5 trials",
            "4 of 5 trials",
            _CONSECUTIVE,
        ),
        GoalText(
            "The student will catch a playground ball tossed from 6 feet with two hands.",
            Method.FREQUENCY,
            "3 of 10 catches",
            "8 of 10 catches",
            _CONSECUTIVE,
        ),
    ),
    Domain.TRANSITIONS: (
        GoalText(
            "The student will move between activities within 2 minutes of a timer cue, "
            "without an outburst.",
            Method.PERCENT_TRIALS,
            "3 of 10 transitions",
            "8 of 10 transitions",
            _OVER_WEEKS,
        ),
        GoalText(
            "The student will line up and walk with the class to specials using a "
            "transition object, with no more than one verbal prompt.",
            Method.PROMPT_LEVEL,
            "needs adult escort and repeated prompts",
            "one verbal prompt",
            "in 4 of 5 opportunities",
        ),
    ),
    Domain.KEYBOARDING: (
        GoalText(
            "The student will type a 3-sentence response on a classroom device using "
            "word prediction, at 8 words per minute.",
            Method.FREQUENCY,
            "3 words per minute",
            "8 words per minute",
            _CONSECUTIVE,
        ),
        GoalText(
            "The student will log in and open the assigned document on a device without help.",
            Method.PROMPT_LEVEL,
            "full physical assistance",
            "independent",
            "in 4 of 5 opportunities",
        ),
    ),
    Domain.TEST_TAKING: (
        GoalText(
            "During classroom assessments, the student will fill in answer bubbles "
            "within the lines using a slant board and a line guide.",
            Method.PERCENT_TRIALS,
            "60% of bubbles within the lines",
            "90% of bubbles within the lines",
            "in 3 consecutive assessments",
        ),
    ),
}

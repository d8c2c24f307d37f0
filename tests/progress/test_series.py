"""pushin/progress/series.py on hand-made series: values, aim line, trend and mastery."""

from __future__ import annotations

import datetime as dt

import pytest

from pushin.caseload.models import Method
from pushin.progress import series as s
from pushin.progress.series import Point, goal_series, parse_criterion, parse_level
from pushin.sessions.models import DataKind, PromptLevel

START = dt.date(2026, 9, 1)
END = dt.date(2027, 6, 1)
MON = dt.date(2026, 10, 5)


def day(n: int) -> dt.date:
    """The n-th school day from Monday Oct 5 (weekends skipped)."""
    weeks, rest = divmod(n, 5)
    return MON + dt.timedelta(days=7 * weeks + rest)


def trials(n: int, correct: int, *, session: int, on: dt.date) -> list[Point]:
    return [Point(day=on, session=session, kind="trial", correct=i < correct) for i in range(n)]


def percent_series(percents: list[int], criterion: str = "in 3 consecutive sessions", **kw):
    points = [
        p for i, pct in enumerate(percents) for p in trials(10, pct // 10, session=i + 1, on=day(i))
    ]
    return goal_series(
        method=s.PERCENT,
        baseline=kw.get("baseline", "40% of trials"),
        target=kw.get("target", "80% of trials"),
        criterion=criterion,
        iep_start=START,
        iep_end=END,
        points=points,
    )


# --- The vocabularies agree -------------------------------------------------------------------


def test_prompt_ladder_is_the_vocabulary_order_from_most_support_to_independent():
    assert tuple(reversed(PromptLevel.values)) == s.PROMPT_LADDER
    assert {value: str(label) for value, label in PromptLevel.choices} == s.PROMPT_WORDS


def test_method_and_kind_ids_are_the_models_own():
    assert set(s.KIND_OF_METHOD) == set(Method.values)
    assert set(s.KIND_OF_METHOD.values()) == set(DataKind.values)


# --- Reading the IEP's words ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "text", "value"),
    [
        (s.PERCENT, "45% of letters correctly placed", 45),
        (s.PERCENT, "80% of trials", 80),
        (s.PERCENT, "12 of 26 letters formed correctly", 100 * 12 / 26),
        (s.PERCENT, "8/10 opportunities", 80),
        (s.PERCENT, "uses a strategy in two out of ten opportunities", 20),
        (s.PERCENT, "most of the time", None),
        (s.PROMPT, "partial physical assistance", 1),
        (s.PROMPT, "hand-over-hand", 0),
        (s.PROMPT, "independent", 5),
        (s.PROMPT, "independent or one verbal prompt", 4),  # the least the target accepts
        (s.PROMPT, "needs gesture and verbal prompts", 2),  # the most support named
        (s.PROMPT, "visual cue only", 3),
        (s.PROMPT, "needs adult escort and repeated prompts", None),
        (s.RUBRIC, "legibility rubric score 1 of 4", 1),
        (s.FREQUENCY, "joins peers 3 times per session", 3),
        (s.DURATION, "keeps the grasp for 3 minutes", 3),
        (s.DURATION, "90 seconds", 1.5),
        (s.DURATION, "for 10", None),  # no unit: not read
        (s.LATENCY, "starts within 1 minute", 1),
        (s.NARRATIVE, "anything", None),
    ],
)
def test_parse_level(method, text, value):
    got = parse_level(method, text)
    assert got == (pytest.approx(value) if value is not None else None)


@pytest.mark.parametrize(
    ("text", "target", "window"),
    [
        ("in 3 consecutive sessions", "", (3, 3, "sessions", None)),
        ("80% in 3 consecutive sessions", "", (3, 3, "sessions", 80)),
        ("80% of trials in three consecutive sessions", "", (3, 3, "sessions", 80)),
        ("90% accuracy in 4 of the last 5 sessions", "", (4, 5, "sessions", 90)),
        ("in 4 of 5 opportunities", "", (4, 5, "points", None)),
        ("in 4 of 5 writing samples", "", (4, 5, "points", None)),
        ("in 4 of 5 mornings", "", (4, 5, "sessions", None)),
        ("over 4 consecutive weeks", "", (4, 4, "weeks", None)),
        # No window in the criterion: the target's words.
        ("", "80% of trials in 3 consecutive sessions", (3, 3, "sessions", 80)),
        # In a target, "8 of 10 transitions" is the level, never a window.
        ("", "8 of 10 transitions", None),
        ("by the annual review", "80% of trials", None),
        ("", "", None),
    ],
)
def test_parse_criterion(text, target, window):
    rule = parse_criterion(s.PERCENT, text, target=target)
    if window is None:
        assert rule is None
    else:
        assert rule is not None
        assert (rule.need, rule.of, rule.unit, rule.level) == window


# --- Per-session values ---------------------------------------------------------------------


def test_percent_session_values_are_correct_over_trials_per_session():
    series = percent_series([40, 70])
    assert [(v.value, v.detail, v.count) for v in series.sessions] == [
        (40, "4/10 (40%)", 10),
        (70, "7/10 (70%)", 10),
    ]


def test_two_sessions_on_one_day_are_two_values_in_order():
    points = trials(4, 1, session=9, on=MON) + trials(4, 3, session=2, on=MON)
    series = goal_series(
        method=s.PERCENT,
        baseline="",
        target="80%",
        criterion="",
        iep_start=START,
        iep_end=END,
        points=points,
    )
    assert [(v.session, v.value) for v in series.sessions] == [(2, 75), (9, 25)]


def test_prompt_level_session_value_is_the_lower_median_on_the_ordinal_scale():
    prompts = ["independent", "verbal", "gesture", "full_physical"]  # 5, 4, 2, 0
    points = [Point(day=MON, session=1, kind="prompt", prompt=p) for p in prompts]
    points.append(Point(day=day(1), session=2, kind="prompt", prompt="verbal"))
    series = goal_series(
        method=s.PROMPT,
        baseline="partial physical assistance",
        target="independent",
        criterion="in 3 consecutive sessions",
        iep_start=START,
        iep_end=END,
        points=points,
    )
    # Sorted 0, 2, 4, 5: the lower of the two middle ones is gesture (2).
    assert [(v.value, v.detail) for v in series.sessions] == [
        (2, "Gesture (median of 4)"),
        (4, "Verbal"),
    ]
    assert series.scale is not None
    assert (series.scale.low, series.scale.high) == (0, 5)
    assert [label for _, label in series.scale.ticks] == [
        "Full physical",
        "Partial physical",
        "Gesture",
        "Visual",
        "Verbal",
        "Independent",
    ]
    assert series.aim is not None
    assert (series.aim.start_value, series.aim.end_value) == (1, 5)


def test_rubric_session_value_is_the_mean_score():
    points = [
        Point(day=MON, session=1, kind="rubric", value=1),
        Point(day=MON, session=1, kind="rubric", value=2),
        Point(day=day(1), session=2, kind="rubric", value=3),
    ]
    series = goal_series(
        method=s.RUBRIC,
        baseline="rubric score 1 of 4",
        target="rubric score 3 of 4",
        criterion="in 4 of 5 writing samples",
        iep_start=START,
        iep_end=END,
        points=points,
    )
    assert [(v.value, v.detail) for v in series.sessions] == [
        (1.5, "1.5 (mean of 2 scores)"),
        (3, "3"),
    ]


def test_duration_in_minutes_frequency_summed_and_other_kinds_left_out():
    points = [
        Point(day=MON, session=1, kind="duration", value=90),
        Point(day=MON, session=1, kind="duration", value=150),
        Point(day=MON, session=1, kind="narrative"),
        Point(day=MON, session=1, kind="trial", correct=True),  # from before a method change
    ]
    series = goal_series(
        method=s.DURATION,
        baseline="3 minutes",
        target="10 minutes",
        criterion="",
        iep_start=START,
        iep_end=END,
        points=points,
    )
    assert [(v.value, v.detail) for v in series.sessions] == [(2, "2 min 0 s (mean of 2)")]
    assert (series.narratives, series.skipped) == (1, 1)
    assert "1 data point of another method left out." in series.notes
    counts = [Point(day=MON, session=1, kind="frequency", value=v) for v in (1, 1, 2)]
    tally = goal_series(
        method=s.FREQUENCY,
        baseline="1 time",
        target="3 times",
        criterion="",
        iep_start=START,
        iep_end=END,
        points=counts,
    )
    assert [v.value for v in tally.sessions] == [4]


# --- Aim line and trend -----------------------------------------------------------------------


def test_aim_line_runs_from_the_baseline_at_the_iep_start_to_the_target_at_its_end():
    series = percent_series([50])
    aim = series.aim
    assert aim is not None
    assert (aim.start, aim.start_value, aim.end, aim.end_value) == (START, 40, END, 80)
    third = START + (END - START) / 3  # 273 days: 91 days in
    assert aim.value_at(third) == pytest.approx(40 + 40 / 3)
    assert aim.value_at(END) == 80


def test_no_aim_line_when_the_baseline_says_no_number_and_it_is_said():
    series = percent_series([50], baseline="emerging skill")
    assert series.aim is None
    assert series.notes == (
        "No aim line: the baseline “emerging skill” states no value to start from.",
    )


def test_trend_is_the_least_squares_line():
    # Values 40, 50, 60 on days 0, 1, 2 (Mon-Wed): 10 points a day exactly.
    series = percent_series([40, 50, 60])
    trend = series.trend
    assert trend is not None
    assert trend.slope_per_day == pytest.approx(10)
    assert trend.value_at(MON) == pytest.approx(40)
    assert trend.per_week == pytest.approx(70)
    # A noisy series against the textbook formula.
    xs, ys = [0.0, 1.0, 2.0, 7.0], [40.0, 70.0, 50.0, 80.0]
    intercept, slope = s.least_squares(xs, ys) or (0, 0)
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    expected = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum(
        (x - mean_x) ** 2 for x in xs
    )
    assert slope == pytest.approx(expected)
    assert intercept == pytest.approx(mean_y - expected * mean_x)


def test_no_trend_under_three_sessions_or_on_one_day():
    assert percent_series([40, 50]).trend is None
    same_day = trials(2, 1, session=1, on=MON) + trials(2, 2, session=2, on=MON)
    same_day += trials(2, 0, session=3, on=MON)
    series = goal_series(
        method=s.PERCENT,
        baseline="",
        target="80%",
        criterion="",
        iep_start=START,
        iep_end=END,
        points=same_day,
    )
    assert len(series.sessions) == 3
    assert series.trend is None


# --- Mastery ------------------------------------------------------------------------------------


def test_three_consecutive_sessions_at_exactly_the_target_is_mastered():
    series = percent_series([50, 80, 80, 80])
    assert series.mastery.status == s.MASTERED
    assert series.mastery.met_on == day(3)
    assert series.mastery.words == "Met: the last 3 sessions all at or above 80%."


def test_one_session_just_below_the_target_breaks_consecutive():
    series = percent_series([80, 80, 70, 80, 80])
    assert series.mastery.status == s.NOT_YET
    assert series.mastery.met_on is None
    assert series.mastery.words == (
        "Not yet: 2 of the last 3 sessions at or above 80%; the criterion asks for 3."
    )


def test_met_earlier_and_not_held_since_says_when():
    series = percent_series([80, 80, 80, 60, 90])
    assert series.mastery.status == s.NOT_YET
    assert series.mastery.met_on == day(2)
    assert series.mastery.words.endswith("It was met on Oct 7, and not since.")


def test_too_few_sessions_to_judge():
    series = percent_series([90, 90])
    assert series.mastery.status == s.TOO_FEW
    assert series.mastery.words == (
        "Too early to judge: 2 sessions so far; the criterion looks at 3."
    )


def test_the_criterion_level_wins_over_the_target():
    series = percent_series([70, 70, 70], criterion="70% in 3 consecutive sessions")
    assert series.mastery.status == s.MASTERED
    assert series.mastery.level == 70


def test_n_of_m_sessions():
    assert percent_series([80, 50, 80, 80, 80], criterion="in 4 of 5 sessions").mastery.status == (
        s.MASTERED
    )
    assert percent_series([80, 50, 80, 50, 80], criterion="in 4 of 5 sessions").mastery.status == (
        s.NOT_YET
    )


def test_unreadable_criterion_is_said_not_guessed():
    series = percent_series([90, 90, 90, 90], criterion="by the annual review")
    assert series.mastery.status == s.UNKNOWN
    assert "“by the annual review”" in series.mastery.words
    unreadable_target = percent_series([90, 90, 90], target="grade-level work")
    assert unreadable_target.mastery.status == s.UNKNOWN
    assert unreadable_target.aim is None


def test_no_data():
    series = percent_series([])
    assert (series.mastery.status, series.mastery.words) == (s.NO_DATA, "No data yet.")
    assert s.describe(series).startswith("No data yet.")


def test_prompt_level_mastery_counts_opportunities_at_the_target_level_or_more_independent():
    # "independent or one verbal prompt" in 4 of 5 opportunities: verbal (4) or better.
    prompts = ["gesture", "verbal", "independent", "verbal", "visual", "verbal", "independent"]
    points = [
        Point(day=day(i // 3), session=i // 3 + 1, kind="prompt", prompt=p)
        for i, p in enumerate(prompts)
    ]
    series = goal_series(
        method=s.PROMPT,
        baseline="partial physical assistance",
        target="independent or one verbal prompt",
        criterion="in 4 of 5 opportunities",
        iep_start=START,
        iep_end=END,
        points=points,
    )
    # The last five: verbal, visual, verbal, independent... visual (3) misses.
    assert series.mastery.status == s.MASTERED
    assert series.mastery.words.startswith("Met: 4 of the last 5 opportunities at or above Verbal")
    worse = [*points, Point(day=day(3), session=4, kind="prompt", prompt="gesture")]
    again = goal_series(
        method=s.PROMPT,
        baseline="partial physical assistance",
        target="independent or one verbal prompt",
        criterion="in 4 of 5 opportunities",
        iep_start=START,
        iep_end=END,
        points=worse,
    )
    assert again.mastery.status == s.NOT_YET


def test_rubric_mastery_over_samples():
    scores = [2, 3, 3, 4, 3]
    points = [
        Point(day=day(i), session=i + 1, kind="rubric", value=v) for i, v in enumerate(scores)
    ]
    series = goal_series(
        method=s.RUBRIC,
        baseline="rubric score 1 of 4",
        target="rubric score 3 of 4",
        criterion="in 4 of 5 writing samples",
        iep_start=START,
        iep_end=END,
        points=points,
    )
    assert series.mastery.status == s.MASTERED
    assert series.mastery.met_on == day(4)
    below = [
        Point(day=day(i), session=i + 1, kind="rubric", value=v)
        for i, v in enumerate([3, 2, 3, 2, 3])
    ]
    assert (
        goal_series(
            method=s.RUBRIC,
            baseline="1",
            target="3",
            criterion="in 4 of 5 writing samples",
            iep_start=START,
            iep_end=END,
            points=below,
        ).mastery.status
        == s.NOT_YET
    )


def test_lower_is_better_when_the_target_is_below_the_baseline():
    # Latency: starts after 5 minutes -> within 1 minute; values in seconds.
    seconds = [240, 70, 60, 50]
    points = [
        Point(day=day(i), session=i + 1, kind="duration", value=v) for i, v in enumerate(seconds)
    ]
    series = goal_series(
        method=s.LATENCY,
        baseline="starts after 5 minutes on average",
        target="starts within 1 minute",
        criterion="in 3 consecutive sessions",
        iep_start=START,
        iep_end=END,
        points=points,
    )
    assert series.scale is not None
    assert not series.scale.higher_is_better
    assert series.mastery.status == s.NOT_YET  # 70 s is above 1 minute
    assert "at or below 1 min" in series.mastery.words
    assert s.trend_words(series).endswith("(toward the target).")
    done = goal_series(
        method=s.LATENCY,
        baseline="5 minutes",
        target="1 minute",
        criterion="in 3 consecutive sessions",
        iep_start=START,
        iep_end=END,
        points=[
            *points[:1],
            *(Point(day=day(i), session=i + 1, kind="duration", value=60) for i in (1, 2, 3)),
        ],
    )
    assert done.mastery.status == s.MASTERED


def test_weeks_are_weeks_with_data_each_at_the_level():
    # Frequency, over 4 consecutive weeks: each week's mean count at 3 or more.
    counts = {0: 3, 1: 2, 5: 4, 10: 3, 15: 3, 16: 5}  # school day -> count (weeks 0,0,1,2,3,3)
    points = [
        Point(day=day(d), session=d + 1, kind="frequency", value=c) for d, c in counts.items()
    ]
    series = goal_series(
        method=s.FREQUENCY,
        baseline="joins peers 1 time per session",
        target="joins peers 3 times per session",
        criterion="over 4 consecutive weeks",
        iep_start=START,
        iep_end=END,
        points=points,
    )
    # Week 0's mean is 2.5: not met; weeks 1-3 are, but that is 3 weeks.
    assert series.mastery.status == s.NOT_YET
    assert series.mastery.words.startswith("Not yet: 3 of the last 4 weeks with data")
    more = [*points, Point(day=day(20), session=99, kind="frequency", value=3)]
    again = goal_series(
        method=s.FREQUENCY,
        baseline="1",
        target="3",
        criterion="over 4 consecutive weeks",
        iep_start=START,
        iep_end=END,
        points=more,
    )
    assert again.mastery.status == s.MASTERED


def test_narrative_goal_is_not_graphed():
    series = goal_series(
        method=s.NARRATIVE,
        baseline="",
        target="describes the routine",
        criterion="",
        iep_start=START,
        iep_end=END,
        points=[Point(day=MON, session=1, kind="narrative")],
    )
    assert series.scale is None
    assert series.mastery.status == s.NOT_GRAPHED
    assert series.narratives == 1


def test_describe_names_the_latest_three_trend_and_mastery():
    series = percent_series([40, 50, 60, 80])
    text = s.describe(series)
    assert "4 sessions with data from Oct 5, 2026 to Oct 8, 2026." in text
    assert "Latest: 50% (Oct 6), 60% (Oct 7), 80% (Oct 8)." in text
    assert "Aim line from 40% at the IEP start to 80% at its end" in text
    assert "Trend: rising" in text
    assert series.mastery.words in text


def test_mastery_words_use_the_criterions_own_units():
    rubric = goal_series(
        method=s.RUBRIC,
        baseline="1",
        target="3",
        criterion="in 4 of 5 writing samples",
        iep_start=START,
        iep_end=END,
        points=[
            Point(day=day(i), session=i, kind="rubric", value=v) for i, v in enumerate([3] * 5)
        ],
    )
    assert rubric.mastery.words == "Met: 4 of the last 5 writing samples at or above 3."
    tests = percent_series([90, 90, 90], criterion="in 3 consecutive assessments")
    assert tests.mastery.words == "Met: the last 3 assessments all at or above 80%."
    # A percent goal's "opportunities" are its sessions, and said so.
    trials_goal = percent_series([90, 90, 90, 90, 90], criterion="in 4 of 5 opportunities")
    assert trials_goal.mastery.words == "Met: 4 of the last 5 sessions at or above 80%."

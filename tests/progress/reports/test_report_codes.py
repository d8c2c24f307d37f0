"""The progress code a goal's data suggests (pure: hand-made series), and the district's
words for the codes."""

from __future__ import annotations

import datetime as dt

import pytest

from pushin.progress.reports.codes import code_words, suggest_code
from pushin.progress.series import Point, goal_series

START, END = dt.date(2026, 9, 7), dt.date(2027, 6, 7)  # 273 days


def _percent(values, *, baseline="40%", target="80%", criterion="in 3 consecutive sessions"):
    points = []
    for n, value in enumerate(values):
        day = dt.date(2026, 10, 5) + dt.timedelta(days=7 * n)
        points += [
            Point(day=day, session=n, kind="trial", correct=i < value // 10) for i in range(10)
        ]
    return goal_series(
        method="percent_trials",
        baseline=baseline,
        target=target,
        criterion=criterion,
        iep_start=START,
        iep_end=END,
        points=points,
    )


def test_mastered_when_the_criterion_is_met():
    suggestion = suggest_code(_percent([50, 80, 90, 80]))
    assert suggestion.code == "mastered"
    assert suggestion.why.startswith("Met: the last 3 sessions all at or above 80%")


def test_no_data_is_not_yet_introduced():
    assert suggest_code(_percent([])).code == "not_introduced"


def test_a_trend_at_or_above_the_aim_line_is_sufficient():
    # The aim line is at 44% on Oct 5 and 47% on Oct 26; the trend is about 50%.
    suggestion = suggest_code(_percent([50, 50, 50, 50]))
    assert suggestion.code == "sufficient"
    assert suggestion.why == "The trend is at or beyond the aim line (50% against 47% on Oct 26)."


def test_a_trend_below_the_aim_line_but_closing_in_is_sufficient():
    # Baseline 40% but starting at 10%: below the aim line, rising 10 points a week
    # (the aim line rises about 1 a week).
    suggestion = suggest_code(_percent([10, 20, 30, 40]))
    assert suggestion.code == "sufficient"
    assert suggestion.why.startswith("The trend is short of the aim line (40% against 47% on")
    assert "closing in: Trend: rising 10 percentage points a week" in suggestion.why


def test_a_flat_trend_below_the_aim_line_is_insufficient():
    suggestion = suggest_code(_percent([30, 30, 30, 30]))
    assert suggestion.code == "insufficient"
    assert "and not catching up. Trend: flat." in suggestion.why


def test_too_few_sessions_for_a_trend_is_insufficient():
    suggestion = suggest_code(_percent([70, 70]))
    assert suggestion.code == "insufficient"
    assert "too few for a trend" in suggestion.why


def test_without_an_aim_line_the_direction_decides():
    rising = suggest_code(_percent([30, 40, 50], baseline="not measured"))
    assert rising.code == "sufficient"
    assert rising.why.endswith("There is no aim line to compare.")
    falling = suggest_code(_percent([50, 40, 30], baseline="not measured"))
    assert falling.code == "insufficient"


def test_lower_is_better_for_latency():
    points = [
        Point(day=dt.date(2026, 10, 5) + dt.timedelta(days=7 * n), session=n, kind="duration",
              value=seconds)
        for n, seconds in enumerate([480, 420, 300, 240])
    ]  # fmt: skip
    series = goal_series(
        method="latency",
        baseline="8 minutes",
        target="1 minute",
        criterion="in 3 consecutive sessions",
        iep_start=START,
        iep_end=END,
        points=points,
    )
    assert suggest_code(series).code == "sufficient"


def test_a_narrative_goal_is_chosen_by_the_provider():
    def narrative(points):
        return goal_series(
            method="narrative",
            baseline="",
            target="Uses a strategy",
            criterion="",
            iep_start=START,
            iep_end=END,
            points=points,
        )

    assert suggest_code(narrative([])).code == "not_introduced"
    seen = suggest_code(narrative([Point(day=START, session=1, kind="narrative")]))
    assert seen.code == ""
    assert "choose the code yourself" in seen.why


@pytest.mark.django_db
def test_the_districts_words(world):
    from pushin.progress.reports.services import progress_code_words_set

    assert code_words(world.district.pk)["not_introduced"] == "Not yet introduced"
    progress_code_words_set(
        actor=world.admin, district=world.district, words={"mastered": "Goal met"}
    )
    assert code_words(world.district.pk)["mastered"] == "Goal met"

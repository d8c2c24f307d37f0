"""Progress codes: the district's words for them, and the code a goal's data suggests.

The stored codes are fixed keys (`ProgressCode`); a district may call them what its report
cards do ("Goal met", "Making progress") on its settings page. A signed report keeps the
words it was signed with.

The suggestion (the provider chooses; the page says why it suggests what it does):

1. the mastery criterion is met at the report's last day of data: **mastered**;
2. no data for the goal through that day (no session value; for a narrative goal, no
   observation): **not yet introduced**;
3. a narrative goal with observations: no suggestion, the provider chooses;
4. a trend (three sessions or more) toward the aim: **sufficient progress**. Toward the
   aim means: at the last session the trend line is at or beyond the aim line, or it
   moves toward the target at least as fast as the aim line does. Without an aim line
   (a baseline or target states no value), a trend moving toward the target (more than
   the "flat" threshold of `trend_words`);
5. anything else (a trend short of the aim, fewer than three sessions, too few for a
   trend): **insufficient progress**.
"""

from __future__ import annotations

from dataclasses import dataclass

from pushin.progress.models import ProgressCode, ProgressCodeWord
from pushin.progress.series import MASTERED, NOT_GRAPHED, GoalSeries, trend_words

DEFAULT_WORDS: dict[str, str] = {str(k): str(v) for k, v in ProgressCode.choices}
CODES: tuple[str, ...] = tuple(DEFAULT_WORDS)
FLAT_PER_WEEK = 0.05  # as `series.trend_words`: slower than this is "flat"
EPSILON = 1e-9


def code_words(district_id: int) -> dict[str, str]:
    """Every code's word in the district (its own, else the default); one query."""
    own = dict(ProgressCodeWord.objects.filter(district_id=district_id).values_list("code", "word"))
    return {code: own.get(code) or word for code, word in DEFAULT_WORDS.items()}


@dataclass(frozen=True)
class Suggestion:
    code: str  # a ProgressCode, or "" when the data cannot suggest one
    why: str  # in words, for the provider


def _day(day: object) -> str:
    return f"{day:%b} {day.day}"  # type: ignore[attr-defined]


def suggest_code(series: GoalSeries) -> Suggestion:
    """The code the series suggests, and why (see the module docstring for the rules)."""
    if series.mastery.status == MASTERED:
        return Suggestion(ProgressCode.MASTERED, series.mastery.words)
    if series.scale is None or series.mastery.status == NOT_GRAPHED:
        if not series.narratives:
            return Suggestion(ProgressCode.NOT_INTRODUCED, "No observation recorded yet.")
        return Suggestion(
            "", "A narrative goal has no numbers to judge by: choose the code yourself."
        )
    if not series.sessions:
        return Suggestion(ProgressCode.NOT_INTRODUCED, "No data taken for this goal yet.")
    scale, trend, aim = series.scale, series.trend, series.aim
    if trend is None:
        return Suggestion(
            ProgressCode.INSUFFICIENT,
            f"{len(series.sessions)} session(s) with data: too few for a trend, so "
            "progress cannot be shown yet.",
        )
    sign = 1 if scale.higher_is_better else -1
    last = series.sessions[-1].day
    if aim is not None:
        trend_at, aim_at = trend.value_at(last), aim.value_at(last)
        span = (aim.end - aim.start).days or 1
        aim_slope = (aim.end_value - aim.start_value) / span
        words = f"{scale.words(trend_at)} against {scale.words(aim_at)} on {_day(last)}"
        if sign * (trend_at - aim_at) >= -EPSILON:
            return Suggestion(
                ProgressCode.SUFFICIENT, f"The trend is at or beyond the aim line ({words})."
            )
        if (
            sign * trend.slope_per_day > EPSILON
            and sign * (trend.slope_per_day - aim_slope) >= -EPSILON
        ):
            return Suggestion(
                ProgressCode.SUFFICIENT,
                f"The trend is short of the aim line ({words}) but closing in: "
                + trend_words(series),
            )
        return Suggestion(
            ProgressCode.INSUFFICIENT,
            f"The trend is short of the aim line ({words}) and not catching up. "
            + trend_words(series),
        )
    if sign * trend.per_week >= FLAT_PER_WEEK:
        return Suggestion(
            ProgressCode.SUFFICIENT, trend_words(series) + " There is no aim line to compare."
        )
    return Suggestion(
        ProgressCode.INSUFFICIENT,
        trend_words(series) + " There is no aim line to compare.",
    )

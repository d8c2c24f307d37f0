"""A goal's data as a series: per-session values, aim line, trend line and mastery.

Pure Python (no Django): the progress page, the goal graphs and the IEP progress reports
all read a goal through `goal_series`, so a number on a report is the number on the page.

    series = goal_series(
        method="percent_trials",
        baseline="45% of letters correctly placed",
        target="80% of letters correctly placed",
        criterion="in 3 consecutive sessions",
        iep_start=date(2026, 9, 1), iep_end=date(2027, 6, 18),
        points=[Point(day=..., session=17, kind="trial", correct=True), ...],
    )
    series.sessions      # one SessionValue per session, in date order
    series.aim           # Line from the baseline at the IEP start to the target at its end
    series.trend         # least-squares Trend over the session values, or None
    series.mastery       # Mastery: status, words, first day the criterion was met

Values are in the goal's method, on the method's `Scale`:
- percent of trials: the session's correct trials / trials, 0-100;
- prompt level: an ordinal scale, most support (full physical, 0) to independent (5),
  in the order of the vocabulary's `PromptLevel` (`PROMPT_LADDER`); a session's value is
  the lower median of its prompts (with an even number of prompts, the more supported of
  the two middle ones: a session is not credited with more independence than half its
  opportunities showed);
- rubric: the mean score of the session, 0-4;
- duration and latency: the mean of the session, in minutes (the data is in seconds);
- frequency: the session's total count.
Narrative observations are words, not numbers: they are counted, never plotted.

Baseline, target and mastery criterion are the IEP's own words. Numbers are read out of
them where the method needs one ("45% of letters", "12 of 26 letters", "keeps the grasp
for 3 minutes", "partial physical assistance"); when a text holds nothing this module can
read, the series says so (`notes`, `Mastery.status == UNKNOWN`) rather than guess.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from statistics import fmean

# The goal methods (caseload.models.Method values) and data kinds (sessions DataKind values).
PERCENT = "percent_trials"
FREQUENCY = "frequency"
DURATION = "duration"
LATENCY = "latency"
PROMPT = "prompt_level"
RUBRIC = "rubric"
NARRATIVE = "narrative"

KIND_OF_METHOD = {
    PERCENT: "trial",
    PROMPT: "prompt",
    RUBRIC: "rubric",
    DURATION: "duration",
    LATENCY: "duration",
    FREQUENCY: "frequency",
    NARRATIVE: "narrative",
}

# Most support first, independent last: the vocabulary's PromptLevel, reversed (a test
# checks they agree). The ordinal of a level is its index here.
PROMPT_LADDER: tuple[str, ...] = (
    "full_physical",
    "partial_physical",
    "gesture",
    "visual",
    "verbal",
    "independent",
)
PROMPT_WORDS: dict[str, str] = {
    "full_physical": "Full physical",
    "partial_physical": "Partial physical",
    "gesture": "Gesture",
    "visual": "Visual",
    "verbal": "Verbal",
    "independent": "Independent",
}
RUBRIC_MAX = 4
# A session at the level counts as meeting it (floating point: 80.0000001 vs 80).
EPSILON = 1e-9
MIN_TREND_SESSIONS = 3

# Mastery statuses.
MASTERED = "mastered"
NOT_YET = "not_yet"
TOO_FEW = "too_few"
NO_DATA = "no_data"
UNKNOWN = "unknown"
NOT_GRAPHED = "not_graphed"


# --- Inputs -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """One data point: the day and session it was taken in, and what it holds."""

    day: dt.date
    session: int  # any key shared by the points of one session (the session's id)
    kind: str  # "trial", "prompt", "rubric", "duration" (seconds), "frequency", "narrative"
    correct: bool | None = None
    prompt: str = ""
    value: int | None = None


# --- Outputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """The y axis of a method: its range, unit and (for prompt levels) tick words."""

    method: str
    unit: str  # "%", "level", "score", "min", "count"
    low: float
    high: float
    ticks: tuple[tuple[float, str], ...] = ()
    higher_is_better: bool = True

    def words(self, value: float) -> str:
        """A value as people read it on this scale: "80%", "Verbal", "2.5", "3.5 min"."""
        if self.method == PROMPT:
            index = max(0, min(len(PROMPT_LADDER) - 1, round(value)))
            return PROMPT_WORDS[PROMPT_LADDER[index]]
        if self.unit == "%":
            return f"{value:.0f}%"
        if self.unit == "min":
            return f"{_trim(value)} min"
        return _trim(value)


@dataclass(frozen=True)
class SessionValue:
    """One session's value in the goal's method."""

    day: dt.date
    session: int
    value: float
    count: int  # the data points behind it
    detail: str  # "8/10", "Verbal (median of 5)", "2 scores", ...


@dataclass(frozen=True)
class Line:
    """A straight line between two dated values (the aim line, a trend's drawn span)."""

    start: dt.date
    start_value: float
    end: dt.date
    end_value: float

    def value_at(self, day: dt.date) -> float:
        span = (self.end - self.start).days
        if span == 0:
            return self.start_value
        share = (day - self.start).days / span
        return self.start_value + share * (self.end_value - self.start_value)


@dataclass(frozen=True)
class Trend:
    """The least-squares line through the session values (x: days since `origin`)."""

    origin: dt.date
    intercept: float
    slope_per_day: float
    first: dt.date
    last: dt.date

    def value_at(self, day: dt.date) -> float:
        return self.intercept + self.slope_per_day * (day - self.origin).days

    @property
    def per_week(self) -> float:
        return self.slope_per_day * 7

    @property
    def line(self) -> Line:
        return Line(self.first, self.value_at(self.first), self.last, self.value_at(self.last))


@dataclass(frozen=True)
class Criterion:
    """A mastery criterion: `need` of the last `of` units at `level` or better."""

    need: int
    of: int
    unit: str  # "sessions", "weeks" or "points" (opportunities, samples)
    level: float | None  # from the criterion's own words ("80% in ..."), else the target's
    text: str
    word: str = ""  # the criterion's own word for its units: "writing samples", "mornings"

    @property
    def consecutive(self) -> bool:
        return self.need == self.of


@dataclass(frozen=True)
class Mastery:
    status: str  # MASTERED, NOT_YET, TOO_FEW, NO_DATA, UNKNOWN, NOT_GRAPHED
    words: str  # one sentence a provider can put in a report
    met_on: dt.date | None = None  # the first day the criterion was met, if ever
    level: float | None = None
    criterion: Criterion | None = None


@dataclass(frozen=True)
class GoalSeries:
    method: str
    iep_start: dt.date
    iep_end: dt.date
    scale: Scale | None  # None: a narrative goal, nothing to plot
    sessions: tuple[SessionValue, ...]
    baseline: float | None
    target: float | None
    aim: Line | None
    trend: Trend | None
    mastery: Mastery
    notes: tuple[str, ...] = field(default=())  # what could not be read, in words
    narratives: int = 0  # narrative observations (counted, not plotted)
    skipped: int = 0  # points of another kind than the method's (a method changed)

    @property
    def latest(self) -> tuple[SessionValue, ...]:
        """The last three sessions, oldest first."""
        return self.sessions[-3:]


# --- Reading numbers out of the IEP's words ----------------------------------------------

_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
}
_NUM = r"(\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"


def _number(text: str) -> float:
    """A number written in digits or as a word ("three")."""
    word = _NUMBER_WORDS.get(text.lower())
    return float(word) if word is not None else float(text)


def _trim(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s*(?:%|percent\b)", re.I)
_FRACTION = re.compile(_NUM + r"\s*(?:/|out of|of)\s*" + _NUM + r"\b", re.I)
_FIRST_NUMBER = re.compile(_NUM + r"\b", re.I)
_TIME = re.compile(r"(\d+(?:\.\d+)?)\s*(seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)\b", re.I)
# Prompt levels as IEPs write them, most support first (the first match of the most
# supported level wins for a baseline; see `_prompt_level`).
_PROMPT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("full_physical", r"full(?:y)?[\s-]+physical|hand[\s-]+over[\s-]+hand|full\s+assist"),
    ("partial_physical", r"partial(?:ly)?[\s-]+physical|partial\s+assist|physical\s+assist"),
    ("gesture", r"gestur(?:e|es|al)|model(?:ing|ling|ed)?"),
    ("visual", r"visual"),
    ("verbal", r"verbal"),
    ("independent", r"independen(?:t|tly|ce)|no\s+prompts?|without\s+(?:prompts?|help)"),
)


def _prompt_levels(text: str) -> list[int]:
    """The ordinals of every prompt level the text names."""
    found = []
    rest = text.lower()
    for level, pattern in _PROMPT_PATTERNS:
        if re.search(pattern, rest):
            found.append(PROMPT_LADDER.index(level))
            rest = re.sub(pattern, " ", rest)  # "partial physical" is not also "physical"
    return found


def parse_level(method: str, text: str) -> float | None:
    """The number a baseline or target states in the goal's method, or None.

    Percent: "45%", "12 of 26" (46.2), "8/10". Prompt level: the level named, the most
    supported one if several are ("independent or one verbal prompt" is verbal: the least
    the target accepts; "gesture and verbal prompts" is gesture). Rubric and frequency:
    the first number ("score 1 of 4" is 1). Duration and latency: a number with its unit,
    in minutes ("3 minutes", "90 seconds" is 1.5); a bare number has no unit and is not read.
    """
    text = text.strip()
    if not text:
        return None
    if method == PERCENT:
        match = _PERCENT.search(text)
        if match:
            return float(match.group(1))
        fraction = _FRACTION.search(text)
        if fraction:
            part, whole = _number(fraction.group(1)), _number(fraction.group(2))
            return 100 * part / whole if whole else None
        return None
    if method == PROMPT:
        levels = _prompt_levels(text)
        return float(min(levels)) if levels else None
    if method in (RUBRIC, FREQUENCY):
        match = _FIRST_NUMBER.search(text)
        return _number(match.group(1)) if match else None
    if method in (DURATION, LATENCY):
        time = _TIME.search(text)
        if not time:
            return None
        amount, unit = float(time.group(1)), time.group(2).lower()
        if unit.startswith("s"):
            return amount / 60
        if unit.startswith("h"):
            return amount * 60
        return amount
    return None


_WINDOW_UNITS: dict[str, str] = {
    "session": "sessions",
    "day": "sessions",
    "morning": "sessions",
    "afternoon": "sessions",
    "class": "sessions",
    "lesson": "sessions",
    "visit": "sessions",
    "period": "sessions",
    "assessment": "sessions",
    "probe": "sessions",
    "week": "weeks",
    "opportunit": "points",
    "trial": "points",
    "sample": "points",
    "attempt": "points",
    "observation": "points",
}
# The unit is one of the (up to three) words after the count: "3 consecutive writing
# sessions", "4 of 5 opportunities".
_CONSECUTIVE = re.compile(_NUM + r"\s+consecutive\s+((?:[a-z-]+\s+){0,2}[a-z-]+)", re.I)
_N_OF_M = re.compile(
    _NUM
    + r"\s+(?:of|out of)\s+(?:the\s+)?(?:last\s+)?"
    + _NUM
    + r"\s+((?:[a-z-]+\s+){0,2}[a-z-]+)",
    re.I,
)


def _window_unit(words: str) -> tuple[str, str] | None:
    """The window's unit among the words after its count, the first one known, and the
    criterion's own words for it ("writing samples")."""
    split = words.lower().split()
    for n, word in enumerate(split):
        for stem, unit in _WINDOW_UNITS.items():
            if word.startswith(stem):
                return unit, " ".join(split[: n + 1])
    return None


def parse_criterion(method: str, text: str, *, target: str = "") -> Criterion | None:
    """ "in 3 consecutive sessions", "80% in 3 consecutive sessions", "in 4 of 5
    opportunities", "over 4 consecutive weeks": the window and, when the criterion states
    one, the level. Without a window in the criterion, the target's words are tried
    ("80% of trials in 3 consecutive sessions" written as the target). None when neither
    says how many sessions, weeks or opportunities."""
    for source, own in ((text, True), (target, False)):
        source = source.strip()
        if not source:
            continue
        for pattern, consecutive in ((_CONSECUTIVE, True), (_N_OF_M, False)):
            match = pattern.search(source)
            if not match:
                continue
            if consecutive:
                need = of = int(_number(match.group(1)))
                found = _window_unit(match.group(2))
            else:
                need, of = int(_number(match.group(1))), int(_number(match.group(2)))
                found = _window_unit(match.group(3))
            if found is None or not 0 < need <= of:
                continue
            unit, word = found
            # In a target, "8 of 10 transitions" is the level, not a window: only sessions
            # or weeks make one there.
            if not own and unit == "points":
                continue
            rest = (source[: match.start()] + " " + source[match.end() :]).strip()
            level = parse_level(method, rest) if rest else None
            return Criterion(need=need, of=of, unit=unit, level=level, text=source, word=word)
    return None


# --- Per-session values ---------------------------------------------------------------------


def _lower_median(values: Sequence[int]) -> int:
    ordered = sorted(values)
    return ordered[(len(ordered) - 1) // 2]


def _duration_words(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60} s" if whole >= 60 else f"{whole} s"


def point_value(method: str, point: Point) -> float | None:
    """One point's value on the method's scale (None: not a point of this method)."""
    if point.kind != KIND_OF_METHOD.get(method):
        return None
    if method == PERCENT:
        return None if point.correct is None else 100.0 * point.correct
    if method == PROMPT:
        return float(PROMPT_LADDER.index(point.prompt)) if point.prompt in PROMPT_LADDER else None
    if point.value is None:
        return None
    if method in (DURATION, LATENCY):
        return point.value / 60
    return float(point.value)


def session_values(method: str, points: Iterable[Point]) -> list[SessionValue]:
    """One value per session, in date order (then session key), from the points of the
    method's kind; other points are left out (see `goal_series` for the counts)."""
    grouped: dict[tuple[dt.date, int], list[Point]] = {}
    for point in points:
        if point_value(method, point) is not None:
            grouped.setdefault((point.day, point.session), []).append(point)
    result = []
    for (day, session), own in sorted(grouped.items()):
        n = len(own)
        if method == PERCENT:
            correct = sum(1 for p in own if p.correct)
            value = 100 * correct / n
            detail = f"{correct}/{n} ({value:.0f}%)"
        elif method == PROMPT:
            ordinal = _lower_median([PROMPT_LADDER.index(p.prompt) for p in own])
            value = float(ordinal)
            word = PROMPT_WORDS[PROMPT_LADDER[ordinal]]
            detail = word if n == 1 else f"{word} (median of {n})"
        elif method == FREQUENCY:
            value = float(sum(p.value or 0 for p in own))
            detail = f"{value:.0f} in {n} tall{'y' if n == 1 else 'ies'}"
        elif method in (DURATION, LATENCY):
            seconds = fmean(p.value or 0 for p in own)
            value = seconds / 60
            detail = _duration_words(seconds) + ("" if n == 1 else f" (mean of {n})")
        else:  # rubric
            value = fmean(p.value or 0 for p in own)
            detail = _trim(value) if n == 1 else f"{_trim(value)} (mean of {n} scores)"
        result.append(SessionValue(day=day, session=session, value=value, count=n, detail=detail))
    return result


# --- Lines ----------------------------------------------------------------------------------


def least_squares(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float] | None:
    """(intercept, slope) of the least-squares line; None when x does not vary."""
    n = len(xs)
    if n < 2 or n != len(ys):
        return None
    mean_x, mean_y = fmean(xs), fmean(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    if sxx == 0:
        return None
    slope = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sxx
    return mean_y - slope * mean_x, slope


def trend_of(sessions: Sequence[SessionValue]) -> Trend | None:
    """The least-squares trend of the session values over time; None with fewer than
    `MIN_TREND_SESSIONS` sessions, or all on one day."""
    if len(sessions) < MIN_TREND_SESSIONS:
        return None
    origin = sessions[0].day
    fit = least_squares(
        [float((s.day - origin).days) for s in sessions], [s.value for s in sessions]
    )
    if fit is None:
        return None
    intercept, slope = fit
    return Trend(
        origin=origin,
        intercept=intercept,
        slope_per_day=slope,
        first=sessions[0].day,
        last=sessions[-1].day,
    )


# --- Scales ---------------------------------------------------------------------------------


def scale_for(
    method: str, values: Iterable[float], *, higher_is_better: bool = True
) -> Scale | None:
    if method == PERCENT:
        ticks = tuple((float(v), f"{v}%") for v in range(0, 101, 20))
        return Scale(method, "%", 0, 100, ticks, higher_is_better)
    if method == PROMPT:
        ticks = tuple((float(i), PROMPT_WORDS[level]) for i, level in enumerate(PROMPT_LADDER))
        return Scale(method, "level", 0, len(PROMPT_LADDER) - 1, ticks, higher_is_better)
    if method == RUBRIC:
        ticks = tuple((float(v), str(v)) for v in range(RUBRIC_MAX + 1))
        return Scale(method, "score", 0, RUBRIC_MAX, ticks, higher_is_better)
    if method in (DURATION, LATENCY, FREQUENCY):
        top = max([1.0, *values])
        unit = "count" if method == FREQUENCY else "min"
        return Scale(method, unit, 0, top * 1.1, (), higher_is_better)
    return None


# --- Mastery --------------------------------------------------------------------------------


def _meets(value: float, level: float, higher_is_better: bool) -> bool:
    return value >= level - EPSILON if higher_is_better else value <= level + EPSILON


def _units(
    method: str, criterion: Criterion, sessions: Sequence[SessionValue], points: Sequence[Point]
) -> tuple[list[tuple[dt.date, float]], str]:
    """The dated values the criterion's window counts, and their word ("sessions")."""
    if criterion.unit == "weeks":
        weeks: dict[tuple[int, int], list[SessionValue]] = {}
        for s in sessions:
            weeks.setdefault(s.day.isocalendar()[:2], []).append(s)
        return [
            (own[-1].day, fmean(s.value for s in own)) for _, own in sorted(weeks.items())
        ], "weeks with data"
    # One opportunity is one data point where a point has a value of its own; a trial is
    # right or wrong and a tally is one count, so those goals count sessions.
    if criterion.unit == "points" and method in (PROMPT, RUBRIC, DURATION, LATENCY):
        dated = sorted(
            ((p.day, p.session), v) for p in points if (v := point_value(method, p)) is not None
        )
        return [(key[0], v) for key, v in dated], criterion.word or "opportunities"
    # Sessions under the criterion's own word ("assessments", "mornings"), but a percent
    # or frequency goal's "opportunities" are its sessions here.
    word = criterion.word if criterion.unit == "sessions" and criterion.word else "sessions"
    return [(s.day, s.value) for s in sessions], word


def mastery_of(
    method: str,
    criterion: Criterion | None,
    level: float | None,
    sessions: Sequence[SessionValue],
    points: Sequence[Point],
    *,
    scale: Scale,
    criterion_text: str,
) -> Mastery:
    """Whether the criterion holds over the latest window, and the first day it held."""
    if not sessions:
        return Mastery(NO_DATA, "No data yet.", criterion=criterion, level=level)
    if criterion is None:
        said = f"“{criterion_text}”" if criterion_text.strip() else "none is written"
        return Mastery(
            UNKNOWN,
            f"Mastery not judged: the criterion ({said}) does not say over how many "
            "sessions, weeks or opportunities.",
            level=level,
        )
    if level is None:
        return Mastery(
            UNKNOWN,
            "Mastery not judged: neither the target nor the criterion states a level this "
            "method can read.",
            criterion=criterion,
        )
    units, word = _units(method, criterion, sessions, points)
    at = "at or above" if scale.higher_is_better else "at or below"
    shown = scale.words(level)
    met_on = None
    for end in range(criterion.of, len(units) + 1):
        window = units[end - criterion.of : end]
        if sum(_meets(v, level, scale.higher_is_better) for _, v in window) >= criterion.need:
            met_on = window[-1][0]
            break
    if len(units) < criterion.of:
        return Mastery(
            TOO_FEW,
            f"Too early to judge: {len(units)} {word} so far; the criterion looks at "
            f"{criterion.of}.",
            criterion=criterion,
            level=level,
        )
    window = units[-criterion.of :]
    hits = sum(_meets(v, level, scale.higher_is_better) for _, v in window)
    if criterion.consecutive:
        rule = f"the last {criterion.of} {word} all {at} {shown}"
    else:
        rule = f"{criterion.need} of the last {criterion.of} {word} {at} {shown}"
    if hits >= criterion.need:
        since = (
            f" (first met {met_on:%b} {met_on.day})" if met_on and met_on != window[-1][0] else ""
        )
        return Mastery(MASTERED, f"Met: {rule}{since}.", met_on, level, criterion)
    earlier = f" It was met on {met_on:%b} {met_on.day}, and not since." if met_on else ""
    return Mastery(
        NOT_YET,
        f"Not yet: {hits} of the last {criterion.of} {word} {at} {shown}; "
        f"the criterion asks for {criterion.need}.{earlier}",
        met_on,
        level,
        criterion,
    )


# --- The series ---------------------------------------------------------------------------


def goal_series(
    *,
    method: str,
    baseline: str,
    target: str,
    criterion: str,
    iep_start: dt.date,
    iep_end: dt.date,
    points: Iterable[Point],
) -> GoalSeries:
    """Everything the graph and the reports show for one goal (see the module docstring)."""
    points = list(points)
    kind = KIND_OF_METHOD.get(method)
    narratives = sum(1 for p in points if p.kind == "narrative")
    if method == NARRATIVE or kind is None:
        return GoalSeries(
            method=method,
            iep_start=iep_start,
            iep_end=iep_end,
            scale=None,
            sessions=(),
            baseline=None,
            target=None,
            aim=None,
            trend=None,
            mastery=Mastery(NOT_GRAPHED, "Narrative goal: read the observations; no graph."),
            narratives=narratives,
        )
    sessions = session_values(method, points)
    skipped = sum(1 for p in points if p.kind not in (kind, "narrative"))
    start_value = parse_level(method, baseline)
    end_value = parse_level(method, target)
    notes = []
    if start_value is None:
        notes.append(
            f"No aim line: the baseline “{baseline}” states no value to start from."
            if baseline.strip()
            else "No aim line: no baseline is written."
        )
    if end_value is None:
        notes.append(f"No aim line: the target “{target}” states no value to aim at.")
    if skipped:
        notes.append(
            f"{skipped} data point{'s' if skipped != 1 else ''} of another method left out."
        )
    higher = method != LATENCY
    if start_value is not None and end_value is not None and end_value != start_value:
        higher = end_value > start_value
    values = [s.value for s in sessions] + [v for v in (start_value, end_value) if v is not None]
    scale = scale_for(method, values, higher_is_better=higher)
    assert scale is not None
    rule = parse_criterion(method, criterion, target=target)
    level = rule.level if rule is not None and rule.level is not None else end_value
    aim = (
        Line(iep_start, start_value, iep_end, end_value)
        if start_value is not None and end_value is not None
        else None
    )
    return GoalSeries(
        method=method,
        iep_start=iep_start,
        iep_end=iep_end,
        scale=scale,
        sessions=tuple(sessions),
        baseline=start_value,
        target=end_value,
        aim=aim,
        trend=trend_of(sessions),
        mastery=mastery_of(
            method, rule, level, sessions, points, scale=scale, criterion_text=criterion
        ),
        notes=tuple(notes),
        narratives=narratives,
        skipped=skipped,
    )


def describe(series: GoalSeries) -> str:
    """The series in a few sentences: what a screen reader says for the graph, and the
    start of a progress narrative."""
    scale = series.scale
    if scale is None:
        return f"Narrative goal: {series.narratives} observation(s); no graph."
    if not series.sessions:
        return "No data yet. " + series.mastery.words
    first, last = series.sessions[0], series.sessions[-1]
    parts = [
        f"{len(series.sessions)} session{'s' if len(series.sessions) != 1 else ''} with data "
        f"from {first.day:%b} {first.day.day}, {first.day.year} to {last.day:%b} {last.day.day}, "
        f"{last.day.year}.",
        "Latest: "
        + ", ".join(f"{scale.words(s.value)} ({s.day:%b} {s.day.day})" for s in series.latest)
        + ".",
    ]
    if series.aim is not None:
        aim = series.aim
        parts.append(
            f"Aim line from {scale.words(aim.start_value)} at the IEP start to "
            f"{scale.words(aim.end_value)} at its end; {scale.words(aim.value_at(last.day))} "
            f"expected by {last.day:%b} {last.day.day}."
        )
    if series.trend is not None:
        parts.append(trend_words(series))
    parts.append(series.mastery.words)
    parts.extend(series.notes)
    return " ".join(parts)


def trend_words(series: GoalSeries) -> str:
    """ "Trend: rising 2.1 percentage points a week." and the like ("" without a trend)."""
    trend, scale = series.trend, series.scale
    if trend is None or scale is None:
        return ""
    per_week = trend.per_week
    unit = {
        "%": "percentage points",
        "level": "prompt levels",
        "score": "rubric points",
        "min": "minutes",
        "count": "per session",
    }[scale.unit]
    if abs(per_week) < 0.05:
        return "Trend: flat."
    direction = "rising" if per_week > 0 else "falling"
    better = per_week > 0 if scale.higher_is_better else per_week < 0
    toward = "toward" if better else "away from"
    return f"Trend: {direction} {_trim(abs(per_week))} {unit} a week ({toward} the target)."

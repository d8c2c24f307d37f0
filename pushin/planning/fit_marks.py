"""The goal a scheduled student's time serves, and how well the class activity fits it.

Every page that shows a planned or dated session (the plan, the standing schedule, the
move form, Today, the teacher's visits) names each student's focus goal by its domain
("Handwriting") and, for push-in time, the fit of the class activity to that goal. The
weight is always the engine's: `Scenario.fit_weight` over `DEFAULT_FIT` with the district's
edits and the goal's own overrides (pushin/caseload/fit.py builds the same table). This
module only words the weights and sums minutes by band; it computes no weight of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pushin.caseload.fit import FitTable, fit_table_for, goal_fit
from pushin.caseload.models import Goal
from pushin.district.models import District
from pushin.scheduling.scenario import Scenario
from pushin.vocabulary import Domain

# The plan page's fit summary: minutes at fit 1.0, at 0.7 or more, at 0.5 or more, below.
FIT_BANDS: tuple[tuple[float, str], ...] = (
    (1.0, "fit 1.0"),
    (0.7, "0.7 or more"),
    (0.5, "0.5 or more"),
    (0.0, "below 0.5"),
)


def domain_word(domain: str) -> str:
    """A goal domain in one or two words: "Handwriting" for "Handwriting / visual-motor"."""
    try:
        return str(Domain(domain).label).split(" / ")[0]
    except ValueError:
        return domain.replace("_", " ").capitalize()


def fit_text(fit: float) -> str:
    """0.7 -> "0.7", 1 -> "1.0", 0.75 -> "0.75"."""
    text = f"{round(fit, 2):.2f}"
    return text[:-1] if text.endswith("0") else text


def fit_table_scenario(fit: Mapping[str, Mapping[str, float]]) -> Scenario:
    """A scenario holding only a fit table (a run's `fit`, or a district's edits plus its
    goals' synthetic rows), to read weights through the engine's own `fit_weight`."""
    return Scenario(schools=(), providers=(), classrooms=(), students=(), fit=fit)


class GoalFits:
    """Fits of stored goals: the district's table (one query) with each goal's own
    overrides (prefetch `fit_overrides` with the goals)."""

    def __init__(self, district: District) -> None:
        self.table: FitTable = fit_table_for(district)
        self._rows: dict[int, dict[str, float]] = {}

    def fit(self, goal: Goal | None, activity: str) -> float:
        if goal is None:
            return 0.0
        row = self._rows.get(goal.pk)
        if row is None:
            row = self._rows[goal.pk] = goal_fit(goal, self.table)
        return row.get(activity, 0.0)


@dataclass(frozen=True)
class Serve:
    """One student of a session: who, the goal the time serves, and its fit.

    `fit` is None for pull-out time (no class activity to fit) and where a page shows the
    goal only (the teacher's visits)."""

    initials: str
    name: str
    domain: str  # short domain word, "" without a focus goal
    fit: float | None
    pull_out: bool = False

    @property
    def fit_words(self) -> str:
        return "" if self.fit is None else fit_text(self.fit)

    @property
    def goal_words(self) -> str:
        """ "Handwriting, fit 1.0"; "Handwriting (pull-out)"; "no focus goal"."""
        if not self.domain:
            return "no focus goal"
        if self.pull_out:
            return f"{self.domain} (pull-out)"
        if self.fit is None:
            return self.domain
        return f"{self.domain}, fit {fit_text(self.fit)}"

    @property
    def band(self) -> int:
        return fit_band(self.fit or 0.0)


def fit_band(fit: float) -> int:
    """The index in FIT_BANDS of a weight."""
    for index, (least, _) in enumerate(FIT_BANDS):
        if fit >= least - 1e-9:
            return index
    return len(FIT_BANDS) - 1


@dataclass(frozen=True)
class FitBand:
    label: str
    minutes: int
    low: bool  # below 0.5: worth a look


@dataclass(frozen=True)
class FitSummary:
    """Scheduled student-minutes by fit band; pull-out minutes apart (no activity to fit)."""

    bands: tuple[FitBand, ...]
    pull_out: int

    @property
    def total(self) -> int:
        return sum(b.minutes for b in self.bands) + self.pull_out


def fit_summary(placements: Iterable[tuple[int, Serve]]) -> FitSummary:
    """`placements`: (minutes, serve) for each student of each session."""
    minutes = [0] * len(FIT_BANDS)
    pull_out = 0
    for length, serve in placements:
        if serve.pull_out:
            pull_out += length
        else:
            minutes[serve.band] += length
    return FitSummary(
        bands=tuple(
            FitBand(label=label, minutes=minutes[i], low=i == len(FIT_BANDS) - 1)
            for i, (_, label) in enumerate(FIT_BANDS)
        ),
        pull_out=pull_out,
    )

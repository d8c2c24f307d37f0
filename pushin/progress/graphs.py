"""A goal's graph: its data over time in the goal's method, the aim line and the trend.

Drawn on the server with matplotlib (no pyplot, no fonts fetched: `pushin.charts`), from a
`GoalSeries` (pushin/progress/series.py):

    goal_graph_svg(series, ident="goal-12", title="Handwriting: copies a note ...")
        -> an inline <svg> with a viewBox (it scales to its box: width 100% on a phone and
           on paper), a <title> and a <desc> (`series.describe`) for screen readers
    goal_graph_png(series, title=...) -> PNG bytes, for a PDF

The same series always gives the same drawing, so the SVG is kept in memory
(`functools.lru_cache` on the frozen series): a page read writes nothing.

Drawn: one marker per session (its value), joined in date order; the aim line from the
baseline at the IEP start to the target at the IEP end (dashed); the least-squares trend
over the sessions' span (dotted); the mastery level, when it differs from the target, as
a faint line. The x axis spans the IEP.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from functools import lru_cache

from django.utils.safestring import SafeString
from matplotlib import dates as mdates
from matplotlib.figure import Figure

from pushin.charts import PALETTE, new_figure, png_bytes, svg_markup
from pushin.progress.series import PROMPT, GoalSeries, describe

DATA, AIM, TREND, LEVEL = PALETTE[0], "#555555", PALETTE[2], PALETTE[1]
# Inches: narrow enough that 9-point text stays readable on a 360-pixel phone screen.
WIDTH, HEIGHT = 5.2, 3.0


def _x(days: list[dt.date]) -> list[float]:
    """matplotlib's day numbers for dates (its typed `plot` takes no dates)."""
    return [float(n) for n in mdates.date2num(days)]  # type: ignore[no-untyped-call]


def axis_words(series: GoalSeries) -> str:
    scale = series.scale
    if scale is None:
        return ""
    return {
        "%": "Percent correct",
        "level": "Prompt level",
        "score": "Rubric score",
        "min": "Minutes",
        "count": "Count per session",
    }[scale.unit]


def goal_figure(series: GoalSeries, *, title: str = "") -> Figure:
    """The figure of one goal's series (not for narrative goals: `series.scale` is None)."""
    scale = series.scale
    if scale is None:
        raise ValueError("a narrative goal has no graph")
    figure = new_figure(WIDTH, HEIGHT)
    axes = figure.add_subplot()
    days = [s.day for s in series.sessions]
    x = _x(days)
    values = [s.value for s in series.sessions]
    if days:  # drawn first (first in the legend), on top of the lines
        axes.plot(
            x,
            values,
            marker="o",
            markersize=3.5,
            linewidth=1,
            color=DATA,
            label="Data",
            zorder=3,
        )
    if series.aim is not None:
        aim = series.aim
        axes.plot(
            _x([aim.start, aim.end]),
            [aim.start_value, aim.end_value],
            linestyle="--",
            linewidth=1.2,
            color=AIM,
            label="Aim line",
        )
    level = series.mastery.level
    if level is not None and level != series.target:
        axes.axhline(level, color=LEVEL, linewidth=0.8, alpha=0.6, label="Mastery level")
    if series.trend is not None:
        line = series.trend.line
        axes.plot(
            _x([line.start, line.end]),
            [line.start_value, line.end_value],
            linestyle=":",
            linewidth=1.8,
            color=TREND,
            label="Trend",
        )
    low, high = scale.low, scale.high
    pad = (high - low) * 0.05
    axes.set_ylim(low - pad, high + pad)
    if scale.ticks:
        axes.set_yticks([t for t, _ in scale.ticks], [w for _, w in scale.ticks])
    axes.set_ylabel(axis_words(series), fontsize=9)
    first = min([series.iep_start, *days])
    last = max([series.iep_end, *days])
    axes.set_xlim(
        _x([first - dt.timedelta(days=3)])[0],
        _x([last + dt.timedelta(days=3)])[0],
    )
    locator = mdates.AutoDateLocator(minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.grid(axis="y", linewidth=0.4, alpha=0.5)
    axes.spines[["top", "right"]].set_visible(False)
    if title:  # at most two lines over the plot, shortened with an ellipsis
        lines = textwrap.wrap(title, width=80, max_lines=2, placeholder=" …")
        axes.set_title("\n".join(lines), loc="left", fontsize=9)
    if days or series.aim is not None:  # below the plot: never over the data
        figure.legend(loc="outside lower center", fontsize=8, frameon=False, ncols=4)
    if not days:
        axes.text(0.5, 0.5, "No data yet", transform=axes.transAxes, ha="center", color="#777")
    if scale.method == PROMPT:
        axes.tick_params(axis="y", labelsize=8)
    return figure


@lru_cache(maxsize=256)
def goal_graph_svg(series: GoalSeries, *, ident: str, title: str) -> SafeString:
    """The inline SVG of a goal's graph; `ident` names it on its page (a unique id)."""
    return svg_markup(goal_figure(series), ident=ident, title=title, description=describe(series))


def goal_graph_png(series: GoalSeries, *, title: str = "", dpi: int = 150) -> bytes:
    """The graph as a PNG (for a PDF report), with `title` drawn above it."""
    return png_bytes(goal_figure(series, title=title), dpi=dpi)

"""The goal graph: inline SVG that scales, reads aloud, and is the same for the same data."""

from __future__ import annotations

import datetime as dt
import re

from pushin.progress import series as s
from pushin.progress.graphs import goal_figure, goal_graph_png, goal_graph_svg
from pushin.progress.series import Point, goal_series

START, END = dt.date(2026, 9, 1), dt.date(2027, 6, 18)


def _series(prompts=("gesture", "visual", "verbal", "verbal", "independent")):
    points = [
        Point(day=START + dt.timedelta(days=7 * (n + 1)), session=n, kind="prompt", prompt=p)
        for n, p in enumerate(prompts)
    ]
    return goal_series(
        method=s.PROMPT,
        baseline="partial physical assistance",
        target="independent or one verbal prompt",
        criterion="in 3 consecutive sessions",
        iep_start=START,
        iep_end=END,
        points=points,
    )


def test_svg_scales_to_its_box_and_carries_title_and_description():
    svg = goal_graph_svg(_series(), ident="g1", title="Self-care: unpacks <at> arrival")
    tag = re.match(r"<svg[^>]*>", svg)
    assert tag is not None
    assert "viewBox=" in tag.group(0)
    assert not re.search(r'\s(width|height)="', tag.group(0))
    assert '<title id="g1-title">Self-care: unpacks &lt;at&gt; arrival</title>' in svg
    assert "Met: the last 3 sessions all at or above Verbal" in svg  # in the <desc>
    assert "<style" not in svg
    # Text stays text (readable, searchable): the prompt ladder's words are in it.
    assert ">Full physical<" in svg
    assert ">Independent<" in svg


def test_the_same_series_draws_the_same_svg():
    goal_graph_svg.cache_clear()
    first = goal_graph_svg(_series(), ident="g1", title="t")
    goal_graph_svg.cache_clear()
    assert goal_graph_svg(_series(), ident="g1", title="t") == first


def test_the_figure_has_the_data_the_aim_line_and_the_trend():
    figure = goal_figure(_series())
    axes = figure.axes[0]
    labels = [line.get_label() for line in axes.get_lines()]
    assert labels == ["Data", "Aim line", "Trend"]
    data = axes.get_lines()[0]
    assert list(data.get_ydata()) == [2, 3, 4, 4, 5]  # type: ignore[arg-type]
    assert axes.get_ylabel() == "Prompt level"


def test_png_for_a_pdf():
    assert goal_graph_png(_series(), title="Self-care").startswith(b"\x89PNG\r\n")


def test_a_long_title_wraps_on_two_lines_at_most():
    title = "Handwriting / visual-motor: " + "copies a long note from the board " * 6
    figure = goal_figure(_series(), title=title)
    shown = figure.axes[0].get_title(loc="left")
    assert shown.count("\n") == 1
    assert shown.endswith("…")

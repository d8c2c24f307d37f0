"""The workload charts: stacked hours (direct, travel, indirect) against the contract.

One chart per report (a bar per school week) and one for the district (a bar per
provider). Both are in hours, the unit contracts are written in; the page puts the same
numbers in a table beside each chart.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString
from matplotlib.figure import Figure

from pushin.charts import PALETTE, new_figure, png_bytes, svg_markup
from pushin.workload.selectors import Figures, WeekRow

PARTS = [("Direct service", PALETTE[0]), ("Travel", PALETTE[1]), ("Indirect", PALETTE[2])]


def _hours(minutes: int) -> float:
    return minutes / 60


def _stacked(
    labels: Sequence[str],
    parts: Sequence[Sequence[int]],
    contracted: Sequence[int],
    *,
    horizontal: bool,
) -> Figure:
    count = len(labels)
    # Narrow enough that its words stay readable scaled down to a phone's width.
    height = max(2.0, 0.45 * count + 1.4) if horizontal else 3.4
    figure = new_figure(5.5, height)
    axes = figure.add_subplot()
    positions = list(range(count))
    base = [0.0] * count
    for (name, colour), values in zip(PARTS, parts, strict=True):
        hours = [_hours(v) for v in values]
        if horizontal:
            axes.barh(positions, hours, left=base, color=colour, label=name, height=0.6)
        else:
            axes.bar(positions, hours, bottom=base, color=colour, label=name, width=0.6)
        base = [b + h for b, h in zip(base, hours, strict=True)]
    limits = [_hours(c) for c in contracted]
    lows, highs = [p - 0.4 for p in positions], [p + 0.4 for p in positions]
    if horizontal:
        axes.vlines(limits, lows, highs, colors="black", linewidth=2, label="Contracted")
        axes.set_yticks(positions, labels=list(labels))
        axes.invert_yaxis()
        axes.set_xlabel("Hours")
    else:
        axes.hlines(limits, lows, highs, colors="black", linewidth=2, label="Contracted")
        axes.set_xticks(positions, labels=list(labels))
        if count > 8:
            axes.tick_params(axis="x", labelrotation=60)
        axes.set_ylabel("Hours")
    axes.spines[["top", "right"]].set_visible(False)
    figure.legend(loc="outside upper center", ncols=4, frameon=False)
    return figure


def _week_label(week: WeekRow) -> str:
    return f"{week.monday:%b} {week.monday.day}"


def weeks_figure(weeks: Sequence[WeekRow]) -> Figure:
    return _stacked(
        [_week_label(w) for w in weeks],
        [[w.direct for w in weeks], [w.travel for w in weeks], [w.indirect for w in weeks]],
        [w.contracted for w in weeks],
        horizontal=False,
    )


def weeks_svg(weeks: Sequence[WeekRow]) -> SafeString:
    over = [w for w in weeks if w.total > w.contracted]
    description = (
        f"{len(weeks)} school week{'s' if len(weeks) != 1 else ''}; "
        f"{len(over)} over the contracted time. "
        + " ".join(
            f"Week of {_week_label(w)}: {w.total} minutes of {w.contracted} contracted."
            for w in weeks
        )
    )
    return svg_markup(
        weeks_figure(weeks),
        ident="workload-weeks",
        title="Hours per school week: direct service, travel and indirect time, "
        "against the contracted hours",
        description=description,
    )


def weeks_png(weeks: Sequence[WeekRow]) -> bytes:
    return png_bytes(weeks_figure(weeks))


def district_svg(rows: Sequence[Figures]) -> SafeString:
    figure = _stacked(
        [f.provider.user.display_name for f in rows],
        [[f.direct for f in rows], [f.travel for f in rows], [f.indirect for f in rows]],
        [f.contracted for f in rows],
        horizontal=True,
    )
    over = [f for f in rows if f.over_contract]
    description = f"{len(rows)} providers, {len(over)} over contract. " + " ".join(
        f"{f.provider.user.display_name}: {f.total} minutes of {f.contracted} contracted."
        for f in rows
    )
    return svg_markup(
        figure,
        ident="workload-district",
        title="Each provider's hours: direct service, travel and indirect time, "
        "against the contracted hours",
        description=description,
    )

"""The workload charts: stacked hours (direct, travel, indirect) against the contract,
and the capacity what-if's figures.

One chart per report (a bar per school week), one for the district (a bar per provider)
and one per what-if run (its points). The first two are in hours, the unit contracts are
written in; the what-if's are in students and minutes a week. Each page puts the same
numbers in a table beside its chart.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString
from matplotlib.figure import Figure

from pushin.charts import PALETTE, new_figure, png_bytes, svg_markup
from pushin.workload.selectors import Figures, WeekRow
from pushin.workload.whatif import Point

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


# --- Capacity what-if -------------------------------------------------------------------------

WHATIF_PANELS = [
    ("short_students", "Not seen in full", PALETTE[5]),
    ("short_minutes", "Minutes short", PALETTE[1]),
    ("travel_minutes", "Travel minutes", PALETTE[0]),
]


def whatif_figure(points: Sequence[Point], *, over_size: bool, today: int | None) -> Figure:
    """One panel per figure, sharing the horizontal axis: the caseload size (a line over
    N) or the points' names (bars)."""
    # Narrow, with large words: it stays readable scaled down to a phone's width.
    figure = new_figure(4.6, 5.6)
    axes_list = figure.subplots(len(WHATIF_PANELS), 1, sharex=True)
    for axes, (field, name, colour) in zip(axes_list, WHATIF_PANELS, strict=True):
        values = [getattr(p, field) for p in points]
        if over_size:
            sizes = [p.students for p in points]
            axes.plot(sizes, values, marker="o", color=colour, linewidth=2)
            if today is not None:
                axes.axvline(today, color="black", linestyle="--", linewidth=1)
        else:
            positions = list(range(len(points)))
            bars = axes.bar(positions, values, color=colour, width=0.5)
            axes.bar_label(bars, fontsize=10)
            axes.set_xticks(positions, labels=[p.label for p in points])
        axes.set_ylabel(name, fontsize=10)
        axes.tick_params(labelsize=10)
        axes.set_ylim(bottom=0, top=max(1, *values) * 1.15)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.spines[["top", "right"]].set_visible(False)
    if over_size:
        axes_list[-1].set_xlabel(
            "Students on the caseload" + (" (dashed: today)" if today is not None else ""),
            fontsize=10,
        )
    return figure


def whatif_svg(points: Sequence[Point], *, over_size: bool, today: int | None) -> SafeString:
    description = " ".join(
        f"{p.label}: {p.short_students} students not seen in full, {p.short_minutes} minutes "
        f"short, {p.travel_minutes} minutes of travel a week."
        for p in points
    )
    return svg_markup(
        whatif_figure(points, over_size=over_size, today=today),
        ident="whatif",
        title="Students who cannot be seen with all their minutes, minutes short and travel"
        + (", by caseload size" if over_size else ""),
        description=description,
    )

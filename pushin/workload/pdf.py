"""The workload report as a PDF a provider can hand to an administrator (reportlab).

The same figures as the page (`selectors.workload_report`): totals against the contract,
the weekly chart, direct service by grouping and delivery, indirect time by kind, the
weeks, and the indirect entries with their notes (which never name a student). Nothing
about any student is in it: sessions are counted, not listed.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pushin.vocabulary import Discipline
from pushin.workload.charts import weeks_png
from pushin.workload.selectors import WorkloadReport
from pushin.workload.templatetags.workload_tags import hours, signed_hours

WIDTH = LETTER[0] - 1.5 * inch
TABLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
        ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _table(rows: list[list[str]], widths: list[float] | None = None) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
    table.setStyle(TABLE)
    return table


def _day(day: object) -> str:
    return f"{day:%b} {day.day}, {day.year}"  # type: ignore[attr-defined]


def report_pdf(report: WorkloadReport) -> bytes:
    figures, period, provider = report.figures, report.period, report.provider
    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["BodyText"], fontSize=8, leading=10)
    discipline = dict(Discipline.choices).get(provider.discipline, provider.discipline)
    story: list[object] = [
        Paragraph(f"Workload report: {escape(provider.user.display_name)}", styles["Title"]),
        Paragraph(
            f"{escape(str(discipline))}, {escape(provider.district.name)}. "
            f"{escape(period.label)}: {_day(period.start)} to {_day(period.end)}"
            + (
                f", counted through today ({_day(figures.through)})"
                if period.reaches_past_today
                else ""
            )
            + f"; {figures.school_days} school day{'s' if figures.school_days != 1 else ''}.",
            styles["BodyText"],
        ),
        Spacer(1, 8),
        _table(
            [
                ["", "Minutes", "Hours"],
                ["Direct service", str(figures.direct), hours(figures.direct)],
                ["Travel between schools", str(figures.travel), hours(figures.travel)],
                ["Indirect time", str(figures.indirect), hours(figures.indirect)],
                ["Total", str(figures.total), hours(figures.total)],
                [
                    "Contracted for these school days",
                    str(figures.contracted),
                    hours(figures.contracted),
                ],
                [
                    "Over (+) or under (-) contract",
                    f"{figures.difference:+d}",
                    signed_hours(figures.difference),
                ],
            ],
            [3.2 * inch, 1.2 * inch, 1.4 * inch],
        ),
        Spacer(1, 6),
        Paragraph(
            f"Contracted time: {hours(report.contracted_per_week)} a week"
            + (
                f"; {hours(report.contracted_period)} for {escape(period.label)} "
                f"({report.period_school_days} school days)."
                if period.key == "term"
                else "."
            )
            + (
                f" Weekly travel in the schedule in force: {hours(report.weekly_travel_in_force)}."
                if report.weekly_travel_in_force is not None
                else ""
            ),
            styles["BodyText"],
        ),
    ]
    if figures.weeks:
        story += [
            Spacer(1, 6),
            Image(io.BytesIO(weeks_png(figures.weeks)), width=WIDTH, height=WIDTH * 3.4 / 5.5),
        ]
    direct_rows = [["Direct service", "Sessions", "Minutes"]] + [
        [f"{line.grouping}, {line.delivery.lower()}", str(line.sessions), str(line.minutes)]
        for line in figures.direct_lines
    ]
    kind_rows = [["Indirect time", "Entries", "Minutes"]] + [
        [line.label, str(line.entries), str(line.minutes)] for line in figures.kind_lines
    ]
    week_rows = [["Week of", "School days", "Direct", "Travel", "Indirect", "Total", "Contracted"]]
    week_rows += [
        [
            _day(w.monday),
            str(w.school_days),
            str(w.direct),
            str(w.travel),
            str(w.indirect),
            str(w.total),
            str(w.contracted),
        ]
        for w in figures.weeks
    ]
    story += [
        Spacer(1, 8),
        KeepTogether(_table(direct_rows, [3.2 * inch, 1.2 * inch, 1.4 * inch])),
        Spacer(1, 8),
        KeepTogether(_table(kind_rows, [3.2 * inch, 1.2 * inch, 1.4 * inch])),
        Spacer(1, 8),
        _table(week_rows),
        Spacer(1, 8),
    ]
    notes = [
        "Direct service is the provider's time in each logged session: a group session "
        "counts once, not once per student. Travel is between consecutive sessions of a "
        "day at different schools, at the district's travel times.",
    ]
    if figures.not_logged:
        notes.append(
            f"{figures.not_logged} session{'s' if figures.not_logged != 1 else ''} "
            "not logged yet: not counted."
        )
    if figures.drives_unknown:
        notes.append(
            f"{figures.drives_unknown} drive{'s' if figures.drives_unknown != 1 else ''} "
            "between schools without a travel time entered: counted as 0."
        )
    story += [Paragraph(escape(n), small) for n in notes]
    if figures.entries:
        entry_rows = [["Date", "Indirect time", "Minutes", "Note"]] + [
            [_day(e.date), e.get_kind_display(), str(e.minutes), Paragraph(escape(e.note), small)]
            for e in figures.entries
        ]
        story += [
            Spacer(1, 8),
            _table(entry_rows, [1.1 * inch, 1.5 * inch, 0.8 * inch, WIDTH - 3.4 * inch]),
        ]
    made = timezone.localtime()
    story += [
        Spacer(1, 10),
        Paragraph(f"Made with Push-In on {_day(made.date())} at {made:%H:%M}.", small),
    ]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
        topMargin=0.75 * inch,
        bottomMargin=0.75 * inch,
        title=f"Workload report, {provider.user.display_name}",
        author="Push-In",
        invariant=1,
    )
    document.build(story)
    return buffer.getvalue()

"""The watch-list summary as a one-page PDF for the intervention team (reportlab).

The same content as the print page (`watchlist/summary.html`): the observations by date
and activity, the count per activity, and the strategies tried with how they went. No
diagnosis, no goals: classroom observations of a student on no caseload.
"""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from pushin.watchlist.models import WatchEntry, WatchObservation
from pushin.watchlist.selectors import StrategyRow

WIDTH = LETTER[0] - 1.2 * inch
TABLE = TableStyle(
    [
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.lightgrey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
)


def _day(day: dt.date) -> str:
    return f"{day:%b} {day.day}, {day.year}"


def summary_pdf(
    entry: WatchEntry,
    observations: list[WatchObservation],
    *,
    activities: list[tuple[str, int]],
    strategies: list[StrategyRow],
    printed_on: dt.date,
) -> bytes:
    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["BodyText"], fontSize=8, leading=10)
    room = entry.classroom
    story: list[object] = [
        Paragraph(f"Classroom observations: {escape(entry.display_name)}", styles["Title"]),
        Paragraph(
            f"{escape(room.name)}, {escape(room.school.name)}. For the school's intervention "
            f"team (MTSS / RTI); printed {_day(printed_on)}. Observations of a student on no "
            "caseload: no diagnosis, no goals.",
            styles["BodyText"],
        ),
        Spacer(1, 8),
        Paragraph("Observations by date", styles["Heading2"]),
    ]
    rows: list[list[object]] = [["Date", "Activity", "What was seen", "Strategy and how it went"]]
    for o in observations:
        tried = escape(o.strategy_tried)
        if o.outcome:
            tried += f": {escape(str(o.get_outcome_display()).lower())}"
        if o.outcome_note:
            tried += f" ({escape(o.outcome_note)})"
        rows.append(
            [
                f"{o.observed_on:%b} {o.observed_on.day}",
                Paragraph(escape(o.activity_display), small),
                Paragraph(escape(o.seen), small),
                Paragraph(tried or "none", small),
            ]
        )
    table = Table(rows, colWidths=[0.6 * inch, 1.1 * inch, WIDTH - 3.9 * inch, 2.2 * inch])
    table.setStyle(TABLE)
    story += [table, Spacer(1, 8), Paragraph("By activity", styles["Heading2"])]
    story.append(Paragraph("; ".join(f"{escape(label)}: {n}" for label, n in activities), small))
    story.append(Paragraph("Strategies tried", styles["Heading2"]))
    if strategies:
        for s in strategies:
            outcomes = ", ".join(f"{label.lower()} {n}" for label, n in s.outcomes.items())
            times = "time" if s.tried == 1 else "times"
            story.append(
                Paragraph(f"{escape(s.strategy)}: tried {s.tried} {times} ({outcomes})", small)
            )
    else:
        story.append(Paragraph("None recorded.", small))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.6 * inch,
        rightMargin=0.6 * inch,
        topMargin=0.6 * inch,
        bottomMargin=0.6 * inch,
        title="Classroom observations",
    )
    doc.build(story)
    return buffer.getvalue()

"""Progress reports as PDFs (reportlab): one student's, or a caseload's for a period.

Each report: the student and period, each goal (its words, the progress code in the
district's words, the graph, the narrative), the minutes delivered against mandated and
the missed minutes by reason, and the signature (who signed, when) or a signature line
on a draft. A signed report is drawn from its snapshot (its graphs are the PNGs stored at
signing); a draft's graphs are drawn now. A signed report whose record changed since says
so at its top. The batch file starts with the caseload's list and gives each report its
own pages; students without a report are listed, "not started".
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from pushin.progress.graphs import HEIGHT, WIDTH, goal_graph_png
from pushin.progress.reports.document import Document, GoalPart
from pushin.progress.series import GoalSeries

PAGE_WIDTH = LETTER[0] - 1.5 * inch
GRAPH_WIDTH = 5.0 * inch
CHANGED_WORDS = (
    "Data changed after signing: the sessions, data or minutes this report was made from "
    "have changed since it was signed. The report shows what was signed."
)
DRAFT_WORDS = "Draft: not signed. The figures follow the record until the report is signed."
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
BANNER = TableStyle(
    [
        ("BOX", (0, 0), (-1, -1), 1, colors.HexColor("#B3261E")),
        ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#FCEEEE")),
        ("LEFTPADDING", (0, 0), (-1, -1), 6),
        ("RIGHTPADDING", (0, 0), (-1, -1), 6),
    ]
)


@dataclass(frozen=True)
class PdfReport:
    """One report to print: its document, and whether its record changed since signing."""

    document: Document
    changed: bool = False


def _day(day: object) -> str:
    return f"{day:%b} {day.day}, {day.year}"  # type: ignore[attr-defined]


def _styles() -> StyleSheet1:
    styles = getSampleStyleSheet()
    styles.add(ParagraphStyle("small", parent=styles["BodyText"], fontSize=8, leading=10))
    styles.add(ParagraphStyle("goal", parent=styles["Heading3"], spaceBefore=10, spaceAfter=2))
    styles.add(ParagraphStyle("code", parent=styles["BodyText"], fontName="Helvetica-Bold"))
    return styles


@lru_cache(maxsize=512)
def _drawn(series: GoalSeries, title: str) -> bytes:
    return goal_graph_png(series, title=title)


def _png(goal: GoalPart) -> bytes | None:
    """The goal's graph: stored at signing, else drawn from the draft's series."""
    if goal.png is not None:
        return goal.png
    if goal.series is not None and goal.graphed:
        return _drawn(goal.series, goal.title)
    return None


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, hAlign="LEFT", repeatRows=1)
    table.setStyle(TABLE)
    return table


def _banner(text: str, styles: StyleSheet1) -> Table:
    table = Table([[Paragraph(escape(text), styles["BodyText"])]], colWidths=[PAGE_WIDTH])
    table.setStyle(BANNER)
    return table


def _minutes(document: Document, styles: StyleSheet1) -> list[Flowable]:
    minutes = document.minutes
    story: list[Flowable] = [Paragraph("Minutes", styles["Heading2"])]
    if not minutes.has_service:
        story.append(
            Paragraph(
                escape(f"No {document.family} service in this period's IEP."), styles["BodyText"]
            )
        )
        return story
    start = minutes.start or document.period_start
    percent = f" ({minutes.percent}%)" if minutes.percent is not None else ""
    story.append(
        _table(
            [
                [f"{_day(start)} to {_day(document.through)}", "Minutes"],
                ["Mandated", str(minutes.mandated)],
                ["Delivered" + percent, str(minutes.delivered)],
                ["Missed", str(minutes.missed_total)],
            ],
            [3.6 * inch, 1.2 * inch],
        )
    )
    notes = []
    if minutes.mandate:
        notes.append(f"Mandate in force on {_day(document.through)}: {minutes.mandate}.")
    if minutes.imported:
        notes.append(
            f"{minutes.imported} of the delivered minutes were imported from before "
            "Push-In's records started."
        )
    if minutes.records_start is not None:
        notes.append(
            f"Push-In's records start on {_day(minutes.records_start)}: minutes are mandated "
            "from that day on."
        )
    story += [Paragraph(escape(n), styles["small"]) for n in notes]
    if minutes.missed:
        story += [
            Spacer(1, 6),
            _table(
                [["Missed minutes by reason", "Minutes"]]
                + [[m.reason, str(m.minutes)] for m in minutes.missed],
                [3.6 * inch, 1.2 * inch],
            ),
        ]
    return story


def _goal(n: int, goal: GoalPart, styles: StyleSheet1) -> list[Flowable]:
    facts = [
        f"Method: {goal.method}",
        f"Baseline: {goal.baseline or '-'}",
        f"Target: {goal.target}",
        f"Mastery: {goal.criterion or '-'}",
    ]
    head: list[Flowable] = [
        Paragraph(escape(f"Goal {n}: {goal.domain}"), styles["goal"]),
        Paragraph(escape(goal.text), styles["BodyText"]),
        Paragraph(escape(". ".join(facts) + "."), styles["small"]),
        Paragraph(escape(f"Progress: {goal.code_word or 'not chosen yet'}"), styles["code"]),
    ]
    story: list[Flowable] = [KeepTogether(head)]
    png = _png(goal)
    if png is not None:
        story.append(Image(io.BytesIO(png), width=GRAPH_WIDTH, height=GRAPH_WIDTH * HEIGHT / WIDTH))
    story.append(Paragraph(escape(goal.narrative), styles["BodyText"]))
    return story


def _signature(document: Document, styles: StyleSheet1) -> list[Flowable]:
    if document.signed_at is not None:
        at = timezone.localtime(document.signed_at)
        words = f"Signed by {document.signed_by} on {_day(at.date())} at {at:%H:%M}."
    else:
        words = "Not signed yet. Signature: ______________________  Date: __________"
    return [Spacer(1, 12), Paragraph(escape(words), styles["BodyText"])]


def report_story(report: PdfReport, styles: StyleSheet1) -> list[Flowable]:
    """The flowables of one report."""
    d = report.document
    story: list[Flowable] = [
        Paragraph(escape(f"Progress report: {d.student_name}"), styles["Title"]),
        Paragraph(
            escape(
                f"{d.service}, {d.period_name}: {_day(d.period_start)} to {_day(d.period_end)}"
                + (f"; data through {_day(d.through)}" if d.period_ongoing else "")
                + "."
            ),
            styles["BodyText"],
        ),
        Paragraph(
            escape(
                f"Student {d.student_ref}"
                + (f", {d.grade_words}" if d.grade else "")
                + f", {d.classroom}, {d.school}. Provider: {d.provider_name}."
            ),
            styles["BodyText"],
        ),
    ]
    if d.revision > 1:
        story.append(
            Paragraph(
                escape(
                    f"Revision {d.revision}, amending revision {d.revision - 1}: " + d.amend_reason
                ),
                styles["BodyText"],
            )
        )
    if report.changed:
        story += [Spacer(1, 4), _banner(CHANGED_WORDS, styles)]
    if d.signed_at is None:
        story += [Spacer(1, 4), _banner(DRAFT_WORDS, styles)]
    story += [Spacer(1, 6), *_minutes(d, styles)]
    story.append(Paragraph("Goals", styles["Heading2"]))
    if not d.goals:
        story.append(Paragraph("No goals in this period's IEP.", styles["BodyText"]))
    for n, goal in enumerate(d.goals, start=1):
        story += _goal(n, goal, styles)
    story += _signature(d, styles)
    return story


def _build(story: list[Flowable], *, title: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=0.75 * inch,
        rightMargin=0.75 * inch,
        topMargin=0.75 * inch,
        bottomMargin=0.75 * inch,
        title=title,
        author="Push-In",
        invariant=1,
    )
    document.build(story)
    return buffer.getvalue()


def report_pdf(report: PdfReport) -> bytes:
    d = report.document
    return _build(report_story(report, _styles()), title=f"Progress report, {d.period_name}")


@dataclass(frozen=True)
class BatchLine:
    """A student of the caseload in the batch file's list."""

    name: str
    ref: str
    status: str
    report: PdfReport | None


def batch_pdf(*, provider_name: str, period_name: str, lines: Sequence[BatchLine]) -> bytes:
    """Every report of a caseload for a period in one file, after the list of students."""
    styles = _styles()
    story: list[Flowable] = [
        Paragraph(escape(f"Progress reports: {period_name}"), styles["Title"]),
        Paragraph(
            escape(
                f"{provider_name}'s caseload: {len(lines)} student"
                f"{'s' if len(lines) != 1 else ''}, "
                f"{sum(1 for line in lines if line.report is not None)} with a report."
            ),
            styles["BodyText"],
        ),
        Spacer(1, 6),
        _table(
            [["Student", "Number", "Report"]]
            + [[line.name, line.ref, line.status] for line in lines],
            [3.0 * inch, 1.4 * inch, 2.4 * inch],
        ),
    ]
    for line in lines:
        if line.report is not None:
            story += [PageBreak(), *report_story(line.report, styles)]
    return _build(story, title=f"Progress reports, {period_name}")

"""Adapted writing paper as a one-page PDF, ready to print.

`paper_pdf(kind=..., grade=...)` draws US Letter portrait paper with a small
"Name ____ Date ____" header and nothing about any student: the same sheet serves every
student of that grade band, and nobody's name is ever on it.

Kinds (the ids a `Strategy.printable` holds):

- ``raised_line``: an imitation of raised-line paper: a thick dark baseline with a grey
  "shadow" line under it so it reads as a ridge, a light dashed midline and a thin top
  line. A footer tip says how to make the baseline truly raised (trace it with glue).
- ``highlighted_band``: a yellow band between the baseline and the midline (where the
  lower-case letters sit), thin top line and baseline, dashed midline.
- ``bold_lines``: every line bold and black (top line, dashed midline, baseline).
- ``box``: a row of letter boxes on every writing line, one letter per box, with a bold
  bottom edge as the baseline.

Line spacing follows the grade, because letter size shrinks as handwriting matures
(the usual primary-paper rulings, then wide and narrow notebook rulings):

===========  ===============================  ============================  ==========
grades       writing line (top to baseline)   space between writing lines   lines/page
===========  ===============================  ============================  ==========
PK3, PK4     1 1/4 inch (widest: big crayons) 1/2 inch                      5
K and 1      1 inch (wide primary ruling)     3/8 inch                      7
2 and 3      5/8 inch (medium)                1/4 inch                      10
4 and 5      1/2 inch (narrow)                3/16 inch                     13
6 to 8       3/8 inch (wide-ruled notebook)   1/8 inch                      18
9 to 12      5/16 inch (narrow notebook)      1/8 inch                      21
18-22        5/16 inch, as 9 to 12            1/8 inch                      21
===========  ===============================  ============================  ==========

The midline sits halfway between the top line and the baseline. Margins are 1/2 inch
left, right and bottom; the header takes the top inch.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

from django.db import models
from reportlab.lib.colors import Color, black
from reportlab.pdfgen.canvas import Canvas

from pushin.vocabulary import GRADE_WORDS, Grade, grade_from_text


class PrintableKind(models.TextChoices):
    RAISED_LINE = "raised_line", "Raised-line paper (bold baseline)"
    HIGHLIGHTED_BAND = "highlighted_band", "Highlighted-band paper"
    BOLD_LINES = "bold_lines", "Bold-lined paper"
    BOX = "box", "Letter-box paper"


# What the provider says they will bring, in a follow-up: "I'll bring printed ...".
KIND_WORDS = {
    PrintableKind.RAISED_LINE: "raised-line paper",
    PrintableKind.HIGHLIGHTED_BAND: "highlighted-band paper",
    PrintableKind.BOLD_LINES: "bold-lined paper",
    PrintableKind.BOX: "letter-box paper",
}


class PrintableError(ValueError):
    """A kind or grade that has no paper; the message says what to choose instead."""


@dataclass(frozen=True)
class Ruling:
    """Line spacing for a grade band, in points (72 to the inch)."""

    band: str  # "PK", "K-1", "2-3", "4-5", "6-8", "9-12", "18-22"
    label: str  # what a person reads: "1 inch lines"
    height: float  # top line to baseline
    gap: float  # baseline to the next row's top line


inch = 72.0  # points

RULINGS = {
    "PK": Ruling("PK", "1 1/4 inch lines", 1.25 * inch, 0.5 * inch),
    "K-1": Ruling("K-1", "1 inch lines", 1.0 * inch, 0.375 * inch),
    "2-3": Ruling("2-3", "5/8 inch lines", 0.625 * inch, 0.25 * inch),
    "4-5": Ruling("4-5", "1/2 inch lines", 0.5 * inch, 0.1875 * inch),
    "6-8": Ruling("6-8", "3/8 inch lines", 0.375 * inch, 0.125 * inch),
    "9-12": Ruling("9-12", "5/16 inch lines", 0.3125 * inch, 0.125 * inch),
    "18-22": Ruling("18-22", "5/16 inch lines", 0.3125 * inch, 0.125 * inch),
}
GRADE_BANDS: dict[str, str] = {
    Grade.PK3: "PK",
    Grade.PK4: "PK",
    Grade.K: "K-1",
    Grade.G1: "K-1",
    Grade.G2: "2-3",
    Grade.G3: "2-3",
    Grade.G4: "4-5",
    Grade.G5: "4-5",
    Grade.G6: "6-8",
    Grade.G7: "6-8",
    Grade.G8: "6-8",
    Grade.G9: "9-12",
    Grade.G10: "9-12",
    Grade.G11: "9-12",
    Grade.G12: "9-12",
    Grade.TRANSITION: "18-22",
}
GRADES = [str(grade) for grade in GRADE_BANDS]
# (a grade of the band, the band's name): the printables page offers a sheet per band.
PRINTABLE_BANDS = [
    (str(next(g for g, b in GRADE_BANDS.items() if b == band)), band) for band in RULINGS
]

PAGE_WIDTH, PAGE_HEIGHT = 612.0, 792.0  # US Letter portrait, in points
MARGIN = 0.5 * inch
HEADER = 1.0 * inch  # the top inch: margin, "Name ____ Date ____", a little air
FOOTER = 0.25 * inch  # the small print line above the bottom margin

YELLOW = Color(1.0, 0.93, 0.35)
GREY = Color(0.55, 0.55, 0.55)
LIGHT = Color(0.7, 0.7, 0.7)


def normalize_grade(grade: str) -> str:
    """'k', 'K', '0', ' 2 ', 'pre-k', '07' -> 'K', '2', 'PK4', '7'; anything else is a
    PrintableError."""
    value = grade_from_text(grade or "")
    if not value:
        raise PrintableError(f"Choose a grade: {GRADE_WORDS}.")
    return value


def normalize_kind(kind: str) -> PrintableKind:
    try:
        return PrintableKind((kind or "").strip())
    except ValueError:
        names = ", ".join(PrintableKind.values)
        raise PrintableError(f"Choose a kind of paper: {names}.") from None


def ruling_for(grade: str) -> Ruling:
    return RULINGS[GRADE_BANDS[normalize_grade(grade)]]


def rows_per_page(ruling: Ruling) -> int:
    """How many writing lines fit between the header and the footer."""
    usable = PAGE_HEIGHT - HEADER - MARGIN - FOOTER
    # n rows take n * height + (n - 1) * gap.
    return math.floor((usable + ruling.gap) / (ruling.height + ruling.gap))


def boxes_per_row(ruling: Ruling) -> int:
    return math.floor((PAGE_WIDTH - 2 * MARGIN) / box_width(ruling))


def box_width(ruling: Ruling) -> float:
    return ruling.height * 0.8


def band_words(ruling: Ruling) -> str:
    """'grades K-1', 'preschool', 'transition (18-22)'."""
    if ruling.band == "PK":
        return "preschool"
    if ruling.band == "18-22":
        return "transition (18-22)"
    return f"grades {ruling.band}"


def paper_title(kind: str, grade: str) -> str:
    """'Raised-line paper (bold baseline), grades K-1 (1 inch lines)'."""
    paper = normalize_kind(kind)
    ruling = ruling_for(grade)
    return f"{paper.label}, {band_words(ruling)} ({ruling.label})"


def paper_pdf(*, kind: str, grade: str) -> bytes:
    """One US Letter page of `kind` paper ruled for `grade` (PK3 to 12 and 18-22)."""
    paper = normalize_kind(kind)
    ruling = ruling_for(grade)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1)
    canvas.setTitle(paper_title(kind, grade))
    canvas.setAuthor("Push-In")
    canvas.setCreator("Push-In")
    _header(canvas)
    top = PAGE_HEIGHT - HEADER
    for row in range(rows_per_page(ruling)):
        row_top = top - row * (ruling.height + ruling.gap)
        baseline = row_top - ruling.height
        _row(canvas, paper, ruling, row_top=row_top, baseline=baseline)
    _footer(canvas, paper, ruling)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _header(canvas: Canvas) -> None:
    y = PAGE_HEIGHT - MARGIN - 14
    canvas.setFillColor(black)
    canvas.setFont("Helvetica", 12)
    canvas.drawString(MARGIN, y, "Name")
    canvas.drawString(PAGE_WIDTH / 2 + 36, y, "Date")
    canvas.setLineWidth(0.75)
    canvas.setStrokeColor(black)
    canvas.setDash()
    # The blanks to write on, drawn as lines so they print the same everywhere.
    canvas.line(MARGIN + 38, y - 2, PAGE_WIDTH / 2, y - 2)
    canvas.line(PAGE_WIDTH / 2 + 68, y - 2, PAGE_WIDTH - MARGIN, y - 2)


def _footer(canvas: Canvas, paper: PrintableKind, ruling: Ruling) -> None:
    canvas.setFillColor(GREY)
    canvas.setFont("Helvetica", 8)
    text = f"Push-In · {paper.label} · {band_words(ruling)}, {ruling.label}"
    if paper == PrintableKind.RAISED_LINE:
        text += " · Tip: trace the thick lines with school glue and let dry to make them raised."
    canvas.drawString(MARGIN, MARGIN, text)


def _hline(canvas: Canvas, y: float, *, width: float, color: Color, dash: bool = False) -> None:
    canvas.setLineWidth(width)
    canvas.setStrokeColor(color)
    if dash:
        canvas.setDash(6, 4)
    else:
        canvas.setDash()
    canvas.line(MARGIN, y, PAGE_WIDTH - MARGIN, y)


def _row(
    canvas: Canvas, paper: PrintableKind, ruling: Ruling, *, row_top: float, baseline: float
) -> None:
    midline = baseline + ruling.height / 2
    if paper == PrintableKind.RAISED_LINE:
        _hline(canvas, row_top, width=0.75, color=GREY)
        _hline(canvas, midline, width=0.75, color=LIGHT, dash=True)
        _hline(canvas, baseline, width=3.5, color=black)
        _hline(canvas, baseline - 2.5, width=1.5, color=LIGHT)  # the ridge's shadow
    elif paper == PrintableKind.HIGHLIGHTED_BAND:
        canvas.setFillColor(YELLOW)
        width = PAGE_WIDTH - 2 * MARGIN
        canvas.rect(MARGIN, baseline, width, ruling.height / 2, stroke=0, fill=1)
        _hline(canvas, row_top, width=0.75, color=GREY)
        _hline(canvas, midline, width=0.75, color=GREY, dash=True)
        _hline(canvas, baseline, width=1.5, color=black)
    elif paper == PrintableKind.BOLD_LINES:
        _hline(canvas, row_top, width=2.0, color=black)
        _hline(canvas, midline, width=1.25, color=black, dash=True)
        _hline(canvas, baseline, width=3.0, color=black)
    else:
        canvas.setLineWidth(1.0)
        canvas.setStrokeColor(GREY)
        canvas.setDash()
        box = box_width(ruling)
        for column in range(boxes_per_row(ruling)):
            canvas.rect(MARGIN + column * box, baseline, box, ruling.height, stroke=1, fill=0)
        canvas.setLineWidth(2.5)
        canvas.setStrokeColor(black)
        canvas.line(MARGIN, baseline, MARGIN + boxes_per_row(ruling) * box, baseline)

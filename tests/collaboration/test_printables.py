"""paper_pdf: one US Letter page, the right lines for the kind, spacing by grade.

No PDF library is installed for tests, so the checks read the PDF itself: the page
objects and MediaBox, and the drawing operators of the (ASCII85 + Flate) content stream.
"""

from __future__ import annotations

import base64
import re
import zlib

import pytest

from pushin.collaboration.printables import (
    GRADES,
    PrintableError,
    PrintableKind,
    paper_pdf,
    paper_title,
    rows_per_page,
    ruling_for,
)


def content(pdf: bytes) -> str:
    """The page's drawing operators, decoded."""
    (stream,) = re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S)
    data = stream.strip()
    assert data.endswith(b"~>")
    return zlib.decompress(base64.a85decode(data[:-2].replace(b"\n", b""))).decode("latin-1")


def lines(ops: str) -> list[str]:
    """Every stroked straight line: 'n x1 y1 m x2 y2 l S'."""
    return re.findall(r"n [\d.]+ [\d.]+ m [\d.]+ [\d.]+ l S", ops)


def boxes(ops: str) -> list[str]:
    return re.findall(r"n [\d.]+ [\d.]+ [\d.]+ [\d.]+ re S", ops)


@pytest.mark.parametrize("kind", PrintableKind.values)
def test_one_letter_page(kind: str) -> None:
    pdf = paper_pdf(kind=kind, grade="2")
    assert pdf.startswith(b"%PDF-1.4")
    assert pdf.rstrip().endswith(b"%%EOF")
    assert len(re.findall(rb"/Type /Page\b", pdf)) == 1
    assert b"/Count 1" in pdf
    assert b"/MediaBox [ 0 0 612 792 ]" in pdf
    ops = content(pdf)
    # The header, and nothing else written but the footer's small print.
    assert "(Name) Tj" in ops
    assert "(Date) Tj" in ops
    texts = re.findall(r"\((.*?)\) Tj", ops)
    assert len(texts) == 3
    assert texts[2].startswith("Push-In")


# Header blanks (2) + lines per writing row x rows. Rows: PK 5, K-1 7, 2-3 10, 4-5 13,
# 6-8 18, 9-12 and 18-22 21.
@pytest.mark.parametrize(
    ("grade", "rows"),
    [
        ("PK3", 5),
        ("PK4", 5),
        ("K", 7),
        ("1", 7),
        ("2", 10),
        ("3", 10),
        ("4", 13),
        ("5", 13),
        ("6", 18),
        ("8", 18),
        ("9", 21),
        ("12", 21),
        ("18-22", 21),
    ],
)
def test_spacing_by_grade(grade: str, rows: int) -> None:
    ops = content(paper_pdf(kind="bold_lines", grade=grade))
    assert len(lines(ops)) == 2 + 3 * rows


def test_raised_line_has_a_thick_baseline_with_a_shadow_and_a_dashed_midline() -> None:
    ops = content(paper_pdf(kind="raised_line", grade="K"))
    assert len(lines(ops)) == 2 + 4 * 7
    assert ops.count("3.5 w") == 7  # the thick baseline of each row
    assert ops.count("[6 4] 0 d") == 7  # the dashed midline of each row
    assert "trace the thick lines with school glue" in ops


def test_highlighted_band_fills_between_baseline_and_midline() -> None:
    ops = content(paper_pdf(kind="highlighted_band", grade="4"))
    bands = re.findall(r"n ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+) re f", ops)
    assert len(bands) == 13
    assert {(x, w, h) for x, _, w, h in bands} == {("36", "540", "18")}  # half of 1/2 inch
    assert "1 .93 .35 rg" in ops  # yellow
    assert len(lines(ops)) == 2 + 3 * 13


def test_letter_boxes_fit_the_width() -> None:
    wide = content(paper_pdf(kind="box", grade="K"))
    narrow = content(paper_pdf(kind="box", grade="5"))
    assert len(boxes(wide)) == 7 * 9  # 0.8 inch boxes
    assert len(boxes(narrow)) == 13 * 18  # 0.4 inch boxes


def test_no_name_but_the_blank_and_a_clear_title() -> None:
    pdf = paper_pdf(kind="raised_line", grade="k")
    assert b"/Title (Raised-line paper \\(bold baseline\\), grades K-1 \\(1 inch lines\\))" in pdf
    assert paper_title("box", "3") == "Letter-box paper, grades 2-3 (5/8 inch lines)"
    assert paper_pdf(kind="raised_line", grade="K") == pdf  # the same sheet every time


@pytest.mark.parametrize(
    ("kind", "grade", "message"),
    [
        ("lined", "2", "Choose a kind of paper: raised_line, highlighted_band, bold_lines, box."),
        ("box", "13", "Choose a grade: PK3, PK4, K, 1 to 12 or 18-22 (transition)."),
        ("box", "", "Choose a grade: PK3, PK4, K, 1 to 12 or 18-22 (transition)."),
    ],
)
def test_unknown_kind_or_grade(kind: str, grade: str, message: str) -> None:
    with pytest.raises(PrintableError) as error:
        paper_pdf(kind=kind, grade=grade)
    assert str(error.value) == message


def test_every_grade_is_offered() -> None:
    assert ["PK3", "PK4", "K", *map(str, range(1, 13)), "18-22"] == GRADES


def test_preschool_paper_is_wider_and_secondary_paper_narrower() -> None:
    assert ruling_for("PK4").height == 1.25 * 72 > ruling_for("K").height
    assert ruling_for("7").height < ruling_for("5").height
    assert ruling_for("10").height < ruling_for("7").height
    assert ruling_for("18-22").height == ruling_for("12").height
    assert rows_per_page(ruling_for("PK3")) < rows_per_page(ruling_for("K"))
    assert rows_per_page(ruling_for("9")) > rows_per_page(ruling_for("5"))


def test_titles_name_preschool_and_transition_paper() -> None:
    assert paper_title("bold_lines", "PK4") == "Bold-lined paper, preschool (1 1/4 inch lines)"
    assert paper_title("box", "7") == "Letter-box paper, grades 6-8 (3/8 inch lines)"
    assert (
        paper_title("raised_line", "18-22")
        == "Raised-line paper (bold baseline), transition (18-22) (5/16 inch lines)"
    )
    assert b"preschool" in paper_pdf(kind="bold_lines", grade="pre-k")

"""Charts drawn on the server with matplotlib: SVG for pages, PNG for PDFs.

No pyplot: each chart is its own `Figure` (no global state shared between requests).
`svg_markup` returns SVG to put inline in a page: text stays text (readable, searchable,
scaled by the browser), the output is the same for the same figure (no date, fixed ids),
and it carries a `<title>` and `<desc>` for screen readers. Every chart on a page also
has its numbers in a table next to it. The SVG's own `<style>` element is dropped: the
Content-Security-Policy allows no inline style element (the style attributes that do the
drawing are allowed).
"""

from __future__ import annotations

import io
import re
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from matplotlib import rc_context
from matplotlib.figure import Figure

RC: dict[str, Any] = {"svg.fonttype": "none", "svg.hashsalt": "pushin", "font.size": 9}
# Colours that stay apart for the common colour-vision deficiencies (Okabe-Ito).
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00"]


def new_figure(width: float = 7.0, height: float = 3.2) -> Figure:
    """A figure of `width` x `height` inches, laid out to fit its labels."""
    with rc_context(RC):  # type: ignore[arg-type]
        return Figure(figsize=(width, height), layout="constrained")


def _render(figure: Figure, fmt: str, **kwargs: Any) -> bytes:
    buffer = io.BytesIO()
    with rc_context(RC):  # type: ignore[arg-type]
        figure.savefig(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def svg_markup(figure: Figure, *, ident: str, title: str, description: str) -> SafeString:
    """The figure as an inline `<svg>` element named `ident` on its page."""
    text = _render(figure, "svg", metadata={"Date": None, "Creator": None}).decode()
    text = text[text.index("<svg") :]  # no XML declaration or doctype inside HTML
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r"<style[^>]*>.*?</style>", "", text, flags=re.S)
    text = re.sub(r'\s(width|height)="[\d.]+pt"', "", text, count=2)
    opening = text.index(">") + 1
    head = (
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
    )
    text = (
        text[: opening - 1]
        + f' id="{ident}" class="chart" role="img"'
        + f' aria-labelledby="{ident}-title" aria-describedby="{ident}-desc">'
        + head
        + text[opening:]
    )
    return mark_safe(text)  # noqa: S308 - drawn by matplotlib from our own numbers; words escaped


def png_bytes(figure: Figure, *, dpi: int = 150) -> bytes:
    """The figure as a PNG, for a PDF."""
    return _render(figure, "png", dpi=dpi, metadata={"Software": None})

"""The one place the benchmark scripts write their sections of docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path

DOCS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_section(heading: str, section: str) -> None:
    """Put `section` (which starts with `heading`, a "## " line) in docs/benchmarks.md: in
    place of the section with that heading, else at the end."""
    text = DOCS.read_text() if DOCS.exists() else ""
    start = text.find(heading)
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section if text else section
    else:
        following = text.find("\n## ", start + len(heading))
        rest = text[following + 1 :] if following != -1 else ""
        text = text[:start] + section + ("\n" + rest if rest else "")
    DOCS.write_text(text)

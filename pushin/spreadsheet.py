"""What every CSV this app writes does to a cell (the service log, the audit trail)."""

from __future__ import annotations

# Spreadsheets run a cell that starts like a formula (CSV injection); a leading
# apostrophe keeps it text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """`value` as a CSV cell a spreadsheet shows as text: None is empty."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text

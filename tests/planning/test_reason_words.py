"""Every shortfall reason code of the engine has its words on the plan page."""

from __future__ import annotations

from pushin.planning.words import REASON_WORDS
from pushin.scheduling.plan import REASON_CODES


def test_every_reason_code_has_words() -> None:
    assert set(REASON_WORDS) == set(REASON_CODES)
    assert REASON_WORDS["below_min_fit"].startswith("No time at an activity that fits the goal")

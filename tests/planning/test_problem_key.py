"""Problem.key: one problem however the checker orders the sessions it names."""

from __future__ import annotations

from pushin.planning.validation import Problem

SPAN = "(Mon 09:15-09:45)"


def overlap(a: str, b: str) -> Problem:
    return Problem(
        rule=4, message=f"session {a} {SPAN} overlaps session {b} {SPAN}", sessions=(a, b)
    )


def test_two_sessions_named_in_either_order_are_one_problem() -> None:
    assert overlap("d12", "d9").key == overlap("d9", "d12").key


def test_other_sessions_or_another_rule_are_another_problem() -> None:
    assert overlap("d12", "d9").key != overlap("d12", "d10").key
    other_rule = Problem(rule=5, message=overlap("d12", "d9").message, sessions=("d12", "d9"))
    assert other_rule.key != overlap("d12", "d9").key


def test_a_renamed_week_problem_matches_its_weekly_one() -> None:
    weekly = overlap("x-3", "sess-1")
    stored = overlap("d40", "d41").renamed({"d40": "sess-1", "d41": "x-3"})
    assert stored.key == weekly.key

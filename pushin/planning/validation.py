"""The engine's checker (scheduling/check.py), as the web app uses it.

One adapter so that every page and command reads violations the same way: a rule
number, the engine's message (ids, never names) and the plan sessions it concerns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pushin.scheduling.check import check_plan as engine_check
from pushin.scheduling.plan import Plan
from pushin.scheduling.scenario import Scenario

# Plan session ids in a message; only ids of the plan's sessions count.
_TOKEN = re.compile(r"[\w.-]+")


@dataclass(frozen=True)
class Problem:
    rule: int
    message: str
    sessions: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[int, str, tuple[str, ...]]:
        """What makes two reports one problem: the rule, the message with its sessions'
        ids blanked, and those sessions in any order. The checker names two sessions at
        the same time in the order the plan lists them, which a week's stored sessions
        need not keep (PostgreSQL returns rows in no set order)."""
        blanked = self.renamed(dict.fromkeys(self.sessions, "#"))
        return (self.rule, blanked.message, tuple(sorted(set(self.sessions))))

    def renamed(self, ids: Mapping[str, str]) -> Problem:
        """The same problem with plan session ids renamed (a week's stored session "d<pk>"
        as its weekly session "sess-3"), to compare it with a problem of another plan."""

        def rename(match: re.Match[str]) -> str:
            token = match.group(0)
            bare = token.rstrip(".")
            return ids.get(bare, bare) + token[len(bare) :]

        return Problem(
            rule=self.rule,
            message=_TOKEN.sub(rename, self.message),
            sessions=tuple(ids.get(s, s) for s in self.sessions),
        )


def check_plan(scenario: Scenario, plan: Plan) -> list[Problem]:
    """Every broken validity rule (1-8) of `plan` under `scenario`."""
    session_ids = {session.id for session in plan.sessions}
    return [
        Problem(
            rule=violation.rule,
            message=violation.message,
            sessions=tuple(s for s in _mentioned(violation.message) if s in session_ids),
        )
        for violation in engine_check(scenario, plan)
    ]


def _mentioned(message: str) -> Iterable[str]:
    return dict.fromkeys(token.rstrip(".") for token in _TOKEN.findall(message))


def schedule_problems(scenario: Scenario, plan: Plan) -> list[Problem]:
    """Problems of a standing schedule: rules 1-7. Rule 8 is about a solver's reported
    totals, which a stored schedule does not keep."""
    return [p for p in check_plan(scenario, plan) if p.rule != 8]

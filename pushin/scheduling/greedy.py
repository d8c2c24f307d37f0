"""The baseline a provider (or a simple tool) would use: for comparison only.

Hardest student first (fewest possible times), each given the first free fitting time in
week order, always individually.
"""

from __future__ import annotations

import time
from collections import defaultdict

from .candidates import Candidate, enumerate_candidates
from .packing import Packer
from .plan import Plan
from .scenario import Scenario
from .solve import build_plan, sessions_from_candidates
from .timeutil import DAY_INDEX


def greedy_plan(scenario: Scenario) -> Plan:
    started = time.perf_counter()
    builder = enumerate_candidates(scenario)
    alone: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in builder.candidates:
        if len(candidate.students) == 1:
            alone[candidate.students[0]].append(candidate)
    packer = Packer(scenario, builder.candidates)
    order = sorted(scenario.students, key=lambda s: (len(alone[s.id]), s.id))
    for student in order:
        for candidate in sorted(alone[student.id], key=lambda c: (DAY_INDEX[c.day], c.start)):
            packer.try_add(candidate)
    chosen = [builder.candidates[i] for i in packer.chosen]
    sessions = sessions_from_candidates(scenario, chosen)
    return build_plan(scenario, sessions, status="feasible", seconds=time.perf_counter() - started)

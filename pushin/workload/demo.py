"""Indirect time for the demo district: a plausible term of it, repeatable from a seed.

Each provider, on each school day from the first of the year to the day before `until`:
documentation most days, consultation or teacher collaboration twice a week, a meeting
(an IEP meeting, a team meeting) once a week, an evaluation every other week, para
training now and then. Notes are generic: never a student.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence

from pushin.district.models import District, Provider
from pushin.sessions.calendar import school_days
from pushin.workload.models import IndirectKind, IndirectTime

# (kind, chance on a school day, minutes to choose from, notes to choose from)
PATTERN: list[tuple[str, float, Sequence[int], Sequence[str]]] = [
    (IndirectKind.DOCUMENTATION, 0.85, (15, 20, 30, 45), ("Session notes", "Service logs", "")),
    (IndirectKind.CONSULTATION, 0.25, (15, 20, 30), ("Seating and tools check-in", "")),
    (IndirectKind.TEACHER_COLLABORATION, 0.2, (15, 30), ("Writing block planning", "")),
    (IndirectKind.MEETINGS, 0.2, (30, 45, 60), ("IEP meeting", "Team meeting", "Staff meeting")),
    (IndirectKind.EVALUATIONS, 0.1, (60, 90, 120), ("Initial evaluation", "Re-evaluation")),
    (IndirectKind.PARA_TRAINING, 0.06, (20, 30, 45), ("Carryover strategies", "")),
]


def demo_indirect_time(
    district: District, providers: Sequence[Provider], *, seed: str, until: dt.date
) -> int:
    """Entries for every provider from the school year's start to the day before `until`;
    how many were made."""
    days = school_days(district, district.school_year_start, until - dt.timedelta(days=1))
    entries = []
    for provider in sorted(providers, key=lambda p: p.pk):
        rng = random.Random(f"{seed}-indirect-{provider.user.username}")
        for day in days:
            for kind, chance, lengths, notes in PATTERN:
                if rng.random() < chance:
                    entries.append(
                        IndirectTime(
                            provider=provider,
                            date=day,
                            kind=kind,
                            minutes=rng.choice(lengths),
                            note=rng.choice(notes),
                        )
                    )
    IndirectTime.objects.bulk_create(entries)
    return len(entries)

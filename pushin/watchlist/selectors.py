"""Reads the watch-list pages share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet

from pushin.district.models import District, School
from pushin.vocabulary import activity_label
from pushin.watchlist.models import WatchEntry, WatchObservation


def entry_list(entries: QuerySet[WatchEntry]) -> list[WatchEntry]:
    """The entries with `n_observations` and `last_seen` annotated."""

    return list(
        entries.annotate(
            n_observations=Count("observations"), last_seen=Max("observations__observed_on")
        )
    )


@dataclass(frozen=True)
class SchoolCount:
    school: School
    entries: int
    ready: int  # entries with enough observations for the summary
    observations: int


def counts_per_school(district: District, *, threshold: int) -> list[SchoolCount]:
    """The administrator's view: numbers per school, never a name."""
    per_entry = (
        WatchEntry.objects.filter(district=district)
        .annotate(n=Count("observations"))
        .values_list("classroom__school_id", "n")
        .order_by()
    )
    totals: dict[int, list[int]] = {}
    for school_id, n in per_entry:
        row = totals.setdefault(school_id, [0, 0, 0])
        row[0] += 1
        row[1] += 1 if n >= threshold else 0
        row[2] += n
    return [
        SchoolCount(school=school, entries=t[0], ready=t[1], observations=t[2])
        for school in School.objects.filter(district=district).order_by("name")
        for t in [totals.get(school.pk, [0, 0, 0])]
    ]


@dataclass(frozen=True)
class StrategyRow:
    strategy: str
    tried: int
    outcomes: dict[str, int]


def strategies_tried(observations: list[WatchObservation]) -> list[StrategyRow]:
    """Each strategy tried, how often, and how it went (counts per outcome)."""
    rows: dict[str, StrategyRow] = {}
    for o in observations:
        if not o.strategy_tried:
            continue
        key = o.strategy_tried.strip().lower()
        row = rows.setdefault(key, StrategyRow(o.strategy_tried, 0, {}))
        label = o.get_outcome_display() if o.outcome else "Not recorded"
        row.outcomes[label] = row.outcomes.get(label, 0) + 1
        rows[key] = StrategyRow(row.strategy, row.tried + 1, row.outcomes)
    return list(rows.values())


def activity_counts(observations: list[WatchObservation]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for o in observations:
        label = activity_label(o.activity)
        counts[label] = counts.get(label, 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))

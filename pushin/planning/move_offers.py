"""Where a standing session may move: the blocks of its room that fit, with the provider free.

The move form lists only blocks of the session's classroom where

- every student of the session has a goal the class activity fits (the engine's rule 2:
  the fit table's weight above 0 and at least the scenario's `min_fit`; a pull-out
  session, an activity open for pull-out), and
- the provider is free for the session's length at some start on the slot grid: inside
  a working window (at that school), off their busy time and lessons, clear of their
  other weekly sessions with the travel between schools,

best fit first, each with its fit and the travel the move adds that day (the drive from
the provider's session before and to the one after, less the drive between those two).
The engine's checker still judges the move itself (a student's second session that day,
the daily limit): the list only leaves out what cannot fit.

A move to a block that fits a student's goal less well than where the session is now is
allowed, with a warning naming the goal and both fits (`fit_warnings`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pushin.caseload.models import Goal
from pushin.district.models import ActivityBlock
from pushin.planning.fit_marks import domain_word, fit_text
from pushin.planning.models import ScheduledSession, ScheduledSessionStudent
from pushin.planning.scenario_build import IdMap, scenario_build
from pushin.planning.standing import schedule_sessions, student_key
from pushin.scheduling.candidates import grid_starts, provider_is_free
from pushin.scheduling.scenario import Block, Provider, Scenario
from pushin.scheduling.timeutil import DAY_INDEX, format_hhmm
from pushin.timespans import minutes_of
from pushin.vocabulary import activity_label, in_week_order


def goal_fits(scenario: Scenario, weight: float) -> bool:
    """The engine's rule 2 for one weight (above 0, and at least `min_fit` when set)."""
    return scenario.fits(weight)


def best_focus(scenario: Scenario, key: str, current: str, activity: str) -> str:
    """The goal a student's time at `activity` serves: the current focus goal while it
    fits, else the goal that fits best ("" or `current` when none fits)."""
    student = scenario.student_by_id.get(key)
    if student is None:
        return current
    if student.delivery == "pull_out":
        return current or (student.goals[0].id if student.goals else "")
    weights = {g.id: scenario.fit_weight(g.domain, activity) for g in student.goals}
    if goal_fits(scenario, weights.get(current, 0.0)):
        return current
    best = max(weights.items(), key=lambda item: item[1], default=(current, 0.0))
    return best[0] if goal_fits(scenario, best[1]) else current


@dataclass(frozen=True)
class MemberFit:
    """One student of the session at one block: the goal the time would serve, its fit."""

    student: str  # scenario id
    goal: str  # scenario goal id, "" without one
    domain: str  # the goal's domain in a word or two ("Handwriting")
    fit: float | None  # None: pull-out, or a student no longer in the scenario


@dataclass(frozen=True)
class MoveOffer:
    block: ActivityBlock
    members: tuple[MemberFit, ...]
    fit: float | None  # the least fit among the students; None for pull-out
    first_start: int
    last_start: int
    travel_added: int
    current: bool  # the block the session is in now

    @property
    def label(self) -> str:
        b = self.block
        head = f"{b.get_day_display()} {b.start:%H:%M}-{b.end:%H:%M} {activity_label(b.activity)}"
        domains = sorted({m.domain for m in self.members if m.domain})
        if self.fit is None:
            fit = "pull-out"
        else:
            fit = f"fit {fit_text(self.fit)}" + (f" ({', '.join(domains)})" if domains else "")
        travel = f"+{self.travel_added} min travel" if self.travel_added else "no added travel"
        starts = (
            f"start {format_hhmm(self.first_start)}"
            if self.first_start == self.last_start
            else f"free to start {format_hhmm(self.first_start)}-{format_hhmm(self.last_start)}"
        )
        here = " (where it is now)" if self.current else ""
        return f"{head} · {fit} · {travel} · {starts}{here}"


@dataclass
class MoveOffers:
    session: ScheduledSession
    offers: list[MoveOffer]
    now: tuple[MemberFit, ...]  # the students' goals and fits where the session is now
    activity: str  # the activity where it is now ("" when its block is gone)

    def offer(self, block_pk: int) -> MoveOffer | None:
        return next((o for o in self.offers if o.block.pk == block_pk), None)


def _member_fits(
    scenario: Scenario,
    keys: Sequence[tuple[str, str]],
    activity: str,
    *,
    pull_out: bool,
    keep: bool,
    domains: dict[str, str],
) -> tuple[MemberFit, ...]:
    """`keys`: (student id, current focus goal id). `keep`: the goal stays the current one
    (where the session is now); else the goal the move would choose."""
    fits = []
    for key, current in keys:
        goal = current if keep else best_focus(scenario, key, current, activity)
        student = scenario.student_by_id.get(key)
        fit: float | None = None
        if student is not None and not pull_out:
            domain = next((g.domain for g in student.goals if g.id == goal), "")
            fit = scenario.fit_weight(domain, activity)
        fits.append(MemberFit(student=key, goal=goal, domain=domains.get(goal, ""), fit=fit))
    return tuple(fits)


def _travel_added(
    scenario: Scenario,
    day_sessions: Sequence[tuple[int, int, str]],
    school: str,
    start: int,
    end: int,
) -> int | None:
    """The drive the session adds between its neighbours that day, or None when it does
    not fit between them (overlap, or too little time for the drive)."""
    before = [s for s in day_sessions if s[1] <= start]
    after = [s for s in day_sessions if s[0] >= end]
    if len(before) + len(after) != len(day_sessions):
        return None  # overlaps another session
    prev = max(before, key=lambda s: s[1], default=None)
    nxt = min(after, key=lambda s: s[0], default=None)
    added = 0
    if prev is not None:
        drive = scenario.travel_minutes(prev[2], school)
        if start - prev[1] < drive:
            return None
        added += drive
    if nxt is not None:
        drive = scenario.travel_minutes(school, nxt[2])
        if nxt[0] - end < drive:
            return None
        added += drive
    if prev is not None and nxt is not None:
        added -= scenario.travel_minutes(prev[2], nxt[2])
    return added


def _free_starts(
    scenario: Scenario,
    provider: Provider,
    block: Block,
    school: str,
    minutes: int,
    day_sessions: Sequence[tuple[int, int, str]],
) -> list[tuple[int, int]]:
    """(start, travel added) for each start on the grid where the provider is free."""
    found = []
    for start in grid_starts(scenario, block, minutes):
        end = start + minutes
        if not provider_is_free(provider, school, block.day, start, end):
            continue
        added = _travel_added(scenario, day_sessions, school, start, end)
        if added is not None:
            found.append((start, added))
    return found


def move_offers(session: ScheduledSession) -> MoveOffers:
    """The blocks `session` may move to, best fit first (see the module docstring)."""
    schedule = session.schedule
    provider_row = schedule.provider
    scenario, id_map = scenario_build(district=provider_row.district, providers=[provider_row])
    rows = schedule_sessions(schedule, with_fit=True)
    target = next((s for s in rows if s.pk == session.pk), session)
    members = list(target.members.all())
    domains = {
        f"g{m.focus_goal_id}": domain_word(m.focus_goal.domain) for m in members if m.focus_goal
    }
    domains.update(_scenario_goal_words(scenario, id_map, members, provider_row.pk))
    keys = [
        (
            student_key(id_map, m.student_id, provider_row.pk),
            f"g{m.focus_goal_id}" if m.focus_goal_id else "",
        )
        for m in members
    ]
    pull_out = target.delivery == "pull_out"
    school = f"sch{target.classroom.school_id}"
    provider = scenario.provider_by_id.get(f"p{provider_row.pk}")
    activity = target.block.activity if target.block else ""
    now = _member_fits(
        scenario, keys, activity, pull_out=pull_out or not activity, keep=True, domains=domains
    )
    if provider is None:
        return MoveOffers(session=target, offers=[], now=now, activity=activity)
    length = target.minutes
    others: dict[str, list[tuple[int, int, str]]] = {}
    for other in rows:
        if other.pk != target.pk:
            others.setdefault(other.day, []).append(
                (minutes_of(other.start), minutes_of(other.end), f"sch{other.classroom.school_id}")
            )
    offers: list[MoveOffer] = []
    blocks = in_week_order(ActivityBlock.objects.filter(classroom_id=target.classroom_id))
    for row in blocks:
        # The usual week: each block of the room is itself in the scenario ("b<pk>").
        block = Block(
            id=f"b{row.pk}",
            day=row.day,
            start=minutes_of(row.start),
            end=minutes_of(row.end),
            activity=row.activity,
        )
        if pull_out and block.activity not in scenario.pull_out_activities:
            continue
        fits = _member_fits(
            scenario, keys, block.activity, pull_out=pull_out, keep=False, domains=domains
        )
        known = [m.fit for m in fits if m.fit is not None]
        if not pull_out and not all(goal_fits(scenario, fit) for fit in known):
            continue
        starts = _free_starts(scenario, provider, block, school, length, others.get(block.day, []))
        if not starts:
            continue
        offers.append(
            MoveOffer(
                block=row,
                members=fits,
                fit=None if pull_out or not known else min(known),
                first_start=starts[0][0],
                last_start=starts[-1][0],
                travel_added=min(added for _, added in starts),
                current=row.pk == target.block_id,
            )
        )
    offers.sort(
        key=lambda o: (
            -(o.fit if o.fit is not None else 0.0),
            o.travel_added,
            DAY_INDEX.get(o.block.day, 9),
            o.block.start,
        )
    )
    return MoveOffers(session=target, offers=offers, now=now, activity=activity)


def _scenario_goal_words(
    scenario: Scenario,
    id_map: IdMap,
    members: Sequence[ScheduledSessionStudent],
    provider_pk: int,
) -> dict[str, str]:
    """Every goal of the session's students in a word ("Handwriting"): the move may turn
    a student's time to another of their goals. One query for the goals' domains."""
    goal_ids = set()
    for m in members:
        student = scenario.student_by_id.get(student_key(id_map, m.student_id, provider_pk))
        goal_ids |= {goal.id for goal in student.goals} if student is not None else set()
    pks = [id_map.goals[g] for g in goal_ids if g in id_map.goals]
    return {
        f"g{pk}": domain_word(domain)
        for pk, domain in Goal.objects.filter(pk__in=pks).values_list("pk", "domain")
    }


def fit_warnings(offers: MoveOffers, block_pk: int) -> list[str]:
    """What a move to `block_pk` costs in fit, one sentence per goal served less well:
    "Handwriting fits Math at 0.3; it fits Writing at 1.0." Empty when no fit drops."""
    offer = offers.offer(block_pk)
    if offer is None or not offers.activity:
        return []
    old_activity = activity_label(offers.activity)
    new_activity = activity_label(offer.block.activity)
    lines: list[str] = []
    before = {m.student: m for m in offers.now}
    for after in offer.members:
        was = before.get(after.student)
        if was is None or was.fit is None or after.fit is None or after.fit >= was.fit:
            continue
        goal = after.domain or "The goal"
        if was.goal == after.goal:
            then = f"it fits {old_activity} at {fit_text(was.fit)}"
        else:
            then = f"{was.domain or 'the goal before'} fits {old_activity} at {fit_text(was.fit)}"
        line = f"{goal} fits {new_activity} at {fit_text(after.fit)}; {then}."
        if line not in lines:
            lines.append(line)
    return lines

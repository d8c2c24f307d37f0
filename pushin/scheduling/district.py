"""District plans: every provider of a scenario at once, never worse for any provider.

A district scenario has several providers. A child served by two of them (OT and SLP)
is two student entries, one per provider, with the same `person` (docs/scenario-format.md,
"Several providers"). `solve()` plans providers linked by a shared person as one
problem, within one time limit; this module plans a district on top of it, with the time
limit for each provider:

1. **Components.** Providers linked by a shared person (directly or through others) form a
   component (parts.py); a provider with no shared student is a component of one.
2. **Alone.** Every provider is solved alone with the same time and solver settings as a
   one-provider plan (`solve(part_scenario(...), time_limit, workers, seed)`): their
   own students only. These solves are independent, so they run in parallel, in a process
   pool bounded by `os.cpu_count()` (one CP-SAT worker each by default). The total time a
   district takes grows with its number of providers: each gets the whole `time_limit`.
3. **Combination.** A component of one provider takes its alone plan as it is. For a
   shared component, the alone plans are kept when together they break no person rule
   (no two sessions of one person at once; with `one_pull_out_a_day`, at most one
   pull-out a day per person). Otherwise they are combined in several orders: the first
   provider keeps its alone plan; each next one keeps its alone plan if it fits around
   the providers before it, else gets the better of (a) its alone plan with the clashing
   students taken out of the clashing sessions and (b) a new solve where the earlier
   providers' sessions with a shared person (and the alone sessions of the providers whose
   alone plans clash with nobody: they keep them) are that person's unavailable time,
   starting from its alone plan as "keep improving" does: a new plan, not a re-plan of
   the alone one, so that fit ranks before moves (a re-plan would rather move one session
   to a poorer fit than two to the same fit). The re-plans of a component take at most as
   long again as its providers alone (each the whole `time_limit` for two providers, a
   share of it for more). Orders differ only in which contested provider comes first.
   The order with the fewest providers worse than alone, then the least shortfall, then
   the most fit, wins. Each provider still worse than alone then has a second look:
   planned again with the whole `time_limit` around everybody else's final sessions,
   starting from its part of the district plan, keeping the better.

What "worse" means for a provider: compared lexicographically, first the shortfall minutes
of their students' mandates (fewer is better), then their fit minutes (more is better):
`Score`. What is guaranteed, and why:

- a provider without a shared student gets exactly its alone plan: never worse;
- a provider whose shared students' alone sessions clash with nobody's keeps its alone
  plan (the first provider of the chosen order too): never worse;
- when two providers' alone plans both need the same time of the same child, no plan can
  give both their alone result (the child cannot be in two places); the chosen order
  minimises how many lose, each loss is reported per provider in the plan's
  `stats.district` with the persons concerned, and the shortfall's reasons say why.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import random
import time
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from .anytime import Anytime
from .bounded import solver_processes
from .metrics import measure, stats_of
from .parts import part_scenario, person_entries, provider_components
from .plan import Plan, PlannedSession, Reason, Shortfall
from .scenario import Interval, Scenario
from .timeutil import format_span

FIT_TOLERANCE = 1e-6
MAX_ORDERS = 3  # combination orders tried per shared component
WHOLE_DAY = (0, 24 * 60)


@dataclass(frozen=True)
class Score:
    """One provider's part of a plan: shortfall minutes, then fit minutes."""

    shortfall: int
    fit: float

    def worse_than(self, other: Score) -> bool:
        if self.shortfall != other.shortfall:
            return self.shortfall > other.shortfall
        return self.fit < other.fit - FIT_TOLERANCE

    def as_dict(self) -> dict[str, Any]:
        return {"shortfall_minutes": self.shortfall, "fit_minutes": round(self.fit, 3)}


@dataclass(frozen=True)
class ProviderOutcome:
    provider: str
    alone: Score
    district: Score
    how: str  # "alone", "alone, trimmed" or "re-planned"
    shares_with: tuple[str, ...] = ()
    persons: tuple[str, ...] = ()  # shared persons whose clash cost this provider

    @property
    def worse(self) -> bool:
        return self.district.worse_than(self.alone)

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "provider": self.provider,
            "alone": self.alone.as_dict(),
            "district": self.district.as_dict(),
            "how": self.how,
            "worse_than_alone": self.worse,
        }
        if self.shares_with:
            result["shares_students_with"] = list(self.shares_with)
        if self.persons:
            result["clashing_persons"] = list(self.persons)
        return result


@dataclass(frozen=True)
class DistrictPlan:
    plan: Plan
    outcomes: tuple[ProviderOutcome, ...]
    components: tuple[tuple[str, ...], ...]
    alone: Mapping[str, Plan]


@dataclass(frozen=True)
class Clash:
    person: str
    first: PlannedSession
    second: PlannedSession
    kind: str  # "overlap" or "pull_out_day"

    def message(self) -> str:
        what = "are at the same time" if self.kind == "overlap" else "are two pull-outs one day"
        return (
            f"{self.person}: {self.first.id} "
            f"({format_span(self.first.day, self.first.start, self.first.end)}) and "
            f"{self.second.id} ({format_span(self.second.day, self.second.start, self.second.end)})"
            f" {what}"
        )


# ----- persons and components -------------------------------------------------------------


def person_clashes(scenario: Scenario, sessions: Iterable[PlannedSession]) -> list[Clash]:
    """Every pair of sessions breaking a person rule: one person in two sessions at once
    (entries of one person, whatever their providers), or, with `one_pull_out_a_day`, in
    two pull-out sessions on one day."""
    persons = person_entries(scenario)
    if not persons:
        return []
    person_by_entry = {entry: person for person, ids in persons.items() for entry in ids}
    by_person: dict[str, list[tuple[str, PlannedSession]]] = defaultdict(list)
    for session in sessions:
        for student_id in session.students:
            person = person_by_entry.get(student_id)
            if person is not None:
                by_person[person].append((student_id, session))
    found = []
    for person in sorted(by_person):
        items = sorted(by_person[person], key=lambda item: (item[1].day, item[1].start))
        for index, (entry_a, a) in enumerate(items):
            for entry_b, b in items[index + 1 :]:
                if entry_a == entry_b or a.day != b.day:
                    continue
                if a.start < b.end and b.start < a.end:
                    found.append(Clash(person, a, b, "overlap"))
                elif (
                    scenario.one_pull_out_a_day
                    and a.delivery == "pull_out"
                    and b.delivery == "pull_out"
                ):
                    found.append(Clash(person, a, b, "pull_out_day"))
    return found


def needs_district(scenario: Scenario) -> bool:
    """A person is on several providers' caseloads: only a district plan keeps rule 9."""
    return len(scenario.providers) > 1 and bool(person_entries(scenario))


def plan_seconds(scenario_data: Mapping[str, Any], time_limit: float) -> float:
    """The most a plan of this (still undecoded) scenario takes with `time_limit` for each
    provider, one provider at a time (as the app plans): a district plan (a person on
    several caseloads) solves each provider alone, re-plans at most as long again, and a
    second look at most as long again; any other plan gives each provider the limit
    (`solve` with the providers' time added up)."""
    students = scenario_data.get("students")
    providers = scenario_data.get("providers")
    if not isinstance(students, list) or not isinstance(providers, list) or len(providers) < 2:
        return time_limit
    # as person_of: an entry without `person` is the person of its own id
    persons = [s.get("person") or s.get("id") for s in students if isinstance(s, dict)]
    if len(persons) == len(set(persons)):  # nobody on two caseloads
        return len(providers) * time_limit
    return 3 * len(providers) * time_limit


# ----- one provider's scenario and score ----------------------------------------------------


def provider_scores(scenario: Scenario, sessions: Sequence[PlannedSession]) -> dict[str, Score]:
    """Per provider: the shortfall of their students' mandates and their fit minutes."""
    scheduled: dict[str, int] = defaultdict(int)
    for session in sessions:
        for student_id in session.students:
            scheduled[student_id] += session.minutes
    shortfall: dict[str, int] = defaultdict(int)
    for student in scenario.students:
        shortfall[student.provider] += student.minutes_per_week - scheduled[student.id]
    fit: dict[str, float] = defaultdict(float)
    for session in sessions:
        if session.delivery != "push_in":
            continue
        activity = scenario.block_by_id[session.block].activity
        for student_id, goal_id in session.focus.items():
            student = scenario.student_by_id[student_id]
            domain = next(goal.domain for goal in student.goals if goal.id == goal_id)
            fit[session.provider] += scenario.fit_weight(domain, activity) * session.minutes
    return {
        provider.id: Score(shortfall[provider.id], round(fit[provider.id], 6))
        for provider in scenario.providers
    }


# ----- solving, in a pool ----------------------------------------------------------------


@dataclass(frozen=True)
class _Settings:
    time_limit: float
    workers: int
    seed: int


def _solve(
    scenario: Scenario, settings: _Settings, start_from: Sequence[PlannedSession] = ()
) -> Plan:
    from .solve import solve

    return solve(
        scenario,
        time_limit=settings.time_limit,
        workers=settings.workers,
        seed=settings.seed,
        anytime=Anytime(start_from=start_from) if start_from else None,
    )


def _alone_job(args: tuple[Scenario, str, _Settings]) -> Plan:
    scenario, provider_id, settings = args
    blocked = _blocked_by(scenario, provider_id, _pinned_sessions(scenario, provider_id))
    return _solve(part_scenario(scenario, (provider_id,), unavailable=blocked), settings)


def _pool_size(jobs: int, workers: int, processes: int | None) -> int:
    if processes is not None:
        return max(1, min(jobs, processes))
    if multiprocessing.current_process().daemon:
        return 1  # a daemonic process (the app's bounded solve) may not start children
    return max(1, min(jobs, (os.cpu_count() or 1) // max(1, workers)))


def _run_all(function: Any, jobs: list[Any], size: int) -> list[Any]:
    if size <= 1 or len(jobs) <= 1:
        return [function(job) for job in jobs]
    with ProcessPoolExecutor(max_workers=size, mp_context=solver_processes()) as pool:
        return list(pool.map(function, jobs))


# ----- combining a shared component ----------------------------------------------------------


def _pinned_sessions(scenario: Scenario, provider_id: str) -> list[PlannedSession]:
    """Other providers' pinned sessions: fixed before anyone is planned."""
    if scenario.previous_plan is None or not scenario.pinned:
        return []
    pins = set(scenario.pinned)
    return [
        s for s in scenario.previous_plan.sessions if s.id in pins and s.provider != provider_id
    ]


def _blocked_by(
    scenario: Scenario, provider_id: str, fixed: Iterable[PlannedSession]
) -> dict[str, list[Interval]]:
    """Unavailable time for `provider_id`'s students that `fixed` sessions of other
    providers give their persons: the sessions' times, and with `one_pull_out_a_day` the
    whole day of a fixed pull-out for a pull-out student."""
    persons = person_entries(scenario)
    if not persons:
        return {}
    mine = {
        entry: person
        for person, entries in persons.items()
        for entry in entries
        if scenario.student_by_id[entry].provider == provider_id
    }
    entries_of_person: dict[str, list[str]] = defaultdict(list)
    for entry, person in mine.items():
        entries_of_person[person].append(entry)
    person_by_entry = {entry: person for person, ids in persons.items() for entry in ids}
    blocked: dict[str, list[Interval]] = defaultdict(list)
    for session in fixed:
        if session.provider == provider_id:
            continue
        for student_id in session.students:
            for entry in entries_of_person.get(person_by_entry.get(student_id, ""), ()):
                student = scenario.student_by_id[entry]
                if (
                    scenario.one_pull_out_a_day
                    and session.delivery == "pull_out"
                    and student.delivery == "pull_out"
                ):
                    blocked[entry].append(Interval(session.day, *WHOLE_DAY))
                else:
                    blocked[entry].append(Interval(session.day, session.start, session.end))
    return {
        entry: sorted(set(items), key=lambda i: (i.day, i.start))
        for entry, items in blocked.items()
    }


def _trim(
    scenario: Scenario, part: Plan, fixed: Sequence[PlannedSession], provider_id: str
) -> tuple[PlannedSession, ...]:
    """`part`'s sessions with every student taken out of a session that clashes with a
    `fixed` one of their person; sessions left empty go."""
    blocked = _blocked_by(scenario, provider_id, fixed)
    kept = []
    for session in part.sessions:
        students = tuple(
            s
            for s in session.students
            if not any(
                item.day == session.day and item.start < session.end and session.start < item.end
                for item in blocked.get(s, ())
            )
        )
        if students == session.students:
            kept.append(session)
        elif students:
            focus = {s: g for s, g in session.focus.items() if s in students}
            kept.append(dataclasses.replace(session, students=students, focus=focus))
    return tuple(kept)


@dataclass(frozen=True)
class _Part:
    sessions: tuple[PlannedSession, ...]
    how: str
    plan: Plan  # the solve the sessions come from (its shortfall reasons)


def _order_job(
    args: tuple[Scenario, tuple[str, ...], Mapping[str, Plan], _Settings],
) -> dict[str, _Part]:
    """One combination order of a shared component (see the module docstring)."""
    scenario, order, alone, settings = args
    clashes = person_clashes(scenario, [s for plan in alone.values() for s in plan.sessions])
    contested = {p for clash in clashes for p in (clash.first.provider, clash.second.provider)}
    fixed: list[PlannedSession] = []
    parts: dict[str, _Part] = {}
    for index, provider_id in enumerate(order):
        own = alone[provider_id]
        # Providers whose alone plans clash with nobody keep them: nobody moves onto them.
        kept_later = [
            s for p in order[index + 1 :] if p not in contested for s in alone[p].sessions
        ]
        around = [*fixed, *_pinned_sessions(scenario, provider_id), *kept_later]
        blocked = _blocked_by(scenario, provider_id, around)
        if provider_id not in contested or not person_clashes(scenario, [*fixed, *own.sessions]):
            part = _Part(own.sessions, "alone", own)
        else:
            trimmed = _Part(_trim(scenario, own, around, provider_id), "alone, trimmed", own)
            sub = part_scenario(scenario, (provider_id,), unavailable=blocked)
            again = _solve(sub, settings, start_from=own.sessions)
            solved = _Part(again.sessions, "re-planned", again)
            scores = [
                provider_scores(scenario, candidate.sessions)[provider_id]
                for candidate in (trimmed, solved)
            ]
            part = solved if scores[0].worse_than(scores[1]) else trimmed
        parts[provider_id] = part
        fixed.extend(part.sessions)
    return parts


def _orders(component: tuple[str, ...], contested: set[str]) -> list[tuple[str, ...]]:
    """Providers that clash with nobody first (they keep their alone plans), then the
    contested ones in turn, each of the first MAX_ORDERS of them leading once."""
    keep = tuple(p for p in component if p not in contested)
    turn = tuple(p for p in component if p in contested)
    count = max(1, min(len(turn), MAX_ORDERS))
    return [keep + turn[index:] + turn[:index] for index in range(count)]


# ----- the district plan -------------------------------------------------------------------


def plan_district(
    scenario: Scenario,
    *,
    time_limit: float = 30,
    workers: int = 1,
    seed: int = 0,
    processes: int | None = None,
) -> DistrictPlan:
    """Plan every provider of `scenario`; `time_limit` is each provider's (as alone), so the
    whole run takes about providers x time_limit / pool size. `workers` are each solve's
    CP-SAT workers; `processes` the pool size (default: cores / workers, at most one per
    job; 1 solves in this process)."""
    started = time.perf_counter()
    settings = _Settings(time_limit, workers, seed)
    providers = [provider.id for provider in scenario.providers]
    jobs = [(scenario, provider_id, settings) for provider_id in providers]
    alone_plans = _run_all(_alone_job, jobs, _pool_size(len(jobs), workers, processes))
    alone = dict(zip(providers, alone_plans, strict=True))
    alone_scores = {p: provider_scores(scenario, alone[p].sessions)[p] for p in providers}
    components = provider_components(scenario)

    parts: dict[str, _Part] = {p: _Part(alone[p].sessions, "alone", alone[p]) for p in providers}
    repair_jobs: list[tuple[Scenario, tuple[str, ...], Mapping[str, Plan], _Settings]] = []
    repaired: list[tuple[str, ...]] = []
    for component in components:
        if len(component) == 1:
            continue
        together = [s for p in component for s in alone[p].sessions]
        if not person_clashes(scenario, together):
            continue
        repaired.append(component)
        sub_alone = {p: alone[p] for p in component}
        clashes = person_clashes(scenario, together)
        contested = {p for c in clashes for p in (c.first.provider, c.second.provider)}
        orders = _orders(component, contested)
        # The re-plans of a component take at most as long again as its providers alone
        # (only contested providers after the first of an order are re-planned).
        share = min(1.0, len(component) / (len(orders) * max(1, len(contested) - 1)))
        again = dataclasses.replace(settings, time_limit=time_limit * share)
        repair_jobs.extend((scenario, order, sub_alone, again) for order in orders)
    results = _run_all(_order_job, repair_jobs, _pool_size(len(repair_jobs), workers, processes))
    for component in repaired:
        candidates = [r for r in results if set(r) == set(component)]
        parts.update(_best_order(scenario, candidates, alone_scores))
        _second_look(scenario, component, parts, alone, alone_scores, settings)

    sessions = [s for p in providers for s in parts[p].sessions]
    clash_persons = _clash_persons(scenario, alone, components)
    district_scores = provider_scores(scenario, sessions)
    shares = {p: tuple(q for q in c if q != p) for c in components for p in c}
    outcomes = tuple(
        ProviderOutcome(
            provider=p,
            alone=alone_scores[p],
            district=district_scores[p],
            how=parts[p].how,
            shares_with=shares[p],
            persons=tuple(sorted(clash_persons.get(p, ()))) if parts[p].how != "alone" else (),
        )
        for p in providers
    )
    plan = _merge(
        scenario,
        parts,
        alone,
        repaired=bool(repaired),
        seconds=time.perf_counter() - started,
        outcomes=outcomes,
        components=components,
    )
    return DistrictPlan(plan=plan, outcomes=outcomes, components=components, alone=alone)


def _second_look(
    scenario: Scenario,
    component: tuple[str, ...],
    parts: dict[str, _Part],
    alone: Mapping[str, Plan],
    alone_scores: Mapping[str, Score],
    settings: _Settings,
) -> None:
    """Each provider still worse than alone is planned once more, with the whole time,
    around everybody else's final sessions, and keeps the better plan."""
    for provider_id in component:
        current = provider_scores(scenario, parts[provider_id].sessions)[provider_id]
        if not current.worse_than(alone_scores[provider_id]):
            continue
        others = [s for p in component if p != provider_id for s in parts[p].sessions]
        blocked = _blocked_by(
            scenario, provider_id, [*others, *_pinned_sessions(scenario, provider_id)]
        )
        sub = part_scenario(scenario, (provider_id,), unavailable=blocked)
        again = _solve(sub, settings, start_from=parts[provider_id].sessions)
        if provider_scores(scenario, again.sessions)[provider_id].worse_than(current):
            continue
        if person_clashes(scenario, [*others, *again.sessions]):
            continue  # cannot happen (the solve keeps the unavailable time): never risk it
        parts[provider_id] = _Part(again.sessions, "re-planned", again)


def _best_order(
    scenario: Scenario, candidates: list[dict[str, _Part]], alone: Mapping[str, Score]
) -> dict[str, _Part]:
    def rank(parts: dict[str, _Part]) -> tuple[int, int, float]:
        sessions = [s for part in parts.values() for s in part.sessions]
        scores = provider_scores(scenario, sessions)
        mine = {p: scores[p] for p in parts}
        worse = sum(1 for p, score in mine.items() if score.worse_than(alone[p]))
        return (
            worse,
            sum(score.shortfall for score in mine.values()),
            -round(sum(score.fit for score in mine.values()), 6),
        )

    return min(candidates, key=rank)  # ties: the first order


def _clash_persons(
    scenario: Scenario, alone: Mapping[str, Plan], components: Sequence[tuple[str, ...]]
) -> dict[str, set[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for component in components:
        together = [s for p in component for s in alone[p].sessions]
        for clash in person_clashes(scenario, together):
            found[clash.first.provider].add(clash.person)
            found[clash.second.provider].add(clash.person)
    return found


def _merge(
    scenario: Scenario,
    parts: Mapping[str, _Part],
    alone: Mapping[str, Plan],
    *,
    repaired: bool,
    seconds: float,
    outcomes: Sequence[ProviderOutcome],
    components: Sequence[tuple[str, ...]],
) -> Plan:
    """One pushin-plan/1 plan from the providers' parts: ids unique (a session unchanged
    from the previous plan keeps its id), shortfalls with reasons, stats recomputed."""
    previous = scenario.previous_plan.sessions if scenario.previous_plan else ()
    previous_by_key = {s.signature: s.id for s in previous}
    used = {s.id for s in previous}
    counter = 0
    sessions: list[PlannedSession] = []
    for provider in scenario.providers:
        for session in sorted(parts[provider.id].sessions, key=lambda s: (s.day, s.start, s.id)):
            ident = previous_by_key.get(session.signature)
            if ident is None:
                counter += 1
                while f"sess-{counter}" in used:
                    counter += 1
                ident = f"sess-{counter}"
            sessions.append(dataclasses.replace(session, id=ident))
    scheduled: dict[str, int] = defaultdict(int)
    for session in sessions:
        for student_id in session.students:
            scheduled[student_id] += session.minutes
    shortfalls = []
    for student in scenario.students:
        missing = student.minutes_per_week - scheduled[student.id]
        if missing <= 0:
            continue
        part = parts[student.provider]
        reasons = [
            reason
            for shortfall in part.plan.shortfalls
            if shortfall.student == student.id
            for reason in shortfall.reasons
        ]
        # Short of more than alone: the rest went to the child's time with a colleague.
        alone_short = sum(
            s.minutes for s in alone[student.provider].shortfalls if s.student == student.id
        )
        if (part.how != "alone" and missing > alone_short) or not reasons:
            reasons.append(
                Reason(
                    "student_unavailable",
                    f"{student.id}'s fitting times are taken by their sessions with another "
                    "provider",
                )
            )
        shortfalls.append(Shortfall(student.id, missing, tuple(dict.fromkeys(reasons))))
    measures = measure(scenario, sessions)
    shortfall_bound, all_optimal = 0.0, True
    for plan in alone.values():
        if plan.status != "optimal":
            all_optimal = False
        if plan.status == "feasible" and plan.stats.unproven_level == "shortfall":
            shortfall_bound += plan.stats.bound or 0.0
        else:
            shortfall_bound += plan.stats.shortfall_minutes
    status = "optimal" if all_optimal and not repaired else "feasible"
    bound: float | None = None
    unproven: str | None = None
    if status == "feasible":
        if measures.shortfall_minutes > shortfall_bound + FIT_TOLERANCE:
            unproven, bound = "shortfall", shortfall_bound
        else:
            unproven = "moved_sessions" if scenario.previous_plan is not None else "fit_minutes"
    return Plan(
        status=status,
        sessions=tuple(sessions),
        shortfalls=tuple(shortfalls),
        stats=stats_of(
            measures,
            sessions=len(sessions),
            seconds=seconds,
            bound=bound,
            unproven_level=unproven,
            extra={
                "district": {
                    "providers": [outcome.as_dict() for outcome in outcomes],
                    "components": [list(component) for component in components],
                    "worse_than_alone": [o.provider for o in outcomes if o.worse],
                }
            },
        ),
    )


# ----- shared students for synthetic scenarios ----------------------------------------------


def share_students(
    scenario: Scenario, *, share: float = 0.2, seed: int = 0, role: str = "SLP"
) -> Scenario:
    """`scenario` with about `share` of its students also on another provider's caseload
    (a second entry, same person and classroom, 30 minutes a week, push-in or, one time
    in four, pull-out): a multi-provider test and benchmark case. Needs two providers."""
    if len(scenario.providers) < 2:
        return scenario
    rng = random.Random(f"share-{seed}")
    providers = [p.id for p in scenario.providers]
    added = []
    for student in scenario.students:
        if rng.random() >= share:
            continue
        others = [p for p in providers if p != student.provider]
        added.append(
            dataclasses.replace(
                student,
                id=f"{student.id}-{role.lower()}",
                provider=rng.choice(others),
                person=student.id,
                minutes_per_week=student.session_minutes,
                delivery="pull_out" if rng.random() < 0.25 else student.delivery,
                grouping="individual",
            )
        )
    return dataclasses.replace(scenario, students=(*scenario.students, *added))

"""Flags, shortfall reasons and a re-plan's totals say what is true, in the vocabulary's
words: a dated change of activity is judged by that day's activity (never "block ... is
not in Room 2A" when it is), a shortfall names where the provider is instead (another
school's room is not "taking" this one), activity labels are the vocabulary's, and a
re-plan's totals are its diff's counts.

The clock is frozen on Wednesday Dec 2, 2026 (tests/conftest.py)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.urls import reverse

from pushin.district.models import ExceptionKind, TimetableException
from pushin.planning.models import PlanRun, RunKind, RunStatus
from pushin.planning.scenario_build import scenario_build
from pushin.planning.selectors import schedule_flags_for
from pushin.planning.services import plan_run_create
from pushin.scheduling.scenario import scenario_to_dict
from pushin.vocabulary import Activity
from tests.conftest import TODAY
from tests.factories import World, make_student
from tests.planning.helpers import TINY_LIMIT
from tests.sessions.factories import standing_schedule, standing_session, stored_ahead

NEXT_MONDAY = dt.date(2026, 12, 7)
NEXT_THURSDAY = dt.date(2026, 12, 10)


def thursday_in_centers(world: World) -> None:
    """The provider's week: Thu 10:00-10:30 in Room 2A's literacy centers (10:00-10:45),
    stored ahead from today."""
    schedule = standing_schedule(world.provider)
    standing_session(
        schedule,
        classroom=world.classroom,
        day="thu",
        start=dt.time(10),
        end=dt.time(10, 30),
        students=[world.student],
    )
    stored_ahead(world.provider, before=TODAY)


def next_thursday_is(world: World, kind: str, activity: str = "") -> TimetableException:
    return TimetableException.objects.create(
        classroom=world.classroom,
        date=NEXT_THURSDAY,
        start=dt.time(10),
        end=dt.time(10, 45),
        kind=kind,
        activity=activity,
    )


def test_a_dated_change_of_activity_only_is_judged_by_that_days_activity(
    pworld: World, login
) -> None:
    thursday_in_centers(pworld)
    next_thursday_is(pworld, ExceptionKind.ACTIVITY, Activity.WRITING)  # fits handwriting
    flags = schedule_flags_for(pworld.provider, NEXT_MONDAY, reader=pworld.provider.user)
    assert flags.flags == []
    url = reverse("planning:provider", args=[pworld.provider.pk])
    page = login(pworld.provider.user).get(url, {"week": NEXT_MONDAY.isoformat()})
    html = page.content.decode()
    assert "is not in Room 2A" not in html
    assert "passes every rule" in html


def test_a_dated_test_in_the_whole_block_says_the_goal_does_not_fit_the_test(
    pworld: World,
) -> None:
    thursday_in_centers(pworld)
    next_thursday_is(pworld, ExceptionKind.ACTIVITY, Activity.TEST)
    [flag] = schedule_flags_for(pworld.provider, NEXT_MONDAY, reader=pworld.provider.user).flags
    assert (flag.source, flag.rule) == ("week", 2)
    assert flag.message == (
        "the handwriting / visual-motor goal does not fit Test / assessment (Thu 10:00-10:45)"
    )


def test_a_block_cancelled_for_the_day_is_said_so(pworld: World) -> None:
    thursday_in_centers(pworld)
    next_thursday_is(pworld, ExceptionKind.CANCELLED)
    [flag] = schedule_flags_for(pworld.provider, NEXT_MONDAY, reader=pworld.provider.user).flags
    assert (flag.source, flag.rule) == ("week", 1)
    assert flag.message == "block (a block cancelled that day) is not in Room 2A"


def test_shortfall_reasons_name_where_the_provider_is_instead(pworld: World, login) -> None:
    """Two rooms at two schools with the same times: the provider cannot be in both. The
    short student's reason says the provider is in a session in the other school's room,
    and names the blocks with the vocabulary's labels."""
    casey = make_student(
        ref="S-0003",
        classroom=pworld.other_classroom,
        provider=pworld.provider,
        first_name="Casey",
    )
    run = plan_run_create(
        user=pworld.provider.user,
        district=pworld.district,
        providers=[pworld.provider],
        time_limit=TINY_LIMIT,
    )
    assert run.status == RunStatus.DONE, run.error
    page = login(pworld.provider.user).get(reverse("planning:run", args=[run.pk]))
    html = page.content.decode()
    assert "is in another session then, with" in html
    short, other = (
        (casey, pworld.student)
        if any(item["student"] == f"st{casey.pk}" for item in run.plan_data["shortfalls"])
        else (pworld.student, casey)
    )
    other_school = "Maple Elementary" if short == casey else "Cedar Elementary"
    assert re.search(
        rf"(Writing \(Mon 09:00-09:45\)|Literacy centers \(Thu 10:00-10:45\)) in "
        rf"\w+ Tester&#x27;s room: Provider Tester is in another session then, with "
        rf"{other.full_name} in \w+ Tester&#x27;s room at {other_school}",
        html,
    ), html
    for wrong in ("Centers in", "Pe recess", "Writing in"):
        assert wrong not in html
    assert short.full_name in html


def _session(
    ident: str, block: str, day: str, start: str, end: str, student: str
) -> dict[str, Any]:
    return {
        "id": ident,
        "provider": "",
        "classroom": "",
        "block": block,
        "day": day,
        "start": start,
        "end": end,
        "delivery": "push_in",
        "students": [student],
        "focus": {},
    }


def test_replan_totals_are_the_diffs_counts(pworld: World, login) -> None:
    """A re-plan whose diff is known: one kept, one moved, one dropped. The engine counts
    the dropped one in `moved_sessions` (2); the page's totals say 1 moved and 1 dropped,
    the same as its diff."""
    second = make_student(ref="S-0003", classroom=pworld.classroom, provider=pworld.provider)
    scenario, id_map = scenario_build(district=pworld.district, providers=[pworld.provider])
    data = scenario_to_dict(scenario)
    blocks = {b["day"]: b["id"] for room in data["classrooms"] for b in room["blocks"]}
    a, b = f"st{pworld.student.pk}", f"st{second.pk}"
    previous = [
        _session("sess-1", blocks["mon"], "mon", "09:00", "09:30", a),  # kept
        _session("sess-2", blocks["thu"], "thu", "10:00", "10:30", a),  # moved to 10:15
        _session("sess-3", blocks["mon"], "mon", "09:15", "09:45", b),  # dropped
    ]
    current = [
        _session("sess-1", blocks["mon"], "mon", "09:00", "09:30", a),
        _session("sess-4", blocks["thu"], "thu", "10:15", "10:45", a),
    ]
    for item in (*previous, *current):
        item["provider"] = f"p{pworld.provider.pk}"
        item["classroom"] = f"c{pworld.classroom.pk}"
    data["previous_plan"] = {"format": "pushin-plan/1", "sessions": previous}
    run = PlanRun.objects.create(
        district=pworld.district,
        requested_by=pworld.provider.user,
        kind=RunKind.REPLAN,
        status=RunStatus.DONE,
        scenario=data,
        id_map=id_map.to_json(),
        plan={
            "format": "pushin-plan/1",
            "status": "feasible",
            "sessions": current,
            "shortfalls": [],
            "stats": {"mandated_minutes": 120, "scheduled_minutes": 60, "moved_sessions": 2},
        },
    )
    run.providers.add(pworld.provider)
    html = login(pworld.provider.user).get(reverse("planning:run", args=[run.pk])).content.decode()
    assert "1 kept · 1 moved · 0 added · 1 dropped" in html
    totals = html[html.index("<h2>Totals</h2>") : html.index("</table>", html.index("<h2>Totals"))]
    assert "<th>Moved</th><th>Dropped</th>" in totals
    cells = re.findall(r"<td>(.*?)</td>", totals)
    assert cells[-2:] == ["1", '<span class="badge bad">1</span>']

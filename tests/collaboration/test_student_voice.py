"""Student voice: the comfort preference shows on the teacher's card, the para's card and
the session plan partial, and the planner receives it in the scenario."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.urls import reverse

from pushin.planning.scenario_build import scenario_build
from pushin.vocabulary import Comfort
from tests.collaboration.strategy_helpers import chosen
from tests.factories import World

SMALL_GROUP = "Prefers not to be singled out: support as small-group help."


def ask(world: World, comfort: str) -> None:
    world.student.comfort = comfort
    world.student.comfort_asked_on = dt.date(2026, 9, 15)
    world.student.save()


def test_the_teachers_card_shows_the_preference(world: World, login) -> None:
    chosen(world, "Slant board")
    ask(world, Comfort.SMALL_GROUP)
    body = (
        login(world.teacher).get(reverse("collaboration:portal", args=[world.classroom.pk])).content
    )
    assert SMALL_GROUP in body.decode()


def test_the_paras_cards_show_the_preference(world: World, login) -> None:
    chosen(world, "Slant board")
    ask(world, Comfort.FLOAT)
    body = login(world.para).get("/collaboration/carryover/").content.decode()
    assert "Prefers not to be singled out: float around the whole room" in body


def test_no_preference_no_line(world: World, login) -> None:
    chosen(world, "Slant board")
    body = (
        login(world.teacher).get(reverse("collaboration:portal", args=[world.classroom.pk])).content
    )
    assert b"comfort-note" not in body


def test_the_session_plan_partial(world: World) -> None:
    ask(world, Comfort.SMALL_GROUP)
    html = render_to_string("collaboration/_comfort_note.html", {"student": world.student})
    assert SMALL_GROUP in html
    assert "(asked Sep 15)" in html
    ask(world, "")
    world.student.comfort_asked_on = None
    assert (
        render_to_string("collaboration/_comfort_note.html", {"student": world.student}).strip()
        == ""
    )


def test_scenario_build_passes_comfort_to_the_planner(world: World) -> None:
    ask(world, Comfort.SMALL_GROUP)
    scenario, id_map = scenario_build(district=world.district, providers=[world.provider])
    [student] = [s for s in scenario.students if id_map.students[s.id] == world.student.pk]
    assert student.comfort == "small_group"
    ask(world, "")
    scenario, id_map = scenario_build(district=world.district, providers=[world.provider])
    [student] = [s for s in scenario.students if id_map.students[s.id] == world.student.pk]
    assert student.comfort is None

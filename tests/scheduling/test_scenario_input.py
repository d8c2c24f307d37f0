"""Input errors: every one reported, all at once, each with its JSON path."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from pushin.scheduling.scenario import (
    DEFAULT_FIT,
    ScenarioError,
    load_scenario,
    parse_scenario,
    scenario_from_json,
    scenario_to_dict,
)


def errors_of(data: object) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(data)
    return [str(issue) for issue in caught.value.errors]


def test_every_error_kind_is_reported_at_once_with_its_path(
    tiny_scenario: dict[str, Any],
) -> None:
    data = copy.deepcopy(tiny_scenario)
    data["colour"] = "blue"  # unknown key
    data["students"][0]["minutes_per_week"] = 45  # not a multiple of 30
    data["students"][1]["classroom"] = "nowhere"  # unknown id
    data["students"][2]["goals"][0]["domain"] = "handwritting"  # typo in a domain
    data["classrooms"][0]["blocks"][0]["end"] = "08:30"  # end before start
    data["classrooms"][0]["blocks"][1]["end"] = "10:45"  # overlaps the next block? no: mon-3
    data["classrooms"][0]["blocks"][2]["start"] = "10:30"  # overlaps mon-2 (09:45-10:45)
    data["classrooms"][1]["blocks"][0]["day"] = "sat"  # not a school day
    data["providers"][0]["busy"][0]["start"] = "25:00"  # not a time
    data["travel_minutes"] = []  # the provider visits both schools on Monday
    data["schools"].append({"id": "lincoln", "name": "Duplicate"})
    data["pinned"] = ["sess-1"]  # without a previous plan
    errors = errors_of(data)
    expected = [
        "$.colour: unknown key",
        "$.students[0].minutes_per_week: 45 is not a multiple of session_minutes 30",
        "$.students[1].classroom: unknown classroom 'nowhere'",
        "$.students[2].goals[0].domain: unknown goal domain 'handwritting'",
        "$.classrooms[0].blocks[0].end: end 08:30 is not after start 09:00",
        "$.classrooms[0].blocks[2]: block l2a-mon-3",
        "$.classrooms[1].blocks[0].day: 'sat' is not one of",
        "$.providers[0].busy[0].start: expected a time",
        "$.travel_minutes: missing travel time between lincoln and oak",
        "$.schools[2].id: duplicate id 'lincoln'",
        "$.pinned[0]: session 'sess-1' is not in previous_plan",
    ]
    for text in expected:
        assert any(error.startswith(text) for error in errors), (text, errors)


def test_unknown_keys_are_rejected_at_every_level(tiny_scenario: dict[str, Any]) -> None:
    data = copy.deepcopy(tiny_scenario)
    data["students"][3]["goals"][0]["weight"] = 1
    data["classrooms"][1]["blocks"][2]["teacher_preference"] = "great"
    data["providers"][0]["available"][0]["room"] = "gym"
    errors = errors_of(data)
    assert "$.students[3].goals[0].weight: unknown key 'weight'" in errors
    assert "$.providers[0].available[0].room: unknown key 'room'" in errors
    assert any(e.startswith("$.classrooms[1].blocks[2].teacher_preference:") for e in errors)


def test_bad_json_and_wrong_shapes_are_input_errors() -> None:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_json("{not json")
    assert [str(e) for e in caught.value.errors] == [
        "$: the input is not JSON: Expecting property name enclosed in double quotes "
        "(line 1, column 2)"
    ]
    assert errors_of([]) == ["$: expected an object, got a list"]
    errors = errors_of({"format": "pushin-scenario/1", "schools": {}})
    assert "$.schools: expected a list, got an object" in errors
    assert "$: missing key 'students'" in errors


def test_previous_plan_and_fit_are_validated(tiny_scenario: dict[str, Any]) -> None:
    data = copy.deepcopy(tiny_scenario)
    data["fit"] = {"handwriting": {"writing": 1.5}}
    data["previous_plan"] = {"format": "pushin-plan/1", "sessions": [{"id": "a"}]}
    errors = errors_of(data)
    assert "$.fit.handwriting.writing: weight 1.5 is not in [0, 1]" in errors
    assert any(e.startswith("$.previous_plan.sessions[0]: missing key") for e in errors)


def test_defaults_follow_the_spec(tiny_scenario: dict[str, Any]) -> None:
    data = copy.deepcopy(tiny_scenario)
    for key in ("slot_minutes",):
        data.pop(key)
    for item in data["students"]:
        for key in ("delivery", "grouping", "max_group", "comfort"):
            item.pop(key, None)
    scenario = parse_scenario(data)
    assert scenario.slot_minutes == 5
    assert scenario.room_change_minutes == 0
    assert scenario.pull_out_activities == ("independent_work", "centers", "art", "carpet")
    first = scenario.students[0]
    assert (first.delivery, first.grouping, first.max_group, first.comfort) == (
        "push_in",
        "individual",
        3,
        None,
    )
    assert scenario.providers[0].max_direct_minutes_per_day is None
    assert scenario.pinned == ()
    assert scenario.previous_plan is None


def test_fit_overrides_extend_the_default_table(tiny_scenario: dict[str, Any]) -> None:
    data = copy.deepcopy(tiny_scenario)
    data["fit"] = {"handwriting": {"test": 0.3}}
    scenario = parse_scenario(data)
    assert scenario.fit_weight("handwriting", "test") == 0.3
    assert scenario.fit_weight("handwriting", "writing") == 1.0
    assert scenario.fit_weight("social", "assembly") == 0.3  # issue 11's default
    assert scenario.fit_weight("social", "field_trip") == 0.0  # unknown activity
    assert DEFAULT_FIT["keyboarding"]["writing"] == 0.8
    assert DEFAULT_FIT["test_taking"] == {"test": 1.0, "independent_work": 0.6}


def test_round_trip_keeps_the_scenario(tiny_scenario: dict[str, Any]) -> None:
    scenario = parse_scenario(tiny_scenario)
    assert parse_scenario(scenario_to_dict(scenario)) == scenario


# --- Text that is not a scenario at all (the library, like the command line) ---------------


def json_errors(text: object) -> list[str]:
    with pytest.raises(ScenarioError) as caught:
        scenario_from_json(text)  # type: ignore[arg-type]
    return [str(issue) for issue in caught.value.errors]


NESTED = "$: the input is nested too deeply to be a scenario or a plan"


@pytest.mark.parametrize("depth", [2_000, 100_000])
def test_deeply_nested_json_is_an_input_error(depth: int) -> None:
    assert json_errors("[" * depth + "]" * depth) == [NESTED]
    inside = '{"format": "pushin-scenario/1", "schools": [{"id": %s}]}'
    assert json_errors(inside % ("[" * depth + "]" * depth)) == [NESTED]


@pytest.mark.parametrize("depth", [900, 980, 995])
def test_nesting_just_short_of_the_limit_is_an_input_error(depth: int) -> None:
    """Decoded by json, it may still exhaust the stack while being read and described."""
    errors = json_errors('{"schools": [{"id": %s}]}' % ("[" * depth + "]" * depth))
    assert errors
    assert all(error.startswith("$") for error in errors)


def test_bytes_are_read_as_utf8(tiny_scenario: dict[str, Any]) -> None:
    text = json.dumps(tiny_scenario, ensure_ascii=False)
    assert scenario_from_json(text.encode()) == scenario_from_json(text)
    assert scenario_from_json(bytearray(text.encode())) == scenario_from_json(text)


def test_bytes_that_are_not_utf8_are_an_input_error() -> None:
    raw = b'{"format": "pushin-scenario/1", "name": "caf\xe9"}'
    assert json_errors(raw) == [f"$: the input is not UTF-8 text (byte {raw.index(0xE9)})"]


@pytest.mark.parametrize(
    ("value", "kind"),
    [(12, "int"), (None, "null"), ({"format": 1}, "an object"), (["{}"], "a list")],
)
def test_what_is_not_text_is_an_input_error(value: object, kind: str) -> None:
    assert json_errors(value) == [f"$: expected JSON text (a string or bytes), got {kind}"]


def test_a_scenario_file_that_is_not_utf8_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"name": "caf\xe9"}')
    with pytest.raises(ScenarioError) as caught:
        load_scenario(str(path))
    assert [str(e) for e in caught.value.errors] == [f"$: {path} is not UTF-8 text (byte 13)"]

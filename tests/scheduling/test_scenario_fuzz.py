"""Fuzzing the scenario reader (issue 10): random JSON values, random text and bytes,
documents nested past the recursion limit, and the tiny example scenario with random
parts replaced, removed or added never make
`parse_scenario` / `scenario_from_json` raise anything but ScenarioError (the clean
"$.path: message" list the CLI and the planner show); a scenario it accepts writes out
and reads back as the same scenario."""

from __future__ import annotations

import copy
import json
import math
import os
from dataclasses import replace
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushin.scheduling.scenario import (
    Scenario,
    ScenarioError,
    parse_scenario,
    scenario_from_json,
    scenario_to_dict,
)
from tests.scheduling.conftest import load_example

FUZZ = settings(
    max_examples=int(os.environ.get("PUSHIN_FUZZ_EXAMPLES", "150")) * 2,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TINY = load_example("tiny-scenario.json")
PLAN = load_example("tiny-plan.json")
WITH_PLAN = {**TINY, "previous_plan": PLAN, "pinned": [PLAN["sessions"][0]["id"]]}

# Leaves a hostile file might hold where the reader expects ids, times, days and numbers.
ODD_LEAVES: st.SearchStrategy[Any] = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        -1,
        2**31,
        10**30,
        -(10**30),
        0.5,
        1e308,
        math.inf,
        -math.inf,
        math.nan,
        "",
        " ",
        "\x00",
        "25:00",
        "9:5",
        "09:00",
        "23:59",
        "mon",
        "sat",
        "writing",
        "lincoln",
        "lincoln-2a",
        "st-101",
        "g-101a",
        "sess-1",
        "rivera",
        "x" * 2000,
        "\U0001f600",
        [],
        {},
    ]
)
LEAVES = st.one_of(
    ODD_LEAVES,
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=20),
)
JSON = st.recursive(
    LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)


def paths(data: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON document, the root included."""
    found = [prefix]
    if isinstance(data, dict):
        for key, value in data.items():
            found += paths(value, (*prefix, key))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found += paths(value, (*prefix, index))
    return found


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        data = data[step]
    return data


@st.composite
def mutated(draw: st.DrawFn) -> Any:
    """The tiny scenario (with or without a previous plan and a pin) after one to four
    random edits: a part replaced by a random value, removed, or given a new key/item."""
    data = copy.deepcopy(draw(st.sampled_from([TINY, WITH_PLAN])))
    for _ in range(draw(st.integers(1, 4))):
        where = draw(st.sampled_from(paths(data)))
        if not where:
            if draw(st.integers(0, 9)) == 0:
                data = draw(JSON)
            continue
        parent = _at(data, where[:-1])
        step = where[-1]
        action = draw(st.sampled_from(["replace", "replace", "odd", "remove", "add"]))
        if action == "replace":
            parent[step] = draw(JSON)
        elif action == "odd":
            parent[step] = draw(ODD_LEAVES)
        elif action == "remove":
            del parent[step]
        elif isinstance(parent, dict):
            parent[draw(st.sampled_from(["id", "extra", "start", "blocks", "", "format"]))] = draw(
                JSON
            )
        else:
            parent.append(copy.deepcopy(parent[step]))  # e.g. a duplicate id
    return data


def refusal(error: ScenarioError) -> None:
    """A refusal lists its problems, each as "$.path: message"."""
    assert error.errors
    assert all(str(issue).startswith("$") for issue in error.errors)


def outcome(data: object) -> Scenario | None:
    """The scenario read, or None when the reader refused it; anything else propagates."""
    try:
        scenario = parse_scenario(data)
    except ScenarioError as error:
        refusal(error)
        return None
    # What is accepted is well formed: it writes out and reads back the same (of a
    # previous plan, a scenario keeps the sessions only).
    again = parse_scenario(scenario_to_dict(scenario))
    assert replace(again, previous_plan=None) == replace(scenario, previous_plan=None)
    assert _sessions(again) == _sessions(scenario)
    return scenario


def _sessions(scenario: Scenario) -> object:
    return scenario.previous_plan.sessions if scenario.previous_plan is not None else None


@FUZZ
@given(data=JSON)
def test_random_json_values(data: object) -> None:
    outcome(data)


@FUZZ
@given(data=mutated())
def test_the_tiny_scenario_with_random_edits(data: object) -> None:
    outcome(data)


@FUZZ
@given(text=st.one_of(st.text(max_size=300), JSON.map(repr)))
def test_random_text(text: str) -> None:
    try:
        scenario_from_json(text)
    except ScenarioError as error:
        refusal(error)


@FUZZ
@given(raw=st.one_of(st.binary(max_size=300), JSON.map(lambda d: json.dumps(d).encode("utf-16"))))
def test_random_bytes(raw: bytes) -> None:
    try:
        scenario_from_json(raw)
    except ScenarioError as error:
        refusal(error)


@st.composite
def nested(draw: st.DrawFn) -> str:
    """A document nested from a few levels to far past the recursion limit, at the top or
    under a key the reader describes in its messages."""
    depth = draw(st.one_of(st.integers(1, 50), st.integers(900, 1100), st.integers(1, 50_000)))
    opening, closing = draw(st.sampled_from([("[", "]"), ('{"a":', "}")]))
    inner = opening * depth + draw(st.sampled_from(["0", '"x"', "[]", "{}"])) + closing * depth
    return draw(
        st.sampled_from(
            [
                inner,
                '{"format": ' + inner + "}",
                '{"format": "pushin-scenario/1", "schools": [{"id": ' + inner + "}]}",
            ]
        )
    )


@settings(FUZZ, max_examples=60)
@given(text=nested())
def test_deeply_nested_text(text: str) -> None:
    try:
        scenario_from_json(text)
    except ScenarioError as error:
        refusal(error)
    try:
        scenario_from_json(text.encode())
    except ScenarioError as error:
        refusal(error)


def test_the_unedited_examples_are_read() -> None:
    assert outcome(copy.deepcopy(TINY)) is not None
    assert outcome(copy.deepcopy(WITH_PLAN)) is not None

"""The default fit table: every activity has its column, the engine uses the new ones, and
docs/scenario-format.md shows the table exactly as `DEFAULT_FIT` holds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pushin.scheduling.check import check_plan
from pushin.scheduling.fit_doc import (
    END_MARKER,
    START_MARKER,
    default_fit_markdown,
    parse_fit_markdown,
)
from pushin.scheduling.scenario import ACTIVITIES, DEFAULT_FIT, parse_scenario
from pushin.scheduling.solve import solve

from .conftest import block, student, world

DOC = Path(__file__).resolve().parents[2] / "docs" / "scenario-format.md"


def test_the_docs_table_is_the_engines_table() -> None:
    text = DOC.read_text()
    assert parse_fit_markdown(text) == {domain: dict(row) for domain, row in DEFAULT_FIT.items()}
    # and it is the generated text, so regenerating the doc changes nothing
    assert START_MARKER + "\n" + default_fit_markdown() + END_MARKER in text


def test_the_doc_lists_every_activity_id() -> None:
    text = DOC.read_text()
    for activity in ACTIVITIES:
        assert f"| `{activity}` |" in text


def test_every_activity_of_the_app_has_a_column() -> None:
    from pushin.vocabulary import Activity

    assert set(Activity.values) == set(ACTIVITIES)
    assert len(ACTIVITIES) == len(set(ACTIVITIES))
    for activity in ACTIVITIES:
        assert any(row.get(activity, 0) > 0 for row in DEFAULT_FIT.values()), activity


def test_issue_11_defaults_for_the_specials() -> None:
    assert DEFAULT_FIT["fine_motor"]["science"] == 0.7
    assert DEFAULT_FIT["handwriting"]["science"] == 0.4
    assert DEFAULT_FIT["transitions"]["science"] == 0.2
    assert DEFAULT_FIT["sensory"]["music"] == 0.8
    assert DEFAULT_FIT["motor_planning"]["music"] == 0.8
    assert "music" not in DEFAULT_FIT["handwriting"]
    assert DEFAULT_FIT["attention"]["library"] == 0.6
    assert DEFAULT_FIT["handwriting"]["library"] == 0.1
    assert "library" not in DEFAULT_FIT["self_care"]
    assert DEFAULT_FIT["sensory"]["assembly"] == 0.6
    assert DEFAULT_FIT["transitions"]["assembly"] == 0.5
    assert "assembly" not in DEFAULT_FIT["fine_motor"]
    assert all(weight == 0 or domain == "test_taking" for domain, row in DEFAULT_FIT.items()
               for activity, weight in row.items() if activity == "test")  # fmt: skip


def test_every_weight_is_between_0_and_1() -> None:
    for row in DEFAULT_FIT.values():
        for weight in row.values():
            assert 0 < weight <= 1


@pytest.mark.parametrize(
    ("activity", "domain"),
    [
        ("science", "fine_motor"),
        ("music", "motor_planning"),
        ("library", "attention"),
        ("assembly", "sensory"),
        ("lab", "fine_motor"),
        ("vocational", "fine_motor"),
        ("lecture", "attention"),
        ("class_change", "transitions"),
        ("community_outing", "self_care"),
    ],
)
def test_a_goal_is_scheduled_at_an_activity_that_now_has_a_default(
    activity: str, domain: str
) -> None:
    """Before issue 11 these blocks weighed 0 and the student was short; now the engine
    schedules the goal there, and counts the default's fit minutes."""
    data = world(
        blocks=[
            block("b1", "mon", "09:00", "09:45", activity),
            block("b2", "mon", "10:00", "10:45", "test"),
        ],
        students=[student("a", goals=[{"id": "a-g", "domain": domain}])],
    )
    scenario = parse_scenario(data)
    plan = solve(scenario, time_limit=5)
    assert check_plan(scenario, plan) == []
    assert plan.shortfalls == ()
    [session] = plan.sessions
    assert session.block == "b1"
    assert plan.stats.fit_minutes == pytest.approx(DEFAULT_FIT[domain][activity] * 30)


def test_a_fine_motor_goal_goes_to_science_rather_than_music() -> None:
    data = world(
        blocks=[
            block("music", "mon", "09:00", "09:45", "music"),
            block("science", "mon", "10:00", "10:45", "science"),
            block("assembly", "mon", "11:00", "11:45", "assembly"),
        ],
        students=[student("a", goals=[{"id": "a-g", "domain": "fine_motor"}])],
    )
    scenario = parse_scenario(data)
    plan = solve(scenario, time_limit=5)
    assert check_plan(scenario, plan) == []
    assert [s.block for s in plan.sessions] == ["science"]
    assert plan.stats.fit_minutes == pytest.approx(0.7 * 30)


def test_a_scenario_can_still_turn_a_default_off() -> None:
    data = world(
        blocks=[block("b1", "mon", "09:00", "09:45", "science")],
        students=[student("a", goals=[{"id": "a-g", "domain": "fine_motor"}])],
    )
    data["fit"] = {"fine_motor": {"science": 0}}
    scenario = parse_scenario(data)
    plan = solve(scenario, time_limit=5)
    assert plan.sessions == ()
    assert [reason.code for reason in plan.shortfalls[0].reasons] == ["no_fitting_block"]
